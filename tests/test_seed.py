"""The demo data set (``flask seed demo``): idempotent and deterministic."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, update

from models import Base, Comune, Fattura
from models.base import TipoDocumento
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
    """Tables dropped and created again inside the test's transaction: ids start at 1.
    SQLite's DROP TABLE deletes row by row: the demo's credit note refers to its invoice, so
    credit notes go first, and the district's lead Comuni are forgotten."""
    connection = session.connection()
    session.execute(delete(Fattura).where(Fattura.tipo_documento == TipoDocumento.TD04))
    session.execute(update(Comune).values(capofila_id=None))
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
    # Issue 14 added four programmes: their timesheets and tutoring sessions.
    assert first["ore"] == {"PRESENZA": Decimal("6076.50"), "AFFIANCAMENTO": Decimal("247.00")}
    assert first["persone"] == "a404e49b69aa67ed1e5cb667df98db46f7a27724cff471c3c567f3db7b15e3b7"
