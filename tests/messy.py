"""Messy spreadsheets, built by the tests themselves: .xlsx with a title row, merged header
cells, trailing spaces, Excel serial dates beside text dates; .ods written by hand (a zip of
XML, as LibreOffice saves it); .csv with semicolons in Windows-1252 or commas in UTF-8."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter

#: Excel's day 0: serial = (date - EPOCH).days.
EPOCH = dt.date(1899, 12, 30)


def serial(day: dt.date) -> int:
    """The Excel serial number of ``day`` (what a date cell holds without its format)."""
    return (day - EPOCH).days


def xlsx(path: Path, rows: list[list], *, title: str | None = None, group: tuple[int, int, str] | None = None,
         start_col: int = 0, date_cols: tuple[int, ...] = ()) -> Path:
    """A workbook whose first sheet has ``title`` in A1 and an empty row under it, then
    optionally a group header merged over columns ``group[0]..group[1]`` above the header row,
    then ``rows`` (the first one the header) from column ``start_col``. Cells holding dates
    are written as real date cells, in the columns ``date_cols`` as well."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Foglio1")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    r = 0
    if title:
        ws.write_string(0, 0, title)
        r = 2
    if group:
        ws.merge_range(r, start_col + group[0], r, start_col + group[1], group[2])
        r += 1
    for values in rows:
        for c, value in enumerate(values):
            col = start_col + c
            if isinstance(value, dt.date):
                ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date_format)
            elif value is None:
                continue
            else:
                ws.write(r, col, value)
        r += 1
    book.close()
    return path


def _ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>")
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods(path: Path, rows: list[list]) -> Path:
    """An OpenDocument spreadsheet with ``rows`` on its first sheet."""
    body = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Foglio1">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return path


def csv_file(path: Path, rows: list[list], delimiter: str = ";", encoding: str = "cp1252") -> Path:
    """A CSV as spreadsheets export it (cells quoted when they hold the separator)."""

    def cell(value) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if delimiter in text or '"' in text else text

    lines = [delimiter.join(cell(v) for v in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
