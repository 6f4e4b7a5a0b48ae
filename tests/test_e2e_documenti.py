"""Issue 15 in a real headless Chromium: the case worker is refused an activation at a host
whose agreement expired (the message names the expiry, dd/mm/yyyy), activates at a host with an
agreement in force, downloads the individual project to sign and attaches the signed scan.

Same harness as tests/test_e2e.py (Debian's chromium, the console on a fresh database in a
thread); skipped where chromium or playwright is missing.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

from models import RigaVoucher, Voucher, clock, dates
from models.operations import percorsi as ops
from models.operations import voucher as voucher_ops

from . import factories as f
from .paths import voce
from .test_e2e import (
    CHROMIUM,
    expect_flash,
    fill_date,
    italian_page,
    live_console,
    login,
    submit_step,
)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    pytest.skip("needs playwright", allow_module_level=True)
if not CHROMIUM.exists():  # pragma: no cover
    pytest.skip("needs Debian's chromium", allow_module_level=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def _seed(session, today: dt.date) -> dict:
    """An internship with its voucher approved three weeks ago; two hosts with a position
    each, one whose agreement expired a month ago."""
    comune = f.make_comune(session, nome="Lumezzane")
    programma = f.make_programma(session, nome="ZeroOttanta (prova)")
    f.make_budget(session, programma, comune, data_inizio=dt.date(today.year - 1, 1, 1),
                  data_fine=dt.date(today.year + 1, 12, 31))
    scaduta = f.make_ente(session, comune, ragione_sociale="Minuterie Gobbia S.p.A.",
                          convenzione_scadenza=today - dt.timedelta(days=30))
    valida = f.make_ente(session, comune, ragione_sociale="Valgobbia Rubinetterie S.r.l.")
    vecchia = f.make_postazione(session, scaduta, mansione="Assemblaggio minuterie")
    nuova = f.make_postazione(session, valida, mansione="Montaggio rubinetteria")
    persona = f.make_persona(session, comune, cognome="Colombo", nome="Roberto")
    op = f.make_user(session, "operatore@example.org", ["operatore"])
    pal = f.make_user(session, "pal@example.org", ["pal"])
    day = today - dt.timedelta(days=21)
    p = f.make_percorso(session, persona, comune, programma, data_segnalazione=day)
    ops.take_in_charge(session, p, day, op)
    ops.record_first_interview(session, p, day, by=op)
    v = Voucher(percorso=p, data_proposta=day,
                righe=[RigaVoucher(voce_listino=voce(session, programma, "ATT", day), quantita=Decimal(1))])
    session.add(v)
    voucher_ops.propose_voucher(session, v, by=op)
    voucher_ops.approve_voucher(session, v, pal, day)
    return {"percorso": p.id, "vecchia": vecchia.id, "nuova": nuova.id,
            "scadenza": dates.fmt(scaduta.convenzione_scadenza)}


@pytest.fixture
def live_server(fresh_database_url, tmp_path):
    with live_console(fresh_database_url, lambda s: _seed(s, clock.today()),
                      ALLEGATI_DIR=str(tmp_path / "allegati")) as live:
        yield live


@pytest.fixture
def page(chromium, live_server):
    with italian_page(chromium, live_server.url, accept_downloads=True) as page:
        yield page


def type_dates(page, start: dt.date, end: dt.date) -> None:
    """The start and the planned end typed dd/mm/yyyy (Tab from the start opens the end's calendar)."""
    page.fill("form#step-activate input[name=data]", dates.fmt(start))
    fill_date(page, "form#step-activate input[name=data_fine_prevista]", end)
    expect(page.locator("form#step-activate input[name=data]")).to_have_value(dates.fmt(start))


def test_agreement_check_documents_and_signed_scan_in_a_real_browser(live_server, page, tmp_path):
    s, today = live_server.seed, clock.today()
    start, end = today - dt.timedelta(days=7), today + dt.timedelta(days=90)
    login(page, "operatore@example.org")
    page.goto(f"/admin/percorso/case/{s['percorso']}/")
    # The expired host's position is marked before anyone tries it.
    expect(page.locator(f"#agreement-{s['vecchia']}")).to_contain_text(f"è scaduta il {s['scadenza']}")

    # 1. Activation at the expired host, dates typed the Italian way: refused, nothing changes.
    form = page.locator("form#step-activate")
    form.locator(f"#post-{s['vecchia']}").check()
    type_dates(page, start, end)
    submit_step(page, "activate")
    expect_flash(page, f"La convenzione con Minuterie Gobbia S.p.A. è scaduta il {s['scadenza']}", "danger")
    expect(page.locator("#case-state")).to_have_text("voucher approvato")

    # 2. At the host with an agreement in force: activated.
    form.locator(f"#post-{s['nuova']}").check()
    type_dates(page, start, end)
    submit_step(page, "activate")
    expect_flash(page, "Percorso avviato presso Montaggio rubinetteria")

    # 3. The individual project to sign, as PDF; it is recorded.
    with page.expect_download() as download:
        page.click("#doc-progetto-formativo-pdf")
    assert download.value.suggested_filename.startswith("progetto-formativo_Colombo-Roberto_")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    page.reload()
    expect(page.locator("#generated-documents")).to_contain_text("Progetto individuale")

    # 4. The signed scan comes back as a PNG.
    scan = tmp_path / "progetto firmato.png"
    scan.write_bytes(PNG)
    attach = page.locator("form#attach-scan")
    attach.locator("select[name=tipo]").select_option("PROGETTO_FORMATIVO")
    attach.locator("input[name=file]").set_input_files(str(scan))
    with page.expect_navigation():
        attach.locator("button[type=submit]").click()
    expect_flash(page, "Scansione firmata allegata.")
    expect(page.locator("#scans")).to_contain_text("progetto firmato.png")
    if os.environ.get("SHOTS_DIR"):
        page.locator("#documents").screenshot(path=str(Path(os.environ["SHOTS_DIR"]) / "documenti.png"))
