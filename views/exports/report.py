"""Report tables and workbooks: the rows of models/reports in, labelled tables and xlsx bytes out."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from models.base import LabelledEnum, StatoPercorso, TipologiaPercorso

from .xlsx import Workbook

#: Report code -> its title (the page's picker and the workbook's first line).
TITOLI = {
    "semestrale": _l("Half-year activity report"),
    "trimestrale": _l("Quarterly report"),
    "budget": _l("Budget verification"),
    "esiti": _l("Outcome indicators"),
    "registro-fatture": _l("Invoice register"),
    "distacchi": _l("Secondments: outcomes and hours"),
    "pubblica-utilita": _l("Public-utility work"),
    "pip": _l("PIP services: delivered against planned"),
}


def sottotitolo(kind: str, periodo, comune=None) -> str:
    """The line under a report's title: its period (or year) and Comune (the page, the
    workbook and ``flask export`` alike)."""
    if kind == "registro-fatture":
        text = gettext("Year %(year)s", year=periodo.al.year)
    else:
        text = gettext("From %(start)s to %(end)s", start=periodo.dal.strftime("%d/%m/%Y"),
                       end=periodo.al.strftime("%d/%m/%Y"))
    # Not inside the f-string: Babel's extractor does not look into f-string expressions.
    where = comune.nome if comune else gettext("all Comuni")
    return f"{text} · {where}"


@dataclass(frozen=True)
class Colonna:
    """A column: the row key it shows, its header and its cell format (xlsx.Workbook.fmt)."""

    key: str
    label: object
    fmt: str = "int"
    width: int = 14


@dataclass
class Tabella:
    """A titled table ready to show: values are Python numbers, dates and text."""

    titolo: object
    colonne: list[Colonna]
    righe: list[list]


COMUNE = Colonna("comune", _l("Comune"), "text", 26)

SEMESTRALE = [
    COMUNE,
    Colonna("segnalazioni", _l("Referrals")),
    Colonna("prese_in_carico", _l("Intakes")),
    Colonna("postazioni_disponibili", _l("Positions available")),
    Colonna("posti_disponibili", _l("Seats available")),
    Colonna("postazioni_utilizzate", _l("Positions used")),
    Colonna("percorsi_in_postazione", _l("Paths at a position")),
    Colonna("tirocini_avviati", _l("Internships started")),
    Colonna("assunzioni", _l("Hirings")),
    Colonna("conclusi_assunti", _l("Concluded, hired")),
    Colonna("conclusi_non_assunti", _l("Concluded, not hired")),
    Colonna("interrotti", _l("Interrupted")),
    Colonna("ritirati", _l("Withdrawn")),
    Colonna("budget_utilizzato", _l("Budget used"), "euro", 16),
]
def stati(tipologie) -> list[Colonna]:
    """The columns of the paths-by-state table: a count per path type offered."""
    return [Colonna("stato", _l("State"), "text", 22),
            *[Colonna(t.name, _l(t.value)) for t in tipologie],
            Colonna("totale", _l("Total"))]
ORE = [
    COMUNE,
    Colonna("ore_presenza", _l("Attendance hours"), "hours"),
    Colonna("ore_affiancamento", _l("Tutoring hours"), "hours"),
    Colonna("percorsi_con_ore", _l("Paths with hours")),
]
SCADENZE = [
    COMUNE,
    Colonna("prese_in_carico_tardive", _l("Intakes done late"), width=16),
    Colonna("prese_in_carico_scadute", _l("Intakes overdue at period end"), width=16),
    Colonna("avvii_tardivi", _l("Activations done late"), width=16),
    Colonna("avvii_scaduti", _l("Activations overdue at period end"), width=16),
]
BUDGET = [
    COMUNE,
    Colonna("programma", _l("Programme"), "text", 22),
    Colonna("data_inizio", _l("From"), "date", 12),
    Colonna("data_fine", _l("To"), "date", 12),
    *[Colonna(k, label, "euro", 15) for k, label in (
        ("stanziato", _l("Allocated")), ("impegnato", _l("Committed")), ("consumato", _l("Consumed")),
        ("fatturato", _l("Invoiced")), ("residuo", _l("Remaining")))],
]
INDICATORI = [
    Colonna("persone", _l("People involved")),
    Colonna("percorsi", _l("Paths involved")),
    Colonna("conclusi", _l("Paths concluded")),
    Colonna("assunti", _l("Hired")),
    Colonna("quota_assunti", _l("Share hired"), "pct"),
    Colonna("enti", _l("Host organisations")),
]
REGISTRO = [
    Colonna("numero", _l("Number"), width=9),
    Colonna("data", _l("Date"), "date", 12),
    Colonna("tipo_documento", _l("Document"), "text", 14),
    COMUNE,
    Colonna("imponibile", _l("Taxable"), "euro"),
    Colonna("iva", _l("VAT"), "euro"),
    Colonna("totale", _l("Total"), "euro"),
    Colonna("split_payment", _l("Split payment"), "text", 12),
    Colonna("stato", _l("State"), "text", 12),
    Colonna("pagato", _l("Paid"), "euro"),
    Colonna("ultimo_pagamento", _l("Last payment"), "date", 12),
    Colonna("da_incassare", _l("To be collected"), "euro"),
    Colonna("bollo", _l("Stamp duty"), "euro", 10),
]


DISTACCHI = [
    Colonna("lavoratori", _l("Workers involved")),
    Colonna("percorsi", _l("Secondments")),
    Colonna("conclusi", _l("Concluded")),
    Colonna("assunti", _l("Hired")),
    Colonna("rientri", _l("Back to the cooperative"), width=16),
    Colonna("quota_assunti", _l("Share hired"), "pct"),
    Colonna("imprese", _l("Companies")),
    Colonna("ore", _l("Hours recorded"), "hours"),
    Colonna("sotto", _l("Below the hour band"), width=16),
    Colonna("in_fascia", _l("Within the hour band"), width=16),
    Colonna("oltre", _l("Above the hour band"), width=16),
]
PUBBLICA_UTILITA = [
    COMUNE,
    Colonna("persone", _l("People")),
    Colonna("percorsi", _l("Paths")),
    Colonna("ore_presenza", _l("Attendance hours"), "hours"),
    Colonna("ore_lavoro", _l("Hours of work delivered"), "hours", 16),
    Colonna("importo", _l("Amount"), "euro", 15),
    Colonna("fatturato", _l("Invoiced"), "euro", 15),
]
PIP = [
    Colonna("servizio", _l("Catalogue service"), "text", 34),
    Colonna("piani", _l("Plans")),
    Colonna("prevista", _l("Planned"), "hours"),
    Colonna("erogata_periodo", _l("Delivered in the period"), "hours", 16),
    Colonna("erogata", _l("Delivered to date"), "hours", 16),
    Colonna("residua", _l("Remaining"), "hours"),
    Colonna("importo_previsto", _l("Planned amount"), "euro", 15),
    Colonna("importo_erogato", _l("Delivered amount"), "euro", 15),
]


def _cell(row, col: Colonna, first: bool):
    """A row's value as shown: "Total" on the total row, enum labels, yes/no."""
    value = row.get(col.key)
    if first and row.get("ordine") == 1:
        return gettext("Total")
    if col.key == "stato" and isinstance(value, str) and value in StatoPercorso.__members__:
        return StatoPercorso[value].label
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return value


def _tabella(titolo, colonne: list[Colonna], rows) -> Tabella:
    return Tabella(titolo, colonne, [[_cell(r, c, i == 0) for i, c in enumerate(colonne)] for r in rows])


def tabelle(kind: str, data) -> list[Tabella]:
    """The tables of report ``kind`` from the result of models.reports (rows or dict of rows)."""
    if kind == "semestrale":
        return [_tabella(TITOLI[kind], SEMESTRALE, data)]
    if kind == "trimestrale":
        return [
            _tabella(_l("Paths by state and type at period end"),
                     stati(data.get("tipologie", TipologiaPercorso)), data["stati"]),
            _tabella(_l("Hours in the period"), ORE, data["ore"]),
            _tabella(_l("Deadlines missed"), SCADENZE, data["scadenze"]),
        ]
    if kind == "budget":
        return [_tabella(TITOLI[kind], BUDGET, data)]
    if kind == "esiti":
        categoria = Colonna("descrizione", _l("Disadvantage category"), "text", 26)
        tipologia = Colonna("tipologia", _l("Path type"), "text", 22)
        per_categoria = [{**r, "descrizione": r["descrizione"] or gettext("none")} for r in data["categorie"]]
        return [
            _tabella(_l("Total"), INDICATORI, data["totale"]),
            _tabella(_l("By disadvantage category"), [categoria, *INDICATORI], per_categoria),
            _tabella(_l("By path type"), [tipologia, *INDICATORI], data["tipologie"]),
        ]
    if kind == "registro-fatture":
        return [_tabella(TITOLI[kind], REGISTRO, data)]
    if kind == "distacchi":
        categoria = Colonna("descrizione", _l("Disadvantage category"), "text", 26)
        per_categoria = [{**r, "descrizione": r["descrizione"] or gettext("none")} for r in data["categorie"]]
        return [
            _tabella(_l("Total"), DISTACCHI, data["totale"]),
            _tabella(_l("By disadvantage category"), [categoria, *DISTACCHI], per_categoria),
        ]
    if kind == "pubblica-utilita":
        return [_tabella(TITOLI[kind], PUBBLICA_UTILITA, data)]
    if kind == "pip":
        return [_tabella(TITOLI[kind], PIP, data)]
    raise KeyError(kind)


def workbook(titolo: str, sottotitolo: str, tables: list[Tabella]) -> bytes:
    """One sheet per table: title, subtitle (period, Comune), then the table with its header
    frozen and filtered. Numbers, money, hours and dates are real cells with formats."""
    wb = Workbook()
    for t in tables:
        ws = wb.sheet(str(t.titolo))
        wb.write(ws, 0, 0, str(titolo), "title")
        wb.write(ws, 1, 0, sottotitolo)
        wb.table(ws, [str(c.label) for c in t.colonne], t.righe, [c.fmt for c in t.colonne],
                 [c.width for c in t.colonne], first_row=3)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
    return wb.close()
