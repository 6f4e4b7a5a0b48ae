"""Dates and amounts typed the Italian way in a real headless Chromium (issue 10, items 1 and 7).

On the person, referral, voucher, hours and payment forms a date is typed key by key
(07031988: the slashes come by themselves), pasted from the clipboard (07/03/1988, 7/3/88,
ISO), or picked in the Italian calendar (Monday first, Italian month names); decimals are
typed with a comma. Then the database is read: every value is the one meant. A date that does
not exist gets a field message and nothing is saved. Reuses the live server of test_e2e.py.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import select

from models import Ore, Pagamento, Percorso, Persona, Voucher, clock, dates, db
from models.base import StatoPercorso
from seed.codici import make_codice_fiscale

from . import factories as f
from .test_e2e import (  # noqa: F401  (fixtures)
    _shot,
    csp_violations,
    dialogs,
    expect,
    expect_flash,
    live_server,
    login,
    logout,
    page,
    pick_ajax,
    pick_select2,
)

SAVE = "form.admin-form input[type=submit].btn-primary"


def paste(page, selector: str, text: str) -> None:
    """Paste ``text`` into the field as a person does (clipboard, Ctrl+V)."""
    page.evaluate("t => navigator.clipboard.writeText(t)", text)
    page.click(selector)
    page.keyboard.press("Control+A")
    page.keyboard.press("Control+V")


def type_keys(page, selector: str, text: str) -> None:
    page.click(selector)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(text, delay=30)


def save(page) -> None:
    with page.expect_navigation():
        page.click(SAVE)


def _prepare(app, today):
    """An issued invoice to pay and an active path for hours (the live server seeds the accountant)."""
    with app.app_context():
        s = db.session
        from models import Comune, EnteOspitante, Programma

        comune = s.scalars(select(Comune)).first()
        programma = s.scalars(select(Programma)).first()
        ente = s.scalars(select(EnteOspitante)).first()
        invoice = f.make_fattura_emessa(s, comune, programma, anno=today.year, data=today - dt.timedelta(days=20),
                                        periodo_dal=today - dt.timedelta(days=60),
                                        periodo_al=today - dt.timedelta(days=30),
                                        imponibile=Decimal("2000.00"), iva=Decimal("440.00"))
        worker = f.make_persona(s, comune, cognome="Orelavoro", nome="Luca")
        post = f.make_postazione(s, ente, accetta_inserimento=True, attiva_dal=dt.date(today.year, 1, 1))
        active = f.make_percorso(s, worker, comune, programma, data_segnalazione=today - dt.timedelta(days=40))
        active.stato, active.postazione = StatoPercorso.ATTIVO, post
        active.data_presa_in_carico = active.data_avvio = today - dt.timedelta(days=30)
        s.commit()
        return invoice.id, active.id


def test_dates_typed_pasted_and_picked_are_stored_as_meant(live_server, page, tmp_path):
    app, today = live_server.app, clock.today()
    invoice_id, active_id = _prepare(app, today)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    born = dt.date(1988, 3, 7)
    cf = make_codice_fiscale("Datari", "Giulia", born, "F", "B157")

    # 1. The person: the birth date typed key by key, digits only.
    login(page, "operatore@example.org")
    page.goto("/admin/persona/new/")
    page.fill("#codice_fiscale", cf)
    page.fill("#cognome", "Datari")
    page.fill("#nome", "Giulia")
    type_keys(page, "#data_nascita", "07031988")
    expect(page.locator("#data_nascita")).to_have_value("07/03/1988")
    calendar = page.locator(".data-it-popup")
    expect(calendar).to_be_visible()
    expect(calendar.locator(".data-it-title")).to_have_text(re.compile("marzo 1988", re.I))
    expect(calendar.locator("th").first).to_have_text(re.compile("lun", re.I))  # Monday first
    _shot(page, tmp_path, "e2e-persona-calendar")
    page.keyboard.press("Tab")
    pick_select2(page, "sesso", live_server.tr("female"), "F")
    pick_ajax(page, "comune_residenza", "Sarez", "Sarezzo")
    save(page)
    expect_flash(page, live_server.tr("Record was successfully created.", admin=True))
    with app.app_context():
        persona = db.session.scalar(select(Persona).where(Persona.codice_fiscale == cf))
        assert persona.data_nascita == born
        persona_id = persona.id

    # ... pasted in the Italian way, with a two-digit year, and as ISO: still 07/03/1988.
    for pasted in ("07/03/1988", "7/3/88", "1988-03-07"):
        page.goto(f"/admin/persona/edit/?id={persona_id}")
        paste(page, "#data_nascita", pasted)
        page.keyboard.press("Tab")
        expect(page.locator("#data_nascita")).to_have_value("07/03/1988")
        save(page)
        expect(page.locator(".alert-danger")).to_have_count(0)
        with app.app_context():
            assert db.session.get(Persona, persona_id).data_nascita == born, pasted

    # A day that does not exist: a field message, nothing saved, the text left as typed.
    page.goto(f"/admin/persona/edit/?id={persona_id}")
    paste(page, "#data_nascita", "31/02/1988")
    page.keyboard.press("Tab")
    expect(page.locator("#data_nascita")).to_have_class(re.compile("is-invalid"))
    save(page)
    expect(page.locator("#data_nascita")).to_have_value("31/02/1988")
    expect(page.get_by_text(re.compile("non esiste|does not exist"))).to_be_visible()
    page.screenshot(path="/tmp/dates-shots/e2e-persona-invalid.png", full_page=True)
    with app.app_context():
        assert db.session.get(Persona, persona_id).data_nascita == born

    # 2. The referral: the date picked in the calendar (the 1st of the current month).
    page.goto("/admin/percorso/new/")
    pick_ajax(page, "persona", "Datar", "Datari")
    pick_ajax(page, "comune", "Sarez", "Sarezzo")
    pick_select2(page, "programma", "ZeroOttanta E2E", str(live_server.seed.programma))
    pick_select2(page, "tipologia", live_server.tr("job placement"), "INSERIMENTO_LAVORATIVO")
    page.click("#data_segnalazione")
    first = today.replace(day=1)
    page.locator(f".data-it-popup button[data-date='{dates.fmt(first)}']").click()
    expect(page.locator("#data_segnalazione")).to_have_value(dates.fmt(first))
    save(page)
    expect_flash(page, live_server.tr("Record was successfully created.", admin=True))
    with app.app_context():
        p = db.session.scalar(select(Percorso).where(Percorso.persona_id == persona_id))
        assert p.data_segnalazione == first
        # Intake and first interview (the workflow's own steps are tested elsewhere).
        p.stato, p.data_presa_in_carico, p.data_primo_colloquio = StatoPercorso.IN_VALUTAZIONE, first, first
        db.session.commit()
        percorso_id = p.id

    # 3. The voucher: the proposal date pasted with a two-digit year; the quantity "2,5".
    page.goto(f"/admin/voucher/new/?percorso={percorso_id}")
    pick_ajax(page, "percorso", "Datar", "Datari")
    paste(page, "#data_proposta", today.strftime("%d/%m/%y").lstrip("0"))
    page.keyboard.press("Tab")
    expect(page.locator("#data_proposta")).to_have_value(dates.fmt(today))
    page.click("#righe-button")
    pick_select2(page, "righe-0-voce_listino", "tutoring hour", str(live_server.seed.voce_ora))
    page.fill("input[name='righe-0-quantita']", "2,5")
    save(page)
    expect(page.locator(".alert-danger")).to_have_count(0)
    with app.app_context():
        v = db.session.scalar(select(Voucher).where(Voucher.percorso_id == percorso_id))
        assert v.data_proposta == today
        assert [r.quantita for r in v.righe] == [Decimal("2.5")]

    # 4. Hours: the day typed key by key with slashes, "2,5" hours.
    day = today - dt.timedelta(days=2)
    page.goto("/admin/ore/new/")
    pick_ajax(page, "percorso", "Orelav", "Orelavoro")
    type_keys(page, "#data", dates.fmt(day))
    expect(page.locator("#data")).to_have_value(dates.fmt(day))
    page.keyboard.press("Tab")
    page.fill("#ore", "2,5")
    save(page)
    expect(page.locator(".alert-danger")).to_have_count(0)
    with app.app_context():
        (row,) = db.session.scalars(select(Ore).where(Ore.percorso_id == active_id)).all()
        assert (row.data, row.ore) == (day, Decimal("2.50"))
    logout(page)

    # 5. A payment on the invoice page: the date pasted, "1.234,50" euro.
    login(page, "amministrazione@example.org")
    page.goto(f"/admin/fattura/invoice/{invoice_id}/")
    paid_on = today - dt.timedelta(days=1)
    paste(page, "#pay-data", dates.fmt(paid_on))
    page.keyboard.press("Tab")
    page.fill("input[name=importo]", "1.234,50")
    with page.expect_navigation():
        page.click("form:has(#pay-data) button[type=submit]")
    expect(page.locator(".alert-danger")).to_have_count(0)
    page.screenshot(path="/tmp/dates-shots/e2e-payment.png", full_page=True)
    with app.app_context():
        (payment,) = db.session.scalars(select(Pagamento).where(Pagamento.fattura_id == invoice_id)).all()
        assert (payment.data, payment.importo) == (paid_on, Decimal("1234.50"))
        db.session.remove()
