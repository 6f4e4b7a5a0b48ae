"""Budget figures in SQL (issue 3, rule 4), voucher money (rule 3) and approval against the budget.

Each figure is computed here, independently, from the rows, and compared with the SQL figure
(``budget_figures`` and the deferred ``Budget`` column properties).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import undefer

from models import (
    Addebito,
    Budget,
    DomainError,
    Percorso,
    RigaVoucher,
    VariazioneBudget,
    Voucher,
    db,
)
from models import reports as r
from models.base import StatoFattura, StatoVoucher, TipoOre, euro
from models.operations import ore as ore_ops
from models.operations import percorsi as ops
from models.operations import voucher as voucher_ops
from models.operations.prezzi import voucher_totals
from models.queries import CLOSED, budget_figures

from . import factories as f
from .paths import (
    DECISION,
    PROPOSAL,
    active,
    add_item,
    approved,
    english,
    new_voucher,
    position,
    proposed,
    scene,
)

CENT = Decimal("0.01")
YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture
def session(app):
    """A session inside a request context (messages are gettext'd), in English."""
    with app.test_request_context():
        english()
        yield db.session
        db.session.rollback()


# --- Independent arithmetic ---------------------------------------------------------------


def half_up(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def document_gross(lines) -> Decimal:
    """(quantity, price, rate) lines of one document: lines rounded, VAT per rate on the total."""
    taxable_by_rate = defaultdict(Decimal)
    for quantity, price, rate in lines:
        taxable_by_rate[rate] += half_up(quantity * price)
    return sum((t + half_up(t * rate / 100) for rate, t in taxable_by_rate.items()), Decimal("0"))


def charge_gross(c: Addebito) -> Decimal:
    taxable = half_up(c.quantita * c.voce_listino.prezzo_unitario)
    return taxable + half_up(taxable * c.voce_listino.aliquota_iva / 100)


def voucher_gross(v: Voucher) -> Decimal:
    return document_gross([(r.quantita, r.voce_listino.prezzo_unitario, r.voce_listino.aliquota_iva)
                           for r in v.righe])


def in_period(day, period=YEAR_2025) -> bool:
    return day is not None and period[0] <= day <= period[1]


# --- A year of one Comune's paths, with the rows that must not count ----------------------


@dataclass
class Ledger:
    sc: object
    budget: Budget


def ledger(session) -> Ledger:
    """One Comune's 2025 budget (+2000, -500) and paths in every situation that matters."""
    sc = scene(session)
    b = sc.budget
    b.variazioni += [
        VariazioneBudget(data=dt.date(2025, 6, 1), importo=Decimal("2000.00"), motivo="Top-up"),
        VariazioneBudget(data=dt.date(2025, 9, 1), importo=Decimal("-500.00"), motivo="Cut"),
    ]
    persona = lambda: f.make_persona(session, sc.comune)  # noqa: E731
    # Active, with tutoring hours in 2025 and in 2026: commits its voucher.
    a = active(session, sc, persona=persona())
    ore_ops.record_hours(session, a, dt.date(2025, 4, 7), Decimal("3"), TipoOre.AFFIANCAMENTO)
    ore_ops.record_hours(session, a, dt.date(2026, 1, 15), Decimal("1.5"), TipoOre.AFFIANCAMENTO)
    # Interrupted: commits only what it consumed.
    closed = active(session, sc, lines={"ATT": 1, "ORA": 20}, persona=persona(), postazione=position(session, sc))
    ore_ops.record_hours(session, closed, dt.date(2025, 4, 8), Decimal("2"), TipoOre.AFFIANCAMENTO)
    ops.interrupt(session, closed, dt.date(2025, 5, 2), "Stopped")
    # Withdrawn after approval, nothing consumed: commits nothing.
    withdrawn = approved(session, sc, persona=persona())
    ops.withdraw(session, withdrawn, dt.date(2025, 3, 20), "Moved away")
    # Proposed and rejected vouchers commit nothing.
    proposed(session, sc, persona=persona())
    p, v = proposed(session, sc, persona=persona())
    voucher_ops.reject_voucher(session, v, sc.pal, DECISION, "Too many hours")
    # Another Comune's approved voucher, and this Comune's 2026 voucher, belong to other budgets.
    other = f.make_comune(session)
    f.make_budget(session, sc.programma, other)
    approved(session, sc, persona=f.make_persona(session, other), comune=other)
    f.make_budget(session, sc.programma, sc.comune, data_inizio=dt.date(2026, 1, 1),
                  data_fine=dt.date(2026, 12, 31))
    later = f.make_percorso(session, persona(), sc.comune, sc.programma, data_segnalazione=dt.date(2026, 1, 10))
    ops.take_in_charge(session, later, dt.date(2026, 1, 12))
    ops.record_first_interview(session, later, dt.date(2026, 1, 14))
    v26 = new_voucher(session, later, day=dt.date(2026, 1, 20))
    voucher_ops.propose_voucher(session, v26)
    voucher_ops.approve_voucher(session, v26, sc.pal, dt.date(2026, 2, 2))
    # Invoices: an issued one bills the activation of `a`, a draft one the hours of `closed`.
    a_charges = session.scalars(select(Addebito).where(Addebito.percorso_id == a.id).order_by(Addebito.id)).all()
    issued = f.make_fattura_emessa(session, sc.comune, sc.programma)
    a_charges[0].riga_fattura_id = f.make_riga_fattura(session, issued).id
    draft = f.make_fattura(session, sc.comune, sc.programma, periodo_al=dt.date(2025, 4, 30))
    closed_hours = session.scalars(
        select(Addebito).where(Addebito.percorso_id == closed.id, Addebito.ore_id.is_not(None))).one()
    closed_hours.riga_fattura_id = f.make_riga_fattura(session, draft, descrizione="Ore").id
    session.flush()
    session.expire_all()
    return Ledger(sc, b)


def this_budgets_charges(session, b: Budget):
    return [c for c in session.scalars(select(Addebito))
            if c.percorso.comune_id == b.comune_id and c.percorso.programma_id == b.programma_id
            and in_period(c.data, (b.data_inizio, b.data_fine))]


def sql_figure(session, b: Budget, name: str) -> Decimal:
    """The figure read both ways, which must agree: budget_figures and the undeferred column."""
    by_function = budget_figures(session, b.id)[name]
    session.expire_all()
    by_column = getattr(session.scalars(select(Budget).options(undefer(getattr(Budget, name)))
                                        .where(Budget.id == b.id)).one(), name)
    assert by_function == by_column
    return by_function


def expected_allocated(b: Budget) -> Decimal:
    return b.importo_iniziale + sum((x.importo for x in b.variazioni), Decimal("0"))


def expected_committed(session, b: Budget) -> Decimal:
    total = Decimal("0")
    for v in session.scalars(select(Voucher).where(Voucher.stato == StatoVoucher.APPROVATO)):
        p = v.percorso
        if (p.comune_id, p.programma_id) != (b.comune_id, b.programma_id):
            continue
        if not in_period(v.data_decisione, (b.data_inizio, b.data_fine)):
            continue
        if p.stato in CLOSED:
            total += sum((charge_gross(c) for c in session.scalars(
                select(Addebito).where(Addebito.percorso_id == p.id))), Decimal("0"))
        else:
            total += voucher_gross(v)
    return total


# --- The figures ----------------------------------------------------------------------------


def test_allocated_is_the_initial_amount_after_its_changes(session):
    b = ledger(session).budget
    assert expected_allocated(b) == Decimal("11500.00")
    assert sql_figure(session, b, "stanziato") == expected_allocated(b)


def test_committed_is_the_gross_of_approved_vouchers_and_what_closed_paths_consumed(session):
    b = ledger(session).budget
    expected = expected_committed(session, b)
    # a: 500.20 (its voucher); closed: 244.00 + 2 h (51.24); withdrawn, proposed, rejected: 0.
    assert expected == Decimal("795.44")
    assert sql_figure(session, b, "impegnato") == expected


def test_consumed_is_the_gross_of_the_charges_dated_in_the_period(session):
    b = ledger(session).budget
    expected = sum((charge_gross(c) for c in this_budgets_charges(session, b)), Decimal("0"))
    # Two activations (488.00), 3 h and 2 h of tutoring (76.86 + 51.24); the 2026 hours are not in it.
    assert expected == Decimal("616.10")
    assert sql_figure(session, b, "consumato") == expected


def test_invoiced_is_the_gross_of_the_charges_on_issued_invoices(session):
    b = ledger(session).budget
    expected = sum((charge_gross(c) for c in this_budgets_charges(session, b)
                    if c.riga_fattura_id is not None
                    and c.voce_listino is not None
                    and _invoice_state(session, c) in (StatoFattura.EMESSA, StatoFattura.PAGATA)),
                   Decimal("0"))
    assert expected == Decimal("244.00")  # the draft invoice's hours are not invoiced yet
    assert sql_figure(session, b, "fatturato") == expected


def _invoice_state(session, c: Addebito):
    from models import RigaFattura

    return session.get(RigaFattura, c.riga_fattura_id).fattura.stato


def test_remaining_is_allocated_minus_committed(session):
    b = ledger(session).budget
    expected = expected_allocated(b) - expected_committed(session, b)
    assert sql_figure(session, b, "residuo") == expected == Decimal("10704.56")


def test_the_figures_of_a_budget_with_nothing_yet_are_zero_decimals(session):
    sc = scene(session)
    figures = budget_figures(session, sc.budget.id)
    assert figures == {"stanziato": Decimal("10000.00"), "impegnato": 0, "consumato": 0,
                       "fatturato": 0, "residuo": Decimal("10000.00")}
    assert all(isinstance(v, Decimal) for v in figures.values())


def test_every_budget_figure_is_a_decimal(session):
    b = ledger(session).budget
    figures = budget_figures(session, b.id)
    assert {k: type(v) for k, v in figures.items()} == dict.fromkeys(figures, Decimal)


# --- Voucher money --------------------------------------------------------------------------


def _voucher_with(session, sc, items):
    """A voucher with ad-hoc items: (price, VAT rate, quantity)."""
    p = f.make_percorso(session, f.make_persona(session, sc.comune), sc.comune, sc.programma)
    v = f.make_voucher(session, p, data_proposta=PROPOSAL)
    for n, (price, rate, qty) in enumerate(items):
        item = add_item(session, sc.programma, f"X{n}", price, rate)
        v.righe.append(RigaVoucher(voce_listino=item, quantita=Decimal(qty)))
    session.flush()
    return v


def test_the_default_voucher_totals(session):
    sc = scene(session)
    p, v = proposed(session, sc)
    assert voucher_totals(v) == (Decimal("410.00"), Decimal("90.20"), Decimal("500.20"))


def test_voucher_lines_and_vat_are_rounded_half_up_to_the_cent(session):
    sc = scene(session)
    # 0.5 x 0.25 = 0.125 -> 0.13 (half-even would give 0.12); at 22 %: 0.13 + 0.62 = 0.75,
    # VAT 0.165 -> 0.17 (half-even: 0.16); at 10 %: 0.25, VAT 0.025 -> 0.03 (half-even: 0.02).
    v = _voucher_with(session, sc, [("0.25", "22", "0.5"), ("0.62", "22", "1"), ("0.25", "10", "1")])
    taxable, vat, total = voucher_totals(v)
    assert (taxable, vat, total) == (Decimal("1.00"), Decimal("0.20"), Decimal("1.20"))
    assert all(x == x.quantize(CENT) for x in (taxable, vat, total))


def test_voucher_vat_is_computed_per_rate_on_the_taxable_total(session):
    sc = scene(session)
    # At 22 %: 5.25 + 10.25 = 15.50 -> VAT 3.41 (line by line it would be 1.16 + 2.26 = 3.42).
    v = _voucher_with(session, sc, [("5.25", "22", "1"), ("10.25", "22", "1"), ("3.35", "10", "1")])
    assert voucher_totals(v) == (Decimal("18.85"), Decimal("3.75"), Decimal("22.60"))
    assert voucher_totals(v)[2] == voucher_gross(v)


def _proposed_22_60(session, sc) -> Voucher:
    """A voucher of gross 22.60 (two VAT rates), proposed for its path."""
    v = _voucher_with(session, sc, [("5.25", "22", "1"), ("10.25", "22", "1"), ("3.35", "10", "1")])
    ops.take_in_charge(session, v.percorso, dt.date(2025, 3, 5))
    ops.record_first_interview(session, v.percorso, dt.date(2025, 3, 7))
    voucher_ops.propose_voucher(session, v)
    return v


def test_the_committed_amount_of_a_voucher_is_its_gross_total(session):
    sc = scene(session)
    v = _proposed_22_60(session, sc)
    voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    assert sql_figure(session, sc.budget, "impegnato") == voucher_totals(v)[2] == Decimal("22.60")


def test_approval_stores_the_committed_amount_and_later_prices_leave_it(session):
    sc = scene(session)
    v = _proposed_22_60(session, sc)
    assert v.importo_impegnato is None  # proposed: commits nothing yet
    voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    assert v.importo_impegnato == Decimal("22.60")
    # A later price change does not move what the approval committed.
    v.righe[0].voce_listino.prezzo_unitario = Decimal("99.00")
    session.flush()
    assert sql_figure(session, sc.budget, "impegnato") == Decimal("22.60")
    assert r.verifica_budget(session, r.Periodo(YEAR_2025[0], YEAR_2025[1]))[0]["impegnato"] == Decimal("22.60")


def test_the_approval_stores_the_committed_amount_itself_no_flush_hook_does(session):
    hooks = [f"{fn.__module__}.{fn.__name__}" for event in ("before_flush", "after_flush", "after_flush_postexec")
             for fn in getattr(session().dispatch, event)]
    assert hooks == ["models.audit._write_audit"]  # the audit log only: no read model writes rows
    sc = scene(session)
    p, v = proposed(session, sc)
    voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    assert v.importo_impegnato == voucher_totals(v)[2] == Decimal("500.20")
    # Approved behind the operation's back (a bulk load): nothing stores an amount, and the
    # committed figure still counts the voucher at its gross total.
    _, other = proposed(session, sc, persona=f.make_persona(session, sc.comune))
    other.stato, other.data_decisione, other.decisore = StatoVoucher.APPROVATO, DECISION, sc.pal
    session.flush()
    session.refresh(other)
    assert other.importo_impegnato is None
    assert sql_figure(session, sc.budget, "impegnato") == Decimal("1000.40")


# --- Approval against the budget ----------------------------------------------------------


def test_approval_is_refused_with_the_figures_when_the_budget_is_short(session):
    sc = scene(session)
    sc.budget.importo_iniziale = Decimal("800.00")
    approved(session, sc, persona=f.make_persona(session, sc.comune))  # commits 500.20
    p, v = proposed(session, sc)
    with pytest.raises(DomainError) as refused:
        voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    assert refused.value.message == (
        f"Budget of {sc.comune.nome} not enough: the voucher costs {euro(Decimal('500.20'))}, the "
        f"remaining budget is {euro(Decimal('299.80'))} (allocated {euro(Decimal('800.00'))}, "
        f"committed {euro(Decimal('500.20'))})."
    )
    assert (v.stato, p.stato) == (StatoVoucher.PROPOSTO, p.stato.VOUCHER_PROPOSTO)


def test_approval_is_accepted_when_the_remaining_budget_covers_the_voucher_exactly(session):
    sc = scene(session)
    sc.budget.importo_iniziale = Decimal("1000.40")
    approved(session, sc, persona=f.make_persona(session, sc.comune))
    p, v = proposed(session, sc)
    voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    assert v.stato == StatoVoucher.APPROVATO
    assert sql_figure(session, sc.budget, "residuo") == Decimal("0.00")


def test_a_budget_increase_lets_a_refused_voucher_through(session):
    sc = scene(session)
    sc.budget.importo_iniziale = Decimal("400.00")
    p, v = proposed(session, sc)
    with pytest.raises(DomainError, match="not enough"):
        voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    sc.budget.variazioni.append(VariazioneBudget(data=DECISION, importo=Decimal("100.20"), motivo="Top-up"))
    session.flush()
    voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    assert v.stato == StatoVoucher.APPROVATO


def test_a_closed_path_gives_back_what_it_did_not_consume(session):
    sc = scene(session)
    sc.budget.importo_iniziale = Decimal("800.00")
    first = active(session, sc, persona=f.make_persona(session, sc.comune))  # 500.20, consumed 244.00
    p, v = proposed(session, sc)
    with pytest.raises(DomainError, match="not enough"):
        voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    ops.interrupt(session, first, dt.date(2025, 3, 20), "Stopped")
    voucher_ops.approve_voucher(session, v, sc.pal, dt.date(2025, 3, 20))
    assert sql_figure(session, sc.budget, "impegnato") == Decimal("744.20")


def test_approval_needs_a_budget_for_the_decision_date(session):
    sc = scene(session)
    sc.budget.data_inizio = dt.date(2025, 4, 1)
    p, v = proposed(session, sc)
    with pytest.raises(DomainError, match=f"{sc.comune.nome} has no budget for .* on 12/03/2025"):
        voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    assert v.stato == StatoVoucher.PROPOSTO


def test_other_comuni_and_programmes_do_not_use_this_budget(session):
    sc = scene(session)
    sc.budget.importo_iniziale = Decimal("600.00")
    other = f.make_comune(session)
    f.make_budget(session, sc.programma, other)
    approved(session, sc, persona=f.make_persona(session, other), comune=other)
    programme = f.make_programma(session)
    elsewhere = replace(sc, programma=programme, budget=f.make_budget(session, programme, sc.comune))
    approved(session, elsewhere, persona=f.make_persona(session, sc.comune))
    p, v = proposed(session, sc)
    voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    assert sql_figure(session, sc.budget, "impegnato") == Decimal("500.20")
    assert session.scalar(select(Percorso.stato).where(Percorso.id == p.id)) == p.stato.VOUCHER_APPROVATO
