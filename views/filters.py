"""List filters beyond a column's value (e.g. "without hours in the month"), and the URL of a
list with given filters: how the home page links each of its counts to the rows it counts."""

from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import lazy_gettext as _l

YES = (("1", _l("yes")),)
IS = _l("is")
IN_MONTH = _l("in the month (YYYY-MM)")


class ConditionFilter(BaseSQLAFilter):
    """A filter by a SQL condition of the view's model, chosen as "yes" (one option)."""

    def __init__(self, column, name, condition, operation=IS):
        super().__init__(column, name, options=YES)
        self.condition, self._operation = condition, operation

    def apply(self, query, value, alias=None):
        return query.filter(self.condition())

    def validate(self, value):
        return value == "1"

    def operation(self):
        return self._operation


class MonthFilter(BaseSQLAFilter):
    """A filter by a condition on a month typed as YYYY-MM (``condition(first, last)``)."""

    def __init__(self, column, name, condition, operation=IN_MONTH):
        super().__init__(column, name)
        self.condition, self._operation = condition, operation

    @staticmethod
    def bounds(value: str) -> tuple[dt.date, dt.date] | None:
        try:
            year, month = (int(x) for x in value.strip().split("-"))
            first = dt.date(year, month, 1)
        except ValueError:
            return None
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following - dt.timedelta(days=1)

    def apply(self, query, value, alias=None):
        return query.filter(self.condition(*self.bounds(value)))

    def validate(self, value):
        return self.bounds(value) is not None

    def operation(self):
        return self._operation


def _column_key(flt) -> str:
    column = getattr(flt, "column", None)
    table = getattr(getattr(column, "table", None), "name", "")
    return f"{table}.{getattr(column, 'key', '')}"


def list_url(view, *filters, **args) -> str:
    """The URL of ``view``'s list with ``filters``: (column as "table.column", filter class
    name, value) for a column filter, or (filter instance, value) for one of views/filters.py."""
    params = dict(args)
    for position, wanted in enumerate(filters):
        found = None
        for arg, (_, flt) in (view._filter_args or {}).items():
            if len(wanted) == 2 and flt is wanted[0]:
                found = arg
            elif len(wanted) == 3 and type(flt).__name__ == wanted[1] and _column_key(flt) == wanted[0]:
                found = arg
            if found:
                break
        if found is None:
            raise LookupError(f"{view.endpoint}: no filter {wanted[:-1]}")
        params[f"flt{position}_{found}"] = wanted[-1]
    return url_for(f"{view.endpoint}.index_view", **params)
