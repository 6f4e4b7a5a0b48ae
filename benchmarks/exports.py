"""The exports of the benchmark: timed here, peak memory in a fresh spawned process each."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from flask import Flask
from sqlalchemy import func, select

from benchmarks.facts import Facts, build_app
from models import DomainError, db
from models.base import TipoOre
from models.fatture import RigaFattura
from models.indennita import Foglio, fogli_ore, month_bounds, selection
from models.operations.fatture import generate_invoices
from models.percorsi import Ore
from models.reports import Periodo, compute, ore_per_comune, percorsi_per_stato, scadenze_mancate
from views.exports.fogli_ore import build_fogli_ore
from views.exports.report import TITOLI, sottotitolo, tabelle, workbook
from views.fogli_ore import STREAM_ABOVE

TIMESHEET_PEOPLE = 1000

#: The quarterly report's tables (views.report.compute runs them as one).
TRIMESTRALE = {"stati": percorsi_per_stato, "ore": ore_per_comune, "scadenze": scadenze_mancate}


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
