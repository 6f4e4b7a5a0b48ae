"""The attendance register (issue 12, item 3): xlsx and PDF, from the console and the CLI, with
the promoter and its tutor, the host's tax code and site, the host tutor, the path's type and
dates, the agreement, shifts, absences, signatures and the monthly total; the wording of a path
that is not an internship."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from flask_babel import gettext

from models import db
from models.base import StatoPercorso, TipoAssenza, TipologiaPercorso, TipoOre

from . import factories as f

MONTH = "2025-04"


@pytest.fixture
def april(app, world):
    """An internship and a welfare path at one host in April 2025, with shifts and an absence."""
    with app.app_context():
        s = db.session
        comune = s.get(f.Comune, world.comune)
        comune.patrono_nome, comune.patrono_giorno, comune.patrono_mese = "San Giorgio", 23, 4
        prog = s.get(f.Programma, world.programma)
        ente = f.make_ente(s, comune, ragione_sociale="Officina Rossi", tutor_aziendale="Anna Rossi",
                           indirizzo="Via Roma 3", convenzione_numero="CONV-7",
                           convenzione_data=dt.date(2025, 1, 20))
        post = f.make_postazione(s, ente, mansione="Magazziniere", ore_settimanali=Decimal("30"),
                                 accetta_assistenziale=True)
        operatore = s.get(f.Utente, world.users["operatore"].id)
        operatore.cognome, operatore.nome = "Ferraglio", "Giulia"
        paths = {}
        for surname, tipo in (("Bianchi", TipologiaPercorso.TIROCINIO), ("Neri", TipologiaPercorso.ASSISTENZIALE)):
            paths[surname] = f.make_percorso(
                s, f.make_persona(s, comune, cognome=surname), comune, prog, tipologia=tipo,
                stato=StatoPercorso.ATTIVO, data_presa_in_carico=dt.date(2025, 3, 2),
                data_avvio=dt.date(2025, 3, 3), data_fine_prevista=dt.date(2025, 9, 3), postazione=post,
                operatore=operatore)
        b = paths["Bianchi"]
        f.make_ore(s, b, data=dt.date(2025, 4, 7), ore=Decimal("7.5"), entrata=dt.time(8, 30),
                   uscita=dt.time(12, 30), entrata_2=dt.time(13, 30), uscita_2=dt.time(17))
        f.make_ore(s, b, data=dt.date(2025, 4, 8), ore=Decimal("0"), assenza=TipoAssenza.MALATTIA)
        f.make_ore(s, b, data=dt.date(2025, 4, 9), ore=Decimal("6"))
        f.make_ore(s, b, data=dt.date(2025, 4, 10), ore=Decimal("2"), tipo=TipoOre.AFFIANCAMENTO)
        s.commit()
        return {k: p.id for k, p in paths.items()}


def download(client, **args):
    r = client.get("/admin/fogli-ore/scarica/", query_string={"mese": MONTH, "tipo": "registro", **args})
    assert r.status_code == 200, r.status_code
    return r


def sheet(response, name):
    return openpyxl.load_workbook(io.BytesIO(response.data))[name]


def texts(ws) -> list[str]:
    return [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]


def row_of_day(ws, day: int):
    for row in ws.iter_rows():
        if isinstance(row[0].value, dt.datetime) and row[0].value.day == day:
            return [c.value for c in row]
    raise AssertionError(day)


def test_the_register_names_promoter_tutors_host_site_path_and_agreement(app, client_for, april):
    ws = sheet(download(client_for("operatore")), "Bianchi Mario")
    with app.test_request_context():
        header = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(2, 11)}
        cf = db.session.get(f.Percorso, april["Bianchi"]).persona.codice_fiscale
        ente_cf = db.session.get(f.Percorso, april["Bianchi"]).postazione.ente.codice_fiscale
        assert header[gettext("Promoter")].startswith(app.config["AGENZIA_DENOMINAZIONE"])
        assert header[gettext("Promoter's tutor")] == "Ferraglio Giulia"
        assert header[gettext("Host")] == "Officina Rossi · " + gettext("tax code %(code)s", code=ente_cf)
        assert header[gettext("Site")].startswith("Via Roma 3, Lumezzane")
        assert header[gettext("Host tutor")] == "Anna Rossi"
        assert cf in header[gettext("Trainee")]
        assert "03/03/2025" in header[gettext("Path")] and "03/09/2025" in header[gettext("Path")]
        assert header[gettext("Internship agreement")] == gettext("no. %(number)s of %(day)s",
                                                                   number="CONV-7", day="20/01/2025")


def test_a_row_per_day_with_two_shifts_hours_absence_and_two_signature_columns(app, client_for, april):
    ws = sheet(download(client_for("pal")), "Bianchi Mario")
    seventh = row_of_day(ws, 7)
    assert [t.strftime("%H:%M") if t else None for t in seventh[2:6]] == ["08:30", "12:30", "13:30", "17:00"]
    assert seventh[6] == 7.5
    with app.test_request_context():
        assert row_of_day(ws, 8)[7] == TipoAssenza.MALATTIA.label
        assert row_of_day(ws, 23)[7] == "San Giorgio"  # the patron saint of the host's Comune
        headers = [c.value for c in next(r for r in ws.iter_rows() if r[0].value == gettext("Day"))]
        assert headers[-2:] == [gettext("Trainee's signature"), gettext("Host tutor's signature")]
        total = next(r for r in ws.iter_rows() if r[0].value == gettext("Total hours of the month"))
        assert total[6].value == 13.5  # tutoring hours are not attendance
    assert sum(1 for r in ws.iter_rows() if isinstance(r[0].value, dt.datetime)) == 30
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True


def test_a_path_that_is_not_an_internship_has_no_trainee_wording(app, client_for, april):
    ws = sheet(download(client_for("operatore")), "Neri Mario")
    words = " ".join(texts(ws))
    with app.test_request_context():
        for internship_word in (gettext("Trainee"), gettext("Trainee's signature"),
                                gettext("Internship attendance register")):
            assert internship_word not in words
        assert gettext("Participant") in words and gettext("Participant's signature") in words
    assert "tirocinante" not in words.lower()


def test_the_register_as_pdf_has_a_page_per_person(client_for, april):
    r = client_for("amministrazione").get("/admin/fogli-ore/scarica/",
                                          query_string={"mese": MONTH, "tipo": "registro_pdf"})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", r.data)) == 2


def test_a_social_worker_gets_no_register(client_for, april):
    assert client_for("servizio_sociale").get(
        "/admin/fogli-ore/scarica/", query_string={"mese": MONTH, "tipo": "registro"}).status_code == 403


def test_the_cli_writes_the_register_as_xlsx_and_pdf(app, april, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "registro.xlsx"
    result = runner.invoke(args=["export", "registro-presenze", "--mese", MONTH, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames == ["Bianchi Mario", "Neri Mario"]
    pdf = tmp_path / "registro.pdf"
    result = runner.invoke(args=["export", "registro-presenze", "--mese", MONTH, "--ente", "999999", "-o", str(pdf)])
    assert result.exit_code == 0 and "0 registers" in result.output
    assert pdf.read_bytes().startswith(b"%PDF")


def test_text_beyond_the_pdf_font_is_written_as_its_base_letters():
    from views.exports.registro_pdf import pdf_text
    assert pdf_text("Łukasz Ștefan è €") == "Lukasz Stefan è €"


def test_sheet_names_stay_unique_ignoring_case_with_the_set_based_check():
    import xlsxwriter.exceptions

    from views.exports.xlsx import Workbook

    wb = Workbook()
    names = [wb.sheet(n).name for n in ("Rossi Mario", "rossi mario", "Rossi Mario")]
    assert names == ["Rossi Mario", "rossi mario (2)", "Rossi Mario (3)"]
    with pytest.raises(xlsxwriter.exceptions.DuplicateWorksheetName):
        wb.book.add_worksheet("ROSSI MARIO")
    with pytest.raises(xlsxwriter.exceptions.InvalidWorksheetName):
        wb.book.add_worksheet("x" * 32)  # xlsxwriter's own checks still apply
    assert wb.close()[:2] == b"PK"
