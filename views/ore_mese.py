"""The one-person month grid of before issue 12, now the month grid of many people filtered to
one path: its old URL (/admin/ore/mese/?percorso=ID&mese=YYYY-MM&tipo=...) still shows it."""

from __future__ import annotations

from flask import abort
from flask_admin import expose


class MonthGridMixin:
    """Adds /mese/ to the hours view: Ore del mese (views/griglia_ore.py) for one path."""

    @expose("/mese/", methods=("GET",))
    def month_view(self):
        grid = next(v for v in self.admin._views if v.endpoint == "griglia_ore")
        if not grid.is_accessible():  # the grid's own gate, not only the hours list's
            abort(403)
        return grid.index()
