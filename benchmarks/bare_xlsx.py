"""The yardstick of benchmarks/hours.py: the timesheets' and registers' cells and formats
written with plain xlsxwriter, to compare the console's builders against."""

from __future__ import annotations

import calendar
import datetime as dt
import tempfile

import xlsxwriter

from views.exports.registro import header_lines, wording
from views.exports.xlsx import EXCEL_EPOCH


def unique_names(fogli) -> list[str]:
    """The sheet names, made unique before timing (the bare writer does no such work)."""
    seen, names = set(), []
    for f in fogli:
        base, name, n = f.persona[:31], f.persona[:31], 2
        while name.lower() in seen:
            name, n = f"{base[:26]} ({n})", n + 1
        seen.add(name.lower())
        names.append(name)
    return names


def _workbook(texts):
    """Plain xlsxwriter, or (``texts["fast_names"]``) with the console's set-based duplicate
    name check, to tell the per-cell cost from the sheet-name cost."""
    from views.exports.xlsx import _Book
    return _Book if texts.get("fast_names") else xlsxwriter.Workbook


def bare_timesheets(fogli, texts) -> None:
    """The timesheets' cells and formats written with plain xlsxwriter (the yardstick)."""
    wb = _workbook(texts)(tempfile.SpooledTemporaryFile(), {"in_memory": True, "strings_to_formulas": False,
                                                              "strings_to_urls": False})
    f_ = wb.add_format
    title, bold, header = f_({"bold": True, "font_size": 13}), f_({"bold": True}), f_({"bold": True, "border": 1})
    date, hours, hours_b, box, mon = (f_({"num_format": "dd/mm/yyyy"}), f_({"num_format": "0.00"}),
                                      f_({"num_format": "0.00", "bold": True}), f_({"border": 1}),
                                      f_({"num_format": "mm/yyyy"}))
    for f, name in zip(fogli, texts["names"], strict=True):
        ws = wb.add_worksheet(name)
        ws.write_string(0, 0, texts["title"], title)
        ws.write_string(0, 1, texts["month"], title)
        for r, (label, value) in enumerate(zip(texts["header"], (f.persona, f.codice_fiscale, f.ente,
                                                                 f.postazione, f.tutor or ""), strict=True), 1):
            ws.write_string(r, 0, label, bold)
            ws.write_string(r, 1, value)
        ws.write_string(6, 0, texts["month_label"], bold)
        ws.write_number(6, 1, dt.date(f.anno, f.mese, 1).toordinal() - EXCEL_EPOCH, mon)
        for c, t in enumerate(texts["columns"]):
            ws.write_string(8, c, t, header)
        days = calendar.monthrange(f.anno, f.mese)[1]
        for d in range(1, days + 1):
            day = dt.date(f.anno, f.mese, d)
            ws.write_number(8 + d, 0, day.toordinal() - EXCEL_EPOCH, date)
            ws.write_string(8 + d, 1, texts["days"][day.weekday()])
            h = f.ore.get(d)
            if h is None:
                ws.write_blank(8 + d, 2, None, hours)
            else:
                ws.write_number(8 + d, 2, float(h), hours)
        ws.freeze_panes(9, 0)
        ws.autofilter(8, 0, 8 + days, 2)
        for c, w in enumerate((24, 28, 14)):
            ws.set_column(c, c, w)
        r = 9 + days
        ws.write_string(r, 0, texts["total"], bold)
        ws.write_number(r, 2, float(f.totale), hours_b)
        r += 2
        if f.indennita is not None:
            for label, value, fmt in ((texts["exp"], f.indennita.ore_previste, hours),
                                      (texts["share"], f.indennita.quota, hours),
                                      (texts["ind"], f.indennita.importo, hours_b)):
                ws.write_string(r, 0, label, bold)
                if value is None:
                    ws.write_blank(r, 2, None, fmt)
                else:
                    ws.write_number(r, 2, float(value), fmt)
                r += 1
            r += 1
        for label in texts["signatures"]:
            ws.set_row(r, 36)
            ws.write_string(r, 0, label, bold)
            ws.write_blank(r, 1, None, box)
            ws.write_blank(r, 2, None, box)
            r += 2
        ws.set_paper(9)
        ws.set_portrait()
        ws.fit_to_pages(1, 1)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.center_horizontally()
        ws.print_area(0, 0, r - 2, 2)
    wb.close()


def bare_registers(fogli, promotore, texts) -> None:
    """The registers' cells and formats written with plain xlsxwriter (the yardstick)."""
    wb = _workbook(texts)(tempfile.SpooledTemporaryFile(), {"in_memory": True, "strings_to_formulas": False,
                                                              "strings_to_urls": False})
    f_ = wb.add_format
    border = {"border": 1, "border_color": "#808080"}
    title, label_f, value_f = f_({"bold": True, "font_size": 13}), f_({"bold": True, "font_size": 9}), f_({"font_size": 9})
    head = f_({**border, "bold": True, "text_wrap": True, "font_size": 9})
    date, off_date = f_({**border, "num_format": "dd/mm"}), f_({**border, "num_format": "dd/mm", "bg_color": "#E9ECEF"})
    text, off = f_(border), f_({**border, "bg_color": "#E9ECEF"})
    tm, hours, total = (f_({**border, "num_format": "hh:mm"}), f_({**border, "num_format": "0.00"}),
                        f_({**border, "bold": True, "num_format": "0.00"}))
    words_by_type = {}
    for f, name in zip(fogli, texts["names"], strict=True):
        words = words_by_type.setdefault(f.tipologia, wording(f.tipologia))
        ws = wb.add_worksheet(name)
        ws.write_string(0, 0, f"{words['title']} · {texts['month']}", title)
        r = 1
        for lab, val in header_lines(f, promotore, words):
            ws.write_string(r, 0, lab, label_f)
            ws.write_string(r, 3, val, value_f)
            r += 1
        r += 1
        ws.set_row(r, 30)
        for c, t in enumerate((*texts["reg_columns"], words["sign_person"], words["sign_host"])):
            ws.write_string(r, c, t, head)
        days = calendar.monthrange(f.anno, f.mese)[1]
        start, end = f.data_avvio, f.data_fine or f.data_fine_prevista
        absences = {}
        for d in range(1, days + 1):
            row, day = r + d, dt.date(f.anno, f.mese, d)
            grey = day.weekday() >= 5 or day in f.festivi or (start and day < start) or (end and day > end)
            tf = off if grey else text
            ws.write_number(row, 0, day.toordinal() - EXCEL_EPOCH, off_date if grey else date)
            ws.write_string(row, 1, texts["days"][day.weekday()], tf)
            g = f.giorni.get(d)
            for c, when in ((2, g and g.entrata), (3, g and g.uscita), (4, g and g.entrata_2), (5, g and g.uscita_2)):
                if when:
                    ws.write_number(row, c, (when.hour * 60 + when.minute) / 1440, tm)
                else:
                    ws.write_blank(row, c, None, tf)
            h = f.ore.get(d)
            if h is None:
                ws.write_blank(row, 6, None, tf)
            else:
                ws.write_number(row, 6, float(h), hours)
            outside = (start and day < start) or (end and day > end)
            if g is not None and g.assenza is not None:
                ws.write_string(row, 7, g.assenza.label, tf)
                absences[g.assenza.label] = absences.get(g.assenza.label, 0) + 1
            elif outside:
                ws.write_string(row, 7, texts["outside"], tf)
            elif day in f.festivi:
                ws.write_string(row, 7, f.festivi[day], tf)
            else:
                ws.write_blank(row, 7, None, tf)
            ws.write_blank(row, 8, None, tf)
            ws.write_blank(row, 9, None, tf)
        r += days + 1
        ws.write_string(r, 0, texts["total"], label_f)
        ws.write_number(r, 6, float(f.totale), total)
        r += 1
        if absences:
            ws.write_string(r, 0, texts["absences"], label_f)
            ws.write_string(r, 3, ", ".join(f"{k}: {n}" for k, n in sorted(absences.items())), value_f)
            r += 1
        r += 1
        ws.write_string(r, 0, texts["sign"], label_f)
        for c, w in enumerate((10, 11, 7, 7, 7, 7, 7, 18, 17, 17)):
            ws.set_column(c, c, w)
        ws.set_paper(9)
        ws.set_portrait()
        ws.fit_to_pages(1, 1)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.center_horizontally()
        ws.print_area(0, 0, r, 9)
    wb.close()


def sheet_texts(year, month) -> dict:
    from flask_babel import format_date, gettext
    monday = dt.date(2024, 1, 1)
    return {
        "title": gettext("Timesheet"), "month": format_date(dt.date(year, month, 1), "MMMM yyyy"),
        "header": (gettext("Person"), gettext("Fiscal code"), gettext("Host"), gettext("Position"),
                   gettext("Company tutor")),
        "month_label": gettext("Month"), "columns": [gettext("Date"), gettext("Day"), gettext("Hours")],
        "days": [format_date(monday + dt.timedelta(days=i), "EEEE") for i in range(7)],
        "total": gettext("Total"), "exp": gettext("Expected hours"), "share": gettext("Attendance share"),
        "ind": gettext("Indemnity"),
        "signatures": (gettext("Trainee's signature"), gettext("Host tutor's signature")),
        "reg_columns": (gettext("Day"), "", gettext("Entry"), gettext("Exit"), gettext("Entry"),
                        gettext("Exit"), gettext("Hours"), gettext("Absence")),
        "sign": gettext("Promoter's tutor signature"),
        "outside": gettext("outside the path"), "absences": gettext("Absences"),
    }
