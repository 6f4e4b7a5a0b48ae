"""End to end, in a real headless Chromium: one person from referral to hiring through the UI.

The console runs in a background thread (werkzeug, free port) on its own schema; Playwright for
Python (sync API) drives Debian's chromium (never a downloaded browser). The operatore files the
referral, takes the person in charge, records the first interview and proposes a voucher; the PAL
manager approves it; the operatore activates the internship at a position and records the hiring
by the same host: one activation charge, no hiring charge (DOMAIN.md, "Prices").

Skipped only when /usr/bin/chromium or the playwright package is missing (.ci/run installs both).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from flask_admin.babel import gettext as admin_gettext
from flask_babel import gettext
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app import create_app
from models import Addebito, Percorso, Persona, VoceListino, Voucher, clock, dates, db
from models.base import Esito, StatoPercorso, StatoVoucher, TipoVoce

from . import factories as f
from .conftest import app_config

CHROMIUM = Path("/usr/bin/chromium")
#: Playwright's default timeout for actions and expectations (ms): generous for slow CI machines.
TIMEOUT = 30_000
SURNAME = "Fontanaverde"

if not CHROMIUM.exists():
    pytest.skip(f"end-to-end test needs Debian's chromium at {CHROMIUM}", allow_module_level=True)
try:
    from playwright.sync_api import Dialog, Page, expect
except ImportError:  # pragma: no cover - installed by the dev extra
    pytest.skip(
        "end-to-end test needs the playwright package (pip install -e .[dev])",
        allow_module_level=True,
    )


@dataclass
class Seed:
    comune: int
    programma: int
    persona: int
    ente: int
    postazione: int
    voce_attivazione: int
    voce_ora: int
    post_label: str
    ente_label: str


@dataclass
class LiveServer:
    app: object
    url: str
    seed: Seed

    def tr(self, msgid: str, admin: bool = False, **kw) -> str:
        """``msgid`` as the browser sees it: the console's default locale (Italian)."""
        with self.app.test_request_context():
            return (admin_gettext if admin else gettext)(msgid, **kw)

    def state(self, stato: StatoPercorso) -> str:
        with self.app.test_request_context():
            return str(stato.label)


def _seed(session, today: dt.date) -> Seed:
    comune = f.make_comune(session, nome="Sarezzo")
    programma = f.make_programma(session, nome="ZeroOttanta E2E")
    f.make_budget(
        session,
        programma,
        comune,
        data_inizio=dt.date(today.year, 1, 1),
        data_fine=dt.date(today.year, 12, 31),
        importo_iniziale=Decimal("10000.00"),
    )
    persona = f.make_persona(session, comune, cognome=SURNAME, nome="Giulia")
    ente = f.make_ente(session, comune, ragione_sociale="Officine Valtrompia Srl")
    post = f.make_postazione(
        session,
        ente,
        mansione="Addetto al magazzino",
        posti=2,
        accetta_tirocinio=True,
        attiva_dal=dt.date(today.year, 1, 1),
    )
    f.make_user(session, "operatore@example.org", ["operatore"])
    f.make_user(session, "pal@example.org", ["pal"])
    f.make_user(session, "amministrazione@example.org", ["amministrazione"])
    comune.cap = "25068"  # the Comune's e-invoicing data: its invoice can be issued
    voci = {
        v.tipo: v.id
        for v in session.scalars(
            select(VoceListino).where(VoceListino.programma_id == programma.id)
        )
    }
    return Seed(
        comune=comune.id,
        programma=programma.id,
        persona=persona.id,
        ente=ente.id,
        postazione=post.id,
        voce_attivazione=voci[TipoVoce.ATTIVAZIONE_TIROCINIO],
        voce_ora=voci[TipoVoce.ORA_AFFIANCAMENTO],
        post_label=str(post),
        ente_label=str(ente),
    )


@contextlib.contextmanager
def live_console(database_url: str, seed, **config):
    """The real console on a fresh database seeded by ``seed(session)`` (committed), served on a
    free port in a daemon thread: yields a LiveServer. The browser posts the real forms, CSRF
    token included; ``config`` adds settings (e.g. the upload folders)."""
    config = app_config(database_url, WTF_CSRF_ENABLED=True, **config)
    config.pop("SERVER_NAME")
    app = create_app(config)
    with app.app_context():
        db.create_all()
        with app.test_request_context():
            seeded = seed(db.session)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", seeded)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextlib.contextmanager
def italian_page(chromium, url: str, **options):
    """A page in a fresh Italian context of the run's headless chromium, based at ``url``;
    every confirm() is accepted. ``options`` go to the context (viewport, downloads)."""
    context = chromium.new_context(base_url=url, locale="it-IT", **options)
    context.set_default_timeout(TIMEOUT)
    expect.set_options(timeout=TIMEOUT)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def live_server(fresh_database_url, tmp_path):
    """The console on a fresh seeded database (``_seed``)."""
    with live_console(fresh_database_url, lambda s: _seed(s, clock.today()),
                      IMPORT_FOLDER=str(tmp_path / "uploads")) as live:
        yield live


@pytest.fixture
def dialogs() -> list[str]:
    """The messages of the confirm() dialogs the page accepted, in order."""
    return []


@pytest.fixture
def csp_violations() -> list[str]:
    """Console messages of the browser that report a Content-Security-Policy violation."""
    return []


@pytest.fixture
def page(chromium, live_server, dialogs, csp_violations):
    """A fresh page (a new context) in the run's headless chromium; every confirm() is
    accepted (and noted)."""
    context = chromium.new_context(base_url=live_server.url, locale="it-IT")
    context.set_default_timeout(TIMEOUT)
    expect.set_options(timeout=TIMEOUT)
    page = context.new_page()

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.on("console", lambda m: csp_violations.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text else None)
    yield page
    context.close()


# --- helpers -------------------------------------------------------------------------------


def login(page: Page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", f.PASSWORD)
    page.click("#submit")
    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.locator("#user-menu")).to_have_text(email)


def logout(page: Page) -> None:
    """Log out from the user menu (Flask-Security logs out on POST)."""
    page.click("#user-menu")
    item = page.locator(".dropdown-menu", has=page.locator("#logout")).locator("#logout")
    expect(item).to_be_visible()
    with page.expect_navigation():
        item.click()
    page.wait_for_url(re.compile(r"/login"))
    expect(page.locator("#email")).to_be_visible()


def pick_ajax(page: Page, field: str, term: str, expected: str) -> None:
    """Choose ``expected`` in the Select2 (3.5) ajax picker of ``field`` after typing ``term``."""
    page.click(f"#s2id_{field} a.select2-choice")
    search = page.locator("#select2-drop input.select2-input")
    expect(search).to_be_visible()
    search.press_sequentially(term, delay=50)
    result = page.locator("#select2-drop .select2-result-selectable", has_text=expected)
    expect(result.first).to_be_visible()
    result.first.click()
    expect(page.locator(f"#s2id_{field} .select2-chosen")).to_contain_text(expected)
    expect(page.locator(f"input#{field}")).not_to_have_value("")


def pick_select2(page: Page, field: str, label: str, value: str) -> None:
    """Choose ``label`` in the Select2 (3.5) dropdown that replaces the <select> ``field``."""
    page.click(f"[id='s2id_{field}'] a.select2-choice")
    result = page.locator("#select2-drop .select2-result-selectable", has_text=label)
    expect(result.first).to_be_visible()
    result.first.click()
    expect(page.locator(f"[id='s2id_{field}'] .select2-chosen")).to_contain_text(label)
    expect(page.locator(f"select[id='{field}']")).to_have_value(value)


def fill_date(page: Page, selector: str, day: dt.date) -> None:
    """Type a date the Italian way (dd/mm/yyyy), then leave the field: the calendar closes."""
    page.fill(selector, dates.fmt(day))
    page.press(selector, "Tab")  # the calendar hides on Tab (Enter would submit)
    expect(page.locator(".data-it-popup")).to_have_count(0)
    expect(page.locator(selector)).to_have_value(dates.fmt(day))


def expect_flash(page: Page, text: str, category: str = "success") -> None:
    expect(page.locator(f".alert-{category}", has_text=text)).to_be_visible()


def submit_step(page: Page, step: str) -> None:
    form = page.locator(f"form#step-{step}")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


# --- the test ------------------------------------------------------------------------------


def test_referral_to_hiring_in_a_real_browser(live_server, page, dialogs, csp_violations,
                                               tmp_path):
    s, tr = live_server.seed, live_server.tr
    today = clock.today()
    referral = today - dt.timedelta(days=3)
    no_errors = page.locator(".alert-danger")

    # 1. The operatore files the referral: Percorsi -> Crea.
    login(page, "operatore@example.org")
    page.goto("/admin/percorso/")
    page.click("a[href*='/admin/percorso/new/']")
    page.wait_for_url(re.compile(r"/admin/percorso/new/"))
    pick_ajax(page, "persona", SURNAME[:5], SURNAME)
    pick_ajax(page, "comune", "Sarez", "Sarezzo")
    pick_select2(page, "programma", "ZeroOttanta E2E", str(s.programma))
    pick_select2(page, "tipologia", live_server.tr("internship"), "TIROCINIO")
    fill_date(page, "#data_segnalazione", referral)
    with page.expect_navigation():
        page.click("form.admin-form input[type=submit].btn-primary")
    expect_flash(page, tr("Record was successfully created.", admin=True))
    expect(no_errors).to_have_count(0)

    row = page.locator("table.model-list tbody tr", has_text=SURNAME)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(live_server.state(StatoPercorso.SEGNALATO))
    row.locator("a[href*='/admin/percorso/case/']").click()
    page.wait_for_url(re.compile(r"/admin/percorso/case/\d+/$"))
    percorso_id = int(re.search(r"/case/(\d+)/$", page.url).group(1))
    case_url = f"/admin/percorso/case/{percorso_id}/"
    state = page.locator("#case-state")
    expect(state).to_have_text(live_server.state(StatoPercorso.SEGNALATO))

    # 2. Intake, then the first interview (both dated today, the forms' default).
    expect(page.locator("form#step-take_in_charge input[name=data]")).to_have_value(
        dates.fmt(today)
    )
    submit_step(page, "take_in_charge")
    expect_flash(page, tr("Path taken in charge."))
    expect(state).to_have_text(live_server.state(StatoPercorso.PRESO_IN_CARICO))

    submit_step(page, "interview")
    expect_flash(page, tr("First interview recorded: the path is under evaluation."))
    expect(state).to_have_text(live_server.state(StatoPercorso.IN_VALUTAZIONE))
    expect(no_errors).to_have_count(0)

    # 3. The voucher: one internship activation and ten tutoring hours.
    page.click(f"a[href*='/admin/voucher/new/']:has-text('{tr('Propose a voucher')}')")
    page.wait_for_url(re.compile(r"/admin/voucher/new/"))
    # Prefilled from the case page: the path and today's date.
    expect(page.locator("#s2id_percorso .select2-chosen")).to_contain_text(SURNAME)
    expect(page.locator("#data_proposta")).not_to_have_value("")
    add_line = page.locator("#righe-button")
    expect(add_line).to_have_text(tr("Add a line"))
    lines = (
        (s.voce_attivazione, "internship activation", "1"),
        (s.voce_ora, "tutoring hour", "10"),
    )
    for index, (voce, label, quantity) in enumerate(lines):
        add_line.click()
        expect(page.locator(f"[id='s2id_righe-{index}-voce_listino']")).to_be_visible()
        pick_select2(page, f"righe-{index}-voce_listino", label, str(voce))
        page.fill(f"input[name='righe-{index}-quantita']", quantity)
    with page.expect_navigation():
        page.click("form.admin-form input[type=submit].btn-primary")
    page.wait_for_url(re.compile(re.escape(case_url) + r"$"))
    expect_flash(page, tr("Record was successfully created.", admin=True))
    expect(state).to_have_text(live_server.state(StatoPercorso.VOUCHER_PROPOSTO))
    expect(no_errors).to_have_count(0)
    logout(page)

    # 4. The PAL manager sees it on the home page and approves it from the voucher list, where
    #    it shows its gross total (1 x 200,00 + 10 x 21,00 + 22 % VAT = 500,20).
    login(page, "pal@example.org")
    pending = page.locator("#panel-pal .home-item", has_text=tr("voucher awaiting decision"))
    expect(pending.locator(".home-count")).to_have_text("1")
    with page.expect_navigation():
        pending.locator("a").click()
    row = page.locator("table.model-list tbody tr", has_text=SURNAME)
    expect(row).to_have_count(1)
    expect(row.locator("td.col-lordo")).to_contain_text("500,20")
    expect(row.locator("td.col-percorso a")).to_have_attribute("href", case_url)
    row.locator("input.action-checkbox").check()
    page.click(f"a.dropdown-toggle:has-text('{tr('With selected', admin=True)}')")
    with page.expect_navigation():
        page.click(f"a.dropdown-item:has-text('{tr('Approve (today)')}')")
    expect_flash(page, "1 voucher approvato.")
    expect(no_errors).to_have_count(0)
    page.goto(case_url)
    expect(state).to_have_text(live_server.state(StatoPercorso.VOUCHER_APPROVATO))
    logout(page)

    # 5. The operatore activates the internship at the suggested position...
    login(page, "operatore@example.org")
    page.goto(case_url)
    activate = page.locator("form#step-activate")
    expect(activate.locator(f"input[name=postazione][value='{s.postazione}']")).to_be_checked()
    expect(activate.locator("input[name=data]")).to_have_value(dates.fmt(today))
    activate.locator("input[name=data_fine_prevista]").fill(
        dates.fmt(today + dt.timedelta(days=90))
    )
    activate.locator("input[name=data_fine_prevista]").press("Tab")  # the calendar closes
    submit_step(page, "activate")
    expect_flash(page, tr("Path activated at %(post)s.", post=s.post_label))
    expect(state).to_have_text(live_server.state(StatoPercorso.ATTIVO))
    expect(no_errors).to_have_count(0)

    # 6. ...and records the hiring by the same host: concluded, no hiring charge.
    hire = page.locator("form#step-hire")
    # The employer picker (looked up as one types) starts on the position's host.
    expect(hire.locator("input[name=datore_lavoro]")).to_have_value(str(s.ente))
    expect(hire.locator(".select2-chosen")).to_have_text(s.ente_label)
    hire.locator("select[name=tipo_contratto]").select_option("TEMPO_INDETERMINATO")
    submit_step(page, "hire")
    expect_flash(page, tr("Hiring recorded: the path is concluded."))
    expect(state).to_have_text(live_server.state(StatoPercorso.CONCLUSO))
    expect(state).to_have_text("concluso")
    expect(page.locator("table", has_text=s.ente_label)).to_contain_text(tr("hired"))
    expect(no_errors).to_have_count(0)
    charges = page.locator(".case-section", has_text=tr("Charges")).locator("table tr")
    expect(charges).to_have_count(1)
    # The case page shows the price-list item's description (seeded by make_programma).
    expect(charges.first).to_contain_text("internship activation")
    expect(charges.first).to_contain_text("200,00")
    shot = tmp_path / "e2e-concluded.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0
    logout(page)

    # 7. The accountant invoices the activation and reaches the invoice page from the list.
    login(page, "amministrazione@example.org")
    page.goto("/admin/fattura/generate/")
    page.fill("#dal", today.replace(day=1).isoformat())
    page.fill("#al", today.isoformat())
    with page.expect_navigation():
        page.click("form.form-inline button[type=submit]")
    with page.expect_navigation():
        page.click("form:has(input[name=confirm]) button[type=submit]")
    expect_flash(page, "1 bozza di fattura generata.")
    link = page.locator("table.model-list a.invoice-page", has_text="bozza")
    expect(link).to_have_count(1)
    box = link.bounding_box()
    assert box and box["width"] > 10 and box["height"] > 5  # a link one can see and click
    row = page.locator("table.model-list tbody tr", has=page.locator("a.invoice-page"))
    expect(row.locator("td.col-totale")).to_contain_text("244,00")
    with page.expect_navigation():
        link.click()
    page.wait_for_url(re.compile(r"/admin/fattura/invoice/\d+/$"))
    expect(page.locator("#righe")).to_contain_text("200,00")
    expect(page.locator("#righe")).to_contain_text(SURNAME)
    expect(no_errors).to_have_count(0)

    # Every step asked its confirm() first.
    assert dialogs == [
        tr(m)
        for m in (
            "Confirm the intake?",
            "Record the first interview?",
            "Approve the selected vouchers with today's date, checking each Comune's budget?",
            "Activate the path at the chosen position?",
            "Record the hiring and conclude the path?",
        )
    ]

    # The whole flow ran under the Content-Security-Policy (views/hardening.py): pickers,
    # date pickers, inline lines, confirmations, menus; the browser reported no violation.
    assert csp_violations == []

    # 7. What the database says.
    with live_server.app.app_context():
        p = db.session.get(Percorso, percorso_id)
        assert p.stato == StatoPercorso.CONCLUSO
        assert p.esito == Esito.ASSUNTO
        assert p.persona_id == s.persona and p.comune_id == s.comune
        assert p.postazione_id == s.postazione and p.datore_lavoro_id == s.ente
        assert p.data_presa_in_carico == p.data_primo_colloquio == p.data_avvio == today
        assert p.data_assunzione == today
        (v,) = db.session.scalars(select(Voucher).where(Voucher.percorso_id == percorso_id)).all()
        assert v.stato == StatoVoucher.APPROVATO
        assert sorted((r.voce_listino_id, r.quantita) for r in v.righe) == sorted(
            [(s.voce_attivazione, Decimal("1")), (s.voce_ora, Decimal("10"))]
        )
        charges_db = db.session.scalars(
            select(Addebito).where(Addebito.percorso_id == percorso_id)
        ).all()
        assert len(charges_db) == 1
        assert db.session.scalar(select(func.count(Addebito.id))) == 1
        (a,) = charges_db
        assert a.voce_listino.tipo == TipoVoce.ATTIVAZIONE_TIROCINIO
        assert a.importo == Decimal("200.00")
        db.session.remove()


# --- import from a spreadsheet (issue 13) ---------------------------------------------------


def _shot(page: Page, tmp_path: Path, name: str) -> None:
    """A screenshot of the page to look at, under $SHOTS_DIR; none when it is not set (a
    full-page screenshot costs the suite a second of CPU)."""
    if os.environ.get("SHOTS_DIR"):
        folder = Path(os.environ["SHOTS_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_import_of_people_with_a_mapping_step_in_a_real_browser(live_server, page, dialogs, tmp_path):
    """The operatore uploads a messy sheet (a title row, synonyms, a text and a serial date, a
    column the console does not know), maps that column, reads the dry run and confirms; a wrong
    file shows its rows and offers no confirmation; the PAL manager may import budgets only."""
    from seed.codici import make_codice_fiscale

    from . import messy

    tr = live_server.tr
    cf_a = make_codice_fiscale("Zanoletti", "Marta", dt.date(1988, 3, 7), "F", "I433")
    cf_b = make_codice_fiscale("Zanardelli", "Piero", dt.date(1979, 11, 2), "M", "I433")
    sheet = messy.xlsx(tmp_path / "utenti 2024.xlsx", [
        ["CF", "Cognome ", "Nome", "Nato il", "Luogo di residenza", "Telefono"],
        [f" {cf_a} ", "Zanoletti", "Marta", "7/3/88", "Sarezzo", "333 1234567"],
        [cf_b, "Zanardelli", "Piero", messy.serial(dt.date(1979, 11, 2)), "Sarezzo", None],
    ], title="Elenco utenti seguiti - 2024")

    login(page, "operatore@example.org")
    page.goto("/admin/importa/")
    page.select_option("#tipo", "persone")
    page.set_input_files("#file", str(sheet))
    with page.expect_navigation():
        page.click("#import-form button[type=submit]")
    expect(page.locator(".file-error")).to_contain_text("Comune di residenza")
    mapping = page.locator("#mapping-form")
    expect(mapping).to_contain_text("Luogo di residenza")
    _shot(page, tmp_path, "import-1-mapping")
    mapping.locator("select").select_option("comune_residenza")
    with page.expect_navigation():
        mapping.locator("button[type=submit]").click()
    expect(page.locator("#import-summary")).to_contain_text(
        tr("new: %(new)s, changed: %(changed)s, unchanged: %(unchanged)s, wrong: %(wrong)s.",
           new=2, changed=0, unchanged=0, wrong=0))
    expect(page.locator("#import-rows tr.row-new")).to_have_count(2)
    expect(page.locator("#import-rows")).to_contain_text("Zanoletti")
    _shot(page, tmp_path, "import-2-dry-run")
    with page.expect_navigation():
        page.click("#confirm-form button[type=submit]")
    expect(page.locator("#import-done")).to_have_text(tr("Import done: every row went in."))
    assert len(dialogs) == 1 and "utenti 2024.xlsx" in dialogs[0]
    _shot(page, tmp_path, "import-3-done")

    wrong = messy.csv_file(tmp_path / "errata.csv", [
        ["Codice fiscale", "Cognome", "Nome", "Data di nascita", "Comune di residenza"],
        [cf_a, "Zanoletti", "Marta", "07/03/1988", "Sarezzo"],
        ["ZNLMRT88C47I433X", "Rossi", "Anna", "31/02/1990", "Atlantide"]])
    page.goto("/admin/importa/")
    page.select_option("#tipo", "persone")
    page.set_input_files("#file", str(wrong))
    with page.expect_navigation():
        page.click("#import-form button[type=submit]")
    expect(page.locator("#not-importable")).to_be_visible()
    expect(page.locator("#confirm-form")).to_have_count(0)
    bad = page.locator("#import-rows tr.row-wrong")
    expect(bad).to_contain_text("A «Codice fiscale»")
    expect(bad).to_contain_text("Atlantide")
    expect(page.locator("#import-rows tr.row-unchanged")).to_contain_text("Zanoletti")
    _shot(page, tmp_path, "import-4-wrong")
    logout(page)

    login(page, "pal@example.org")
    page.goto("/admin/importa/")
    expect(page.locator("#tipo option")).to_have_count(1)
    expect(page.locator("#tipo option")).to_have_attribute("value", "budget")
    _shot(page, tmp_path, "import-5-pal")

    with live_server.app.app_context():
        found = db.session.scalars(select(Persona).where(Persona.codice_fiscale.in_([cf_a, cf_b]))).all()
        assert sorted((p.cognome, p.data_nascita) for p in found) == [
            ("Zanardelli", dt.date(1979, 11, 2)), ("Zanoletti", dt.date(1988, 3, 7))]
        assert db.session.scalar(select(func.count(Persona.id)).where(Persona.cognome == "Rossi")) == 0
        db.session.remove()
