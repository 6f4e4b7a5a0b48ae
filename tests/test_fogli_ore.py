"""Fogli ore and indemnities (issue 4, items 1, 2, 6): workbooks read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
from flask_babel import gettext

from models import db
from models.base import StatoPercorso, TipologiaPercorso, TipoOre
from models.indennita import compute_indennita, working_days

from . import factories as f

MARCH = "2025-03"
#: Mondays to Fridays of March 2025 (1 March is a Saturday; 31 March a Monday).
MARCH_WORKING_DAYS = [d for d in range(1, 32) if dt.date(2025, 3, d).weekday() < 5]
ITALIAN_WEEKDAYS = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")


@dataclass
class March:
    """Ids and the attendance written for the March 2025 scenario."""

    bianchi: int
    verdi: int
    formula: int
    aprile: int
    ente_a: int
    ente_b: int
    comune: int
    altro_comune: int
    hours: dict  # percorso id -> {date: Decimal}


def attivo(session, persona, comune, programma, postazione, avvio=dt.date(2025, 3, 1), **kw):
    """An internship started at ``postazione`` on ``avvio``."""
    return f.make_percorso(
        session, persona, comune, programma,
        stato=StatoPercorso.ATTIVO, data_segnalazione=dt.date(2025, 2, 1),
        data_presa_in_carico=dt.date(2025, 2, 10), data_avvio=avvio, postazione=postazione, **kw,
    )


def attend(session, percorso, hours: dict, tipo=TipoOre.PRESENZA):
    for day, h in hours.items():
        f.make_ore(session, percorso, data=day, ore=Decimal(h), tipo=tipo)


@pytest.fixture
def march(app, world):
    """Three trainees active in March (one named like a formula), one starting in April."""
    with app.app_context():
        s = db.session
        comune, altro = s.get(f.Comune, world.comune), s.get(f.Comune, world.altro_comune)
        prog = s.get(f.Programma, world.programma)
        # The issue 4 rule: 500 a month, full from 70 %, pro rata below, whole months.
        f.make_regola_indennita(s, prog, importo_con_pasti=None, importo_part_time=None,
                                importo_ente_pubblico=None, presenza_minima_pct=Decimal("70"),
                                pro_rata_sotto_minimo=True, pro_rata_mese_parziale=False)
        ente_a = f.make_ente(s, comune, ragione_sociale="Officina Rossi", tutor_aziendale="Anna Rossi")
        ente_b = f.make_ente(s, altro, ragione_sociale="Coop Verde")
        pos_a = f.make_postazione(s, ente_a, mansione="Magazziniere", ore_settimanali=Decimal("20"))
        pos_b = f.make_postazione(s, ente_b, mansione="Giardiniere", ore_settimanali=Decimal("20"))
        bianchi = attivo(s, f.make_persona(s, comune, cognome="Bianchi"), comune, prog, pos_a)
        verdi = attivo(s, f.make_persona(s, altro, cognome="Verdi"), altro, prog, pos_b)
        strano = f.make_persona(s, comune, cognome="=SUM(1,2)", nome="Zeta",
                                codice_fiscale=f.make_codice_fiscale("Zeta", "Zeta", dt.date(1990, 5, 5), "M", "B157"))
        formula = attivo(s, strano, comune, prog, pos_a)
        aprile = attivo(s, f.make_persona(s, comune, cognome="Aprile"), comune, prog, pos_a,
                        avvio=dt.date(2025, 4, 1))
        hours = {
            bianchi.id: {dt.date(2025, 3, d): "4" for d in MARCH_WORKING_DAYS[:15]},  # 60 h
            verdi.id: {dt.date(2025, 3, 3): "7.5", dt.date(2025, 3, 4): "3.25"},
            formula.id: {},
        }
        for pid, days in hours.items():
            attend(s, s.get(f.Percorso, pid), days)
        # Not attendance, or not March: never on the March timesheet.
        attend(s, bianchi, {dt.date(2025, 3, 20): "2"}, tipo=TipoOre.AFFIANCAMENTO)
        attend(s, bianchi, {dt.date(2025, 2, 28): "5"})
        s.commit()
        return March(bianchi.id, verdi.id, formula.id, aprile.id, ente_a.id, ente_b.id,
                     comune.id, altro.id,
                     {pid: {d: Decimal(h) for d, h in days.items()} for pid, days in hours.items()})


def workbook(response):
    assert response.status_code == 200, response.status_code
    data = response.data
    response.close()  # as a WSGI server does: closes a streamed temporary file
    return openpyxl.load_workbook(io.BytesIO(data))


def download(client, **args):
    return client.get("/admin/fogli-ore/scarica/", query_string={"mese": MARCH, "tipo": "fogli", **args})


def row_of(ws, label) -> int:
    """The 1-based row whose first cell is ``label``."""
    for (cell,) in ws.iter_rows(min_col=1, max_col=1):
        if cell.value == label:
            return cell.row
    raise AssertionError(f"no {label!r} in column A")


def value_next_to(ws, label, col=2):
    return ws.cell(row_of(ws, label), col).value


# -- the timesheets ---------------------------------------------------------------------------


def test_one_sheet_per_person_active_in_the_month(client_for, march):
    wb = workbook(download(client_for("operatore")))
    assert wb.sheetnames == ["=SUM(1,2) Zeta", "Bianchi Mario", "Verdi Mario"]


def test_the_header_names_person_fiscal_code_host_position_tutor_and_month(app, client_for, march):
    wb = workbook(download(client_for("pal")))
    ws = wb["Bianchi Mario"]
    with app.app_context():
        cf = db.session.get(f.Percorso, march.bianchi).persona.codice_fiscale
        assert value_next_to(ws, gettext("Person")) == "Bianchi Mario"
        assert value_next_to(ws, gettext("Fiscal code")) == cf
        assert value_next_to(ws, gettext("Host")) == "Officina Rossi"
        assert value_next_to(ws, gettext("Position")) == "Magazziniere"
        assert value_next_to(ws, gettext("Company tutor")) == "Anna Rossi"
        month = ws.cell(row_of(ws, gettext("Month")), 2)
        assert month.value == dt.datetime(2025, 3, 1) and month.number_format == "mm/yyyy"


def test_a_row_per_day_with_its_italian_weekday(app, client_for, march):
    ws = workbook(download(client_for("operatore")))["Verdi Mario"]
    with app.app_context():
        first = row_of(ws, gettext("Date")) + 1
    days = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(first, first + 31)]
    assert [d for d, _ in days] == [dt.datetime(2025, 3, n) for n in range(1, 32)]
    assert [w for _, w in days] == [ITALIAN_WEEKDAYS[d.weekday()] for d, _ in days]
    assert ws.cell(first, 1).number_format == "dd/mm/yyyy"
    assert ws.freeze_panes == f"A{first}" and ws.auto_filter.ref.startswith(f"A{first - 1}:")


def test_daily_hours_and_total_are_the_attendance_of_the_month(app, client_for, march):
    wb = workbook(download(client_for("amministrazione")))
    with app.app_context():
        date_label, total_label = gettext("Date"), gettext("Total")
    for sheet, pid in (("Bianchi Mario", march.bianchi), ("Verdi Mario", march.verdi)):
        ws = wb[sheet]
        first = row_of(ws, date_label) + 1
        shown = {ws.cell(r, 1).value.date(): ws.cell(r, 3).value for r in range(first, first + 31)}
        expected = march.hours[pid]
        assert {d: h for d, h in shown.items() if h is not None} == {d: float(h) for d, h in expected.items()}
        assert value_next_to(ws, total_label, col=3) == float(sum(expected.values()))
    assert value_next_to(wb["Bianchi Mario"], total_label, col=3) == 60.0


def test_a_timesheet_prints_on_one_a4_portrait_page(client_for, march):
    ws = workbook(download(client_for("operatore")))["Bianchi Mario"]
    assert ws.page_setup.paperSize == 9
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # 1 is the OOXML default, which xlsxwriter leaves out (openpyxl then reads None); 0 would
    # mean "as many pages as needed".
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight in (None, 1)
    assert ws.print_area and "$A$1:$C$" in ws.print_area


def test_a_timesheet_has_signature_boxes_for_trainee_and_host_tutor(app, client_for, march):
    ws = workbook(download(client_for("operatore")))["Bianchi Mario"]
    with app.app_context():
        for label in (gettext("Trainee's signature"), gettext("Host tutor's signature")):
            box = ws.cell(row_of(ws, label), 2)
            assert box.border.bottom.style == "thin"


# -- the indemnity rule -----------------------------------------------------------------------


def rule(attended, weekly="20", pct="70", pro_rata=True, days=21, mensile="500.00"):
    return compute_indennita(
        ore_settimanali=None if weekly is None else Decimal(weekly), giorni_lavorativi=days,
        ore_presenza=Decimal(attended), indennita_mensile=Decimal(mensile),
        presenza_minima_pct=Decimal(pct), pro_rata=pro_rata,
    )


def test_expected_hours_are_weekly_hours_over_five_times_working_days_in_the_active_period():
    assert len(MARCH_WORKING_DAYS) == 21
    assert working_days(2025, 3, dt.date(2025, 1, 1), None) == 21
    # From Monday 17 to Monday 31 March: 11 working days; ended on Friday 7: 5.
    assert working_days(2025, 3, dt.date(2025, 3, 17), None) == 11
    assert working_days(2025, 3, dt.date(2025, 2, 1), dt.date(2025, 3, 7)) == 5
    assert rule("0", days=11).ore_previste == Decimal("44")  # 20 / 5 x 11


def test_full_indemnity_at_or_above_the_minimum_attendance():
    # 70 % of 84 expected hours is 58.8 hours.
    assert rule("58.8").importo == Decimal("500.00")
    assert rule("60").importo == Decimal("500.00")


def test_pro_rata_indemnity_below_the_minimum_rounded_half_up():
    assert rule("50").importo == Decimal("297.62")  # 500 x 50 / 84 = 297.619...
    assert rule("42", mensile="100.01").importo == Decimal("50.01")  # 50.005 -> half-up


def test_no_indemnity_below_the_minimum_when_pro_rata_is_off():
    assert rule("58.75", pro_rata=False).importo == Decimal("0.00")


def test_missing_weekly_hours_computes_nothing_and_the_sheet_says_so(app, client_for, march):
    ind = rule("60", weekly=None)
    assert ind.manca_orario and ind.importo is None and ind.ore_previste is None
    with app.app_context():
        ente = db.session.get(f.EnteOspitante, march.ente_b)
        ente.postazioni[0].ore_settimanali = None
        db.session.commit()
        note = gettext("The position has no weekly hours: the indemnity is not computed.")
        label = gettext("Indemnity")
    ws = workbook(download(client_for("operatore")))["Verdi Mario"]
    assert value_next_to(ws, label) == note


def test_each_timesheet_shows_expected_hours_share_and_indemnity(app, client_for, march):
    ws = workbook(download(client_for("operatore")))["Bianchi Mario"]
    with app.app_context():
        assert value_next_to(ws, gettext("Expected hours"), col=3) == 84.0
        assert value_next_to(ws, gettext("Attendance share"), col=3) == pytest.approx(60 / 84)
        assert value_next_to(ws, gettext("Indemnity"), col=3) == 500.0


def test_the_payroll_summary_has_a_row_per_trainee_and_totals(app, client_for, march):
    ws = workbook(download(client_for("amministrazione"), tipo="riepilogo")).worksheets[0]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    body, total = rows[:-1], rows[-1]
    assert [r[0] for r in body] == ["=SUM(1,2) Zeta", "Bianchi Mario", "Verdi Mario"]
    # Verdi: 10.75 of 84 hours -> 500 x 10.75 / 84 = 63.988 -> 63.99; Zeta: nothing attended.
    assert [(r[2], r[4], r[5], r[7]) for r in body] == [
        ("Lumezzane", 84.0, 0.0, 0.0),
        ("Lumezzane", 84.0, 60.0, 500.0),
        ("Gardone Val Trompia", 84.0, 10.75, 63.99),
    ]
    assert (total[4], total[5], total[7]) == (252.0, 70.75, 563.99)
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref.startswith("A3:")
    assert ws.cell(4, 8).number_format.startswith("#,##0.00")


def test_text_starting_with_equals_is_stored_as_text(client_for, march):
    wb = workbook(download(client_for("operatore")))
    cell = wb["=SUM(1,2) Zeta"]["B2"]
    assert cell.value == "=SUM(1,2) Zeta" and cell.data_type == "s"
    summary = workbook(download(client_for("operatore"), tipo="riepilogo")).worksheets[0]
    assert summary["A4"].value == "=SUM(1,2) Zeta" and summary["A4"].data_type == "s"


# -- the selections ---------------------------------------------------------------------------


def test_selection_by_comune(client_for, march):
    wb = workbook(download(client_for("operatore"), comune=march.altro_comune))
    assert wb.sheetnames == ["Verdi Mario"]


def test_selection_by_host(client_for, march):
    wb = workbook(download(client_for("operatore"), ente=march.ente_a))
    assert wb.sheetnames == ["=SUM(1,2) Zeta", "Bianchi Mario"]


def test_selected_rows_of_the_paths_list(client_for, march):
    response = client_for("operatore").post(
        "/admin/percorso/action/",
        data={"action": "fogli_ore", "rowid": [str(march.verdi), str(march.bianchi)], "mese": MARCH},
    )
    assert workbook(response).sheetnames == ["Bianchi Mario", "Verdi Mario"]


def test_nothing_active_in_the_month_flashes_instead_of_an_empty_file(client_for, march):
    response = download(client_for("operatore"), ids=march.aprile)
    assert response.status_code == 302 and "/admin/fogli-ore/" in response.headers["Location"]


# -- roles and the command line ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["operatore", "pal", "amministrazione"])
def test_the_page_is_open_to_agency_pal_and_accounts(client_for, march, role):
    assert client_for(role).get("/admin/fogli-ore/").status_code == 200


def test_a_social_worker_is_refused(client_for, march):
    client = client_for("servizio_sociale")
    assert client.get("/admin/fogli-ore/").status_code == 403
    assert download(client).status_code == 403
    response = client.post("/admin/percorso/action/",
                           data={"action": "fogli_ore", "rowid": [str(march.bianchi)], "mese": MARCH})
    assert response.status_code == 302  # a refused action is ignored: no workbook
    assert "fogli_ore" not in client.get("/admin/percorso/").get_data(as_text=True)


def test_the_cli_writes_the_timesheets_and_the_summary(app, march, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "fogli.xlsx"
    result = runner.invoke(args=["export", "fogli-ore", "--mese", MARCH, "--comune", "Lumezzane",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)  # written in constant-memory mode
    assert wb.sheetnames == ["=SUM(1,2) Zeta", "Bianchi Mario"]
    with app.app_context():
        assert value_next_to(wb["Bianchi Mario"], gettext("Total"), col=3) == 60.0
    out = tmp_path / "indennita.xlsx"
    result = runner.invoke(args=["export", "indennita", "--mese", MARCH, "-o", str(out)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert [r[7] for r in ws.iter_rows(min_row=4, values_only=True)][-1] == 563.99


def test_attendance_is_read_in_one_query_whatever_the_number_of_people(app, client_for, world, march,
                                                                          count_statements):
    client = client_for("operatore")
    download(client)  # warm up the login and the caches
    with count_statements() as few:
        workbook(download(client))
    with app.app_context():
        s = db.session
        prog, comune = s.get(f.Programma, world.programma), s.get(f.Comune, march.comune)
        pos = s.get(f.EnteOspitante, march.ente_a).postazioni[0]
        for n in range(5):
            p = attivo(s, f.make_persona(s, comune, cognome=f"Extra{chr(65 + n)}"), comune, prog, pos)
            attend(s, p, {dt.date(2025, 3, 3): "4"})
        s.commit()
    with count_statements() as many:
        assert len(workbook(download(client)).sheetnames) == 8
    assert many.count == few.count


def test_only_internships_have_an_indemnity(app, client_for, march):
    with app.app_context():
        db.session.get(f.Percorso, march.verdi).tipologia = TipologiaPercorso.INSERIMENTO_LAVORATIVO
        db.session.commit()
    ws = workbook(download(client_for("pal"), tipo="riepilogo")).worksheets[0]
    assert "Verdi Mario" not in [r[0] for r in ws.iter_rows(min_row=4, values_only=True)]
    sheet = workbook(download(client_for("pal")))["Verdi Mario"]
    with app.app_context():
        assert gettext("Indemnity") not in [c.value for (c,) in sheet.iter_rows(max_col=1)]


# -- large exports ----------------------------------------------------------------------------


def test_many_timesheets_stream_in_constant_memory_with_few_open_files(app, tmp_path):
    """Sheets are released as they are written: 300 people under a 128-descriptor limit."""
    import resource

    from models.indennita import Foglio
    from views.exports.fogli_ore import build_fogli_ore

    def fogli():
        for n in range(300):
            yield Foglio(n, f"Persona {n:03d}", "RSSMRA80A01B157X", "Lumezzane", "Ente", "Mansione",
                         None, 2025, 3, False, {3: Decimal("4")}, Decimal("4"))

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    out = tmp_path / "many.xlsx"
    resource.setrlimit(resource.RLIMIT_NOFILE, (128, hard))
    try:
        with app.app_context():
            _, n = build_fogli_ore(fogli(), target=str(out), constant_memory=True)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    wb = openpyxl.load_workbook(out)
    assert n == 300 and len(wb.sheetnames) == 300
    last = wb["Persona 299"]
    with app.app_context():
        assert value_next_to(last, gettext("Total"), col=3) == 4.0


def test_the_page_streams_large_selections_through_a_temporary_file(client_for, march, monkeypatch):
    import views.fogli_ore as page

    monkeypatch.setattr(page, "STREAM_ABOVE", 0)
    wb = workbook(download(client_for("operatore")))
    assert wb.sheetnames == ["=SUM(1,2) Zeta", "Bianchi Mario", "Verdi Mario"]
