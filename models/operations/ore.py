"""Attendance and tutoring hours (DOMAIN.md, "Ore"), and the charges tutoring hours create.

0 < h <= 24; at most 24 h a day per person; one row per path, kind and day; only on days
the path was active; tutoring only where the approved voucher foresees it and not beyond
the approved hours. Tutoring hours become charges priced on their date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal, InvalidOperation

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..base import StatoVoucher, TipoOre, TipoVoce
from ..errors import DomainError
from ..percorsi import Addebito, Ore, Percorso
from .erogazioni import line_of_kind
from .prezzi import price_item
from .tipologie import check_hours_cap


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def approved_tutoring_hours(p: Percorso) -> Decimal | None:
    """Tutoring hours foreseen by the approved voucher, or None where it foresees none."""
    for v in p.vouchers:
        if v.stato == StatoVoucher.APPROVATO:
            hours = [r.quantita for r in v.righe if r.voce_listino.tipo == TipoVoce.ORA_AFFIANCAMENTO]
            return sum(hours, Decimal("0")) if hours else None
    return None


def tutoring_hours_used(session: Session, p: Percorso, exclude_id: int | None = None) -> Decimal:
    stmt = select(func.coalesce(func.sum(Ore.ore), 0)).where(
        Ore.percorso_id == p.id, Ore.tipo == TipoOre.AFFIANCAMENTO
    )
    if exclude_id:
        stmt = stmt.where(Ore.id != exclude_id)
    return Decimal(session.scalar(stmt))


def validate_hours(session: Session, row: Ore) -> None:
    """Every rule of an hours row, for a new row or an edited one."""
    p, day, hours = row.percorso, row.data, row.ore
    if hours is None or not (Decimal(0) < hours <= 24):
        raise DomainError(gettext("Hours must be more than 0 and at most 24."), "ore")
    if day > clock.today():
        raise DomainError(gettext("Hours cannot be recorded for a future day."), "data")
    if p.data_avvio is None or day < p.data_avvio or (p.data_fine is not None and day > p.data_fine):
        raise DomainError(
            gettext("Path %(path)s was not active on %(day)s: hours are recorded only while it is active.",
                    path=str(p), day=_fmt(day)),
            "data",
        )
    dup = session.scalar(
        select(Ore.ore).where(Ore.percorso_id == p.id, Ore.tipo == row.tipo, Ore.data == day, Ore.id != (row.id or 0))
    )
    if dup is not None:
        raise DomainError(
            gettext("%(kind)s hours of %(day)s are already recorded for this path (%(hours)s h).",
                    kind=row.tipo.label, day=_fmt(day), hours=dup),
            "data",
        )
    if row.tipo == TipoOre.PRESENZA:
        check_hours_cap(session, row)  # issue 14: a secondment's hour band
        others = session.scalar(
            select(func.coalesce(func.sum(Ore.ore), 0))
            .join(Percorso, Ore.percorso_id == Percorso.id)
            .where(Percorso.persona_id == p.persona_id, Ore.data == day,
                   Ore.tipo == TipoOre.PRESENZA, Ore.id != (row.id or 0))
        )
        if Decimal(others) + hours > 24:
            raise DomainError(
                gettext("%(person)s already has %(hours)s h on %(day)s: at most 24 h a day.",
                        person=str(p.persona), hours=others, day=_fmt(day)),
                "ore",
            )
    else:
        approved = approved_tutoring_hours(p)
        if approved is None:
            raise DomainError(gettext("The approved voucher of this path foresees no tutoring hours."), "tipo")
        remaining = approved - tutoring_hours_used(session, p, row.id)
        if hours > remaining:
            raise DomainError(
                gettext("Only %(remaining)s tutoring hours remain of the %(approved)s approved.",
                        remaining=remaining, approved=approved),
                "ore",
            )


def _charge_of(session: Session, row: Ore) -> Addebito | None:
    if row.id is None:
        return None
    return session.scalar(select(Addebito).where(Addebito.ore_id == row.id))


def sync_tutoring_charge(session: Session, row: Ore) -> None:
    """A tutoring row has one charge of the same hours, priced on its date: a delivery of the
    voucher's tutoring line, by the row's case worker (issue 14)."""
    session.flush()
    charge = _charge_of(session, row)
    if row.tipo != TipoOre.AFFIANCAMENTO:
        if charge is not None:
            _drop_charge(session, charge)
        return
    voce = price_item(session, row.percorso.programma, TipoVoce.ORA_AFFIANCAMENTO, row.data)
    if charge is None:
        session.add(Addebito(percorso=row.percorso, voce_listino=voce, data=row.data, quantita=row.ore,
                             ore=row, descrizione=gettext("Tutoring hours"),
                             riga_voucher=line_of_kind(row.percorso, TipoVoce.ORA_AFFIANCAMENTO),
                             operatore=row.operatore, note=row.note))
    else:
        if charge.riga_fattura_id is not None:
            raise DomainError(gettext("These hours are already invoiced and cannot be changed."))
        charge.voce_listino, charge.data, charge.quantita = voce, row.data, row.ore
        charge.operatore, charge.note = row.operatore, row.note
    session.flush()


def _drop_charge(session: Session, charge: Addebito) -> None:
    if charge.riga_fattura_id is not None:
        raise DomainError(gettext("These hours are already invoiced and cannot be changed."))
    session.delete(charge)


def record_hours(session: Session, p: Percorso, day: dt.date, hours: Decimal, tipo: TipoOre,
                 operatore=None, note: str | None = None) -> Ore:
    """Record one row of hours, with its charge for tutoring."""
    row = Ore(percorso=p, data=day, ore=Decimal(hours), tipo=tipo, operatore=operatore, note=note)
    with session.no_autoflush:
        validate_hours(session, row)
    session.add(row)
    sync_tutoring_charge(session, row)
    return row


def delete_hours(session: Session, row: Ore) -> None:
    """Remove a row of hours and its (uninvoiced) charge."""
    charge = _charge_of(session, row)
    if charge is not None:
        _drop_charge(session, charge)
    session.delete(row)
    session.flush()


def parse_hours(text: str) -> Decimal | None:
    """'7,5' or '7.5' -> Decimal('7.5'); blank -> None."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise DomainError(gettext("%(value)s is not a number of hours.", value=text)) from None


def save_month(session: Session, p: Percorso, year: int, month: int, tipo: TipoOre,
               values: dict[int, Decimal | None], operatore=None) -> int:
    """Save a month grid in one go: blank deletes, a number creates or updates.

    All or nothing: the first refused day raises, naming the day; returns the rows changed.
    """
    existing = {
        r.data.day: r
        for r in session.scalars(
            select(Ore).where(Ore.percorso_id == p.id, Ore.tipo == tipo,
                              Ore.data >= dt.date(year, month, 1),
                              Ore.data <= dt.date(year, month, calendar.monthrange(year, month)[1]))
        )
    }
    changed = 0
    for day_number in sorted(values):
        hours, row = values[day_number], existing.get(day_number)
        day = dt.date(year, month, day_number)
        try:
            if hours is None:
                if row is not None:
                    delete_hours(session, row)
                    changed += 1
            elif row is None:
                record_hours(session, p, day, hours, tipo, operatore)
                changed += 1
            elif row.ore != hours:
                row.ore = hours
                with session.no_autoflush:
                    validate_hours(session, row)
                sync_tutoring_charge(session, row)
                changed += 1
        except DomainError as exc:
            raise DomainError(gettext("%(day)s: %(message)s", day=_fmt(day), message=exc.message)) from None
    return changed
