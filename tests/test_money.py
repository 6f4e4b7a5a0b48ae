"""Money (issue 9, item 3): one half-up rounding for every line amount and one VAT rule, the
same in Python and in SQL on SQLite and PostgreSQL.

The amounts are chosen where half-up and half-to-even disagree: 0.5 h x EUR 21.01 = 10.505 is
10.51 half-up and 10.50 half-to-even (21.03 rounds the same both ways, as a control).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from sqlalchemy import select

from models import Addebito, RigaFattura, RigaVoucher, VoceListino
from models import reports as r
from models.money import (
    cents,
    line_amount,
    sql_line_amount,
    sql_line_gross,
    totals,
    vat,
    vat_summary,
)
from models.operations import fatture as invoice_ops
from models.operations.fatture import RigaPrevista
from models.operations.prezzi import voucher_totals
from models.queries import budget_figures, voucher_gross

from . import factories as f
from .paths import add_item, new_voucher, referred, scene

#: (quantity, unit price, VAT rate, line amount half-up)
TIES = [
    ("0.5", "21.01", "22", "10.51"),  # 10.505: half-to-even says 10.50
    ("0.5", "21.03", "22", "10.52"),  # 10.515: the same both ways
    ("0.5", "21.05", "10", "10.53"),  # 10.525: half-to-even says 10.52
    ("1.5", "0.07", "22", "0.11"),  # 0.105: half-to-even says 0.10
    ("2.5", "4.21", "4", "10.53"),  # 10.525
]


def D(text) -> Decimal:
    return Decimal(text)


@pytest.mark.parametrize("quantity, price, rate, expected", TIES)
def test_a_line_amount_is_rounded_half_up(quantity, price, rate, expected):
    exact = D(quantity) * D(price)
    assert line_amount(D(quantity), D(price)) == cents(exact) == D(expected)
    if exact.quantize(D("0.01"), rounding=ROUND_HALF_EVEN) != D(expected):
        assert exact.quantize(D("0.01"), rounding=ROUND_HALF_EVEN) == D(expected) - D("0.01")


def test_vat_is_rounded_half_up_on_each_rates_taxable_total():
    assert vat(D("10.25"), D("10")) == D("1.03")  # 1.025: half-to-even says 1.02
    # Three lines at 22 %: 10.51 + 10.52 = 21.03 -> 4.6266 -> 4.63; and one at 10 %.
    lines = [(D("0.5"), D("21.01"), D("22")), (D("0.5"), D("21.03"), D("22")), (D("0.5"), D("20.50"), D("10"))]
    assert vat_summary(lines) == {D("10"): (D("10.25"), D("1.03")), D("22"): (D("21.03"), D("4.63"))}
    assert totals(lines) == (D("31.28"), D("5.66"))


def test_every_line_amount_of_the_console_rounds_half_up():
    """Voucher lines, charges, invoice lines and the invoice preview: one rule."""
    voce = VoceListino(prezzo_unitario=D("21.01"), aliquota_iva=D("22"))
    assert RigaVoucher(voce_listino=voce, quantita=D("0.5")).importo == D("10.51")
    assert Addebito(voce_listino=voce, quantita=D("0.5")).importo == D("10.51")
    assert RigaFattura(quantita=D("0.5"), prezzo_unitario=D("21.01"), aliquota_iva=D("22")).importo == D("10.51")
    assert RigaPrevista(voce, [Addebito(quantita=D("0.5"))]).importo == D("10.51")


def _priced_items(session, sc):
    return [(D(q), add_item(session, sc.programma, f"T{n}", price, rate), D(expected))
            for n, (q, price, rate, expected) in enumerate(TIES)]


def test_sql_line_amounts_agree_with_python(session):
    """round() in SQL rounds the stored amounts half-up too, on SQLite and PostgreSQL."""
    sc = scene(session)
    p = referred(session, sc)
    for quantity, item, expected in _priced_items(session, sc):
        charge = f.make_addebito(session, p, item, quantita=quantity, data=dt.date(2025, 4, 7))
        session.expire_all()
        in_sql = session.scalar(
            select(sql_line_amount(Addebito.quantita, VoceListino.prezzo_unitario))
            .join(VoceListino, Addebito.voce_listino_id == VoceListino.id).where(Addebito.id == charge.id))
        gross = session.scalar(
            select(sql_line_gross(Addebito.quantita, VoceListino.prezzo_unitario, VoceListino.aliquota_iva))
            .join(VoceListino, Addebito.voce_listino_id == VoceListino.id).where(Addebito.id == charge.id))
        assert D(str(in_sql)) == charge.importo == expected
        assert D(str(gross)).quantize(D("0.01")) == expected + vat(expected, item.aliquota_iva)


def test_budget_figures_and_reports_agree_with_python_amounts(session):
    """The SQL figures (voucher gross, consumed budget, the half-year report) equal the Python
    amounts of the same rows."""
    sc = scene(session)
    p = referred(session, sc)
    items = _priced_items(session, sc)
    charges = [f.make_addebito(session, p, item, quantita=q, data=dt.date(2025, 4, 7)) for q, item, _ in items]
    consumed = sum((c.importo + vat(c.importo, c.voce_listino.aliquota_iva) for c in charges), D("0"))
    assert budget_figures(session, sc.budget.id)["consumato"] == consumed
    half_year = r.semestrale(session, r.Periodo.semestre(2025, 1), sc.comune.id)
    assert half_year[0]["budget_utilizzato"] == consumed

    v = new_voucher(session, p, lines={})
    for quantity, item, _ in items:
        v.righe.append(RigaVoucher(voce_listino=item, quantita=quantity))
    session.flush()
    session.expire_all()
    in_sql = session.scalar(select(voucher_gross(v.id)))
    assert D(str(in_sql)).quantize(D("0.01")) == voucher_totals(v)[2]


def test_invoice_line_amounts_in_sql_agree_with_python(session):
    sc = scene(session)
    fattura = f.make_fattura(session, sc.comune, sc.programma)
    for quantity, price, rate, _ in TIES:
        f.make_riga_fattura(session, fattura, quantita=D(quantity), prezzo_unitario=D(price), aliquota_iva=D(rate))
    session.expire_all()
    taxable, tax = invoice_ops.totals(fattura.righe)
    assert taxable == sum((D(e) for *_, e in TIES), D("0"))
    in_sql = session.scalars(
        select(sql_line_amount(RigaFattura.quantita, RigaFattura.prezzo_unitario))
        .where(RigaFattura.fattura_id == fattura.id).order_by(RigaFattura.id)).all()
    assert [D(str(x)).quantize(D("0.01")) for x in in_sql] == [D(e) for *_, e in TIES]
    assert tax == sum((v for _, v in invoice_ops.vat_summary(fattura.righe).values()), D("0"))
