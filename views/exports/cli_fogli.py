"""`flask export fogli-ore` and `flask export indennita`: the timesheet page from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import or_, select

from models import Comune, db
from models.indennita import fogli_ore, riepilogo_indennita, selection

from .fogli_ore import build_fogli_ore, build_riepilogo
from .registro import Promotore, build_registro
from .registro_pdf import build_registro_pdf


def _month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in value.split("-"))
        if not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise click.BadParameter("YYYY-MM, e.g. 2025-03", param_hint="--mese") from None
    return year, month


def _comune_id(value: str | None) -> int | None:
    """A Comune by ISTAT code or by name (case-insensitive)."""
    if not value:
        return None
    found = db.session.scalars(
        select(Comune.id).where(
            or_(Comune.codice_istat == value.strip(), Comune.nome.ilike(value.strip()))
        )
    ).all()
    if len(found) != 1:
        raise click.BadParameter(f"no single Comune matches {value!r}", param_hint="--comune")
    return found[0]


_mese = click.option("--mese", required=True, help="Month, YYYY-MM.")
_comune = click.option("--comune", default=None, help="Referring Comune: ISTAT code or name.")
_ente = click.option("--ente", type=int, default=None, help="Host organisation id.")
_output = click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
                       help="The .xlsx file to write.")


@click.command("fogli-ore")
@with_appcontext
@_mese
@_comune
@_ente
@_output
def fogli_ore_command(mese, comune, ente, output) -> None:
    """Monthly timesheets, a sheet per person (streamed in constant memory)."""
    year, month = _month(mese)
    where = selection(year, month, comune_id=_comune_id(comune), ente_id=ente)
    _, n = build_fogli_ore(fogli_ore(db.session, year, month, where), target=output,
                           constant_memory=True)
    click.echo(f"{output}: {n} timesheets")


@click.command("indennita")
@with_appcontext
@_mese
@_comune
@_ente
@_output
def indennita_command(mese, comune, ente, output) -> None:
    """Monthly payroll summary of the internship indemnities."""
    year, month = _month(mese)
    where = selection(year, month, comune_id=_comune_id(comune), ente_id=ente)
    righe = riepilogo_indennita(db.session, year, month, where)
    build_riepilogo(righe, year, month, target=output)
    click.echo(f"{output}: {len(righe)} trainees")


@click.command("registro-presenze")
@with_appcontext
@_mese
@_comune
@_ente
@click.option("--postazione", type=int, default=None, help="Position id.")
@click.option("--formato", type=click.Choice(["xlsx", "pdf"]), default=None,
              help="xlsx or pdf (default: from the file name).")
@_output
def registro_command(mese, comune, ente, postazione, formato, output) -> None:
    """Monthly attendance registers, one A4 sheet (or PDF page) per person."""
    year, month = _month(mese)
    where = selection(year, month, comune_id=_comune_id(comune), ente_id=ente,
                      postazione_id=postazione)
    promotore = Promotore.from_config(current_app.config)
    stream = fogli_ore(db.session, year, month, where)
    pdf = (formato or ("pdf" if output.lower().endswith(".pdf") else "xlsx")) == "pdf"
    if pdf:
        with open(output, "wb") as fh:
            _, n = build_registro_pdf(stream, promotore, target=fh)
    else:
        _, n = build_registro(stream, promotore, target=output, constant_memory=True)
    click.echo(f"{output}: {n} registers")
