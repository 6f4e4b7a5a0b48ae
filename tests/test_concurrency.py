"""Two approvals at the same time never over-commit a budget (issue 3, rule 3), on PostgreSQL.

Each thread has its own Session, hence its own connection and transaction, and commits.
A Barrier releases both approvals together; each holds its transaction open a moment before
committing, so without the budget row lock (SELECT ... FOR UPDATE in approve_voucher) the
second would read the remaining budget before the first committed and both would pass.
"""

from __future__ import annotations

import os
import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from models import DomainError, Utente, Voucher, db
from models.base import StatoVoucher
from models.operations import voucher as voucher_ops
from models.queries import budget_figures

from . import factories as f
from .paths import DECISION, english, proposed, scene

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="row locks (SELECT ... FOR UPDATE) and concurrent writers need PostgreSQL: "
    "set TEST_DATABASE_URL=postgresql+psycopg://...",
)

ROUNDS = 5
#: How long each thread keeps its approval uncommitted, so that the two really overlap.
HOLD_SECONDS = 0.3
VOUCHER_GROSS = Decimal("500.20")


def _race_setup(app, allocated: Decimal) -> tuple[int, list[int], int]:
    """A Comune whose budget is ``allocated`` and two proposed 500.20 vouchers, committed."""
    with app.test_request_context():
        english()
        session = db.session
        sc = scene(session)
        sc.budget.importo_iniziale = allocated
        vouchers = [proposed(session, sc, persona=f.make_persona(session, sc.comune))[1] for _ in range(2)]
        session.commit()
        return sc.budget.id, [v.id for v in vouchers], sc.pal.id


def _approve(app, engine, voucher_id, pal_id, barrier, results) -> None:
    """One PAL manager's request: its own session and transaction; commits, or rolls back."""
    with app.test_request_context():
        english()
        with Session(bind=engine) as session:
            try:
                v = session.get(Voucher, voucher_id)
                pal = session.get(Utente, pal_id)
                [r.voce_listino for r in v.righe]  # everything loaded: the race starts at the lock
                barrier.wait()
                voucher_ops.approve_voucher(session, v, pal, DECISION)
                time.sleep(HOLD_SECONDS)
                session.commit()
                results[voucher_id] = "approved"
            except DomainError as exc:
                session.rollback()
                results[voucher_id] = exc.message
            except Exception as exc:  # reported by the test, not lost in the thread
                session.rollback()
                results[voucher_id] = exc


def _race(app, voucher_ids, pal_id) -> dict:
    with app.app_context():
        engine = db.engine
    barrier = threading.Barrier(len(voucher_ids), timeout=30)
    results: dict = {}
    threads = [threading.Thread(target=_approve, args=(app, engine, vid, pal_id, barrier, results))
               for vid in voucher_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "an approval hung"
    return results


def _after(app, budget_id, voucher_ids):
    with app.app_context():
        with Session(bind=db.engine) as session:
            figures = budget_figures(session, budget_id)
            states = {vid: session.get(Voucher, vid).stato for vid in voucher_ids}
    return figures, states


def test_two_simultaneous_approvals_never_over_commit_the_budget(standalone_app):
    app = standalone_app
    for round_ in range(ROUNDS):
        budget_id, voucher_ids, pal_id = _race_setup(app, Decimal("800.00"))  # room for one
        results = _race(app, voucher_ids, pal_id)
        figures, states = _after(app, budget_id, voucher_ids)

        outcomes = sorted(results.values(), key=lambda r: r != "approved")
        assert outcomes[0] == "approved", (round_, results)
        assert isinstance(outcomes[1], str) and outcomes[1].startswith("Budget of "), (round_, results)
        assert "not enough" in outcomes[1], (round_, results)
        assert sorted(s.name for s in states.values()) == ["APPROVATO", "PROPOSTO"], round_
        assert figures["impegnato"] == VOUCHER_GROSS, (round_, figures)
        assert figures["impegnato"] <= figures["stanziato"], (round_, figures)
        assert figures["residuo"] == Decimal("299.80"), (round_, figures)


def test_two_simultaneous_approvals_both_pass_when_the_budget_covers_both(standalone_app):
    app = standalone_app
    for round_ in range(ROUNDS):
        budget_id, voucher_ids, pal_id = _race_setup(app, Decimal("1000.40"))  # exactly both
        results = _race(app, voucher_ids, pal_id)
        figures, states = _after(app, budget_id, voucher_ids)

        assert list(results.values()) == ["approved", "approved"], (round_, results)
        assert set(states.values()) == {StatoVoucher.APPROVATO}, round_
        assert figures["impegnato"] == 2 * VOUCHER_GROSS == figures["stanziato"], (round_, figures)
        assert figures["residuo"] == Decimal("0.00"), (round_, figures)
