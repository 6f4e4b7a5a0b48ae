"""`flask export fatture`: the FatturaPA XML of the documents issued in a period, as a zip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from models import db
from models.operations.fatture import issued_in_period

from . import fatturapa


@click.command("fatture")
@with_appcontext
@click.option("--dal", "dal", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day (YYYY-MM-DD).")
@click.option("--al", "al", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day (YYYY-MM-DD).")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The zip file to write.")
def export_fatture(dal: dt.datetime, al: dt.datetime, output: Path) -> None:
    """Write one FatturaPA XML per invoice or credit note issued from DAL to AL into a zip."""
    first, last = dal.date(), al.date()
    if last < first:
        raise click.BadParameter("--al must not precede --dal", param_hint="--al")
    try:
        agenzia = fatturapa.Agenzia.from_config(current_app.config)
    except (KeyError, ValueError) as exc:
        raise click.ClickException(f"agency configuration: {exc}") from None
    docs = [fatturapa.documento_from(f) for f in issued_in_period(db.session, first, last)]
    if not docs:
        raise click.ClickException(f"no invoices issued from {first:%d/%m/%Y} to {last:%d/%m/%Y}")
    output.write_bytes(fatturapa.build_zip(agenzia, docs))
    click.echo(f"{len(docs)} FatturaPA files written to {output}")
