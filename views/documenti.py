"""The documents of a path (issue 15, item 1): which exist, how each is built, and the case
page's buttons, downloads and signed scans. The rules (who, what is recorded, which files are
accepted) are models/operations/documenti.py; the builders views/exports/documenti/ and
registro_pdf.py; the placeholders models/queries/documenti.py."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jinja2
from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models import (
    AllegatoPercorso,
    DocumentoGenerato,
    Percorso,
    Postazione,
    TipoDocumento,
    clock,
    db,
)
from models.errors import DomainError
from models.indennita import fogli_ore, selection
from models.operations import documenti as ops
from models.queries import matching_positions
from models.queries.documenti import document_context, project_title
from models.tipologie import needs_position
from models.validation import parse_id

from .exports.documenti import docx_to_pdf, render_docx, template_path
from .exports.registro import Promotore
from .exports.registro_pdf import build_registro_pdf

T = TipoDocumento
MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@dataclass(frozen=True)
class Spec:
    """A document: its template (None: built in code), its formats, collected signatures."""

    template: str | None
    formats: tuple[str, ...]
    signed: bool


#: The documents of a path, in the order the case page and the command line list them.
DOCUMENTS: dict[TipoDocumento, Spec] = {
    T.CONVENZIONE: Spec("convenzione", ("pdf", "docx"), True),
    T.PROGETTO_FORMATIVO: Spec("progetto_formativo", ("pdf", "docx"), True),
    T.REGISTRO_PRESENZE: Spec(None, ("pdf",), True),
    T.RELAZIONE_FINALE: Spec("relazione_finale", ("pdf", "docx"), True),
    T.SCHEDA_PERCORSO: Spec("scheda_percorso", ("pdf", "docx"), False),
}


def slug(text: str) -> str:
    """``text`` as a file name part: ASCII letters and digits, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "x"


def file_name(p: Percorso, tipo: TipoDocumento, fmt: str, post: Postazione | None = None) -> str:
    """Which document and whose: ``progetto-formativo_Rossi-Mario_percorso-12.pdf``; the
    agreement names its host too."""
    parts = [tipo.slug, slug(f"{p.persona.cognome} {p.persona.nome}")]
    host = (p.postazione or post).ente if (p.postazione or post) is not None else None
    if tipo == T.CONVENZIONE and host is not None:
        parts.insert(1, slug(host.ragione_sociale))
    return "_".join([*parts, f"percorso-{p.id}"]) + f".{fmt}"


def unavailable(p: Percorso, tipo: TipoDocumento, post: Postazione | None = None) -> str | None:
    """Why ``tipo`` cannot be produced for ``p`` now, or None."""
    if tipo == T.CONVENZIONE and not needs_position(p.tipologia):
        return gettext("A path of this type has no host, hence no agreement.")
    if tipo == T.CONVENZIONE and p.postazione is None and post is None:
        return gettext("Choose a position: the agreement is with its host.")
    if tipo == T.REGISTRO_PRESENZE and (p.data_avvio is None or not needs_position(p.tipologia)):
        return gettext("The register exists once the path has started at a position.")
    return None


def agency(config) -> dict[str, str]:
    """The promoter's placeholders (``agenzia.*``), from the AGENZIA_* settings."""
    promotore = Promotore.from_config(config)
    return {"denominazione": promotore.denominazione, "codice_fiscale": promotore.codice_fiscale,
            "partita_iva": config.get("AGENZIA_PARTITA_IVA", ""), "indirizzo": promotore.indirizzo}


def _months(start: dt.date, end: dt.date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _register(session: Session, p: Percorso, config, today: dt.date) -> bytes:
    """The attendance register of every month of the path up to its end or today, a page a
    month (registro_pdf.py, issue 12)."""
    end = min(p.data_fine or today, today)
    sheets = itertools.chain.from_iterable(
        fogli_ore(session, y, m, selection(y, m, ids=[p.id])) for y, m in _months(p.data_avvio, end))
    data, pages = build_registro_pdf(sheets, Promotore.from_config(config))
    if not pages:
        raise DomainError(gettext("The path has no month to print in the register yet."))
    return data


def build_document(session: Session, p: Percorso, tipo: TipoDocumento, fmt: str, config,
                   today: dt.date, post: Postazione | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of document ``tipo`` of ``p`` in ``fmt``; DomainError when it cannot
    be produced (the reason, or the agency template's mistake)."""
    spec = DOCUMENTS[tipo]
    reason = unavailable(p, tipo, post)
    if reason:
        raise DomainError(reason)
    if spec.template is None:
        return file_name(p, tipo, fmt), _register(session, p, config, today)
    template = template_path(spec.template, config.get("DOCUMENTI_MODELLI_DIR"))
    try:
        data = render_docx(template, document_context(session, p, agency(config), today, post))
    except jinja2.TemplateError as exc:
        raise DomainError(gettext(
            "The template %(file)s has a placeholder that cannot be filled (%(error)s): correct it "
            "in Word, or remove it from the templates folder to use the default.",
            file=template.name, error=str(exc))) from None
    if fmt == "pdf":
        title = project_title(p.tipologia) if tipo == T.PROGETTO_FORMATIVO else tipo.label
        data = docx_to_pdf(data, title)
    return file_name(p, tipo, fmt, post), data


def _user():
    return current_user._get_current_object()


class DocumentiMixin:
    """The case page's documents: generate, attach a signed scan, download it."""

    def documents_context(self, p: Percorso) -> dict:
        """What the case page's "Documents" section shows to the current user."""
        user = _user()
        generate = ops.may_generate(user)
        positions = []
        if generate and p.postazione is None and needs_position(p.tipologia):
            positions = [post for post, _ in matching_positions(db.session, p, clock.today())]
        return {
            "documents": [(t, spec, unavailable(p, t, positions[0] if positions else None))
                          for t, spec in DOCUMENTS.items()],
            "document_positions": positions,
            "may_generate": generate,
            "may_attach": ops.may_attach(user),
            "generated": db.session.scalars(
                select(DocumentoGenerato).where(DocumentoGenerato.percorso_id == p.id)
                .options(joinedload(DocumentoGenerato.autore))
                .order_by(DocumentoGenerato.id.desc()).limit(20)).all(),
            "scans": db.session.scalars(
                select(AllegatoPercorso).where(AllegatoPercorso.percorso_id == p.id)
                .options(joinedload(AllegatoPercorso.autore))
                .order_by(AllegatoPercorso.id.desc())).all(),
            "scan_kinds": list(TipoDocumento),
            "scan_max_mb": current_app.config.get("ALLEGATI_MAX_MB", ops.DEFAULT_MAX_MB),
        }

    def _back(self, id):
        return redirect(url_for(".case_view", id=id) + "#documents")

    def _chosen_position(self, p: Percorso) -> Postazione | None:
        """The position proposed for a path not yet started: one of its suitable positions."""
        wanted = parse_id(request.form.get("postazione"))
        if p.postazione is not None or wanted is None:
            return None
        for post, _ in matching_positions(db.session, p, clock.today()):
            if post.id == wanted:
                return post
        raise DomainError(gettext("Please choose one of the suitable positions."))

    @expose("/case/<int:id>/documenti/<tipo>/<fmt>/", methods=("POST",))
    def case_document(self, id, tipo, fmt):
        """A document of the path as a download; one generated for signing is recorded."""
        kind = TipoDocumento.__members__.get(tipo.upper())
        if kind not in DOCUMENTS or fmt not in DOCUMENTS[kind].formats:
            abort(404)
        if not ops.may_generate(_user()):
            abort(403)
        p = self.get_case(id)
        try:
            post = self._chosen_position(p)
            name, data = build_document(db.session, p, kind, fmt, current_app.config, clock.today(), post)
            if DOCUMENTS[kind].signed:
                ops.record_generated(db.session, p, kind, fmt, name, by=_user())
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return self._back(id)
        return send_file(io.BytesIO(data), as_attachment=True, download_name=name, mimetype=MIME[fmt])

    @expose("/case/<int:id>/allegati/", methods=("POST",))
    def case_attach(self, id):
        """Attach a signed scan (PDF, JPEG, PNG by content; size limit) to the path."""
        if not ops.may_attach(_user()):
            abort(403)
        p = self.get_case(id)
        config = current_app.config
        max_mb = config.get("ALLEGATI_MAX_MB", ops.DEFAULT_MAX_MB)
        upload = request.files.get("file")
        try:
            kind = TipoDocumento.__members__.get(request.form.get("tipo", ""))
            if kind is None:
                raise DomainError(gettext("Please choose which document the scan is."))
            # Read one byte past the limit: enough to refuse, never the whole of a huge file.
            data = upload.stream.read(max_mb * 1024 * 1024 + 1) if upload else b""
            ops.attach_scan(db.session, p, kind, upload.filename if upload else None, data,
                            Path(config["ALLEGATI_DIR"]), max_mb, by=_user())
            db.session.commit()
            flash(gettext("Signed scan attached."), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        return self._back(id)

    @expose("/case/<int:id>/allegati/<int:scan_id>/")
    def case_attachment(self, id, scan_id):
        """A scan, to whoever may see the path (the scoped query: a social worker only their
        Comune's, a coop tutor only their cooperative's)."""
        p = self.get_case(id)
        scan = db.session.get(AllegatoPercorso, scan_id)
        if scan is None or scan.percorso_id != p.id:
            abort(404)
        path = ops.scan_file(Path(current_app.config["ALLEGATI_DIR"]), scan)
        if not path.is_file():
            flash(gettext("The file of this scan is missing from the attachments folder."), "error")
            return self._back(id)
        return send_file(path, as_attachment=True, download_name=scan.nome_originale,
                         mimetype=scan.tipo_mime)
