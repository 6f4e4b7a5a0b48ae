"""Fixtures: one app and one schema per test run; each test isolated in a SAVEPOINT.

The schema is created once (SQLite, or TEST_DATABASE_URL) and committed. Every session of
``db`` in the shared app then works on one connection that holds an outer transaction; each
test runs inside a SAVEPOINT of it that is rolled back afterwards, and the console's own
commits release savepoints of their own (``join_transaction_mode="create_savepoint"``), so a
test sees what its requests committed and leaves nothing behind.

Tests that need real commits seen by other connections (the PostgreSQL concurrency tests, the
browser test's server thread, the migrations) get ``standalone_app``: a fresh database of
their own, dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid

import pytest
from flask import current_app
from flask_login import FlaskLoginClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url

from app import create_app
from models import Base, db

from . import factories as f

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


#: The tests' own secrets (create_app refuses to start without secrets of this length).
TEST_SECRETS = {
    "SECRET_KEY": "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "SECURITY_PASSWORD_SALT": "test-password-salt-0123456789-abcdefghijklmnop",
}
#: The demo agency (the environment of a test run sets none).
TEST_AGENCY = {
    "AGENZIA_DENOMINAZIONE": "Agenzia Lavoro Demo S.r.l.",
    "AGENZIA_PARTITA_IVA": "01234560173",
    "AGENZIA_CODICE_FISCALE": "01234560173",
    "AGENZIA_INDIRIZZO": "Via Roma 1",
    "AGENZIA_CAP": "25065",
    "AGENZIA_COMUNE": "Lumezzane",
    "AGENZIA_PROVINCIA": "BS",
    "AGENZIA_IBAN": "IT60X0542811101000000123456",
}


def app_config(url: str, **extra) -> dict:
    return {
        **TEST_SECRETS,
        **TEST_AGENCY,
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION": False,
        "SERVER_NAME": "localhost",
        # argon2 at its cheapest: the tests hash and check passwords hundreds of times; the
        # console's own settings (argon2 defaults) are what production uses.
        "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": {
            "argon2__memory_cost": 1024, "argon2__time_cost": 1, "argon2__parallelism": 1,
        },
        **extra,
    }


class _Route:
    """Where the shared app's sessions run: its test connection, while one is open."""

    app = None
    connection = None


class RoutedSession(FlaskSession):
    """``db.session`` of the shared test app binds to the test connection; any other app
    (a standalone one, the browser test's server thread) keeps its own engine."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and _Route.connection is not None and current_app:
            if current_app._get_current_object() is _Route.app:
                return _Route.connection
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _sqlite_real_savepoints(engine) -> None:
    """pysqlite opens transactions lazily and breaks SAVEPOINT; let SQLAlchemy emit BEGIN
    (the recipe of SQLAlchemy's SQLite dialect documentation)."""

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


@contextlib.contextmanager
def fresh_database(tmp_path, label: str):
    """The URL of a new empty database (a file on SQLite, a database on PostgreSQL)."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / f'{label}.db'}"
        return
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_{label}_{uuid.uuid4().hex[:6]}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


@pytest.fixture(scope="session")
def _shared_app(tmp_path_factory):
    """The console on a schema created once from the models, with its test connection."""
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(app_config(url))
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _sqlite_real_savepoints(engine)
        db.drop_all()
        db.create_all()
    factory = db.session.session_factory
    saved = factory.class_, dict(factory.kw)
    factory.class_ = RoutedSession
    factory.kw["join_transaction_mode"] = "create_savepoint"
    connection = engine.connect()
    outer = connection.begin()
    _Route.app, _Route.connection = app, connection
    yield app
    _Route.app = _Route.connection = None
    outer.rollback()
    connection.close()
    factory.class_, factory.kw = saved
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@contextlib.contextmanager
def savepoint():
    """Everything inside is rolled back at the end (sessions of the shared app closed)."""
    nested = _Route.connection.begin_nested()
    try:
        yield
    finally:
        with _Route.app.app_context():
            db.session.remove()
        if nested.is_active:
            nested.rollback()


@pytest.fixture(scope="module")
def module_savepoint(_shared_app):
    """For data a whole module reads: built once, rolled back after the module."""
    with savepoint():
        yield _shared_app


@pytest.fixture
def app(_shared_app):
    """The console on the shared schema; the test's changes are rolled back afterwards."""
    config = dict(_shared_app.config)
    with savepoint():
        yield _shared_app
    _shared_app.config.clear()
    _shared_app.config.update(config)


@pytest.fixture
def fresh_database_url(tmp_path):
    """The URL of an empty database of the test's own, dropped afterwards."""
    with fresh_database(tmp_path, "own") as url:
        yield url


@pytest.fixture
def standalone_app(fresh_database_url):
    """A console on a fresh database of its own, schema created, real commits."""
    app = create_app(app_config(fresh_database_url))
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        Base.metadata.create_all(db.engine)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


#: Debian's chromium (never a downloaded browser) and the flags a closed network needs.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """One headless chromium for every browser test of the run; each test opens a fresh
    context (cookies, storage) in it. Skips where chromium or Playwright is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


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


#: Statements of the test harness's transactions (savepoints), not of the code under test.
HARNESS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN")


class StatementCounter:
    """Counts the SQL statements the code under test sends to the database."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __call__(self, conn, cursor, statement, *args, **kwargs):
        if not statement.lstrip().upper().startswith(HARNESS):
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
