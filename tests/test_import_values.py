"""The import's pure core, without Flask or a database: values as people write them, headers
matched whatever their spelling, the readers of .xlsx, .ods and .csv (messy files built here)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.importazione.colonne import column_letter, find_header
from models.importazione.lettura import FileErrato, read_rows
from models.importazione.tipo_ore import hours, month_of
from models.importazione.tipo_percorsi import _righe
from models.importazione.tipo_persone import CAMPI as PERSONE
from models.importazione.valori import ValoreErrato, boolean, code, date, decimal, normalize, text

from . import messy


def test_dates_as_spreadsheet_cells_serial_numbers_and_italian_text():
    day = dt.date(2025, 3, 7)
    assert date(day) == day
    assert date(dt.datetime(2025, 3, 7, 0, 0)) == day
    assert date(messy.serial(day)) == day
    assert date(float(messy.serial(day))) == day
    for written in ("07/03/2025", "7/3/2025", "7/3/25", " 07-03-2025 ", "7.3.2025", "2025-03-07", "07/03/2025 00:00"):
        assert date(written) == day, written
    assert date("1/1/80") == dt.date(1980, 1, 1)
    assert date("") is None and date(None) is None


@pytest.mark.parametrize("bad", ["31/02/2025", "03/2025", "domani", "45.5", 45.5])
def test_a_date_that_is_not_one_is_refused_naming_the_value(bad):
    with pytest.raises(ValoreErrato, match="is not a date"):
        date(bad)


def test_decimals_with_a_comma_thousands_with_a_point_and_euro_signs():
    assert decimal("7,5") == Decimal("7.5")
    assert decimal("7.5") == Decimal("7.5")
    assert decimal("1.234,50") == Decimal("1234.50")
    assert decimal("€ 10.000,00") == Decimal("10000.00")
    assert decimal("10.000") == Decimal("10000")
    assert decimal(7.25) == Decimal("7.25")
    with pytest.raises(ValoreErrato):
        decimal("sette")


def test_codes_get_back_the_zeros_a_spreadsheet_took_away_and_text_loses_its_spaces():
    assert code(17096.0, 6) == "017096"
    assert code(" 025065 ", 5) == "025065"
    assert code("rssmra80a01h501u") == "RSSMRA80A01H501U"
    assert text("  Rossi\xa0 ") == "Rossi"
    assert text(3331234567.0) == "3331234567"


def test_yes_and_no_in_italian():
    assert boolean("Sì") is True and boolean("x") is True and boolean(True) is True
    assert boolean("no") is False and boolean("0") is False
    with pytest.raises(ValoreErrato):
        boolean("forse")


def test_hours_as_decimals_clock_times_and_absence_marks():
    assert hours("7,5") == Decimal("7.50")
    assert hours("7:30") == Decimal("7.50")
    assert hours(dt.time(6, 15)) == Decimal("6.25")
    assert hours("A") is None and hours("ferie") is None and hours(0) is None and hours("") is None
    with pytest.raises(ValoreErrato, match="not a number of hours"):
        hours("mezza giornata")


def test_the_month_of_an_attendance_sheet_from_a_title_or_a_cell():
    assert month_of("Foglio presenze - Marzo 2025") == (2025, 3)
    assert month_of("03/2025") == (2025, 3)
    assert month_of("2025-03") == (2025, 3)
    assert month_of(dt.date(2025, 3, 1)) == (2025, 3)
    assert month_of("Elenco presenze") is None


def test_voucher_lines_as_codes_and_quantities():
    assert _righe("ATT 1; ORA 10") == (("ATT", Decimal("1")), ("ORA", Decimal("10")))
    assert _righe("att, ora x 10,5") == (("ATT", Decimal("1")), ("ORA", Decimal("10.5")))
    with pytest.raises(ValoreErrato, match="not a voucher line"):
        _righe("dieci ore di tutoraggio")


def test_headers_match_whatever_their_case_accents_spacing_or_synonym():
    assert normalize(" Cod. Fiscale ") == normalize("codfiscale")
    rows = [["Elenco persone 2024"], [], ["CF", "COGNOME ", "nome", "Nato il", "Residenza", "Città"], ["x"]]
    header = find_header(rows, PERSONE)
    assert header.row_index == 2
    assert header.columns == {"codice_fiscale": 0, "cognome": 1, "nome": 2, "data_nascita": 3,
                              "comune_residenza": 4}
    assert header.unmatched == {5: "Città"}
    assert header.header_of("data_nascita") == "D «Nato il»"
    assert column_letter(27) == "AB"


def test_the_issue_headers_of_people_all_match():
    rows = [["Codice fiscale", "Cognome", "Nome", "Data di nascita", "Sesso", "Comune di residenza",
             "Indirizzo", "CAP", "Telefono", "Email"]]
    header = find_header(rows, PERSONE)
    assert not header.unmatched and len(header.columns) == 10


def test_a_header_merged_down_two_rows_beside_sub_headers_under_a_group():
    rows = [["Codice fiscale", "Anagrafica", None, "Data di nascita"],
            [None, "Cognome", "Nome", None],
            ["RSSMRA80A01H501U", "Rossi", "Mario", "01/01/1980"]]
    header = find_header(rows, PERSONE)
    assert header.row_index == 1
    assert header.columns == {"codice_fiscale": 0, "cognome": 1, "nome": 2, "data_nascita": 3}


def test_a_mapping_chosen_for_an_unknown_column_is_applied():
    rows = [["CF", "Cognome", "Nome", "Luogo di residenza"]]
    assert find_header(rows, PERSONE).unmatched == {3: "Luogo di residenza"}
    header = find_header(rows, PERSONE, mapping={3: "comune_residenza"})
    assert header.columns["comune_residenza"] == 3 and not header.unmatched


def test_xlsx_rows_keep_the_spreadsheet_row_numbers_title_and_merged_cells(tmp_path):
    path = messy.xlsx(tmp_path / "p.xlsx", [["CF", "Cognome"], ["X", "Rossi"]], title="Elenco",
                      group=(0, 1, "Anagrafica"), start_col=1)
    rows = list(read_rows(path, "p.xlsx"))
    assert rows[0][0] == 1 and rows[0][1][0] == "Elenco"
    numbered = {n: [c for c in cells if c not in (None, "")] for n, cells in rows}
    assert numbered[3] == ["Anagrafica"] and numbered[4] == ["CF", "Cognome"] and numbered[5] == ["X", "Rossi"]
    assert rows[-1][1][1] == "X"  # column B stays column B


def test_ods_rows_and_date_cells(tmp_path):
    path = messy.ods(tmp_path / "p.ods", [["Titolo"], ["CF", "Nato il"], ["X", dt.date(1980, 1, 1)]])
    rows = dict(read_rows(path, "p.ods"))
    assert rows[3][1] == dt.date(1980, 1, 1)


def test_csv_with_semicolons_in_windows_1252_and_with_commas_in_utf8(tmp_path):
    path = messy.csv_file(tmp_path / "a.csv", [["Città", "Note"], ["Forlì", "sì; certo"]], ";", "cp1252")
    assert list(read_rows(path, "a.csv")) == [(1, ["Città", "Note"]), (2, ["Forlì", "sì; certo"])]
    path = messy.csv_file(tmp_path / "b.csv", [["Città", "Ore"], ["Forlì", "7,5"]], ",", "utf-8-sig")
    assert list(read_rows(path, "b.csv")) == [(1, ["Città", "Ore"]), (2, ["Forlì", "7,5"])]


def test_a_file_that_is_not_a_table_is_refused_in_words(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(FileErrato, match="use .xlsx, .ods or .csv"):
        read_rows(path, "x.pdf")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(FileErrato, match="cannot be read"):
        read_rows(broken, "broken.xlsx")
