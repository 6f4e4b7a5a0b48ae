"""Import of hours (DOMAIN.md, "Ore"): natural key path x kind x day, the path being the
person's (codice fiscale) path active on that day.

Two layouts: a row per person and day (Codice fiscale, Data, Ore, Tipo), or the month layout of
an attendance sheet, a row per person and a column per day. Day columns are headed by the day
of the month (the month then comes from a "Mese" column, the import's month option, or the
title above the header: "Presenze marzo 2025") or by the date itself. Hours as 7,5 or 7:30 or
a time cell; an empty cell, 0, or an absence mark (A, F, M, R, -) records nothing. Each entry
goes through models/operations/ore.py (record_hours, validate_hours, sync_tutoring_charge):
the 24-hour day, the active period, the tutoring hours the voucher allows. Existing hours are
never deleted by an import.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from ..anagrafiche import Persona
from ..base import N_, TipoOre
from ..errors import DomainError
from ..operations import ore as ore_ops
from ..percorsi import Ore, Percorso, Voucher
from ..utenti import Utente
from . import riferimenti as ref
from . import scelte
from .colonne import Campo, Intestazione
from .confronto import mostra
from .motore import Contesto, Riga, RigaErrata, TipoImport
from .rapporto import ERRATA, INVARIATA, MODIFICATA, NUOVA, RisultatoRiga
from .valori import ValoreErrato, code, date, decimal, is_empty, normalize, shown, text

#: Marks of an absence in an attendance sheet: no hours that day.
ASSENZE = {"a", "ass", "assente", "assenza", "f", "ferie", "m", "mal", "malattia", "r", "riposo", "-", "/", "x"}
MESI = {name: number for number, name in enumerate(
    ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
     "ottobre", "novembre", "dicembre"), start=1)}
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def hours(value) -> Decimal | None:
    """7,5 · 7.5 · 7:30 · a time cell; None for empty, 0 and absence marks."""
    if is_empty(value):
        return None
    if isinstance(value, dt.time):
        result = Decimal(value.hour) + Decimal(value.minute) / 60
    elif isinstance(value, dt.timedelta):
        result = Decimal(value.total_seconds()) / 3600
    elif isinstance(value, str) and normalize(value) in ASSENZE or str(value).strip() in ASSENZE:
        return None
    elif isinstance(value, str) and (match := _TIME.fullmatch(value.strip())):
        result = Decimal(int(match.group(1))) + Decimal(int(match.group(2))) / 60
    else:
        try:
            result = decimal(value)
        except ValoreErrato:
            raise ValoreErrato(gettext("«%(value)s» is not a number of hours.", value=shown(value))) from None
    result = result.quantize(Decimal("0.01"))
    return result or None


def month_of(value) -> tuple[int, int] | None:
    """A month written as 03/2025, 2025-03, «marzo 2025» or a date in it."""
    if is_empty(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year, value.month
    raw = text(value).lower()
    if match := re.search(r"\b(\d{1,2})\s*[/\-.]\s*(\d{4})\b", raw):
        month, year = int(match.group(1)), int(match.group(2))
    elif match := re.search(r"\b(\d{4})\s*-\s*(\d{1,2})\b", raw):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := re.search(r"([a-z]+)\s*(\d{4})", normalize_spaces(raw)):
        month, year = MESI.get(normalize(match.group(1)), 0), int(match.group(2))
    else:
        return None
    return (year, month) if 1 <= month <= 12 else None


def normalize_spaces(raw: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9àèéìòù]", " ", raw).split())


def _month(value):
    found = month_of(value)
    if found is None and not is_empty(value):
        raise ValoreErrato(gettext("«%(value)s» is not a month: write it as mm/yyyy.", value=shown(value)))
    return found


CAMPI = (
    Campo("codice_fiscale", N_("Codice fiscale"), code, required=True, example="RSSMRA80A01H501U",
          synonyms=("Codice fiscale", "CF", "C.F.", "Cod. fiscale")),
    Campo("cognome", N_("Surname"), text, synonyms=("Cognome", "Cognome e nome", "Nominativo")),
    Campo("nome", N_("Name"), text, synonyms=("Nome",)),
    Campo("data", N_("Date"), date, example="03/03/2025", synonyms=("Data", "Giorno", "Data presenza")),
    Campo("ore", N_("Hours"), hours, example="7,5", synonyms=("Ore", "Ore lavorate", "Ore di presenza", "N. ore")),
    Campo("tipo", N_("Kind"), scelte.parser(TipoOre), example=TipoOre.PRESENZA.value,
          choices=scelte.labels(TipoOre), synonyms=("Tipo", "Tipo ore", "Tipologia ore")),
    Campo("operatore", N_("Case worker"), text, synonyms=("Operatore", "Tutor")),
    Campo("mese", N_("Month"), _month, synonyms=("Mese", "Mese di riferimento", "Periodo")),
    Campo("note", N_("Notes"), text, synonyms=("Note",)),
)


def _day_column(header_text: str):
    """("g", day) for a column headed 1..31, ("d", date) for one headed by a date, else None."""
    raw = header_text.strip()
    if raw.isdigit() and 1 <= int(raw) <= 31:
        return "g", int(raw)
    try:
        day = date(raw)
    except ValoreErrato:
        return None
    return ("d", day) if day is not None else None


class OreImport(TipoImport):
    name = "ore"
    label = N_("hours")
    key_label = N_("person, day and kind of hours")
    fields = CAMPI

    def required_columns(self, ctx: Contesto) -> list[Campo]:
        return [self.field("codice_fiscale")]

    def adapt_header(self, ctx: Contesto, header: Intestazione) -> None:
        """The month layout: columns headed by a day of the month or by a date."""
        for col, header_text in list(header.unmatched.items()):
            found = _day_column(header_text)
            if found is not None:
                header.columns[f"{found[0]}:{found[1].isoformat() if found[0] == 'd' else found[1]}"] = col
                del header.unmatched[col]
        ctx.ref["month"] = _month(ctx.options.get("mese")) or next(
            (m for m in map(month_of, header.above) if m is not None), None)

    def missing_columns(self, ctx: Contesto, header: Intestazione) -> list[Campo]:
        missing = super().missing_columns(ctx, header)
        if not any(":" in name for name in header.columns):
            missing += [self.field(n) for n in ("data", "ore") if n not in header.columns]
        return missing

    def start(self, ctx: Contesto) -> None:
        ctx.ref["utenti"] = ref.Utenti(ctx.session)

    # -- reading ------------------------------------------------------------------------
    def _entries(self, ctx: Contesto, riga: Riga, values: dict, errors: list) -> list[tuple]:
        """(column name, day, hours) of the row: its Data/Ore pair, or its day columns."""
        entries = []
        if values.get("data") is not None or values.get("ore") is not None:
            if values.get("data") is None or values.get("ore") is None:
                missing = "data" if values.get("data") is None else "ore"
                errors.append([riga.column(missing), gettext("Required for a new record: the cell is empty.")])
            else:
                entries.append(("ore", values["data"], values["ore"]))
        month = values.get("mese") or ctx.ref["month"]
        for name in [n for n in riga.cells if ":" in n]:
            kind, _, what = name.partition(":")
            try:
                amount = hours(riga.cells[name])
            except ValoreErrato as exc:
                errors.append([riga.column(name), exc.message])
                continue
            if amount is None:
                continue
            if kind == "d":
                entries.append((name, dt.date.fromisoformat(what), amount))
            elif month is None:
                errors.append([riga.column(name), gettext(
                    "Which month? Add a «Month» column (mm/yyyy), choose the month, or write it in the title.")])
                break
            elif int(what) > calendar.monthrange(*month)[1]:
                errors.append([riga.column(name), gettext("The month has no day %(day)s.", day=what)])
            else:
                entries.append((name, dt.date(month[0], month[1], int(what)), amount))
        return entries

    def _read(self, ctx: Contesto, riga: Riga) -> tuple[dict, list[tuple]]:
        errors: list[list[str]] = []
        values = self.parse(riga, errors)
        values["operatore_id"] = self.resolve(
            riga, errors, "operatore", lambda x: ctx.ref["utenti"].find(x, "operatore", gettext("case worker")))
        values["tipo"] = values.get("tipo") or TipoOre.PRESENZA
        entries = self._entries(ctx, riga, values, errors)
        if errors:
            raise RigaErrata(errors)
        self.require(riga, values, ("codice_fiscale",))
        return values, entries

    # -- writing ------------------------------------------------------------------------
    def apply_chunk(self, ctx: Contesto, righe: list[Riga]) -> list[RisultatoRiga]:
        results, todo = {}, []
        for riga in righe:
            raw = str(riga.cells.get("codice_fiscale") or "").strip()
            try:
                values, entries = self._read(ctx, riga)
            except RigaErrata as exc:
                results[riga.number] = self.failed(riga, raw, exc)
                continue
            todo.append((riga, values, entries))
        paths = self._paths(ctx, {values["codice_fiscale"] for _, values, _ in todo})
        existing = self._existing(ctx, paths, [e for _, _, entries in todo for e in entries])
        for riga, values, entries in todo:
            results[riga.number] = self._apply(ctx, riga, values, entries, paths, existing)
        ctx.session.flush()
        return [results[r.number] for r in righe]

    def _paths(self, ctx: Contesto, codes: set[str]) -> dict[str, list[Percorso]]:
        """codice fiscale -> the person's started paths."""
        if not codes:
            return {}
        stmt = (select(Percorso, Persona.codice_fiscale).join(Persona, Percorso.persona_id == Persona.id)
                .where(Persona.codice_fiscale.in_(codes), Percorso.data_avvio.is_not(None))
                .options(selectinload(Percorso.vouchers).selectinload(Voucher.righe)))
        found: dict[str, list[Percorso]] = {}
        for p, cf in ctx.session.execute(stmt):
            found.setdefault(cf, []).append(p)
        return found

    def _existing(self, ctx: Contesto, paths: dict, entries: list[tuple]) -> dict[tuple, Ore]:
        ids = [p.id for ps in paths.values() for p in ps]
        if not ids or not entries:
            return {}
        days = [day for _, day, _ in entries]
        stmt = select(Ore).where(Ore.percorso_id.in_(ids), and_(Ore.data >= min(days), Ore.data <= max(days)))
        return {(o.percorso_id, o.tipo, o.data): o for o in ctx.session.scalars(stmt)}

    def _path_on(self, paths: list[Percorso], day: dt.date) -> Percorso:
        active = [p for p in paths if p.data_avvio <= day and (p.data_fine is None or p.data_fine >= day)]
        if len(active) != 1:
            raise DomainError(gettext("No path of this person is active on %(day)s.", day=mostra(day)) if not active
                              else gettext("More than one path of this person is active on %(day)s.", day=mostra(day)),
                              "data")
        return active[0]

    def _apply(self, ctx, riga, values, entries, paths, existing) -> RisultatoRiga:
        shown_key = " ".join(x for x in (values["codice_fiscale"], values.get("cognome"), values.get("nome")) if x)
        mine = paths.get(values["codice_fiscale"], [])
        operatore = ctx.session.get(Utente, values["operatore_id"]) if values.get("operatore_id") else None
        changes, errors, added = [], [], 0
        for name, day, amount in entries:
            column = riga.column(name)
            try:
                p = self._path_on(mine, day)
                key = (p.id, values["tipo"], day)
                seen = self.duplicate(ctx, riga, key, {"ore": amount}, shown_key)
                if seen is not None:
                    if seen.status == ERRATA:
                        errors.append([column, seen.errors[0][1]])
                    continue
                row = existing.get(key)
                if row is None:
                    with ctx.session.no_autoflush:
                        ore_ops.record_hours(ctx.session, p, day, amount, values["tipo"], operatore, values.get("note"))
                    changes.append([column, "", f"{mostra(day)} {mostra(amount)}"])
                    added += 1
                elif row.ore != amount:
                    changes.append([column, f"{mostra(day)} {mostra(row.ore)}", mostra(amount)])
                    row.ore = amount
                    with ctx.session.no_autoflush:
                        ore_ops.validate_hours(ctx.session, row)
                    ore_ops.sync_tutoring_charge(ctx.session, row)
            except DomainError as exc:
                # A row per day: the date or the hours, as the rule says; a day column is both.
                at = riga.column(exc.field) if name == "ore" and exc.field in ("data", "ore", "tipo") else ""
                errors.append([at or column, exc.message])
        if errors:
            return RisultatoRiga(riga.number, ERRATA, shown_key, errors=errors)
        if not changes:
            return RisultatoRiga(riga.number, INVARIATA, shown_key)
        status = NUOVA if added == len(changes) and added == len(entries) else MODIFICATA
        return RisultatoRiga(riga.number, status, shown_key, changes=changes)
