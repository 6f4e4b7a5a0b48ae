"""Import from spreadsheets (issue 13): upload -> dry run report (with the column mapping) ->
confirm. Thin: the rules are models/importazione's; this page keeps the file server-side
(views/import_files.py), runs the import and commits once, only on confirmation."""

from __future__ import annotations

import io
import json
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from models import Ruolo, Utente, db
from models.importazione import CHI_IMPORTA, ERRATA, TIPI, kinds_for, run_import
from models.importazione.lettura import FORMATS
from models.importazione.rapporto import NOMI_CONTEGGI, NOMI_STATI, STATI

from .base import RoleBaseView
from .exports.cli_import import reference_lists
from .exports.modello_import import build_modello
from .exports.xlsx import MIMETYPE
from .import_files import Archivio, Caricamento
from .scoping import scoped_comune_id, user_roles

#: Rows of the report shown per page.
PAGE = 100
#: The largest file accepted (bytes): calamine holds a sheet in memory, about 20 times the file.
MAX_BYTES = 32 * 1024 * 1024


class ImportView(RoleBaseView):
    """Open to the roles that import at least one kind (models/importazione/motore.py)."""

    permissions = {role: "r" for roles in CHI_IMPORTA.values() for role in roles}

    @property
    def archivio(self) -> Archivio:
        return Archivio(current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "import")

    def _kinds(self) -> list[str]:
        return kinds_for(user_roles())

    def _pal_users(self):
        return db.session.scalars(select(Utente).join(Utente.roles).where(Ruolo.name == "pal")
                                  .order_by(Utente.cognome, Utente.email)).all()

    @expose("/", methods=("GET", "POST"))
    def index(self):
        kinds = self._kinds()
        if request.method == "POST":
            return self._upload(kinds)
        return self.render("admin/importa.html", kinds=kinds, tipi=TIPI, pal_users=self._pal_users(),
                           formats=", ".join(FORMATS), referral_only=scoped_comune_id() is not None)

    def _upload(self, kinds: list[str]):
        if (request.content_length or 0) > MAX_BYTES:  # before the body is read
            flash(gettext("The file is too large (at most %(mb)s MB).", mb=MAX_BYTES // 2**20), "error")
            return redirect(url_for(".index"))
        kind, stream = request.form.get("tipo"), request.files.get("file")
        if kind not in kinds:
            abort(403)
        if stream is None or not stream.filename:
            flash(gettext("Choose the file to import."), "error")
            return redirect(url_for(".index"))
        if Path(stream.filename).suffix.lower() not in FORMATS:
            flash(gettext("%(name)s is not a file that can be imported: use .xlsx, .ods or .csv.",
                          name=stream.filename), "error")
            return redirect(url_for(".index"))
        options = {"approvato_da": request.form.get("approvato_da") or None, "mese": request.form.get("mese") or None}
        upload = self.archivio.new(stream, kind, stream.filename, current_user.id, options)
        self._run(upload, dry_run=True)
        return redirect(url_for(".report", token=upload.token))

    def _run(self, upload: Caricamento, dry_run: bool):
        """The import of the upload (a dry run: rolled back); its rows to the archive."""
        mapping = {int(col): name for col, name in upload.mapping.items()}
        with self.archivio.rows_writer(upload) as out:
            report = run_import(
                db.session, upload.tipo, self.archivio.file(upload), upload.filename,
                actor=current_user._get_current_object(), comune_id=scoped_comune_id(),
                options=upload.options, mapping=mapping, dry_run=dry_run,
                on_row=lambda r: out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n"))
        if report.written:
            db.session.commit()
        else:
            db.session.rollback()
        self.archivio.save_report(upload, report)
        return report

    def _upload_of(self, token: str) -> Caricamento:
        upload = self.archivio.load(token, current_user.id)
        if upload is None or upload.tipo not in self._kinds():
            abort(404)
        return upload

    @expose("/<token>/")
    def report(self, token):
        upload = self._upload_of(token)
        report = self.archivio.report(upload)
        status = request.args.get("stato") if request.args.get("stato") in STATI else None
        page = max(request.args.get("pagina", 0, type=int), 0)
        rows, total = self.archivio.rows(upload, status, page * PAGE, PAGE)
        return self.render("admin/importa_rapporto.html", upload=upload, report=report, rows=rows, total=total,
                           page=page, pages=(total + PAGE - 1) // PAGE, status=status, stati=STATI,
                           nomi_stati=NOMI_STATI, nomi_conteggi=NOMI_CONTEGGI, tipo=TIPI[upload.tipo],
                           wrong=ERRATA)

    @expose("/<token>/colonne/", methods=("POST",))
    def mapping(self, token):
        """The person says which field each unrecognised column holds; the dry run runs again."""
        upload = self._upload_of(token)
        known = {c.name for c in TIPI[upload.tipo].fields}
        for key, value in request.form.items():
            if key.startswith("col-") and key[4:].isdigit() and (value in known or value == ""):
                upload.mapping[key[4:]] = value
        self.archivio.save(upload)
        self._run(upload, dry_run=True)
        return redirect(url_for(".report", token=token))

    @expose("/<token>/conferma/", methods=("POST",))
    def confirm(self, token):
        upload = self._upload_of(token)
        report = self._run(upload, dry_run=False)
        if not report.written:
            flash(gettext("Nothing was written: the data changed since the dry run. See the rows below."), "error")
            return redirect(url_for(".report", token=token))
        self.archivio.remove(upload)
        flash(gettext("Import of %(file)s done: %(summary)s", file=upload.filename, summary=report.summary()),
              "success")
        return self.render("admin/importa_fatto.html", report=report, tipo=TIPI[upload.tipo], nomi_stati=NOMI_STATI)

    @expose("/<token>/annulla/", methods=("POST",))
    def cancel(self, token):
        self.archivio.remove(self._upload_of(token))
        flash(gettext("Import cancelled: nothing was written."), "info")
        return redirect(url_for(".index"))

    @expose("/modello/<kind>/")
    def template(self, kind):
        """The kind's template: headers, an example row, drop-down lists."""
        if kind not in self._kinds():
            abort(403)
        fields = None
        if scoped_comune_id() is not None:  # a social worker: the referral's columns only
            fields = [c for c in TIPI[kind].fields if not c.step and c.name != "operatore"]
        data = build_modello(TIPI[kind], reference_lists(db.session), fields=fields)
        return send_file(io.BytesIO(data), mimetype=MIMETYPE, as_attachment=True,
                         download_name=gettext("import-%(kind)s.xlsx", kind=kind))
