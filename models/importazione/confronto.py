"""An existing record against an imported row: which values change, before and after.

An empty cell never erases a value (a missing datum is not a request to delete it); a filled
one replaces it, and is reported only when it differs.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable
from decimal import Decimal

from flask_babel import gettext

from ..base import LabelledEnum


def mostra(value) -> str:
    """A value as the report shows it: dd/mm/yyyy, decimal comma, the list's label, yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
        return text.replace(".", ",")
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, enum.Enum):
        return value.name
    return str(value)


def same(before, after) -> bool:
    if isinstance(before, Decimal) or isinstance(after, Decimal):
        try:
            return Decimal(before) == Decimal(after)
        except (TypeError, ArithmeticError):
            return False
    return before == after


def assign(obj, values: dict, names: Iterable[str], column: Callable[[str], str],
           show: Callable[[str, object], str] | None = None) -> list[list[str]]:
    """Set each filled value of ``names`` on ``obj``; [column, before, after] of each change."""
    changes = []
    for name in names:
        after = values.get(name)
        if after is None:
            continue
        before = getattr(obj, name)
        if same(before, after):
            continue
        shown = show or (lambda _n, v: mostra(v))
        changes.append([column(name), shown(name, before), shown(name, after)])
        setattr(obj, name, after)
    return changes
