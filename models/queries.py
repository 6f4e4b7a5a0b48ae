"""Read models in SQL: budget figures, deadlines and position matching (DOMAIN.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Numeric, and_, case, cast, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session, column_property

from .anagrafiche import Persona, Postazione
from .base import StatoFattura, StatoPercorso, StatoVoucher, TipologiaPercorso
from .fatture import Fattura, RigaFattura
from .percorsi import Addebito, Percorso, RigaVoucher, Voucher
from .programmi import Budget, Programma, VariazioneBudget, VoceListino

#: A path in these states is over: it commits only what it consumed.
CLOSED = (StatoPercorso.CONCLUSO, StatoPercorso.INTERROTTO, StatoPercorso.RITIRATO)
#: A path in these states holds its position's seat.
HOLDS_SEAT = (StatoPercorso.ATTIVO,)
#: The figures are money: Decimal on every backend (SQLite would hand back floats and ints).
MONEY = Numeric(12, 2)


def line_gross(quantity, price, rate):
    """Gross amount of a line in SQL: taxable rounded to the cent plus its VAT."""
    taxable = func.round(quantity * price, 2)
    return taxable + func.round(taxable * rate / 100, 2)


def voucher_gross(voucher_id):
    """Gross total of a voucher (correlated scalar subquery), as prezzi.voucher_totals computes it:
    lines rounded to the cent, VAT per rate on their total. Approval checks that same figure."""
    by_rate = (
        select(
            VoceListino.aliquota_iva.label("rate"),
            func.sum(func.round(RigaVoucher.quantita * VoceListino.prezzo_unitario, 2)).label("taxable"),
        )
        .join(VoceListino, RigaVoucher.voce_listino_id == VoceListino.id)
        .where(RigaVoucher.voucher_id == voucher_id)
        .group_by(VoceListino.aliquota_iva)
        .correlate_except(RigaVoucher, VoceListino)
        .subquery()
    )
    vat = func.round(by_rate.c.taxable * by_rate.c.rate / 100, 2)
    return select(func.coalesce(func.sum(by_rate.c.taxable + vat), 0)).scalar_subquery()


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


def _committed(B):
    """Approved vouchers decided in the period; a closed path commits what it consumed."""
    amount = case(
        (Percorso.stato.in_(CLOSED), path_consumed(Percorso.id)),
        else_=voucher_gross(Voucher.id),
    )
    return type_coerce(
        select(func.coalesce(func.sum(amount), 0))
        .select_from(Voucher)
        .join(Percorso, Voucher.percorso_id == Percorso.id)
        .where(
            Voucher.stato == StatoVoucher.APPROVATO,
            _same_budget(B),
            Voucher.data_decisione.between(B.data_inizio, B.data_fine),
        )
        .scalar_subquery(),
        MONEY,
    )


def _charges(B, invoiced_only: bool):
    stmt = (
        select(func.coalesce(func.sum(line_gross(Addebito.quantita, VoceListino.prezzo_unitario, VoceListino.aliquota_iva)), 0))
        .select_from(Addebito)
        .join(VoceListino, Addebito.voce_listino_id == VoceListino.id)
        .join(Percorso, Addebito.percorso_id == Percorso.id)
        .where(_same_budget(B), Addebito.data.between(B.data_inizio, B.data_fine))
    )
    if invoiced_only:
        stmt = (
            stmt.join(RigaFattura, Addebito.riga_fattura_id == RigaFattura.id)
            .join(Fattura, RigaFattura.fattura_id == Fattura.id)
            .where(Fattura.stato.in_((StatoFattura.EMESSA, StatoFattura.PAGATA)))
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


def deadlines(session: Session, today: dt.date, horizon_days: int = 7, comune_id=None, operatore_id=None):
    """Open intake and activation deadlines that are overdue or due within ``horizon_days``.

    Returns rows (percorso_id, persona, comune, operatore, kind, due, days_left) ordered by due date.
    """
    dialect = session.get_bind().dialect.name
    limit = today + dt.timedelta(days=horizon_days)
    rows = []
    for kind, due_expr, state in (
        ("intake", intake_due(dialect), StatoPercorso.SEGNALATO),
        ("activation", activation_due(dialect), None),
    ):
        stmt = (
            select(Percorso.id, due_expr.label("due"))
            .join(Programma, Percorso.programma_id == Programma.id)
        )
        if state is not None:
            stmt = stmt.where(Percorso.stato == state)
        else:
            stmt = stmt.where(
                Percorso.stato.in_(
                    (
                        StatoPercorso.PRESO_IN_CARICO,
                        StatoPercorso.IN_VALUTAZIONE,
                        StatoPercorso.VOUCHER_PROPOSTO,
                        StatoPercorso.VOUCHER_APPROVATO,
                    )
                )
            )
        if comune_id:
            stmt = stmt.where(Percorso.comune_id == comune_id)
        if operatore_id:
            stmt = stmt.where(Percorso.operatore_id == operatore_id)
        sub = stmt.subquery()
        for pid, due in session.execute(select(sub.c.id, sub.c.due).where(sub.c.due <= (limit.isoformat() if dialect == "sqlite" else limit))):
            due = dt.date.fromisoformat(due) if isinstance(due, str) else due
            rows.append((pid, kind, due, (due - today).days))
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


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

    seats = free_seats(Postazione.id).label("posti_liberi")
    residence = session.scalar(select(Persona.comune_residenza_id).where(Persona.id == percorso.persona_id))
    stmt = (
        select(Postazione, seats)
        .join(EnteOspitante, Postazione.ente_id == EnteOspitante.id)
        .where(
            ACCEPTS[percorso.tipologia].is_(True),
            Postazione.attiva_dal <= day,
            or_(Postazione.attiva_al.is_(None), Postazione.attiva_al >= day),
            or_(Postazione.comune_riservato_id.is_(None), Postazione.comune_riservato_id == percorso.comune_id),
            free_seats(Postazione.id) > 0,
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
