"""Benchmark of the console's pages and exports on an existing, migrated and seeded database.

Pages are requested through the Flask test client, logged in as a real user of the role that
uses them: every list view (first page, a typical filter, a search, a deep page), the case
page, the month grid, Scadenze, the timesheets page and the report page. For each: server time
p50/p95 over ``--repeat`` requests after two warm-ups; from engine events, SQL statements per
request (the most seen) and "SQL in request", p50 of their cursor execute time (on SQLite rows
after the first are computed later, while fetched); "SQL alone": the statements of the last
request replayed on a raw DBAPI connection, executed and every row fetched, p50 of five runs.

Exports are called directly: the month's timesheets for 1 000 people, each report, invoice
generation for all Comuni (rolled back: nothing is written). Time is measured here; peak
memory in a fresh spawned process per export (Linux VmHWM, reset just before the export).

    python benchmarks/run.py --database-url URL [--repeat 20] [--only pages|exports]
                             [--markdown] [--show-sql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import math
import multiprocessing
import os
import platform
import sqlite3
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, url_for
from flask_login import FlaskLoginClient, login_user
from sqlalchemy import event, extract, func, select
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from benchmarks.database import shown  # noqa: E402
from models import RUOLI, DomainError, Ruolo, Utente, clock, db
from models.anagrafiche import Comune, EnteOspitante, Persona
from models.audit import RegistroAudit
from models.base import StatoPercorso, TipoOre
from models.fatture import Fattura, RigaFattura
from models.indennita import Foglio, fogli_ore, month_bounds, selection
from models.operations.fatture import generate_invoices
from models.percorsi import Addebito, Ore, Percorso
from models.programmi import VoceListino
from models.reports import Periodo, ore_per_comune, percorsi_per_stato, scadenze_mancate
from views import VIEWS
from views.exports.fogli_ore import build_fogli_ore
from views.exports.report import TITOLI, tabelle, workbook
from views.fogli_ore import STREAM_ABOVE
from views.report import compute, sottotitolo

warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support Decimal")

PAGE_P95_MS, PAGE_STATEMENTS = 50.0, 5
REPORT_S, INVOICES_S = 1.0, 10.0
TIMESHEET_ROWS_PER_S, TIMESHEET_PEAK_MB, TIMESHEET_PEOPLE = 25_000, 250.0, 1000
WARMUP, REPLAYS, DEEP_PAGE_MAX = 2, 5, 500
FLASHED_ERROR = b"alert-danger alert-dismissable"

#: The quarterly report's tables (views.report.compute runs them as one).
TRIMESTRALE = {"stati": percorsi_per_stato, "ore": ore_per_comune, "scadenze": scadenze_mancate}
#: List endpoint -> the role that really works with it (else the view's first reader).
LIST_ROLE = {
    **dict.fromkeys(("persona", "dati_sensibili", "ente", "postazione", "comune", "percorso",
                     "voucher", "ore", "diario"), "operatore"),
    **dict.fromkeys(("programma", "listino", "budget"), "pal"),
    **dict.fromkeys(("addebito", "fattura", "pagamento"), "amministrazione"),
    **dict.fromkeys(("utente", "ruolo", "categoria", "audit"), "admin"),
}
#: List endpoint -> (filtered column "table.column", Flask-Admin filter class, value template).
FILTERS = {
    "persona": ("comune.nome", "FilterEqual", "{comune}"),
    "dati_sensibili": ("dati_sensibili.iscritto_l68", "BooleanEqualFilter", "1"),
    "ente": ("ente_ospitante.tipo", "EnumEqualFilter", "{ente_tipo}"),
    "postazione": ("postazione.accetta_tirocinio", "BooleanEqualFilter", "1"),
    "comune": ("comune.provincia", "FilterEqual", "{provincia}"),
    "percorso": ("percorso.stato", "EnumEqualFilter", "ATTIVO"),
    "voucher": ("voucher.stato", "EnumEqualFilter", "APPROVATO"),
    "ore": ("ore.data", "DateBetweenFilter", "{month}"),
    "diario": ("diario.data", "DateBetweenFilter", "{month}"),
    "addebito": ("addebito.data", "DateBetweenFilter", "{month}"),
    "programma": ("programma.data_fine", "DateGreaterFilter", "{month_start}"),
    "listino": ("voce_listino.tipo", "EnumEqualFilter", "{voce_tipo}"),
    "budget": ("comune.nome", "FilterEqual", "{comune}"),
    "fattura": ("fattura.stato", "EnumEqualFilter", "{fattura_stato}"),
    "pagamento": ("pagamento.data", "DateBetweenFilter", "{year}"),
    "utente": ("ruolo.name", "FilterEqual", "operatore"),
    "audit": ("registro_audit.tabella", "FilterEqual", "percorso"),
}


# -- app, data facts ---------------------------------------------------------------------------


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


# -- pages -------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    role: str
    url: str


def admin_view(app: Flask, endpoint: str):
    return next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)


def filter_url(view, facts: Facts) -> str | None:
    """The list URL with the view's typical filter, found among its runtime filter args."""
    if view.endpoint not in FILTERS:
        return None
    column, kind, template = FILTERS[view.endpoint]
    value = template.format(**facts.values)
    for arg, (_, flt) in (view._filter_args or {}).items():
        if type(flt).__name__ == kind and f"{flt.column.table.name}.{flt.column.name}" == column:
            if not flt.validate(value):
                raise SystemExit(f"{view.endpoint}: invalid value {value!r} for filter {arg}")
            return url_for(f"{view.endpoint}.index_view", **{f"flt0_{arg}": value})
    raise SystemExit(f"{view.endpoint}: no {kind} filter on {column}")


def comune_filter_url(view, facts: Facts) -> str | None:
    """The list filtered by one Comune's name through a relation (a person's residence, a
    path's referring Comune, an invoice's Comune...), where the list has such a filter."""
    if view.endpoint == "comune" or FILTERS.get(view.endpoint, ("",))[0] == "comune.nome":
        return None  # the Comune list itself; lists whose typical filter is already this one
    for arg, (_, flt) in (view._filter_args or {}).items():
        column = getattr(flt, "column", None)
        if (type(flt).__name__ == "FilterEqual" and getattr(column, "name", None) == "nome"
                and getattr(getattr(column, "table", None), "name", None) == "comune"):
            return url_for(f"{view.endpoint}.index_view", **{f"flt0_{arg}": facts.values["comune"]})
    return None


def search_term(view) -> str | None:
    """The most frequent value of the first searchable column (its first word)."""
    if not view.column_searchable_list:
        return None
    model, names = view.model, view.column_searchable_list[0].split(".")
    for rel in names[:-1]:
        model = getattr(model, rel).property.mapper.class_
    value = most_common(db.session, getattr(model, names[-1])) or "rossi"
    return next((w for w in value.split() if len(w) >= 3), value)


def list_pages(view, role: str, facts: Facts) -> list[Page]:
    """First page, typical filter, search and a deep page of one list, as ``role``."""
    ep, index = view.endpoint, f"{view.endpoint}.index_view"
    tag = ep if LIST_ROLE.get(ep) == role else f"{ep} [{role}]"
    pages = [Page(f"{tag}: first page", role, url_for(index))]
    if url := filter_url(view, facts):
        pages.append(Page(f"{tag}: filter {FILTERS[ep][0]}", role, url))
    if url := comune_filter_url(view, facts):
        pages.append(Page(f"{tag}: filter by Comune", role, url))
    if term := search_term(view):
        pages.append(Page(f"{tag}: search {term!r}", role, url_for(index, search=term)))
    login_user(db.session.get(Utente, facts.users[role]))
    total = math.ceil((view.get_count_query().scalar() or 0) / view.page_size)
    if (deep := min(total // 2, DEEP_PAGE_MAX)) >= 1:
        pages.append(Page(f"{tag}: page {deep} of {total}", role, url_for(index, page=deep)))
    return pages


def all_pages(app: Flask, facts: Facts) -> list[Page]:
    with app.test_request_context():
        pages = []
        for *_, endpoint, _category in VIEWS:
            view = admin_view(app, endpoint)
            role = LIST_ROLE.get(endpoint) or next(
                r for r, letters in view.permissions.items() if "r" in letters)
            pages += list_pages(view, role, facts)
        pages += list_pages(admin_view(app, "persona"), "servizio_sociale", facts)
        year, month = facts.month
        if facts.case_id:
            pages += [
                Page("case page (active path)", "operatore",
                     url_for("percorso.case_view", id=facts.case_id)),
                Page("month grid of hours", "operatore", url_for(
                    "ore.month_view", percorso=facts.case_id, mese=f"{year}-{month:02d}")),
            ]
        # The home page of each role (issue 10, target p95 150 ms) and the two panels it loads
        # after showing: the budget use of every Comune, the operatore's active paths, the charts.
        pages += [Page(f"home page ({role})", role, url_for("admin.index")) for role in RUOLI]
        pages += [Page("home: budget use of every Comune", "pal", url_for("admin.budget_view", fragment=1)),
                  Page("home: active paths to look after", "operatore",
                       url_for("admin.active_view", fragment=1)),
                  Page("home: charts of paths and hirings", "pal", url_for("admin.charts_view", fragment=1))]
        pages += [Page("Scadenze", "pal", url_for("scadenze.index")),
                  Page("timesheets page", "operatore", url_for("fogli_ore.index")),
                  Page("report (default)", "pal", url_for("report.index"))]
        half, quarter = facts.half, facts.quarter
        for kind in TITOLI:
            p, code = ((quarter, f"T{(quarter.dal.month + 2) // 3}") if kind == "trimestrale"
                       else (half, f"S{(half.dal.month + 5) // 6}"))
            pages.append(Page(f"report {kind} {code} {p.dal.year}", "pal", url_for(
                "report.index", report=kind, anno=p.dal.year, periodo=code)))
        return pages


class SqlMeter:
    """The statements sent to the database since the last reset, and their cursor time."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.reset()
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.statements: list[tuple[str, object]] = []
        self.seconds = 0.0

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.seconds += time.perf_counter() - conn.info.pop("bench_t0")
        self.statements.append((statement, parameters))

    def replay(self, times: int) -> tuple[float, tuple[float, str]]:
        """The kept statements alone on a raw DBAPI connection, each executed and every row
        fetched (SQLite computes rows as they are fetched): p50 seconds, slowest statement."""
        raw = self.engine.raw_connection()
        runs, slowest = [], (0.0, "")
        try:
            for _ in range(times):
                total = 0.0
                for statement, parameters in self.statements:
                    cursor = raw.cursor()
                    t0 = time.perf_counter()
                    cursor.execute(statement, parameters)
                    if cursor.description:
                        cursor.fetchall()
                    elapsed = time.perf_counter() - t0
                    cursor.close()
                    total += elapsed
                    slowest = max(slowest, (elapsed, statement))
                runs.append(total)
        finally:
            raw.rollback()
            raw.close()
        return percentile(runs, 0.5), slowest


@dataclass
class PageResult:
    page: Page
    p50_ms: float
    p95_ms: float
    cursor_ms: float
    sql_ms: float
    statements: int
    slowest: tuple[float, str]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def get(client, page: Page):
    """GET the page; a status other than 200 or a flashed error stops the benchmark."""
    try:
        response = client.get(page.url)
    except Exception:
        print(f"FAILED: {page.role} GET {page.url} raised")
        raise
    if response.status_code != 200:
        raise SystemExit(f"FAILED: {page.role} GET {page.url}: HTTP {response.status_code}")
    if FLASHED_ERROR in response.data:
        raise SystemExit(f"FAILED: {page.role} GET {page.url}: the page flashed an error")
    return response


def measure(client, page: Page, meter: SqlMeter, repeat: int) -> PageResult:
    """Server time over ``repeat`` requests, statements per request, the SQL replayed alone."""
    for _ in range(WARMUP):
        get(client, page)
    times, cursor, counts = [], [], []
    for _ in range(repeat):
        meter.reset()
        t0 = time.perf_counter()
        get(client, page)
        times.append(time.perf_counter() - t0)
        cursor.append(meter.seconds)
        counts.append(len(meter.statements))
    sql, slowest = meter.replay(min(repeat, REPLAYS))
    return PageResult(page, percentile(times, 0.5) * 1e3, percentile(times, 0.95) * 1e3,
                      percentile(cursor, 0.5) * 1e3, sql * 1e3, max(counts), slowest)


def run_pages(app: Flask, facts: Facts, repeat: int, only: str | None = None) -> list[PageResult]:
    pages = [p for p in all_pages(app, facts) if not only or only in p.name]
    with app.app_context():
        meter = SqlMeter(db.engine)
        clients = {r: app.test_client(user=db.session.get(Utente, uid))
                   for r, uid in facts.users.items()}
    # No app context stays pushed: each request gets its own, as in production.
    return [measure(clients[p.role], p, meter, repeat) for p in pages]


# -- exports -----------------------------------------------------------------------------------


def _counting(fogli: Iterable[Foglio], tally: list[int]) -> Iterator[Foglio]:
    for f in fogli:
        tally[0] += len(f.ore)
        yield f


def job_timesheets(year: int, month: int, ids: list[int]) -> dict:
    """The month's timesheets of ``ids``, written as the download writes them."""
    tally = [0]
    t0 = time.perf_counter()
    stream = _counting(fogli_ore(db.session, year, month, selection(year, month, ids=ids)), tally)
    if len(ids) <= STREAM_ABOVE:  # in memory or streamed, as views.fogli_ore chooses
        data, sheets = build_fogli_ore(stream)
        size = len(data or b"")
    else:
        with tempfile.TemporaryFile(suffix=".xlsx") as fh:
            _, sheets = build_fogli_ore(stream, target=fh, constant_memory=True)
            size = fh.seek(0, os.SEEK_END)
    seconds = time.perf_counter() - t0
    db.session.rollback()
    return {"seconds": seconds, "rows": tally[0], "sheets": sheets, "mb": size / 1e6}


def job_report(kind: str, dal: dt.date, al: dt.date) -> dict:
    """One report for all Comuni: its SQL, then its workbook."""
    periodo = Periodo(dal, al)
    t0 = time.perf_counter()
    if kind == "trimestrale":  # its three statements one by one
        data, parts = {}, []
        for key, table in TRIMESTRALE.items():
            t = time.perf_counter()
            data[key] = table(db.session, periodo)
            parts.append(f"{table.__name__} {time.perf_counter() - t:.3f}")
    else:
        data, parts = compute(db.session, kind, periodo), []
    t1 = time.perf_counter()
    workbook(str(TITOLI[kind]), sottotitolo(kind, periodo, None), tabelle(kind, data))
    t2 = time.perf_counter()
    db.session.rollback()
    return {"seconds": t2 - t0, "sql": t1 - t0, "build": t2 - t1, "parts": parts}


def job_invoices(dal: dt.date, al: dt.date) -> dict:
    """Invoice generation for all Comuni and programmes, rolled back."""
    try:
        t0 = time.perf_counter()
        made = generate_invoices(db.session, dal, al)
        seconds = time.perf_counter() - t0
        ids = [f.id for f in made]
        lines = db.session.scalar(select(func.count()).where(RigaFattura.fattura_id.in_(ids)))
        return {"seconds": seconds, "invoices": len(made), "lines": lines}
    except DomainError as exc:
        return {"seconds": 0.0, "invoices": 0, "lines": 0, "note": exc.message}
    finally:
        db.session.rollback()


JOBS: dict[str, Callable[..., dict]] = {
    "timesheets": job_timesheets, "report": job_report, "invoices": job_invoices,
}


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":"))


def peak_memory_child(url: str, name: str, args: tuple) -> dict:
    """In a fresh process: reset the RSS high-water mark, run the job, read the peak (MB)."""
    app = build_app(url)
    with app.app_context():
        db.session.scalar(select(1))
        try:
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")
            base = _status_kb("VmRSS")
        except OSError:
            return {"peak": None, "own": None}
        JOBS[name](*args)
        peak = _status_kb("VmHWM")
    return {"peak": peak / 1024, "own": (peak - base) / 1024}


def export_jobs(app: Flask, facts: Facts) -> list[tuple[str, str, tuple]]:
    """(label, job, args) of every export to measure."""
    year, month = facts.month
    first, last = month_bounds(year, month)
    with app.app_context():
        ids = list(db.session.scalars(
            select(Ore.percorso_id)
            .where(Ore.tipo == TipoOre.PRESENZA, Ore.data.between(first, last))
            .group_by(Ore.percorso_id).order_by(func.count().desc(), Ore.percorso_id)
            .limit(TIMESHEET_PEOPLE)))
    jobs = [(f"timesheets {year}-{month:02d}, {len(ids)} people", "timesheets", (year, month, ids))]
    for kind in TITOLI:
        p = facts.quarter if kind == "trimestrale" else facts.half
        label = f"report {kind} {p.dal:%d/%m/%Y}-{p.al:%d/%m/%Y}"
        jobs.append((label, "report", (kind, p.dal, p.al)))
    if facts.invoice_period:
        dal, al = facts.invoice_period
        jobs.append((f"invoices {dal:%Y-%m}, all Comuni", "invoices", (dal, al)))
    return jobs


def run_exports(app: Flask, url: str, facts: Facts) -> list[tuple[str, str, dict]]:
    jobs = export_jobs(app, facts)
    timed = []
    for label, name, args in jobs:
        with app.app_context():
            timed.append((label, name, JOBS[name](*args)))
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn, max_tasks_per_child=1) as pool:
        memory = [pool.submit(peak_memory_child, url, name, args) for _, name, args in jobs]
        for (_, _, result), future in zip(timed, memory, strict=True):
            result.update(future.result())
    return timed


# -- output ------------------------------------------------------------------------------------


def render(title: str, headers: list[str], rows: list[list[str]], markdown: bool) -> str:
    """A table: plain text, or Markdown; columns of numbers aligned to the right."""
    numeric = [all(c[:1].isdigit() for c in col) for col in zip(*rows, strict=True)]
    if markdown:
        lines = [f"**{title}**", "", "| " + " | ".join(headers) + " |",
                 "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows]) + "\n"
    widths = [max(len(x) for x in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if n else c.ljust(w)
                         for c, w, n in zip(cells, widths, numeric, strict=True)).rstrip()

    return "\n".join([title, line(headers), line(["-" * w for w in widths])]
                      + [line(r) for r in rows]) + "\n"


def page_table(results: list[PageResult], markdown: bool) -> str:
    rows = []
    for r in results:
        miss = [m for m, bad in (("p95", r.p95_ms > PAGE_P95_MS),
                                 ("stmts", r.statements > PAGE_STATEMENTS)) if bad]
        rows.append([r.page.name, r.page.role, f"{r.p50_ms:.1f}", f"{r.p95_ms:.1f}",
                     f"{r.cursor_ms:.1f}", f"{r.sql_ms:.1f}", str(r.statements),
                     "MISS " + ",".join(miss) if miss else "ok"])
    headers = ["page", "role", "p50 ms", f"p95 ms (<= {PAGE_P95_MS:.0f})", "SQL in request ms",
               "SQL alone ms", f"stmts (<= {PAGE_STATEMENTS})", "target"]
    return render("Pages", headers, rows, markdown)


def export_row(label: str, name: str, r: dict) -> list[str]:
    mem = "n/a" if r["peak"] is None else f"{r['peak']:.0f} (+{r['own']:.0f})"
    if name == "timesheets":
        rate = r["rows"] / r["seconds"] if r["seconds"] else 0.0
        detail = (f"{r['rows']:,} hour rows, {r['sheets']:,} sheets, {rate:,.0f} rows/s, "
                  f"{r['mb']:.1f} MB")
        target = f">= {TIMESHEET_ROWS_PER_S:,} rows/s, <= {TIMESHEET_PEAK_MB:.0f} MB"
        ok = rate >= TIMESHEET_ROWS_PER_S and (r["peak"] or 0) <= TIMESHEET_PEAK_MB
    elif name == "report":
        parts = f" ({', '.join(r['parts'])})" if r["parts"] else ""
        detail = f"SQL {r['sql']:.3f} s{parts} + workbook {r['build']:.3f} s"
        target, ok = f"<= {REPORT_S:.0f} s", r["seconds"] <= REPORT_S
    else:
        detail = r.get("note") or f"{r['invoices']:,} invoices, {r['lines']:,} lines (rolled back)"
        target, ok = f"<= {INVOICES_S:.0f} s", r["seconds"] <= INVOICES_S
    return [label, f"{r['seconds']:.3f}", detail, mem, target, "ok" if ok else "MISS"]


def export_table(results: list[tuple[str, str, dict]], markdown: bool) -> str:
    headers = ["export", "seconds", "detail", "peak RSS MB (+own)", "target", "check"]
    return render("Exports (peak: VmHWM of a spawned process, reset before the export)",
                  headers, [export_row(*r) for r in results], markdown)


def slowest_sql(results: list[PageResult]) -> str:
    """The slowest statement of each page (``--show-sql``)."""
    return "\n".join(f"{r.page.name}: {r.slowest[0] * 1e3:.1f} ms  "
                     f"{' '.join(r.slowest[1].split())[:300]}" for r in results) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url",
                        help="default: $DATABASE_URL, else sqlite:///instance/scale.db")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--only", choices=("pages", "exports"))
    parser.add_argument("--pages", metavar="TEXT", help="only the pages whose name contains TEXT")
    parser.add_argument("--markdown", action="store_true", help="Markdown tables")
    parser.add_argument("--show-sql", action="store_true", help="the slowest statement per page")
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    app = build_app(url)
    print(header(app, url), end="\n\n")
    facts = gather_facts(app)
    if args.only in (None, "pages"):
        results = run_pages(app, facts, max(args.repeat, 1), args.pages)
        print(page_table(results, args.markdown))
        if args.show_sql:
            print(slowest_sql(results))
    if args.only in (None, "exports"):
        print(export_table(run_exports(app, url, facts), args.markdown))


if __name__ == "__main__":
    main()
