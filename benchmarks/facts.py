"""The benchmarked console and what its data holds: the periods, ids and values asked for."""

from __future__ import annotations

import datetime as dt
import enum
import os
import platform
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_login import FlaskLoginClient
from sqlalchemy import extract, func, select
from sqlalchemy.engine import make_url

from app import create_app
from benchmarks.database import shown
from models import RUOLI, Ruolo, Utente, clock, db
from models.anagrafiche import Comune, EnteOspitante, Persona
from models.audit import RegistroAudit
from models.base import StatoPercorso, TipoOre
from models.fatture import Fattura
from models.indennita import month_bounds
from models.percorsi import Addebito, Ore, Percorso
from models.programmi import VoceListino
from models.reports import Periodo


def build_app(url: str) -> Flask:
    """The console as the tests build it; view errors raise instead of flashing."""
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
        "FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION": True, "SERVER_NAME": "localhost",
        # As in production (app.py): TESTING alone would leave the collector unfrozen.
        "GC_FREEZE": True,
    })
    app.test_client_class = FlaskLoginClient
    return app


def database_url(given: str | None) -> str:
    """The URL to benchmark; a relative SQLite path is taken from the working directory."""
    url = make_url(given or os.environ.get("DATABASE_URL") or "sqlite:///instance/scale.db")
    if url.get_backend_name() != "sqlite":
        return url.render_as_string(hide_password=False)
    path = Path(url.database or "").resolve()
    if not path.is_file():
        raise SystemExit(f"no SQLite database at {path}: run `flask db upgrade` and seed it first")
    return url.set(database=str(path)).render_as_string(hide_password=False)


@dataclass
class Facts:
    """What the data holds: the periods, ids and values the benchmark asks for."""

    month: tuple[int, int]            # the month with the most attendance rows
    half: Periodo                     # latest full half-year, quarter
    quarter: Periodo
    invoice_period: tuple[dt.date, dt.date] | None
    case_id: int | None               # the active path with most hours in ``month``
    values: dict[str, str]            # filter values by template key
    users: dict[str, int]             # role -> id of the first active user having it


def most_common(session, column, *joins) -> str | None:
    """The most frequent non-null value of ``column`` (an enum as its name)."""
    stmt = select(column).where(column.is_not(None))
    for target, on in joins:
        stmt = stmt.join(target, on)
    value = session.scalar(stmt.group_by(column).order_by(func.count().desc(), column).limit(1))
    return value.name if isinstance(value, enum.Enum) else None if value is None else str(value)


def months(session, column, *where, busiest: bool = False) -> list[tuple[int, int]]:
    """(year, month) of the rows of ``column``: the busiest first, else the latest first."""
    y, m = extract("year", column), extract("month", column)
    order = (func.count().desc(), y.desc(), m.desc()) if busiest else (y.desc(), m.desc())
    stmt = select(y, m).where(*where).group_by(y, m).order_by(*order)
    return [(int(a), int(b)) for a, b in session.execute(stmt)]


def latest_full(make: Callable[[int, int], Periodo], per_year: int, last: dt.date) -> Periodo:
    """The latest period of ``make(year, n)`` that ends on or before ``last``."""
    return next(p for y in (last.year, last.year - 1) for n in range(per_year, 0, -1)
                if (p := make(y, n)).al <= last)


def first_users(session) -> dict[str, int]:
    users = {}
    for role in RUOLI:
        stmt = select(Utente.id).where(Utente.active.is_(True),
                                       Utente.roles.any(Ruolo.name == role))
        if role == "servizio_sociale":
            stmt = stmt.where(Utente.comune_id.is_not(None))
        if (uid := session.scalar(stmt.order_by(Utente.id).limit(1))) is None:
            raise SystemExit(f"no active user with role {role}")
        users[role] = uid
    return users


def gather_facts(app: Flask) -> Facts:
    with app.app_context():
        s = db.session
        year, month = (months(s, Ore.data, Ore.tipo == TipoOre.PRESENZA, busiest=True)
                       or [(clock.today().year, clock.today().month)])[0]
        first, last = month_bounds(year, month)
        ends = [s.scalar(select(func.max(c))) for c in (Ore.data, Addebito.data,
                                                        Percorso.data_segnalazione)]
        data_end = min(max((d for d in ends if d), default=clock.today()), clock.today())
        case_id = s.scalar(
            select(Percorso.id).join(Ore, Ore.percorso_id == Percorso.id)
            .where(Percorso.stato == StatoPercorso.ATTIVO, Ore.data.between(first, last))
            .group_by(Percorso.id).order_by(func.count().desc(), Percorso.id).limit(1)
        )
        uninvoiced = [month_bounds(*ym) for ym in months(s, Addebito.data,
                                                         Addebito.riga_fattura_id.is_(None))]
        # the latest complete month with uninvoiced charges
        invoice_period = next((b for b in uninvoiced if b[1] < clock.today()),
                              uninvoiced[0] if uninvoiced else None)
        values = {
            "comune": most_common(s, Comune.nome, (Percorso, Percorso.comune_id == Comune.id)),
            "provincia": most_common(s, Comune.provincia),
            "ente_tipo": most_common(s, EnteOspitante.tipo),
            "voce_tipo": most_common(s, VoceListino.tipo),
            "fattura_stato": most_common(s, Fattura.stato) or "BOZZA",
            "month": f"{first} to {last}", "month_start": str(first),
            "year": f"{dt.date(year, 1, 1)} to {dt.date(year, 12, 31)}",
        }
        return Facts((year, month), latest_full(Periodo.semestre, 2, data_end),
                     latest_full(Periodo.trimestre, 4, data_end), invoice_period, case_id,
                     {k: v or "" for k, v in values.items()}, first_users(s))


def header(app: Flask, url: str) -> str:
    """First line: dialect, database, big-table row counts, versions, date."""
    with app.app_context():
        counts = ", ".join(
            f"{m.__tablename__} {db.session.scalar(select(func.count()).select_from(m)):,}"
            for m in (Persona, Percorso, Ore, Addebito, Fattura, RegistroAudit))
        dialect = db.engine.dialect
        db.session.scalar(select(1))
        server = ".".join(map(str, dialect.server_version_info or ()))
    versions = f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    if dialect.name == "postgresql":
        versions += f", PostgreSQL {server}"
    return (f"{shown(url)} | {counts} | {versions} | "
            f"{clock.now():%Y-%m-%d %H:%M}")
