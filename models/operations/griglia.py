"""The month grid of many people (issue 12, item 1): what a cell may hold, and the grid saved in
one go, all or nothing, every refusal reported at its cell.

A cell holds, as people type or paste it from a spreadsheet:
* hours with a decimal comma or point: ``7,5``, ``8``;
* one or two shifts, entry-exit: ``8-12``, ``8:30-12:30 13:30-17``, ``08.00-12.00/13.00-17.00``;
  the hours are their length;
* an absence code (attendance only): ``M`` malattia, ``F`` ferie, ``FS`` festività,
  ``AG`` assenza giustificata, ``AI`` assenza ingiustificata (or the words);
* nothing: the day has no row (an existing one is deleted).

The rules are those of ore.py (DOMAIN.md, "Ore"), checked for the whole grid with a handful of
set-wise reads instead of a few statements per cell: 30 people x 22 days save in well under a
second (benchmarks/hours.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from .. import clock
from ..base import ASSENZA_CODICI, TipoAssenza, TipoOre, TipoVoce, quantity
from ..errors import DomainError
from ..percorsi import Addebito, Ore, Percorso, RigaVoucher, Voucher
from .ore import approved_tutoring_hours, parse_hours, set_shifts, shift_hours
from .prezzi import price_item

CENT = Decimal("0.01")
ZERO = Decimal("0")
_SHIFT = re.compile(r"(\d{1,2})(?:[:.,](\d{2}))?\s*-\s*(\d{1,2})(?:[:.,](\d{2}))?")
_WORDS = {
    "malattia": TipoAssenza.MALATTIA,
    "ferie": TipoAssenza.FERIE,
    "festivita": TipoAssenza.FESTIVITA,
    "festività": TipoAssenza.FESTIVITA,
    "assenza giustificata": TipoAssenza.GIUSTIFICATA,
    "giustificata": TipoAssenza.GIUSTIFICATA,
    "assenza ingiustificata": TipoAssenza.INGIUSTIFICATA,
    "ingiustificata": TipoAssenza.INGIUSTIFICATA,
}
ABSENCE_BY_TEXT = {**{c.lower(): a for a, c in ASSENZA_CODICI.items()}, **_WORDS}


@dataclass(frozen=True)
class Cella:
    """What one cell asks for: hours, the shifts they come from, or an absence."""

    ore: Decimal
    turni: tuple[tuple[dt.time, dt.time], ...] = ()
    assenza: TipoAssenza | None = None

    def same_as(self, row: Ore) -> bool:
        """True when ``row`` already holds exactly this."""
        turni = tuple((a, b) for a, b in ((row.entrata, row.uscita), (row.entrata_2, row.uscita_2))
                      if a is not None)
        return (row.assenza, turni, Decimal(row.ore)) == (self.assenza, self.turni, self.ore)


def _time(hours: str, minutes: str | None) -> dt.time:
    h, m = int(hours), int(minutes or 0)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        shown = hours + ":" + (minutes or "00")
        raise DomainError(gettext("%(time)s is not a time of day.", time=shown))
    return dt.time(h, m)


def parse_cell(text: str | None, tipo: TipoOre = TipoOre.PRESENZA) -> Cella | None:
    """A cell as typed or pasted (module docstring); None when blank. Refuses with a message."""
    raw = (text or "").strip()
    if not raw:
        return None
    absence = ABSENCE_BY_TEXT.get(" ".join(raw.lower().split()))
    if absence is not None:
        if tipo != TipoOre.PRESENZA:
            raise DomainError(gettext("Absences are recorded for attendance only."))
        return Cella(ZERO, (), absence)
    if "-" in raw:
        return _shifts(raw)
    return Cella(parse_hours(raw))  # the one decimal parser: NaN, 1e400, 1,234 refused


def _shifts(raw: str) -> Cella:
    found = list(_SHIFT.finditer(raw))
    rest = _SHIFT.sub("", raw).replace("/", "").replace(";", "").strip()
    if not found or rest or len(found) > 2:
        raise DomainError(gettext(
            "%(value)s is not one or two shifts: write them as 8-12 or 8:30-12:30 13:30-17:30.",
            value=raw))
    turni = tuple((_time(m[1], m[2]), _time(m[3], m[4])) for m in found)
    for a, b in turni:
        if b <= a:
            raise DomainError(gettext("The exit time must follow the entry time."))
    if len(turni) == 2 and turni[1][0] < turni[0][1]:
        raise DomainError(gettext("The second shift must start after the first one ends."))
    return Cella(shift_hours(turni), turni)


def cell_text(row: Ore) -> str:
    """How a saved row reads in a cell: the shifts, the absence code or the hours."""
    if row.assenza is not None:
        return row.assenza.codice
    if row.entrata is not None:
        shifts = ((row.entrata, row.uscita), (row.entrata_2, row.uscita_2))
        return " ".join(f"{_hm(a)}-{_hm(b)}" for a, b in shifts if a is not None)
    return format_hours(row.ore)


def _hm(t: dt.time) -> str:
    return f"{t.hour}" if t.minute == 0 else f"{t.hour}:{t.minute:02d}"


def format_hours(value) -> str:
    """7.50 -> '7,5'; 8.00 -> '8' (Italian decimal comma, no trailing zeros)."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


class GridErrors(DomainError):
    """Refusals of a grid: (path id, day) -> message; nothing was written."""

    def __init__(self, errors: dict[tuple[int, dt.date], str]):
        self.errors = dict(sorted(errors.items(), key=lambda kv: (kv[0][1], kv[0][0])))
        super().__init__(gettext("%(n)s cells were refused: nothing was saved.", n=len(errors)))


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def save_grid(session: Session, tipo: TipoOre, cells: dict[tuple[int, dt.date], str | Cella | None],
              operatore=None) -> int:
    """Save the cells of a month grid ((path id, day) -> text, Cella or None) in one go.

    A blank cell deletes the day's row; a filled one creates or updates it; cells not given are
    left alone. Every rule of ore.py holds (hours 0-24, no future day, only while the path is
    active, at most 24 attendance hours a day per person across their paths, tutoring within
    the approved voucher and charged at the price of its day, invoiced hours unchanged). All or
    nothing: every refused cell is reported (``GridErrors``) before anything is written.
    Returns the number of rows created, changed or deleted.
    """
    if not cells:
        return 0
    errors: dict[tuple[int, dt.date], str] = {}
    wanted: dict[tuple[int, dt.date], Cella | None] = {}
    for key, value in cells.items():
        try:
            wanted[key] = value if value is None or isinstance(value, Cella) else parse_cell(value, tipo)
        except DomainError as exc:
            errors[key] = exc.message
    pids = {pid for pid, _ in cells}
    days = [d for _, d in cells]
    lo, hi = min(days), max(days)
    loads = [selectinload(Percorso.persona)]
    if tipo == TipoOre.AFFIANCAMENTO:
        loads.append(selectinload(Percorso.vouchers).selectinload(Voucher.righe)
                     .selectinload(RigaVoucher.voce_listino))
        loads.append(selectinload(Percorso.programma))
    paths = {p.id: p for p in session.scalars(select(Percorso).where(Percorso.id.in_(pids)).options(*loads))}
    existing = {
        (r.percorso_id, r.data): r
        for r in session.scalars(select(Ore).where(Ore.percorso_id.in_(pids), Ore.tipo == tipo,
                                                   Ore.data >= lo, Ore.data <= hi))
    }
    today = clock.today()
    changes: dict[tuple[int, dt.date], Cella | None] = {}
    for key, cella in wanted.items():
        pid, day = key
        p, row = paths.get(pid), existing.get(key)
        if p is None:
            errors[key] = gettext("No such path.")
            continue
        if cella is None:
            if row is not None:
                changes[key] = None
            continue
        if row is not None and cella.same_as(row):
            continue
        message = _day_refusal(p, day, cella, today)
        if message:
            errors[key] = message
        else:
            changes[key] = cella
    if tipo == TipoOre.PRESENZA:
        _check_daily_total(session, paths, changes, errors, lo, hi)
    else:
        _check_tutoring(session, paths, existing, changes, errors)
    charges = _charges_of(session, [existing[k] for k in changes if k in existing]) \
        if tipo == TipoOre.AFFIANCAMENTO else {}
    for key in changes:
        charge = charges.get(existing[key].id) if key in existing else None
        if charge is not None and charge.riga_fattura_id is not None:
            errors[key] = gettext("These hours are already invoiced and cannot be changed.")
    prices = _prices(session, paths, changes, errors) if tipo == TipoOre.AFFIANCAMENTO else {}
    if errors:
        raise GridErrors(errors)
    _apply(session, tipo, paths, existing, changes, charges, prices, operatore)
    return len(changes)


def _day_refusal(p: Percorso, day: dt.date, cella: Cella, today: dt.date) -> str | None:
    if cella.assenza is None and not (ZERO < cella.ore <= 24):
        return gettext("Hours must be more than 0 and at most 24.")
    if day > today:
        return gettext("Hours cannot be recorded for a future day.")
    if p.data_avvio is None or day < p.data_avvio or (p.data_fine is not None and day > p.data_fine):
        return gettext("Path %(path)s was not active on %(day)s: hours are recorded only while it is active.",
                       path=str(p), day=_fmt(day))
    return None


def _check_daily_total(session, paths, changes, errors, lo, hi) -> None:
    """At most 24 attendance hours a day per person, their other paths' rows included."""
    persons = {paths[pid].persona_id for pid, _ in changes}
    if not persons:
        return
    totals: dict[tuple[int, dt.date], Decimal] = defaultdict(lambda: ZERO)
    rows = session.execute(
        select(Percorso.persona_id, Ore.percorso_id, Ore.data, Ore.ore)
        .join(Percorso, Ore.percorso_id == Percorso.id)
        .where(Percorso.persona_id.in_(persons), Ore.tipo == TipoOre.PRESENZA,
               Ore.data >= lo, Ore.data <= hi)
    )
    for persona_id, pid, day, hours in rows:
        if (pid, day) not in changes:
            totals[persona_id, day] += Decimal(str(hours))
    others = dict(totals)
    for (pid, day), cella in changes.items():
        if cella is not None:
            totals[paths[pid].persona_id, day] += cella.ore
    for (pid, day), cella in changes.items():
        p = paths[pid]
        if cella is not None and cella.ore and totals[p.persona_id, day] > 24:
            errors[pid, day] = gettext(
                "%(person)s already has %(hours)s h on %(day)s: at most 24 h a day.",
                person=str(p.persona), hours=others.get((p.persona_id, day), ZERO).quantize(CENT),
                day=_fmt(day))


def _check_tutoring(session, paths, existing, changes, errors) -> None:
    """Tutoring only where the approved voucher foresees it, within its hours: the first day
    in date order that goes beyond is refused, saying how many hours remain."""
    pids = {pid for pid, _ in changes}
    if not pids:
        return
    used = dict(session.execute(
        select(Ore.percorso_id, func.coalesce(func.sum(Ore.ore), 0))
        .where(Ore.percorso_id.in_(pids), Ore.tipo == TipoOre.AFFIANCAMENTO)
        .group_by(Ore.percorso_id)
    ).all())
    outside = {pid: Decimal(str(used.get(pid, 0))) for pid in pids}
    for (pid, _), row in existing.items():
        if pid in pids and (pid, _) in changes:
            outside[pid] -= Decimal(row.ore)
    running = dict(outside)
    for (pid, day), cella in sorted(changes.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if cella is None:
            continue
        approved = approved_tutoring_hours(paths[pid])
        if approved is None:
            errors[pid, day] = gettext("The approved voucher of this path foresees no tutoring hours.")
            continue
        if running[pid] + cella.ore > approved:
            errors[pid, day] = gettext(
                "Only %(remaining)s tutoring hours remain of the %(approved)s approved.",
                remaining=quantity(approved - running[pid]), approved=quantity(approved))
            continue
        running[pid] += cella.ore


def _charges_of(session, rows: list[Ore]) -> dict[int, Addebito]:
    ids = [r.id for r in rows]
    if not ids:
        return {}
    return {a.ore_id: a for a in session.scalars(select(Addebito).where(Addebito.ore_id.in_(ids)))}


def _prices(session, paths, changes, errors) -> dict:
    """The tutoring-hour price item of each (programme, day) the grid writes, looked up once."""
    prices: dict[tuple[int, dt.date], object] = {}
    for (pid, day), cella in changes.items():
        if cella is None:
            continue
        p = paths[pid]
        key = (p.programma_id, day)
        if key not in prices:
            try:
                prices[key] = price_item(session, p.programma, TipoVoce.ORA_AFFIANCAMENTO, day)
            except DomainError as exc:
                prices[key] = None
                errors[pid, day] = exc.message
        elif prices[key] is None:
            errors[pid, day] = gettext("No price for tutoring hours on this day.")
    return prices


#: The columns a grid cell writes.
_WRITTEN = ("ore", "assenza", "entrata", "uscita", "entrata_2", "uscita_2")


def _apply(session, tipo, paths, existing, changes, charges, prices, operatore) -> None:
    """Write the checked changes: deletions, updates, creations, then the tutoring charges."""
    created: dict[tuple[int, dt.date], Ore] = {}
    for key, cella in changes.items():
        pid, day = key
        row = existing.get(key)
        if cella is None:
            charge = charges.get(row.id)
            if charge is not None:
                session.delete(charge)
            session.delete(row)
            continue
        if row is None:
            row = Ore(percorso=paths[pid], data=day, tipo=tipo,
                      operatore=operatore if tipo == TipoOre.AFFIANCAMENTO else None)
            created[key] = row
        row.ore, row.assenza = cella.ore, cella.assenza
        set_shifts(row, cella.turni)
        if key in existing:
            # Every update sets the same columns, so the flush sends them as one executemany.
            for name in _WRITTEN:
                flag_modified(row, name)
    session.add_all(created.values())
    session.flush()
    if tipo != TipoOre.AFFIANCAMENTO:
        return
    for key, cella in changes.items():
        if cella is None:
            continue
        row, p = existing.get(key) or created[key], paths[key[0]]
        voce = prices[p.programma_id, key[1]]
        charge = charges.get(row.id)
        if charge is None:
            session.add(Addebito(percorso=p, voce_listino=voce, data=row.data, quantita=row.ore,
                                 ore=row, descrizione=gettext("Tutoring hours")))
        else:
            charge.voce_listino, charge.data, charge.quantita = voce, row.data, row.ore
    session.flush()

