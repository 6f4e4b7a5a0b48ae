"""The papers of a path (issue 15, item 1): who generates its documents, the record of a
document generated for signing, and the signed scan attached to the path.

A scan is a PDF, JPEG or PNG as its first bytes say (never its name or the browser's word),
within the size limit; the file goes to the attachments folder under a random name, the row
records it. Operations flush and never commit; a file written for a row that is then refused
is removed.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from flask_babel import gettext
from sqlalchemy.orm import Session

from .. import clock
from ..documenti import AllegatoPercorso, DocumentoGenerato, TipoDocumentoPercorso
from ..errors import DomainError
from ..percorsi import Percorso
from .workflow import _roles

#: Who generates a path's documents: the agency's case workers and the PAL manager, who sign
#: agreements and projects with the hosts, and IT; social workers and the coop tutors read the
#: path and its attached scans, they do not produce the agency's papers.
GENERATE_ROLES = frozenset({"operatore", "pal", "admin"})
#: Who attaches signed scans: those who keep the path's file, the case workers (and IT).
ATTACH_ROLES = frozenset({"operatore", "admin"})

#: Accepted types: first bytes -> MIME type, file extension.
MAGIC = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
#: The default size limit of a scan (``ALLEGATI_MAX_MB`` in the settings).
DEFAULT_MAX_MB = 10


def may_generate(user) -> bool:
    return bool(GENERATE_ROLES & _roles(user))


def may_attach(user) -> bool:
    return bool(ATTACH_ROLES & _roles(user))


def sniff(data: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) of ``data`` by its first bytes, or None when not accepted."""
    for magic, mime, ext in MAGIC:
        if data.startswith(magic):
            return mime, ext
    return None


def record_generated(session: Session, p: Percorso, tipo: TipoDocumentoPercorso, formato: str,
                     nome_file: str, by=None) -> DocumentoGenerato:
    """A document generated for signing is kept on record: which, in which format, when
    (Rome's clock) and by whom (issue 15: "kept with date and author")."""
    doc = DocumentoGenerato(percorso=p, tipo=tipo, formato=formato, nome_file=nome_file[:200], autore=by,
                            generato_il=clock.now())
    session.add(doc)
    session.flush()
    return doc


def _clean_name(name: str | None) -> str:
    """The uploaded file's name as shown back: no folders, no control characters, 200 at most."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base[-200:] or "scansione"


def attach_scan(session: Session, p: Percorso, tipo: TipoDocumentoPercorso, name: str | None, data: bytes,
                folder: Path, max_mb: int = DEFAULT_MAX_MB, by=None) -> AllegatoPercorso:
    """A signed scan attached to ``p``: refused when empty, over ``max_mb`` megabytes, or not a
    PDF, JPEG or PNG by its content; written to ``folder`` under a random name."""
    if not data:
        raise DomainError(gettext("Please choose the file to attach."), "file")
    if len(data) > max_mb * 1024 * 1024:
        raise DomainError(gettext(
            "The file is %(size)s MB: at most %(max)s MB can be attached.",
            size=f"{len(data) / 1024 / 1024:.1f}".replace(".", ","), max=max_mb), "file")
    kind = sniff(data)
    if kind is None:
        raise DomainError(gettext(
            "The file is not a PDF, JPEG or PNG (its content was checked, not its name): "
            "scan the signed document to one of these formats."), "file")
    mime, ext = kind
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = f"{uuid.uuid4().hex}.{ext}"
    target = folder / key
    with open(target, "xb") as fh:  # never overwrites: the key is new
        fh.write(data)
    try:
        scan = AllegatoPercorso(percorso=p, tipo=tipo, nome_originale=_clean_name(name), chiave=key,
                                tipo_mime=mime, dimensione=len(data),
                                sha256=hashlib.sha256(data).hexdigest(), autore=by,
                                caricato_il=clock.now())
        session.add(scan)
        session.flush()
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return scan


def scan_file(folder: Path, scan: AllegatoPercorso) -> Path:
    """Where ``scan`` is on disk (its key never holds a folder)."""
    return Path(folder) / os.path.basename(scan.chiave)
