"""The month grid of many people in a real headless Chromium (issue 12, item 7): a month entered
for three trainees by typing (decimal comma, shifts, an absence) and by pasting a block copied
from a spreadsheet; the keyboard moves like a spreadsheet's; errors are shown at their cells and
nothing is saved; a PAL manager reads the grid and cannot change it.

The console runs as in tests/test_e2e.py (its own database, a werkzeug thread, Debian's
chromium). Screenshots go to the test's tmp_path, and to $E2E_SHOTS when set.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import gettext
from playwright.sync_api import expect  # noqa: E402  (test_e2e skips without it)
from sqlalchemy import select

from models import Ore, clock, db
from models.base import StatoPercorso, TipoAssenza, TipologiaPercorso, TipoOre
from models.calendario import default_grid_month

from . import factories as f
from .test_e2e import italian_page, live_console, login, logout, pick_ajax


@dataclass
class Month:
    year: int
    month: int
    days: int
    ente: int
    paths: dict[str, int]  # surname -> path id

    @property
    def text(self) -> str:
        """The month as a person types it."""
        return f"{self.month:02d}/{self.year}"

    def weekdays(self) -> list[int]:
        return [d for d in range(1, self.days + 1) if dt.date(self.year, self.month, d).weekday() < 5]


def _seed(session, today: dt.date) -> Month:
    """Three trainees at one host through a whole past month; the third starts on the 10th."""
    first = (today.replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    days = calendar.monthrange(first.year, first.month)[1]
    comune = f.make_comune(session, nome="Villa Carcina")
    programma = f.make_programma(session, nome="ZeroOttanta griglia")
    ente = f.make_ente(session, comune, ragione_sociale="Officine Griglia Srl", tutor_aziendale="Anna Tutor")
    post = f.make_postazione(session, ente, mansione="Magazzino", posti=5, ore_settimanali=Decimal("30"),
                             attiva_dal=first - dt.timedelta(days=90))
    f.make_user(session, "operatore@example.org", ["operatore"])
    f.make_user(session, "pal@example.org", ["pal"])
    paths = {}
    for surname, start in (("Alberti", first - dt.timedelta(days=30)), ("Bonetti", first - dt.timedelta(days=30)),
                           ("Corsini", first.replace(day=10))):
        persona = f.make_persona(session, comune, cognome=surname, nome="Giulia")
        p = f.make_percorso(session, persona, comune, programma, tipologia=TipologiaPercorso.TIROCINIO,
                            stato=StatoPercorso.ATTIVO, data_segnalazione=start - dt.timedelta(days=20),
                            data_presa_in_carico=start - dt.timedelta(days=15), data_avvio=start,
                            data_fine_prevista=start + dt.timedelta(days=180), postazione=post)
        paths[surname] = p.id
    return Month(first.year, first.month, days, ente.id, paths)


@pytest.fixture
def live(fresh_database_url):
    with live_console(fresh_database_url, lambda s: _seed(s, clock.today())) as server:
        yield server.app, server.url, server.seed


@pytest.fixture
def page(chromium, live):
    with italian_page(chromium, live[1], viewport={"width": 1500, "height": 900}) as page:
        yield page


def shot(page, tmp_path: Path, name: str) -> None:
    target = tmp_path / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 0
    if os.environ.get("E2E_SHOTS"):
        shutil.copy(target, Path(os.environ["E2E_SHOTS"]) / target.name)


def paste(page, cell_id: str, text: str) -> None:
    """What the browser does on Ctrl+V of a block copied from a spreadsheet: a paste event
    carrying the clipboard's text/plain (tab-separated cells, one line per row)."""
    page.evaluate(
        """([id, text]) => { const el = document.getElementById(id); el.focus();
             const data = new DataTransfer(); data.setData('text/plain', text);
             el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})); }""",
        [cell_id, text],
    )


def focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def saved_rows(app, month: Month) -> dict:
    with app.app_context():
        rows = db.session.scalars(select(Ore).where(Ore.tipo == TipoOre.PRESENZA)).all()
        result = {(r.percorso_id, r.data.day): (r.ore, r.entrata, r.uscita, r.entrata_2, r.uscita_2, r.assenza)
                  for r in rows}
        db.session.remove()
        return result


def test_a_month_for_several_people_by_typing_and_pasting(live, page, tmp_path):
    app, _, m = live
    a, b, c = (m.paths[s] for s in ("Alberti", "Bonetti", "Corsini"))
    wd = m.weekdays()
    login(page, "operatore@example.org")

    # The grid opens on the previous month until the 10th, then on the current one.
    page.goto("/admin/ore-del-mese/")
    y, mo = default_grid_month(clock.today())
    expect(page.locator("#mese")).to_have_value(f"{mo:02d}/{y}")

    # Choose the month and the host, as a person does.
    page.fill("#mese", m.text)
    pick_ajax(page, "ente", "Officine", "Officine Griglia Srl")
    with page.expect_navigation():
        page.click("#show-grid")
    expect(page.locator("#grid tbody tr")).to_have_count(3)
    expect(page.locator("#grid thead th.we")).to_have_count(
        sum(1 for d in range(1, m.days + 1) if dt.date(m.year, m.month, d).weekday() >= 5))
    # Corsini started on the 10th: the days before are locked.
    expect(page.locator(f"#c-{c}-9")).to_be_disabled()
    expect(page.locator(f"#c-{c}-10")).to_be_enabled()
    shot(page, tmp_path, "griglia-vuota")

    # Typing: a decimal comma, Tab to the next day; shifts, Enter down; an absence; arrows.
    d1, d2, d3 = wd[0], wd[1], wd[2]
    page.click(f"#c-{a}-{d1}")
    page.keyboard.type("7,5")
    page.keyboard.press("Tab")
    assert focused(page) == f"c-{a}-{d1 + 1}"
    page.click(f"#c-{a}-{d2}")
    page.keyboard.type("8-12 13-16:30")
    page.keyboard.press("Enter")
    assert focused(page) == f"c-{b}-{d2}"
    page.keyboard.type("M")
    page.keyboard.press("ArrowUp")
    assert focused(page) == f"c-{a}-{d2}"
    page.keyboard.press("ArrowRight")
    assert focused(page) == f"c-{a}-{d2 + 1}"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    # Down twice: to Corsini, unless that day is before her start (locked): then it stays.
    assert focused(page) == (f"c-{c}-{d2 + 1}" if d2 + 1 >= 10 else f"c-{b}-{d2 + 1}")
    # 7,5 + the shifts' 4 + 3,5 hours.
    expect(page.locator(f"#grid tr[data-path='{a}'] .row-total")).to_have_text("15")

    # Pasting a block copied from LibreOffice: two rows, three days, decimal commas; the
    # first row starts on Bonetti's d3, the second falls on Corsini, whose days before the
    # 10th are locked (those values are left out and the page says so).
    paste(page, f"c-{b}-{d3}", "6\t6,5\t4,25\n5\t5\t5\n")
    expect(page.locator(f"#c-{b}-{d3 + 2}")).to_have_value("4,25")
    expect(page.locator("#paste-note")).to_be_visible()
    left_out = sum(1 for d in (d3, d3 + 1, d3 + 2) if d < 10)
    with app.test_request_context():  # the page speaks the console's default language
        pasted = gettext("%(filled)s cells pasted.", filled=3 + (3 - left_out))
        dropped = gettext("%(left)s values fell on locked days or outside the grid and were left out.",
                          left=left_out)
    expect(page.locator("#paste-note")).to_contain_text(pasted)
    if left_out:
        expect(page.locator("#paste-note")).to_contain_text(dropped)
    expect(page.locator(f"#grid tr[data-path='{b}'] .row-total")).to_have_text("16,75")
    shot(page, tmp_path, "griglia-compilata")
    with page.expect_navigation():
        page.click("#save-grid")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".alert-danger")).to_have_count(0)
    rows = saved_rows(app, m)
    assert rows[a, d1][0] == Decimal("7.5")
    assert rows[a, d2][:5] == (Decimal("7.5"), dt.time(8), dt.time(12), dt.time(13), dt.time(16, 30))
    assert rows[b, d2][5] == TipoAssenza.MALATTIA and rows[b, d2][0] == Decimal("0")
    assert [rows[b, d][0] for d in (d3, d3 + 1, d3 + 2)] == [Decimal("6"), Decimal("6.5"), Decimal("4.25")]
    assert [d for d in (d3, d3 + 1, d3 + 2) if (c, d) in rows] == [d for d in (d3, d3 + 1, d3 + 2) if d >= 10]
    # After saving the grid reads back as typed: decimal comma, shifts, the absence code.
    expect(page.locator(f"#c-{a}-{d1}")).to_have_value("7,5")
    expect(page.locator(f"#c-{a}-{d2}")).to_have_value("8-12 13-16:30")
    expect(page.locator(f"#c-{b}-{d2}")).to_have_value("M")

    # Errors: every refused cell is listed and marked, nothing is saved, the input stays.
    before = saved_rows(app, m)
    page.fill(f"#c-{a}-{wd[5]}", "25")
    page.fill(f"#c-{b}-{wd[5]}", "tre")
    with page.expect_navigation():
        page.click("#save-grid")
    errors = page.locator("#grid-errors li")
    expect(errors).to_have_count(2)
    expect(page.locator(f"td.err #c-{a}-{wd[5]}")).to_have_value("25")
    expect(page.locator(f"td.err #c-{b}-{wd[5]}")).to_have_value("tre")
    expect(page.locator("#grid-errors")).to_contain_text("24")
    assert saved_rows(app, m) == before
    shot(page, tmp_path, "griglia-errori")
    logout(page)

    # The PAL manager reads the month and cannot change it.
    login(page, "pal@example.org")
    page.goto(f"/admin/ore-del-mese/?mese={m.text}&ente={m.ente}")
    expect(page.locator(f"#c-{a}-{d1}")).to_have_value("7,5")
    expect(page.locator(f"#c-{a}-{d1}")).to_be_disabled()
    expect(page.locator("#save-grid")).to_have_count(0)
