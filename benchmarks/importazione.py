"""Benchmark of the import (issue 13): a spreadsheet of N people (default 100 000) read by
python-calamine and by openpyxl, then imported into a database, then imported again (every row
unchanged), each in a fresh spawned process whose peak memory (Linux VmHWM) is read afterwards.
Prints a table of seconds, rows per second and peak RSS; nothing here is part of `make test`.

    python benchmarks/importazione.py --database-url URL [--rows 100000] [--fresh] [--markdown]

--fresh empties the target first (deletes the SQLite file, or drops and re-creates the
PostgreSQL database); the schema is created from the models when missing. The target for the
60-second goal is the first import (README, "Import").
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support Decimal")

TARGET_S = 60.0
CONSONANTI = "BCDFGLMNPRSTVZ"
HEADER = ["Codice fiscale", "Cognome", "Nome", "Data di nascita", "Sesso", "Comune di residenza", "Indirizzo",
          "CAP", "Telefono", "Email"]


def _surname(i: int) -> str:
    a, b, c = (CONSONANTI[(i // 14**k) % 14] for k in range(3))
    return f"{a}a{b.lower()}e{c.lower()}ini"


def write_people(path: Path, rows: int) -> None:
    """N people with valid, distinct codici fiscali, dates as date cells, written in constant memory."""
    import xlsxwriter

    from seed.codici import make_codice_fiscale

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("Persone")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, HEADER)
    for i in range(rows):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=i % 14_000)
        surname, name, sex = _surname(i // 14_000), ("Mario", "Anna")[i % 2], "MF"[i % 2]
        cf = make_codice_fiscale(surname, name, born, sex, "E738")
        ws.write_row(i + 1, 0, [cf, surname, name])
        ws.write_datetime(i + 1, 3, dt.datetime.combine(born, dt.time()), date_format)
        ws.write_row(i + 1, 4, [sex, "017096", f"Via Roma {i % 200 + 1}", "25065", f"333{i:07d}",
                                f"persona{i}@example.org"])
    book.close()


def _peak_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def job_read(reader: str, path: str) -> dict:
    start, n = time.perf_counter(), 0
    if reader == "calamine":
        from python_calamine import CalamineWorkbook

        for _ in CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows():
            n += 1
    else:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for _ in book.worksheets[0].iter_rows(values_only=True):
            n += 1
    return {"seconds": time.perf_counter() - start, "rows": n - 1, "peak": _peak_mb()}


def job_import(url: str, path: str, dry_run: bool) -> dict:
    from app import create_app
    from models import db
    from models.importazione import run_import

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "GC_FREEZE": False})
    with app.app_context():
        start = time.perf_counter()
        report = run_import(db.session, "persone", path, Path(path).name, dry_run=dry_run)
        if report.written:
            db.session.commit()
        else:
            db.session.rollback()
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": report.rows, "counts": report.counts, "errors": report.file_errors,
            "peak": _peak_mb()}


def prepare(url: str, fresh: bool) -> None:
    """The schema (from the models) and the Comune the rows name."""
    import sqlalchemy as sa

    from app import create_app
    from benchmarks.database import empty_database
    from models import Comune, db

    if fresh:
        empty_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "GC_FREEZE": False})
    with app.app_context():
        db.create_all()
        if db.session.scalar(sa.select(Comune.id).where(Comune.codice_istat == "017096")) is None:
            db.session.add(Comune(nome="Lumezzane", provincia="BS", codice_istat="017096"))
            db.session.commit()
        db.engine.dispose()


def in_child(fn, *args) -> dict:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def render(rows: list[list[str]], markdown: bool) -> str:
    headers = ["step", "seconds", "rows/s", "peak RSS MB", "detail", "target"]
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join([":---", "---:", "---:", "---:", ":---", ":---"]) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    return "\n".join("  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=False)) for r in [headers, *rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "persone.xlsx")
        start = time.perf_counter()
        write_people(Path(path), args.rows)
        print(f"# {args.rows:,} people, {os.path.getsize(path) / 2**20:.1f} MB, written in "
              f"{time.perf_counter() - start:.1f} s; database {args.database_url.split('@')[-1]}", flush=True)
        prepare(args.database_url, args.fresh)
        table = []
        for reader in ("calamine", "openpyxl"):
            r = in_child(job_read, reader, path)
            table.append([f"read .xlsx with {reader}", f"{r['seconds']:.1f}", f"{r['rows'] / r['seconds']:,.0f}",
                          f"{r['peak']:.0f}", f"{r['rows']:,} rows", ""])
        for label, dry_run in (("dry run (rolled back)", True), ("import", False), ("import again", False)):
            r = in_child(job_import, args.database_url, path, dry_run)
            counts = ", ".join(f"{k} {v:,}" for k, v in r["counts"].items() if v) or "; ".join(r["errors"])
            ok = "ok" if r["seconds"] <= TARGET_S else "MISS"
            table.append([label, f"{r['seconds']:.1f}", f"{r['rows'] / r['seconds']:,.0f}", f"{r['peak']:.0f}", counts,
                          f"<= {TARGET_S:.0f} s: {ok}"])
            print(render(table[-1:], False).splitlines()[-1], flush=True)
    print(render(table, args.markdown))


if __name__ == "__main__":
    main()
