"""`flask export documenti --percorso ID -o DIR`: every document of a path, in every format,
as the case page makes them (views/documenti.py); those for signing are recorded."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from models import Percorso, clock, db
from models.errors import DomainError
from models.operations.documenti import record_generated

from .documenti.percorso import DOCUMENTS, build_document


@click.command("documenti")
@with_appcontext
@click.option("--percorso", "percorso_id", type=int, required=True, help="The path's id.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="The folder to write the documents to (created if missing).")
def documenti_command(percorso_id: int, output: str) -> None:
    """The agreement, the individual project, the attendance register, the final report and
    the case summary of a path; file names say which document and whose."""
    p = db.session.get(Percorso, percorso_id)
    if p is None:
        raise click.BadParameter(f"no path has id {percorso_id}", param_hint="--percorso")
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for tipo, spec in DOCUMENTS.items():
        for fmt in spec.formats:
            try:
                name, data = build_document(db.session, p, tipo, fmt, current_app.config, clock.today())
            except DomainError as exc:
                click.echo(f"{tipo.label} ({fmt}): {exc.message}", err=True)
                break
            (folder / name).write_bytes(data)
            if spec.signed:
                record_generated(db.session, p, tipo, fmt, name)
            click.echo(folder / name)
            written += 1
    db.session.commit()
    click.echo(f"{written} documents written to {folder}.")
