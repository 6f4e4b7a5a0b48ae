"""Italian everywhere (issue 10, item 5): every page of every role, crawled on the demo data
(loaded once for the module, with invoices, a payment and audit rows added), shows no English
giveaway word, no raw enum name or JSON null, no internal "#id" and no decimal with a dot.

The crawl: the home page; for each view a role reads, its list, the details and edit form of
its first row, the create form; the case page of a path in each state; the invoice page, the
voucher decision page, the budget use, reports, deadlines, timesheets, the month grid; and
the error pages. What counts as shown: the text between tags, the attributes a person reads
(placeholders, titles, button values, data-placeholder) and the list filters' operations.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from flask_login import FlaskLoginClient, login_user
from sqlalchemy import func, select

from models import Fattura, Percorso, Utente, Voucher, db
from models.base import LabelledEnum, StatoPercorso, StatoVoucher
from seed.demo import load_demo
from views import VIEWS

ROLES = {
    "operatore": "operatore@demo.it",
    "pal": "pal@demo.it",
    "amministrazione": "amministrazione@demo.it",
    "servizio_sociale": "servizio.sociale@demo.it",
    "admin": "admin@demo.it",
}
#: Words an Italian page never shows (whole words, case-sensitive): Flask-Admin's and
#: Werkzeug's English, column names turned into labels, JSON and Python literals.
ENGLISH = {
    "the", "and", "of", "with", "to", "is", "are", "for", "from", "not", "or", "by", "on", "at",
    "Save", "Cancel", "Delete", "Edit", "Create", "List", "items", "item", "Failed", "Please",
    "Select", "Add", "New", "Filter", "Search", "Export", "Forbidden", "Found", "Error",
    "Request", "Internal", "Server", "null", "None", "True", "False", "yes", "Yes", "Created",
    "Last", "Login", "Ip", "Datetime", "Name", "Surname", "State", "Amount", "Total", "Taxable",
    "Draft", "draft", "Path", "Paths", "Invoice", "Hours", "Diary", "Home", "People", "Record",
    "record", "model", "Model", "create", "update", "delete", "Type", "Kind", "Date", "Notes",
    "Back", "Reports", "Deadlines", "Charges", "Payments", "Users",
}
ENUM_NAMES = {
    m.name for cls in LabelledEnum.__subclasses__() for m in cls if len(m.name) > 3 and m.name.isupper()
}
#: A decimal written with a dot: 20.00, 5000.00, 37.5 (not a date, an IP address or 1.234,50).
DOT_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])")
#: Codes written with a dot, not numbers: FatturaPA's Natura (N2.1, N3.5) and a social
#: district's name (Distretto RM 4.1).
DOTTED_CODES = re.compile(r"\bN\d\.\d\b|\bRM \d\.\d\b")
INTERNAL_ID = re.compile(r"#\d+")
READ_ATTRIBUTES = re.compile(r'\s(?:placeholder|title|aria-label|data-placeholder|alt)="([^"]*)"')
SUBMIT_VALUES = re.compile(r'<input[^>]*type="submit"[^>]*value="([^"]*)"|<input[^>]*value="([^"]*)"[^>]*type="submit"')
FILTER_GROUPS = re.compile(r'<div id="filter-groups-data" class="d-none">(.*?)</div>', re.S)
#: JSON for Flask-Admin's scripts (active filters, action confirmations): its keys are code.
SCRIPT_DATA = re.compile(r'<div id="(?:active-filters-data|actions-confirmation-data|message-data)" '
                         r'class="d-none">.*?</div>', re.S)
#: The inline rows' template, escaped into the page for the "add a row" button.
INLINE_TEMPLATE = re.compile(r'<div class="inline-field-template d-none">(.*?)</div>\s*<a id=', re.S)


def shown(page: str) -> list[str]:
    """What a person reads on ``page``: texts, readable attributes, filter operations."""
    parts = []
    for block in FILTER_GROUPS.findall(page):
        for group, filters in json.loads(html.unescape(block)).items():
            parts.append(group)
            for flt in filters:
                parts.append(str(flt.get("operation", "")))
                parts += [str(label) for _, label in flt.get("options") or []]
    page = FILTER_GROUPS.sub(" ", page)
    page = SCRIPT_DATA.sub(" ", page)
    page = INLINE_TEMPLATE.sub(lambda m: html.unescape(m.group(1)) + " <a id=", page)
    parts += READ_ATTRIBUTES.findall(page)
    parts += [a or b for a, b in SUBMIT_VALUES.findall(page)]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    # Inline SVG charts: their <title> and labels are text like any other.
    parts.append(re.sub(r"<[^>]+>", " ", body))
    return [" ".join(html.unescape(p).split()) for p in parts if p and p.strip()]


def _around(text: str, start: int, end: int) -> str:
    return text[max(start - 40, 0):end + 40]


def problems(page: str) -> list[str]:
    """Each giveaway found, with the text around it."""
    found = []
    for text in shown(page):
        for m in re.finditer(r"[A-Za-zÀ-ÿ]+", text):
            if m.group() in ENGLISH:
                found.append(f"English {m.group()!r}: {_around(text, *m.span())!r}")
            elif m.group() in ENUM_NAMES:
                found.append(f"enum name {m.group()!r}: {_around(text, *m.span())!r}")
        text = DOTTED_CODES.sub(" ", text)
        for pattern, what in ((DOT_DECIMAL, "dot decimal"), (INTERNAL_ID, "internal id")):
            found += [f"{what} {m.group()!r}: {_around(text, *m.span())!r}" for m in pattern.finditer(text)]
    return found


@pytest.fixture(scope="module")
def demo_app(module_savepoint):
    """The demo data (its invoices: drafts, issued, paid, credited), with audit rows."""
    app = module_savepoint
    with app.app_context():
        assert load_demo(db.session) is True
        db.session.commit()
    with app.test_request_context():
        # Changes made by a console user: the audit log gets rows to show.
        login_user(db.session.scalar(select(Utente).where(Utente.email == ROLES["operatore"])))
        p = db.session.scalar(select(Percorso).order_by(Percorso.id))
        p.note = "Aggiornato dalla prova"
        p.persona.telefono = "030 123456"
        db.session.commit()
    app.test_client_class = FlaskLoginClient
    return app


def client(app, role):
    with app.app_context():
        user = db.session.scalar(select(Utente).where(Utente.email == ROLES[role]))
        return app.test_client(user=user)


def links(page: str, kind: str) -> list[str]:
    return [html.unescape(u) for u in re.findall(rf'href="([^"]*/{kind}/\?[^"]*id=[^"]+)"', page)]


def role_pages(app, role) -> list[str]:
    """Every page the role may open (list, details, forms, case pages, reports...)."""
    c = client(app, role)
    urls = ["/admin/"]
    for view_cls, _model, _name, endpoint, _cat in VIEWS:
        letters = view_cls.permissions.get(role, "")
        if "r" not in letters:
            continue
        base = f"/admin/{endpoint}/"
        page = c.get(base).get_data(as_text=True)
        urls.append(base)
        urls += links(page, "details")[:1]
        if "c" in letters:
            urls.append(f"{base}new/")
        if "e" in letters:
            urls += links(page, "edit")[:1]
    with app.app_context():
        states = db.session.execute(select(Percorso.stato, func.min(Percorso.id)).group_by(Percorso.stato)).all()
        pending = db.session.scalar(select(Voucher.id).where(Voucher.stato == StatoVoucher.PROPOSTO))
        invoices = db.session.scalars(select(Fattura.id).order_by(Fattura.id)).all()
        active = next(pid for s, pid in states if s == StatoPercorso.ATTIVO)
    urls += [f"/admin/percorso/case/{pid}/" for _, pid in states]
    urls += [f"/admin/fattura/invoice/{fid}/" for fid in invoices[:2]]
    urls += [f"/admin/voucher/decide/?id={pending}", "/admin/uso-budget/", "/admin/percorsi-attivi/",
             "/admin/grafici/", "/admin/scadenze/",
             "/admin/fogli-ore/", "/admin/fattura/generate/", "/admin/fattura/fatturapa/",
             f"/admin/ore/mese/?percorso={active}", "/admin/report/"]
    urls += [f"/admin/report/?report={kind}" for kind in ("trimestrale", "budget", "esiti", "registro-fatture")]
    urls += ["/admin/no-such-page/", "/admin/percorso/case/999999/"]
    return c, urls


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_is_in_italian(demo_app, role):
    c, urls = role_pages(demo_app, role)
    seen, found = 0, []
    for url in urls:
        r = c.get(url)
        assert r.status_code in (200, 403, 404), (url, r.status_code)
        page = r.get_data(as_text=True)
        assert "Werkzeug" not in page and "<h1>Not Found</h1>" not in page, url
        seen += r.status_code == 200
        found += [f"{url}: {p}" for p in problems(page)]
    assert seen >= 10
    assert sorted(set(found)) == []


def test_error_pages_use_the_console_layout_in_italian(demo_app):
    c = client(demo_app, "servizio_sociale")
    forbidden = c.get("/admin/fattura/")
    assert forbidden.status_code == 403
    page = forbidden.get_data(as_text=True)
    assert 'id="error-page"' in page and "Questa pagina non è prevista per il tuo ruolo" in page
    assert "navbar" in page and problems(page) == []
    missing = c.get("/admin/no-such-page/")
    assert missing.status_code == 404 and "Pagina non trovata" in missing.get_data(as_text=True)


def test_the_crawl_sees_english_and_dot_decimals():
    """The checks themselves: they would fail on the words and numbers the issue lists."""
    for bad in ("<p>Failed to create record.</p>", "<p>20.00 approvate</p>", "<p>Restano solo 20.00 ore</p>",
                "<td>5000.00</td>", "<td>DISOCCUPATO</td>", "<td>null</td>", "<p>#42 Quaranta Elvio</p>",
                '<input placeholder="Please select model">', "<th>Created At</th>", "<p>1 items</p>"):
        assert problems(bad), bad
    for good in ("<p>1.234,50 €</p>", "<p>07/03/1988</p>", "<td>127.0.0.1</td>", "<p>Riga 2</p>"):
        assert problems(good) == [], good
