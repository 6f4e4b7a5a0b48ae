"""The month grid: a path's hours for a month, one field per day, saved in one submit."""

from __future__ import annotations

import calendar
import datetime as dt

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import format_date, ngettext
from flask_login import current_user
from sqlalchemy import select

from models import Ore, Percorso, clock, db
from models.base import TipoOre
from models.errors import DomainError
from models.operations import ore as ore_ops
from models.validation import parse_id

from .scoping import scope_query


def _month(text: str | None) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in (text or "").split("-")[:2])
        dt.date(year, month, 1)
        return year, month
    except ValueError:
        today = clock.today()
        return today.year, today.month


class MonthGridMixin:
    """Adds /mese/ to the hours view."""

    @expose("/mese/", methods=("GET", "POST"))
    def month_view(self):
        self.require("ce")  # the view's role gate: the grid creates and edits hours
        pid = parse_id(request.values.get("percorso"))
        p = scope_query(db.session.query(Percorso), Percorso).filter(Percorso.id == pid).one_or_none()
        if p is None:
            abort(404)
        year, month = _month(request.values.get("mese"))
        try:
            tipo = TipoOre[request.values.get("tipo", "PRESENZA")]
        except KeyError:
            tipo = TipoOre.PRESENZA
        days = calendar.monthrange(year, month)[1]
        values = {}
        if request.method == "POST":
            try:
                values = {d: ore_ops.parse_hours(request.form.get(f"g{d}", "")) for d in range(1, days + 1)}
                changed = ore_ops.save_month(db.session, p, year, month, tipo, values,
                                             current_user._get_current_object() if tipo == TipoOre.AFFIANCAMENTO else None)
                db.session.commit()
                flash(ngettext("Month saved: %(num)s day changed.", "Month saved: %(num)s days changed.", changed), "success")
                return redirect(url_for(".month_view", percorso=p.id, mese=f"{year}-{month:02d}", tipo=tipo.name))
            except DomainError as exc:
                db.session.rollback()
                flash(exc.message, "error")
                p = db.session.get(Percorso, pid)
        existing = {
            r.data.day: r.ore
            for r in db.session.scalars(
                select(Ore).where(Ore.percorso_id == p.id, Ore.tipo == tipo,
                                  Ore.data >= dt.date(year, month, 1), Ore.data <= dt.date(year, month, days))
            )
        }
        rows = []
        for d in range(1, days + 1):
            day = dt.date(year, month, d)
            posted = request.form.get(f"g{d}") if request.method == "POST" else None
            value = posted if posted is not None else existing.get(d)
            rows.append((d, day, format_date(day, "EEE dd/MM"), "" if value is None else str(value).replace(".", ","),
                         day.weekday() >= 5))
        prev_month = (dt.date(year, month, 1) - dt.timedelta(days=1)).strftime("%Y-%m")
        next_month = (dt.date(year, month, days) + dt.timedelta(days=1)).strftime("%Y-%m")
        return self.render("admin/ore_mese.html", p=p, rows=rows, tipo=tipo, tipi=list(TipoOre),
                           mese=f"{year}-{month:02d}", title=format_date(dt.date(year, month, 1), "MMMM yyyy"),
                           prev_month=prev_month, next_month=next_month)
