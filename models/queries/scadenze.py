"""Deadlines in SQL (DOMAIN.md, "The flow": intake and activation within 15 days, the
programme's ``giorni_*``; the intake deadline includes a granted extension)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, case, cast, func, literal, select
from sqlalchemy.orm import Session, joinedload

from ..base import StatoPercorso, TipologiaPercorso
from ..percorsi import Percorso
from ..programmi import Programma


def intake_due(dialect_name: str):
    days = Programma.giorni_presa_in_carico + func.coalesce(Percorso.proroga_giorni, 0)
    if dialect_name == "sqlite":
        return func.date(Percorso.data_segnalazione, func.printf("+%d days", days))
    return cast(Percorso.data_segnalazione + days, Date)


def activation_due(dialect_name: str):
    days = Programma.giorni_avvio
    if dialect_name == "sqlite":
        return func.date(Percorso.data_presa_in_carico, func.printf("+%d days", days))
    return cast(Percorso.data_presa_in_carico + days, Date)


#: The kinds of deadline: intake (presa in carico) and activation (avvio).
KINDS = ("intake", "activation")


def _deadlines(dialect: str, today: dt.date, horizon_days: int, comune_id=None, operatore_id=None,
               kinds=KINDS):
    """Open intake and activation deadlines overdue or due within ``horizon_days``, as a
    subquery (id, kind, due): one UNION ALL, ordered and paged by the caller."""
    limit = today + dt.timedelta(days=horizon_days)
    parts = []
    for kind, due_expr, states in (
        ("intake", intake_due(dialect), (StatoPercorso.SEGNALATO,)),
        ("activation", activation_due(dialect), (
            StatoPercorso.PRESO_IN_CARICO,
            StatoPercorso.IN_VALUTAZIONE,
            StatoPercorso.VOUCHER_PROPOSTO,
            StatoPercorso.VOUCHER_APPROVATO,
        )),
    ):
        if kind not in kinds:
            continue
        stmt = (
            select(Percorso.id, literal(kind).label("kind"), due_expr.label("due"))
            .join(Programma, Percorso.programma_id == Programma.id)
            .where(Percorso.stato.in_(states))
        )
        if comune_id:
            stmt = stmt.where(Percorso.comune_id == comune_id)
        if operatore_id:
            stmt = stmt.where(Percorso.operatore_id == operatore_id)
        parts.append(stmt)
    union = (parts[0].union_all(*parts[1:]) if len(parts) > 1 else parts[0]).subquery()
    bound = limit.isoformat() if dialect == "sqlite" else limit
    return select(union).where(union.c.due <= bound).subquery("scadenze")


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def deadlines(session: Session, today: dt.date, horizon_days: int = 7, comune_id=None, operatore_id=None):
    """Every open deadline overdue or due within ``horizon_days``, by due date:
    rows (percorso_id, kind, due, days_left)."""
    d = _deadlines(session.get_bind().dialect.name, today, horizon_days, comune_id, operatore_id)
    rows = session.execute(select(d.c.id, d.c.kind, d.c.due).order_by(d.c.due, d.c.id))
    return [(pid, kind, _as_date(due), (_as_date(due) - today).days) for pid, kind, due in rows]


def deadline_counts(session: Session, today: dt.date, horizon_days: int = 7, comune_id=None):
    """kind -> (overdue, due within ``horizon_days``) of the open deadlines, in one statement
    (the home page's counts; the Scadenze page lists the same rows)."""
    dialect = session.get_bind().dialect.name
    d = _deadlines(dialect, today, horizon_days, comune_id)
    today_bound = today.isoformat() if dialect == "sqlite" else today
    late = func.sum(case((d.c.due < today_bound, 1), else_=0))
    rows = session.execute(select(d.c.kind, late, func.count()).group_by(d.c.kind))
    counts = {kind: (0, 0) for kind in KINDS}
    counts.update({kind: (int(overdue or 0), int(total) - int(overdue or 0)) for kind, overdue, total in rows})
    return counts


def deadlines_page(session: Session, today: dt.date, horizon_days: int = 7, comune_id=None,
                   operatore_id=None, page: int = 0, per_page: int = 50, kinds=KINDS):
    """One page of ``deadlines`` (of ``kinds``) with the paths loaded, in one statement.

    Returns (total, overdue, rows of (Percorso, kind, due, days_left)).
    """
    d = _deadlines(session.get_bind().dialect.name, today, horizon_days, comune_id, operatore_id,
                   kinds)
    today_bound = today.isoformat() if session.get_bind().dialect.name == "sqlite" else today
    page_rows = (
        select(d.c.id, d.c.kind, d.c.due, func.count().over().label("total"),
               func.sum(case((d.c.due < today_bound, 1), else_=0)).over().label("overdue"))
        .order_by(d.c.due, d.c.id, d.c.kind)
        .limit(per_page)
        .offset(page * per_page)
        .subquery("pagina")
    )
    stmt = (
        select(Percorso, page_rows.c.kind, page_rows.c.due, page_rows.c.total,
               page_rows.c.overdue)
        .join(page_rows, page_rows.c.id == Percorso.id)
        .options(joinedload(Percorso.persona), joinedload(Percorso.comune),
                 joinedload(Percorso.operatore))
        .order_by(page_rows.c.due, page_rows.c.id, page_rows.c.kind)
    )
    result = session.execute(stmt).all()
    rows = [(p, kind, _as_date(due), (_as_date(due) - today).days) for p, kind, due, _, _ in result]
    total, overdue = (result[0][3], result[0][4]) if result else (0, 0)
    return total, overdue or 0, rows


#: Internships ending within this many days are listed with those past their planned end.
ENDING_WITHIN_DAYS = 30


def _internships_ending(today: dt.date, days: int, comune_id=None, operatore_id=None):
    """Active internships whose planned end is past or within ``days`` (issue 12, item 5)."""
    stmt = select(Percorso).where(
        Percorso.stato == StatoPercorso.ATTIVO,
        Percorso.tipologia == TipologiaPercorso.TIROCINIO,
        Percorso.data_fine.is_(None),
        Percorso.data_fine_prevista.is_not(None),
        Percorso.data_fine_prevista <= today + dt.timedelta(days=days),
    )
    if comune_id:
        stmt = stmt.where(Percorso.comune_id == comune_id)
    if operatore_id:
        stmt = stmt.where(Percorso.operatore_id == operatore_id)
    return stmt


def internships_ending(session: Session, today: dt.date, days: int = ENDING_WITHIN_DAYS,
                       comune_id=None, operatore_id=None, limit: int = 200):
    """Internships past their planned end and those ending within ``days``, the most overdue
    first: rows (Percorso, planned end, days left; negative when past). Scadenze shows them;
    the home page counts them with ``internship_end_counts``."""
    stmt = (
        _internships_ending(today, days, comune_id, operatore_id)
        .options(joinedload(Percorso.persona), joinedload(Percorso.comune),
                 joinedload(Percorso.operatore))
        .order_by(Percorso.data_fine_prevista, Percorso.id)
        .limit(limit)
    )
    return [(p, p.data_fine_prevista, (p.data_fine_prevista - today).days)
            for p in session.scalars(stmt)]


def internship_end_counts(session: Session, today: dt.date, days: int = ENDING_WITHIN_DAYS,
                          comune_id=None, operatore_id=None) -> tuple[int, int]:
    """(ending within ``days``, past their planned end) among active internships, one statement."""
    sub = _internships_ending(today, days, comune_id, operatore_id).subquery()
    row = session.execute(select(
        func.count().filter(sub.c.data_fine_prevista >= today),
        func.count().filter(sub.c.data_fine_prevista < today),
    )).one()
    return row[0] or 0, row[1] or 0
