"""Roles and the Comune scope of social workers, through every URL that reads or writes."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from models import DatiSensibili, Diario, Percorso, Persona, db
from models.base import TipoEvento, TipologiaPercorso

from . import factories as f
from .conftest import csrf_token


def _add_private_data(ctx, world):
    with ctx():
        for pid, cid in ((world.persona, world.percorso), (world.altra_persona, world.altro_percorso)):
            db.session.add(DatiSensibili(persona_id=pid, diagnosi=f"diagnosi-{pid}"))
            db.session.add(
                Diario(percorso_id=cid, data=dt.date(2025, 3, 5), tipo=TipoEvento.COLLOQUIO,
                       descrizione=f"evento-{cid}")
            )
        db.session.commit()


def test_social_worker_lists_only_their_comune(client_for, world, ctx):
    _add_private_data(ctx, world)
    ss = client_for("servizio_sociale")
    html = ss.get("/admin/persona/").get_data(as_text=True)
    assert "Bianchi" in html and "Verdi" not in html
    html = ss.get("/admin/percorso/").get_data(as_text=True)
    assert "Bianchi" in html and "Verdi" not in html
    html = ss.get("/admin/diario/").get_data(as_text=True)
    assert f"evento-{world.percorso}" in html and f"evento-{world.altro_percorso}" not in html
    html = ss.get("/admin/dati_sensibili/").get_data(as_text=True)
    assert "Bianchi" in html and "Verdi" not in html


def test_social_worker_cannot_open_another_comunes_record_by_url(client_for, world, ctx):
    _add_private_data(ctx, world)
    ss = client_for("servizio_sociale")
    other = {
        "persona": world.altra_persona,
        "percorso": world.altro_percorso,
        "dati_sensibili": world.altra_persona,
    }
    for endpoint, pk in other.items():
        for page in ("details", "edit"):
            r = ss.get(f"/admin/{endpoint}/{page}/?id={pk}")
            assert r.status_code == 302, (endpoint, page)
            assert "Verdi" not in ss.get(r.headers["Location"]).get_data(as_text=True)
    with ctx():
        diario_id = db.session.scalar(select(Diario.id).where(Diario.percorso_id == world.altro_percorso))
    assert ss.get(f"/admin/diario/details/?id={diario_id}").status_code == 302
    # A malformed id is "not found", not a crash.
    assert ss.get("/admin/persona/details/?id=1,2").status_code == 302


def test_social_worker_cannot_edit_or_delete_another_comunes_person(client_for, world, ctx):
    ss = client_for("servizio_sociale")
    r = ss.post(f"/admin/persona/edit/?id={world.altra_persona}", data={"cognome": "Hacked"})
    assert r.status_code == 302
    r = ss.post("/admin/persona/ajax/update/", data={"list_form_pk": world.altra_persona, "cognome": "Hacked"})
    assert r.status_code in (403, 404)
    r = ss.post("/admin/persona/delete/", data={"id": world.altra_persona})
    r = ss.post("/admin/persona/action/", data={"action": "delete", "rowid": [world.altra_persona]})
    with ctx():
        verdi = db.session.get(Persona, world.altra_persona)
        assert verdi is not None and verdi.cognome == "Verdi"


def test_social_worker_exports_only_their_comune(client_for, world):
    csv = client_for("servizio_sociale").get("/admin/persona/export/csv/").get_data(as_text=True)
    assert "Bianchi" in csv and "Verdi" not in csv
    csv = client_for("servizio_sociale").get("/admin/percorso/export/csv/").get_data(as_text=True)
    assert "Bianchi" in csv and "Verdi" not in csv


def test_social_worker_pickers_offer_only_their_comune(client_for, world):
    ss = client_for("servizio_sociale")
    data = json.loads(ss.get("/admin/percorso/ajax/lookup/?name=persona&query=").get_data(as_text=True))
    names = " ".join(str(item) for item in data)
    assert "Bianchi" in names and "Verdi" not in names
    data = json.loads(ss.get("/admin/persona/ajax/lookup/?name=comune_residenza&query=").get_data(as_text=True))
    assert [item[1] for item in data] == ["Lumezzane"]
    # The page size asked by the client is capped.
    staff = client_for("operatore")
    data = json.loads(staff.get("/admin/percorso/ajax/lookup/?name=persona&query=&limit=100000").get_data(as_text=True))
    assert len(data) <= 20


def test_social_worker_refers_only_their_comunes_people(client_for, world, ctx):
    ss = client_for("servizio_sociale")
    form = {
        "persona": str(world.altra_persona),
        "programma": str(world.programma),
        "tipologia": TipologiaPercorso.TIROCINIO.name,
        "data_segnalazione": "2025-04-01",
    }
    ss.post("/admin/percorso/new/", data=form)
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Percorso)) == 2
    form["persona"] = str(world.persona)
    r = ss.post("/admin/percorso/new/", data=form)
    assert r.status_code == 302
    with ctx():
        new = db.session.scalars(select(Percorso).order_by(Percorso.id.desc())).first()
        assert new.persona_id == world.persona
        assert new.comune_id == world.comune  # forced to the worker's Comune
        assert new.assistente_sociale_id == world.users["servizio_sociale"].id


def test_social_worker_cannot_register_a_person_of_another_comune(client_for, world, ctx):
    ss = client_for("servizio_sociale")
    form = {
        "codice_fiscale": "RSSMRA85T10A562S",
        "cognome": "Rossi",
        "nome": "Mario",
        "data_nascita": "1985-12-10",
        "sesso": "M",
        "comune_residenza": str(world.altro_comune),
        "condizione_occupazionale": "DISOCCUPATO",
    }
    r = ss.post("/admin/persona/new/", data=form)
    assert r.status_code == 200  # form shown again
    with ctx():
        assert db.session.scalar(select(Persona).where(Persona.cognome == "Rossi")) is None
    form["comune_residenza"] = str(world.comune)
    assert ss.post("/admin/persona/new/", data=form).status_code == 302
    with ctx():
        assert db.session.scalar(select(Persona).where(Persona.cognome == "Rossi")) is not None


def test_sensitive_data_hidden_from_roles_that_do_not_need_them(client_for, world, ctx):
    _add_private_data(ctx, world)
    for role in ("pal", "amministrazione", "admin"):
        client = client_for(role)
        assert client.get("/admin/dati_sensibili/").status_code == 403
        assert client.get(f"/admin/dati_sensibili/details/?id={world.persona}").status_code == 403
    html = client_for("admin").get(f"/admin/persona/details/?id={world.persona}").get_data(as_text=True)
    assert f"diagnosi-{world.persona}" not in html
    assert f"diagnosi-{world.persona}" in client_for("operatore").get(
        f"/admin/dati_sensibili/details/?id={world.persona}").get_data(as_text=True)


def test_read_only_roles_cannot_write_through_any_url(client_for, world, ctx):
    pal = client_for("pal")
    r = pal.post(f"/admin/persona/edit/?id={world.persona}", data={"cognome": "X"})
    assert r.status_code in (302, 403)
    assert pal.post("/admin/persona/ajax/update/", data={"list_form_pk": world.persona, "cognome": "X"}).status_code == 403
    pal.post("/admin/persona/action/", data={"action": "delete", "rowid": [world.persona]})
    pal.post("/admin/persona/delete/", data={"id": world.persona})
    with ctx():
        assert db.session.get(Persona, world.persona).cognome == "Bianchi"


def test_audit_log_cannot_be_changed_by_anyone(client_for, world):
    admin = client_for("admin")
    assert admin.get("/admin/audit/").status_code == 200
    assert admin.get("/admin/audit/new/").status_code in (302, 403)
    assert admin.post("/admin/audit/action/", data={"action": "delete", "rowid": ["1"]}).status_code in (302, 403)
    for role in ("operatore", "pal", "amministrazione", "servizio_sociale"):
        assert client_for(role).get("/admin/audit/").status_code == 403


def test_every_form_and_action_requires_a_csrf_token(app, world, ctx):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client(user=world.users["operatore"])
    r = client.post("/admin/persona/action/", data={"action": "delete", "rowid": [world.persona]})
    assert r.status_code == 400
    r = client.post(f"/admin/persona/edit/?id={world.persona}", data={"cognome": "X"})
    assert r.status_code == 400
    html = client.get(f"/admin/persona/edit/?id={world.persona}").get_data(as_text=True)
    token = csrf_token(html)
    assert token


def test_login_with_password_and_tracking(app, world, ctx):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"email": "operatore@example.org", "password": "wrong", "csrf_token": token})
    assert r.status_code == 200
    assert client.get("/admin/persona/").status_code == 302
    r = client.post("/login", data={"email": "operatore@example.org", "password": f.PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    assert client.get("/admin/persona/").status_code == 200
    with ctx():
        from models import Utente

        user = db.session.scalar(select(Utente).where(Utente.email == "operatore@example.org"))
        assert user.login_count == 1 and user.current_login_at is not None
        assert user.password.startswith("$argon2")


#: The pages that are not a model's list, and the roles each opens to (README, roles).
PAGES = {
    # Issue 14, item 8: a social worker reads their own Comune's reports.
    "/admin/report/": {"operatore", "pal", "amministrazione", "admin", "servizio_sociale"},
    "/admin/fogli-ore/": {"operatore", "pal", "amministrazione"},
    "/admin/scadenze/": {"operatore", "pal", "admin"},
    "/admin/ore-del-mese/?mese=2025-03": {"operatore", "pal", "amministrazione", "admin"},
}


def test_every_page_that_is_not_a_list_has_the_one_role_gate(app, client_for, anon, world):
    """Report, timesheets, deadlines and the month grid inherit RoleBaseView. Anonymous
    visitors are sent to log in, other roles get 403."""
    from views.base import RoleBaseView

    pages = {v.endpoint: v for v in app.extensions["admin"][0]._views}
    assert all(isinstance(pages[e], RoleBaseView)
               for e in ("report", "fogli_ore", "scadenze", "griglia_ore"))
    # pal and amministrazione read the month grid; only the roles that write hours save it.
    grid = f"/admin/ore-del-mese/?percorso={world.percorso}&mese=2025-03"
    for role, status in (("pal", 403), ("amministrazione", 403), ("servizio_sociale", 403)):
        assert client_for(role).post(grid, data={f"c-{world.percorso}-3": "4"}).status_code == status
    for url, readers in PAGES.items():
        r = anon.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"], url
        for role in ("operatore", "pal", "amministrazione", "servizio_sociale", "admin"):
            assert client_for(role).get(url).status_code == (200 if role in readers else 403), (url, role)
