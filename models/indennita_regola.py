"""The internship indemnity rule, pure: the case and amount of a programme's dated rule, the
working days of a month, the attendance share, pro rata (issue 4 item 2, issue 12 item 4).

models/indennita.py states the rule in full and reads what it needs from the database; this
module only computes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select

from .base import CasoIndennita, TipoAssenza, TipoEnte
from .calendario import holidays_in_month, working_days_between
from .money import cents
from .programmi import RegolaIndennita

CENT = Decimal("0.01")
ZERO = Decimal("0")


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of the month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def working_days(year: int, month: int, start: dt.date | None, end: dt.date | None,
                 closed: frozenset[dt.date] | set[dt.date] = frozenset()) -> int:
    """Mondays to Fridays of the month inside ``start .. end`` and not ``closed`` (holidays);
    None as start (the path never started) -> 0."""
    if start is None:
        return 0
    first, last = month_bounds(year, month)
    lo, hi = max(first, start), min(last, end) if end else last
    return working_days_between(lo, hi, closed)


@dataclass(frozen=True)
class Indennita:
    """The indemnity of one path for one month; ``importo`` None when it cannot be computed."""

    ore_previste: Decimal | None
    ore_presenza: Decimal
    quota: Decimal | None
    importo: Decimal | None
    #: True when the position has no weekly hours, so nothing was computed.
    manca_orario: bool = False
    #: Hours of the absences the rule counts as attended.
    ore_assenze: Decimal = ZERO
    #: Share of the month's working days inside the path (None: the whole month is paid).
    quota_mese: Decimal | None = None
    #: The rule applied: its case, the monthly amount of that case, its validity and source.
    caso: CasoIndennita | None = None
    importo_mensile: Decimal | None = None
    regola: RegolaApplicata | None = None
    #: True when the programme has no rule in force in the month.
    manca_regola: bool = False


@dataclass(frozen=True)
class RegolaApplicata:
    """What the payroll summary prints of the rule applied to a trainee."""

    valida_dal: dt.date
    riferimento: str | None
    presenza_minima_pct: Decimal
    assenze: frozenset[TipoAssenza]


def rule_case(regola: RegolaIndennita, *, ente_pubblico: bool, ore_settimanali: Decimal | None,
              pasti: bool) -> tuple[CasoIndennita, Decimal]:
    """The case of a trainee and its monthly amount (module docstring, first that applies)."""
    if ente_pubblico and regola.importo_ente_pubblico is not None:
        return CasoIndennita.ENTE_PUBBLICO, Decimal(regola.importo_ente_pubblico)
    daily = Decimal(ore_settimanali) / 5 if ore_settimanali is not None else None
    if (regola.importo_part_time is not None and daily is not None
            and daily <= Decimal(regola.ore_giornaliere_part_time)):
        return CasoIndennita.PART_TIME, Decimal(regola.importo_part_time)
    if pasti and regola.importo_con_pasti is not None:
        return CasoIndennita.PASTI, Decimal(regola.importo_con_pasti)
    return CasoIndennita.PIENO, Decimal(regola.importo_pieno)


def counted_absences(regola: RegolaIndennita) -> frozenset[TipoAssenza]:
    """The absence reasons the rule counts as attended."""
    flags = {
        TipoAssenza.MALATTIA: regola.conta_malattia,
        TipoAssenza.FERIE: regola.conta_ferie,
        TipoAssenza.FESTIVITA: regola.conta_festivita,
        TipoAssenza.GIUSTIFICATA: regola.conta_giustificata,
        TipoAssenza.INGIUSTIFICATA: regola.conta_ingiustificata,
    }
    return frozenset(a for a, on in flags.items() if on)


def compute_indennita(
    *,
    ore_settimanali: Decimal | None,
    giorni_lavorativi: int,
    ore_presenza: Decimal,
    indennita_mensile: Decimal,
    presenza_minima_pct: Decimal,
    pro_rata: bool,
    giorni_lavorativi_mese: int | None = None,
    giorni_assenza_conteggiati: int = 0,
) -> Indennita:
    """The monthly indemnity due from attendance (module docstring: the rule).

    ``giorni_lavorativi_mese``, when given, pays a month partly inside the path its share of
    the month's working days; ``giorni_assenza_conteggiati`` working days of counted absence
    add their expected hours to the attended ones. No expected hours (the path was not active
    on a working day of the month) earns nothing.
    """
    if ore_settimanali is None:
        return Indennita(None, ore_presenza, None, None, manca_orario=True)
    daily = Decimal(ore_settimanali) / 5
    previste = daily * giorni_lavorativi
    assenze = daily * giorni_assenza_conteggiati
    if previste <= 0:
        return Indennita(previste, ore_presenza, None, ZERO.quantize(CENT), ore_assenze=assenze)
    attended = ore_presenza + assenze
    quota = attended / previste
    mensile = Decimal(indennita_mensile)
    quota_mese = None
    if giorni_lavorativi_mese and giorni_lavorativi < giorni_lavorativi_mese:
        quota_mese = Decimal(giorni_lavorativi) / giorni_lavorativi_mese
        mensile = mensile * giorni_lavorativi / giorni_lavorativi_mese
    # Compared without dividing, so that 70 % of 84 hours is exactly 58.8 hours.
    if attended * 100 >= Decimal(presenza_minima_pct) * previste:
        importo = mensile
    elif pro_rata:
        importo = mensile * attended / previste
    else:
        importo = ZERO
    return Indennita(previste, ore_presenza, quota, cents(importo), ore_assenze=assenze,
                     quota_mese=quota_mese)


def rules_in_force(session, year: int, month: int) -> dict[int, RegolaIndennita]:
    """Programme id -> its indemnity rule in force in the month (the latest overlapping it)."""
    first, last = month_bounds(year, month)
    rules = session.scalars(
        select(RegolaIndennita)
        .where(RegolaIndennita.valida_dal <= last,
               or_(RegolaIndennita.valida_al.is_(None), RegolaIndennita.valida_al >= first))
        .order_by(RegolaIndennita.programma_id, RegolaIndennita.valida_dal)
    )
    return {r.programma_id: r for r in rules}


def indemnity_of(row, regola: RegolaIndennita | None, year: int, month: int,
                 ore_presenza: Decimal, absences: dict[dt.date, TipoAssenza]) -> Indennita:
    """One path's indemnity for the month under ``regola`` (module docstring)."""
    if regola is None:
        return Indennita(None, ore_presenza, None, None, manca_regola=True)
    closed = frozenset(holidays_in_month(year, month, patrono_of(row)))
    end = row.fine
    days = working_days(year, month, row.data_avvio, end, closed)
    whole = working_days(year, month, dt.date(year, month, 1), None, closed)
    counted = counted_absences(regola)
    first, last = month_bounds(year, month)
    lo, hi = max(first, row.data_avvio), min(last, end) if end else last
    absent_days = sum(
        1 for day, why in absences.items()
        if why in counted and lo <= day <= hi and day.weekday() < 5 and day not in closed
    )
    caso, amount = rule_case(regola, ente_pubblico=row.tipo_ente == TipoEnte.ENTE_PUBBLICO,
                             ore_settimanali=row.ore_settimanali, pasti=bool(row.pasti_forniti))
    ind = compute_indennita(
        ore_settimanali=row.ore_settimanali, giorni_lavorativi=days, ore_presenza=ore_presenza,
        indennita_mensile=amount, presenza_minima_pct=regola.presenza_minima_pct,
        pro_rata=regola.pro_rata_sotto_minimo,
        giorni_lavorativi_mese=whole if regola.pro_rata_mese_parziale else None,
        giorni_assenza_conteggiati=absent_days,
    )
    applied = RegolaApplicata(regola.valida_dal, regola.riferimento,
                              Decimal(regola.presenza_minima_pct), counted)
    return Indennita(**{**ind.__dict__, "caso": caso, "importo_mensile": amount, "regola": applied})


def patrono_of(row) -> tuple[int, int] | None:
    if row.patrono_mese and row.patrono_giorno:
        return row.patrono_mese, row.patrono_giorno
    return None
