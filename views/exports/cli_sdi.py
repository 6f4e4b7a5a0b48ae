"""`flask fatture invia|notifiche`: files to SDI under new names, and SDI's receipts read back.

``invia`` records the month's issued documents not yet with SDI (never sent, or last rejected)
as sent, each under a new file name, and writes the files into a zip to upload; ``notifiche DIR``
reads SDI's receipt files (RC, NS, MC, NE, DT, AT) from a folder, matches each to its
transmission by NomeFile, and prints what it did. Reading a file twice changes nothing.
Each document and each receipt is its own transaction: one refusal leaves the others done.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext, ngettext

from models import Fattura, clock, db
from models.errors import DomainError
from models.operations import fatture as ops
from models.operations import sdi as sdi_ops
from models.sdi_messaggi import parse_message

from . import fatturapa
from .cli_mese import _month


def _agenzia() -> fatturapa.Agenzia:
    try:
        return fatturapa.Agenzia.from_config(current_app.config)
    except (KeyError, ValueError) as exc:
        raise click.ClickException(f"agency configuration: {exc}") from None


@click.command("invia")
@with_appcontext
@click.option("--mese", required=True, help="Month of the documents' issue date, YYYY-MM.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The zip file to write (the files to upload to SDI).")
def invia(mese: str, output: Path) -> None:
    """Record the documents issued in the month and not yet with SDI as sent, under new file
    names, and write their FatturaPA files into a zip."""
    first, last = _month(mese)
    agenzia = _agenzia()
    ids = [f.id for f in ops.issued_in_period(db.session, first, last)]
    files = []
    for fid in ids:
        f = db.session.get(Fattura, fid)
        if (t := sdi_ops.last_transmission(db.session, f)) is not None and t.stato != sdi_ops.StatoSdi.SCARTATA:
            continue  # already with SDI
        try:
            t = sdi_ops.send_invoice(
                db.session, f, clock.now(), fatturapa.sender_id(agenzia), agenzia.iban,
                render=lambda code, f=f: fatturapa.build_xml(agenzia, fatturapa.documento_from(f, code)),
                author="flask fatture invia")
            files.append((t.nome_file_xml, t.xml))
            db.session.commit()
            click.echo("  " + gettext("%(invoice)s: %(file)s", invoice=str(f), file=t.nome_file_xml))
        except DomainError as exc:
            db.session.rollback()
            click.echo("  " + gettext("%(invoice)s: %(reason)s", invoice=str(f), reason=exc.message), err=True)
    if not files:
        raise click.ClickException(gettext("No documents of %(month)s to send to SDI.", month=f"{first:%m/%Y}"))
    output.write_bytes(fatturapa.zip_files(files))
    click.echo(ngettext("%(num)d file written to %(path)s: upload it to SDI.",
                        "%(num)d files written to %(path)s: upload them to SDI.", len(files), path=str(output)))


@click.command("notifiche")
@with_appcontext
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def notifiche(folder: Path) -> None:
    """Read SDI's receipts and notifications (*.xml) in FOLDER and record each against its
    transmission; a receipt read before is left as it is."""
    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
    recorded = known = refused = 0
    for path in paths:
        try:
            message = parse_message(path.read_bytes())
            outcome = sdi_ops.record_notification(db.session, message, clock.now(), file_name=path.name)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            refused += 1
            click.echo(gettext("%(file)s: refused, %(reason)s", file=path.name, reason=exc.message), err=True)
            continue
        t = outcome.trasmissione
        if outcome.recorded:
            recorded += 1
            text = gettext("%(file)s: %(kind)s for %(sent)s (invoice %(invoice)s), now %(state)s",
                           file=path.name, kind=message.tipo.name, sent=t.nome_file,
                           invoice=str(t.fattura), state=t.stato.label)
            for code, description in message.errori:
                text += f"\n    {code} {description}"
        else:
            known += 1
            text = gettext("%(file)s: already recorded, nothing changed", file=path.name)
        click.echo(text)
    click.echo(gettext("Recorded %(new)d, already known %(known)d, refused %(refused)d.",
                       new=recorded, known=known, refused=refused))
    if refused:
        raise SystemExit(1)
