"""Monthly timesheets and the internship indemnity: the rule (pure) and its SQL reads.

The rule (issue 4, item 2; settings on Programma, weekly hours on Postazione):

* expected hours of the month = ``Postazione.ore_settimanali / 5`` x the working days
  (Monday to Friday) of the month that fall in the path's active period
  (``data_avvio`` .. ``data_fine``, else ``data_fine_prevista``, else open);
* attendance share = attended hours (Ore of tipo PRESENZA in the month) / expected hours;
* share >= ``presenza_minima_pct`` / 100 -> the full ``indennita_mensile``;
  below it, ``indennita_mensile`` x share rounded half-up to the cent when
  ``indennita_pro_rata``, else nothing;
* no weekly hours on the position -> nothing is computed (the sheet says why).

Attended hours are read with one ``GROUP BY percorso`` aggregation per export, never a
query per person; timesheets stream from one select ordered by person (``yield_per``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from .anagrafiche import Comune, EnteOspitante, Persona, Postazione
from .base import TipologiaPercorso, TipoOre
from .money import cents
from .percorsi import Ore, Percorso
from .programmi import Programma

CENT = Decimal("0.01")
ZERO = Decimal("0")
#: Rows fetched per round trip when streaming timesheets.
YIELD_PER = 1000


# -- the rule (pure) ------------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of the month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def working_days(year: int, month: int, start: dt.date | None, end: dt.date | None) -> int:
    """Mondays to Fridays of the month inside ``start .. end`` (None: no path start -> 0)."""
    if start is None:
        return 0
    first, last = month_bounds(year, month)
    lo, hi = max(first, start), min(last, end) if end else last
    return sum(1 for n in range((hi - lo).days + 1) if (lo + dt.timedelta(n)).weekday() < 5)


@dataclass(frozen=True)
class Indennita:
    """The indemnity of one path for one month; ``importo`` None when it cannot be computed."""

    ore_previste: Decimal | None
    ore_presenza: Decimal
    quota: Decimal | None
    importo: Decimal | None
    #: True when the position has no weekly hours, so nothing was computed.
    manca_orario: bool = False


def compute_indennita(
    *,
    ore_settimanali: Decimal | None,
    giorni_lavorativi: int,
    ore_presenza: Decimal,
    indennita_mensile: Decimal,
    presenza_minima_pct: Decimal,
    pro_rata: bool,
) -> Indennita:
    """The monthly internship indemnity due from attendance (module docstring: the rule).

    No expected hours (the path was not active on a working day of the month) earns nothing.
    """
    if ore_settimanali is None:
        return Indennita(None, ore_presenza, None, None, manca_orario=True)
    previste = Decimal(ore_settimanali) / 5 * giorni_lavorativi
    if previste <= 0:
        return Indennita(previste, ore_presenza, None, ZERO.quantize(CENT))
    quota = ore_presenza / previste
    mensile = Decimal(indennita_mensile)
    # Compared without dividing, so that 70 % of 84 hours is exactly 58.8 hours.
    if ore_presenza * 100 >= Decimal(presenza_minima_pct) * previste:
        importo = mensile
    elif pro_rata:
        importo = mensile * ore_presenza / previste
    else:
        importo = ZERO
    return Indennita(previste, ore_presenza, quota, cents(importo))


# -- the selection ----------------------------------------------------------------------------


def active_in_month(year: int, month: int) -> ColumnElement[bool]:
    """Paths started at a position whose active period overlaps the month."""
    first, last = month_bounds(year, month)
    end = func.coalesce(Percorso.data_fine, Percorso.data_fine_prevista)
    return and_(
        Percorso.postazione_id.is_not(None),
        Percorso.data_avvio.is_not(None),
        Percorso.data_avvio <= last,
        or_(end.is_(None), end >= first),
    )


def selection(
    year: int,
    month: int,
    comune_id: int | None = None,
    ente_id: int | None = None,
    ids: Sequence[int] | None = None,
) -> list[ColumnElement[bool]]:
    """WHERE conditions: active in the month, and the referring Comune / host / ids if given."""
    conds = [active_in_month(year, month)]
    if comune_id:
        conds.append(Percorso.comune_id == comune_id)
    if ente_id:
        conds.append(Postazione.ente_id == ente_id)
    if ids is not None:
        conds.append(Percorso.id.in_(list(ids)))
    return conds


def attended_by_path(year: int, month: int):
    """Attendance hours per path in the month: the one GROUP BY percorso of an export."""
    first, last = month_bounds(year, month)
    return (
        select(Ore.percorso_id, func.sum(Ore.ore).label("totale"))
        .where(Ore.tipo == TipoOre.PRESENZA, Ore.data >= first, Ore.data <= last)
        .group_by(Ore.percorso_id)
        .subquery("presenze")
    )


def base_select(year: int, month: int, *columns) -> Select:
    """The paths with their person, Comune, host, position, programme and monthly total."""
    tot = attended_by_path(year, month)
    return (
        select(
            Percorso.id,
            Percorso.tipologia,
            Percorso.data_avvio,
            func.coalesce(Percorso.data_fine, Percorso.data_fine_prevista).label("fine"),
            Persona.cognome,
            Persona.nome,
            Persona.codice_fiscale,
            Comune.nome.label("comune"),
            EnteOspitante.ragione_sociale,
            EnteOspitante.tutor_aziendale,
            Postazione.mansione,
            Postazione.ore_settimanali,
            Programma.indennita_mensile,
            Programma.presenza_minima_pct,
            Programma.indennita_pro_rata,
            tot.c.totale,
            *columns,
        )
        .join(Persona, Percorso.persona_id == Persona.id)
        .join(Comune, Percorso.comune_id == Comune.id)
        .join(Programma, Percorso.programma_id == Programma.id)
        .join(Postazione, Percorso.postazione_id == Postazione.id)
        .join(EnteOspitante, Postazione.ente_id == EnteOspitante.id)
        .outerjoin(tot, tot.c.percorso_id == Percorso.id)
    )


ORDER = (Persona.cognome, Persona.nome, Persona.id, Percorso.id)


# -- the read models -------------------------------------------------------------------------


@dataclass
class Foglio:
    """One person's timesheet for a month (one path at one position)."""

    percorso_id: int
    persona: str
    codice_fiscale: str
    comune: str
    ente: str
    postazione: str
    tutor: str | None
    anno: int
    mese: int
    tirocinio: bool
    #: Day of the month -> attendance hours.
    ore: dict[int, Decimal] = field(default_factory=dict)
    totale: Decimal = ZERO
    indennita: Indennita | None = None


def _indennita(row, year: int, month: int, totale: Decimal) -> Indennita:
    return compute_indennita(
        ore_settimanali=row.ore_settimanali,
        giorni_lavorativi=working_days(year, month, row.data_avvio, row.fine),
        ore_presenza=totale,
        indennita_mensile=row.indennita_mensile,
        presenza_minima_pct=row.presenza_minima_pct,
        pro_rata=row.indennita_pro_rata,
    )


def _hours(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _foglio(rows: list, year: int, month: int) -> Foglio:
    head = rows[0]
    totale = _hours(head.totale)
    tirocinio = head.tipologia == TipologiaPercorso.TIROCINIO
    return Foglio(
        percorso_id=head.id,
        persona=f"{head.cognome} {head.nome}",
        codice_fiscale=head.codice_fiscale,
        comune=head.comune,
        ente=head.ragione_sociale,
        postazione=head.mansione,
        tutor=head.tutor_aziendale,
        anno=year,
        mese=month,
        tirocinio=tirocinio,
        ore={r.giorno.day: _hours(r.ore_giorno) for r in rows if r.giorno is not None},
        totale=totale,
        indennita=_indennita(head, year, month, totale) if tirocinio else None,
    )


def fogli_ore(session, year: int, month: int, where: Iterable[ColumnElement[bool]],
              scope=None) -> Iterator[Foglio]:
    """Timesheets of the selected paths, one per path, streamed in person order.

    One select joins each path to its attendance days of the month (ordered by person, then
    day) and to the monthly GROUP BY total; rows come ``yield_per`` at a time, so memory
    holds one person's month, whatever the number of people. ``scope`` (e.g.
    ``views.base.scope_query`` bound to Percorso) may restrict the select further.
    """
    first, last = month_bounds(year, month)
    stmt = (
        base_select(year, month, Ore.data.label("giorno"), Ore.ore.label("ore_giorno"))
        .outerjoin(
            Ore,
            and_(Ore.percorso_id == Percorso.id, Ore.tipo == TipoOre.PRESENZA,
                 Ore.data >= first, Ore.data <= last),
        )
        .where(*where)
        .order_by(*ORDER, Ore.data)
    )
    if scope is not None:
        stmt = scope(stmt)
    result = session.execute(stmt.execution_options(yield_per=YIELD_PER))
    for _, rows in itertools.groupby(result, key=lambda r: r.id):
        yield _foglio(list(rows), year, month)


@dataclass(frozen=True)
class RigaRiepilogo:
    """One trainee's line of the monthly payroll summary."""

    persona: str
    codice_fiscale: str
    comune: str
    ente: str
    indennita: Indennita


def riepilogo_indennita(session, year: int, month: int, where: Iterable[ColumnElement[bool]],
                        scope=None) -> list[RigaRiepilogo]:
    """The indemnity of every tirocinio of the selection in the month, in person order.

    One query: the paths joined to the GROUP BY percorso of their attendance.
    """
    stmt = (
        base_select(year, month)
        .where(*where, Percorso.tipologia == TipologiaPercorso.TIROCINIO)
        .order_by(*ORDER)
    )
    if scope is not None:
        stmt = scope(stmt)
    return [
        RigaRiepilogo(
            persona=f"{r.cognome} {r.nome}",
            codice_fiscale=r.codice_fiscale,
            comune=r.comune,
            ente=r.ragione_sociale,
            indennita=_indennita(r, year, month, _hours(r.totale)),
        )
        for r in session.execute(stmt)
    ]


def count_paths(session, where: Iterable[ColumnElement[bool]], scope=None) -> int:
    """How many paths a selection holds (to choose in-memory or streamed writing)."""
    stmt = (
        select(func.count(Percorso.id))
        .join(Postazione, Percorso.postazione_id == Postazione.id)
        .where(*where)
    )
    if scope is not None:
        stmt = scope(stmt)
    return session.scalar(stmt) or 0
