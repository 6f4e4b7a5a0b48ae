"""One "today" for the console: the date in Rome, whatever the server's time zone."""

from __future__ import annotations

import datetime as dt

import pytest

from models import DomainError, clock
from models.operations import percorsi as ops

from .paths import INTAKE, english, referred, scene

#: 23:30 UTC on 4 March 2025 is 00:30 on 5 March in Rome (UTC+1 in winter).
LATE_EVENING_UTC = dt.datetime(2025, 3, 4, 23, 30, tzinfo=dt.UTC)
#: 22:30 UTC on 30 June 2025 is 00:30 on 1 July in Rome (UTC+2 in summer).
SUMMER_EVENING_UTC = dt.datetime(2025, 6, 30, 22, 30, tzinfo=dt.UTC)


@pytest.fixture
def at(monkeypatch):
    def _at(instant: dt.datetime) -> None:
        monkeypatch.setattr(clock, "_instant", lambda: instant)

    return _at


def test_today_is_the_date_in_rome_in_winter_and_in_summer(at):
    at(LATE_EVENING_UTC)
    assert clock.today() == dt.date(2025, 3, 5)
    assert clock.now() == dt.datetime(2025, 3, 5, 0, 30)
    at(SUMMER_EVENING_UTC)
    assert clock.today() == dt.date(2025, 7, 1)


def test_todays_date_in_rome_is_not_refused_as_future_after_midnight(app, session, at):
    with app.test_request_context():
        english()
        p = referred(session, scene(session))
        at(LATE_EVENING_UTC)  # a UTC server still says 4 March
        ops.take_in_charge(session, p, INTAKE)  # 5 March, today in Rome
        assert p.data_presa_in_carico == INTAKE
        with pytest.raises(DomainError, match="future"):
            ops.take_in_charge(session, referred(session, scene(session)), INTAKE + dt.timedelta(days=1))
