"""The one-person month grid of before issue 12, now the month grid of many people filtered to
one path: its old URL (/admin/ore/mese/?percorso=ID&mese=YYYY-MM&tipo=...) still works."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_admin import expose


class MonthGridMixin:
    """Adds /mese/ to the hours view: a redirect to Ore del mese for one path."""

    @expose("/mese/", methods=("GET",))
    def month_view(self):
        args = {k: request.args.get(k) for k in ("percorso", "mese", "tipo") if request.args.get(k)}
        return redirect(url_for("griglia_ore.index", **args))
