"""GDPR (issue 11, item 6): the append-only log of readings of special-category data, the
person's own data export, anonymisation that keeps the statistics, and erasure refused while
accounting records must be kept."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from models import (
    Addebito,
    DatiSensibili,
    Diario,
    Fattura,
    LetturaDatiSensibili,
    Percorso,
    Persona,
    RegistroAudit,
    db,
)
from models.base import Esito, StatoPercorso, TipoEvento, TipoVoce
from models.operations.gdpr import ANONIMO, REMOVED
from models.reports import Periodo, indicatori_esito, semestrale

from . import factories as f

YEAR_2020 = Periodo(dt.date(2020, 1, 1), dt.date(2020, 12, 31))


def readings(ctx) -> list[tuple[int, int, str]]:
    with ctx():
        return [tuple(r) for r in db.session.execute(
            select(LetturaDatiSensibili.utente_id, LetturaDatiSensibili.persona_id,
                   LetturaDatiSensibili.azione).order_by(LetturaDatiSensibili.id))]


@pytest.fixture
def sensitive(world, ctx):
    """Special-category data of the world's person (the operatore's Comune)."""
    with ctx():
        db.session.add(DatiSensibili(persona_id=world.persona, diagnosi="Diagnosi riservata",
                                     percentuale_invalidita=46, iscritto_l68=True))
        db.session.commit()
    return world


def test_every_reading_of_special_category_data_is_logged(client_for, sensitive, ctx):
    w = sensitive
    client = client_for("operatore")
    user = w.users["operatore"].id
    assert "46" in client.get("/admin/dati_sensibili/").get_data(as_text=True)
    assert client.get(f"/admin/dati_sensibili/details/?id={w.persona}").status_code == 200
    assert client.get(f"/admin/dati_sensibili/edit/?id={w.persona}").status_code == 200
    assert "46,00" in client.get("/admin/dati_sensibili/export/csv/").get_data(as_text=True)
    assert readings(ctx) == [(user, w.persona, "lista"), (user, w.persona, "dettaglio"),
                             (user, w.persona, "modifica"), (user, w.persona, "export")]


def test_a_social_worker_s_readings_are_logged_too_and_scoped(client_for, sensitive, ctx):
    client_for("servizio_sociale_altro").get("/admin/dati_sensibili/")
    assert readings(ctx) == []  # another Comune's person: not shown, not logged
    client_for("servizio_sociale").get("/admin/dati_sensibili/")
    assert readings(ctx) == [(sensitive.users["servizio_sociale"].id, sensitive.persona, "lista")]


def test_the_reading_log_is_for_admins_only(client_for, sensitive):
    assert client_for("admin").get("/admin/letture/").status_code == 200
    for role in ("operatore", "pal", "amministrazione", "servizio_sociale"):
        assert client_for(role).get("/admin/letture/").status_code == 403
    r = client_for("admin").post("/admin/letture/new/", data={})
    assert r.status_code in (302, 403)


@pytest.mark.parametrize("sql", ["UPDATE lettura_dati_sensibili SET azione = 'x'",
                                 "DELETE FROM lettura_dati_sensibili"])
def test_the_database_refuses_to_change_the_reading_log(client_for, sensitive, ctx, sql):
    client_for("operatore").get("/admin/dati_sensibili/")
    with ctx():
        nested = db.session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(sql))
        nested.rollback()
        assert db.session.scalar(select(func.count()).select_from(LetturaDatiSensibili)) == 1


def test_the_person_page_exports_everything_held_about_the_person(client_for, sensitive, ctx):
    w = sensitive
    client = client_for("operatore")
    page = client.get(f"/admin/persona/details/?id={w.persona}").get_data(as_text=True)
    assert f"/admin/persona/gdpr/{w.persona}/" in page
    r = client.get(f"/admin/persona/gdpr/{w.persona}/")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.headers["Cache-Control"] == "no-store"
    data = json.loads(r.get_data(as_text=True))
    assert data["persona"]["cognome"] == "Bianchi"
    assert [p["id"] for p in data["percorsi"]] == [w.percorso]
    assert data["dati_sensibili"]["diagnosi"] == "Diagnosi riservata"
    assert readings(ctx)[-1] == (w.users["operatore"].id, w.persona, "export_gdpr")
    # The export names who read the special-category data.
    assert data["letture_dati_sensibili"][0]["utente"] == "operatore@example.org"


def test_a_role_that_may_not_read_special_category_data_exports_the_rest(client_for, sensitive):
    data = client_for("pal").get(f"/admin/persona/gdpr/{sensitive.persona}/").get_json()
    assert data["persona"]["cognome"] == "Bianchi" and "dati_sensibili" not in data


def test_the_person_export_follows_the_person_s_access(client_for, sensitive):
    url = f"/admin/persona/gdpr/{sensitive.persona}/"
    assert client_for("servizio_sociale").get(url).status_code == 200
    assert client_for("servizio_sociale_altro").get(url).status_code == 404
    assert client_for("amministrazione").get(url).status_code == 403


# -- anonymisation and erasure -----------------------------------------------------------


@pytest.fixture
def closed_long_ago(world, ctx):
    """The world's person: a path concluded with hiring in 2020, hours, diary, a charge
    invoiced in 2020, special-category data, contacts and an audit trail; plus a person with
    a path still open."""
    with ctx():
        s = db.session
        p = s.get(Percorso, world.percorso)
        p.data_segnalazione = dt.date(2020, 1, 10)
        p.data_presa_in_carico, p.data_avvio = dt.date(2020, 1, 20), dt.date(2020, 2, 1)
        p.stato, p.esito, p.data_fine = StatoPercorso.CONCLUSO, Esito.NON_ASSUNTO, dt.date(2020, 9, 30)
        p.note, p.motivo_chiusura = "Telefonare alla sorella", "Trasferito a Roma"
        persona = s.get(Persona, world.persona)
        persona.email, persona.telefono, persona.indirizzo = "bianchi@example.org", "3331234567", "Via X 1"
        s.add(DatiSensibili(persona=persona, diagnosi="Diagnosi riservata"))
        s.add(Diario(percorso=p, data=dt.date(2020, 3, 1), tipo=TipoEvento.COLLOQUIO,
                     descrizione="Racconta della sua malattia"))
        f.make_ore(s, p, data=dt.date(2020, 3, 2))
        (charge,) = f.make_charges(s, p, TipoVoce.ATTIVAZIONE_TIROCINIO, 1, day=dt.date(2020, 2, 1))
        fattura = f.make_fattura_emessa(s, p.comune, p.programma, anno=2020, numero=7,
                                        data=dt.date(2020, 4, 1))
        charge.riga_fattura_id = f.make_riga_fattura(s, fattura).id
        s.add(RegistroAudit(momento=dt.datetime(2020, 1, 10, 9), utente_id=world.users["operatore"].id,
                            azione="create", tabella="persona", record_id=str(persona.id),
                            descrizione=str(persona),
                            modifiche={"cognome": [None, "Bianchi"], "sesso": [None, "M"]}))
        s.commit()
    return world


def figures(ctx) -> dict:
    with ctx():
        s = db.session
        return {
            "semestrale": [tuple(r) for r in semestrale(s, YEAR_2020)],
            "esiti": indicatori_esito(s, YEAR_2020),
            "paths": s.execute(select(Percorso.id, Percorso.stato, Percorso.esito,
                                      Percorso.data_fine, Percorso.comune_id)
                               .order_by(Percorso.id)).all(),
            "charges": s.execute(select(Addebito.id, Addebito.quantita, Addebito.riga_fattura_id)
                                 .order_by(Addebito.id)).all(),
            "invoices": s.execute(select(Fattura.id, Fattura.numero, Fattura.imponibile,
                                         Fattura.iva)).all(),
        }


def anonymise(app, *args):
    return app.test_cli_runner().invoke(args=["gdpr", "anonimizza", *args])


def test_dry_run_lists_who_would_be_anonymised_and_changes_nothing(app, closed_long_ago, ctx):
    before = figures(ctx)
    result = anonymise(app, "--prima-del", "2021-01-01", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"persona #{closed_long_ago.persona}" in result.output
    assert f"persona #{closed_long_ago.altra_persona}" not in result.output  # open path
    assert "1 people would be anonymised" in result.output
    with ctx():
        assert db.session.get(Persona, closed_long_ago.persona).cognome == "Bianchi"
    assert figures(ctx) == before


def test_anonymisation_removes_identity_and_keeps_the_statistics(app, closed_long_ago, ctx):
    w = closed_long_ago
    before = figures(ctx)
    result = anonymise(app, "--prima-del", "2021-01-01")
    assert result.exit_code == 0 and "1 people anonymised." in result.output
    with ctx():
        s = db.session
        p = s.get(Persona, w.persona)
        assert (p.cognome, p.nome) == (ANONIMO, f"#{w.persona}")
        assert p.codice_fiscale.startswith("ANON") and "BNC" not in p.codice_fiscale
        assert (p.email, p.telefono, p.indirizzo, p.note) == (None, None, None, None)
        assert p.data_nascita.month == 1 and p.data_nascita.day == 1 and p.anonimizzata_il
        assert s.get(DatiSensibili, w.persona) is None
        assert {d.descrizione for d in s.scalars(select(Diario).where(Diario.percorso_id == w.percorso))} == {REMOVED}
        path = s.get(Percorso, w.percorso)
        assert path.note is None and path.motivo_chiusura == REMOVED
        audit = s.scalars(select(RegistroAudit).where(RegistroAudit.tabella == "persona")).all()
        assert all("Bianchi" not in json.dumps(a.modifiche) + a.descrizione for a in audit)
        assert audit[0].modifiche["sesso"] == [None, "M"]
        assert s.get(Persona, w.altra_persona).cognome == "Verdi"
    assert figures(ctx) == before
    # Run again: nobody left to anonymise.
    assert "0 people anonymised." in anonymise(app, "--prima-del", "2021-01-01").output


def test_an_anonymised_person_cannot_be_edited(app, client_for, closed_long_ago, ctx):
    anonymise(app, "--prima-del", "2021-01-01")
    r = client_for("operatore").post(
        f"/admin/persona/edit/?id={closed_long_ago.persona}",
        data={"cognome": "Bianchi", "nome": "Mario"}, follow_redirects=True)
    assert "anonimizzata" in r.get_data(as_text=True)
    with ctx():
        assert db.session.get(Persona, closed_long_ago.persona).cognome == ANONIMO


def test_anonymisation_date_cannot_be_in_the_future(app):
    result = anonymise(app, "--prima-del", "2999-01-01")
    assert result.exit_code != 0
    assert "futuro" in result.output or "future" in result.output


def test_erasure_is_refused_while_invoices_must_be_kept(client_for, closed_long_ago, ctx):
    w = closed_long_ago
    r = client_for("admin").post("/admin/persona/delete/", data={"id": str(w.persona)},
                                 follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "fattura 7/2020 del 01/04/2020" in page and "01/04/2030" in page
    assert "10 anni" in page
    with ctx():
        assert db.session.get(Persona, w.persona) is not None


def test_erasure_deletes_the_person_once_retention_is_over(client_for, closed_long_ago, ctx):
    w = closed_long_ago
    with ctx():
        db.session.execute(text("UPDATE fattura SET data = '2014-04-01', anno = 2014"))
        db.session.commit()
    r = client_for("admin").post("/admin/persona/delete/", data={"id": str(w.persona)},
                                 follow_redirects=True)
    assert r.status_code == 200
    with ctx():
        s = db.session
        assert s.get(Persona, w.persona) is None
        assert s.get(Percorso, w.percorso) is None
        assert s.scalar(select(func.count()).select_from(Fattura)) == 1  # the invoice stays
        trail = s.scalars(select(RegistroAudit).where(RegistroAudit.record_id == str(w.persona),
                                                      RegistroAudit.tabella == "persona")).all()
        assert "Bianchi" not in json.dumps([a.modifiche for a in trail])
        assert any("cancellazione_gdpr" in a.modifiche for a in trail)


def test_erasure_is_refused_for_a_person_with_an_open_path(client_for, world, ctx):
    r = client_for("admin").post("/admin/persona/delete/", data={"id": str(world.persona)},
                                 follow_redirects=True)
    assert "percorso aperto" in r.get_data(as_text=True)
    with ctx():
        assert db.session.get(Persona, world.persona) is not None
