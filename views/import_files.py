"""An uploaded import between its dry run and its confirmation: the file and what is known of it
(kind, name, owner, options, column mapping) in instance/import/, under a random name, with the
dry run's rows as JSON lines beside it. Never in the session cookie; removed after the import
or when older than ``EXPIRY``."""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from models.importazione import Rapporto, RisultatoRiga

#: An upload not confirmed within this many seconds is removed.
EXPIRY = 2 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,40}")


@dataclass
class Caricamento:
    """What the console keeps of an upload."""

    token: str
    tipo: str
    filename: str
    suffix: str
    user_id: int
    created: float
    options: dict = field(default_factory=dict)
    #: column index (as text: JSON keys) -> field name, or "" to ignore the column.
    mapping: dict = field(default_factory=dict)


class Archivio:
    """The uploads folder of the instance."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path(self, token: str, what: str) -> Path:
        return self.folder / f"{token}.{what}"

    def new(self, stream, tipo: str, filename: str, user_id: int, options: dict) -> Caricamento:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sweep()
        token = secrets.token_urlsafe(24)
        suffix = Path(filename).suffix.lower()[:6]
        upload = Caricamento(token, tipo, Path(filename).name[:200], suffix, user_id, time.time(), options)
        stream.save(str(self.path(token, "file")))
        self.save(upload)
        return upload

    def save(self, upload: Caricamento) -> None:
        self.path(upload.token, "json").write_text(json.dumps(asdict(upload)), encoding="utf-8")

    def load(self, token: str, user_id: int) -> Caricamento | None:
        """The upload of ``user_id`` under ``token``, if it is still there."""
        if not _TOKEN.fullmatch(token or ""):
            return None
        meta = self.path(token, "json")
        if not meta.exists():
            return None
        upload = Caricamento(**json.loads(meta.read_text(encoding="utf-8")))
        if upload.user_id != user_id or time.time() - upload.created > EXPIRY:
            return None
        return upload

    def file(self, upload: Caricamento) -> Path:
        return self.path(upload.token, "file")

    def rows_writer(self, upload: Caricamento):
        """A file to write the dry run's rows to, one JSON line each."""
        return self.path(upload.token, "rows").open("w", encoding="utf-8")

    def save_report(self, upload: Caricamento, report: Rapporto) -> None:
        self.path(upload.token, "report").write_text(json.dumps(report.to_dict()), encoding="utf-8")

    def report(self, upload: Caricamento) -> Rapporto | None:
        path = self.path(upload.token, "report")
        return Rapporto.from_dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None

    def rows(self, upload: Caricamento, status: str | None, start: int, count: int) -> tuple[list[RisultatoRiga], int]:
        """A page of the dry run's rows (of one status), and how many there are in all."""
        page, total = [], 0
        path = self.path(upload.token, "rows")
        if not path.exists():
            return page, 0
        with path.open(encoding="utf-8") as stream:
            for line in stream:
                result = RisultatoRiga.from_dict(json.loads(line))
                if status and result.status != status:
                    continue
                if start <= total < start + count:
                    page.append(result)
                total += 1
        return page, total

    def remove(self, upload: Caricamento) -> None:
        for what in ("file", "json", "rows", "report"):
            self.path(upload.token, what).unlink(missing_ok=True)

    def sweep(self) -> None:
        """Remove the uploads older than EXPIRY."""
        limit = time.time() - EXPIRY
        for path in self.folder.glob("*.json"):
            if path.stat().st_mtime < limit:
                for other in self.folder.glob(f"{path.stem}.*"):
                    other.unlink(missing_ok=True)
