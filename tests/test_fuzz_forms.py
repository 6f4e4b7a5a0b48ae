"""Issue 10, item 3: every create and edit form of every role, fed bad input, answers with a
message (never HTTP 500) and leaves the stored rows as they were.

The forms are read as a browser would (the edit page of a record the role may open, fields
and current values scraped from the HTML); then one field at a time gets a bad payload of its
kind and the rest stay as they were, so that the refusal comes from that payload (a baseline
post of the unchanged form is accepted). Payloads are sampled per field kind and rotated over
the roles that share a form, rather than a cartesian product: huge ids in pickers and selects,
NUL bytes and over-long text, NaN and infinities in number fields, 0001-01-01 and 9999-12-31 in
date fields, blanks in required fields, markup in fields with a format (e-mail, codes). Free
text (names, notes) may hold markup: it is stored as typed and shown escaped.
Runs on SQLite and PostgreSQL alike (TEST_DATABASE_URL); the data are built once per module.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import text

from models import DatiSensibili, Diario, Ore, Percorso, VariazioneBudget, db
from models.base import StatoPercorso, TipoEvento
from models.operations import fatture as fatture_ops
from views.base import RoleModelView

from . import factories as f
from . import paths

HUGE_ID = "99999999999999999999"
#: Fields whose value has a format: markup there must be refused.
FORMATTED = {"email", "pec", "codice_fiscale", "partita_iva", "cap", "codice_istat", "codice_ipa",
             "codice_catastale", "provincia", "cig", "cup"}
PAYLOADS = {
    "date": ["0001-01-01", "9999-12-31", "31/02/2025", "07/03"],
    "number": ["NaN", "Infinity", "-Infinity", "1e400", HUGE_ID],
    "choice": [HUGE_ID, "-1", "abc"],
    "text": ["a\x00b", "x" * 10_001],
    "password": ["password\x00lunga"],
}


class FormReader(HTMLParser):
    """The fields of the console form of a page: name -> (kind, value or values, attributes)."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.fields: dict[str, dict] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "admin-form" in (a.get("class") or ""):
            self.in_form = True
        if not self.in_form or not a.get("name") and tag != "option":
            return
        name = a.get("name")
        if tag == "input":
            kind = a.get("type", "text")
            if name == "csrf_token" or kind in ("submit", "button"):
                return
            if kind == "checkbox":
                self.fields[name] = {"kind": "checkbox", "value": "y" if "checked" in a else None}
                return
            if a.get("data-role") == "data-it":
                kind = "date"
            elif a.get("data-role") == "select2-ajax":
                kind = "choice"
            elif a.get("inputmode") in ("decimal", "numeric"):
                kind = "number"
            elif kind == "password":
                kind = "password"
            elif kind == "hidden":
                kind = "hidden"
            else:
                kind = "text"
            self.fields[name] = {"kind": kind, "value": a.get("value", ""),
                                 "required": "required" in a, "maxlength": a.get("maxlength")}
        elif tag == "select":
            self._select = name
            self.fields[name] = {"kind": "choice", "value": [] if "multiple" in a else "",
                                 "required": "required" in a}
        elif tag == "option" and self._select and "selected" in a:
            field = self.fields[self._select]
            if isinstance(field["value"], list):
                field["value"].append(a.get("value", ""))
            else:
                field["value"] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = {"kind": "text", "value": "", "required": "required" in a}

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea]["value"] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.in_form = False


def read_form(html: str) -> dict[str, dict]:
    reader = FormReader()
    reader.feed(html)
    return reader.fields


def baseline(fields) -> dict:
    return {name: spec["value"] for name, spec in fields.items() if spec["value"] is not None}


def payloads_for(name: str, spec: dict, turn: int) -> list[str]:
    """A payload for the field, rotated by ``turn`` over its kind's list."""
    kind = spec["kind"]
    if kind in ("hidden", "checkbox") or name.endswith("-id"):
        return []
    base = list(PAYLOADS.get(kind, []))
    if kind == "text":
        field = name.rsplit("-", 1)[-1]
        if spec.get("maxlength"):
            base.append("x" * (int(spec["maxlength"]) + 1))
        if field in FORMATTED:
            base.append("<script>alert(1)</script>")
        if spec.get("required"):
            base.append("   ")
    if not base:
        return []
    return [base[turn % len(base)]]


@pytest.fixture(scope="module")
def data(module_savepoint):
    """A record of every editable kind, visible to the Comune's social worker where scoped."""
    app = module_savepoint
    with app.app_context():
        s = db.session
        w = f.make_world(s)
        p = s.get(Percorso, w.percorso.id)
        p.stato, p.data_presa_in_carico, p.data_primo_colloquio = (
            StatoPercorso.IN_VALUTAZIONE, paths.INTAKE, paths.INTERVIEW)
        s.flush()
        paths.new_voucher(s, p)
        s.add(DatiSensibili(persona=w.persona, diagnosi="diagnosi"))
        s.add(Diario(percorso=p, data=paths.INTERVIEW, tipo=TipoEvento.COLLOQUIO, descrizione="colloquio"))
        f.make_postazione(s, w.ente)
        budget = f.make_budget(s, w.programma, w.comune)
        s.add(VariazioneBudget(budget=budget, data=dt.date(2025, 6, 1), importo=Decimal("100"), motivo="più"))
        draft = f.make_fattura(s, w.comune, w.programma)
        f.make_riga_fattura(s, draft)
        issued = f.make_fattura_emessa(s, w.comune, w.programma)
        fatture_ops.record_payment(s, issued, dt.date(2025, 4, 1), Decimal("10.00"), "mandato 1")
        active = paths.referred(s, paths.Scene(w.comune, w.programma, budget, w.persona, w.ente, None, None))
        active.data_avvio = dt.date(2025, 3, 3)
        s.add(Ore(percorso=active, data=dt.date(2025, 3, 4), ore=Decimal("4")))
        s.commit()
        ids = w.ids()
    return ids


def _forms(app):
    """(view, role, letters) for every model view and role that creates or edits."""
    admin = app.extensions["admin"][0]
    for view in admin._views:
        if not isinstance(view, RoleModelView):
            continue
        for role, letters in sorted(view.permissions.items()):
            if "c" in letters or "e" in letters:
                yield view, role, letters


def _snapshot(view) -> list:
    """Every stored row of the view's table and of the lines it edits inline."""
    tables = [view.model.__table__] + [m.model.__table__ for m in (view.inline_models or ())]
    return [db.session.execute(text(f"SELECT * FROM {t.name} ORDER BY 1")).all() for t in tables]


def test_no_form_of_any_role_answers_500_or_changes_rows_on_bad_input(module_savepoint, data):
    app = module_savepoint
    turn = itertools.count()
    posts, problems = 0, []
    for view, role, letters in _forms(app):
        client = app.test_client(user=data.users[role])
        base_url = f"/admin/{view.endpoint}/"
        targets = []
        if "e" in letters:
            listing = client.get(base_url).get_data(as_text=True)
            marker = f"/admin/{view.endpoint}/edit/?id="
            if marker in listing:
                rid = listing.split(marker, 1)[1].split("&", 1)[0].split('"', 1)[0]
                targets.append(("edit", f"{base_url}edit/?id={rid}"))
        if "c" in letters:
            targets.append(("create", f"{base_url}new/"))
        for action, url in targets:
            page = client.get(url)
            assert page.status_code == 200, (view.endpoint, role, url, page.status_code)
            source = page.get_data(as_text=True)
            if action == "create" and targets[0][0] == "edit":
                source = client.get(targets[0][1]).get_data(as_text=True)  # a complete form to start from
            fields = read_form(source)
            assert fields, (view.endpoint, role, action)
            form = baseline(fields)
            with app.app_context():
                before = _snapshot(view)
            for name, spec in fields.items():
                for payload in payloads_for(name, spec, next(turn)):
                    r = client.post(url, data={**form, name: payload})
                    posts += 1
                    where = (view.endpoint, role, action, name, payload[:30])
                    if r.status_code >= 500:
                        problems.append(("500", where))
                        continue
                    with app.app_context():
                        after = _snapshot(view)
                    if after != before:
                        problems.append(("changed", where))
                        before = after
    print(f"{posts} posts")
    assert posts > 200
    assert problems == [], problems[:20]
