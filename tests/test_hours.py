"""Attendance and tutoring hours (issue 3, rule 8) and the month grid saved in one submit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Addebito, DomainError, Ore, clock, db
from models.base import TipoOre, TipoVoce
from models.operations import ore as ore_ops
from models.operations import percorsi as ops

from . import factories as f
from .paths import START, active, add_item, approved, english, position, scene

P, T = TipoOre.PRESENZA, TipoOre.AFFIANCAMENTO
DAY = dt.date(2025, 4, 7)


@pytest.fixture
def session(app):
    """A session inside a request context (messages are gettext'd), in English."""
    with app.test_request_context():
        english()
        yield db.session
        db.session.rollback()


@pytest.fixture
def sc(session):
    return scene(session)


@pytest.fixture
def p(session, sc):
    """An active internship whose voucher foresees 10 tutoring hours."""
    return active(session, sc)


def hours_of(session, p, tipo=None):
    stmt = select(Ore.data, Ore.ore).where(Ore.percorso_id == p.id).order_by(Ore.data)
    if tipo is not None:
        stmt = stmt.where(Ore.tipo == tipo)
    return [(d, h) for d, h in session.execute(stmt)]


def hour_charges(session, p):
    return session.execute(
        select(Addebito.data, Addebito.quantita, Addebito.voce_listino_id)
        .where(Addebito.percorso_id == p.id, Addebito.ore_id.is_not(None))
        .order_by(Addebito.data)
    ).all()


# --- One row -------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", ["0", "-1", "24.25"])
def test_hours_must_be_more_than_zero_and_at_most_24(session, p, hours):
    with pytest.raises(DomainError, match="more than 0 and at most 24"):
        ore_ops.record_hours(session, p, DAY, Decimal(hours), P)
    assert hours_of(session, p) == []


def test_a_full_24_hour_day_is_accepted(session, p):
    ore_ops.record_hours(session, p, DAY, Decimal("24"), P)
    assert hours_of(session, p) == [(DAY, Decimal("24"))]


def test_hours_cannot_be_recorded_for_a_future_day(session, p):
    with pytest.raises(DomainError, match="future day"):
        ore_ops.record_hours(session, p, clock.today() + dt.timedelta(days=1), Decimal("4"), P)
    assert hours_of(session, p) == []


def test_hours_are_recorded_only_while_the_path_is_active(session, sc, p):
    with pytest.raises(DomainError, match="was not active on 16/03/2025"):
        ore_ops.record_hours(session, p, START - dt.timedelta(days=1), Decimal("4"), P)
    ore_ops.record_hours(session, p, START, Decimal("4"), P)
    ops.interrupt(session, p, dt.date(2025, 5, 2), "Stopped")
    ore_ops.record_hours(session, p, dt.date(2025, 5, 2), Decimal("4"), P)  # late entry, last day
    with pytest.raises(DomainError, match="was not active on 05/05/2025"):
        ore_ops.record_hours(session, p, dt.date(2025, 5, 5), Decimal("4"), P)
    assert hours_of(session, p) == [(START, Decimal("4")), (dt.date(2025, 5, 2), Decimal("4"))]


def test_a_path_never_activated_takes_no_hours(session, sc):
    p = approved(session, sc)
    with pytest.raises(DomainError, match="was not active"):
        ore_ops.record_hours(session, p, DAY, Decimal("4"), P)
    assert hours_of(session, p) == []


def test_hours_of_the_same_kind_and_day_are_recorded_once(session, p):
    ore_ops.record_hours(session, p, DAY, Decimal("4"), P)
    with pytest.raises(DomainError, match="already recorded for this path"):
        ore_ops.record_hours(session, p, DAY, Decimal("2"), P)
    ore_ops.record_hours(session, p, DAY, Decimal("2"), T)  # another kind, same day
    assert sorted(h for _, h in hours_of(session, p)) == [Decimal("2"), Decimal("4")]


def test_a_person_has_at_most_24_attendance_hours_a_day(session, sc, p):
    second = active(session, sc, postazione=position(session, sc))
    assert second.persona == p.persona
    ore_ops.record_hours(session, p, DAY, Decimal("16"), P)
    with pytest.raises(DomainError, match="already has 16 h on 07/04/2025: at most 24 h a day"):
        ore_ops.record_hours(session, second, DAY, Decimal("8.5"), P)
    ore_ops.record_hours(session, second, DAY, Decimal("8"), P)
    assert hours_of(session, second) == [(DAY, Decimal("8"))]


def test_tutoring_needs_a_voucher_that_foresees_it(session, sc):
    p = active(session, sc, lines={"ATT": 1})
    with pytest.raises(DomainError, match="foresees no tutoring hours"):
        ore_ops.record_hours(session, p, DAY, Decimal("1"), T)
    assert hours_of(session, p) == []


def test_tutoring_cannot_exceed_the_approved_hours_and_says_how_many_remain(session, p):
    ore_ops.record_hours(session, p, DAY, Decimal("7.5"), T)
    with pytest.raises(DomainError, match=r"Only 2\.5 tutoring hours remain of the 10 approved"):
        ore_ops.record_hours(session, p, DAY + dt.timedelta(days=1), Decimal("3"), T)
    ore_ops.record_hours(session, p, DAY + dt.timedelta(days=1), Decimal("2.5"), T)
    assert sum(h for _, h in hours_of(session, p, T)) == Decimal("10")


def test_tutoring_hours_become_a_charge_priced_on_their_date(session, sc, p):
    july = add_item(session, sc.programma, "ORA", "23.00", tipo=TipoVoce.ORA_AFFIANCAMENTO,
                    dal=dt.date(2025, 7, 1))
    ore_ops.record_hours(session, p, DAY, Decimal("2"), T)
    ore_ops.record_hours(session, p, dt.date(2025, 7, 1), Decimal("1.5"), T)
    june_price = [v for v in sc.programma.voci if v.codice == "ORA" and v is not july][0]
    assert hour_charges(session, p) == [
        (DAY, Decimal("2"), june_price.id),
        (dt.date(2025, 7, 1), Decimal("1.5"), july.id),
    ]


def test_attendance_hours_create_no_charge(session, p):
    ore_ops.record_hours(session, p, DAY, Decimal("6"), P)
    assert hour_charges(session, p) == []


def test_deleting_tutoring_hours_deletes_their_charge(session, p):
    row = ore_ops.record_hours(session, p, DAY, Decimal("2"), T)
    ore_ops.delete_hours(session, row)
    assert (hours_of(session, p), hour_charges(session, p)) == ([], [])


def test_invoiced_tutoring_hours_cannot_be_changed(session, sc, p):
    row = ore_ops.record_hours(session, p, DAY, Decimal("2"), T)
    fattura = f.make_fattura(session, sc.comune, sc.programma, periodo_al=dt.date(2025, 4, 30))
    charge = session.scalar(select(Addebito).where(Addebito.ore_id == row.id))
    charge.riga_fattura_id = f.make_riga_fattura(session, fattura).id
    session.commit()
    with pytest.raises(DomainError, match="already invoiced"):
        ore_ops.delete_hours(session, row)
    with pytest.raises(DomainError, match="already invoiced"):
        ore_ops.save_month(session, p, 2025, 4, T, {7: Decimal("3")})
    session.rollback()  # the caller's rollback, as after any refused operation
    assert hours_of(session, p) == [(DAY, Decimal("2"))]


@pytest.mark.parametrize("text, value", [("7,5", Decimal("7.5")), (" 8 ", Decimal("8")), ("", None)])
def test_hours_are_read_with_a_decimal_comma_and_blank_is_none(text, value):
    assert ore_ops.parse_hours(text) == value


def test_hours_that_are_not_a_number_are_refused(app):
    with app.test_request_context():
        english()
        with pytest.raises(DomainError, match="abc is not a number of hours"):
            ore_ops.parse_hours("abc")
        assert ore_ops.parse_hours("0,25") == Decimal("0.25")


# --- The month grid -----------------------------------------------------------------------


def test_a_month_grid_creates_updates_and_deletes_in_one_submit(session, p):
    ore_ops.record_hours(session, p, dt.date(2025, 4, 1), Decimal("4"), P)
    ore_ops.record_hours(session, p, dt.date(2025, 4, 2), Decimal("4"), P)
    ore_ops.record_hours(session, p, dt.date(2025, 4, 3), Decimal("4"), P)
    changed = ore_ops.save_month(session, p, 2025, 4, P, {
        1: Decimal("4"),  # unchanged
        2: Decimal("6"),  # updated
        3: None,  # deleted
        4: Decimal("5"),  # created
        5: None,  # nothing to delete
    })
    assert changed == 3
    assert hours_of(session, p) == [
        (dt.date(2025, 4, 1), Decimal("4")), (dt.date(2025, 4, 2), Decimal("6")),
        (dt.date(2025, 4, 4), Decimal("5")),
    ]


def test_a_month_grid_is_all_or_nothing_and_names_the_refused_day(session, p):
    ore_ops.record_hours(session, p, dt.date(2025, 4, 1), Decimal("4"), P)
    session.commit()
    with pytest.raises(DomainError, match=r"^03/04/2025: Hours must be more than 0 and at most 24"):
        ore_ops.save_month(session, p, 2025, 4, P, {1: None, 2: Decimal("5"), 3: Decimal("25"), 4: Decimal("5")})
    session.rollback()  # the caller's rollback, as after any refused operation
    assert hours_of(session, p) == [(dt.date(2025, 4, 1), Decimal("4"))]


def test_a_month_grid_keeps_tutoring_within_the_approved_hours(session, p):
    with pytest.raises(DomainError, match=r"^09/04/2025: Only 2 tutoring hours remain of the 10 approved"):
        ore_ops.save_month(session, p, 2025, 4, T, {7: Decimal("4"), 8: Decimal("4"), 9: Decimal("4")})
    session.rollback()
    assert hours_of(session, p) == []


def test_an_edited_day_is_checked_against_the_other_days_only(session, p):
    ore_ops.save_month(session, p, 2025, 4, T, {7: Decimal("4"), 8: Decimal("4")})
    ore_ops.save_month(session, p, 2025, 4, T, {7: Decimal("6"), 8: Decimal("4")})
    assert hours_of(session, p, T) == [(dt.date(2025, 4, 7), Decimal("6")), (dt.date(2025, 4, 8), Decimal("4"))]


def test_editing_tutoring_hours_in_the_grid_updates_their_charge(session, p):
    ore_ops.save_month(session, p, 2025, 4, T, {7: Decimal("4"), 8: Decimal("4")})
    ore_ops.save_month(session, p, 2025, 4, T, {7: Decimal("2"), 8: None})
    assert [(d, q) for d, q, _ in hour_charges(session, p)] == [(dt.date(2025, 4, 7), Decimal("2"))]
