"""The import page: closed by default per role, upload -> dry run -> column mapping -> confirm,
the file kept server-side and only for the user who uploaded it."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from models import Persona, db
from seed.codici import make_codice_fiscale

from . import messy

CF = make_codice_fiscale("Rossi", "Mario", dt.date(1980, 1, 1), "M", "E738")


@pytest.fixture
def uploads(app, tmp_path):
    app.config["IMPORT_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def upload(client, tmp_path, rows, kind="persone", name="persone.csv", **form):
    path = messy.csv_file(tmp_path / name, rows)
    data = {"tipo": kind, "file": (io.BytesIO(path.read_bytes()), name), **form}
    return client.post("/admin/importa/", data=data, content_type="multipart/form-data")


def people(ctx) -> int:
    with ctx():
        return db.session.scalar(select(func.count(Persona.id)).where(Persona.codice_fiscale == CF))


HEADER = ["Codice fiscale", "Cognome", "Nome", "Data di nascita", "Comune di residenza"]
ROSSI = [CF, "Rossi", "Mario", "01/01/1980", "Lumezzane"]


def test_the_import_page_is_closed_to_roles_that_import_nothing(client_for, anon, uploads):
    assert client_for("amministrazione").get("/admin/importa/").status_code == 403
    assert anon.get("/admin/importa/").status_code == 302
    html = client_for("pal").get("/admin/importa/").get_data(as_text=True)
    assert re.findall(r'<option value="(\w+)">', html.split('id="tipo"')[1].split("</select>")[0]) == ["budget"]
    html = client_for("servizio_sociale").get("/admin/importa/").get_data(as_text=True)
    assert 'value="persone"' in html and 'value="percorsi"' in html and 'value="enti"' not in html


def test_a_kind_the_role_does_not_import_is_refused_on_upload_and_template(client_for, tmp_path, uploads):
    ss = client_for("servizio_sociale")
    assert upload(ss, tmp_path, [HEADER], kind="enti").status_code == 403
    assert ss.get("/admin/importa/modello/enti/").status_code == 403
    r = client_for("operatore").get("/admin/importa/modello/percorsi/")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")


def test_upload_shows_the_dry_run_and_writes_nothing_until_confirmed(client_for, ctx, tmp_path, uploads):
    op = client_for("operatore")
    r = upload(op, tmp_path, [HEADER, ROSSI])
    assert r.status_code == 302
    report_url = r.headers["Location"]
    html = op.get(report_url).get_data(as_text=True)
    assert "nuove: 1" in html and "Riga" in html and 'id="confirm-form"' in html
    assert people(ctx) == 0
    token = report_url.rstrip("/").rsplit("/", 1)[1]
    assert sorted(p.suffix for p in uploads.iterdir()) == [".file", ".json", ".report", ".rows"]
    r = op.post(f"/admin/importa/{token}/conferma/")
    assert r.status_code == 200 and "Importazione eseguita" in r.get_data(as_text=True)
    assert people(ctx) == 1
    assert not list(uploads.iterdir())  # the file is gone once imported


def test_wrong_rows_offer_no_confirmation_and_name_row_and_column(client_for, ctx, tmp_path, uploads):
    op = client_for("operatore")
    r = upload(op, tmp_path, [HEADER, ROSSI, ["RSSMRA80A01E738X", "Neri", "Anna", "01/01/1990", "Atlantide"]])
    html = op.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="confirm-form"' not in html and 'id="not-importable"' in html
    assert "E «Comune di residenza»" in html and "Atlantide" in html and "RSSMRA80A01E738X" in html
    token = r.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    op.post(f"/admin/importa/{token}/conferma/")
    assert people(ctx) == 0


def test_an_unrecognised_column_is_mapped_in_the_console(client_for, ctx, tmp_path, uploads):
    op = client_for("operatore")
    r = upload(op, tmp_path, [["Codice fiscale", "Cognome", "Nome", "Data di nascita", "Luogo di abitazione"], ROSSI])
    report_url = r.headers["Location"]
    html = op.get(report_url).get_data(as_text=True)
    assert "Manca la colonna «Comune di residenza»" in html and 'name="col-4"' in html
    token = report_url.rstrip("/").rsplit("/", 1)[1]
    r = op.post(f"/admin/importa/{token}/colonne/", data={"col-4": "comune_residenza"})
    html = op.get(report_url).get_data(as_text=True)
    assert "nuove: 1" in html and 'id="confirm-form"' in html
    op.post(f"/admin/importa/{token}/conferma/")
    assert people(ctx) == 1


def test_an_upload_is_only_for_the_user_who_made_it(client_for, tmp_path, uploads):
    r = upload(client_for("operatore"), tmp_path, [HEADER, ROSSI])
    assert client_for("admin").get(r.headers["Location"]).status_code == 404
    token = r.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    assert client_for("admin").post(f"/admin/importa/{token}/conferma/").status_code == 404
    assert client_for("operatore").get("/admin/importa/../../etc/").status_code == 404


def test_a_social_worker_sees_other_comunes_rows_as_wrong(client_for, ctx, tmp_path, uploads):
    ss = client_for("servizio_sociale")
    r = upload(ss, tmp_path, [HEADER, ROSSI, [make_codice_fiscale("Neri", "Anna", dt.date(1990, 1, 1), "F", "E738"),
                                              "Neri", "Anna", "01/01/1990", "Gardone Val Trompia"]])
    html = ss.get(r.headers["Location"]).get_data(as_text=True)
    assert "Può importare solo persone residenti nel suo Comune." in html
    assert 'id="confirm-form"' not in html


def test_a_social_workers_template_has_only_the_referral_columns(client_for, uploads):
    import openpyxl

    r = client_for("servizio_sociale").get("/admin/importa/modello/percorsi/")
    headers = [c.value for c in openpyxl.load_workbook(io.BytesIO(r.data)).worksheets[0][1]]
    assert "Codice fiscale" in headers and "Data di segnalazione" in headers
    assert "Data di presa in carico" not in headers and "Operatore" not in headers
    full = client_for("operatore").get("/admin/importa/modello/percorsi/")
    assert "Data di presa in carico" in [c.value for c in openpyxl.load_workbook(io.BytesIO(full.data)).worksheets[0][1]]
