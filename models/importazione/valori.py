"""Cell values as people write them: spreadsheet dates and text dates, decimal commas, yes/no,
codes that lost their leading zeros, labels of the console's lists. Pure functions.

Each parser takes what a reader gives for one cell (``str``, ``int``, ``float``, ``bool``,
``date``, ``datetime`` or None) and returns the value, None for an empty cell, or raises
``ValoreErrato`` with a translated message that names the value.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from flask_babel import gettext

from .. import clock

#: Excel's day 0 (1900 date system, with its phantom 29/02/1900 absorbed for modern dates).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers read as dates: 01/01/1900 .. 31/12/2199.
SERIAL_RANGE = (1, 109_574)
_DATE_TEXT = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})")
_ISO_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TRUE = {"si", "s", "x", "vero", "true", "yes", "y", "1", "ok"}
_FALSE = {"no", "n", "falso", "false", "0", "-"}


class ValoreErrato(ValueError):
    """A cell whose value cannot be read as the column needs; ``message`` is translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalize(text) -> str:
    """Lower case, accents dropped, only letters and digits: "Cod. Fiscale " -> "codfiscale"."""
    text = unicodedata.normalize("NFKD", str(text or "")).lower()
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


def shown(value) -> str:
    """A cell as the person typed it, for messages."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str | None:
    """Text with surrounding spaces (and non-breaking ones) removed; numbers without ".0"."""
    if value is None:
        return None
    if isinstance(value, str):
        result = value.strip()
        if any(c in result for c in "\xa0\t\n\r") or "  " in result:
            result = " ".join(result.replace("\xa0", " ").split())
        return result or None
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return " ".join(shown(value).split()) or None


def code(value, width: int | None = None) -> str | None:
    """A code (CAP, ISTAT, partita IVA): spaces dropped, upper case; a code the spreadsheet
    stored as a number gets back its leading zeros (25065, 17096 -> 017096)."""
    result = text(value)
    if result is None:
        return None
    result = result.replace(" ", "").upper()
    if width and result.isdigit() and len(result) < width:
        result = result.zfill(width)
    return result


def two_digit_year(yy: int) -> int:
    """d/m/yy: 20yy up to twenty years from now, else 19yy."""
    limit = clock.today().year % 100 + 20
    return (2000 if yy <= limit else 1900) + yy


def date(value) -> dt.date | None:
    """A spreadsheet date, an Excel serial number, or text dd/mm/yyyy, d/m/yy (also with
    "." or "-"), or yyyy-mm-dd."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1] and float(value).is_integer():
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValoreErrato(gettext("«%(value)s» is not a date: write it as dd/mm/yyyy.", value=shown(value)))
    raw = text(value)
    try:
        if match := _DATE_TEXT.fullmatch(raw.split(" ")[0]):
            day, month, year = (int(g) for g in match.groups())
            year = two_digit_year(year) if len(match.group(3)) == 2 else year
            return dt.date(year, month, day)
        if match := _ISO_TEXT.fullmatch(raw.split(" ")[0].split("T")[0]):
            return dt.date(*(int(g) for g in match.groups()))
        if raw.isdigit():
            return date(int(raw))
    except (ValueError, OverflowError):
        pass
    raise ValoreErrato(gettext("«%(value)s» is not a date: write it as dd/mm/yyyy.", value=raw))


def decimal(value) -> Decimal | None:
    """A number as Italians write it: 7,5 · 1.234,50 · € 10.000 · 7.5 (a lone point with three
    digits after it is a thousands separator: 10.000 is ten thousand)."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValoreErrato(gettext("«%(value)s» is not a number.", value=shown(value)))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raw = text(value)
    cleaned = raw.replace("€", "").replace("EUR", "").replace(" ", "").replace("'", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        result = Decimal(cleaned)
    except InvalidOperation:
        raise ValoreErrato(gettext("«%(value)s» is not a number.", value=raw)) from None
    if not result.is_finite():
        raise ValoreErrato(gettext("«%(value)s» is not a number.", value=raw))
    return result


def integer(value) -> int | None:
    """A whole number (7, "7", 7.0)."""
    number = decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValoreErrato(gettext("«%(value)s» is not a whole number.", value=shown(value)))
    return int(number)


def boolean(value) -> bool | None:
    """Yes or no: sì, si, x, vero, 1 / no, falso, 0 (a checkbox cell gives True/False)."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    key = normalize(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValoreErrato(gettext("«%(value)s» is neither yes nor no.", value=shown(value)))


def choice(value, options: dict[str, object], what: str):
    """One of a list, by any of its names (``options``: normalized name -> value); ``what``
    (a msgid) names the list in the message."""
    if is_empty(value):
        return None
    found = options.get(normalize(value))
    if found is None:
        raise ValoreErrato(
            gettext("«%(value)s» is not a valid %(what)s.", value=shown(value), what=gettext(what))
        )
    return found


def enum_names(enum_cls: type[enum.Enum], labels, synonyms: dict[str, enum.Enum] | None = None):
    """Normalized name -> member: the member's name, its English msgid, its label in each of
    ``labels`` (translators of the msgid: the Italian catalog), and the given synonyms."""
    names: dict[str, enum.Enum] = {}
    for member in enum_cls:
        for name in (member.name, member.value, *(t(member.value) for t in labels)):
            names.setdefault(normalize(name), member)
    for name, member in (synonyms or {}).items():
        names[normalize(name)] = member
    return names
