"""Report: the half-year, quarterly, budget, outcome and invoice reports, shown and downloaded."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, flash, request
from flask_admin import expose
from flask_babel import format_date, format_decimal, format_percent
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import Comune, clock, dates, db
from models import reports as r
from models.base import euro
from models.errors import DomainError
from models.reports import compute
from models.validation import parse_id

from .base import RoleBaseView
from .exports.report import TITOLI, sottotitolo, tabelle, workbook
from .exports.xlsx import MIMETYPE
from .scoping import scoped_comune_id

#: Period shortcuts of the form: code -> (label, Periodo factory for a year).
SCORCIATOIE = {
    "S1": (_l("1st half-year"), lambda y: r.Periodo.semestre(y, 1)),
    "S2": (_l("2nd half-year"), lambda y: r.Periodo.semestre(y, 2)),
    **{f"T{n}": (_l("quarter %(n)s", n=n), lambda y, n=n: r.Periodo.trimestre(y, n)) for n in (1, 2, 3, 4)},
}


def _date(name: str) -> dt.date | None:
    """A period end typed the Italian way (models/dates.py); a malformed one is said."""
    try:
        return dates.parse_date(request.args.get(name, ""))
    except DomainError as exc:
        flash(exc.message, "error")
        return None


def _periodo(kind: str, anno: int, shortcut: str) -> r.Periodo:
    """The period asked for: a shortcut of ``anno``, else from/to, else a default for the report."""
    if shortcut in SCORCIATOIE:
        return SCORCIATOIE[shortcut][1](anno)
    dal, al = _date("dal"), _date("al")
    if dal and al and dal <= al:
        return r.Periodo(dal, al)
    today = clock.today()
    if kind == "semestrale":
        return r.Periodo.semestre(today.year, 1 if today.month <= 6 else 2)
    if kind == "trimestrale":
        return r.Periodo.trimestre(today.year, (today.month - 1) // 3 + 1)
    return r.Periodo(dt.date(anno, 1, 1), dt.date(anno, 12, 31))


def cell(value, fmt: str) -> str:
    """A value as the page shows it, in the user's locale."""
    if value is None:
        return ""
    if fmt == "euro":
        return euro(value)
    if fmt == "hours":
        return format_decimal(value, format="#,##0.00")
    if fmt == "pct":
        return format_percent(value, format="#,##0.0%")
    if fmt == "date":
        return format_date(value, "dd/MM/yyyy")
    return str(value)


class ReportView(RoleBaseView):
    """/admin/report/: pick a report, a period and optionally a Comune; see it or download it."""

    #: Who reads reports (issue 4, item 3); a Comune's social worker reads their own Comune's
    #: (issue 14, item 8), the invoice register excepted.
    permissions = {"operatore": "r", "pal": "r", "amministrazione": "r", "admin": "r",
                   "servizio_sociale": "r"}
    #: Reports a social worker does not read (the agency's accounts).
    AGENCY_ONLY = ("registro-fatture",)

    def kinds(self) -> dict:
        """The reports the current user reads, code -> title."""
        if scoped_comune_id() is None:
            return TITOLI
        return {k: t for k, t in TITOLI.items() if k not in self.AGENCY_ONLY}

    def _comuni(self):
        """The Comuni the user may pick: a social worker only theirs."""
        stmt = select(Comune).order_by(Comune.nome)
        if scoped_comune_id() is not None:
            stmt = stmt.where(Comune.id == scoped_comune_id())
        return db.session.scalars(stmt).all()

    def _request(self):
        kind = request.args.get("report", "semestrale")
        if kind not in TITOLI:
            abort(404)
        if kind not in self.kinds():
            abort(403)
        anno = request.args.get("anno", clock.today().year, type=int)
        if not 2000 <= anno <= 2100:
            anno = clock.today().year
        shortcut = request.args.get("periodo", "")
        comune_id = request.args.get("comune", type=parse_id)
        if scoped_comune_id() is not None:  # a social worker reads their own Comune only
            comune_id = scoped_comune_id()
        comune = db.session.get(Comune, comune_id) if comune_id else None
        periodo = _periodo(kind, anno, shortcut)
        # A social worker's Comune even when unknown (-1): never every Comune's figures.
        scope = comune_id if scoped_comune_id() is not None else (comune.id if comune else None)
        tables = tabelle(kind, compute(db.session, kind, periodo, scope))
        return kind, anno, shortcut, comune, periodo, tables

    @expose("/")
    def index(self):
        kind, anno, shortcut, comune, periodo, tables = self._request()
        return self.render(
            "admin/report.html", kind=kind, titoli=self.kinds(), anno=anno, shortcut=shortcut,
            scorciatoie=SCORCIATOIE, comune=comune, periodo=periodo, tables=tables, cell=cell,
            sottotitolo=sottotitolo(kind, periodo, comune),
            comuni=self._comuni(), scoped=scoped_comune_id() is not None,
        )

    @expose("/xlsx/")
    def xlsx(self):
        kind, anno, shortcut, comune, periodo, tables = self._request()
        body = workbook(str(TITOLI[kind]), sottotitolo(kind, periodo, comune), tables)
        name = f"report-{kind}-{periodo.dal:%Y%m%d}-{periodo.al:%Y%m%d}.xlsx"
        return Response(body, mimetype=MIMETYPE, headers={"Content-Disposition": f'attachment; filename="{name}"'})
