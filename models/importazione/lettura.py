"""Reading a sheet row by row: .xlsx, .xls and .ods through python-calamine, .csv with the
standard library (comma, semicolon or tab; UTF-8 or Windows-1252).

The reader was chosen by measurement (README, "Import"): on 100 000 rows x 10 columns
python-calamine reads the .xlsx in about 1.4 s and openpyxl's streaming mode in about 16 s.
calamine holds the sheet's cells in compact native memory (about 100 MB for that file, bounded
by the upload limit) and hands rows to Python one at a time; a CSV is streamed from disk.
Rows come as (spreadsheet row number, cells), cells indexed from column A.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from flask_babel import gettext

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
TEXTS = (".csv", ".txt")
FORMATS = SPREADSHEETS + TEXTS
#: Bytes decoded per block while checking a text file's encoding.
BLOCK = 1 << 20


class FileErrato(Exception):
    """The file cannot be read as a table; ``message`` is translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_rows(path: str | Path, filename: str, sheet: str | None = None) -> Iterator[tuple[int, list]]:
    """The rows of the file at ``path`` (``filename`` is the name the person gave it, whose
    extension tells the format). Raises FileErrato before the first row when it cannot."""
    suffix = Path(filename).suffix.lower()
    if suffix in SPREADSHEETS:
        return _spreadsheet_rows(Path(path), sheet)
    if suffix in TEXTS:
        return _csv_rows(Path(path))
    raise FileErrato(
        gettext("%(name)s is not a file that can be imported: use .xlsx, .ods or .csv.", name=filename)
    )


def _spreadsheet_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list]]:
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_path(str(path))
        if sheet:
            if sheet not in book.sheet_names:
                raise FileErrato(gettext("The file has no sheet «%(sheet)s»; its sheets are: %(names)s.",
                                         sheet=sheet, names=", ".join(book.sheet_names)))
            table = book.get_sheet_by_name(sheet)
        else:
            visible = [m.name for m in book.sheets_metadata
                       if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible]
            if not visible:
                raise FileErrato(gettext("The file has no sheet to read."))
            table = book.get_sheet_by_name(visible[0])
    except (CalamineError, OSError, ValueError) as exc:
        raise FileErrato(gettext("The file cannot be read as a spreadsheet (%(reason)s).",
                                 reason=str(exc)[:200])) from None
    return _absolute(table)


def _absolute(table) -> Iterator[tuple[int, list]]:
    """calamine yields rows from the sheet's first row, cells from the first used column."""
    first_col = table.start[1] if table.start else 0
    pad = [None] * first_col
    for number, cells in enumerate(table.iter_rows(), start=1):
        yield number, (pad + cells) if first_col else cells


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when every byte decodes as such, else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            while block := stream.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _delimiter(sample: str) -> str:
    """The separator giving the most lines of the same number (> 1) of fields."""
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    best, best_score = ",", -1
    for delimiter in (";", ",", "\t"):
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        widths = [n for n in counts if n > 1]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = widths.count(common) * 1000 + common
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(path: Path) -> Iterator[tuple[int, list]]:
    encoding = _encoding(path)
    with path.open(encoding=encoding, errors="replace", newline="") as stream:
        sample = stream.read(64 * 1024)
    delimiter = _delimiter(sample)
    return _csv_stream(path, encoding, delimiter)


def _csv_stream(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list]]:
    with open(path, encoding=encoding, errors="replace", newline="") as stream:
        # A spreadsheet opening the file shows one row per record (a quoted field may span lines).
        yield from enumerate(csv.reader(stream, delimiter=delimiter), start=1)
