"""The working calendar: weekends, Italian public holidays and each Comune's patron saint.

National holidays (Easter Monday included) come from the ``holidays`` package (PyPI), the
patron saint's feast from the Comune where the position is (``Comune.patrono_*``). The month
grid shades these days; the indemnity leaves them out of the expected attendance.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

import holidays
from flask import has_request_context
from flask_babel import get_locale, gettext


def _language() -> str:
    """The holidays package's language for the current user (Italian unless English)."""
    if has_request_context() and str(get_locale() or "it").startswith("en"):
        return "en_US"
    return "it_IT"


@lru_cache(maxsize=64)
def _national(year: int, language: str) -> dict[dt.date, str]:
    # Sundays that are also holidays (Easter, a 4 November on a Sunday) stay listed: the
    # register names them; every other use asks only about weekdays.
    return dict(holidays.Italy(years=year, language=language).items())


def national_holidays(year: int) -> dict[dt.date, str]:
    """Italy's public holidays of ``year``, date -> name."""
    return _national(year, _language())


def patron_day(year: int, patrono: tuple[int, int] | None) -> dt.date | None:
    """The patron saint's feast in ``year`` (29 February falls on the 28th in other years)."""
    if not patrono:
        return None
    month, day = patrono
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def holidays_in_month(year: int, month: int, patrono: tuple[int, int] | None = None,
                      patrono_nome: str | None = None) -> dict[dt.date, str]:
    """The public holidays of the month, date -> name, with the patron saint's feast."""
    days = {d: name for d, name in national_holidays(year).items() if d.month == month}
    feast = patron_day(year, patrono)
    if feast is not None and feast.month == month:
        name = patrono_nome or gettext("Patron saint")
        days[feast] = f"{days[feast]}; {name}" if feast in days else name
    return days


def working_days_between(lo: dt.date, hi: dt.date, closed: set[dt.date] | frozenset = frozenset()) -> int:
    """Mondays to Fridays from ``lo`` to ``hi`` (both included) that are not in ``closed``."""
    if hi < lo:
        return 0
    return sum(
        1 for n in range((hi - lo).days + 1)
        if (day := lo + dt.timedelta(n)).weekday() < 5 and day not in closed
    )


def default_grid_month(today: dt.date) -> tuple[int, int]:
    """The month the grid opens on: the previous one until the 10th (hours of a month are
    entered in the first days of the next), then the current one (issue 12, item 1)."""
    if today.day <= 10:
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        return last_month.year, last_month.month
    return today.year, today.month
