"""Fixtures: an app on a fresh schema per test (SQLite, or TEST_DATABASE_URL), clients per role."""

from __future__ import annotations

import os
import re

import pytest
from flask_login import FlaskLoginClient
from sqlalchemy import event

from app import create_app
from models import db

from . import factories as f


def _database_url(tmp_path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(tmp_path):
    """The console on an empty schema created from the models."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path),
            "WTF_CSRF_ENABLED": False,
            "FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION": False,
            "SERVER_NAME": "localhost",
        }
    )
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    # No app context stays pushed: each test request gets its own (fresh g and session).
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def session(app):
    """A session in an app context, for tests that make no requests."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def world(app):
    """Reference data and one user per role, committed; holds ids (see tests/factories.py)."""
    with app.app_context():
        w = f.make_world(db.session)
        db.session.commit()
        return w.ids()


@pytest.fixture
def client_for(app, world):
    """client_for("operatore") -> a test client logged in with that role's user."""

    def _client(role: str):
        return app.test_client(user=world.users[role])

    return _client


@pytest.fixture
def ctx(app):
    """Run DB checks between requests: ``with ctx(): db.session.get(...)``."""
    return app.app_context


@pytest.fixture
def anon(app):
    return app.test_client()


class StatementCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self)


@pytest.fixture
def count_statements(app):
    with app.app_context():
        engine = db.engine
    return lambda: StatementCounter(engine)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in page"
    return match.group(1)
