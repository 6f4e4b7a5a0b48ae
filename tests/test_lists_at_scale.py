"""List behaviour that keeps pages fast on large tables: the indexed person search, capped
counts, deep pages as a deferred join, and the paged Scadenze page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from models import Comune, Percorso, Persona, Programma, db
from models.base import StatoPercorso
from views.percorsi import OreView

from . import factories as f


@pytest.fixture
def people(app, world):
    """Rossi Mario, Rossini Anna, Brossi Luca (a substring, not a prefix) and a path each."""
    with app.app_context():
        s = db.session
        comune, programma = s.get(Comune, world.comune), s.get(Programma, world.programma)
        made = {}
        for cognome, nome in (("Rossi", "Mario"), ("Rossini", "Anna"), ("Brossi", "Luca")):
            p = f.make_persona(s, comune, cognome=cognome, nome=nome)
            made[cognome] = (p.id, p.codice_fiscale, f.make_percorso(s, p, comune, programma).id)
        s.commit()
        return made


def _names(html: str) -> set[str]:
    return {n for n in ("Rossi", "Rossini", "Brossi") if re.search(rf">\s*{n}\b", html)}


def test_the_person_search_matches_the_start_of_the_surname_in_any_case(client_for, people):
    html = client_for("operatore").get("/admin/persona/?search=rOSS").get_data(as_text=True)
    assert _names(html) == {"Rossi", "Rossini"}  # Brossi only contains it


def test_the_person_search_matches_surname_and_name_or_the_fiscal_code(client_for, people):
    client = client_for("operatore")
    assert _names(client.get("/admin/persona/?search=rossi ma").get_data(as_text=True)) == {"Rossi"}
    cf = people["Brossi"][1]
    assert _names(client.get(f"/admin/persona/?search={cf[:9].lower()}").get_data(as_text=True)) == {"Brossi"}


def test_the_paths_and_hours_lists_search_their_people(client_for, app, people):
    with app.app_context():
        f.make_ore(db.session, db.session.get(Percorso, people["Rossini"][2]))
        db.session.commit()
    client = client_for("operatore")
    html = client.get("/admin/percorso/?search=rossini").get_data(as_text=True)
    assert f"/admin/percorso/case/{people['Rossini'][2]}/" in html
    assert f"/admin/percorso/case/{people['Rossi'][2]}/" not in html
    html = client.get("/admin/ore/?search=rossini").get_data(as_text=True)
    assert "Rossini" in html and ">Rossi " not in html
    # Vouchers too, by the start of the surname (Brossi only contains it), through the index.
    with app.app_context():
        for cognome in ("Rossini", "Brossi"):
            f.make_voucher(db.session, db.session.get(Percorso, people[cognome][2]))
        db.session.commit()
    html = client.get("/admin/voucher/?search=ross").get_data(as_text=True)
    assert "Rossini" in html and "Brossi" not in html


def test_a_capped_count_stops_and_says_so(client_for, app, world, monkeypatch):
    with app.app_context():
        p = db.session.get(Percorso, world.percorso)
        for day in range(1, 6):
            f.make_ore(db.session, p, data=dt.date(2025, 4, day))
        db.session.commit()
    monkeypatch.setattr(OreView, "count_cap", 3)
    html = client_for("operatore").get("/admin/ore/").get_data(as_text=True)
    assert "Elenco (3)" in html
    assert "prime 3 righe" in html
    monkeypatch.setattr(OreView, "count_cap", 100)
    html = client_for("operatore").get("/admin/ore/").get_data(as_text=True)
    assert "Elenco (5)" in html and "prime 100" not in html


def test_a_deep_page_keeps_the_order_and_the_rows(client_for, app, world):
    with app.app_context():
        p = db.session.get(Percorso, world.percorso)
        days = [dt.date(2025, 3, 3) + dt.timedelta(days=n) for n in range(45)]
        for day in days:
            f.make_ore(db.session, p, data=day)
        db.session.commit()
    client = client_for("operatore")
    seen = []
    for page in range(3):
        html = client.get(f"/admin/ore/?page={page}").get_data(as_text=True)
        seen += re.findall(r"\b(\d\d/\d\d/2025)\b", html)
    expected = [d.strftime("%d/%m/%Y") for d in sorted(days, reverse=True)]
    assert [d for d in seen if d in expected] == expected  # newest first, none lost or repeated


def test_scadenze_is_paged_with_its_totals(client_for, app, world, monkeypatch):
    with app.app_context():
        s = db.session
        comune, programma = s.get(Comune, world.comune), s.get(Programma, world.programma)
        persona = s.get(Persona, world.persona)
        for n in range(4):  # four referrals long past their intake deadline
            f.make_percorso(s, persona, comune, programma, stato=StatoPercorso.SEGNALATO,
                            data_segnalazione=dt.date(2025, 1, 10 + n))
        s.commit()
    monkeypatch.setattr("views.scadenze.PER_PAGE", 2)
    client = client_for("pal")
    first = client.get("/admin/scadenze/").get_data(as_text=True)
    total = int(re.search(r"(\d+) scadenze, (\d+) già scadute", first).group(1))
    assert total >= 4
    rows = lambda html: html.count("table-danger")  # noqa: E731  (overdue rows)
    assert rows(first) == 2
    last = client.get(f"/admin/scadenze/?page={(total - 1) // 2}").get_data(as_text=True)
    assert rows(last) == total - 2 * ((total - 1) // 2)


def test_an_unknown_enum_filter_value_is_refused_not_a_server_error(client_for):
    client = client_for("operatore")
    r = client.get("/admin/percorso/?flt0_stato_equals=NOPE")
    assert r.status_code == 200
    assert "NOPE" in r.get_data(as_text=True)  # named in the flashed "invalid value" message
    assert client.get("/admin/persona/?flt0_sesso_equals=XX").status_code == 200
    assert client.get("/admin/percorso/?flt0_stato_equals=ATTIVO").status_code == 200


def test_a_list_filtered_by_the_paths_comune_follows_the_keys_not_a_join(client_for, app, world):
    """Hours, diary, charges filtered by the referring Comune: the right rows and count, with
    the filter as nested IN subqueries (no outer join that reads the whole table)."""
    with app.app_context():
        s = db.session
        programma, persona = s.get(Programma, world.programma), s.get(Persona, world.persona)
        here, there = s.get(Comune, world.comune), f.make_comune(s, nome="Altrove")
        mine = f.make_percorso(s, persona, here, programma)
        other = f.make_percorso(s, persona, there, programma)
        for day in (3, 4):
            f.make_ore(s, mine, data=dt.date(2025, 3, day))
        f.make_ore(s, other, data=dt.date(2025, 3, 5))
        s.commit()
        nome = here.nome
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda conn, cur, stmt, *a: statements.append(stmt)  # noqa: E731
    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", listener)
    try:
        html = client_for("operatore").get(
            f"/admin/ore/?flt0_comune_equals={nome}").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert "Elenco (2)" in html
    assert "03/03/2025" in html and "04/03/2025" in html and "05/03/2025" not in html
    filtered = [s for s in statements if "comune.nome = ?" in s or "comune.nome = %(" in s]
    assert len(filtered) == 2  # the count and the page
    assert all("IN (SELECT comune.id" in s for s in filtered)
    count = next(s for s in filtered if "count(*)" in s)
    assert "JOIN" not in count
