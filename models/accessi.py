"""Who tried to log in, from where, and how it went; who read whose special-category data.

Both tables are append-only logs: the console writes them and never changes a row (the
database refuses an UPDATE or DELETE of the reading log, see ``APPEND_ONLY``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DDL, DateTime, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .anagrafiche import Persona
from .base import Base
from .utenti import Utente

#: Outcomes of a login attempt.
ESITI_ACCESSO = (
    "ok", "password_errata", "utente_sconosciuto", "codice_errato", "disattivato", "bloccato"
)
#: Outcomes that count towards throttling.
FALLITI = ("password_errata", "utente_sconosciuto", "codice_errato", "disattivato")


class TentativoAccesso(Base):
    """One login attempt (password or second factor): the login log and the throttle's memory."""

    __tablename__ = "tentativo_accesso"
    __table_args__ = (
        Index("ix_tentativo_accesso_email_momento", "email", "momento"),
        Index("ix_tentativo_accesso_indirizzo_momento", "indirizzo", "momento"),
        Index("ix_tentativo_accesso_momento_id", "momento", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    momento: Mapped[dt.datetime] = mapped_column(DateTime)
    #: The identity as typed (lower case), also when no such user exists.
    email: Mapped[str] = mapped_column(String(255))
    utente_id: Mapped[int | None] = mapped_column(
        ForeignKey("utente.id", ondelete="RESTRICT"), index=True
    )
    #: The client's address (the proxy's X-Forwarded-For when PROXY_FIX_X_FOR is set).
    indirizzo: Mapped[str] = mapped_column(String(64))
    #: One of ESITI_ACCESSO.
    esito: Mapped[str] = mapped_column(String(20))

    utente: Mapped[Utente | None] = relationship()

    def __str__(self) -> str:
        return f"{self.email} {self.esito}"


class LetturaDatiSensibili(Base):
    """A user read a person's special-category data (GDPR art. 9 and 30): in a list, on a
    detail or edit page, in an export, in the person's own data export."""

    __tablename__ = "lettura_dati_sensibili"
    __table_args__ = (
        Index("ix_lettura_dati_sensibili_persona_momento", "persona_id", "momento"),
        Index("ix_lettura_dati_sensibili_momento_id", "momento", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    momento: Mapped[dt.datetime] = mapped_column(DateTime)
    utente_id: Mapped[int] = mapped_column(
        ForeignKey("utente.id", ondelete="RESTRICT"), index=True
    )
    #: The person whose data were read. No foreign key: an erased person's readings stay
    #: (append-only), and ids are never reused (AUTOINCREMENT), so the id names nobody else.
    persona_id: Mapped[int] = mapped_column(Integer)
    #: "lista", "dettaglio", "modifica", "export", "export_gdpr".
    azione: Mapped[str] = mapped_column(String(20))
    #: How many people the same page or file showed (context for the auditor).
    righe: Mapped[int] = mapped_column(Integer, default=1)

    utente: Mapped[Utente] = relationship()
    persona: Mapped[Persona | None] = relationship(
        primaryjoin="foreign(LetturaDatiSensibili.persona_id) == Persona.id", viewonly=True
    )

    def __str__(self) -> str:
        return f"{self.azione} #{self.persona_id}"


#: The database itself refuses to change or delete a reading (SQLite and PostgreSQL).
APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER tr_lettura_dati_sensibili_no_update BEFORE UPDATE ON "
        "lettura_dati_sensibili BEGIN SELECT RAISE(ABORT, 'lettura_dati_sensibili is "
        "append-only'); END",
        "CREATE TRIGGER tr_lettura_dati_sensibili_no_delete BEFORE DELETE ON "
        "lettura_dati_sensibili BEGIN SELECT RAISE(ABORT, 'lettura_dati_sensibili is "
        "append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION lettura_dati_sensibili_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'lettura_dati_sensibili is "
        "append-only'; END $$",
        "CREATE TRIGGER tr_lettura_dati_sensibili_append_only BEFORE UPDATE OR DELETE ON "
        "lettura_dati_sensibili FOR EACH ROW EXECUTE FUNCTION "
        "lettura_dati_sensibili_append_only()",
    ],
}

for _dialect, _statements in APPEND_ONLY.items():
    for _sql in _statements:
        event.listen(
            LetturaDatiSensibili.__table__,
            "after_create",
            DDL(_sql.replace("%", "%%")).execute_if(dialect=_dialect),
        )
