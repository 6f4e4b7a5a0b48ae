"""Benchmark of issue 12 (hours and attendance registers) on a migrated, seeded scale database.

Prints numbers; asserts nothing (README, "Benchmarks"). Three parts:

1. **Month grid save**: 30 people x 22 working days of one Comune's month posted to
   /admin/ore-del-mese/ by an operatore through the Flask test client (the whole request: form
   parsing, every rule, the writes, the commit), then the original cells posted back (a second
   timed save that restores the data). Target: under 1 s at factor 1.
2. **Writers side by side**: the month's timesheets and attendance registers of N people (the
   Foglio objects read once from the database, then kept in memory) written by the console's
   builders and by a bare xlsxwriter script (bare_xlsx.py) that writes the same cells with the
   same formats, alternately, best of ``--repeat``; the rate is sheet rows per second and the
   ratio ours / bare (target: >= 90 %). Also the PDF register's pages per second.
3. **Peak memory** of the full exports (database to file, as the download and the CLI do) for
   ``--people`` people (5,000 by default), each in a fresh spawned process (Linux VmHWM reset
   before the export). Target: <= 250 MB.

    python benchmarks/hours.py --database-url sqlite:///instance/scale.db [--people 5000]
                               [--writers 1000] [--repeat 3] [--only grid|writers|memory]
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from flask_login import FlaskLoginClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from benchmarks.bare_xlsx import bare_registers, bare_timesheets, sheet_texts, unique_names  # noqa: E402
from models import Ore, Percorso, Utente, db  # noqa: E402
from models.base import TipoOre  # noqa: E402
from models.indennita import fogli_ore, month_bounds, selection  # noqa: E402
from models.queries.griglia import open_in_month  # noqa: E402
from views.exports.fogli_ore import build_fogli_ore  # noqa: E402
from views.exports.registro import Promotore, build_registro  # noqa: E402
from views.exports.registro_pdf import build_registro_pdf  # noqa: E402

warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support Decimal")

GRID_PEOPLE, GRID_DAYS, GRID_TARGET_S = 30, 22, 1.0
RATIO_TARGET, PEAK_TARGET_MB = 0.90, 250.0


def build_app(url: str):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION": True, "SERVER_NAME": "localhost",
                      "GC_FREEZE": True})
    app.test_client_class = FlaskLoginClient
    return app


def database_url(given: str | None) -> str:
    url = make_url(given or os.environ.get("DATABASE_URL") or "sqlite:///instance/scale.db")
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "").resolve()
        if not path.is_file():
            raise SystemExit(f"no SQLite database at {path}: `make scale` first")
        url = url.set(database=str(path))
    return url.render_as_string(hide_password=False)


def busiest_month(session, weekdays: int = 0) -> tuple[int, int]:
    """The latest complete month with attendance (the scale set's hours end before 'today')
    having at least ``weekdays`` Mondays to Fridays."""
    last = session.scalar(select(func.max(Ore.data)).where(Ore.tipo == TipoOre.PRESENZA))
    first = last.replace(day=1)
    if last.day < calendar.monthrange(last.year, last.month)[1] - 3:
        first = (first - dt.timedelta(days=1)).replace(day=1)
    while sum(1 for d in range(1, calendar.monthrange(first.year, first.month)[1] + 1)
              if dt.date(first.year, first.month, d).weekday() < 5) < weekdays:
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first.year, first.month


# -- 1. the grid ----------------------------------------------------------------------------------


def grid_benchmark(app) -> dict:
    """Post 30 people x 22 working days, then post the originals back; both timed."""
    with app.app_context():
        s = db.session
        year, month = busiest_month(s, GRID_DAYS)
        first, last = month_bounds(year, month)
        comune_id = s.scalar(
            select(Percorso.comune_id).where(open_in_month(first, last), Percorso.data_avvio <= first,
                                             Percorso.data_fine.is_(None))
            .group_by(Percorso.comune_id).order_by(func.count().desc()).limit(1))
        # The grid's own order, as the page shows it: its first 30 rows open the whole month.
        from models.queries.griglia import grid_paths
        rows = [r for r in grid_paths(s, first, last, comune_id=comune_id)
                if r.data_avvio <= first and r.data_fine is None][:GRID_PEOPLE]
        days = [d for d in range(1, last.day + 1) if dt.date(year, month, d).weekday() < 5][:GRID_DAYS]
        pids = [r.id for r in rows]
        before = {(o.percorso_id, o.data.day): o for o in s.scalars(
            select(Ore).where(Ore.percorso_id.in_(pids), Ore.tipo == TipoOre.PRESENZA,
                              Ore.data >= first, Ore.data <= last))}
        from models.operations.griglia import cell_text
        original = {f"c-{pid}-{d}": (cell_text(before[pid, d]) if (pid, d) in before else "")
                    for pid in pids for d in days}
        user_id = s.scalar(select(Utente.id).where(Utente.roles.any(name="operatore")).order_by(Utente.id))
        user = s.get(Utente, user_id)
        s.expunge(user)
    values = ("7,5", "8-12 13-16", "6", "4,25", "8-12:30")
    new = {key: values[i % len(values)] for i, key in enumerate(original)}
    url = f"/admin/ore-del-mese/?mese={year}-{month:02d}&tipo=PRESENZA&comune={comune_id}"
    client = app.test_client(user=user)
    assert client.get(url).status_code == 200
    timings = {}
    for label, form in (("save", new), ("restore", original), ("save again", new),
                        ("restore again", original)):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.post(url, data=form)
        timings[label] = time.perf_counter() - t0
        # CPU of the request (the test client and SQLite run in this process): what the save
        # costs whatever else the machine is running.
        timings[f"{label} cpu"] = time.process_time() - c0
        if response.status_code != 302:
            raise SystemExit(f"grid {label} refused ({response.status_code}): "
                             f"{response.get_data(as_text=True)[:2000]}")
    with app.app_context():
        after = {(o.percorso_id, o.data.day): cell_text(o) for o in db.session.scalars(
            select(Ore).where(Ore.percorso_id.in_(pids), Ore.tipo == TipoOre.PRESENZA,
                              Ore.data >= first, Ore.data <= last))}
        restored = all(after.get((pid, d), "") == original[f"c-{pid}-{d}"] for pid in pids for d in days)
    return {"month": f"{year}-{month:02d}", "cells": len(new), "people": len(pids), "days": len(days),
            "restored": restored, **timings}


# -- 2. writers side by side -----------------------------------------------------------------------


def writers_benchmark(app, people: int, repeat: int) -> list[dict]:
    with app.test_request_context():
        s = db.session
        year, month = busiest_month(s)
        ids = _people(s, year, month, people)
        fogli = list(fogli_ore(s, year, month, selection(year, month, ids=ids)))
        promotore = Promotore.from_config(app.config)
        texts = sheet_texts(year, month)
        texts["names"] = unique_names(fogli)
        rows = sum(calendar.monthrange(year, month)[1] + 12 for _ in fogli)
        fast = {**texts, "fast_names": True}
        results = []
        for label, ours, bare, bare_fast in (
            ("timesheets", lambda: build_fogli_ore(iter(fogli)), lambda: bare_timesheets(fogli, texts),
             lambda: bare_timesheets(fogli, fast)),
            ("registers", lambda: build_registro(iter(fogli), promotore),
             lambda: bare_registers(fogli, promotore, texts), lambda: bare_registers(fogli, promotore, fast)),
        ):
            # CPU seconds of this single-threaded process, best of ``repeat``, alternating: the
            # machine is shared, and wall time measures the neighbours as much as the writer.
            best = {"ours": float("inf"), "bare": float("inf"), "fast": float("inf")}
            for _ in range(repeat):
                for name, fn in (("ours", ours), ("bare", bare), ("fast", bare_fast)):
                    t0 = time.process_time()
                    fn()
                    best[name] = min(best[name], time.process_time() - t0)
            results.append({"what": f"{label}, {len(fogli)} people", "ours": best["ours"], "bare": best["bare"],
                            "rows": rows, "ratio": best["bare"] / best["ours"]})
            results.append({"what": f"{label}, {len(fogli)} people, bare with the set name check",
                            "ours": best["ours"], "bare": best["fast"], "rows": rows,
                            "ratio": best["fast"] / best["ours"]})
        t0 = time.process_time()
        build_registro_pdf(iter(fogli), promotore)
        pdf = time.process_time() - t0
        results.append({"what": f"registers PDF, {len(fogli)} people", "ours": pdf, "bare": None,
                        "rows": len(fogli), "ratio": None})
        s.rollback()
    return results


def _people(session, year: int, month: int, n: int) -> list[int]:
    first, last = month_bounds(year, month)
    return list(session.scalars(
        select(Ore.percorso_id).where(Ore.tipo == TipoOre.PRESENZA, Ore.data.between(first, last))
        .group_by(Ore.percorso_id).order_by(func.count().desc(), Ore.percorso_id).limit(n)))


# -- 3. peak memory ---------------------------------------------------------------------------------


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":"))


def memory_child(url: str, kind: str, people: int) -> dict:
    """In a fresh process: reset the high-water mark, export ``people`` people to a temporary
    file as the CLI does (streamed, constant memory), read the peak."""
    app = build_app(url)
    with app.test_request_context():
        s = db.session
        year, month = busiest_month(s)
        ids = _people(s, year, month, people)
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        base = _status_kb("VmRSS")
        t0 = time.perf_counter()
        stream = fogli_ore(s, year, month, selection(year, month, ids=ids))
        promotore = Promotore.from_config(app.config)
        with tempfile.TemporaryDirectory() as tmp:
            target = os.path.join(tmp, "out")
            if kind == "timesheets":
                _, n = build_fogli_ore(stream, target=target, constant_memory=True)
            elif kind == "registers":
                _, n = build_registro(stream, promotore, target=target, constant_memory=True)
            else:
                with open(target, "wb") as fh:
                    _, n = build_registro_pdf(stream, promotore, target=fh)
            size = os.path.getsize(target)
        seconds = time.perf_counter() - t0
        peak = _status_kb("VmHWM")
    return {"kind": kind, "people": n, "seconds": seconds, "mb": size / 1e6, "peak": peak / 1024,
            "own": (peak - base) / 1024}


def memory_benchmark(url: str, people: int) -> list[dict]:
    spawn = multiprocessing.get_context("spawn")
    results = []
    for kind in ("timesheets", "registers", "pdf"):
        with ProcessPoolExecutor(1, mp_context=spawn, max_tasks_per_child=1) as pool:
            results.append(pool.submit(memory_child, url, kind, people).result())
    return results


# -- output ------------------------------------------------------------------------------------------


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--people", type=int, default=5000, help="people of the memory part")
    parser.add_argument("--writers", type=int, default=1000, help="people of the writers part")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("grid", "writers", "memory"))
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    app = build_app(url)
    print(f"# {make_url(url).get_backend_name()} · {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    if args.only in (None, "grid"):
        g = grid_benchmark(app)
        print(f"\n## Month grid, {g['month']}: {g['people']} people x {g['days']} days = {g['cells']} cells")
        runs = ("save", "restore", "save again", "restore again")
        print(", ".join(f"{k} {g[k]:.3f} s (CPU {g[k + ' cpu']:.3f} s)" for k in runs)
              + f" (target < {GRID_TARGET_S} s): "
              f"{'ok' if max(g[k] for k in runs) < GRID_TARGET_S else 'MISS'}; data restored: {g['restored']}")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} (2 cores)")
    if args.only in (None, "writers"):
        print(f"\n## Writers side by side (CPU seconds, best of {args.repeat}), in memory")
        print("| what | ours s | bare xlsxwriter s | rows/s ours | rows/s bare | ours / bare | check |")
        print("|:--|--:|--:|--:|--:|--:|:--|")
        for r in writers_benchmark(app, args.writers, args.repeat):
            if r["bare"] is None:
                print(f"| {r['what']} | {r['ours']:.3f} | – | {r['rows'] / r['ours']:,.0f} pages/s | – | – | – |")
                continue
            print(f"| {r['what']} | {r['ours']:.3f} | {r['bare']:.3f} | {r['rows'] / r['ours']:,.0f} | "
                  f"{r['rows'] / r['bare']:,.0f} | {r['ratio']:.0%} | "
                  f"{'ok' if r['ratio'] >= RATIO_TARGET else 'MISS'} |")
    if args.only in (None, "memory"):
        print(f"\n## Peak memory, database to file, {args.people} people (fresh process each)")
        print("| export | people | seconds | file MB | peak RSS MB (+own) | check |")
        print("|:--|--:|--:|--:|--:|:--|")
        for r in memory_benchmark(url, args.people):
            print(f"| {r['kind']} | {r['people']} | {r['seconds']:.2f} | {r['mb']:.1f} | "
                  f"{r['peak']:.0f} (+{r['own']:.0f}) | {'ok' if r['peak'] <= PEAK_TARGET_MB else 'MISS'} |")


if __name__ == "__main__":
    main()
