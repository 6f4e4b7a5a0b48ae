"""The attendance register as PDF: one A4 page per person, the same content as the xlsx
(registro.py), drawn with ReportLab's canvas (pure Python, no system libraries).

ReportLab was measured against fpdf2 on this page shape (README, "Attendance register"): about
2.7 times faster. The table's lines are drawn once per month length as a form XObject that
every page reuses, so a page costs only its text. The standard Helvetica font covers Italian
(WinAnsi: accents, €); any other character is written as its base letter (Ł -> L), never lost
as a blank box.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import unicodedata
from collections.abc import Iterable
from typing import IO

from flask_babel import format_date, gettext
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from models.base import TipologiaPercorso
from models.indennita import Foglio

from .registro import Promotore, header_lines, wording

MM = 72 / 25.4
WIDTH, HEIGHT = A4
LEFT = 12
#: Column widths (mm): day, weekday, entry, exit, entry, exit, hours, absence, two signatures.
COLUMNS = (12, 11, 13, 13, 13, 13, 13, 30, 34, 34)
ROW = 5.6
TABLE_TOP = 72


#: Letters that Unicode does not decompose into a base letter and a mark.
_BASE = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i"})


def pdf_text(text: str) -> str:
    """``text`` as Helvetica can print it: cp1252 as is, anything else as its base letters."""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch.translate(_BASE)).encode("ascii", "ignore").decode()
            out.append(base or "?")
    return "".join(out)


def _y(mm: float) -> float:
    return HEIGHT - mm * MM


def _x_edges() -> list[float]:
    edges = [LEFT]
    for w in COLUMNS:
        edges.append(edges[-1] + w)
    return edges


X = _x_edges()


def _grid_form(c: canvas.Canvas, days: int, cache: dict) -> str:
    """The table's lines for a month of ``days`` days, drawn once and reused by every page."""
    name = f"grid{days}"
    if name not in cache:
        c.beginForm(name)
        c.setStrokeGray(0.45)
        c.setLineWidth(0.4)
        ys = [_y(TABLE_TOP)] + [_y(TABLE_TOP + 9 + ROW * i) for i in range(days + 1)]
        c.grid([x * MM for x in X], ys)
        c.endForm()
        cache[name] = True
    return name


def _write_page(c: canvas.Canvas, f: Foglio, promotore: Promotore, texts: dict, cache: dict) -> None:
    words = texts["words"].get(f.tipologia) or texts["words"].setdefault(f.tipologia, wording(f.tipologia))
    days = calendar.monthrange(f.anno, f.mese)[1]
    first = dt.date(f.anno, f.mese, 1)
    weekday0 = first.weekday()
    start, end = f.data_avvio, f.data_fine or f.data_fine_prevista
    # Shading first (under the lines and the text): weekends, holidays, days outside the path.
    c.setFillGray(0.9)
    for d in range(1, days + 1):
        day = first + dt.timedelta(d - 1)
        if (weekday0 + d - 1) % 7 >= 5 or day in f.festivi or (start and day < start) or (end and day > end):
            c.rect(X[0] * MM, _y(TABLE_TOP + 9 + ROW * d), (X[-1] - X[0]) * MM, ROW * MM, stroke=0, fill=1)
    c.setFillGray(0)
    c.doForm(_grid_form(c, days, cache))
    month = texts["month"].setdefault((f.anno, f.mese), format_date(first, "MMMM yyyy"))
    c.setFont("Helvetica-Bold", 13)
    c.drawString(LEFT * MM, _y(14), pdf_text(f"{words['title']} · {month}"))
    t = c.beginText()
    y = 22
    for label, value in header_lines(f, promotore, words):
        t.setFont("Helvetica-Bold", 8)
        t.setTextOrigin(LEFT * MM, _y(y))
        t.textOut(pdf_text(label + ": "))
        t.setFont("Helvetica", 8)
        t.textOut(pdf_text(value)[:150])
        y += 5.2
    heads = (gettext("Day"), "", gettext("Entry"), gettext("Exit"), gettext("Entry"), gettext("Exit"),
             gettext("Hours"), gettext("Absence"), words["sign_person"], words["sign_host"])
    for x, width, head in zip(X, COLUMNS, heads, strict=False):
        head = pdf_text(head)
        # A long heading (a signature column's) shrinks to fit its column.
        size = 7.5
        while size > 5 and c.stringWidth(head, "Helvetica-Bold", size) > (width - 2) * MM:
            size -= 0.5
        t.setFont("Helvetica-Bold", size)
        t.setTextOrigin((x + 1) * MM, _y(TABLE_TOP + 5.5))
        t.textOut(head)
    t.setFont("Helvetica", 8)
    names = texts["days"]
    for d in range(1, days + 1):
        base = _y(TABLE_TOP + 9 + ROW * d - 1.9)
        g, hours = f.giorni.get(d), f.ore.get(d)
        day = first + dt.timedelta(d - 1)
        cells = [f"{d:02d}/{f.mese:02d}", names[(weekday0 + d - 1) % 7]]
        if g is not None:
            cells += [w.strftime("%H:%M") if w else "" for w in (g.entrata, g.uscita, g.entrata_2, g.uscita_2)]
        else:
            cells += ["", "", "", ""]
        cells.append(f"{hours:.2f}".replace(".", ",") if hours is not None else "")
        if g is not None and g.assenza is not None:
            cells.append(g.assenza.label)
        elif (start and day < start) or (end and day > end):
            cells.append(texts["outside"])
        else:
            cells.append(f.festivi.get(day, ""))
        for x, value in zip(X, cells, strict=False):
            if value:
                t.setTextOrigin((x + 1) * MM, base)
                t.textOut(pdf_text(value)[:22])
    y = TABLE_TOP + 9 + ROW * days + 7
    t.setFont("Helvetica-Bold", 9)
    t.setTextOrigin(LEFT * MM, _y(y))
    t.textOut(pdf_text(texts["total"]))
    t.setTextOrigin((X[6] + 1) * MM, _y(y))
    t.textOut(f"{f.totale:.2f}".replace(".", ","))
    t.setTextOrigin(LEFT * MM, _y(y + 12))
    t.textOut(pdf_text(gettext("Promoter's tutor signature") if f.tipologia == TipologiaPercorso.TIROCINIO
                       else gettext("Agency case worker's signature")))
    c.drawText(t)
    c.line(X[7] * MM, _y(y + 13), X[-1] * MM, _y(y + 13))
    c.showPage()


def build_registro_pdf(fogli: Iterable[Foglio], promotore: Promotore,
                       target: IO[bytes] | None = None) -> tuple[bytes | None, int]:
    """Every register of the month in one PDF, a page per person; the bytes (None when
    written to ``target``) and the pages."""
    buffer = target if target is not None else io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(gettext("Attendance register"))
    c.setAuthor(pdf_text(promotore.denominazione))
    monday = dt.date(2024, 1, 1)
    texts = {
        "days": [format_date(monday + dt.timedelta(days=i), "EEE") for i in range(7)],
        "month": {},
        "words": {},
        "total": gettext("Total hours of the month"),
        "outside": gettext("outside the path"),
    }
    cache: dict = {}
    n = 0
    for foglio in fogli:
        _write_page(c, foglio, promotore, texts, cache)
        n += 1
    if n == 0:
        c.setFont("Helvetica", 11)
        c.drawString(LEFT * MM, _y(20), pdf_text(gettext("No path active in the month matches the selection.")))
        c.showPage()
    c.save()
    return (buffer.getvalue() if target is None else None), n
