"""`flask export ...`: the console's exports from the command line. Each command lives beside
its builder and reads the models (cli_fatture, cli_fogli, cli_report); this group lists them."""

from __future__ import annotations

from flask.cli import AppGroup

from . import cli_documenti, cli_fatture, cli_fogli, cli_report

export_cli = AppGroup("export", help="Export timesheets, reports, invoices and a path's documents.")
for _command in (
    cli_fogli.fogli_ore_command,
    cli_fogli.indennita_command,
    cli_fogli.registro_command,
    cli_report.semestrale_command,
    cli_report.trimestrale_command,
    cli_report.budget_command,
    cli_report.esiti_command,
    cli_report.registro_command,
    cli_fatture.export_fatture,
    cli_documenti.documenti_command,
):
    export_cli.add_command(_command)
