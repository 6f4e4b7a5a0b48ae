"""An invoice through SDI in a real headless Chromium (issue 15): the accountant sends it, uploads
SDI's rejection, reads the errors on the invoice page, corrects the contract data (the
resolution's date typed dd/mm/yyyy) and sends it again under a new file name.

Same harness as tests/test_e2e.py (Debian's chromium, the console on a fresh database in a
thread); skipped only where chromium or playwright is missing. Screenshots go to $SHOTS_DIR.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models import Fattura, TrasmissioneSdi, db
from models.base import TipoVoce
from models.operations import fatture as ops
from models.sdi import StatoSdi

from . import factories as f
from .sdi_messaggi import receipt
from .test_e2e import (
    CHROMIUM,
    _shot,
    expect_flash,
    fill_date,
    italian_page,
    live_console,
    login,
)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - test_e2e skips the module first
    pytest.skip("needs playwright", allow_module_level=True)
if not CHROMIUM.exists():  # pragma: no cover
    pytest.skip("needs Debian's chromium", allow_module_level=True)


def _seed(session) -> int:
    """An invoice issued without CIG and resolution: it will come back rejected."""
    comune = f.make_comune(session, nome="Sarezzo", cap="25068", indirizzo="Piazza Cesare Battisti 1")
    programma = f.make_programma(session)
    p = f.make_percorso(session, f.make_persona(session, comune), comune, programma)
    f.make_charges(session, p, TipoVoce.ATTIVAZIONE_TIROCINIO, 1)
    (draft,) = ops.generate_invoices(session, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    f.make_user(session, "amministrazione@example.org", ["amministrazione"])
    return ops.issue_invoice(session, draft, dt.date(2025, 4, 2), iban=f.IBAN).id


@pytest.fixture
def live_server(fresh_database_url):
    with live_console(fresh_database_url, _seed) as live:
        yield live


@pytest.fixture
def page(chromium, live_server):
    with italian_page(chromium, live_server.url) as page:
        yield page


def test_an_invoice_rejected_by_sdi_is_corrected_and_sent_again_in_a_real_browser(live_server, page, tmp_path):
    fid, url = live_server.seed, f"/admin/fattura/invoice/{live_server.seed}/"
    login(page, "amministrazione@example.org")

    # 1. Send: a file name of its own, the history says "sent".
    page.goto(url)
    expect(page.locator("#sdi-history")).to_contain_text("Non ancora inviata allo SDI.")
    with page.expect_navigation():
        page.locator("#send-form button[type=submit]").click()
    expect_flash(page, "Registrata come inviata allo SDI con il file IT01234560173_00001.xml")
    expect(page.locator("#sdi-history .sdi-state")).to_have_text("inviata allo SDI")

    # 2. SDI rejects it: the accountant uploads the receipt on the SDI receipts page.
    rejection = tmp_path / "IT01234560173_00001_NS_001.xml"
    rejection.write_bytes(receipt("NS", "IT01234560173_00001.xml", "900", errori=(
        ("00418", "Data Fattura non valida rispetto alla determina"),)))
    page.goto("/admin/fattura/notifiche/")
    page.set_input_files("#receipts-form input[type=file]", str(rejection))
    with page.expect_navigation():
        page.locator("#receipts-form button[type=submit]").click()
    expect(page.locator("#receipts-result")).to_contain_text("scartata dallo SDI (NS)")

    # 3. The invoice page shows the error; the contract data are corrected, the date typed dd/mm/yyyy.
    page.goto(url)
    expect(page.locator("#sdi-history")).to_contain_text("00418: Data Fattura non valida")
    form = page.locator("#correct-form")
    form.locator("input[name=cig]").fill("z1a2b3c4d5")
    form.locator("input[name=determina_numero]").fill("DD 12/2025")
    fill_date(page, "#c-detd", dt.date(2025, 1, 15))
    form.locator("input[name=impegno]").fill("Imp. 2025/77")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect_flash(page, "Dati del contratto corretti")

    # 4. Sent again under a new name; both files are in the history.
    with page.expect_navigation():
        page.locator("#send-form button[type=submit]").click()
    expect_flash(page, "IT01234560173_00002.xml")
    expect(page.locator("#sdi-history")).to_contain_text("IT01234560173_00001.xml")
    expect(page.locator("#courtesy-pdf")).to_be_visible()
    _shot(page, tmp_path, "sdi-1-sent-again")

    with live_server.app.app_context():
        fattura = db.session.get(Fattura, fid)
        assert (fattura.cig, fattura.determina_data) == ("Z1A2B3C4D5", dt.date(2025, 1, 15))
        sent = db.session.scalars(select(TrasmissioneSdi).order_by(TrasmissioneSdi.id)).all()
        assert [t.stato for t in sent] == [StatoSdi.SCARTATA, StatoSdi.INVIATA]
        assert b"<CodiceCIG>Z1A2B3C4D5</CodiceCIG>" in sent[1].xml and b"CodiceCIG" not in sent[0].xml
        db.session.remove()
