"""Deliveries (erogazioni): any service of an approved voucher delivered on a date, in a
quantity, by someone, with notes; each delivery is a charge priced on its date (issue 14, item 1).

A line is delivered up to its approved quantity (after variations); the refusal says how much
remains. Activations and hirings are delivered by their workflow steps and tutoring hours by the
hours (models/operations/ore.py), which link their charges to the voucher line as well; the
other items (catalogue services, hours of public-utility work) are delivered here.
Operations flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal, gettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import clock
from ..base import StatoVoucher, TipoVoce
from ..errors import DomainError
from ..percorsi import Addebito, Percorso, RigaVoucher, Voucher
from ..programmi import VoceListino
from .workflow import require_step

#: Items delivered by their own step or by the hours, not by the delivery form.
DELIVERED_ELSEWHERE = {
    TipoVoce.ATTIVAZIONE_TIROCINIO: "activation",
    TipoVoce.ASSUNZIONE: "hiring",
    TipoVoce.ORA_AFFIANCAMENTO: "hours",
}


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _q(value: Decimal) -> str:
    """A quantity as the user reads it, without trailing zeros: 3, 2,5 in Italian."""
    return format_decimal(Decimal(value), format="#,##0.##")


def approved_voucher(p: Percorso) -> Voucher | None:
    """The path's approved voucher (a path has at most one)."""
    return next((v for v in p.vouchers if v.stato == StatoVoucher.APPROVATO), None)


def delivered(session: Session, riga: RigaVoucher, exclude_id: int | None = None) -> Decimal:
    """What has been delivered of a voucher line so far."""
    stmt = select(func.coalesce(func.sum(Addebito.quantita), 0)).where(Addebito.riga_voucher_id == riga.id)
    if exclude_id:
        stmt = stmt.where(Addebito.id != exclude_id)
    return Decimal(str(session.scalar(stmt))).quantize(Decimal("0.01"))


def delivered_by_line(session: Session, v: Voucher) -> dict[int, Decimal]:
    """line id -> quantity delivered, for every line of ``v`` (one statement)."""
    rows = session.execute(
        select(Addebito.riga_voucher_id, func.sum(Addebito.quantita))
        .join(RigaVoucher, Addebito.riga_voucher_id == RigaVoucher.id)
        .where(RigaVoucher.voucher_id == v.id).group_by(Addebito.riga_voucher_id)
    ).all()
    found = {rid: Decimal(str(q)).quantize(Decimal("0.01")) for rid, q in rows}
    return {r.id: found.get(r.id, Decimal("0.00")) for r in v.righe}


def line_of_kind(p: Percorso, tipo: TipoVoce) -> RigaVoucher | None:
    """The approved voucher's line of an item of kind ``tipo`` (the charge of a step or of
    tutoring hours draws on it), if the voucher has one."""
    v = approved_voucher(p)
    if v is None:
        return None
    return next((r for r in v.righe if r.voce_listino.tipo == tipo), None)


def price_on(session: Session, voce: VoceListino, day: dt.date) -> VoceListino:
    """The price-list item with ``voce``'s code valid on ``day`` (a price change between the
    approval and the delivery prices the delivery at the new price)."""
    item = session.scalars(
        select(VoceListino)
        .where(VoceListino.programma_id == voce.programma_id, VoceListino.codice == voce.codice,
               VoceListino.valido_dal <= day,
               or_(VoceListino.valido_al.is_(None), VoceListino.valido_al >= day))
        .order_by(VoceListino.valido_dal.desc())
    ).first()
    if item is None:
        raise DomainError(gettext("The price list has no item «%(item)s» valid on %(day)s.",
                                  item=voce.descrizione, day=_fmt(day)))
    return item


def parse_quantity(text: str) -> Decimal:
    """'2,5' or '2.5' -> Decimal('2.5'); anything else refused with a message."""
    value = (text or "").strip().replace(",", ".")
    try:
        quantity = Decimal(value)
    except InvalidOperation:
        raise DomainError(gettext("%(value)s is not a quantity.", value=text or "''")) from None
    if not quantity.is_finite():
        raise DomainError(gettext("%(value)s is not a quantity.", value=text))
    return quantity


def _check_delivery(session: Session, p: Percorso, riga: RigaVoucher, day: dt.date,
                    quantity: Decimal, exclude_id: int | None = None) -> None:
    v = approved_voucher(p)
    if v is None or riga.voucher_id != v.id:
        raise DomainError(gettext("Only a line of the path's approved voucher can be delivered."))
    if quantity is None or quantity <= 0:
        raise DomainError(gettext("The quantity must be more than 0."), "quantita")
    if quantity != quantity.quantize(Decimal("0.01")):
        raise DomainError(gettext("A quantity has at most two decimals."), "quantita")
    if day > clock.today():
        raise DomainError(gettext("The date cannot be in the future."), "data")
    if day < v.data_decisione:
        raise DomainError(gettext("A service cannot be delivered before the voucher was approved (%(day)s).",
                                  day=_fmt(v.data_decisione)), "data")
    if p.data_fine is not None and day > p.data_fine:
        raise DomainError(gettext("The path ended on %(day)s.", day=_fmt(p.data_fine)), "data")
    remaining = riga.quantita - delivered(session, riga, exclude_id)
    if quantity > remaining:
        raise DomainError(gettext(
            "Only %(remaining)s of the %(approved)s approved remain to deliver for «%(item)s».",
            remaining=_q(remaining), approved=_q(riga.quantita), item=riga.voce_listino.descrizione),
            "quantita")


def deliver(session: Session, p: Percorso, riga: RigaVoucher, day: dt.date, quantity: Decimal,
            by=None, note: str | None = None) -> Addebito:
    """Record a delivery of an approved voucher line: a charge of ``quantity`` priced on ``day``.
    Refused beyond the approved quantity, before the approval, after the path ended, in the
    future, or for items delivered by their own step or by the hours."""
    require_step("deliver", p, by)
    elsewhere = DELIVERED_ELSEWHERE.get(riga.voce_listino.tipo)
    if elsewhere == "hours":
        raise DomainError(gettext("Tutoring hours are delivered by recording them as hours."))
    if elsewhere is not None:
        raise DomainError(gettext("«%(item)s» is billed by its workflow step.",
                                  item=riga.voce_listino.descrizione))
    quantity = Decimal(quantity)
    with session.no_autoflush:
        _check_delivery(session, p, riga, day, quantity)
        voce = price_on(session, riga.voce_listino, day)
    charge = Addebito(percorso=p, voce_listino=voce, riga_voucher=riga, data=day, quantita=quantity,
                      operatore=by, note=(note or "").strip() or None,
                      descrizione=riga.voce_listino.descrizione[:200])
    session.add(charge)
    session.flush()
    return charge


def delete_delivery(session: Session, charge: Addebito) -> None:
    """Remove a delivery recorded by mistake, while it is not invoiced (hours and steps keep
    their own charges)."""
    if charge.riga_fattura_id is not None:
        raise DomainError(gettext("This delivery is already invoiced: it cannot be removed."))
    if charge.ore_id is not None or charge.riga_voucher is None or \
            charge.voce_listino.tipo in DELIVERED_ELSEWHERE:
        raise DomainError(gettext("This charge is not a delivery recorded by hand."))
    session.delete(charge)
    session.flush()
