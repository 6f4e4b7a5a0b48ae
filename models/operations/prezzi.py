"""Pricing from the programme's price list and the money of vouchers and charges.

DOMAIN.md, "Prices": prices and VAT belong to a price list per programme with validity
dates; money is Decimal, rounded half-up to the cent per line; VAT per rate on the total.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..base import TipoVoce
from ..errors import DomainError
from ..programmi import Programma, VoceListino

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Round half-up to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


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


def gross(lines: list[tuple[Decimal, Decimal, Decimal]]) -> tuple[Decimal, Decimal]:
    """(taxable, VAT) of (quantity, unit price, VAT rate) lines: lines rounded, VAT per rate."""
    by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for quantity, price, rate in lines:
        by_rate[Decimal(rate)] += cents(Decimal(quantity) * Decimal(price))
    taxable = sum(by_rate.values(), Decimal("0.00"))
    vat = sum((cents(amount * rate / 100) for rate, amount in by_rate.items()), Decimal("0.00"))
    return taxable, vat


def voucher_totals(voucher) -> tuple[Decimal, Decimal, Decimal]:
    """Taxable, VAT and gross of a voucher's lines."""
    taxable, vat = gross(
        [(r.quantita, r.voce_listino.prezzo_unitario, r.voce_listino.aliquota_iva) for r in voucher.righe]
    )
    return taxable, vat, taxable + vat
