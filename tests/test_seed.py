"""The demo data set (``flask seed demo``): idempotent and deterministic."""

from __future__ import annotations

from decimal import Decimal

from models import Base
from seed.demo import load_demo

from .test_demo_data import _counts, _fingerprint


def test_demo_is_idempotent(session):
    assert load_demo(session) is True
    session.commit()
    before = _counts(session)
    assert load_demo(session) is False
    session.commit()
    assert _counts(session) == before


def _empty_schema(session) -> None:
    """Tables dropped and created again inside the test's transaction: ids start at 1."""
    connection = session.connection()
    Base.metadata.drop_all(connection)
    Base.metadata.create_all(connection)
    session.expunge_all()


def test_demo_is_deterministic(session):
    _empty_schema(session)
    load_demo(session)
    first = _fingerprint(session)
    session.commit()
    _empty_schema(session)
    load_demo(session)
    assert _fingerprint(session) == first
    # Stable across processes and databases, not only within one run.
    # Update these when demo_data.py changes on purpose.
    assert first["ore"] == {"PRESENZA": Decimal("3607.50"), "AFFIANCAMENTO": Decimal("157.00")}
    assert first["persone"] == "6d2c92b2b75e3ab9c98014505a537b1f8b053ea7ce3bbf2789c05c44269f01f3"
