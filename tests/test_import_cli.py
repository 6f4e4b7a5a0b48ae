"""`flask import KIND FILE [--dry-run]` and `flask import modello KIND -o FILE.xlsx`."""

from __future__ import annotations

import datetime as dt

import openpyxl
from sqlalchemy import func, select

from models import Persona, RegistroAudit, db
from seed.codici import make_codice_fiscale

from . import messy

CF = make_codice_fiscale("Rossi", "Mario", dt.date(1980, 1, 1), "M", "E738")
HEADER = ["Codice fiscale", "Cognome", "Nome", "Data di nascita", "Comune di residenza"]


def _people(ctx):
    with ctx():
        return db.session.scalar(select(func.count(Persona.id)).where(Persona.cognome.in_(["Rossi", "Neri"])))


def test_cli_imports_and_exits_0_when_every_row_went_in(app, world, ctx, tmp_path):
    path = messy.csv_file(tmp_path / "persone.csv", [HEADER, [CF, "Rossi", "Mario", "01/01/1980", "Lumezzane"]])
    result = app.test_cli_runner().invoke(args=["import", "persone", str(path), "--utente", "operatore@example.org"])
    assert result.exit_code == 0, result.output
    assert "Riga 2: nuova" in result.output and "nuove: 1" in result.output
    assert _people(ctx) == 1
    with ctx():
        log = db.session.scalars(select(RegistroAudit).where(RegistroAudit.tabella == "persona")).one()
        assert "persone.csv" in log.origine and log.utente_id == world.users["operatore"].id


def test_cli_exits_1_and_writes_nothing_when_any_row_is_wrong(app, world, ctx, tmp_path):
    path = messy.csv_file(tmp_path / "persone.csv", [HEADER, [CF, "Rossi", "Mario", "01/01/1980", "Lumezzane"],
                                                     ["NRIXXX", "Neri", "Anna", "01/01/1990", "Lumezzane"]])
    result = app.test_cli_runner().invoke(args=["import", "persone", str(path)])
    assert result.exit_code == 1
    assert "Riga 3: errata" in result.output and "NRIXXX" in result.output
    assert _people(ctx) == 0  # the good row did not go in either: all or nothing


def test_cli_dry_run_reports_and_writes_nothing(app, world, ctx, tmp_path):
    path = messy.csv_file(tmp_path / "persone.csv", [HEADER, [CF, "Rossi", "Mario", "01/01/1980", "Lumezzane"]])
    result = app.test_cli_runner().invoke(args=["import", "persone", str(path), "--dry-run"])
    assert result.exit_code == 0 and "Riga 2: nuova" in result.output
    assert _people(ctx) == 0


def test_cli_template_has_the_headers_an_example_row_and_drop_down_lists(app, world, tmp_path):
    target = tmp_path / "modello.xlsx"
    result = app.test_cli_runner().invoke(args=["import", "modello", "persone", "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    sheet, lists = book.worksheets
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == ["Codice fiscale", "Cognome", "Nome", "Data di nascita", "Sesso", "Comune di residenza"]
    example = {h: c.value for h, c in zip(headers, sheet[2], strict=False)}
    assert example["Cognome"] == "Rossi" and example["Data di nascita"] == dt.datetime(1980, 1, 1)
    validated = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert set(validated) >= {"E2", "F2", "K2"}  # sex, Comune, employment status
    assert lists.sheet_state == "hidden"
    assert "Lumezzane" in [c.value for c in lists["F"]] and [c.value for c in lists["E"] if c.value][1:] == ["M", "F"]
