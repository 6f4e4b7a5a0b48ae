"""SolCo Mantova's PIP in a real headless Chromium (issue 14, item 9): the case worker starts the
plan (no position), records deliveries typed the Italian way and is told what remains; the PAL
manager varies the plan with an exempt training; the accountant generates and issues the month's
invoice, with its Natura N4 line and the virtual stamp duty.

Same harness as tests/test_e2e.py (Debian's chromium, the console on a fresh database in a
thread); skipped only where chromium or playwright is missing.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from models import (
    Addebito,
    Fattura,
    NucleoFamiliare,
    Percorso,
    RigaVoucher,
    VoceListino,
    Voucher,
    clock,
    db,
)
from models.base import Natura, StatoFattura, TipologiaPercorso, TipoVoce
from models.operations import percorsi as ops
from models.operations import voucher as voucher_ops

from . import factories as f
from .test_e2e import (
    CHROMIUM,
    expect_flash,
    italian_page,
    live_console,
    login,
    logout,
    submit_step,
)

SHOTS = Path("/tmp/programmi-shots")

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - test_e2e skips the module first
    pytest.skip("needs playwright", allow_module_level=True)
if not CHROMIUM.exists():  # pragma: no cover
    pytest.skip("needs Debian's chromium", allow_module_level=True)


def _seed(session, today: dt.date) -> dict:
    """A PIP referred three weeks ago, its voucher (two interviews) approved."""
    comune = f.make_comune(session, nome="Mantova", cap="46100")
    programma = f.make_programma(session, nome="Officina delle idee (prova)")
    from models import TipologiaProgramma

    programma.tipologie.append(TipologiaProgramma(tipologia=TipologiaPercorso.PIP))
    colloquio = VoceListino(programma=programma, codice="P-COL", descrizione="Colloquio specialistico",
                            tipo=TipoVoce.ALTRO, unita="ora", prezzo_unitario=Decimal("33.00"),
                            aliquota_iva=Decimal("22"), valido_dal=dt.date(today.year - 1, 1, 1))
    corso = VoceListino(programma=programma, codice="P-SIC", descrizione="Corso sicurezza, parte generale",
                        tipo=TipoVoce.ALTRO, unita="ora", prezzo_unitario=Decimal("28.00"),
                        aliquota_iva=Decimal("0"), natura=Natura.N4,
                        riferimento_normativo="Esente art. 10 c. 1 n. 20 DPR 633/72",
                        valido_dal=dt.date(today.year - 1, 1, 1))
    session.add_all([colloquio, corso])
    f.make_budget(session, programma, comune, data_inizio=dt.date(today.year - 1, 1, 1),
                  data_fine=dt.date(today.year + 1, 12, 31))
    nucleo = NucleoFamiliare(comune=comune, intestatario="Bertazzoni Giovanna", componenti=3,
                             morosita=Decimal("4820.00"))
    persona = f.make_persona(session, comune, cognome="Bertazzoni", nome="Giovanna")
    op = f.make_user(session, "operatore@example.org", ["operatore"])
    pal = f.make_user(session, "pal@example.org", ["pal"])
    f.make_user(session, "amministrazione@example.org", ["amministrazione"])
    day = today - dt.timedelta(days=21)
    p = f.make_percorso(session, persona, comune, programma, tipologia=TipologiaPercorso.PIP, nucleo=nucleo,
                        data_segnalazione=day)
    ops.take_in_charge(session, p, day, op)
    ops.record_first_interview(session, p, day, by=op)
    v = Voucher(percorso=p, data_proposta=day, righe=[RigaVoucher(voce_listino=colloquio, quantita=Decimal(2))])
    session.add(v)
    voucher_ops.propose_voucher(session, v, by=op)
    voucher_ops.approve_voucher(session, v, pal, day)
    return {"percorso": p.id, "corso": corso.id}


@pytest.fixture
def live_server(fresh_database_url):
    with live_console(fresh_database_url, lambda s: _seed(s, clock.today())) as live:
        yield live


@pytest.fixture
def page(chromium, live_server):
    with italian_page(chromium, live_server.url) as page:
        yield page


def set_date(page, selector: str, day: dt.date) -> None:
    """Set a native date field of the case page. Headless chromium on this machine shows them as
    mm/dd/yyyy whatever ``--lang`` says, so the test sets the value rather than typing
    gg/mm/aaaa; dates typed the Italian way are the date-entry issue's (README, "Dates")."""
    field = page.locator(selector)
    field.fill(day.isoformat())
    expect(field).to_have_value(day.isoformat())


def test_a_pip_in_a_real_browser(live_server, page):
    s, today = live_server.seed, clock.today()
    SHOTS.mkdir(parents=True, exist_ok=True)
    case_url = f"/admin/percorso/case/{s['percorso']}/"
    deliveries = page.locator("#deliveries")

    # 1. The case worker starts the plan: no position is asked.
    login(page, "operatore@example.org")
    page.goto(case_url)
    expect(page.locator("body")).to_contain_text("Bertazzoni Giovanna")
    expect(page.locator("form#step-activate input[name=postazione]")).to_have_count(0)
    submit_step(page, "activate")
    expect_flash(page, "Percorso avviato.")

    # 2. A delivery of yesterday, the quantity typed the Italian way: 1,5 hours.
    form = page.locator("form#step-deliver")
    yesterday = today - dt.timedelta(days=1)
    set_date(page, "form#step-deliver input[name=data]", yesterday)
    form.locator("input[name=quantita]").fill("1,5")
    form.locator("textarea[name=note]").fill("Primo colloquio specialistico")
    submit_step(page, "deliver")
    expect_flash(page, "Erogazione registrata: Colloquio specialistico, 1,5.")
    expect(deliveries).to_contain_text("1,50")  # delivered
    # 3. More than what remains: refused, saying what remains; nothing recorded.
    form.locator("input[name=quantita]").fill("1")
    submit_step(page, "deliver")
    expect_flash(page, "Di «Colloquio specialistico» restano da erogare solo 0,5 dei 2 approvati.", "danger")
    page.screenshot(path=str(SHOTS / "pip-1-delivery-refused.png"), full_page=True)
    logout(page)

    # 4. The PAL manager adds the safety course (exempt) to the plan.
    login(page, "pal@example.org")
    page.goto(case_url)
    vary = page.locator("form#step-vary")
    vary.locator("select[name=nuova_voce]").select_option(str(s["corso"]))
    vary.locator("input[name=nuova_quantita]").fill("4")
    vary.locator("textarea[name=motivo]").fill("Serve il corso sulla sicurezza per l'inserimento")
    submit_step(page, "vary")
    expect(page.locator(".alert-success")).to_contain_text("Voucher variato: importo impegnato 80,52")
    expect(page.locator("table[id^=variations-]")).to_contain_text("Serve il corso sulla sicurezza")
    page.screenshot(path=str(SHOTS / "pip-2-variation.png"), full_page=True)
    logout(page)

    # 5. The case worker delivers the course.
    login(page, "operatore@example.org")
    page.goto(case_url)
    form = page.locator("form#step-deliver")
    course = form.locator("select[name=riga] option", has_text="Corso sicurezza").get_attribute("value")
    form.locator("select[name=riga]").select_option(course)
    form.locator("input[name=quantita]").fill("4")
    submit_step(page, "deliver")
    expect_flash(page, "Erogazione registrata: Corso sicurezza, parte generale, 4.")
    logout(page)

    # 6. The accountant generates this month's invoice and issues it: N4 line and the stamp duty.
    login(page, "amministrazione@example.org")
    first = today.replace(day=1)
    page.goto("/admin/fattura/generate/")
    set_date(page, "#dal", first)
    set_date(page, "#al", today)
    with page.expect_navigation():
        page.locator("form", has=page.locator("#dal")).locator("button[type=submit]").click()
    expect(page.locator("table")).to_contain_text("Corso sicurezza, parte generale: 4 x 28,00")
    with page.expect_navigation():
        page.locator("form", has=page.locator("input[name=confirm]")).locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/fattura/$"))
    with live_server.app.app_context():
        fid = db.session.scalar(select(Fattura.id).where(Fattura.stato == StatoFattura.BOZZA))
    assert fid is not None
    page.goto(f"/admin/fattura/invoice/{fid}/")
    expect(page.locator("#bollo")).to_contain_text("2,00")
    with page.expect_navigation():
        page.locator("form[action$='/issue/'] button[type=submit]").click()
    expect(page.locator("table#righe")).to_contain_text("N4 esente")
    expect(page.locator("#bollo")).to_contain_text("2,00")
    page.screenshot(path=str(SHOTS / "pip-3-invoice.png"), full_page=True)

    with live_server.app.app_context():
        f_ = db.session.get(Fattura, fid)
        assert f_.stato is StatoFattura.EMESSA and f_.bollo == Decimal("2.00")
        assert (f_.imponibile, f_.iva) == (Decimal("161.50"), Decimal("10.89"))  # 1.5 x 33 + 4 x 28
        charges = db.session.scalars(select(Addebito).where(Addebito.percorso_id == s["percorso"])).all()
        assert sorted(a.quantita for a in charges) == [Decimal("1.5"), Decimal("4")]
        assert db.session.get(Percorso, s["percorso"]).postazione_id is None
