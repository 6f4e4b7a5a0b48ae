"""Vouchers: proposal, and the PAL manager's approval against the Comune's budget.

DOMAIN.md, "The flow" step 5: only the PAL manager decides (workflow.py), and approval is
refused if the Comune's remaining budget cannot cover the voucher. The budget row is locked
(SELECT ... FOR UPDATE) before the remaining amount is read, so two approvals at once can
never over-commit it.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext
from sqlalchemy.orm import Session

from .. import clock, dates
from ..base import StatoPercorso, StatoVoucher, euro
from ..errors import DomainError
from ..percorsi import Voucher
from ..queries import budget_figures, budget_for
from ..validation import clean_text
from .prezzi import is_valid_on, voucher_totals
from .workflow import require_role


def propose_voucher(session: Session, v: Voucher, by=None) -> None:
    """The planned services of a path under evaluation: items valid on the proposal date.
    ``by``, the console user proposing, must be one who proposes vouchers (workflow.py)."""
    if by is not None:
        require_role("propose", by)
    if v.stato is None:  # a new voucher: the column default applies only at flush
        v.stato = StatoVoucher.PROPOSTO
    # Checked first: a decided voucher's path has moved on, and that is not the reason.
    if v.stato != StatoVoucher.PROPOSTO:
        raise DomainError(gettext("A voucher that has been decided cannot be changed."))
    p = v.percorso
    if p.stato not in (StatoPercorso.IN_VALUTAZIONE, StatoPercorso.VOUCHER_PROPOSTO):
        raise DomainError(
            gettext("A voucher can be proposed only for a path under evaluation (path %(path)s is %(state)s).",
                    path=str(p), state=p.stato.label)
        )
    others = [o for o in p.vouchers if o is not v and o.stato == StatoVoucher.PROPOSTO]
    if others:
        raise DomainError(gettext("The path already has a proposed voucher awaiting decision."))
    if not v.righe:
        raise DomainError(gettext("A voucher needs at least one line."))
    check_proposal_date(v)
    check_items(v)
    for riga in v.righe:
        if riga.voce_listino is not None and not is_valid_on(riga.voce_listino, v.data_proposta):
            raise DomainError(
                gettext("The item %(item)s is not valid on %(day)s.",
                        item=riga.voce_listino.descrizione, day=v.data_proposta.strftime("%d/%m/%Y"))
            )
    p.stato = StatoPercorso.VOUCHER_PROPOSTO
    session.flush()


def check_proposal_date(v: Voucher) -> None:
    """The proposal follows the first interview, is not in the future and falls inside the
    programme's period (DOMAIN.md, "The flow" step 5)."""
    p, day = v.percorso, v.data_proposta
    if day is None:
        raise DomainError(gettext("Please enter the proposal date."), "data_proposta")
    dates.check_not_future(day, "data_proposta", gettext("The proposal date"))
    dates.check_in_programme(day, p.programma, "data_proposta", gettext("The proposal date"))
    if p.data_primo_colloquio and day < p.data_primo_colloquio:
        raise DomainError(
            gettext("The proposal (%(day)s) cannot precede the first interview (%(interview)s).",
                    day=dates.fmt(day), interview=dates.fmt(p.data_primo_colloquio)),
            "data_proposta",
        )


def check_items(v: Voucher) -> None:
    """DOMAIN.md, "Prices": a voucher is priced from its path's programme's price list only,
    one line per item."""
    p, seen = v.percorso, set()
    for riga in v.righe:
        voce = riga.voce_listino
        if voce is None:
            continue
        if voce.programma_id != p.programma_id:
            raise DomainError(
                gettext("The item %(item)s belongs to the price list of another programme "
                        "(%(other)s), not of %(programme)s.",
                        item=voce.descrizione, other=str(voce.programma), programme=str(p.programma)),
                "righe",
            )
        if voce.id in seen:
            raise DomainError(
                gettext("The item %(item)s appears twice: put its whole quantity on one line.",
                        item=voce.descrizione),
                "righe",
            )
        seen.add(voce.id)


def _require_pending(v: Voucher) -> None:
    if v.stato != StatoVoucher.PROPOSTO or v.percorso.stato != StatoPercorso.VOUCHER_PROPOSTO:
        raise DomainError(gettext("%(voucher)s is not awaiting a decision.", voucher=str(v)))


def _require_decision_date(v: Voucher, day: dt.date) -> None:
    if day > clock.today():
        raise DomainError(gettext("The date cannot be in the future."))
    dates.check_in_programme(day, v.percorso.programma)
    if day < v.data_proposta:
        raise DomainError(gettext("The decision cannot precede the proposal."))


def approve_voucher(session: Session, v: Voucher, decisore, day: dt.date) -> None:
    """The PAL manager approves if the Comune's remaining budget for the period covers the
    voucher's gross total; that total is stored as the amount the voucher commits
    (``Voucher.importo_impegnato``). A decider who is not a PAL manager is refused."""
    require_role("approve", decisore)
    _require_pending(v)
    _require_decision_date(v, day)
    p = v.percorso
    budget = budget_for(session, p.comune_id, p.programma_id, day, lock=True)
    if budget is None:
        raise DomainError(
            gettext("%(comune)s has no budget for %(programma)s on %(day)s.",
                    comune=str(p.comune), programma=str(p.programma), day=day.strftime("%d/%m/%Y"))
        )
    figures = budget_figures(session, budget.id)
    _, _, total = voucher_totals(v)
    if total > figures["residuo"]:
        raise DomainError(
            gettext(
                "Budget of %(comune)s not enough: the voucher costs %(total)s, the remaining budget is "
                "%(remaining)s (allocated %(allocated)s, committed %(committed)s).",
                comune=str(p.comune),
                total=euro(total),
                remaining=euro(figures["residuo"]),
                allocated=euro(figures["stanziato"]),
                committed=euro(figures["impegnato"]),
            )
        )
    v.stato, v.data_decisione, v.decisore = StatoVoucher.APPROVATO, day, decisore
    # What the approval commits against the budget, stored: later price-list edits leave it.
    v.importo_impegnato = total
    p.stato = StatoPercorso.VOUCHER_APPROVATO
    session.flush()


def reject_voucher(session: Session, v: Voucher, decisore, day: dt.date, reason: str) -> None:
    """The PAL manager rejects with a reason: the path goes back to evaluation."""
    require_role("reject", decisore)
    _require_pending(v)
    reason = clean_text(reason, "motivo")
    if not (reason or "").strip():
        raise DomainError(gettext("A rejected voucher needs a reason."))
    _require_decision_date(v, day)
    v.stato, v.data_decisione, v.decisore, v.motivo_rifiuto = StatoVoucher.RESPINTO, day, decisore, reason.strip()
    v.percorso.stato = StatoPercorso.IN_VALUTAZIONE
    session.flush()


def delete_proposed_voucher(session: Session, v: Voucher) -> None:
    """A proposal may be withdrawn before the decision: the path is back under evaluation."""
    if v.stato != StatoVoucher.PROPOSTO:
        raise DomainError(gettext("A voucher that has been decided cannot be deleted."))
    if v.percorso.stato == StatoPercorso.VOUCHER_PROPOSTO:
        v.percorso.stato = StatoPercorso.IN_VALUTAZIONE
    session.delete(v)
    session.flush()
