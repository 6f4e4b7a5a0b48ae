"""List filters beyond a column's value (e.g. "without hours in the month"), and the URL of a
list with given filters: how the home page links each of its counts to the rows it counts."""

from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import MANYTOONE, InstrumentedAttribute

from models.queries.ricerca import among

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


#: Filters that also match a row whose related record is missing (outer-join semantics):
#: they keep Flask-Admin's join.
_NEEDS_OUTER_JOIN = (sqla_filters.FilterEmpty,)


def _many_to_one(item) -> tuple | None:
    """(local column, remote column) of a many-to-one relationship on one column, else None."""
    if not isinstance(item, InstrumentedAttribute):
        return None
    prop = getattr(item, "property", None)
    if getattr(prop, "direction", None) is not MANYTOONE or len(prop.local_remote_pairs) != 1:
        return None
    return prop.local_remote_pairs[0]


def semi_join_condition(path, flt, value):
    """The filter ``flt`` on a related model's column as nested IN subqueries along the
    many-to-one ``path`` (e.g. hours -> path -> Comune: ``percorso_id IN (SELECT id FROM
    percorso WHERE comune_id IN (SELECT id FROM comune WHERE nome = ?))``), or None when
    the path is not made of such links or the filter needs a join.

    Flask-Admin joins the path with LEFT OUTER JOINs, in the list and in its count: the
    database then reads the whole long table (2M hour rows) before filtering. The nested
    IN starts from the few matching records and follows the foreign-key indexes instead
    (on PostgreSQL the outer one as ``= ANY(ARRAY(...))``, see ``among``: otherwise it walks the
    list's date index backwards testing every row, 1.1 s for the busiest Comune's hours).
    """
    if not path or isinstance(flt, _NEEDS_OUTER_JOIN):
        return None
    links = [_many_to_one(item) for item in path]
    if any(link is None for link in links):
        return None
    inner = flt.apply(select(links[-1][1]), value, None)
    for (local, _remote), (_next_local, next_remote) in zip(
        reversed(links[1:]), reversed(links[:-1]), strict=True
    ):
        inner = select(next_remote).where(local.in_(inner))
    return among(links[0][0], inner)


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
