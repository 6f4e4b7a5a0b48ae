"""The audit log: who changed which record when, with each field before and after."""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from . import clock
from .base import Base
from .bulk import insert_rows
from .utenti import Utente

#: Columns never copied into the log: secrets, and login bookkeeping that is not an edit.
NOT_AUDITED = {
    "password",
    "fs_uniquifier",
    "last_login_at",
    "current_login_at",
    "last_login_ip",
    "current_login_ip",
    "login_count",
}


class RegistroAudit(Base):
    """One create, update or delete of one record, made by a console user."""

    __tablename__ = "registro_audit"
    __table_args__ = (Index("ix_registro_audit_momento_id", "momento", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    momento: Mapped[dt.datetime] = mapped_column(DateTime)
    utente_id: Mapped[int | None] = mapped_column(
        ForeignKey("utente.id", ondelete="RESTRICT"), index=True
    )
    #: "create", "update" or "delete".
    azione: Mapped[str] = mapped_column(String(10))
    tabella: Mapped[str] = mapped_column(String(50), index=True)
    record_id: Mapped[str] = mapped_column(String(50))
    descrizione: Mapped[str] = mapped_column(String(255))
    #: {field: [before, after]}; for creates "before" is null, for deletes "after" is.
    modifiche: Mapped[dict] = mapped_column(JSON)
    #: Where the change came from when not from a console form: "import persone.xlsx".
    origine: Mapped[str | None] = mapped_column(String(255))

    utente: Mapped[Utente | None] = relationship()

    def __str__(self) -> str:
        return f"{self.azione} {self.tabella} #{self.record_id}"


#: Returns the id of the console user making the change, or None outside the console.
_user_provider: Callable[[], int | None] = lambda: None  # noqa: E731


def set_user_provider(provider: Callable[[], int | None]) -> None:
    """Called once by the app factory to tell the log who the current user is."""
    global _user_provider
    _user_provider = provider


#: (user id or None, origin) of the changes being made, when an import makes them.
_origin: ContextVar[tuple[int | None, str] | None] = ContextVar("audit_origin", default=None)


@contextlib.contextmanager
def audit_origin(origine: str, user_id: int | None) -> Iterator[None]:
    """Inside, every flushed change is logged with ``origine`` (e.g. the imported file's name)
    and attributed to ``user_id``, also from the command line, where no console user is."""
    token = _origin.set((user_id, origine[:255]))
    try:
        yield
    finally:
        _origin.reset(token)


def _plain(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    return str(value)


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        if attr.key in NOT_AUDITED:
            continue
        hist = state.attrs[attr.key].history
        if action == "create":
            value = getattr(obj, attr.key)
            if value is not None:
                changes[attr.key] = [None, _plain(value)]
        elif action == "delete":
            value = state.dict.get(attr.key)
            if value is not None:
                changes[attr.key] = [_plain(value), None]
        elif hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if _plain(before) != _plain(after):
                changes[attr.key] = [_plain(before), _plain(after)]
    for rel in state.mapper.relationships:
        if rel.secondary is None:
            continue
        hist = state.attrs[rel.key].history
        if hist.has_changes():
            before = list(hist.unchanged) + list(hist.deleted)
            after = list(hist.unchanged) + list(hist.added)
            changes[rel.key] = [_plain(before), _plain(after)]
    return changes


def _row(obj, action: str, user_id: int | None, now: dt.datetime, origine: str | None) -> dict | None:
    changes = _changes(obj, action)
    if not changes:
        return None
    state = inspect(obj)
    ident = state.identity or state.mapper.primary_key_from_instance(obj)
    return {
        "momento": now,
        "utente_id": user_id,
        "azione": action,
        "tabella": state.mapper.local_table.name,
        "record_id": ",".join(str(i) for i in ident),
        "descrizione": str(obj)[:255],
        "modifiche": changes,
        "origine": origine,
    }


def log_inserted(session: Session, model, rows: list[dict], ids: list, describe: Callable[[dict], str]) -> None:
    """Audit rows for records inserted in bulk (an import's new rows: one INSERT per chunk
    instead of an object each), in the shape the flush hook writes for a create."""
    origin = _origin.get()
    user_id, origine = origin if origin is not None else (_user_provider(), None)
    if (user_id is None and origine is None) or not rows:
        return
    now = clock.now()
    table = model.__table__.name
    entries = [
        {
            "momento": now,
            "utente_id": user_id,
            "azione": "create",
            "tabella": table,
            "record_id": str(pk),
            "descrizione": describe(row)[:255],
            "modifiche": {"id": [None, pk], **{k: [None, _plain(v)] for k, v in row.items() if v is not None}},
            "origine": origine,
        }
        for pk, row in zip(ids, rows, strict=True)
    ]
    insert_rows(session, RegistroAudit.__table__, entries)


@event.listens_for(Session, "after_flush")
def _write_audit(session: Session, flush_context) -> None:
    """Record every flushed create, update and delete made by a console user or an import."""
    origin = _origin.get()
    user_id, origine = origin if origin is not None else (_user_provider(), None)
    if user_id is None and origine is None:
        return
    now = clock.now()
    rows = []
    for action, objs in (
        ("create", session.new),
        ("update", [o for o in session.dirty if session.is_modified(o)]),
        ("delete", session.deleted),
    ):
        for obj in objs:
            if isinstance(obj, RegistroAudit):
                continue
            row = _row(obj, action, user_id, now, origine)
            if row:
                rows.append(row)
    if rows:
        session.connection().execute(RegistroAudit.__table__.insert(), rows)
