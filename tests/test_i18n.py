"""Italian by default, English on request: menus, Flask-Admin, enums, dates, money, the catalog."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import session
from flask_babel import format_currency

from models import Utente, db

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "translations" / "it" / "LC_MESSAGES" / "messages.po"
MO_FILE = PO_FILE.with_suffix(".mo")
#: The keywords of the Makefile's `translations` target.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")

#: Ours (messages domain), then Flask-Admin's own (its bundled admin domain), per language.
ITALIAN = ("Anagrafiche", "Persone", "Programmi e budget", "Cambia password", "Esci")
ITALIAN_ADMIN = ("Elenco (2)", "Crea", "Aggiungi filtro", "Cerca", "Esporta")
ENGLISH = ("Registry", "People", "Programmes and budgets", "Change password", "Log out")
ENGLISH_ADMIN = ("List (2)", "Create", "Add Filter", "Search", "Export")


def cells(page: str, column: str) -> list[str]:
    """The texts of a list view's cells in ``column`` (whitespace and no-break spaces normalised)."""
    found = re.findall(rf'<td class="col-{re.escape(column)}">(.*?)</td>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in found]


def detail(page: str, label: str) -> str:
    """The text shown next to ``label`` on a details page."""
    match = re.search(rf"<b>{re.escape(label)}</b>\s*</td>\s*<td>(.*?)</td>", page, re.S)
    assert match, f"no {label!r} row in page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def title(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match, "no <title> in page"
    return " ".join(html.unescape(match.group(1)).split())


def get_ok(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def switch(client, code: str, back_to: str) -> None:
    response = client.get(f"/lingua/{code}", headers={"Referer": f"http://localhost{back_to}"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(back_to)


def assert_italian(page: str) -> None:
    assert title(page) == "Anagrafiche - Persone - Console PAL"
    for text in ITALIAN + ITALIAN_ADMIN:
        assert text in page, text
    for text in ENGLISH + ("Add Filter",):
        assert text not in page, text


def assert_english(page: str) -> None:
    assert title(page) == "Registry - People - PAL console"
    for text in ENGLISH + ENGLISH_ADMIN:
        assert text in page, text
    for text in ITALIAN + ("Aggiungi filtro",):
        assert text not in page, text


# -- the language of the interface ------------------------------------------------------------


def test_italian_is_the_default_language(client_for):
    assert_italian(get_ok(client_for("operatore"), "/admin/persona/"))


def test_the_user_can_switch_to_english(client_for):
    client = client_for("operatore")
    switch(client, "en", "/admin/persona/")
    assert_english(get_ok(client, "/admin/persona/"))


def test_switching_back_to_italian_restores_it(client_for):
    client = client_for("operatore")
    switch(client, "en", "/admin/persona/")
    switch(client, "it", "/admin/persona/")
    assert_italian(get_ok(client, "/admin/persona/"))


def test_an_unknown_language_is_ignored(client_for):
    client = client_for("operatore")
    switch(client, "fr", "/admin/persona/")
    assert_italian(get_ok(client, "/admin/persona/"))


def test_the_profile_language_applies_without_a_switch(client_for, world, ctx):
    with ctx():
        db.session.get(Utente, world.users["operatore"].id).lingua = "en"
        db.session.commit()
    assert_english(get_ok(client_for("operatore"), "/admin/persona/"))


def test_the_login_page_is_italian(anon):
    page = get_ok(anon, "/login")
    for text in ("Accedi", "Indirizzo email", "Password", "Ricordati di me"):
        assert text in page, text
    assert "Remember Me" not in page


# -- values in lists: enums, dates, money ----------------------------------------------------


def test_enum_values_are_shown_translated_in_lists(client_for):
    client = client_for("operatore")
    page = get_ok(client, "/admin/percorso/")
    assert cells(page, "stato") == ["segnalato", "segnalato"]
    assert cells(page, "tipologia") == ["tirocinio", "tirocinio"]
    switch(client, "en", "/admin/percorso/")
    page = get_ok(client, "/admin/percorso/")
    assert cells(page, "stato") == ["referred", "referred"]
    assert cells(page, "tipologia") == ["internship", "internship"]


def test_dates_are_shown_day_month_year(client_for):
    page = get_ok(client_for("operatore"), "/admin/percorso/")
    assert cells(page, "data_segnalazione") == ["01/03/2025", "01/03/2025"]


def test_euro_amounts_use_the_italian_format(client_for):
    page = get_ok(client_for("admin"), "/admin/listino/")
    # CLDR puts a no-break space between the amount and the sign; cells() normalises it.
    assert sorted(cells(page, "prezzo_unitario")) == ["200,00 €", "200,00 €", "21,00 €"]


def test_format_currency_follows_the_locale(app):
    with app.test_request_context():
        assert format_currency(Decimal("1234.5"), "EUR") == "1.234,50\xa0€"
    with app.test_request_context():
        session["lingua"] = "en"
        assert format_currency(Decimal("1234.5"), "EUR") == "€1,234.50"


def test_details_use_the_same_italian_formats(client_for, world):
    page = get_ok(client_for("operatore"), f"/admin/percorso/details/?id={world.percorso}")
    assert detail(page, "Stato") == "segnalato"
    assert detail(page, "Tipologia di percorso") == "tirocinio"
    assert detail(page, "Data di segnalazione") == "01/03/2025"
    assert detail(page, "Segnalazione di gruppo") == "no"


# -- the catalog -----------------------------------------------------------------------------


def read_catalog():
    with PO_FILE.open("rb") as fh:
        return read_po(fh, locale="it")


def test_the_italian_catalog_is_complete():
    catalog = read_catalog()
    messages = [m for m in catalog if m.id]
    assert messages
    untranslated = [m.id for m in messages if not m.string]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def _forms(value) -> tuple:
    """A message's id or string as a tuple of forms (one, or singular and plural: ngettext)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def test_translations_keep_their_placeholders():
    wrong = [
        m.id
        for m in read_catalog()
        if m.id and any(sorted(PLACEHOLDER.findall(_forms(m.id)[0])) != sorted(PLACEHOLDER.findall(text))
                        for text in _forms(m.string))
    ]
    assert wrong == []


def test_every_marked_string_is_in_the_catalog():
    """Strings added to the code since the last `make translations` would show in English."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh, "babel.cfg")
    in_code = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
    }
    in_catalog = {_forms(m.id)[0] for m in read_catalog() if m.id}
    assert sorted(in_code - in_catalog) == []


def test_the_compiled_catalog_matches_the_po_file():
    """The .mo is committed: it must be recompiled whenever the .po changes."""
    with MO_FILE.open("rb") as fh:
        compiled = {_forms(m.id): _forms(m.string) for m in read_mo(fh) if m.id}
    source = {_forms(m.id): _forms(m.string) for m in read_catalog() if m.id and m.string and not m.fuzzy}
    assert compiled == source
