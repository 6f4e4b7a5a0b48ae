"""Month-end in two commands (issue 14, item 7): ``flask fatture genera`` makes the month's
drafts, ``flask fatture emetti`` issues them in number order; both say what they did and the
totals (in Italian, the console's language)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Fattura, db
from models.base import StatoFattura, TipoVoce

from . import factories as f


@pytest.fixture
def october(app):
    """Two Comuni with October charges (one activation and 10 tutoring hours each), one with
    a September charge too."""
    with app.app_context():
        s = db.session
        programma = f.make_programma(s, nome="Programma mese")
        names = []
        for nome in ("Alfa", "Beta"):
            comune = f.make_comune(s, nome=f"Comune {nome}", cap="25065")
            p = f.make_percorso(s, f.make_persona(s, comune), comune, programma)
            f.make_charges(s, p, TipoVoce.ATTIVAZIONE_TIROCINIO, 1, day=dt.date(2025, 10, 6))
            f.make_charges(s, p, TipoVoce.ORA_AFFIANCAMENTO, 10, day=dt.date(2025, 10, 20))
            names.append((comune.nome, comune.codice_istat))
        f.make_charges(s, p, TipoVoce.ORA_AFFIANCAMENTO, 2, day=dt.date(2025, 9, 30))
        s.commit()
        return names


def invoices(app):
    with app.app_context():
        return [(x.comune.nome, x.stato, x.numero, x.data, x.imponibile)
                for x in db.session.scalars(select(Fattura).order_by(Fattura.id))]


def test_genera_makes_the_months_drafts_and_prints_the_totals(app, october):
    result = app.test_cli_runner().invoke(args=["fatture", "genera", "--mese", "2025-10"])
    assert result.exit_code == 0, result.output
    assert "2 bozze di fattura generate per 10/2025" in result.output
    assert "Comune Alfa" in result.output and "Comune Beta" in result.output
    # 2 x (200.00 + 10 x 21.00) = 820.00 taxable, 180.40 VAT
    assert "Totale: imponibile 820,00\xa0€, IVA 180,40\xa0€, bollo 0,00\xa0€, totale 1.000,40\xa0€" in result.output
    assert [(n, s) for n, s, *_ in invoices(app)] == [("Comune Alfa", StatoFattura.BOZZA),
                                                      ("Comune Beta", StatoFattura.BOZZA)]


def test_genera_for_one_comune(app, october):
    istat = october[1][1]
    result = app.test_cli_runner().invoke(args=["fatture", "genera", "--mese", "2025-10", "--comune", istat])
    assert result.exit_code == 0, result.output
    assert [n for n, *_ in invoices(app)] == ["Comune Beta"]


def test_emetti_issues_the_drafts_in_number_order_on_the_given_date(app, october):
    runner = app.test_cli_runner()
    runner.invoke(args=["fatture", "genera", "--mese", "2025-10"])
    result = runner.invoke(args=["fatture", "emetti", "--mese", "2025-10", "--data", "2025-11-05"])
    assert result.exit_code == 0, result.output
    assert "2 fatture emesse il 05/11/2025" in result.output
    assert result.output.index("1/2025 Comune Alfa") < result.output.index("2/2025 Comune Beta")
    assert "totale 1.000,40\xa0€" in result.output
    assert [(n, s, num, d) for n, s, num, d, _ in invoices(app)] == [
        ("Comune Alfa", StatoFattura.EMESSA, 1, dt.date(2025, 11, 5)),
        ("Comune Beta", StatoFattura.EMESSA, 2, dt.date(2025, 11, 5)),
    ]
    # The September charge stays for September's run; the XML export works as before.
    again = runner.invoke(args=["fatture", "emetti", "--mese", "2025-10"])
    assert again.exit_code != 0 and "Nessuna bozza" in again.output


def test_nothing_to_invoice_is_a_message_not_a_trace(app, october):
    result = app.test_cli_runner().invoke(args=["fatture", "genera", "--mese", "2025-08"])
    assert result.exit_code != 0 and "Niente da fatturare" in result.output
    bad = app.test_cli_runner().invoke(args=["fatture", "genera", "--mese", "ottobre"])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output


def test_a_refused_draft_is_reported_and_leaves_no_gap(app, october):
    runner = app.test_cli_runner()
    runner.invoke(args=["fatture", "genera", "--mese", "2025-10"])
    with app.app_context():
        alfa = db.session.scalar(select(Fattura).join(Fattura.comune).where(Fattura.comune.has(nome="Comune Alfa")))
        alfa.comune.cap = None  # cannot be e-invoiced
        db.session.commit()
    result = runner.invoke(args=["fatture", "emetti", "--mese", "2025-10", "--data", "2025-11-05"])
    assert result.exit_code == 1
    assert "1 fattura emessa" in result.output and "1 bozza non emessa" in result.output
    assert [(n, s, num) for n, s, num, *_ in invoices(app)] == [
        ("Comune Alfa", StatoFattura.BOZZA, None), ("Comune Beta", StatoFattura.EMESSA, 1)]
    assert sum((x for *_, x in invoices(app) if x), Decimal(0)) == Decimal("410.00")
