"""Monthly timesheets, attendance registers and the internship indemnity: the rule (pure) and
its SQL reads.

The rule (issue 4, item 2; issue 12, item 4; the settings are the programme's dated
``RegolaIndennita``, the weekly hours and meals on Postazione, the host's kind on EnteOspitante):

* the rule in force is the programme's latest one whose validity overlaps the month;
* its case (first that applies): public host -> ``importo_ente_pubblico``; a position of at
  most ``ore_giornaliere_part_time`` a day (weekly hours / 5) -> ``importo_part_time``; meals
  provided -> ``importo_con_pasti``; else ``importo_pieno`` (an empty amount falls through);
* working days = Mondays to Fridays of the month inside the path's active period
  (``data_avvio`` .. ``data_fine``, else ``data_fine_prevista``, else open), national holidays
  and the patron saint of the position's Comune left out (models/calendario.py);
* expected hours = weekly hours / 5 x working days; attended = attendance hours + the
  expected hours of each absence on a working day whose reason the rule counts;
* ``pro_rata_mese_parziale``: the monthly amount x working days in the path / working days of
  the whole month (a month only partly inside the path);
* attended >= ``presenza_minima_pct`` % of expected -> that amount; below it, the amount x
  attended / expected rounded half-up to the cent when ``pro_rata_sotto_minimo``, else 0;
* no weekly hours on the position, or no rule in force -> nothing is computed (the sheet says
  why).

Attended hours are read with one ``GROUP BY percorso`` aggregation per export, never a
query per person; timesheets stream from one select ordered by person (``yield_per``).
"""


from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import aliased

from .anagrafiche import Comune, EnteOspitante, Persona, Postazione
from .base import TipoAssenza, TipologiaPercorso, TipoOre
from .calendario import holidays_in_month
from .indennita_regola import (  # noqa: F401  (the rule, re-exported where it was read before)
    CENT,
    ZERO,
    Indennita,
    RegolaApplicata,
    compute_indennita,
    counted_absences,
    indemnity_of,
    month_bounds,
    patrono_of,
    rule_case,
    rules_in_force,
    working_days,
)
from .percorsi import Ore, Percorso
from .programmi import Programma
from .utenti import Utente

#: Rows fetched per round trip when streaming timesheets.
YIELD_PER = 1000
#: The host's Comune (where the position is): its patron saint's feast and the site address.
Sede = aliased(Comune, name="sede")
Tutor = aliased(Utente, name="tutor")


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
    postazione_id: int | None = None,
    operatore_id: int | None = None,
) -> list[ColumnElement[bool]]:
    """WHERE conditions: active in the month, and the referring Comune / host / position /
    case worker / ids if given."""
    conds = [active_in_month(year, month)]
    if comune_id:
        conds.append(Percorso.comune_id == comune_id)
    if ente_id:
        conds.append(Postazione.ente_id == ente_id)
    if postazione_id:
        conds.append(Percorso.postazione_id == postazione_id)
    if operatore_id:
        conds.append(Percorso.operatore_id == operatore_id)
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
    """The paths with their person, Comune, host (and its Comune), position, programme, case
    worker and monthly total: everything a timesheet, a register or an indemnity reads."""
    tot = attended_by_path(year, month)
    return (
        select(
            Percorso.id,
            Percorso.tipologia,
            Percorso.programma_id,
            Percorso.data_avvio,
            Percorso.data_fine,
            Percorso.data_fine_prevista,
            func.coalesce(Percorso.data_fine, Percorso.data_fine_prevista).label("fine"),
            Persona.cognome,
            Persona.nome,
            Persona.codice_fiscale,
            Comune.nome.label("comune"),
            EnteOspitante.ragione_sociale,
            EnteOspitante.tutor_aziendale,
            EnteOspitante.codice_fiscale.label("ente_codice_fiscale"),
            EnteOspitante.tipo.label("tipo_ente"),
            EnteOspitante.indirizzo.label("ente_indirizzo"),
            EnteOspitante.convenzione_numero,
            EnteOspitante.convenzione_data,
            Sede.nome.label("sede_comune"),
            Sede.provincia.label("sede_provincia"),
            Sede.patrono_giorno,
            Sede.patrono_mese,
            Sede.patrono_nome,
            Postazione.mansione,
            Postazione.luogo,
            Postazione.ore_settimanali,
            Postazione.pasti_forniti,
            Programma.nome.label("programma"),
            Tutor.cognome.label("tutor_cognome"),
            Tutor.nome.label("tutor_nome"),
            tot.c.totale,
            *columns,
        )
        .join(Persona, Percorso.persona_id == Persona.id)
        .join(Comune, Percorso.comune_id == Comune.id)
        .join(Programma, Percorso.programma_id == Programma.id)
        .join(Postazione, Percorso.postazione_id == Postazione.id)
        .join(EnteOspitante, Postazione.ente_id == EnteOspitante.id)
        .join(Sede, EnteOspitante.comune_id == Sede.id)
        .outerjoin(Tutor, Percorso.operatore_id == Tutor.id)
        .outerjoin(tot, tot.c.percorso_id == Percorso.id)
    )


ORDER = (Persona.cognome, Persona.nome, Persona.id, Percorso.id)


# -- the read models -------------------------------------------------------------------------


@dataclass(frozen=True)
class Giorno:
    """A day of the register beyond its hours: the shifts and the absence."""

    entrata: dt.time | None
    uscita: dt.time | None
    entrata_2: dt.time | None
    uscita_2: dt.time | None
    assenza: TipoAssenza | None


@dataclass
class Foglio:
    """One person's timesheet / attendance register for a month (one path at one position)."""

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
    #: Day of the month -> shifts and absence, for the days that have them.
    giorni: dict[int, Giorno] = field(default_factory=dict)
    #: The register's header (issue 12, item 3).
    tipologia: TipologiaPercorso | None = None
    programma: str = ""
    data_avvio: dt.date | None = None
    data_fine_prevista: dt.date | None = None
    data_fine: dt.date | None = None
    tutor_promotore: str | None = None
    ente_codice_fiscale: str = ""
    sede: str = ""
    convenzione: tuple[str | None, dt.date | None] = (None, None)
    #: Day -> holiday name (national holidays and the patron saint of the position's Comune).
    festivi: dict[dt.date, str] = field(default_factory=dict)


def _hours(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _site(head) -> str:
    """The position's place, else the host's address, with the host's Comune."""
    town = f"{head.sede_comune} ({head.sede_provincia})" if head.sede_provincia else head.sede_comune
    street = head.luogo or head.ente_indirizzo
    return f"{street}, {town}" if street else town


def _foglio(rows: list, year: int, month: int, rules: dict) -> Foglio:
    head = rows[0]
    totale = _hours(head.totale)
    tirocinio = head.tipologia == TipologiaPercorso.TIROCINIO
    ore, giorni, absences = {}, {}, {}
    for r in rows:
        if r.giorno is None:
            continue
        day = r.giorno.day
        if r.assenza is not None:
            absences[r.giorno] = r.assenza
        else:
            ore[day] = _hours(r.ore_giorno)
        if r.assenza is not None or r.entrata is not None:
            giorni[day] = Giorno(r.entrata, r.uscita, r.entrata_2, r.uscita_2, r.assenza)
    tutor = f"{head.tutor_cognome or ''} {head.tutor_nome or ''}".strip() or None
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
        ore=ore,
        totale=totale,
        indennita=indemnity_of(head, rules.get(head.programma_id), year, month, totale, absences)
        if tirocinio else None,
        giorni=giorni,
        tipologia=head.tipologia,
        programma=head.programma,
        data_avvio=head.data_avvio,
        data_fine_prevista=head.data_fine_prevista,
        data_fine=head.data_fine,
        tutor_promotore=tutor,
        ente_codice_fiscale=head.ente_codice_fiscale,
        sede=_site(head),
        convenzione=(head.convenzione_numero, head.convenzione_data),
        festivi=holidays_in_month(year, month, patrono_of(head), head.patrono_nome),
    )


def fogli_ore(session, year: int, month: int, where: Iterable[ColumnElement[bool]],
              scope=None) -> Iterator[Foglio]:
    """Timesheets (and registers) of the selected paths, one per path, in person order.

    One select joins each path to its attendance days of the month (ordered by person, then
    day) and to the monthly GROUP BY total; rows come ``yield_per`` at a time, so memory
    holds one person's month, whatever the number of people. ``scope`` (e.g.
    ``views.base.scope_query`` bound to Percorso) may restrict the select further.
    """
    first, last = month_bounds(year, month)
    rules = rules_in_force(session, year, month)
    stmt = (
        base_select(year, month, Ore.data.label("giorno"), Ore.ore.label("ore_giorno"),
                    Ore.entrata, Ore.uscita, Ore.entrata_2, Ore.uscita_2, Ore.assenza)
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
        yield _foglio(list(rows), year, month, rules)


@dataclass(frozen=True)
class RigaRiepilogo:
    """One trainee's line of the monthly payroll summary."""

    persona: str
    codice_fiscale: str
    comune: str
    ente: str
    indennita: Indennita


def _absences(session, year: int, month: int, where, scope) -> dict[int, dict[dt.date, TipoAssenza]]:
    """Path id -> day -> absence reason, for the selection's paths in the month (one select)."""
    first, last = month_bounds(year, month)
    stmt = (
        select(Ore.percorso_id, Ore.data, Ore.assenza)
        .join(Percorso, Ore.percorso_id == Percorso.id)
        .join(Postazione, Percorso.postazione_id == Postazione.id)
        .where(Ore.assenza.is_not(None), Ore.data >= first, Ore.data <= last, *where)
    )
    if scope is not None:
        stmt = scope(stmt)
    found: dict[int, dict[dt.date, TipoAssenza]] = {}
    for pid, day, why in session.execute(stmt):
        found.setdefault(pid, {})[day] = why
    return found


def riepilogo_indennita(session, year: int, month: int, where: Iterable[ColumnElement[bool]],
                        scope=None) -> list[RigaRiepilogo]:
    """The indemnity of every tirocinio of the selection in the month, in person order.

    Three reads: the rules in force, the absences of the month, the paths joined to the
    GROUP BY percorso of their attendance.
    """
    where = list(where)
    stmt = (
        base_select(year, month)
        .where(*where, Percorso.tipologia == TipologiaPercorso.TIROCINIO)
        .order_by(*ORDER)
    )
    if scope is not None:
        stmt = scope(stmt)
    rules = rules_in_force(session, year, month)
    absences = _absences(session, year, month, where, scope)
    return [
        RigaRiepilogo(
            persona=f"{r.cognome} {r.nome}",
            codice_fiscale=r.codice_fiscale,
            comune=r.comune,
            ente=r.ragione_sociale,
            indennita=indemnity_of(r, rules.get(r.programma_id), year, month, _hours(r.totale),
                                   absences.get(r.id, {})),
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
