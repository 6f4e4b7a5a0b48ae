"""Dates as Italians type them, and the plausible range of every date the console stores.

``parse_date`` reads what a person types or pastes: 07/03/1988 (also 7/3/1988, 07.03.1988,
07-03-1988), two-digit years (7/3/88), the digits alone (07031988, 070388) and ISO
(1988-03-07). Anything else, or a day that does not exist (31/02/2025), is refused with a
message: a value is never read as a different date. The ranges are rules of the records
(Persona, Percorso, Diario, Pagamento and the workflow operations); ``check_record_dates``
keeps every other stored date within a sane window.
"""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext
from sqlalchemy import Date, inspect

from . import clock
from .errors import DomainError

#: No date the console stores lies outside this window (birth dates start at 1900 too).
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)

_DMY = re.compile(r"(?a)(\d{1,2})([/.\- ])(\d{1,2})\2(\d{4}|\d{2})")
_ISO = re.compile(r"(?a)(\d{4})([\-/.])(\d{1,2})\2(\d{1,2})")
_DIGITS = re.compile(r"(?a)(\d{2})(\d{2})(\d{4}|\d{2})")


def fmt(day: dt.date) -> str:
    """A date as Italians write it (also in messages): 07/03/1988."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _century(yy: int, past: bool) -> int:
    """A two-digit year: the latest year not after this one (``past``: birth dates), else the
    year nearest to today (88 -> 1988, 26 -> 2026)."""
    this_year = clock.today().year
    if past:
        year = this_year - (this_year - yy) % 100
        return year
    candidates = [c + yy for c in (1900, 2000, 2100)]
    return min(candidates, key=lambda y: abs(y - this_year))


def parse_date(text: str | None, past: bool = False, field: str | None = None) -> dt.date | None:
    """The date written in ``text`` (blank -> None); DomainError if it is not exactly one date.

    ``past``: a two-digit year is read in the past (a birth date), else nearest to today.
    """
    value = (text or "").strip()
    if not value:
        return None
    if match := _ISO.fullmatch(value):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    elif match := _DMY.fullmatch(value):
        day, month, year_text = int(match[1]), int(match[3]), match[4]
        year = int(year_text) if len(year_text) == 4 else _century(int(year_text), past)
    elif match := _DIGITS.fullmatch(value):
        day, month, year_text = int(match[1]), int(match[2]), match[3]
        year = int(year_text) if len(year_text) == 4 else _century(int(year_text), past)
    else:
        raise DomainError(
            gettext("«%(value)s» is not a date: write it as dd/mm/yyyy, e.g. 07/03/1988.",
                    value=value[:40]),
            field,
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DomainError(
            gettext("«%(value)s» is not a valid date: that day does not exist.", value=value[:40]),
            field,
        ) from None


def check_in_range(day: dt.date | None, field: str | None = None) -> None:
    """Every stored date lies between 01/01/1900 and 31/12/2099."""
    if day is not None and not (MIN_DATE <= day <= MAX_DATE):
        raise DomainError(
            gettext("The date %(day)s is out of range: dates go from %(min)s to %(max)s.",
                    day=fmt(day), min=fmt(MIN_DATE), max=fmt(MAX_DATE)),
            field,
        )


def check_not_future(day: dt.date | None, field: str | None = None, what: str | None = None) -> None:
    """``day`` is today or earlier (what happened cannot happen tomorrow)."""
    if day is not None and day > clock.today():
        raise DomainError(
            gettext("%(what)s cannot be in the future (%(day)s).",
                    what=what or gettext("The date"), day=fmt(day)),
            field,
        )


def check_in_programme(day: dt.date | None, programma, field: str | None = None,
                       what: str | None = None) -> None:
    """DOMAIN.md, "Programma": a path's dates fall inside its programme's period."""
    if day is None or programma is None:
        return
    start, end = programma.data_inizio, programma.data_fine
    if (start and day < start) or (end and day > end):
        period = (gettext("from %(start)s to %(end)s", start=fmt(start), end=fmt(end)) if end
                  else gettext("from %(start)s", start=fmt(start)))
        raise DomainError(
            gettext("%(what)s (%(day)s) is outside the period of programme %(programme)s (%(period)s).",
                    what=what or gettext("The date"), day=fmt(day), programme=programma.nome,
                    period=period),
            field,
        )


def _date_columns(record):
    mapper = inspect(type(record))
    return [c.key for c in mapper.column_attrs if isinstance(c.columns[0].type, Date)]


def check_record_dates(record) -> None:
    """Every date of ``record`` and of the child rows loaded with it (inline lines, changes)
    within the sane window: a typo such as 0001-01-01 or 9999-12-31 never reaches the database."""
    for key in _date_columns(record):
        check_in_range(getattr(record, key), key)
    for rel in inspect(type(record)).relationships:
        if not rel.uselist:
            continue
        if rel.key not in inspect(record).dict:
            continue  # not loaded: the form did not touch it
        for child in getattr(record, rel.key):
            for key in _date_columns(child):
                check_in_range(getattr(child, key), rel.key)


def parse_month(text: str | None) -> tuple[int, int] | None:
    """``03/2025``, ``3/2025`` or ``2025-03`` -> (2025, 3); None when malformed."""
    value = (text or "").strip()
    if match := re.fullmatch(r"(\d{1,2})[/.\-](\d{4})", value):
        month, year = int(match[1]), int(match[2])
    elif match := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
        year, month = int(match[1]), int(match[2])
    else:
        return None
    if not (1 <= month <= 12 and MIN_DATE.year <= year <= MAX_DATE.year):
        return None
    return year, month


def month_text(ym: str) -> str:
    """``2025-03`` as the month field shows it: 03/2025."""
    parsed = parse_month(ym)
    return f"{parsed[1]:02d}/{parsed[0]}" if parsed else ym
