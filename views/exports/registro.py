"""The attendance register (registro presenze), one printable A4 sheet per person and month, as
xlsx (this module) and PDF (registro_pdf.py): rows in, bytes out (issue 12, item 3).

Each sheet: the promoter (the agency, from the ``AGENZIA_*`` settings) and its tutor (the path's
case worker), the host with its tax code and site address, the host tutor, the path type and
dates, the convenzione reference, the person; a row per day with entrata / uscita of up to two
shifts, the hours, the absence reason and two signature columns (the person, the host tutor);
the monthly total. The wording follows the path type: an internship's register names the
trainee ("tirocinante"), any other path's the participant.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from flask_babel import format_date, gettext

from models.base import TipologiaPercorso
from models.indennita import Foglio

from .xlsx import EXCEL_EPOCH, Workbook

#: Columns: date, weekday, entry, exit, entry, exit, hours, absence, two signatures.
WIDTHS = [10, 11, 7, 7, 7, 7, 7, 18, 17, 17]
PAPER_A4 = 9
#: Excel's serial of a time of day is its fraction of 24 hours.
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Promotore:
    """The agency that promotes the internships and manages the paths (``AGENZIA_*``)."""

    denominazione: str
    codice_fiscale: str = ""
    indirizzo: str = ""

    @classmethod
    def from_config(cls, config) -> Promotore:
        town = " ".join(x for x in (config.get("AGENZIA_CAP", ""), config.get("AGENZIA_COMUNE", ""),
                                    f"({config['AGENZIA_PROVINCIA']})" if config.get("AGENZIA_PROVINCIA") else "")
                        if x)
        address = ", ".join(x for x in (config.get("AGENZIA_INDIRIZZO", ""), town) if x)
        return cls(config.get("AGENZIA_DENOMINAZIONE", ""), config.get("AGENZIA_CODICE_FISCALE", ""),
                   address)


def wording(tipologia: TipologiaPercorso | None) -> dict[str, str]:
    """The register's words for a path type: an internship's, or a participant's (no
    "tirocinante" on a welfare or job-placement path)."""
    if tipologia == TipologiaPercorso.TIROCINIO:
        return {
            "title": gettext("Internship attendance register"),
            "person": gettext("Trainee"),
            "promoter": gettext("Promoter"),
            "promoter_tutor": gettext("Promoter's tutor"),
            "host": gettext("Host"),
            "host_tutor": gettext("Host tutor"),
            "agreement": gettext("Internship agreement"),
            "sign_person": gettext("Trainee's signature"),
            "sign_host": gettext("Host tutor's signature"),
        }
    return {
        "title": gettext("Attendance register"),
        "person": gettext("Participant"),
        "promoter": gettext("Managing agency"),
        "promoter_tutor": gettext("Agency case worker"),
        "host": gettext("Host organisation"),
        "host_tutor": gettext("Host contact person"),
        "agreement": gettext("Agreement with the host"),
        "sign_person": gettext("Participant's signature"),
        "sign_host": gettext("Host contact's signature"),
    }


def _d(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "–"


def header_lines(f: Foglio, promotore: Promotore, words: dict[str, str]) -> list[tuple[str, str]]:
    """(label, value) of the register's header, the same on xlsx and PDF."""
    numero, data = f.convenzione
    if numero:
        agreement = gettext("no. %(number)s of %(day)s", number=numero, day=_d(data)) if data \
            else gettext("no. %(number)s", number=numero)
    else:
        agreement = "–"
    period = gettext("from %(start)s to %(end)s", start=_d(f.data_avvio), end=_d(f.data_fine_prevista))
    if f.data_fine:
        period += " · " + gettext("ended on %(day)s", day=_d(f.data_fine))
    promoter = promotore.denominazione
    if promotore.codice_fiscale:
        promoter += " · " + gettext("tax code %(code)s", code=promotore.codice_fiscale)
    return [
        (words["promoter"], promoter + (f" · {promotore.indirizzo}" if promotore.indirizzo else "")),
        (words["promoter_tutor"], f.tutor_promotore or "–"),
        (words["host"], f"{f.ente} · " + gettext("tax code %(code)s", code=f.ente_codice_fiscale)),
        (gettext("Site"), f.sede or "–"),
        (words["host_tutor"], f.tutor or "–"),
        (words["person"], f"{f.persona} · " + gettext("tax code %(code)s", code=f.codice_fiscale)),
        (gettext("Path"), f"{f.tipologia.label if f.tipologia else ''} · {f.programma} · {period}"),
        (gettext("Position"), f.postazione),
        (words["agreement"], agreement),
    ]


def _texts(wb: Workbook) -> dict:
    if "registro" not in wb.memo:
        monday = dt.date(2024, 1, 1)
        wb.memo["registro"] = {
            "days": [format_date(monday + dt.timedelta(days=i), "EEE") for i in range(7)],
            "month": {},
            "total": gettext("Total hours of the month"),
            "absences": gettext("Absences"),
            "outside": gettext("outside the path"),
            "words": {},
            "calendar": {},
        }
    return wb.memo["registro"]


def _formats(wb: Workbook) -> dict:
    if "reg_head" not in wb.fmt:
        f = wb.book.add_format
        border = {"border": 1, "border_color": "#808080"}
        wb.fmt.update({
            "reg_head": f({**border, "bold": True, "bg_color": "#DDE4EE", "text_wrap": True,
                           "align": "center", "valign": "vcenter", "font_size": 9}),
            "reg_date": f({**border, "num_format": "dd/mm", "align": "center"}),
            "reg_text": f({**border}),
            "reg_time": f({**border, "num_format": "hh:mm", "align": "center"}),
            "reg_hours": f({**border, "num_format": "0.00"}),
            "reg_off_date": f({**border, "num_format": "dd/mm", "align": "center", "bg_color": "#E9ECEF"}),
            "reg_off": f({**border, "bg_color": "#E9ECEF"}),
            "reg_label": f({"bold": True, "font_size": 9}),
            "reg_value": f({"font_size": 9}),
            "reg_total": f({**border, "bold": True, "num_format": "0.00"}),
        })
    return wb.fmt


def _month_days(t: dict, year: int, month: int) -> list[tuple]:
    """(day number, date, Excel serial, weekday name, weekend) of each day, once per month."""
    key = (year, month)
    if key not in t["calendar"]:
        first = dt.date(year, month, 1)
        t["calendar"][key] = [
            (d, day, day.toordinal() - EXCEL_EPOCH, t["days"][day.weekday()], day.weekday() >= 5)
            for d in range(1, calendar.monthrange(year, month)[1] + 1)
            for day in (first + dt.timedelta(days=d - 1),)
        ]
    return t["calendar"][key]


def write_registro(wb: Workbook, f: Foglio, promotore: Promotore):
    """One person's register sheet for the month, written top to bottom (constant-memory
    safe), with xlsxwriter's typed calls straight away (benchmarks/hours.py)."""
    t, fmt = _texts(wb), _formats(wb)
    words = t["words"].get(f.tipologia) or t["words"].setdefault(f.tipologia, wording(f.tipologia))
    key = (f.anno, f.mese)
    month = t["month"].get(key) or t["month"].setdefault(key, format_date(dt.date(*key, 1), "MMMM yyyy"))
    ws = wb.sheet(f.persona.strip("'"))
    put, number, blank = ws.write_string, ws.write_number, ws.write_blank
    put(0, 0, f"{words['title']} · {month}", fmt["title"])
    label, value = fmt["reg_label"], fmt["reg_value"]
    r = 1
    for text, shown in header_lines(f, promotore, words):
        put(r, 0, text, label)
        put(r, 3, shown, value)
        r += 1
    r += 1
    head = fmt["reg_head"]
    columns = (gettext("Day"), "", gettext("Entry"), gettext("Exit"), gettext("Entry"), gettext("Exit"),
               gettext("Hours"), gettext("Absence"), words["sign_person"], words["sign_host"])
    ws.set_row(r, 30)
    for c, title in enumerate(columns):
        put(r, c, title, head)
    days = _month_days(t, f.anno, f.mese)
    festivi, giorni, ore = f.festivi, f.giorni, f.ore
    start, end = f.data_avvio, f.data_fine or f.data_fine_prevista
    on, off = (fmt["reg_date"], fmt["reg_text"]), (fmt["reg_off_date"], fmt["reg_off"])
    time_fmt, hours_fmt = fmt["reg_time"], fmt["reg_hours"]
    outside_text = t["outside"]
    absences: dict[str, int] = {}
    for d, day, serial, name, weekend in days:
        row = r + d
        outside = (start is not None and day < start) or (end is not None and day > end)
        date_fmt, text_fmt = off if weekend or outside or day in festivi else on
        number(row, 0, serial, date_fmt)
        put(row, 1, name, text_fmt)
        g = giorni.get(d)
        if g is not None and g.entrata is not None:
            for c, when in ((2, g.entrata), (3, g.uscita), (4, g.entrata_2), (5, g.uscita_2)):
                if when is not None:
                    number(row, c, (when.hour * 60 + when.minute) / MINUTES_PER_DAY, time_fmt)
                else:
                    blank(row, c, None, text_fmt)
        else:
            for c in (2, 3, 4, 5):
                blank(row, c, None, text_fmt)
        hours = ore.get(d)
        if hours is not None:
            number(row, 6, float(hours), hours_fmt)
        else:
            blank(row, 6, None, text_fmt)
        if g is not None and g.assenza is not None:
            label_text = g.assenza.label
            put(row, 7, label_text, text_fmt)
            absences[label_text] = absences.get(label_text, 0) + 1
        elif outside:
            put(row, 7, outside_text, text_fmt)
        elif day in festivi:
            put(row, 7, festivi[day], text_fmt)
        else:
            blank(row, 7, None, text_fmt)
        blank(row, 8, None, text_fmt)
        blank(row, 9, None, text_fmt)
    r += len(days) + 1
    put(r, 0, t["total"], fmt["reg_label"])
    number(r, 6, float(f.totale), fmt["reg_total"])
    r += 1
    if absences:
        put(r, 0, t["absences"], fmt["reg_label"])
        put(r, 3, ", ".join(f"{k}: {n}" for k, n in sorted(absences.items())), value)
        r += 1
    r += 1
    put(r, 0, gettext("Promoter's tutor signature") if f.tipologia == TipologiaPercorso.TIROCINIO
        else gettext("Agency case worker's signature"), fmt["reg_label"])
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    ws.set_paper(PAPER_A4)
    ws.set_portrait()
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.center_horizontally()
    ws.print_area(0, 0, r, len(WIDTHS) - 1)
    return ws


def build_registro(fogli: Iterable[Foglio], promotore: Promotore, target: IO[bytes] | str | None = None,
                   constant_memory: bool = False) -> tuple[bytes | None, int]:
    """Every register of the month in one workbook, a sheet per person (streamed like the
    timesheets). Returns the bytes (None when written to ``target``) and the sheets."""
    wb = Workbook(target, constant_memory=constant_memory)
    n = 0
    for foglio in fogli:
        ws = write_registro(wb, foglio, promotore)
        if constant_memory:
            getattr(ws, "_opt_close", lambda: None)()  # as build_fogli_ore: free the temp file
        n += 1
    if n == 0:
        ws = wb.sheet(gettext("Attendance register"))
        ws.write_string(0, 0, gettext("No path active in the month matches the selection."))
    return wb.close(), n
