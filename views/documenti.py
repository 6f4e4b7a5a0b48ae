"""The case page's documents (issue 15, item 1): the buttons, the downloads and the signed
scans. Which documents exist and how each is built is views/exports/documenti/percorso.py;
the rules (who, what is recorded, which files are accepted) models/operations/documenti.py."""

from __future__ import annotations

import io
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import (
    AllegatoPercorso,
    DocumentoGenerato,
    Percorso,
    Postazione,
    TipoDocumentoPercorso,
    clock,
    db,
)
from models.errors import DomainError
from models.operations import documenti as ops
from models.queries import matching_positions
from models.tipologie import needs_position
from models.validation import parse_id

from .exports.documenti.percorso import DOCUMENTS, MIME, build_document, unavailable


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
            "scan_kinds": list(TipoDocumentoPercorso),
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
        kind = TipoDocumentoPercorso.__members__.get(tipo.upper())
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
            kind = TipoDocumentoPercorso.__members__.get(request.form.get("tipo", ""))
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
