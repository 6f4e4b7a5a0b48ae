"""Columns of an import: what each kind reads, and the header row found in a sheet.

A column (``Campo``) has an English msgid as its label (the template's header, in the user's
language) and is recognised by its Italian and English labels and by common synonyms, compared
without case, accents, spaces or punctuation ("Cod. fiscale" = "codice fiscale" = "CF").
The header row is the one among the first rows that names the most columns, so a title row
above it and a group row of merged cells are passed over.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from babel.support import Translations
from flask_babel import gettext

from .valori import normalize, shown

#: Where the console's catalog lives (the labels are matched in Italian whatever the user's language).
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
#: How many rows from the top may hold the header row.
HEADER_SEARCH_ROWS = 20


@functools.cache
def italian() -> Translations:
    """The Italian catalog, read once, independent of the current request's language."""
    return Translations.load(str(TRANSLATIONS), ["it"])


def in_italian(msgid: str) -> str:
    return italian().gettext(msgid)


@dataclass(frozen=True)
class Campo:
    """One column of an import kind."""

    name: str
    #: English msgid: the template's header (translated), and how messages name the column.
    label: str
    #: cell -> value (valori.py); raises ValoreErrato.
    parse: Callable
    required: bool = False
    synonyms: tuple[str, ...] = ()
    #: What the template's example row shows.
    example: object = None
    #: The template's drop-down: a function of the import's references giving the allowed texts.
    choices: Callable | None = None
    #: Percorsi: a step of the path after the referral (not for referral-only imports).
    step: bool = False
    help: str | None = None

    @property
    def keys(self) -> set[str]:
        return {normalize(self.label), normalize(in_italian(self.label)), *map(normalize, self.synonyms)}

    def title(self) -> str:
        return gettext(self.label)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Intestazione:
    """The header row found: which sheet column holds which field."""

    #: 0-based index of the header row among the sheet's rows.
    row_index: int
    #: field name -> column index.
    columns: dict[str, int] = field(default_factory=dict)
    #: column index -> the header text as written.
    headers: dict[int, str] = field(default_factory=dict)
    #: column index -> header text of the columns that name no known field.
    unmatched: dict[int, str] = field(default_factory=dict)
    #: field name -> the other columns that also named it (only the first one is read).
    repeated: dict[str, list[int]] = field(default_factory=dict)
    #: The texts of the rows above the header (a title may say the month of an attendance sheet).
    above: list[str] = field(default_factory=list)

    def header_of(self, name: str) -> str:
        col = self.columns[name]
        return f"{column_letter(col)} «{self.headers.get(col, '')}»"


def _lookup(fields: Sequence[Campo]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for campo in fields:
        for key in campo.keys:
            keys.setdefault(key, campo.name)
    return keys


def _cell_text(row: list, col: int) -> str:
    value = row[col] if col < len(row) else None
    return " ".join(shown(value).split()) if value is not None else ""


def _header_cells(rows: list[list], i: int, keys: dict[str, str]) -> dict[int, str]:
    """Row ``i``'s header texts. Where it is empty, the cell above counts if it names a column:
    a header merged down two rows keeps its text in the upper one, beside sub-headers under a
    merged group title."""
    cells = {}
    width = max((len(r) for r in rows[max(i - 1, 0): i + 1]), default=0)
    for col in range(width):
        value = _cell_text(rows[i], col)
        if not value and i > 0:
            above = _cell_text(rows[i - 1], col)
            value = above if normalize(above) in keys else ""
        if value:
            cells[col] = value
    return cells


def _score(cells: dict[int, str], keys: dict[str, str]) -> int:
    return len({keys[normalize(t)] for t in cells.values() if normalize(t) in keys})


def find_header(rows: list[list], fields: Sequence[Campo], mapping: dict[int, str] | None = None,
                minimum: int = 2) -> Intestazione | None:
    """The header among the first rows: the one naming most fields (the first of equals).
    ``mapping`` (column index -> field name, or "" to ignore) is the person's own choice for
    columns whose header named nothing. None when no row names ``minimum`` fields."""
    keys = _lookup(fields)
    best, best_score = None, 0
    for i in range(min(len(rows), HEADER_SEARCH_ROWS)):
        score = _score(_header_cells(rows, i, keys), keys)
        if score > best_score:
            best, best_score = i, score
    if best is None or best_score < min(minimum, len(fields)):
        return None
    found = Intestazione(best, headers=_header_cells(rows, best, keys))
    found.above = [_cell_text(r, c) for r in rows[:best] for c in range(len(r)) if _cell_text(r, c)]
    known = {campo.name for campo in fields}
    for col, header in sorted(found.headers.items()):
        name = keys.get(normalize(header))
        chosen = (mapping or {}).get(col)
        if name is None and chosen is not None:
            name = chosen if chosen in known else None
            if name is None:
                continue  # the person chose to ignore it
        if name is None:
            found.unmatched[col] = header
        elif name in found.columns:
            found.repeated.setdefault(name, []).append(col)
        else:
            found.columns[name] = col
    return found
