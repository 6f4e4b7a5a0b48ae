"""Budget figures in SQL (DOMAIN.md, "Budget"): allocated, committed, consumed, invoiced and
remaining, derived from the rows and never stored (STYLE: derived figures are computed).

Each figure exists in two forms written from the same rules: correlated, as deferred column
properties of ``Budget`` (one budget: ``Budget.impegnato``...), mapped by
``attach_budget_figures`` which models/__init__.py calls once; and set-wise, for a page or a
report of many budgets in one grouped statement (``budget_figures_by_budget``).
Amounts follow models/money.py.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, func, select, type_coerce
from sqlalchemy.orm import Session, column_property
from sqlalchemy.orm.attributes import set_committed_value

from ..base import StatoFattura, StatoPercorso, StatoVoucher
from ..fatture import Fattura, RigaFattura
from ..money import MONEY, sql_line_amount, sql_line_gross, sql_vat
from ..percorsi import Addebito, Percorso, RigaVoucher, Voucher
from ..programmi import Budget, VariazioneBudget, VoceListino

#: A path in these states is over: it commits only what it consumed.
CLOSED = (StatoPercorso.CONCLUSO, StatoPercorso.INTERROTTO, StatoPercorso.RITIRATO)
#: The five figures, in the order the console shows them.
FIGURES = ("stanziato", "impegnato", "consumato", "fatturato", "residuo")


def voucher_gross(voucher_id):
    """Gross total of a voucher (correlated scalar subquery), as prezzi.voucher_totals computes it
    (models/money.py: lines rounded half-up to the cent, VAT per rate on their total). The
    approval stores the Python figure; this one stands in for a voucher stored without it."""
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


def path_consumed(percorso_id):
    """Gross total of a path's charges (correlated scalar subquery)."""
    return (
        select(func.coalesce(func.sum(sql_line_gross(Addebito.quantita, VoceListino.prezzo_unitario, VoceListino.aliquota_iva)), 0))
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


CHARGE_GROSS = sql_line_gross(Addebito.quantita, VoceListino.prezzo_unitario, VoceListino.aliquota_iva)
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


def attach_budget_figures(budget=Budget) -> None:
    """Map the five figures onto ``Budget`` as deferred SQL column properties (a list
    undefers them, so they cost one statement per page, not one per row). Called once by
    models/__init__.py, after every model they read is defined."""
    if "stanziato" in budget.__dict__:
        return
    budget.stanziato = column_property(_allocated(budget), deferred=True)
    budget.impegnato = column_property(_committed(budget), deferred=True)
    budget.consumato = column_property(_charges(budget, False), deferred=True)
    budget.fatturato = column_property(_charges(budget, True), deferred=True)
    budget.residuo = column_property(_allocated(budget) - _committed(budget), deferred=True)


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
        select(*[getattr(Budget, name) for name in FIGURES]).where(Budget.id == budget_id)
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


def commitment_by_budget(*where):
    """Allocated, committed and remaining of the budgets matching ``where``, without the
    charges (what a voucher decision is checked against): rows (budget_id, stanziato,
    impegnato, residuo)."""
    committed = committed_by_budget(*where).subquery()
    impegnato = func.coalesce(committed.c.impegnato, 0)
    return (
        select(Budget.id.label("budget_id"),
               type_coerce(Budget.stanziato, MONEY).label("stanziato"),
               type_coerce(impegnato, MONEY).label("impegnato"),
               type_coerce(Budget.stanziato - impegnato, MONEY).label("residuo"))
        .outerjoin(committed, committed.c.budget_id == Budget.id)
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
        for name in FIGURES:
            set_committed_value(by_id[row["budget_id"]], name, row[name])
