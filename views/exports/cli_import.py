"""`flask import KIND FILE [--dry-run]` and `flask import modello KIND -o FILE.xlsx`: the
console's import from the command line (README, "Import"). One commit, only when every row
went in; exit status 1 when any row is wrong (nothing written)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from models import Comune, Programma, Utente, db
from models.importazione import ERRATA, TIPI, run_import

from .modello_import import build_modello

import_cli = AppGroup("import", help="Import people, hosts, positions, paths, hours and budgets "
                                     "from .xlsx, .ods or .csv (a dry run first with --dry-run).")


def reference_lists(session) -> dict[str, list[str]]:
    """The console's lists a template's drop-downs offer."""
    return {
        "comuni": list(session.scalars(select(Comune.nome).order_by(Comune.nome))),
        "programmi": list(session.scalars(select(Programma.nome).order_by(Programma.nome))),
    }


def _actor(email: str | None):
    if not email:
        return None
    user = db.session.scalar(select(Utente).where(func.lower(Utente.email) == email.strip().lower()))
    if user is None:
        raise click.BadParameter(f"no console user {email!r}", param_hint="--utente")
    return user


def _import_command(kind: str) -> click.Command:
    tipo = TIPI[kind]

    @click.command(kind, help=f"Import {tipo.label} from FILE (.xlsx, .ods, .csv); natural key: {tipo.key_label}.")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--dry-run", is_flag=True, help="Check and report every row; write nothing.")
    @click.option("--utente", default=None, help="E-mail of the console user importing: their role and "
                  "Comune apply, and the audit log names them.")
    @click.option("--foglio", default=None, help="The sheet to read (default: the first visible one).")
    @click.option("--approvato-da", default=None, help="Paths: the PAL manager (e-mail) who approved the "
                  "vouchers whose row does not say.")
    @click.option("--mese", default=None, help="Hours in the month layout: the month, MM/YYYY.")
    @click.option("--solo-errori", is_flag=True, help="Print only the wrong rows and the summary.")
    @with_appcontext
    def command(file, dry_run, utente, foglio, approvato_da, mese, solo_errori):
        actor = _actor(utente)
        comune_id = actor.comune_id if actor is not None and "servizio_sociale" in actor.role_names else None

        def show(result):
            if not solo_errori or result.status == ERRATA:
                click.echo("\n".join(result.lines()))

        report = run_import(db.session, kind, file, Path(file).name, actor=actor, comune_id=comune_id,
                            options={"approvato_da": approvato_da, "mese": mese}, sheet=foglio,
                            dry_run=dry_run, on_row=show)
        for message in report.file_errors:
            click.echo(message, err=True)
        click.echo(report.summary())
        if report.written:
            db.session.commit()
        else:
            db.session.rollback()
        click.echo(report.outcome())
        if not report.ok:
            raise SystemExit(1)

    return command


@click.command("modello")
@click.argument("kind", type=click.Choice(list(TIPI)))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .xlsx file to write.")
@with_appcontext
def modello_command(kind, output) -> None:
    """The template of an import: headers, an example row, drop-down lists."""
    build_modello(TIPI[kind], reference_lists(db.session), target=output)
    click.echo(output)


for _kind in TIPI:
    import_cli.add_command(_import_command(_kind))
import_cli.add_command(modello_command)
