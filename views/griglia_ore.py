"""Ore del mese: the month grid of many people (issue 12, item 1), a thin page over
models/queries/griglia.py (what it shows) and models/operations/griglia.py (how it saves)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import format_date, get_locale, gettext, ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from models import Comune, EnteOspitante, Percorso, Postazione, Utente, clock, db
from models.base import TipoOre
from models.calendario import default_grid_month, national_holidays, patron_day
from models.dates import parse_month
from models.errors import DomainError
from models.operations.griglia import GridErrors, cell_text, format_hours, parse_cell
from models.operations.griglia import save_grid as save_cells
from models.queries.griglia import grid_hours, grid_paths
from models.validation import parse_id

from .base import RoleBaseView
from .scoping import scope_query

#: Rows shown at most: beyond, the page asks to narrow the selection (a host, a Comune...).
MAX_ROWS = 200
FILTERS = ("comune", "ente", "postazione", "operatore", "percorso")


@dataclass
class Riga:
    """One row of the grid: a path and its cells (day -> text), locked days, errors."""

    path: object
    cells: dict[int, str] = field(default_factory=dict)
    locked: set[int] = field(default_factory=set)
    patron: int | None = None
    total: Decimal = Decimal(0)


def _scope(stmt):
    return scope_query(stmt, Percorso)


def _hours_of(text: str, tipo: TipoOre) -> Decimal:
    """The hours a cell's text stands for, for the totals (0 when unreadable or an absence)."""
    try:
        cella = parse_cell(text, tipo)
    except DomainError:  # a wrong cell is reported at save, not in the totals
        return Decimal(0)
    return cella.ore if cella else Decimal(0)


class GrigliaOreView(RoleBaseView):
    """Choose the month and a host, a position, a Comune or a case worker; type or paste."""

    #: Who enters hours: the agency's case workers and admin; the PAL manager and the
    #: accountants read them (the Hours view's letters).
    permissions = {"operatore": "rce", "pal": "r", "amministrazione": "r", "admin": "rce"}

    def _chosen(self) -> dict:
        return {name: request.values.get(name, type=parse_id) for name in FILTERS}

    def _tipo(self) -> TipoOre:
        try:
            return TipoOre[request.values.get("tipo", "PRESENZA")]
        except KeyError:
            return TipoOre.PRESENZA

    @expose("/", methods=("GET", "POST"))
    def index(self):
        ym = parse_month(request.values.get("mese")) or default_grid_month(clock.today())
        year, month = ym
        tipo, chosen = self._tipo(), self._chosen()
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        paths = grid_paths(db.session, first, last, scope=_scope, limit=MAX_ROWS,
                           **{f"{name}_id": value for name, value in chosen.items()})
        too_many = len(paths) > MAX_ROWS
        paths = paths[:MAX_ROWS]
        errors: dict[tuple[int, int], str] = {}
        posted: dict[tuple[int, int], str] = {}
        editable = self.grants("ce")
        if request.method == "POST":
            self.require("ce")
            posted = self._posted(paths, year, month, last.day)
            try:
                changed = save_cells(db.session, tipo, {(pid, dt.date(year, month, d)): text or None
                                                        for (pid, d), text in posted.items()},
                                     current_user._get_current_object())
                db.session.commit()
                flash(ngettext("Month saved: %(num)s day changed.", "Month saved: %(num)s days changed.",
                               changed), "success")
                return redirect(url_for("griglia_ore.index", mese=f"{year}-{month:02d}", tipo=tipo.name,
                                        **{k: v for k, v in chosen.items() if v}))
            except GridErrors as exc:
                db.session.rollback()
                errors = {(pid, day.day): message for (pid, day), message in exc.errors.items()}
                flash(exc.message, "error")
        rows = self._rows(paths, year, month, last.day, tipo, posted)
        return self.render("admin/griglia_ore.html", **self._context(
            rows, year, month, tipo, chosen, errors, too_many, editable))

    def _posted(self, paths, year, month, days) -> dict[tuple[int, int], str]:
        """The cells the form sent, for the grid's own paths only (``c-<path>-<day>``)."""
        ids = {p.id for p in paths}
        found = {}
        for name, value in request.form.items():
            parts = name.split("-")
            if len(parts) == 3 and parts[0] == "c" and parts[1].isdigit() and parts[2].isdigit():
                pid, day = int(parts[1]), int(parts[2])
                if pid in ids and 1 <= day <= days:
                    found[pid, day] = value.strip()
        return found

    def _rows(self, paths, year, month, days, tipo, posted) -> list[Riga]:
        first, last = dt.date(year, month, 1), dt.date(year, month, days)
        saved = grid_hours(db.session, [p.id for p in paths], first, last, tipo)
        today = clock.today()
        rows = []
        for p in paths:
            row = Riga(p)
            feast = patron_day(year, (p.patrono_mese, p.patrono_giorno)) if p.patrono_mese else None
            row.patron = feast.day if feast is not None and feast.month == month else None
            for d in range(1, days + 1):
                day = dt.date(year, month, d)
                if day < p.data_avvio or (p.data_fine is not None and day > p.data_fine) or day > today:
                    row.locked.add(d)
                if (p.id, d) in posted:
                    row.cells[d] = posted[p.id, d]
                elif (p.id, day) in saved:
                    row.cells[d] = cell_text(saved[p.id, day])
                row.total += _hours_of(row.cells.get(d, ""), tipo)
            rows.append(row)
        return rows

    def _context(self, rows, year, month, tipo, chosen, errors, too_many, editable) -> dict:
        days = calendar.monthrange(year, month)[1]
        holidays = {d.day: name for d, name in national_holidays(year).items() if d.month == month}
        columns = [
            (d, format_date(dt.date(year, month, d), "EEEEE"), dt.date(year, month, d).weekday() >= 5,
             holidays.get(d))
            for d in range(1, days + 1)
        ]
        day_totals = {d: sum((_hours_of(r.cells.get(d, ""), tipo) for r in rows), Decimal(0))
                      for d in range(1, days + 1)}
        this = dt.date(year, month, 1)
        prev_month = (this - dt.timedelta(days=1)).strftime("%Y-%m")
        next_month = (this + dt.timedelta(days=32)).replace(day=1).strftime("%Y-%m")
        filters = {k: v for k, v in chosen.items() if v}
        return dict(
            rows=rows, columns=columns, errors=errors, too_many=too_many, max_rows=MAX_ROWS,
            editable=editable, tipo=tipo, tipi=list(TipoOre), mese=f"{year}-{month:02d}",
            mese_testo=f"{month:02d}/{year}",
            title=format_date(this, "MMMM yyyy"), prev_month=prev_month, next_month=next_month,
            day_totals=day_totals, grand_total=sum(day_totals.values(), Decimal(0)),
            fmt=format_hours, filters=filters, chosen=chosen, locale=str(get_locale() or 'it')[:2],
            comuni=db.session.execute(select(Comune.id, Comune.nome).order_by(Comune.nome)).all(),
            operatori=db.session.scalars(
                select(Utente).where(Utente.roles.any(name="operatore"))
                .options(lazyload(Utente.roles)).order_by(Utente.cognome)
            ).all(),
            ente=db.session.get(EnteOspitante, chosen["ente"]) if chosen["ente"] else None,
            postazione=db.session.get(Postazione, chosen["postazione"]) if chosen["postazione"] else None,
            percorso=db.session.get(Percorso, chosen["percorso"]) if chosen["percorso"] else None,
            error_list=self._error_list(rows, errors, year, month),
        )

    @staticmethod
    def _error_list(rows, errors, year, month) -> list[tuple[str, str, str]]:
        """(cell id, "Person, dd/mm", message) of every refused cell, in the grid's order."""
        names = {r.path.id: f"{r.path.cognome} {r.path.nome}" for r in rows}
        order = {pid: n for n, pid in enumerate(names)}
        return [
            (f"c-{pid}-{d}", gettext("%(person)s, %(day)s", person=names.get(pid, ""),
                                     day=dt.date(year, month, d).strftime("%d/%m")), message)
            for (pid, d), message in sorted(errors.items(), key=lambda kv: (order.get(kv[0][0], 0), kv[0][1]))
        ]
