"""What each role has to do today, counted in SQL for the home page (DOMAIN.md, "Who works
with it"): one statement per figure, aggregated by the database, never a loop over rows.

Deadlines are models/queries/scadenze.py's; money figures follow models/money.py (gross =
taxable + VAT per line, as the budget figures count it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import String, and_, case, cast, exists, func, select
from sqlalchemy.orm import Session, joinedload

from ..anagrafiche import Comune
from ..audit import RegistroAudit
from ..base import (
    Esito,
    StatoFattura,
    StatoPercorso,
    StatoVoucher,
    TipoDocumento,
    TipoEvento,
    TipologiaPercorso,
    TipoOre,
)
from ..fatture import Fattura, RigaFattura
from ..money import sql_line_amount
from ..percorsi import Addebito, Diario, Ore, Percorso, Voucher
from ..programmi import Budget, Programma, VoceListino
from ..utenti import Ruolo, Utente, ruoli_utenti
from .budget import budget_figures_by_budget, commitment_by_budget, voucher_gross

S = StatoPercorso
#: How long a Comune has to pay an issued invoice (D.Lgs. 231/2002, art. 4: 30 days for
#: public administrations unless agreed otherwise); past it the invoice is overdue.
PAYMENT_DAYS = 30
#: A budget is "nearly used" from this committed share of its allocated amount.
BUDGET_ALERT_SHARE = Decimal("0.80")


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of ``day``'s month."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month before ``today``'s."""
    return month_bounds(today.replace(day=1) - dt.timedelta(days=1))


# -- operatore -----------------------------------------------------------------------------------


def internship_past_end(today: dt.date):
    """An active internship past its planned end: conclude it, or record the outcome."""
    return and_(Percorso.stato == S.ATTIVO, Percorso.tipologia == TipologiaPercorso.TIROCINIO,
                Percorso.data_fine_prevista < today)


def internship_ending(today: dt.date, days: int = 30):
    """An active internship whose planned end falls within ``days`` from today."""
    return and_(Percorso.stato == S.ATTIVO, Percorso.tipologia == TipologiaPercorso.TIROCINIO,
                Percorso.data_fine_prevista.between(today, today + dt.timedelta(days=days)))


def internships_ending(session: Session, today: dt.date, days: int = 30) -> tuple[int, int]:
    """Active internships (past their planned end, ending within ``days``): the agency must
    conclude, extend or record the outcome (DOMAIN.md, "Esito"). One statement."""
    row = session.execute(
        select(func.sum(case((internship_past_end(today), 1), else_=0)),
               func.sum(case((internship_ending(today, days), 1), else_=0)))
        .where(Percorso.stato == S.ATTIVO, Percorso.tipologia == TipologiaPercorso.TIROCINIO,
               Percorso.data_fine_prevista <= today + dt.timedelta(days=days))
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def hours_missing(month_start: dt.date, month_end: dt.date):
    """The condition "an active path, started by ``month_end``, with no attendance hours in
    the month" (the timesheets of the month are still to enter)."""
    recorded = exists().where(Ore.percorso_id == Percorso.id, Ore.tipo == TipoOre.PRESENZA,
                              Ore.data.between(month_start, month_end))
    return and_(Percorso.stato == S.ATTIVO, Percorso.data_avvio <= month_end, ~recorded)


def paths_without_hours(session: Session, month_start: dt.date, month_end: dt.date) -> int:
    """Active paths without attendance hours in the month (``hours_missing``)."""
    return session.scalar(select(func.count()).select_from(Percorso)
                          .where(hours_missing(month_start, month_end)))


def to_revise():
    """A rejected voucher whose path is back under evaluation: a new proposal is due."""
    return and_(Voucher.stato == StatoVoucher.RESPINTO,
                Voucher.percorso_id.in_(select(Percorso.id).where(Percorso.stato == S.IN_VALUTAZIONE)))


def rejected_to_revise(session: Session) -> int:
    """Rejected vouchers to revise (``to_revise``)."""
    return session.scalar(select(func.count()).select_from(Voucher).where(to_revise()))


# -- pal -----------------------------------------------------------------------------------------


@dataclass
class PendingBudget:
    """The proposed vouchers of one Comune and programme, against the budget covering today."""

    comune_id: int
    comune: str
    programma: str
    vouchers: int
    gross: Decimal
    budget_id: int | None
    allocated: Decimal | None = None
    committed: Decimal | None = None
    remaining: Decimal | None = None

    @property
    def covered(self) -> bool:
        return self.remaining is not None and self.gross <= self.remaining


def pending_vouchers(session: Session, today: dt.date, limit: int = 10) -> tuple[int, list[PendingBudget]]:
    """(vouchers awaiting decision, the ``limit`` Comuni and programmes with the highest
    pending gross amount, each with the figures of its budget covering today).

    Three statements whatever the number of Comuni: the count, the pending vouchers grouped,
    then allocated, committed and remaining of those budgets only (models/queries/budget.py)."""
    total = session.scalar(select(func.count()).select_from(Voucher)
                           .where(Voucher.stato == StatoVoucher.PROPOSTO))
    if not total:
        return 0, []
    gross = func.sum(voucher_gross(Voucher.id))
    budget_id = (select(Budget.id).where(Budget.comune_id == Comune.id,
                                         Budget.programma_id == Programma.id,
                                         Budget.data_inizio <= today, Budget.data_fine >= today)
                 .order_by(Budget.data_inizio.desc()).limit(1).scalar_subquery())
    rows = session.execute(
        select(Comune.id, Comune.nome, Programma.nome, func.count(Voucher.id), gross, budget_id)
        .select_from(Voucher).join(Percorso, Voucher.percorso_id == Percorso.id)
        .join(Comune, Percorso.comune_id == Comune.id)
        .join(Programma, Percorso.programma_id == Programma.id)
        .where(Voucher.stato == StatoVoucher.PROPOSTO)
        .group_by(Comune.id, Comune.nome, Programma.id, Programma.nome)
        .order_by(gross.desc(), Comune.nome).limit(limit)
    ).all()
    found = [PendingBudget(cid, nome, prog, int(n), Decimal(g or 0).quantize(Decimal("0.01")), bid)
             for cid, nome, prog, n, g, bid in rows]
    ids = [p.budget_id for p in found if p.budget_id]
    if ids:
        figures = {f.budget_id: f for f in session.execute(commitment_by_budget(Budget.id.in_(ids)))}
        for p in found:
            f = figures.get(p.budget_id)
            if f is not None:
                p.allocated, p.committed, p.remaining = f.stanziato, f.impegnato, f.residuo
    return int(total), found


@dataclass
class BudgetUse:
    """A budget covering today and its figures (the budget list's, models/queries/budget.py)."""

    budget_id: int
    comune_id: int
    comune: str
    programma: str
    allocated: Decimal
    committed: Decimal
    consumed: Decimal
    remaining: Decimal

    @property
    def share(self) -> Decimal:
        """Committed share of the allocated amount (0 when nothing is allocated)."""
        return self.committed / self.allocated if self.allocated else Decimal(0)


def budget_use(session: Session, today: dt.date, comune_id: int | None = None) -> list[BudgetUse]:
    """The budgets covering today with allocated, committed, consumed and remaining, most
    committed share first: one set-wise statement over every Comune (a heavy one at regional
    size, so the home page loads it on its own: views/home.py)."""
    where = [Budget.data_inizio <= today, Budget.data_fine >= today]
    if comune_id:
        where.append(Budget.comune_id == comune_id)
    figures = budget_figures_by_budget(*where).subquery()
    rows = session.execute(
        select(figures, Budget.comune_id, Comune.nome, Programma.nome)
        .join(Budget, Budget.id == figures.c.budget_id)
        .join(Comune, Budget.comune_id == Comune.id)
        .join(Programma, Budget.programma_id == Programma.id)
    ).all()
    result = [BudgetUse(r.budget_id, r[6], r[7], r[8], Decimal(r.stanziato), Decimal(r.impegnato),
                        Decimal(r.consumato), Decimal(r.residuo)) for r in rows]
    return sorted(result, key=lambda b: (-b.share, b.comune))


# -- amministrazione ------------------------------------------------------------------------------


def uninvoiced_by_comune(session: Session, limit: int = 10) -> tuple[int, list]:
    """(Comuni with uninvoiced charges, the ``limit`` with the highest taxable amount): rows
    (comune_id, name, charges, taxable), one statement."""
    taxable = func.sum(sql_line_amount(Addebito.quantita, VoceListino.prezzo_unitario))
    rows = session.execute(
        select(Comune.id, Comune.nome, func.count(Addebito.id), taxable, func.count().over())
        .select_from(Addebito)
        .join(VoceListino, Addebito.voce_listino_id == VoceListino.id)
        .join(Percorso, Addebito.percorso_id == Percorso.id)
        .join(Comune, Percorso.comune_id == Comune.id)
        .where(Addebito.riga_fattura_id.is_(None))
        .group_by(Comune.id, Comune.nome).order_by(taxable.desc(), Comune.nome).limit(limit)
    ).all()
    total = rows[0][4] if rows else 0
    return total, [(r[0], r[1], int(r[2]), Decimal(r[3] or 0).quantize(Decimal("0.01"))) for r in rows]


def drafts_to_issue(session: Session) -> tuple[int, Decimal]:
    """Draft invoices and their taxable total (lines rounded half-up, models/money.py)."""
    row = session.execute(
        select(func.count(func.distinct(Fattura.id)),
               func.coalesce(func.sum(sql_line_amount(RigaFattura.quantita, RigaFattura.prezzo_unitario)), 0))
        .select_from(Fattura).outerjoin(RigaFattura, RigaFattura.fattura_id == Fattura.id)
        .where(Fattura.stato == StatoFattura.BOZZA)
    ).one()
    return int(row[0]), Decimal(row[1]).quantize(Decimal("0.01"))


def overdue_before(today: dt.date) -> dt.date:
    """Invoices issued before this day and still unpaid are overdue (``PAYMENT_DAYS``)."""
    return today - dt.timedelta(days=PAYMENT_DAYS)


def overdue(today: dt.date):
    """An issued invoice (not a credit note) still unpaid ``PAYMENT_DAYS`` after its date."""
    return and_(Fattura.stato == StatoFattura.EMESSA, Fattura.tipo_documento == TipoDocumento.TD01,
                Fattura.data < overdue_before(today))


def unpaid_overdue(session: Session, today: dt.date) -> tuple[int, Decimal]:
    """Overdue invoices (``overdue``) and their total (the issued invoice's stored snapshot)."""
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(Fattura.imponibile + Fattura.iva), 0))
        .where(overdue(today))
    ).one()
    return int(row[0]), Decimal(row[1]).quantize(Decimal("0.01"))


# -- servizio sociale, and the charts --------------------------------------------------------------


def paths_by_state(session: Session, comune_id: int | None = None) -> dict[StatoPercorso, int]:
    """Paths by state (of one referring Comune when given), in the order of the flow."""
    stmt = select(Percorso.stato, func.count()).group_by(Percorso.stato)
    if comune_id:
        stmt = stmt.where(Percorso.comune_id == comune_id)
    counts = dict(session.execute(stmt).all())
    return {s: int(counts.get(s, 0)) for s in S}


def hires_by_month(session: Session, today: dt.date, months: int = 12,
                   comune_id: int | None = None) -> list[tuple[dt.date, int]]:
    """Hirings per month over the last ``months`` months, today's included, oldest first
    (months without hirings count 0)."""
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    month = func.substr(cast(Percorso.data_assunzione, String), 1, 7)
    stmt = (select(month, func.count())
            .where(Percorso.esito == Esito.ASSUNTO, Percorso.data_assunzione >= first,
                   Percorso.data_assunzione <= today)
            .group_by(month))
    if comune_id:
        stmt = stmt.where(Percorso.comune_id == comune_id)
    counts = dict(session.execute(stmt).all())
    result, day = [], first
    for _ in range(months):
        result.append((day, int(counts.get(day.strftime("%Y-%m"), 0))))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return result


def latest_reports(session: Session, comune_id: int | None, limit: int = 5) -> list[Diario]:
    """The latest update reports to the social service (diary entries of that kind), of one
    referring Comune's paths when given, with their path and person loaded."""
    stmt = (select(Diario).where(Diario.tipo == TipoEvento.RELAZIONE_SERVIZIO_SOCIALE)
            .options(joinedload(Diario.percorso).joinedload(Percorso.persona),
                     joinedload(Diario.percorso).joinedload(Percorso.comune),
                     joinedload(Diario.autore))
            .order_by(Diario.data.desc(), Diario.id.desc()).limit(limit))
    if comune_id:
        stmt = stmt.where(Diario.percorso_id.in_(select(Percorso.id).where(Percorso.comune_id == comune_id)))
    return list(session.scalars(stmt).unique())


# -- admin ---------------------------------------------------------------------------------------


def users_by_role(session: Session) -> tuple[dict[str, int], int]:
    """(active users per role code, inactive users)."""
    rows = session.execute(
        select(Ruolo.name, func.count())
        .select_from(Utente).join(ruoli_utenti, ruoli_utenti.c.utente_id == Utente.id)
        .join(Ruolo, Ruolo.id == ruoli_utenti.c.ruolo_id)
        .where(Utente.active.is_(True)).group_by(Ruolo.name)
    ).all()
    inactive = session.scalar(select(func.count()).select_from(Utente).where(Utente.active.is_(False)))
    return {name: int(n) for name, n in rows}, int(inactive or 0)


def recent_audit(session: Session, limit: int = 8) -> list[RegistroAudit]:
    """The latest changes made in the console, newest first, with their user."""
    return list(session.scalars(
        select(RegistroAudit).options(joinedload(RegistroAudit.utente))
        .order_by(RegistroAudit.momento.desc(), RegistroAudit.id.desc()).limit(limit)
    ))


__all__ = [
    "BUDGET_ALERT_SHARE",
    "PAYMENT_DAYS",
    "BudgetUse",
    "PendingBudget",
    "budget_use",
    "drafts_to_issue",
    "hires_by_month",
    "hours_missing",
    "internship_ending",
    "internship_past_end",
    "internships_ending",
    "last_month",
    "latest_reports",
    "month_bounds",
    "overdue",
    "overdue_before",
    "paths_by_state",
    "paths_without_hours",
    "pending_vouchers",
    "recent_audit",
    "rejected_to_revise",
    "to_revise",
    "uninvoiced_by_comune",
    "unpaid_overdue",
    "users_by_role",
]
