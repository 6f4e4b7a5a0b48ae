"""What the benchmark prints: its tables, plain or Markdown, each measure against its target."""

from __future__ import annotations

from benchmarks.pages import PageResult

PAGE_P95_MS, PAGE_STATEMENTS = 50.0, 5
REPORT_S, INVOICES_S = 1.0, 10.0
TIMESHEET_ROWS_PER_S, TIMESHEET_PEAK_MB = 25_000, 250.0


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
