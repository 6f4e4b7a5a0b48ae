"""`flask export fatture`: the FatturaPA files of the documents issued in a period, as a zip:
each as it was last sent to SDI (``flask fatture invia`` sends; a document not sent has no file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask.cli import with_appcontext

from models import db
from models.operations.fatture import issued_in_period
from models.operations.sdi import last_transmission

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
    docs = issued_in_period(db.session, first, last)
    if not docs:
        raise click.ClickException(f"no invoices issued from {first:%d/%m/%Y} to {last:%d/%m/%Y}")
    sent = {f.id: last_transmission(db.session, f) for f in docs}
    unsent = [str(f) for f in docs if sent[f.id] is None]
    if unsent:
        click.echo(f"not yet sent to SDI (flask fatture invia), left out: {', '.join(unsent)}", err=True)
    files = [(t.nome_file_xml, t.xml) for t in sent.values() if t is not None]
    if not files:
        raise click.ClickException("none of them was sent to SDI yet: flask fatture invia --mese YYYY-MM")
    output.write_bytes(fatturapa.zip_files(files))
    click.echo(f"{len(files)} FatturaPA files written to {output}")
