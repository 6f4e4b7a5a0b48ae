"""Import (issue 13) through the engine: messy files the tests build, every kind, the natural
keys that make a second import change nothing, the audit log, the Comune scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask_babel import gettext
from sqlalchemy import func, select

from models import (
    Addebito,
    Budget,
    EnteOspitante,
    Ore,
    Percorso,
    Persona,
    Postazione,
    RegistroAudit,
    Utente,
)
from models.base import Esito, StatoPercorso, StatoVoucher, TipoOre
from models.importazione import ERRATA, INVARIATA, MODIFICATA, NUOVA, run_import
from seed.codici import make_codice_fiscale, make_partita_iva

from . import factories as f
from . import messy

CF_ROSSI = make_codice_fiscale("Rossi", "Mario", dt.date(1980, 1, 1), "M", "E738")
CF_BIANCHI = make_codice_fiscale("Bianchi", "Anna", dt.date(1990, 5, 17), "F", "E738")
PERSONE_HEADER = ["Cod. Fiscale ", "COGNOME", "Nome", "Nato il", "Residenza", "CAP", "E-mail", "Sesso"]


def run(session, kind, path, actor=None, **kw):
    results = []
    report = run_import(session, kind, path, path.name, actor=actor, on_row=results.append, **kw)
    return report, {r.row: r for r in results}


def user(session, world, role) -> Utente:
    return session.get(Utente, world.users[role].id)


@pytest.fixture
def lumezzane(session, world):
    comune = session.get(f.Comune, world.comune)
    comune.codice_istat = "017096"
    session.flush()
    return comune


def people_file(tmp_path, rows, name="persone.xlsx"):
    """People under a title row and a merged group header, from column B."""
    return messy.xlsx(tmp_path / name, [PERSONE_HEADER, *rows], title="Elenco utenti 2024",
                      group=(1, 2, "Anagrafica"), start_col=1)


def test_people_from_a_messy_spreadsheet_are_created(session, world, lumezzane, tmp_path):
    path = people_file(tmp_path, [
        [f"  {CF_ROSSI.lower()} ", "Rossi ", " Mario", messy.serial(dt.date(1980, 1, 1)), 17096, 25065,
         "Mario.Rossi@Example.org", None],
        [], [],  # empty rows are passed over
        [CF_BIANCHI, "Bianchi", "Anna", "17/5/90", "Lumezzane", "25065", None, "F"],
    ])
    report, rows = run(session, "persone", path, user(session, world, "operatore"))
    assert report.ok and report.counts[NUOVA] == 2 and report.header_row == 4
    assert sorted(rows) == [5, 8]
    rossi = session.scalar(select(Persona).where(Persona.codice_fiscale == CF_ROSSI))
    assert (rossi.cognome, rossi.nome, rossi.data_nascita, rossi.cap) == ("Rossi", "Mario", dt.date(1980, 1, 1), "25065")
    assert rossi.comune_residenza_id == lumezzane.id and rossi.email == "Mario.Rossi@example.org"
    assert rossi.sesso.name == "M"  # read off the codice fiscale
    bianchi = session.scalar(select(Persona).where(Persona.codice_fiscale == CF_BIANCHI))
    assert bianchi.data_nascita == dt.date(1990, 5, 17) and bianchi.sesso.name == "F"


def test_a_second_import_of_the_same_file_changes_nothing(session, world, lumezzane, tmp_path):
    path = people_file(tmp_path, [[CF_ROSSI, "Rossi", "Mario", "01/01/1980", "Lumezzane", 25065, None, None]])
    operatore = user(session, world, "operatore")
    assert run(session, "persone", path, operatore)[0].counts[NUOVA] == 1
    logged = session.scalar(select(func.count(RegistroAudit.id)))
    report, rows = run(session, "persone", path, operatore)
    assert report.counts == {NUOVA: 0, MODIFICATA: 0, INVARIATA: 1, ERRATA: 0}
    assert session.scalar(select(func.count(Persona.id)).where(Persona.codice_fiscale == CF_ROSSI)) == 1
    assert session.scalar(select(func.count(RegistroAudit.id))) == logged


def test_a_changed_value_is_shown_before_and_after_and_an_empty_cell_erases_nothing(session, world, lumezzane,
                                                                                   tmp_path):
    p = f.make_persona(session, lumezzane, codice_fiscale=CF_ROSSI, cognome="Rossi", nome="Mario",
                       data_nascita=dt.date(1980, 1, 1), email="mario@example.org")
    path = people_file(tmp_path, [[CF_ROSSI, "Rossi", "Mario Luigi", "01/01/1980", "Lumezzane", None, None, None]])
    report, rows = run(session, "persone", path, user(session, world, "operatore"))
    assert rows[5].status == MODIFICATA
    assert rows[5].changes == [["D «Nome»", "Mario", "Mario Luigi"]]
    assert p.nome == "Mario Luigi" and p.email == "mario@example.org"


def test_a_wrong_codice_fiscale_and_an_unknown_comune_name_the_row_and_the_column(session, world, lumezzane,
                                                                                 tmp_path):
    path = people_file(tmp_path, [["RSSMRA80A01E738X", "Rossi", "Mario", "31/02/1980", "Atlantide", None, None, None]])
    report, rows = run(session, "persone", path, user(session, world, "operatore"))
    assert not report.ok and rows[5].status == ERRATA
    errors = dict(rows[5].errors)
    assert errors["B «Cod. Fiscale»"] == gettext("The codice fiscale %(value)s is not valid.", value="RSSMRA80A01E738X")
    assert "31/02/1980" in errors["E «Nato il»"]
    assert errors["F «Residenza»"] == gettext("No %(what)s «%(value)s» is in the console.",
                                              what=gettext("Comune"), value="Atlantide")
    assert session.scalar(select(Persona).where(Persona.cognome == "Rossi")) is None


def test_duplicate_rows_in_one_file_same_values_read_once_other_values_wrong(session, world, lumezzane, tmp_path):
    row = [CF_ROSSI, "Rossi", "Mario", "01/01/1980", "Lumezzane", None, None, None]
    path = people_file(tmp_path, [row, list(row), [*row[:2], "Marco", *row[3:]]])
    report, rows = run(session, "persone", path, user(session, world, "operatore"))
    assert [rows[n].status for n in (5, 6, 7)] == [NUOVA, INVARIATA, ERRATA]
    assert "5" in rows[6].note
    assert gettext("Row %(row)s has the same %(key)s with other values: keep one of the two rows.",
                   row=5, key=gettext("codice fiscale")) == rows[7].errors[0][1]


def test_a_missing_required_column_refuses_the_file_before_any_row(session, world, tmp_path):
    path = messy.xlsx(tmp_path / "p.xlsx", [["CF", "Cognome", "Nome"], [CF_ROSSI, "Rossi", "Mario"]])
    report, rows = run(session, "persone", path, user(session, world, "operatore"))
    assert not rows and not report.ok
    assert any(gettext("Birth date") in e for e in report.file_errors)


def test_every_imported_change_is_in_the_audit_log_with_the_file_name(session, world, lumezzane, tmp_path):
    path = people_file(tmp_path, [[CF_ROSSI, "Rossi", "Mario", "01/01/1980", "Lumezzane", None, None, None]],
                       name="utenti-2024.xlsx")
    operatore = user(session, world, "operatore")
    run(session, "persone", path, operatore)
    rossi = session.scalar(select(Persona).where(Persona.codice_fiscale == CF_ROSSI))
    log = session.scalars(select(RegistroAudit).where(RegistroAudit.tabella == "persona",
                                                      RegistroAudit.record_id == str(rossi.id))).one()
    assert log.azione == "create" and log.utente_id == operatore.id
    assert "utenti-2024.xlsx" in log.origine and log.modifiche["cognome"] == [None, "Rossi"]


def test_people_from_ods_and_hosts_from_a_semicolon_windows_1252_csv(session, world, lumezzane, tmp_path):
    path = messy.ods(tmp_path / "p.ods", [["Codice fiscale", "Cognome", "Nome", "Data di nascita", "Comune di residenza"],
                                          [CF_ROSSI, "Rossi", "Mario", dt.date(1980, 1, 1), "Lumezzane (BS)"]])
    assert run(session, "persone", path)[0].counts[NUOVA] == 1
    piva = make_partita_iva(4242)
    path = messy.csv_file(tmp_path / "enti.csv", [
        ["Ragione sociale", "Tipo", "P. IVA", "Comune", "Data convenzione", "Scadenza convenzione"],
        ["Società Cooperativa Sole", "coop b", piva, "017096", "1/2/25", "31/12/2026"],
        ["Senza codici", "impresa", "", "Lumezzane", "", ""],
    ])
    report, rows = run(session, "enti", path, user(session, world, "operatore"))
    assert rows[2].status == NUOVA and rows[3].status == ERRATA
    ente = session.scalar(select(EnteOspitante).where(EnteOspitante.partita_iva == piva))
    assert ente.ragione_sociale == "Società Cooperativa Sole" and ente.codice_fiscale == piva
    assert ente.tipo.name == "COOP_B" and ente.convenzione_data == dt.date(2025, 2, 1)


def test_positions_by_host_name_with_decimal_commas_and_a_list_of_path_types(session, world, lumezzane, tmp_path):
    ente = session.get(EnteOspitante, world.ente)
    path = messy.csv_file(tmp_path / "post.csv", [
        ["Ente ospitante", "Mansione", "N. posti", "Ore sett.", "Tipologie accettate", "Dal"],
        [ente.ragione_sociale, "Magazziniere ", "2", "20,5", "tirocinio, assistenziale", "01/01/2025"],
        [ente.partita_iva, "Cuoco", "0", "", "tirocinio", "01/01/2025"],
    ], ",", "utf-8")
    report, rows = run(session, "postazioni", path, user(session, world, "operatore"))
    assert rows[2].status == NUOVA and rows[3].status == ERRATA
    assert rows[3].errors == [["C «N. posti»", gettext("A position needs at least one seat.")]]
    post = session.scalar(select(Postazione).where(Postazione.ente_id == ente.id, Postazione.mansione == "Magazziniere"))
    assert post.ore_settimanali == Decimal("20.5") and post.accetta_tirocinio and post.accetta_assistenziale
    assert not post.accetta_inserimento and post.posti == 2
    report, rows = run(session, "postazioni", path.with_name("post.csv"), user(session, world, "operatore"))
    assert rows[2].status == INVARIATA


def test_a_budget_imported_again_with_another_amount_keeps_its_history(session, world, tmp_path):
    path = messy.csv_file(tmp_path / "budget.csv", [["Comune", "Dal", "Al", "Importo"],
                                                    ["Lumezzane", "01/01/2026", "31/12/2026", "€ 10.000,00"]])
    pal = user(session, world, "pal")
    assert run(session, "budget", path, pal)[0].counts[NUOVA] == 1
    messy.csv_file(path, [["Comune", "Dal", "Al", "Importo"], ["Lumezzane", "01/01/2026", "31/12/2026", "12.500,50"]])
    report, rows = run(session, "budget", path, pal)
    assert rows[2].status == MODIFICATA and rows[2].changes[0][1:] == ["10.000,00\xa0€", "12.500,50\xa0€"]
    budget = session.scalar(select(Budget).where(Budget.comune_id == world.comune, Budget.data_inizio == dt.date(2026, 1, 1)))
    assert budget.importo_iniziale == Decimal("10000.00")
    assert [v.importo for v in budget.variazioni] == [Decimal("2500.50")] and "budget.csv" in budget.variazioni[0].motivo
    assert budget.stanziato_con_variazioni() == Decimal("12500.50")


def test_a_role_that_does_not_import_a_kind_is_refused(session, world, tmp_path):
    path = messy.csv_file(tmp_path / "budget.csv", [["Comune", "Dal", "Al", "Importo"]])
    report = run(session, "budget", path, user(session, world, "operatore"))[0]
    assert not report.ok and report.file_errors
    report = run(session, "persone", path, user(session, world, "amministrazione"))[0]
    assert not report.ok and report.file_errors


# --- paths with their history, hours ---------------------------------------------------------

PERCORSI_HEADER = ["CF", "Comune segnalante", "Tipologia", "Data segnalazione", "Presa in carico",
                   "Primo colloquio", "Data proposta voucher", "Righe voucher", "Approvato il", "Ente ospitante",
                   "Mansione", "Data avvio", "Fine prevista", "Esito", "Data fine", "Tipo contratto"]


@pytest.fixture
def scene(session, world):
    comune = session.get(f.Comune, world.comune)
    programma = session.get(f.Programma, world.programma)
    f.make_budget(session, programma, comune, importo_iniziale=Decimal("1000.00"))
    persona = f.make_persona(session, comune, codice_fiscale=CF_ROSSI)
    ente = session.get(EnteOspitante, world.ente)
    f.make_postazione(session, ente, mansione="Magazziniere")
    return persona, ente


def history_row(ente, **kw):
    values = dict(cf=CF_ROSSI, comune="Lumezzane", tipologia="tirocinio", segnalazione="01/03/2025",
                  presa="05/03/2025", colloquio="07/03/2025", proposta="10/03/2025", righe="ATT 1; ORA 10",
                  approvato="12/03/2025", ente=ente.partita_iva, mansione="Magazziniere", avvio="17/03/2025",
                  fine_prevista="17/09/2025", esito="assunto", fine="30/09/2025", contratto="indeterminato")
    values.update(kw)
    return list(values.values())


def test_a_path_with_its_history_goes_through_the_operations_and_a_second_import_changes_nothing(
        session, world, scene, tmp_path):
    persona, ente = scene
    path = messy.csv_file(tmp_path / "percorsi.csv", [PERCORSI_HEADER, history_row(ente)])
    operatore, pal = user(session, world, "operatore"), user(session, world, "pal")
    report, rows = run(session, "percorsi", path, operatore, options={"approvato_da": pal.email})
    assert report.ok, rows[2].errors
    p = session.scalar(select(Percorso).where(Percorso.persona_id == persona.id))
    assert p.stato == StatoPercorso.CONCLUSO and p.esito == Esito.ASSUNTO and p.datore_lavoro_id == ente.id
    assert (p.data_presa_in_carico, p.data_avvio, p.data_fine) == (dt.date(2025, 3, 5), dt.date(2025, 3, 17),
                                                                  dt.date(2025, 9, 30))
    (v,) = p.vouchers
    assert v.stato == StatoVoucher.APPROVATO and v.decisore_id == pal.id and v.importo_impegnato == Decimal("500.20")
    charges = session.scalars(select(Addebito).where(Addebito.percorso_id == p.id)).all()
    assert [c.voce_listino.codice for c in charges] == ["ATT"]  # hired by its own host: no hiring charge
    again, rows = run(session, "percorsi", path, operatore, options={"approvato_da": pal.email})
    assert again.counts[INVARIATA] == 1 and again.ok


def test_path_history_obeys_the_same_rules_as_the_console(session, world, scene, tmp_path):
    persona, ente = scene
    operatore, pal = user(session, world, "operatore"), user(session, world, "pal")
    path = messy.csv_file(tmp_path / "percorsi.csv", [PERCORSI_HEADER,
                                                      history_row(ente, righe="ATT 1; ORA 100")])
    report, rows = run(session, "percorsi", path, operatore, options={"approvato_da": pal.email})
    (column, message), = rows[2].errors
    assert column == "I «Approvato il»" and "1.000,00" in message  # the budget does not cover it
    no_pal = run(session, "percorsi", path, operatore)[1][2]
    assert no_pal.status == ERRATA


def test_a_step_recorded_with_another_date_is_not_rewritten(session, world, scene, tmp_path):
    persona, ente = scene
    f.make_percorso(session, persona, session.get(f.Comune, world.comune), session.get(f.Programma, world.programma),
                    stato=StatoPercorso.PRESO_IN_CARICO, data_presa_in_carico=dt.date(2025, 3, 4))
    path = messy.csv_file(tmp_path / "p.csv", [PERCORSI_HEADER[:5], history_row(ente)[:5]])
    report, rows = run(session, "percorsi", path, user(session, world, "operatore"))
    assert rows[2].status == ERRATA and rows[2].errors[0][0] == "E «Presa in carico»"
    assert "04/03/2025" in rows[2].errors[0][1]


def test_hours_by_day_and_in_the_month_layout_of_an_attendance_sheet(session, world, scene, tmp_path):
    persona, ente = scene
    operatore, pal = user(session, world, "operatore"), user(session, world, "pal")
    path = messy.csv_file(tmp_path / "percorsi.csv", [PERCORSI_HEADER[:13], history_row(ente)[:13]])
    assert run(session, "percorsi", path, operatore, options={"approvato_da": pal.email})[0].ok
    sheet = messy.xlsx(tmp_path / "aprile.xlsx", [["Cognome", "Codice fiscale", *range(1, 31), "Totale"],
                                                   ["Rossi", CF_ROSSI, 4, "7,5", "7:30", "A", None, None, 6]],
                       title="Foglio presenze - Aprile 2025")
    report, rows = run(session, "ore", sheet, operatore)
    assert report.ok and rows[4].status == NUOVA and len(rows[4].changes) == 4
    p = session.scalar(select(Percorso).where(Percorso.persona_id == persona.id))
    hours = dict(session.execute(select(Ore.data, Ore.ore).where(Ore.percorso_id == p.id)).all())
    assert hours == {dt.date(2025, 4, 1): Decimal("4"), dt.date(2025, 4, 2): Decimal("7.5"),
                     dt.date(2025, 4, 3): Decimal("7.5"), dt.date(2025, 4, 7): Decimal("6")}
    assert run(session, "ore", sheet, operatore)[1][4].status == INVARIATA
    daily = messy.csv_file(tmp_path / "ore.csv", [["CF", "Data", "Ore", "Tipo"],
                                                  [CF_ROSSI, "02/04/2025", "5", "presenza"],
                                                  [CF_ROSSI, "03/04/2025", "2", "affiancamento"],
                                                  [CF_ROSSI, "03/03/2025", "2", ""]])
    report, rows = run(session, "ore", daily, operatore)
    assert [rows[n].status for n in (2, 3, 4)] == [MODIFICATA, NUOVA, ERRATA]
    assert rows[4].errors[0][0] == "B «Data»"
    tutoring = session.scalar(select(Ore).where(Ore.percorso_id == p.id, Ore.tipo == TipoOre.AFFIANCAMENTO))
    assert session.scalar(select(Addebito.quantita).where(Addebito.ore_id == tutoring.id)) == Decimal("2")


# --- the Comune of a social worker ----------------------------------------------------------


def test_a_social_worker_imports_only_people_and_referrals_of_their_comune(session, world, lumezzane, tmp_path):
    ss = user(session, world, "servizio_sociale")
    path = people_file(tmp_path, [[CF_ROSSI, "Rossi", "Mario", "01/01/1980", "Lumezzane", None, None, None],
                                  [CF_BIANCHI, "Bianchi", "Anna", "17/05/1990", "Gardone Val Trompia", None, None, None]])
    report, rows = run(session, "persone", path, ss, comune_id=world.comune)
    assert rows[5].status == NUOVA and rows[6].status == ERRATA
    assert rows[6].errors == [["F «Residenza»", gettext("You can import only people resident in your Comune.")]]
    referrals = messy.csv_file(tmp_path / "segnalazioni.csv", [
        ["CF", "Comune segnalante", "Tipologia", "Data segnalazione", "Presa in carico"],
        [CF_ROSSI, "", "tirocinio", "01/03/2025", ""],
        [CF_ROSSI, "Gardone Val Trompia", "tirocinio", "02/03/2025", ""],
        [CF_ROSSI, "", "tirocinio", "03/03/2025", "05/03/2025"],
        [f.make_persona(session, session.get(f.Comune, world.altro_comune)).codice_fiscale, "", "tirocinio",
         "01/03/2025", ""],
    ])
    report, rows = run(session, "percorsi", referrals, ss, comune_id=world.comune)
    assert [rows[n].status for n in (2, 3, 4, 5)] == [NUOVA, ERRATA, ERRATA, ERRATA]
    assert rows[4].errors[0][0] == "E «Presa in carico»"
    p = session.scalar(select(Percorso).where(Percorso.data_segnalazione == dt.date(2025, 3, 1),
                                              Percorso.comune_id == world.comune,
                                              Percorso.persona.has(codice_fiscale=CF_ROSSI)))
    assert p.stato == StatoPercorso.SEGNALATO and p.assistente_sociale_id == ss.id
    again = messy.csv_file(tmp_path / "di-nuovo.csv", [["CF", "Tipologia", "Data segnalazione"],
                                                       [CF_ROSSI, "tirocinio", "01/03/2025"]])
    assert run(session, "percorsi", again, ss, comune_id=world.comune)[1][2].status == INVARIATA
    changed = messy.csv_file(tmp_path / "cambiata.csv", [["CF", "Tipologia", "Data segnalazione"],
                                                         [CF_ROSSI, "assistenziale", "01/03/2025"]])
    row = run(session, "percorsi", changed, ss, comune_id=world.comune)[1][2]
    assert row.status == ERRATA and row.errors[0][0] == "B «Tipologia»"  # only the agency changes a referral
