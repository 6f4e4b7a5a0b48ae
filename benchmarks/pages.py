"""The pages of the benchmark: which, as whom, and their server and SQL time measured."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import Flask, url_for
from flask_login import login_user
from sqlalchemy import event

from benchmarks.facts import Facts, most_common
from models import RUOLI, Utente, db
from views import VIEWS
from views.exports.report import TITOLI

WARMUP, REPLAYS, DEEP_PAGE_MAX = 2, 5, 500
FLASHED_ERROR = b"alert-danger alert-dismissable"

#: List endpoint -> the role that really works with it (else the view's first reader).
LIST_ROLE = {
    **dict.fromkeys(("persona", "dati_sensibili", "ente", "postazione", "comune", "percorso",
                     "voucher", "ore", "diario"), "operatore"),
    **dict.fromkeys(("programma", "listino", "budget"), "pal"),
    **dict.fromkeys(("addebito", "fattura", "pagamento"), "amministrazione"),
    **dict.fromkeys(("utente", "ruolo", "categoria", "audit"), "admin"),
}
#: List endpoint -> (filtered column "table.column", Flask-Admin filter class, value template).
FILTERS = {
    "persona": ("comune.nome", "FilterEqual", "{comune}"),
    "dati_sensibili": ("dati_sensibili.iscritto_l68", "BooleanEqualFilter", "1"),
    "ente": ("ente_ospitante.tipo", "EnumEqualFilter", "{ente_tipo}"),
    "postazione": ("postazione.accetta_tirocinio", "BooleanEqualFilter", "1"),
    "comune": ("comune.provincia", "FilterEqual", "{provincia}"),
    "percorso": ("percorso.stato", "EnumEqualFilter", "ATTIVO"),
    "voucher": ("voucher.stato", "EnumEqualFilter", "APPROVATO"),
    "ore": ("ore.data", "DateBetweenFilter", "{month}"),
    "diario": ("diario.data", "DateBetweenFilter", "{month}"),
    "addebito": ("addebito.data", "DateBetweenFilter", "{month}"),
    "programma": ("programma.data_fine", "DateGreaterFilter", "{month_start}"),
    "listino": ("voce_listino.tipo", "EnumEqualFilter", "{voce_tipo}"),
    "budget": ("comune.nome", "FilterEqual", "{comune}"),
    "fattura": ("fattura.stato", "EnumEqualFilter", "{fattura_stato}"),
    "pagamento": ("pagamento.data", "DateBetweenFilter", "{year}"),
    "utente": ("ruolo.name", "FilterEqual", "operatore"),
    "audit": ("registro_audit.tabella", "FilterEqual", "percorso"),
}


@dataclass
class Page:
    name: str
    role: str
    url: str


def admin_view(app: Flask, endpoint: str):
    return next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)


def filter_url(view, facts: Facts) -> str | None:
    """The list URL with the view's typical filter, found among its runtime filter args."""
    if view.endpoint not in FILTERS:
        return None
    column, kind, template = FILTERS[view.endpoint]
    value = template.format(**facts.values)
    for arg, (_, flt) in (view._filter_args or {}).items():
        if type(flt).__name__ == kind and f"{flt.column.table.name}.{flt.column.name}" == column:
            if not flt.validate(value):
                raise SystemExit(f"{view.endpoint}: invalid value {value!r} for filter {arg}")
            return url_for(f"{view.endpoint}.index_view", **{f"flt0_{arg}": value})
    raise SystemExit(f"{view.endpoint}: no {kind} filter on {column}")


def comune_filter_url(view, facts: Facts) -> str | None:
    """The list filtered by one Comune's name through a relation (a person's residence, a
    path's referring Comune, an invoice's Comune...), where the list has such a filter."""
    if view.endpoint == "comune" or FILTERS.get(view.endpoint, ("",))[0] == "comune.nome":
        return None  # the Comune list itself; lists whose typical filter is already this one
    for arg, (_, flt) in (view._filter_args or {}).items():
        column = getattr(flt, "column", None)
        if (type(flt).__name__ == "FilterEqual" and getattr(column, "name", None) == "nome"
                and getattr(getattr(column, "table", None), "name", None) == "comune"):
            return url_for(f"{view.endpoint}.index_view", **{f"flt0_{arg}": facts.values["comune"]})
    return None


def search_term(view) -> str | None:
    """The most frequent value of the first searchable column (its first word)."""
    if not view.column_searchable_list:
        return None
    model, names = view.model, view.column_searchable_list[0].split(".")
    for rel in names[:-1]:
        model = getattr(model, rel).property.mapper.class_
    value = most_common(db.session, getattr(model, names[-1])) or "rossi"
    return next((w for w in value.split() if len(w) >= 3), value)


def list_pages(view, role: str, facts: Facts) -> list[Page]:
    """First page, typical filter, search and a deep page of one list, as ``role``."""
    ep, index = view.endpoint, f"{view.endpoint}.index_view"
    tag = ep if LIST_ROLE.get(ep) == role else f"{ep} [{role}]"
    pages = [Page(f"{tag}: first page", role, url_for(index))]
    if url := filter_url(view, facts):
        pages.append(Page(f"{tag}: filter {FILTERS[ep][0]}", role, url))
    if url := comune_filter_url(view, facts):
        pages.append(Page(f"{tag}: filter by Comune", role, url))
    if term := search_term(view):
        pages.append(Page(f"{tag}: search {term!r}", role, url_for(index, search=term)))
    login_user(db.session.get(Utente, facts.users[role]))
    total = math.ceil((view.get_count_query().scalar() or 0) / view.page_size)
    if (deep := min(total // 2, DEEP_PAGE_MAX)) >= 1:
        pages.append(Page(f"{tag}: page {deep} of {total}", role, url_for(index, page=deep)))
    return pages


def all_pages(app: Flask, facts: Facts) -> list[Page]:
    with app.test_request_context():
        pages = []
        for *_, endpoint, _category in VIEWS:
            view = admin_view(app, endpoint)
            role = LIST_ROLE.get(endpoint) or next(
                r for r, letters in view.permissions.items() if "r" in letters)
            pages += list_pages(view, role, facts)
        pages += list_pages(admin_view(app, "persona"), "servizio_sociale", facts)
        year, month = facts.month
        if facts.case_id:
            pages += [
                Page("case page (active path)", "operatore",
                     url_for("percorso.case_view", id=facts.case_id)),
                Page("month grid of hours", "operatore", url_for(
                    "ore.month_view", percorso=facts.case_id, mese=f"{year}-{month:02d}")),
            ]
        # The home page of each role (issue 10, target p95 150 ms) and the two panels it loads
        # after showing: the budget use of every Comune, the operatore's active paths, the charts.
        pages += [Page(f"home page ({role})", role, url_for("admin.index")) for role in RUOLI]
        pages += [Page("home: budget use of every Comune", "pal", url_for("admin.budget_view", fragment=1)),
                  Page("home: active paths to look after", "operatore",
                       url_for("admin.active_view", fragment=1)),
                  Page("home: charts of paths and hirings", "pal", url_for("admin.charts_view", fragment=1))]
        pages += [Page("Scadenze", "pal", url_for("scadenze.index")),
                  Page("timesheets page", "operatore", url_for("fogli_ore.index")),
                  Page("report (default)", "pal", url_for("report.index"))]
        half, quarter = facts.half, facts.quarter
        for kind in TITOLI:
            p, code = ((quarter, f"T{(quarter.dal.month + 2) // 3}") if kind == "trimestrale"
                       else (half, f"S{(half.dal.month + 5) // 6}"))
            pages.append(Page(f"report {kind} {code} {p.dal.year}", "pal", url_for(
                "report.index", report=kind, anno=p.dal.year, periodo=code)))
        return pages


class SqlMeter:
    """The statements sent to the database since the last reset, and their cursor time."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.reset()
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.statements: list[tuple[str, object, bool]] = []
        self.seconds = 0.0

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.seconds += time.perf_counter() - conn.info.pop("bench_t0")
        self.statements.append((statement, parameters, executemany))

    def replay(self, times: int) -> tuple[float, tuple[float, str]]:
        """The kept statements alone on a raw DBAPI connection, each executed and every row
        fetched (SQLite computes rows as they are fetched): p50 seconds, slowest statement."""
        raw = self.engine.raw_connection()
        runs, slowest = [], (0.0, "")
        try:
            for _ in range(times):
                total = 0.0
                for statement, parameters, many in self.statements:
                    cursor = raw.cursor()
                    t0 = time.perf_counter()
                    # e.g. the readings of special-category data a list logs, one executemany
                    (cursor.executemany if many else cursor.execute)(statement, parameters)
                    if cursor.description:
                        cursor.fetchall()
                    elapsed = time.perf_counter() - t0
                    cursor.close()
                    total += elapsed
                    slowest = max(slowest, (elapsed, statement))
                runs.append(total)
        finally:
            raw.rollback()
            raw.close()
        return percentile(runs, 0.5), slowest


@dataclass
class PageResult:
    page: Page
    p50_ms: float
    p95_ms: float
    cursor_ms: float
    sql_ms: float
    statements: int
    slowest: tuple[float, str]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def get(client, page: Page):
    """GET the page; a status other than 200 or a flashed error stops the benchmark."""
    try:
        response = client.get(page.url)
    except Exception:
        print(f"FAILED: {page.role} GET {page.url} raised")
        raise
    if response.status_code != 200:
        raise SystemExit(f"FAILED: {page.role} GET {page.url}: HTTP {response.status_code}")
    if FLASHED_ERROR in response.data:
        raise SystemExit(f"FAILED: {page.role} GET {page.url}: the page flashed an error")
    return response


def measure(client, page: Page, meter: SqlMeter, repeat: int) -> PageResult:
    """Server time over ``repeat`` requests, statements per request, the SQL replayed alone."""
    for _ in range(WARMUP):
        get(client, page)
    times, cursor, counts = [], [], []
    for _ in range(repeat):
        meter.reset()
        t0 = time.perf_counter()
        get(client, page)
        times.append(time.perf_counter() - t0)
        cursor.append(meter.seconds)
        counts.append(len(meter.statements))
    sql, slowest = meter.replay(min(repeat, REPLAYS))
    return PageResult(page, percentile(times, 0.5) * 1e3, percentile(times, 0.95) * 1e3,
                      percentile(cursor, 0.5) * 1e3, sql * 1e3, max(counts), slowest)


def run_pages(app: Flask, facts: Facts, repeat: int, only: str | None = None) -> list[PageResult]:
    pages = [p for p in all_pages(app, facts) if not only or only in p.name]
    with app.app_context():
        meter = SqlMeter(db.engine)
        clients = {r: app.test_client(user=db.session.get(Utente, uid))
                   for r, uid in facts.users.items()}
    # No app context stays pushed: each request gets its own, as in production.
    return [measure(clients[p.role], p, meter, repeat) for p in pages]
