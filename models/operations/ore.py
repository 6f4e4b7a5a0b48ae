"""Attendance and tutoring hours (DOMAIN.md, "Ore"), and the charges tutoring hours create.

0 < h <= 24; at most 24 h a day per person; one row per path, kind and day; only on days
the path was active; tutoring only where the approved voucher foresees it and not beyond
the approved hours. Tutoring hours become charges priced on their date.

Issue 12: a day of attendance may carry up to two shifts (entrata / uscita), and then its
hours are the shifts' length; or it is an absence with its reason and no hours. The month
grid of many people is saved by ``save_grid`` (grid.py holds the cell grammar): every cell
checked first, every refusal reported at its cell, then all written at once.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..base import StatoVoucher, TipoAssenza, TipoOre, TipoVoce, quantity
from ..errors import DomainError
from ..percorsi import Addebito, Ore, Percorso
from ..validation import parse_decimal
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


def shift_hours(shifts) -> Decimal:
    """The hours of up to two shifts ((entrata, uscita), ...), rounded half-up to the cent of
    an hour: 8:00-12:20 is 4.33 h."""
    minutes = sum((_minutes(b) - _minutes(a)) for a, b in shifts)
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def check_shifts(row: Ore) -> None:
    """Shifts complete and in order (first exit after entry, second entry not before the first
    exit), the hours equal to their length; an absence has neither hours nor times."""
    if row.assenza is not None:
        if row.tipo != TipoOre.PRESENZA:
            raise DomainError(gettext("Absences are recorded for attendance only."), "assenza")
        if any(t is not None for t in (row.entrata, row.uscita, row.entrata_2, row.uscita_2)):
            raise DomainError(gettext("A day of absence has no entry or exit times."), "entrata")
        if row.ore:
            raise DomainError(gettext("A day of absence has no hours."), "ore")
        return
    first, second = (row.entrata, row.uscita), (row.entrata_2, row.uscita_2)
    if (first[0] is None) != (first[1] is None) or (second[0] is None) != (second[1] is None):
        raise DomainError(gettext("Each shift needs both its entry and its exit time."), "uscita")
    if second[0] is not None and first[0] is None:
        raise DomainError(gettext("Fill in the first shift before the second."), "entrata")
    if first[0] is None:
        return
    if first[1] <= first[0] or (second[0] is not None and second[1] <= second[0]):
        raise DomainError(gettext("The exit time must follow the entry time."), "uscita")
    if second[0] is not None and second[0] < first[1]:
        raise DomainError(gettext("The second shift must start after the first one ends."),
                          "entrata_2")
    shifts = [first] + ([second] if second[0] is not None else [])
    if row.ore != shift_hours(shifts):
        raise DomainError(
            gettext("The hours (%(hours)s) do not match the shifts (%(computed)s h).",
                    hours=row.ore, computed=shift_hours(shifts)),
            "ore",
        )


def validate_hours(session: Session, row: Ore) -> None:
    """Every rule of an hours row, for a new row or an edited one."""
    p, day, hours = row.percorso, row.data, row.ore
    check_shifts(row)
    if row.assenza is None and (hours is None or not (Decimal(0) < hours <= 24)):
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
                    kind=row.tipo.label, day=_fmt(day), hours=quantity(dup)),
            "data",
        )
    if row.assenza is not None:
        return
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
                        person=str(p.persona), hours=quantity(others), day=_fmt(day)),
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
                        remaining=quantity(remaining), approved=quantity(approved)),
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


def record_hours(session: Session, p: Percorso, day: dt.date, hours: Decimal | None, tipo: TipoOre,
                 operatore=None, note: str | None = None, *, shifts=(),
                 assenza: TipoAssenza | None = None) -> Ore:
    """Record one row of hours, with its charge for tutoring.

    ``shifts``: up to two (entrata, uscita) pairs; the hours are then their length (``hours``
    may be None). ``assenza``: a day of absence with that reason (no hours, no shifts).
    """
    shifts = list(shifts)
    if assenza is not None:
        hours = Decimal(0)
    elif shifts and hours is None:
        hours = shift_hours(shifts)
    row = Ore(percorso=p, data=day, ore=None if hours is None else Decimal(hours), tipo=tipo,
              operatore=operatore, note=note, assenza=assenza)
    set_shifts(row, shifts)
    with session.no_autoflush:
        validate_hours(session, row)
    session.add(row)
    sync_tutoring_charge(session, row)
    return row


def set_shifts(row: Ore, shifts) -> None:
    """Write up to two (entrata, uscita) pairs on ``row`` (the rest emptied)."""
    shifts = list(shifts) + [(None, None)] * (2 - len(shifts))
    if len(shifts) > 2:
        raise DomainError(gettext("At most two shifts a day."), "entrata_2")
    (row.entrata, row.uscita), (row.entrata_2, row.uscita_2) = shifts


def delete_hours(session: Session, row: Ore) -> None:
    """Remove a row of hours and its (uninvoiced) charge."""
    charge = _charge_of(session, row)
    if charge is not None:
        _drop_charge(session, charge)
    session.delete(row)
    session.flush()


def parse_hours(text: str) -> Decimal | None:
    """'7,5' or '7.5' -> Decimal('7.5'); blank -> None. NaN, infinities and garbage are
    refused, as are more than two decimals (the column's scale)."""
    try:
        return parse_decimal(text, places=2, digits=5)
    except DomainError as exc:
        raise DomainError(gettext("%(value)s is not a number of hours: %(reason)s",
                                  value=(text or "").strip()[:20], reason=exc.message)) from None


def save_month(session: Session, p: Percorso, year: int, month: int, tipo: TipoOre,
               values: dict[int, Decimal | None], operatore=None) -> int:
    """Save one path's month in one go: blank deletes, a number creates or updates.

    All or nothing: the first refused day raises, naming the day; returns the rows changed.
    (The grid of many people, griglia.save_grid, reports every refused day instead.)
    """
    from .griglia import Cella, GridErrors, save_grid

    cells = {
        (p.id, dt.date(year, month, d)): None if h is None else Cella(Decimal(h))
        for d, h in values.items()
    }
    try:
        return save_grid(session, tipo, cells, operatore)
    except GridErrors as exc:
        (_, day), message = next(iter(exc.errors.items()))
        raise DomainError(gettext("%(day)s: %(message)s", day=_fmt(day), message=message)) from None
