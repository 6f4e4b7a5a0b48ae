"""`flask export ...`: the same exports as the console, from the command line."""

from __future__ import annotations

from flask.cli import AppGroup

export_cli = AppGroup("export", help="Export timesheets, reports and invoices.")


def register(app) -> None:
    """Attach ``flask export`` with every export command (each lives beside its builder)."""
    from . import commands  # noqa: F401  (registers the commands on export_cli)

    app.cli.add_command(export_cli)
