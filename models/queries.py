"""Read models in SQL: budget figures, deadlines and position matching (DOMAIN.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    Numeric,
    and_,
    any_,
    case,
    cast,
    event,
    func,
    literal,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session, column_property, contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from .anagrafiche import Persona, Postazione
from .base import StatoFattura, StatoPercorso, StatoVoucher, TipologiaPercorso
from .fatture import Fattura, RigaFattura
from .money import sql_line_amount, sql_line_gross, sql_vat
from .percorsi import Addebito, Percorso, RigaVoucher, Voucher
from .programmi import Budget, Programma, VariazioneBudget, VoceListino

#: A path in these states is over: it commits only what it consumed.
CLOSED = (StatoPercorso.CONCLUSO, StatoPercorso.INTERROTTO, StatoPercorso.RITIRATO)
#: A path in these states holds its position's seat.
HOLDS_SEAT = (StatoPercorso.ATTIVO,)
#: The figures are money: Decimal on every backend (SQLite would hand back floats and ints).
MONEY = Numeric(12, 2)


#: Gross amount of a single line in SQL (models/money.py).
line_gross = sql_line_gross


def voucher_gross(voucher_id):
    """Gross total of a voucher (correlated scalar subquery), as prezzi.voucher_totals computes it
    (models/money.py: lines rounded half-up to the cent, VAT per rate on their total)."""
    by_rate = (
        select(
            VoceListino.aliquota_iva.label("rate"),
            func.sum(sql_line_amount(RigaVoucher.quantita, VoceListino.prezzo_unitario)).label("taxable"),
        )
        .join(VoceListino, RigaVoucher.voce_listino_id == VoceListino.id)
        .where(RigaVoucher.voucher_id == voucher_id)
        .group_by(VoceListino.aliquota_iva)
        .correlate_except(RigaVoucher, VoceListino)
        .subquery()
    )
    vat = sql_vat(by_rate.c.taxable, by_rate.c.rate)
    return select(func.coalesce(func.sum(by_rate.c.taxable + vat), 0)).scalar_subquery()


@event.listens_for(Session, "after_flush")
def _note_approved_vouchers(session, flush_context) -> None:
    """Vouchers approved, or whose lines changed while approved, in this flush."""
    ids = session.info.setdefault("vouchers_to_price", set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Voucher) and obj.stato == StatoVoucher.APPROVATO:
            ids.add(obj.id)
        elif isinstance(obj, RigaVoucher):
            ids.add(obj.voucher_id)


@event.listens_for(Session, "after_flush_postexec")
def _store_committed_amount(session, flush_context) -> None:
    """Store ``Voucher.importo_impegnato`` of those vouchers from ``voucher_gross``."""
    ids = session.info.pop("vouchers_to_price", None)
    ids = {i for i in ids or () if i is not None}
    if not ids:
        return
    session.connection().execute(
        update(Voucher)
        .where(Voucher.id.in_(ids), Voucher.stato == StatoVoucher.APPROVATO)
        .values(importo_impegnato=voucher_gross(Voucher.id))
        .execution_options(synchronize_session=False)
    )
    for obj in session.identity_map.values():
        if isinstance(obj, Voucher) and obj.id in ids:
            session.expire(obj, ["importo_impegnato"])


def path_consumed(percorso_id):
    """Gross total of a path's charges (correlated scalar subquery)."""
    return (
        select(func.coalesce(func.sum(line_gross(Addebito.quantita, VoceListino.prezzo_unitario, VoceListino.aliquota_iva)), 0))
        .join(VoceListino, Addebito.voce_listino_id == VoceListino.id)
        .where(Addebito.percorso_id == percorso_id)
        .scalar_subquery()
    )


def _same_budget(B):
    return and_(Percorso.comune_id == B.comune_id, Percorso.programma_id == B.programma_id)


def _allocated(B):
    changes = (
        select(func.coalesce(func.sum(VariazioneBudget.importo), 0))
        .where(VariazioneBudget.budget_id == B.id)
        .scalar_subquery()
    )
    return B.importo_iniziale + changes


# The rules of the figures, shared by the correlated form (one budget: Budget.impegnato...)
# and the set-wise one (a page or a report of budgets: committed_by_budget...).


def _approved_in(B):
    """An approved voucher of the budget's Comune and programme, decided in its period."""
    return and_(Voucher.stato == StatoVoucher.APPROVATO, _same_budget(B),
                Voucher.data_decisione.between(B.data_inizio, B.data_fine))


def _commitment():
    """What an approved voucher commits: its stored gross, or what its path consumed once
    closed (the gross formula stands in for a voucher stored without it)."""
    return case(
        (Percorso.stato.in_(CLOSED), path_consumed(Percorso.id)),
        else_=func.coalesce(Voucher.importo_impegnato, voucher_gross(Voucher.id)),
    )


def _charge_in(B):
    """A charge of the budget's Comune and programme dated in its period. coalesce(data, data)
    keeps the planners off the date index (every Comune's charges of the year): a path's
    charges come through (percorso_id, data) instead."""
    return and_(_same_budget(B), func.coalesce(Addebito.data, Addebito.data).between(B.data_inizio, B.data_fine))


CHARGE_GROSS = line_gross(Addebito.quantita, VoceListino.prezzo_unitario, VoceListino.aliquota_iva)
INVOICED = Fattura.stato.in_((StatoFattura.EMESSA, StatoFattura.PAGATA))


def _committed(B):
    """Approved vouchers decided in the period; a closed path commits what it consumed."""
    return type_coerce(
        select(func.coalesce(func.sum(_commitment()), 0))
        .select_from(Voucher)
        .join(Percorso, Voucher.percorso_id == Percorso.id)
        .where(_approved_in(B))
        .scalar_subquery(),
        MONEY,
    )


def _charges(B, invoiced_only: bool):
    stmt = (
        select(func.coalesce(func.sum(CHARGE_GROSS), 0))
        .select_from(Addebito)
        .join(VoceListino, Addebito.voce_listino_id == VoceListino.id)
        .join(Percorso, Addebito.percorso_id == Percorso.id)
        .where(_charge_in(B))
    )
    if invoiced_only:
        stmt = (
            stmt.join(RigaFattura, Addebito.riga_fattura_id == RigaFattura.id)
            .join(Fattura, RigaFattura.fattura_id == Fattura.id)
            .where(INVOICED)
        )
    return type_coerce(stmt.scalar_subquery(), MONEY)


# Budget figures (DOMAIN.md, "Budget"): derived in SQL, never stored. Deferred: a list
# undefers them, so they cost one statement per page, not one per row.
Budget.stanziato = column_property(_allocated(Budget), deferred=True)
Budget.impegnato = column_property(_committed(Budget), deferred=True)
Budget.consumato = column_property(_charges(Budget, False), deferred=True)
Budget.fatturato = column_property(_charges(Budget, True), deferred=True)
Budget.residuo = column_property(_allocated(Budget) - _committed(Budget), deferred=True)


def budget_for(session: Session, comune_id: int, programma_id: int, day: dt.date, lock: bool = False):
    """The Comune's budget for the programme whose period contains ``day``."""
    stmt = select(Budget).where(
        Budget.comune_id == comune_id,
        Budget.programma_id == programma_id,
        Budget.data_inizio <= day,
        Budget.data_fine >= day,
    )
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def budget_figures(session: Session, budget_id: int) -> dict:
    """Allocated, committed, consumed, invoiced and remaining of one budget, read now."""
    row = session.execute(
        select(Budget.stanziato, Budget.impegnato, Budget.consumato, Budget.fatturato, Budget.residuo)
        .where(Budget.id == budget_id)
    ).one()
    return dict(row._mapping)


def committed_by_budget(*where):
    """(budget_id, impegnato) of the budgets matching ``where``: ``Budget.impegnato`` for a
    page or a report over many budgets in one grouped statement, reading the stored amount
    of each approved voucher (the correlated form runs once per budget)."""
    return (
        select(Budget.id.label("budget_id"),
               type_coerce(func.coalesce(func.sum(_commitment()), 0), MONEY).label("impegnato"))
        .join(Percorso, _same_budget(Budget))
        .join(Voucher, and_(Voucher.percorso_id == Percorso.id, _approved_in(Budget)))
        .where(*where)
        .group_by(Budget.id)
    )


def charges_by_budget(*where):
    """(budget_id, consumato, fatturato) of the budgets matching ``where``, set-wise: the
    charges of each budget's Comune and programme dated in its period, and those of them on
    issued or paid invoices (``Budget.consumato`` and ``Budget.fatturato``)."""
    return (
        select(Budget.id.label("budget_id"),
               type_coerce(func.coalesce(func.sum(CHARGE_GROSS), 0), MONEY).label("consumato"),
               type_coerce(func.coalesce(func.sum(case((INVOICED, CHARGE_GROSS), else_=0)), 0),
                           MONEY).label("fatturato"))
        .join(Percorso, _same_budget(Budget))
        .join(Addebito, and_(Addebito.percorso_id == Percorso.id, _charge_in(Budget)))
        .join(VoceListino, Addebito.voce_listino_id == VoceListino.id)
        .outerjoin(RigaFattura, Addebito.riga_fattura_id == RigaFattura.id)
        .outerjoin(Fattura, RigaFattura.fattura_id == Fattura.id)
        .where(*where)
        .group_by(Budget.id)
    )


def budget_figures_by_budget(*where):
    """The five figures of the budgets matching ``where`` in one set-wise statement:
    rows (budget_id, stanziato, impegnato, consumato, fatturato, residuo)."""
    committed = committed_by_budget(*where).subquery()
    charges = charges_by_budget(*where).subquery()
    impegnato = func.coalesce(committed.c.impegnato, 0)
    return (
        select(Budget.id.label("budget_id"),
               type_coerce(Budget.stanziato, MONEY).label("stanziato"),
               type_coerce(impegnato, MONEY).label("impegnato"),
               type_coerce(func.coalesce(charges.c.consumato, 0), MONEY).label("consumato"),
               type_coerce(func.coalesce(charges.c.fatturato, 0), MONEY).label("fatturato"),
               type_coerce(Budget.stanziato - impegnato, MONEY).label("residuo"))
        .outerjoin(committed, committed.c.budget_id == Budget.id)
        .outerjoin(charges, charges.c.budget_id == Budget.id)
        .where(*where)
    )


def load_budget_figures(session: Session, budgets) -> None:
    """Fill the deferred figures of ``budgets`` (a list page) with one statement, computed for
    those rows only: undeferred in the list query, SQLite would compute them for every
    budget before sorting and limiting."""
    by_id = {b.id: b for b in budgets}
    if not by_id:
        return
    for row in session.execute(budget_figures_by_budget(Budget.id.in_(by_id))).mappings():
        for name in ("stanziato", "impegnato", "consumato", "fatturato", "residuo"):
            set_committed_value(by_id[row["budget_id"]], name, row[name])


# -- Deadlines (DOMAIN.md, "The flow": intake and activation within 15 days) ---------------


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


def _deadlines(dialect: str, today: dt.date, horizon_days: int, comune_id=None, operatore_id=None):
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
    union = parts[0].union_all(parts[1]).subquery()
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


def deadlines_page(session: Session, today: dt.date, horizon_days: int = 7, comune_id=None,
                   operatore_id=None, page: int = 0, per_page: int = 50):
    """One page of ``deadlines`` with the paths loaded, in one statement.

    Returns (total, overdue, rows of (Percorso, kind, due, days_left)).
    """
    d = _deadlines(session.get_bind().dialect.name, today, horizon_days, comune_id, operatore_id)
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


def free_seats(postazione_id_col):
    """Seats of a position minus the paths holding one (correlated)."""
    taken = (
        select(func.count(Percorso.id))
        .where(Percorso.postazione_id == postazione_id_col, Percorso.stato.in_(HOLDS_SEAT))
        .scalar_subquery()
    )
    return Postazione.posti - taken


ACCEPTS = {
    TipologiaPercorso.ASSISTENZIALE: Postazione.accetta_assistenziale,
    TipologiaPercorso.TIROCINIO: Postazione.accetta_tirocinio,
    TipologiaPercorso.INSERIMENTO_LAVORATIVO: Postazione.accetta_inserimento,
    TipologiaPercorso.PROGETTO_PERSONALIZZATO: Postazione.accetta_progetto,
}


def matching_positions(session: Session, percorso: Percorso, day: dt.date, limit: int = 50):
    """Suitable positions for a path, best first (DOMAIN.md, "Path types").

    Suitable: active on ``day``, a free seat, accepts the path type, not reserved to another
    Comune. Ranked: reserved to the path's Comune first, then at a host in the person's
    Comune of residence, then most free seats.
    """
    from .anagrafiche import EnteOspitante

    # Seats taken counted once for all positions (a grouped join), not once per position.
    taken = (
        select(Percorso.postazione_id, func.count().label("n"))
        .where(Percorso.stato.in_(HOLDS_SEAT))  # an active path always has its position
        .group_by(Percorso.postazione_id)
        .subquery()
    )
    free = Postazione.posti - func.coalesce(taken.c.n, 0)
    seats = free.label("posti_liberi")
    residence = (percorso.persona.comune_residenza_id if percorso.persona is not None else
                 session.scalar(select(Persona.comune_residenza_id).where(Persona.id == percorso.persona_id)))
    stmt = (
        select(Postazione, seats)
        .join(EnteOspitante, Postazione.ente_id == EnteOspitante.id)
        .outerjoin(taken, taken.c.postazione_id == Postazione.id)
        .options(contains_eager(Postazione.ente))
        .where(
            ACCEPTS[percorso.tipologia].is_(True),
            Postazione.attiva_dal <= day,
            or_(Postazione.attiva_al.is_(None), Postazione.attiva_al >= day),
            or_(Postazione.comune_riservato_id.is_(None), Postazione.comune_riservato_id == percorso.comune_id),
            free > 0,
        )
        .order_by(
            case((Postazione.comune_riservato_id == percorso.comune_id, 0), else_=1),
            case((EnteOspitante.comune_id == literal(residence), 0), else_=1),
            seats.desc(),
            Postazione.mansione,
            Postazione.id,
        )
        .limit(limit)
    )
    return session.execute(stmt).all()


# -- Search (the list views' search box) ------------------------------------------------------


def among(column, ids):
    """``column IN (ids)``; on PostgreSQL ``column = ANY(ARRAY(ids))``, which it plans from
    the ids (through the column's index) rather than by walking the list's sort index and
    testing every row: the difference between 15 ms and 200 ms for a surname's hours.
    Needs the app's session (a request or app context)."""
    from .base import db

    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(func.ARRAY(ids.scalar_subquery()))
    return column.in_(ids)


def starts_with(expr, prefix: str):
    """``expr`` begins with ``prefix``, as a range an index can serve (LIKE 'x%' cannot, on
    PostgreSQL under a linguistic collation, nor on SQLite's case-insensitive LIKE)."""
    if ord(prefix[-1]) >= 0x10FFFF:  # no next character: everything from the prefix on
        return expr >= prefix
    return and_(expr >= prefix, expr < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def person_search(search: str):
    """People whose surname starts with ``search`` (any case), whose codice fiscale starts
    with it, or whose surname starts with its first word and name with the rest
    ("rossi ma" finds Rossi Mario). Every branch is served by an index; None if empty."""
    words = search.lower().split()
    if not words:
        return None
    cognome = func.lower(Persona.cognome)
    whole = " ".join(words)
    branches = [starts_with(cognome, whole),
                starts_with(Persona.codice_fiscale, "".join(words).upper())]
    if len(words) > 1:
        branches.append(and_(starts_with(cognome, words[0]),
                             starts_with(func.lower(Persona.nome), " ".join(words[1:]))))
    return or_(*branches)


def people_found(search: str):
    """Ids of the people ``person_search`` finds, for an ``IN``; None if the search is empty.

    A MATERIALIZED common table expression: found first, through the search indexes. Inlined,
    PostgreSQL would rather walk the list's sort index and test every row against the search,
    which is slow exactly when the search is selective (a surname among 100 000 people).
    """
    people = person_search(search)
    if people is None:
        return None
    found = select(Persona.id).where(people).cte("persone_cercate").prefix_with("MATERIALIZED")
    return select(found.c.id)


def paths_of_people(search: str):
    """Ids of the paths of the people ``person_search`` finds (as ``people_found``)."""
    people = person_search(search)
    if people is None:
        return None
    found = (
        select(Percorso.id)
        .where(Percorso.persona_id.in_(select(Persona.id).where(people)))
        .cte("percorsi_cercati")
        .prefix_with("MATERIALIZED")
    )
    return select(found.c.id)
