"""The template of an import: a sheet with the kind's headers, an example row and drop-down lists
where the values are fixed (lists on a hidden sheet). A pure builder: columns and lists in,
bytes out."""

from __future__ import annotations

import datetime as dt
from typing import IO

from flask_babel import gettext

from models.importazione.colonne import column_letter
from models.importazione.motore import TipoImport
from models.importazione.valori import ValoreErrato, date

from .xlsx import Workbook

#: Rows below the header that the drop-downs cover.
VALIDATED_ROWS = 5000


def _example(campo):
    """The example cell: a real date for date columns, a translated label for list values."""
    value = campo.example
    if value is None:
        return None
    if isinstance(value, str) and "/" in value:
        try:
            day = date(value)
            if isinstance(day, dt.date):
                return day
        except ValoreErrato:
            pass
    return gettext(value) if isinstance(value, str) else value


def build_modello(tipo: TipoImport, refs: dict[str, list[str]], target: IO[bytes] | str | None = None,
                  fields=None):
    """The .xlsx template of ``tipo`` (of its ``fields`` only, when given); ``refs`` are the
    console's lists (comuni, programmi) offered by the drop-downs of the columns that name them."""
    fields = list(fields or tipo.fields)
    wb = Workbook(target)
    ws = wb.sheet(gettext("Import %(kind)s", kind=gettext(tipo.label)))
    lists = wb.sheet(gettext("Lists"))
    headers = [gettext(c.label) for c in fields]
    required = wb.book.add_format({"bold": True, "bg_color": "#F6D7A7", "border": 1, "text_wrap": True,
                                   "valign": "top"})
    for col, campo in enumerate(fields):
        ws.write_string(0, col, headers[col], required if campo.required else wb.fmt["header"])
        wb.write(ws, 1, col, _example(campo))
        ws.set_column(col, col, max(14, len(headers[col]) + 4))
        if campo.required:
            ws.write_comment(0, col, gettext("Required for a new record."))
        choices = campo.choices(refs) if campo.choices else None
        if choices:
            lists.write_string(0, col, headers[col], wb.fmt["header"])
            for r, text in enumerate(choices, start=1):
                lists.write_string(r, col, str(text))
            letter = column_letter(col)
            ws.data_validation(1, col, VALIDATED_ROWS, col, {
                "validate": "list", "source": f"='{lists.name}'!${letter}$2:${letter}${len(choices) + 1}",
                "error_type": "warning", "error_message": gettext("Choose a value of the list."),
            })
    ws.freeze_panes(1, 0)
    lists.hide()
    return wb.close()
