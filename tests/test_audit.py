"""The audit log records every create, update and delete made through the console."""

from __future__ import annotations

import re

from sqlalchemy import select

from models import CategoriaSvantaggio, Persona, RegistroAudit, db


def _audit(ctx, **where):
    with ctx():
        stmt = select(RegistroAudit).order_by(RegistroAudit.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(RegistroAudit, key) == value)
        rows = db.session.scalars(stmt).all()
        return [(r.azione, r.tabella, r.record_id, r.utente_id, r.modifiche, r.momento) for r in rows]


PERSONA = {
    "codice_fiscale": "RSSMRA85T10A562S",
    "cognome": "Rossi",
    "nome": "Mario",
    "data_nascita": "1985-12-10",
    "sesso": "M",
    "condizione_occupazionale": "DISOCCUPATO",
}


def test_create_is_logged_with_user_time_record_and_values(client_for, world, ctx):
    client = client_for("operatore")
    r = client.post("/admin/persona/new/", data={**PERSONA, "comune_residenza": str(world.comune)})
    assert r.status_code == 302
    with ctx():
        rossi = db.session.scalar(select(Persona).where(Persona.cognome == "Rossi"))
    rows = _audit(ctx, tabella="persona", azione="create")
    assert len(rows) == 1
    action, table, record_id, user_id, changes, when = rows[0]
    assert record_id == str(rossi.id)
    assert user_id == world.users["operatore"].id
    assert when is not None
    assert changes["cognome"] == [None, "Rossi"]
    assert changes["data_nascita"] == [None, "1985-12-10"]
    assert changes["comune_residenza_id"] == [None, world.comune]


def test_update_logs_each_changed_field_before_and_after(client_for, world, ctx):
    client = client_for("operatore")
    with ctx():
        p = db.session.get(Persona, world.persona)
        form = {
            "codice_fiscale": p.codice_fiscale,
            "cognome": "Bianchini",
            "nome": p.nome,
            "data_nascita": p.data_nascita.isoformat(),
            "sesso": p.sesso.name,
            "comune_residenza": str(p.comune_residenza_id),
            "condizione_occupazionale": "OCCUPATO",
        }
    r = client.post(f"/admin/persona/edit/?id={world.persona}", data=form)
    assert r.status_code == 302
    rows = _audit(ctx, tabella="persona", azione="update")
    assert len(rows) == 1
    changes = rows[0][4]
    assert changes["cognome"] == ["Bianchi", "Bianchini"]
    assert changes["condizione_occupazionale"] == ["DISOCCUPATO", "OCCUPATO"]
    assert "nome" not in changes  # unchanged fields are not logged


def test_many_to_many_changes_are_logged(client_for, world, ctx):
    with ctx():
        cat = db.session.scalar(select(CategoriaSvantaggio))
        p = db.session.get(Persona, world.persona)
        form = {
            "codice_fiscale": p.codice_fiscale,
            "cognome": p.cognome,
            "nome": p.nome,
            "data_nascita": p.data_nascita.isoformat(),
            "sesso": p.sesso.name,
            "comune_residenza": str(p.comune_residenza_id),
            "condizione_occupazionale": p.condizione_occupazionale.name,
            "categorie": [str(cat.id)],
        }
    assert client_for("operatore").post(f"/admin/persona/edit/?id={world.persona}", data=form).status_code == 302
    changes = _audit(ctx, tabella="persona", azione="update")[0][4]
    assert changes["categorie"] == [[], ["L. 381/91"]]


def test_delete_is_logged_with_the_values_it_removed(client_for, world, ctx):
    admin = client_for("admin")
    r = admin.post("/admin/ente/delete/", data={"id": str(world.ente)})
    assert r.status_code == 302
    rows = _audit(ctx, tabella="ente_ospitante", azione="delete")
    assert len(rows) == 1
    assert rows[0][2] == str(world.ente)
    assert rows[0][3] == world.users["admin"].id
    assert rows[0][4]["ragione_sociale"][1] is None


def test_refused_input_changes_nothing_and_logs_nothing(client_for, world, ctx):
    client = client_for("operatore")
    bad = {**PERSONA, "codice_fiscale": "RSSMRA85T10A562X", "comune_residenza": str(world.comune)}
    r = client.post("/admin/persona/new/", data=bad)
    assert r.status_code == 200
    assert _audit(ctx) == []
    with ctx():
        assert db.session.scalar(select(Persona).where(Persona.cognome == "Rossi")) is None


def test_admin_reads_and_filters_the_log(client_for, world):
    client_for("operatore").post("/admin/persona/new/", data={**PERSONA, "comune_residenza": str(world.comune)})
    admin = client_for("admin")
    html = admin.get("/admin/audit/").get_data(as_text=True)
    assert "Rossi Mario" in html
    html = admin.get("/admin/audit/?search=Rossi").get_data(as_text=True)
    assert "Rossi Mario" in html
    html = admin.get("/admin/audit/?search=nessuno").get_data(as_text=True)
    assert "Rossi Mario" not in html


def test_seed_and_cli_changes_are_not_attributed_to_a_user(session, world):
    session.add(CategoriaSvantaggio(codice="X", descrizione="prova"))
    session.commit()
    assert session.scalar(select(RegistroAudit)) is None


def _changes_table(html: str) -> list[list[str]]:
    """The rows (field, before, after) of an audit details page's table of changes."""
    table = re.search(r'<table class="table table-sm">(.*?)</table>', html, re.S).group(1)
    return [[" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S) if "<td>" in row]


def test_audit_details_show_fields_before_and_after(client_for, world, ctx):
    client_for("operatore").post("/admin/persona/new/", data={**PERSONA, "comune_residenza": str(world.comune)})
    with ctx():
        audit_id = db.session.scalar(select(RegistroAudit.id))
    html = client_for("admin").get(f"/admin/audit/details/?id={audit_id}").get_data(as_text=True)
    rows = {field: (before, after) for field, before, after in _changes_table(html)}
    # The form's labels, the values as people read them: no column names, JSON or enum names.
    assert rows["Cognome"] == ("—", "Rossi")
    assert rows["Condizione occupazionale"] == ("—", "disoccupato")
    assert rows["Comune di residenza"] == ("—", "Lumezzane")
    assert rows["Data di nascita"][1].count("/") == 2
    assert "creazione" in html and "Persona" in html
    for raw in ("cognome", "null", "DISOCCUPATO", "comune_residenza_id", "&#34;"):
        assert raw not in str(rows), raw


def test_audit_list_filters_by_table(app, client_for, world):
    client_for("operatore").post("/admin/persona/new/", data={**PERSONA, "comune_residenza": str(world.comune)})
    admin = client_for("admin")
    views = app.extensions["admin"][0]._views
    audit_view = next(v for v in views if getattr(v, "endpoint", "") == "audit")
    with app.test_request_context():
        name = next(k for k, (_, flt) in audit_view._filter_args.items()
                    if k.endswith("_equals") and getattr(flt.column, "key", "") == "tabella")
    assert "Rossi Mario" in admin.get(f"/admin/audit/?flt0_{name}=persona").get_data(as_text=True)
    assert "Rossi Mario" not in admin.get(f"/admin/audit/?flt0_{name}=comune").get_data(as_text=True)
