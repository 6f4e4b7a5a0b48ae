"""Fogli ore: the monthly timesheets and the indemnity payroll summary, as xlsx downloads."""

from __future__ import annotations

import io
import tempfile

from flask import current_app, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import Comune, EnteOspitante, Percorso, clock, db
from models.dates import month_text, parse_month
from models.indennita import count_paths, fogli_ore, riepilogo_indennita, selection
from models.validation import parse_id

from .base import RoleBaseView
from .exports.fogli_ore import build_fogli_ore, build_riepilogo
from .exports.registro import Promotore, build_registro
from .exports.registro_pdf import build_registro_pdf
from .exports.xlsx import MIMETYPE
from .scoping import scope_query

#: Above this many people the workbook streams to a temporary file in constant memory; up to
#: it, it is built in memory: about 3 times faster (no temporary file per sheet), and a
#: thousand people take about 40 MB (README, "Benchmarks").
STREAM_ABOVE = 2000


def current_month() -> str:
    return clock.today().strftime("%Y-%m")


def _scope(stmt):
    return scope_query(stmt, Percorso)


def _send(data_or_file, name: str):
    return send_file(data_or_file, as_attachment=True, download_name=name, mimetype=MIMETYPE)


def send_fogli_ore(year: int, month: int, **chosen):
    """The timesheets workbook of a selection as a download, or None when nothing matches.

    Many people: written in constant memory to a temporary file that is deleted once sent.
    """
    where = selection(year, month, **chosen)
    n = count_paths(db.session, where, scope=_scope)
    if n == 0:
        return None
    name = f"fogli-ore-{year}-{month:02d}.xlsx"
    stream = fogli_ore(db.session, year, month, where, scope=_scope)
    if n <= STREAM_ABOVE:
        data, _ = build_fogli_ore(stream)
        return _send(_bytes_io(data), name)
    fh = tempfile.TemporaryFile(suffix=".xlsx")
    build_fogli_ore(stream, target=fh, constant_memory=True)
    fh.seek(0)
    return _send(fh, name)


def send_registro(year: int, month: int, pdf: bool = False, **chosen):
    """The attendance registers of a selection (xlsx or PDF) as a download; None when
    nothing matches. Streamed through a temporary file above STREAM_ABOVE people."""
    where = selection(year, month, **chosen)
    n = count_paths(db.session, where, scope=_scope)
    if n == 0:
        return None
    stream = fogli_ore(db.session, year, month, where, scope=_scope)
    promotore = Promotore.from_config(current_app.config)
    name = f"registro-presenze-{year}-{month:02d}"
    if pdf:
        data, _ = build_registro_pdf(stream, promotore)
        return send_file(_bytes_io(data), as_attachment=True, download_name=f"{name}.pdf",
                         mimetype="application/pdf")
    if n <= STREAM_ABOVE:
        data, _ = build_registro(stream, promotore)
        return _send(_bytes_io(data), f"{name}.xlsx")
    fh = tempfile.TemporaryFile(suffix=".xlsx")
    build_registro(stream, promotore, target=fh, constant_memory=True)
    fh.seek(0)
    return _send(fh, f"{name}.xlsx")


def _bytes_io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


class FogliOreView(RoleBaseView):
    """The page: a month, a Comune, a host, and two downloads."""

    #: Who prints timesheets and pays indemnities: the agency, the PAL manager, the accountants.
    permissions = {"operatore": "r", "pal": "r", "amministrazione": "r"}

    def _chosen(self) -> dict:
        ids = [i for i in map(parse_id, request.args.getlist("ids")) if i is not None]
        one = request.args.get("percorso", type=parse_id)
        return {
            "comune_id": request.args.get("comune", type=parse_id),
            "ente_id": request.args.get("ente", type=parse_id),
            "postazione_id": request.args.get("postazione", type=parse_id),
            "operatore_id": request.args.get("operatore", type=parse_id),
            "ids": ids or ([one] if one else None),
        }

    @expose("/")
    def index(self):
        chosen = self._chosen()
        return self.render(
            "admin/fogli_ore.html",
            mese=month_text(request.args.get("mese") or current_month()),
            # Id and name rows for the menus: thousands of hosts, no ORM objects to build.
            comuni=db.session.execute(select(Comune.id, Comune.nome).order_by(Comune.nome)).all(),
            ente=db.session.get(EnteOspitante, chosen["ente_id"]) if chosen["ente_id"] else None,
            comune_id=chosen["comune_id"], ente_id=chosen["ente_id"], ids=chosen["ids"],
        )

    @expose("/scarica/")
    def download(self):
        """GET: read-only downloads; ``tipo`` is ``fogli``, ``riepilogo``, ``registro`` (xlsx)
        or ``registro_pdf``."""
        ym = parse_month(request.args.get("mese"))
        if ym is None:
            flash(gettext("Choose a month."), "error")
            return redirect(url_for(".index", **request.args))
        chosen = self._chosen()
        kind = request.args.get("tipo")
        if kind in ("registro", "registro_pdf"):
            response = send_registro(*ym, pdf=kind == "registro_pdf", **chosen)
            if response is not None:
                return response
        elif kind == "riepilogo":
            righe = riepilogo_indennita(db.session, *ym, selection(*ym, **chosen), scope=_scope)
            if righe:
                return _send(_bytes_io(build_riepilogo(righe, *ym)),
                             f"riepilogo-indennita-{ym[0]}-{ym[1]:02d}.xlsx")
        else:
            response = send_fogli_ore(*ym, **chosen)
            if response is not None:
                return response
        flash(gettext("No path active in the month matches the selection."), "warning")
        return redirect(url_for(".index", **request.args))


class FogliOreActionMixin:
    """Adds "Timesheets of the month" to the Percorsi list (selected rows).

    The month is the ``mese`` request value (YYYY-MM) when given, else the current month;
    the selected ids are re-read through the Comune scope of the list.
    """

    @action("fogli_ore", _l("Timesheets of the month"))
    def action_fogli_ore(self, ids):
        ym = parse_month(request.values.get("mese") or current_month())
        # Integers: PostgreSQL refuses ``integer IN (varchar...)`` (get_query_for_ids binds strings).
        wanted = [int(x) for x in ids if str(x).isdigit()]
        ids = db.session.scalars(_scope(select(Percorso.id).where(Percorso.id.in_(wanted)))).all()
        response = send_fogli_ore(*ym, ids=ids) if ids else None
        if response is None:
            flash(gettext("No path active in the month matches the selection."), "warning")
        return response

    def is_action_allowed(self, name):
        if name == "fogli_ore":
            return FogliOreView.grants("r")  # who may open the timesheets page
        return super().is_action_allowed(name)
