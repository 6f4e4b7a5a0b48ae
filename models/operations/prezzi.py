"""Pricing from the programme's price list, and a voucher's totals.

DOMAIN.md, "Prices": prices and VAT belong to a price list per programme with validity
dates; the rounding and VAT rules are those of models/money.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..base import TipoVoce
from ..errors import DomainError
from ..money import totals
from ..programmi import Programma, VoceListino


def is_valid_on(voce: VoceListino, day: dt.date) -> bool:
    return voce.valido_dal <= day and (voce.valido_al is None or day <= voce.valido_al)


def price_item(session: Session, programma: Programma, tipo: TipoVoce, day: dt.date) -> VoceListino:
    """The programme's price-list item of kind ``tipo`` valid on ``day``."""
    voce = session.scalars(
        select(VoceListino)
        .where(
            VoceListino.programma_id == programma.id,
            VoceListino.tipo == tipo,
            VoceListino.valido_dal <= day,
            or_(VoceListino.valido_al.is_(None), VoceListino.valido_al >= day),
        )
        .order_by(VoceListino.valido_dal.desc())
    ).first()
    if voce is None:
        raise DomainError(
            gettext(
                "The price list of %(programma)s has no item «%(tipo)s» valid on %(day)s.",
                programma=programma.nome,
                tipo=tipo.label,
                day=day.strftime("%d/%m/%Y"),
            )
        )
    return voce


def items_for_path(session: Session, percorso_id: int | None):
    """The price-list items a voucher of path ``percorso_id`` may use: its programme's
    (DOMAIN.md, "Prices"); every programme's when the path is not known yet."""
    from ..percorsi import Percorso

    stmt = select(VoceListino).order_by(VoceListino.programma_id, VoceListino.codice,
                                        VoceListino.valido_dal.desc())
    if percorso_id is not None:
        stmt = stmt.where(VoceListino.programma_id == select(Percorso.programma_id)
                          .where(Percorso.id == percorso_id).scalar_subquery())
    return session.scalars(stmt).all()


def voucher_totals(voucher) -> tuple[Decimal, Decimal, Decimal]:
    """Taxable, VAT and gross of a voucher's lines (models/money.py: lines rounded half-up,
    VAT per rate)."""
    taxable, vat = totals(
        (r.quantita, r.voce_listino.prezzo_unitario, r.voce_listino.aliquota_iva) for r in voucher.righe
    )
    return taxable, vat, taxable + vat


def voucher_gross_total(voucher) -> Decimal:
    """A voucher's gross total: what its approval committed (stored, unchanged by later price
    edits), else computed from its lines as ``voucher_totals`` does."""
    if voucher.importo_impegnato is not None:
        return voucher.importo_impegnato
    return voucher_totals(voucher)[2]
