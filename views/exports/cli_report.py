"""`flask export semestrale|trimestrale|budget|esiti|registro-fatture`: the Report page's workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Comune, clock, db
from models.reports import Periodo, compute

from .report import TITOLI, sottotitolo, tabelle, workbook


def _comune(istat: str | None) -> Comune | None:
    if not istat:
        return None
    comune = db.session.scalar(select(Comune).where(Comune.codice_istat == istat))
    if comune is None:
        raise click.BadParameter(f"no Comune with ISTAT code {istat}", param_hint="--comune")
    return comune


def _write(kind: str, periodo: Periodo, istat: str | None, output: str) -> None:
    """Compute report ``kind`` (models/reports) and write its workbook to ``output``."""
    comune = _comune(istat)
    data = compute(db.session, kind, periodo, comune.id if comune else None)
    body = workbook(str(TITOLI[kind]), sottotitolo(kind, periodo, comune), tabelle(kind, data))
    Path(output).write_bytes(body)
    db.session.rollback()
    click.echo(f"{output}: {TITOLI[kind]}")


OUTPUT = click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .xlsx to write.")
COMUNE = click.option("--comune", "istat", help="Only this Comune (ISTAT code).")
ANNO = click.option("--anno", type=int, required=True)


@click.command("semestrale")
@with_appcontext
@ANNO
@click.option("--semestre", type=click.IntRange(1, 2), required=True)
@COMUNE
@OUTPUT
def semestrale_command(anno, semestre, istat, output):
    """Half-year activity report per Comune and in total."""
    _write("semestrale", Periodo.semestre(anno, semestre), istat, output)


@click.command("trimestrale")
@with_appcontext
@ANNO
@click.option("--trimestre", type=click.IntRange(1, 4), required=True)
@COMUNE
@OUTPUT
def trimestrale_command(anno, trimestre, istat, output):
    """Quarterly report to the PAL manager: paths by state and type, hours, missed deadlines."""
    _write("trimestrale", Periodo.trimestre(anno, trimestre), istat, output)


@click.command("budget")
@with_appcontext
@click.option("--al", "day", type=click.DateTime(["%Y-%m-%d"]), help="Budgets in force on this day (default today).")
@COMUNE
@OUTPUT
def budget_command(day, istat, output):
    """Budget verification: allocated, committed, consumed, invoiced, remaining per budget."""
    day = day.date() if day else clock.today()
    _write("budget", Periodo(day, day), istat, output)


@click.command("esiti")
@with_appcontext
@click.option("--dal", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--al", type=click.DateTime(["%Y-%m-%d"]), required=True)
@COMUNE
@OUTPUT
def esiti_command(dal, al, istat, output):
    """Outcome indicators by disadvantage category and path type."""
    if al < dal:
        raise click.BadParameter("--al precedes --dal", param_hint="--al")
    _write("esiti", Periodo(dal.date(), al.date()), istat, output)


@click.command("registro-fatture")
@with_appcontext
@ANNO
@COMUNE
@OUTPUT
def registro_command(anno, istat, output):
    """Invoice register: issued invoices and credit notes of the year."""
    _write("registro-fatture", Periodo(dt.date(anno, 1, 1), dt.date(anno, 12, 31)), istat, output)
