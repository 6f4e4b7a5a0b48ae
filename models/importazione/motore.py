"""The import engine: read the file, find its header, read rows in chunks and hand them to the
kind, which writes through the models and operations (flush, never commit).

One run serves the dry run and the real import: the caller commits only when the report is
``ok`` and it was not a dry run, else rolls back, so an import is all or nothing and what the
dry run showed is what the import does. Rows are streamed in chunks of ``CHUNK``: the kind
reads the records a chunk names in one statement per table, flushes once, and keeps no
reference to them afterwards, so memory does not grow with the file.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..audit import audit_origin
from ..errors import DomainError, integrity_message
from .colonne import HEADER_SEARCH_ROWS, Campo, Intestazione, column_letter, find_header
from .lettura import FileErrato, read_rows
from .rapporto import ERRATA, INVARIATA, Rapporto, RisultatoRiga
from .valori import ValoreErrato, is_empty, shown

CHUNK = 500

#: kind -> the roles that import it (README, roles table). A social worker imports only rows of
#: their own Comune, and of a path only its referral.
CHI_IMPORTA: dict[str, frozenset[str]] = {
    "persone": frozenset({"operatore", "admin", "servizio_sociale"}),
    "enti": frozenset({"operatore", "admin"}),
    "postazioni": frozenset({"operatore", "admin"}),
    "percorsi": frozenset({"operatore", "admin", "servizio_sociale"}),
    "ore": frozenset({"operatore", "admin"}),
    # The PAL manager records budgets (DOMAIN.md, "The flow" 1): the case workers only read them.
    "budget": frozenset({"pal", "admin"}),
}


def kinds_for(roles: set[str] | None) -> list[str]:
    """The kinds ``roles`` may import, in menu order; every kind for None (the command line
    without a user)."""
    return [k for k, who in CHI_IMPORTA.items() if roles is None or who & roles]


@dataclass
class Contesto:
    """One import: the session, who imports, the Comune a social worker is confined to."""

    session: Session
    filename: str
    tipo: str
    actor_id: int | None = None
    roles: set[str] | None = None
    comune_id: int | None = None
    options: dict = field(default_factory=dict)
    #: natural key -> (row number, fingerprint of its values): duplicates inside the file.
    seen: dict = field(default_factory=dict)
    #: The kind's references (riferimenti.py), read once by ``start``.
    ref: dict = field(default_factory=dict)

    @property
    def referral_only(self) -> bool:
        """A social worker: only what their Comune files (people, referrals)."""
        return self.comune_id is not None

    @property
    def origin(self) -> str:
        return gettext("import %(kind)s: %(file)s", kind=self.tipo, file=self.filename)


@dataclass
class Riga:
    """A row of the sheet: its number and its cells by field name."""

    number: int
    cells: dict[str, object]
    header: Intestazione

    def column(self, name: str | None) -> str:
        """How the person's sheet names the field's column: C «Cod. fiscale»."""
        if name is None or name not in self.header.columns:
            return ""
        return self.header.header_of(name)

    def has(self, name: str) -> bool:
        return not is_empty(self.cells.get(name))


class RigaErrata(Exception):
    """The row is wrong: [column, message] pairs."""

    def __init__(self, errors: list[list[str]]):
        super().__init__(errors)
        self.errors = errors


class TipoImport:
    """What a kind of import reads and how it writes; subclasses name their columns and their
    natural key, and write a chunk of rows."""

    name: str = ""
    #: msgid naming the kind to the person ("people").
    label: str = ""
    fields: tuple[Campo, ...] = ()
    #: Natural key, in words, for the console's page (msgid).
    key_label: str = ""

    def field(self, name: str) -> Campo:
        return next(c for c in self.fields if c.name == name)

    def required_columns(self, ctx: Contesto) -> list[Campo]:
        """Columns the file must have (a social worker's Comune, for instance, is implied)."""
        return [c for c in self.fields if c.required]

    def adapt_header(self, ctx: Contesto, header: Intestazione) -> None:
        """Hook: read columns the fields do not name (the days of an attendance sheet)."""

    def missing_columns(self, ctx: Contesto, header: Intestazione) -> list[Campo]:
        """The needed columns the header does not name."""
        return [c for c in self.required_columns(ctx) if c.name not in header.columns]

    def start(self, ctx: Contesto) -> None:
        """Read the references the rows will name."""

    def apply_chunk(self, ctx: Contesto, righe: list[Riga]) -> list[RisultatoRiga]:
        raise NotImplementedError

    # -- helpers for the kinds ------------------------------------------------------------
    def parse(self, riga: Riga, errors: list[list[str]]) -> dict:
        """The row's cells parsed by their columns; each bad cell adds [column, message] to
        ``errors`` (the kind adds its own, then raises RigaErrata with them all)."""
        values = {}
        for campo in self.fields:
            if campo.name not in riga.cells:
                continue
            try:
                values[campo.name] = campo.parse(riga.cells[campo.name])
            except (ValoreErrato, DomainError) as exc:
                errors.append([riga.column(campo.name), exc.message])
        return values

    def resolve(self, riga: Riga, errors: list[list[str]], name: str, find, value=None):
        """A reference (riferimenti.py) named by the cell of ``name``; an error when unknown."""
        try:
            return find(riga.cells.get(name) if value is None else value)
        except ValoreErrato as exc:
            errors.append([riga.column(name), exc.message])
            return None

    def require(self, riga: Riga, values: dict, names: Sequence[str]) -> None:
        """The cells a new record needs are filled."""
        names = [n.removesuffix("_id") for n in names]
        errors = [
            [riga.column(n) or gettext(self.field(n).label),
             gettext("Required for a new record: the cell is empty.")]
            for n in names if values.get(n) is None and values.get(f"{n}_id") is None
        ]
        if errors:
            raise RigaErrata(errors)

    def duplicate(self, ctx: Contesto, riga: Riga, key, values: dict, shown_key: str) -> RisultatoRiga | None:
        """A second row with the same natural key: the same values again are skipped (said so),
        other values are an error naming the first row."""
        fingerprint = hash(tuple(sorted((k, repr(v)) for k, v in values.items())))
        first = ctx.seen.get(key)
        if first is None:
            ctx.seen[key] = (riga.number, fingerprint)
            return None
        if first[1] == fingerprint:
            return RisultatoRiga(riga.number, INVARIATA, shown_key,
                                 note=gettext("same as row %(row)s, read once", row=first[0]))
        return RisultatoRiga(riga.number, ERRATA, shown_key, errors=[["", gettext(
            "Row %(row)s has the same %(key)s with other values: keep one of the two rows.",
            row=first[0], key=gettext(self.key_label))]])

    def failed(self, riga: Riga, key: str, exc: Exception) -> RisultatoRiga:
        """A wrong row from RigaErrata or a DomainError (its field names the column)."""
        if isinstance(exc, RigaErrata):
            return RisultatoRiga(riga.number, ERRATA, key, errors=exc.errors)
        column = riga.column(getattr(exc, "field", None))
        return RisultatoRiga(riga.number, ERRATA, key, errors=[[column, exc.message]])


#: kind name -> its TipoImport (filled by models/importazione/__init__.py).
TIPI: dict[str, TipoImport] = {}


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items (itertools.batched arrives with Python 3.12)."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _rows(data: Iterator[tuple[int, list]], header: Intestazione) -> Iterator[Riga]:
    """The non-empty rows below the header, as Righe."""
    for number, cells in data:
        if all(is_empty(c) for c in cells):
            continue
        values = {name: (cells[col] if col < len(cells) else None) for name, col in header.columns.items()}
        yield Riga(number, values, header)


def _describe(report: Rapporto, tipo: TipoImport, header: Intestazione, first_row: int) -> None:
    report.header_row = first_row
    report.columns = [[gettext(tipo.field(n).label), header.header_of(n)] for n in header.columns]
    report.unmatched = [[col, column_letter(col), text] for col, text in sorted(header.unmatched.items())]
    report.unmapped_fields = [[c.name, gettext(c.label)] for c in tipo.fields if c.name not in header.columns]


def open_sheet(tipo: TipoImport, report: Rapporto, path, filename, mapping, sheet):
    """Read up to the header; None (and the reason in the report) when the file is refused."""
    try:
        rows = read_rows(path, filename, sheet)
        head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    except FileErrato as exc:
        report.file_errors.append(exc.message)
        return None
    header = find_header([cells for _, cells in head], tipo.fields, mapping)
    if header is None:
        report.file_errors.append(gettext(
            "No header row found in the first %(n)s rows: the column names should be there, e.g. %(names)s.",
            n=HEADER_SEARCH_ROWS, names=", ".join(gettext(c.label) for c in tipo.fields[:4])))
        return None
    _describe(report, tipo, header, head[header.row_index][0] if head else 1)
    for name, cols in header.repeated.items():
        report.file_errors.append(gettext(
            "Two columns are «%(field)s» (%(first)s and %(others)s): keep one.",
            field=gettext(tipo.field(name).label), first=header.header_of(name),
            others=", ".join(column_letter(c) for c in cols)))
    return header, itertools.chain(head[header.row_index + 1:], rows)


def _plan_each_lookup(session: Session) -> None:
    """On PostgreSQL, plan each statement of this import's transaction for its own values.
    psycopg prepares a statement repeated five times, and PostgreSQL then keeps a generic plan
    made while the table was small: the per-chunk lookups by codice fiscale stayed sequential
    scans while the import grew the table (100 000 people into a new database: 611 s instead
    of about 40)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def run_import(session: Session, kind: str, path: str | Path, filename: str, *, actor=None,
               comune_id: int | None = None, options: dict | None = None,
               mapping: dict[int, str] | None = None, sheet: str | None = None,
               dry_run: bool = True, on_row: Callable[[RisultatoRiga], None] | None = None) -> Rapporto:
    """Import ``filename`` (stored at ``path``) as ``kind``; every row's result goes to
    ``on_row`` as it is known. Writes through the session and flushes; the caller commits
    when ``report.ok and not dry_run``, else rolls back. ``actor``: the importing user (their
    role and, for a social worker, ``comune_id`` confine the import); None on the command line."""
    tipo = TIPI[kind]
    report = Rapporto(kind, filename, dry_run)
    roles = set(actor.role_names) if actor is not None else None
    if kind not in kinds_for(roles):
        report.file_errors.append(gettext("Your role cannot import %(kind)s.", kind=gettext(tipo.label)))
        return report
    ctx = Contesto(session, filename, kind, actor.id if actor is not None else None, roles,
                   comune_id, dict(options or {}))
    opened = open_sheet(tipo, report, path, filename, mapping, sheet)
    if opened is None:
        return report
    header, data = opened
    tipo.adapt_header(ctx, header)
    report.unmatched = [[col, column_letter(col), t] for col, t in sorted(header.unmatched.items())]
    for campo in tipo.missing_columns(ctx, header):
        report.file_errors.append(gettext(
            "The column «%(field)s» is missing: add it, or say below which column holds it.",
            field=gettext(campo.label)))
    if report.file_errors:
        return report
    with audit_origin(ctx.origin, ctx.actor_id):
        try:
            first = report.header_row
            _plan_each_lookup(session)
            tipo.start(ctx)
            for chunk in batched(_rows(data, header), CHUNK):
                first = chunk[0].number
                for result in tipo.apply_chunk(ctx, chunk):
                    report.add(result)
                    if on_row is not None:
                        on_row(result)
        except DomainError as exc:
            report.file_errors.append(exc.message)
        except IntegrityError as exc:
            session.rollback()
            report.file_errors.append(gettext(
                "From row %(row)s the database refused the data (%(reason)s): nothing was written.",
                row=first, reason=integrity_message(exc)))
    report.written = report.ok and not dry_run
    return report


def cell_text(value) -> str:
    return "" if is_empty(value) else shown(value)
