"""The accounts' reports: budget verification per Comune (DOMAIN.md, "Verifica budget") and
the invoice register (DOMAIN.md, "Registro fatture")."""

from __future__ import annotations

from sqlalchemy import case, cast, func, or_, select
from sqlalchemy.orm import Session

from ..anagrafiche import Comune
from ..base import StatoFattura, TipoDocumento
from ..fatture import Fattura, Pagamento
from ..money import MONEY
from ..programmi import Budget, Programma
from ..queries import FIGURES, budget_figures_by_budget
from .common import Periodo, with_total


def verifica_budget(session: Session, p: Periodo, comune_id: int | None = None):
    """Budgets whose period overlaps ``p``, one row each (Comune x programme x period), with
    the SQL figures of ``Budget`` (models/queries/budget.py): stanziato, impegnato, consumato,
    fatturato, residuo over the budget's whole period as recorded now; then the total row."""
    overlaps = [Budget.data_inizio <= p.al, Budget.data_fine >= p.dal]
    if comune_id:
        overlaps.append(Budget.comune_id == comune_id)
    figures = budget_figures_by_budget(*overlaps).subquery()
    stmt = (
        select(
            Budget.id.label("budget_id"),
            Comune.nome.label("comune"),
            Programma.nome.label("programma"),
            Budget.data_inizio,
            Budget.data_fine,
            *[cast(figures.c[k], MONEY).label(k) for k in FIGURES],
        )
        .join(Comune, Budget.comune_id == Comune.id)
        .join(Programma, Budget.programma_id == Programma.id)
        .join(figures, figures.c.budget_id == Budget.id)
    )
    keys = ("budget_id", "comune", "programma", "data_inizio", "data_fine")
    return session.execute(with_total(stmt, keys, ("comune", "programma", "data_inizio"))).mappings().all()


def registro_fatture(session: Session, anno: int, comune_id: int | None = None):
    """Issued invoices and credit notes of ``anno`` (drafts have no number: excluded), by number.

    totale = imponibile + iva + bollo (the stamp duty charged to the Comune); pagato = sum of the
    payments recorded; da_incassare = what the agency still expects: imponibile under split
    payment (the Comune pays the VAT to the State), else imponibile + iva, plus the bollo, minus
    pagato; nothing on a credited invoice or on a credit note (issue 14: the credit note settles
    the one, and the other is owed to the Comune, not collected). One statement.
    """
    paid = (
        select(Pagamento.fattura_id.label("k"), func.sum(Pagamento.importo).label("pagato"),
               func.max(Pagamento.data).label("ultimo_pagamento"))
        .group_by(Pagamento.fattura_id)
        .subquery()
    )
    pagato = cast(func.coalesce(paid.c.pagato, 0), MONEY)
    bollo = func.coalesce(Fattura.bollo, 0)
    due = case((Fattura.split_payment.is_(True), Fattura.imponibile), else_=Fattura.imponibile + Fattura.iva) + bollo
    settled = or_(Fattura.stato == StatoFattura.STORNATA, Fattura.tipo_documento == TipoDocumento.TD04)
    stmt = (
        select(
            Fattura.id.label("fattura_id"),
            Fattura.numero,
            Fattura.data,
            Fattura.tipo_documento,
            Comune.nome.label("comune"),
            Fattura.imponibile,
            Fattura.iva,
            Fattura.bollo,
            cast(Fattura.imponibile + Fattura.iva + bollo, MONEY).label("totale"),
            Fattura.split_payment,
            Fattura.stato,
            pagato.label("pagato"),
            paid.c.ultimo_pagamento,
            cast(case((settled, 0), else_=due - func.coalesce(paid.c.pagato, 0)), MONEY).label("da_incassare"),
        )
        .join(Comune, Fattura.comune_id == Comune.id)
        .outerjoin(paid, paid.c.k == Fattura.id)
        .where(Fattura.anno == anno, Fattura.stato != StatoFattura.BOZZA)
        .order_by(Fattura.numero)
    )
    if comune_id:
        stmt = stmt.where(Fattura.comune_id == comune_id)
    return session.execute(stmt).mappings().all()
