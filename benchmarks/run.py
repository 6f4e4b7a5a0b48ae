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

This file is the command; the work is in facts.py (the app and what the data holds), pages.py,
exports.py and tables.py (what is printed).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.exports import run_exports  # noqa: E402
from benchmarks.facts import build_app, database_url, gather_facts, header  # noqa: E402
from benchmarks.pages import run_pages  # noqa: E402
from benchmarks.tables import export_table, page_table, slowest_sql  # noqa: E402

warnings.filterwarnings("ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support Decimal")


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
