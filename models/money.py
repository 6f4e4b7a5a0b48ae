"""Money rules, once: half-up rounding to the cent and VAT per rate, in Python and in SQL.

DOMAIN.md, "Prices": money is Decimal, each line (quantity x unit price) rounded half-up to the
cent; VAT is computed per rate on the taxable total of that rate, and rounded half-up too.
Every amount of the console goes through here: voucher lines, charges, invoice lines, the
invoice preview, the budget figures and the reports (the SQL forms below). 0.5 h x EUR 21.01
is 10.51 everywhere, never the 10.50 of half-to-even.

Lines without VAT (rate 0) carry their FatturaPA Natura (N4: exempt, e.g. training under art. 10
DPR 633/72): the invoice summarises per rate and per Natura, and a document whose amounts outside
VAT exceed EUR 77.47 bears the stamp duty, EUR 2 paid virtually (DPR 642/72, tariff art. 13 n. 1;
art. 6 DM 17/06/2014).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Numeric, func

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: The SQL type of a money figure: Decimal on every backend (SQLite would hand back floats).
MONEY = Numeric(12, 2)


def cents(value) -> Decimal:
    """``value`` rounded half-up (ties away from zero) to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(quantity, price) -> Decimal:
    """A line's taxable amount: quantity x unit price, rounded half-up to the cent.
    A line still being filled in (no quantity or price yet) is worth 0.00."""
    if quantity is None or price is None:
        return ZERO
    return cents(Decimal(quantity) * Decimal(price))


def vat(taxable, rate) -> Decimal:
    """The VAT of a taxable amount at ``rate`` percent, rounded half-up to the cent."""
    return cents(Decimal(taxable) * Decimal(rate) / 100)


def vat_summary(lines: Iterable[tuple]) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """rate -> (taxable, VAT) of (quantity, unit price, rate[, natura]) lines, by increasing
    rate: each line rounded, the VAT on each rate's taxable total."""
    by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for quantity, price, rate, *_ in lines:
        by_rate[Decimal(rate)] += line_amount(quantity, price)
    return {rate: (taxable, vat(taxable, rate)) for rate, taxable in sorted(by_rate.items())}


def _nature_key(natura) -> str:
    return "" if natura is None else getattr(natura, "name", str(natura))


def vat_summary_by_nature(lines: Iterable[tuple]) -> dict[tuple[Decimal, object], tuple[Decimal, Decimal]]:
    """(rate, natura) -> (taxable, VAT) of (quantity, unit price, rate, natura) lines: the
    FatturaPA summary (DatiRiepilogo), one per rate and, at rate 0, one per Natura; taxed rates
    first, then the Natura codes in order. Each line rounded, VAT on each group's total."""
    groups: dict[tuple[Decimal, object], Decimal] = defaultdict(lambda: ZERO)
    for quantity, price, rate, natura in lines:
        groups[(Decimal(rate), natura)] += line_amount(quantity, price)
    order = sorted(groups, key=lambda k: (k[0] == 0, k[0], _nature_key(k[1])))
    return {key: (groups[key], vat(groups[key], key[0])) for key in order}


#: Natura codes whose amounts bear the stamp duty (amounts outside VAT; not exports or
#: intra-EU supplies, N3.1-N3.4, nor reverse-charge or margin lines, whose VAT is paid).
BOLLO_NATURE = frozenset({"N1", "N2_1", "N2_2", "N3_5", "N3_6", "N4"})
#: The threshold above which the stamp duty is due, and the duty.
BOLLO_SOGLIA = Decimal("77.47")
BOLLO = Decimal("2.00")


def stamp_duty(lines: Iterable[tuple]) -> Decimal:
    """The stamp duty of a document of (quantity, unit price, rate, natura) lines: EUR 2 when the
    lines of a Natura subject to it add up to more than EUR 77.47, else 0."""
    outside_vat = sum((line_amount(q, p) for q, p, _, natura in lines
                       if natura is not None and _nature_key(natura) in BOLLO_NATURE), ZERO)
    return BOLLO if outside_vat > BOLLO_SOGLIA else ZERO


def totals(lines: Iterable[tuple]) -> tuple[Decimal, Decimal]:
    """(taxable, VAT) of (quantity, unit price, rate) lines, as ``vat_summary`` sums them."""
    summary = vat_summary(lines).values()
    return sum((t for t, _ in summary), ZERO), sum((v for _, v in summary), ZERO)


# -- The same rules in SQL -----------------------------------------------------------------
# round(x, 2) rounds ties away from zero on PostgreSQL (numeric) and on SQLite, as
# ROUND_HALF_UP does; the tests compare both databases with the functions above on amounts
# that round differently half-up and half-to-even (tests/test_money.py).


def sql_cents(expr):
    """``expr`` rounded half-up to the cent, in SQL."""
    return func.round(expr, 2)


def sql_line_amount(quantity, price):
    """``line_amount`` in SQL."""
    return sql_cents(quantity * price)


def sql_vat(taxable, rate):
    """``vat`` in SQL. ``taxable`` comes from ``sql_cents`` (a real number on SQLite, so the
    division is never an integer one)."""
    return sql_cents(taxable * rate / 100)


def sql_line_gross(quantity, price, rate):
    """A single line's gross in SQL: its taxable amount plus the VAT on it (a charge's gross
    in the budget figures and reports: one line, one rate)."""
    taxable = sql_line_amount(quantity, price)
    return taxable + sql_vat(taxable, rate)
