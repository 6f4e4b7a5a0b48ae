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

    #: Who reads reports (issue 4, item 3); a Comune's social worker does not.
    permissions = {"operatore": "r", "pal": "r", "amministrazione": "r", "admin": "r"}

    def _request(self):
        kind = request.args.get("report", "semestrale")
        if kind not in TITOLI:
            abort(404)
        anno = request.args.get("anno", clock.today().year, type=int)
        if not 2000 <= anno <= 2100:
            anno = clock.today().year
        shortcut = request.args.get("periodo", "")
        comune_id = request.args.get("comune", type=parse_id)
        comune = db.session.get(Comune, comune_id) if comune_id else None
        periodo = _periodo(kind, anno, shortcut)
        tables = tabelle(kind, compute(db.session, kind, periodo, comune.id if comune else None))
        return kind, anno, shortcut, comune, periodo, tables

    @expose("/")
    def index(self):
        kind, anno, shortcut, comune, periodo, tables = self._request()
        return self.render(
            "admin/report.html", kind=kind, titoli=TITOLI, anno=anno, shortcut=shortcut,
            scorciatoie=SCORCIATOIE, comune=comune, periodo=periodo, tables=tables, cell=cell,
            sottotitolo=sottotitolo(kind, periodo, comune),
            comuni=db.session.scalars(select(Comune).order_by(Comune.nome)).all(),
        )

    @expose("/xlsx/")
    def xlsx(self):
        kind, anno, shortcut, comune, periodo, tables = self._request()
        body = workbook(str(TITOLI[kind]), sottotitolo(kind, periodo, comune), tables)
        name = f"report-{kind}-{periodo.dal:%Y%m%d}-{periodo.al:%Y%m%d}.xlsx"
        return Response(body, mimetype=MIMETYPE, headers={"Content-Disposition": f'attachment; filename="{name}"'})
