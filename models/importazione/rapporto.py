"""What an import says about each row and about the file: the dry run's report.

Every row is new, changed (each column before and after), unchanged, or wrong (each error with
its column); the file may be refused as a whole (no header row, a required column missing).
Everything is plain text, already translated, so the report can be printed, stored as JSON
lines between the dry run and the confirmation, and shown again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from flask_babel import gettext, ngettext

from ..base import N_

NUOVA, MODIFICATA, INVARIATA, ERRATA = "new", "changed", "unchanged", "wrong"
STATI = (NUOVA, MODIFICATA, INVARIATA, ERRATA)
#: How each status is named to the person (msgids): a row's, and the count of rows.
NOMI_STATI = {NUOVA: N_("new"), MODIFICATA: N_("changed"), INVARIATA: N_("unchanged"), ERRATA: N_("wrong")}
NOMI_CONTEGGI = {NUOVA: N_("new rows"), MODIFICATA: N_("changed rows"), INVARIATA: N_("unchanged rows"),
                 ERRATA: N_("wrong rows")}


@dataclass
class RisultatoRiga:
    """One spreadsheet row: its number as the spreadsheet shows it and what the import does."""

    row: int
    status: str
    #: How the row's record is named: its natural key and a name.
    key: str = ""
    #: [column, before, after] for each changed value (before is "" for a new record).
    changes: list[list[str]] = field(default_factory=list)
    #: [column, message] for each error (column "" when the row as a whole is wrong).
    errors: list[list[str]] = field(default_factory=list)
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RisultatoRiga:
        return cls(**data)

    def lines(self) -> list[str]:
        """The row as text: one line, then its changes or errors."""
        head = gettext("Row %(row)s: %(status)s", row=self.row, status=gettext(NOMI_STATI[self.status]))
        if self.key:
            head += f" — {self.key}"
        if self.note:
            head += f" ({self.note})"
        out = [head]
        if self.status == MODIFICATA:
            out += [f"    {col}: {before or '–'} → {after or '–'}" for col, before, after in self.changes]
        for col, message in self.errors:
            out.append(f"    {col}: {message}" if col else f"    {message}")
        return out


@dataclass
class Rapporto:
    """The report of one import (or dry run) of one file."""

    tipo: str
    filename: str
    dry_run: bool = True
    #: Errors of the file as a whole: nothing was read row by row.
    file_errors: list[str] = field(default_factory=list)
    #: [field label, "C «Header»"] of the columns read.
    columns: list[list[str]] = field(default_factory=list)
    #: [column index, letter, header] of the columns whose header names nothing known.
    unmatched: list[list] = field(default_factory=list)
    #: [field name, label] of the fields no column names (for the mapping step).
    unmapped_fields: list[list[str]] = field(default_factory=list)
    header_row: int | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATI, 0))
    written: bool = False

    def add(self, result: RisultatoRiga) -> None:
        self.counts[result.status] += 1

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def ok(self) -> bool:
        """Nothing wrong: the import may be written."""
        return not self.file_errors and self.counts[ERRATA] == 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Rapporto:
        return cls(**data)

    def summary(self) -> str:
        rows = ngettext("%(num)s row", "%(num)s rows", self.rows)
        return rows + " — " + gettext(
            "new: %(new)s, changed: %(changed)s, unchanged: %(unchanged)s, wrong: %(wrong)s.",
            new=self.counts[NUOVA], changed=self.counts[MODIFICATA],
            unchanged=self.counts[INVARIATA], wrong=self.counts[ERRATA],
        )

    def outcome(self) -> str:
        if self.file_errors or self.counts[ERRATA]:
            return gettext("Nothing was written: correct the file and import it again.")
        if self.dry_run:
            return gettext("Dry run: nothing was written. Confirm to import.")
        return gettext("Import done: every row went in.")
