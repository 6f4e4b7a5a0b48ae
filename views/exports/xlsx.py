"""The one way to make a workbook: safe against formula injection, formats made once.

Every builder opens its workbook here, so text starting with = + - @ is always written as
text (``strings_to_formulas`` off), numbers and dates stay real cells, and large exports can
stream in constant memory.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import IO

import xlsxwriter
import xlsxwriter.exceptions

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Day 0 of Excel's 1900 date system as an ordinal: serial = date.toordinal() - EXCEL_EPOCH.
EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()


class _Book(xlsxwriter.Workbook):
    """xlsxwriter's workbook with a set for its duplicate sheet name check.

    xlsxwriter compares a new name with every existing sheet's (O(n) per sheet, so O(n^2) for a
    workbook of a thousand timesheets: a tenth of the export's time). Names reach it already
    made unique by ``Workbook.sheet``; the other checks (length, characters, apostrophes) stay
    xlsxwriter's. Private hook, guarded by tests/test_fogli_ore.py's duplicate names test.
    """

    def _check_sheetname(self, sheetname, is_chartsheet=False):
        taken = self.__dict__.setdefault("_taken_names", set())
        original = self.worksheets_objs
        # xlsxwriter's own loop runs over no sheets; the set does the duplicate check.
        self.worksheets_objs = []
        try:
            name = super()._check_sheetname(sheetname, is_chartsheet)
        finally:
            self.worksheets_objs = original
        if name.lower() in taken:
            raise xlsxwriter.exceptions.DuplicateWorksheetName(
                f"Sheetname '{name}', with case ignored, is already in use.")
        taken.add(name.lower())
        return name


class Workbook:
    """An xlsxwriter workbook with the house formats and safe writes."""

    def __init__(self, target: IO[bytes] | str | None = None, constant_memory: bool = False):
        self.buffer = io.BytesIO() if target is None else None
        self.book = _Book(
            self.buffer if target is None else target,
            {
                "in_memory": target is None and not constant_memory,
                "constant_memory": constant_memory,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_date_format": "dd/mm/yyyy",
            },
        )
        #: Names in use, lowercased (Excel ignores case); per-workbook memo of repeated texts.
        self._names: set[str] = set()
        self.memo: dict = {}
        f = self.book.add_format
        self.fmt = {
            "header": f({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True, "valign": "top"}),
            "title": f({"bold": True, "font_size": 13}),
            "bold": f({"bold": True}),
            "text": f({}),
            "date": f({"num_format": "dd/mm/yyyy"}),
            "euro": f({"num_format": "#,##0.00 [$€-410]"}),
            "euro_bold": f({"num_format": "#,##0.00 [$€-410]", "bold": True}),
            "hours": f({"num_format": "0.00"}),
            "hours_bold": f({"num_format": "0.00", "bold": True}),
            "int": f({"num_format": "0"}),
            "pct": f({"num_format": "0.0%"}),
            "box": f({"border": 1}),
        }

    def sheet(self, name: str):
        """A worksheet; the name is cut to Excel's 31 characters and made unique."""
        base = "".join(c for c in name if c not in "[]:*?/\\")[:31] or "Foglio"
        candidate, n = base, 2
        while candidate.lower() in self._names:
            suffix = f" ({n})"
            candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
        self._names.add(candidate.lower())
        return self.book.add_worksheet(candidate)

    def write(self, ws, row: int, col: int, value, fmt: str | None = None) -> None:
        """Write one cell by type: Decimal/int/float as numbers, dates as dates, the rest as text."""
        cell_format = self.fmt[fmt] if fmt else None
        if value is None:
            ws.write_blank(row, col, None, cell_format)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, cell_format)
        elif isinstance(value, (int, float, Decimal)):
            ws.write_number(row, col, float(value), cell_format)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, cell_format or self.fmt["date"])
        elif isinstance(value, dt.date):
            # The Excel serial number straight away (what write_datetime computes, slowly).
            ws.write_number(row, col, value.toordinal() - EXCEL_EPOCH, cell_format or self.fmt["date"])
        else:
            ws.write_string(row, col, str(value), cell_format)

    def table(self, ws, headers: list[str], rows, formats: list[str | None] | None = None,
              widths: list[int] | None = None, first_row: int = 0) -> int:
        """Header row (frozen, with autofilter) and data rows; returns the next free row."""
        for c, title in enumerate(headers):
            ws.write_string(first_row, c, str(title), self.fmt["header"])
        r = first_row
        for r, values in enumerate(rows, start=first_row + 1):
            for c, value in enumerate(values):
                self.write(ws, r, c, value, formats[c] if formats else None)
        ws.freeze_panes(first_row + 1, 0)
        ws.autofilter(first_row, 0, max(r, first_row), len(headers) - 1)
        for c, width in enumerate(widths or [max(12, len(str(h)) + 2) for h in headers]):
            ws.set_column(c, c, width)
        return r + 1

    def close(self) -> bytes | None:
        """Finish the workbook; the bytes when it was built in memory."""
        self.book.close()
        return self.buffer.getvalue() if self.buffer is not None else None
