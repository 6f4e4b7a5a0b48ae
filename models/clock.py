"""The one clock of the console: "today" and "now" in Europe/Rome, wherever the server runs.

The users work in Italy: a date typed just after midnight in Rome is today's date there, even
on a server that keeps UTC. Code asks these functions, never ``date.today()`` or a naive
``datetime.now()`` (ruff's DTZ rules in pyproject.toml keep them out).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")


def _instant() -> dt.datetime:
    """The current instant, time-zone aware (the one place tests replace)."""
    return dt.datetime.now(dt.UTC)


def now() -> dt.datetime:
    """The wall-clock time in Rome, naive (as the database columns store it)."""
    return _instant().astimezone(ROME).replace(tzinfo=None)


def today() -> dt.date:
    """Today's date in Rome."""
    return _instant().astimezone(ROME).date()
