"""Issue 15, item 1: a path's documents from replaceable DOCX templates, PDF copies to sign,
their record, and signed scans checked by content and shown only to who may see the path."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from docx import Document
from sqlalchemy import select

from models import (
    AllegatoPercorso,
    Comune,
    DocumentoGenerato,
    DomainError,
    TipoDocumentoPercorso,
    clock,
    db,
)
from models.operations import documenti as ops
from models.operations import percorsi
from views.exports.documenti import DEFAULT_DIR
from views.exports.documenti.percorso import DOCUMENTS, build_document

from . import factories as f
from .conftest import csrf_token
from .paths import active, approved, scene

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


def _text(docx_bytes: bytes) -> str:
    doc = Document(io.BytesIO(docx_bytes))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_individual_project_prints_objectives_host_dates_and_indemnity(app, session):
    sc = scene(session)
    p = active(session, sc)
    p.obiettivi = "Imparare la gestione del magazzino\nUsare il transpallet"
    name, data = build_document(session, p, TipoDocumentoPercorso.PROGETTO_FORMATIVO, "docx", app.config, clock.today())
    text = _text(data)
    assert name == f"progetto-formativo_{sc.persona.cognome}-Mario_percorso-{p.id}.docx"
    assert "{{" not in text and sc.persona.codice_fiscale in text and "Usare il transpallet" in text
    assert sc.ente.ragione_sociale in text and "17/03/2025" in text and "17/09/2025" in text


def test_the_agreement_needs_a_host(app, session):
    sc = scene(session)
    p = approved(session, sc)
    with pytest.raises(DomainError):
        build_document(session, p, TipoDocumentoPercorso.CONVENZIONE, "pdf", app.config, clock.today())
    name, _ = build_document(session, p, TipoDocumentoPercorso.CONVENZIONE, "docx", app.config, clock.today(),
                             post=sc.postazione)
    assert name.startswith("convenzione_Ente-")


def test_an_agency_template_replaces_the_default_by_file_name(app, session, tmp_path, monkeypatch):
    doc = Document(str(DEFAULT_DIR / "scheda_percorso.docx"))
    doc.add_paragraph("Modello della Cooperativa Aliante per {{ persona.cognome }}")
    doc.save(tmp_path / "scheda_percorso.docx")
    monkeypatch.setitem(app.config, "DOCUMENTI_MODELLI_DIR", str(tmp_path))
    sc = scene(session)
    p = active(session, sc)
    _, data = build_document(session, p, TipoDocumentoPercorso.SCHEDA_PERCORSO, "docx", app.config, clock.today())
    assert f"Modello della Cooperativa Aliante per {sc.persona.cognome}" in _text(data)


def test_a_broken_agency_template_is_refused_naming_the_file(app, session, tmp_path, monkeypatch):
    doc = Document()
    doc.add_paragraph("{{ persona.cognome ")
    doc.save(tmp_path / "relazione_finale.docx")
    monkeypatch.setitem(app.config, "DOCUMENTI_MODELLI_DIR", str(tmp_path))
    sc = scene(session)
    with pytest.raises(DomainError, match="relazione_finale.docx"):
        build_document(session, active(session, sc), TipoDocumentoPercorso.RELAZIONE_FINALE, "pdf", app.config,
                       clock.today())


def test_a_scan_is_accepted_by_its_content_not_its_name(session, tmp_path):
    sc = scene(session)
    p = active(session, sc)
    scan = ops.attach_scan(session, p, TipoDocumentoPercorso.CONVENZIONE, "C:\\scans\\firmata.pdf", PNG, tmp_path)
    assert (scan.tipo_mime, scan.nome_originale) == ("image/png", "firmata.pdf")
    assert ops.scan_file(tmp_path, scan).read_bytes() == PNG
    with pytest.raises(DomainError):
        ops.attach_scan(session, p, TipoDocumentoPercorso.CONVENZIONE, "finta.pdf", b"<html>not a pdf", tmp_path)
    with pytest.raises(DomainError):
        ops.attach_scan(session, p, TipoDocumentoPercorso.CONVENZIONE, "grande.pdf", PDF + b"x" * (1024 * 1024), tmp_path,
                        max_mb=1)
    assert len(list(tmp_path.iterdir())) == 1


def _ready(app):
    """An internship of the world's Comune (Lumezzane), from 17/03 to 30/04/2025, committed."""
    with app.app_context():
        sc = scene(db.session)
        lumezzane = db.session.scalar(select(Comune).where(Comune.nome == "Lumezzane"))
        sc.persona.comune_residenza = lumezzane
        f.make_budget(db.session, sc.programma, lumezzane)
        p = active(db.session, sc, comune=lumezzane)
        percorsi.conclude_without_hiring(db.session, p, dt.date(2025, 4, 30), "Fine del tirocinio")
        db.session.commit()
        return p.id


def test_the_case_page_generates_a_document_and_records_who_and_when(app, world, client_for):
    pid = _ready(app)
    client = client_for("operatore")
    url = f"/admin/percorso/case/{pid}/"
    html = client.get(url).get_data(as_text=True)
    assert 'id="doc-progetto-formativo-pdf"' in html and "Documenti" in html
    response = client.post(f"{url}documenti/progetto_formativo/pdf/", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "progetto-formativo_" in response.headers["Content-Disposition"]
    with app.app_context():
        record = db.session.scalars(select(DocumentoGenerato).where(DocumentoGenerato.percorso_id == pid)).one()
        assert (record.tipo, record.formato, record.autore.email) == (
            TipoDocumentoPercorso.PROGETTO_FORMATIVO, "pdf", "operatore@example.org")


def test_social_workers_do_not_generate_documents(app, world, client_for):
    pid = _ready(app)
    client = client_for("servizio_sociale")
    html = client.get(f"/admin/percorso/case/{pid}/").get_data(as_text=True)
    assert "doc-progetto-formativo-pdf" not in html and "attach-scan" not in html
    response = client.post(f"/admin/percorso/case/{pid}/documenti/progetto_formativo/pdf/",
                           data={"csrf_token": csrf_token(html)})
    assert response.status_code == 403


def test_a_scan_is_downloaded_exactly_by_who_may_see_the_path(app, world, client_for, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ALLEGATI_DIR", str(tmp_path))
    pid = _ready(app)
    operatore = client_for("operatore")
    url = f"/admin/percorso/case/{pid}/"
    token = csrf_token(operatore.get(url).get_data(as_text=True))
    html = operatore.post(f"{url}allegati/", data={
        "csrf_token": token, "tipo": "PROGETTO_FORMATIVO", "file": (io.BytesIO(PDF), "progetto firmato.pdf"),
    }, content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Scansione firmata allegata." in html and "progetto firmato.pdf" in html
    with app.app_context():
        scan_id = db.session.scalars(select(AllegatoPercorso.id).where(AllegatoPercorso.percorso_id == pid)).one()
    download = f"{url}allegati/{scan_id}/"
    own = client_for("servizio_sociale").get(download)
    assert own.status_code == 200 and own.data == PDF and own.mimetype == "application/pdf"
    own.close()
    assert client_for("servizio_sociale_altro").get(download).status_code == 404
    refused = operatore.post(f"{url}allegati/", data={
        "csrf_token": token, "tipo": "CONVENZIONE", "file": (io.BytesIO(b"MZ\x90\x00"), "virus.pdf"),
    }, content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "non è un PDF, un JPEG o un PNG" in refused


def test_flask_export_documenti_writes_every_document_named_by_kind_and_person(app, world, tmp_path):
    pid = _ready(app)
    result = app.test_cli_runner().invoke(args=["export", "documenti", "--percorso", str(pid), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(f.name for f in tmp_path.iterdir())
    assert len(names) == sum(len(s.formats) for s in DOCUMENTS.values())
    assert {n.split("_")[0] for n in names} == {t.slug for t in DOCUMENTS}
    for n in names:
        data = (tmp_path / n).read_bytes()
        assert "_Cognome" in n or f"_percorso-{pid}." in n
        if n.endswith(".pdf"):
            assert data.startswith(b"%PDF-")
        else:
            assert zipfile.is_zipfile(tmp_path / n) and "{{" not in _text(data)
    with app.app_context():
        recorded = db.session.scalars(select(DocumentoGenerato.nome_file)
                                      .where(DocumentoGenerato.percorso_id == pid)).all()
    assert len(recorded) == len(names) - len(DOCUMENTS[TipoDocumentoPercorso.SCHEDA_PERCORSO].formats)
