"""Builders of the monthly timesheets and of the indemnity payroll summary (rows in, bytes out)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import IO

from flask_babel import format_date, gettext

from models.indennita import Foglio, Indennita, RigaRiepilogo

from .xlsx import EXCEL_EPOCH, Workbook

#: Column widths of a timesheet: labels / dates, weekdays, hours.
WIDTHS = [24, 28, 14]
#: A4 portrait (xlsxwriter paper code 9), margins in inches.
PAPER_A4 = 9


def _month_title(year: int, month: int) -> str:
    return format_date(dt.date(year, month, 1), "MMMM yyyy")


def _print_setup(ws, last_row: int, last_col: int) -> None:
    """A4 portrait, one page, centred, printing only the sheet's used area."""
    ws.set_paper(PAPER_A4)
    ws.set_portrait()
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.print_area(0, 0, last_row, last_col)


def _indemnity_rows(wb: Workbook, ws, r: int, ind: Indennita) -> int:
    """Expected hours, attendance share and indemnity (or why they are missing)."""
    if ind.manca_orario or ind.manca_regola:
        ws.write_string(r, 0, gettext("Indemnity"), wb.fmt["bold"])
        ws.write_string(
            r, 1, gettext("The position has no weekly hours: the indemnity is not computed.")
            if ind.manca_orario else
            gettext("The programme has no indemnity rule in force in this month."))
        return r + 1
    rows = (
        (gettext("Expected hours"), ind.ore_previste, "hours"),
        (gettext("Attendance share"), ind.quota, "pct"),
        (gettext("Indemnity"), ind.importo, "euro_bold"),
    )
    for label, value, fmt in rows:
        ws.write_string(r, 0, label, wb.fmt["bold"])
        wb.write(ws, r, 2, value, fmt)
        r += 1
    return r


def _texts(wb: Workbook) -> dict:
    """The translated labels and weekday names of a sheet, made once per workbook."""
    if "fogli_ore" not in wb.memo:
        monday = dt.date(2024, 1, 1)
        wb.memo["fogli_ore"] = {
            "days": [format_date(monday + dt.timedelta(days=i), "EEEE") for i in range(7)],
            "title": gettext("Timesheet"),
            "header": (gettext("Person"), gettext("Fiscal code"), gettext("Host"),
                       gettext("Position"), gettext("Company tutor")),
            "month": gettext("Month"),
            "columns": [gettext("Date"), gettext("Day"), gettext("Hours")],
            "total": gettext("Total"),
            "signatures": (gettext("Trainee's signature"), gettext("Host tutor's signature")),
        }
    return wb.memo["fogli_ore"]


def write_foglio(wb: Workbook, f: Foglio):
    """One timesheet sheet, written top to bottom (constant-memory safe).

    DOMAIN.md "Reports", Foglio ore: header, a row per day, the monthly total, signature
    boxes for the trainee and the host tutor, one A4 page. Cells are written with
    xlsxwriter's typed calls straight away (no per-cell dispatch): benchmarks/hours.py holds
    this at xlsxwriter's own rate for the same sheet.
    """
    t = _texts(wb)
    fmt = wb.fmt
    ws = wb.sheet(f.persona.strip("'"))  # Excel refuses a sheet name that starts or ends with '
    ws.write_string(0, 0, t["title"], fmt["title"])
    month_title = wb.memo.setdefault(("month", f.anno, f.mese), _month_title(f.anno, f.mese))
    ws.write_string(0, 1, month_title, fmt["title"])
    values = (f.persona, f.codice_fiscale, f.ente, f.postazione, f.tutor or "")
    bold, put = fmt["bold"], ws.write_string
    for r, (label, value) in enumerate(zip(t["header"], values, strict=True), start=1):
        put(r, 0, label, bold)
        put(r, 1, value)
    r = len(values) + 1
    put(r, 0, t["month"], bold)
    ws.write_number(r, 1, dt.date(f.anno, f.mese, 1).toordinal() - EXCEL_EPOCH, fmt["month"])
    first = r + 2
    header = fmt["header"]
    for c, title in enumerate(t["columns"]):
        put(first, c, title, header)
    days = calendar.monthrange(f.anno, f.mese)[1]
    serial0 = dt.date(f.anno, f.mese, 1).toordinal() - EXCEL_EPOCH
    weekday0 = dt.date(f.anno, f.mese, 1).weekday()
    names, date_fmt, hours_fmt, ore = t["days"], fmt["date"], fmt["hours"], f.ore
    number, blank = ws.write_number, ws.write_blank
    for d in range(1, days + 1):
        r = first + d
        number(r, 0, serial0 + d - 1, date_fmt)
        put(r, 1, names[(weekday0 + d - 1) % 7])
        hours = ore.get(d)
        if hours is None:
            blank(r, 2, None, hours_fmt)
        else:
            number(r, 2, float(hours), hours_fmt)
    ws.freeze_panes(first + 1, 0)
    ws.autofilter(first, 0, first + days, 2)
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    r = first + days + 1
    put(r, 0, t["total"], bold)
    number(r, 2, float(f.totale), fmt["hours_bold"])
    r += 2
    if f.indennita is not None:
        r = _indemnity_rows(wb, ws, r, f.indennita) + 1
    box = fmt["box"]
    for label in t["signatures"]:
        ws.set_row(r, 36)
        put(r, 0, label, bold)
        blank(r, 1, None, box)
        blank(r, 2, None, box)
        r += 2
    _print_setup(ws, r - 2, len(WIDTHS) - 1)
    return ws


def _add_formats(wb: Workbook) -> Workbook:
    wb.fmt.setdefault("month", wb.book.add_format({"num_format": "mm/yyyy", "align": "left"}))
    return wb


def build_fogli_ore(fogli: Iterable[Foglio], target: IO[bytes] | str | None = None,
                    constant_memory: bool = False) -> tuple[bytes | None, int]:
    """All timesheets of a month in one workbook, a sheet per person (DOMAIN.md "Reports").

    ``fogli`` may be a generator streamed from the database: each sheet is written completely
    before the next one is read, as constant-memory mode requires. Returns the bytes (None
    when written to ``target``) and the number of sheets.
    """
    wb = _add_formats(Workbook(target, constant_memory=constant_memory))
    n = 0
    for foglio in fogli:
        ws = write_foglio(wb, foglio)
        if constant_memory:
            # xlsxwriter keeps every constant-memory sheet's temp file open until close():
            # release it now (it is reopened to assemble the file), or a few thousand people
            # exhaust the process's file descriptors. Private API, guarded.
            getattr(ws, "_opt_close", lambda: None)()
        n += 1
    if n == 0:
        ws = wb.sheet(gettext("Timesheet"))
        ws.write_string(0, 0, gettext("No path active in the month matches the selection."))
    return wb.close(), n


def _rule_text(ind: Indennita) -> str | None:
    """The rule applied, as the payroll summary prints it."""
    if ind.regola is None:
        return None
    text = gettext("from %(day)s", day=ind.regola.valida_dal.strftime("%d/%m/%Y"))
    if ind.regola.riferimento:
        text += f" ({ind.regola.riferimento})"
    text += " · " + gettext("full pay from %(pct)s %% attendance", pct=f"{ind.regola.presenza_minima_pct:g}")
    counted = ", ".join(sorted(a.label for a in ind.regola.assenze))
    return text + (" · " + gettext("absences counted: %(list)s", list=counted) if counted else "")


def _note(ind: Indennita, missing: str, no_rule: str) -> str | None:
    if ind.manca_orario:
        return missing
    if ind.manca_regola:
        return no_rule
    return _rule_text(ind)


def build_riepilogo(righe: list[RigaRiepilogo], year: int, month: int,
                    target: IO[bytes] | str | None = None) -> bytes | None:
    """The monthly payroll summary of the internship indemnities, with totals (issue 4 item 2),
    and the rule applied to each trainee (issue 12 item 4): its case and monthly amount, the
    share of the month inside the path, the absence hours it counts, its validity and source."""
    wb = Workbook(target)
    ws = wb.sheet(gettext("Indemnity summary"))
    ws.write_string(0, 0, gettext("Indemnity summary"), wb.fmt["title"])
    ws.write_string(0, 1, _month_title(year, month), wb.fmt["title"])
    headers = [gettext("Person"), gettext("Fiscal code"), gettext("Comune"), gettext("Host"),
               gettext("Expected hours"), gettext("Attended hours"), gettext("Attendance share"),
               gettext("Indemnity"), gettext("Case"), gettext("Monthly amount of the case"),
               gettext("Share of the month in the path"), gettext("Absence hours counted"),
               gettext("Rule applied")]
    missing = gettext("The position has no weekly hours: the indemnity is not computed.")
    no_rule = gettext("The programme has no indemnity rule in force in this month.")
    rows = (
        (x.persona, x.codice_fiscale, x.comune, x.ente, x.indennita.ore_previste,
         x.indennita.ore_presenza, x.indennita.quota, x.indennita.importo,
         x.indennita.caso.label if x.indennita.caso else None, x.indennita.importo_mensile,
         x.indennita.quota_mese, x.indennita.ore_assenze or None,
         _note(x.indennita, missing, no_rule))
        for x in righe
    )
    r = wb.table(ws, headers, rows,
                 formats=[None, None, None, None, "hours", "hours", "pct", "euro", None, "euro", "pct",
                          "hours", None],
                 widths=[28, 20, 20, 28, 12, 12, 12, 14, 18, 14, 12, 12, 60], first_row=2)
    ws.write_string(r, 0, gettext("Total"), wb.fmt["bold"])
    totals = (
        (4, sum((x.indennita.ore_previste or 0 for x in righe), 0), "hours_bold"),
        (5, sum((x.indennita.ore_presenza for x in righe), 0), "hours_bold"),
        (7, sum((x.indennita.importo or 0 for x in righe), 0), "euro_bold"),
    )
    for col, value, fmt in totals:
        wb.write(ws, r, col, value, fmt)
    ws.set_landscape()
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2)
    return wb.close()
