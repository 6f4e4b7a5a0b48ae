"""The papers of a path (issue 15, item 1): the documents generated for signing, and the signed
scans attached to the path (stored on disk, outside the database: only their record is here)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import N_, Base, LabelledEnum, enum_column
from .percorsi import Percorso
from .utenti import Utente


class TipoDocumentoPercorso(LabelledEnum):
    """The documents of a path; the name is the template's file name (``<name>.docx``,
    lower case) and the first word of every generated file name."""

    CONVENZIONE = N_("Agreement with the host")
    PROGETTO_FORMATIVO = N_("Individual project")
    REGISTRO_PRESENZE = N_("Attendance register")
    RELAZIONE_FINALE = N_("Final report")
    SCHEDA_PERCORSO = N_("Case summary")
    ALTRO = N_("Other document")

    @property
    def slug(self) -> str:
        return self.name.lower().replace("_", "-")


class DocumentoGenerato(Base):
    """A document generated for signing: which, in which format, when and by whom. The file
    itself is not kept: the signed copy comes back as an ``AllegatoPercorso``."""

    __tablename__ = "documento_generato"

    id: Mapped[int] = mapped_column(primary_key=True)
    percorso_id: Mapped[int] = mapped_column(
        ForeignKey("percorso.id", ondelete="RESTRICT"), index=True
    )
    tipo: Mapped[TipoDocumentoPercorso] = mapped_column(enum_column(TipoDocumentoPercorso, "tipo_documento"))
    #: "docx" or "pdf".
    formato: Mapped[str] = mapped_column(String(4))
    nome_file: Mapped[str] = mapped_column(String(200))
    generato_il: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    autore_id: Mapped[int | None] = mapped_column(ForeignKey("utente.id", ondelete="RESTRICT"))

    percorso: Mapped[Percorso] = relationship()
    autore: Mapped[Utente | None] = relationship()

    __table_args__ = (CheckConstraint("formato IN ('docx', 'pdf')", name="formato"),)

    def __str__(self) -> str:
        return self.nome_file


class AllegatoPercorso(Base):
    """A signed scan (PDF, JPEG, PNG) attached to a path. ``chiave`` is the file's name in the
    attachments folder (``ALLEGATI_DIR``), random and never reused; the type was checked on
    the file's first bytes, not on its name."""

    __tablename__ = "allegato_percorso"
    __table_args__ = (
        UniqueConstraint("chiave", name="uq_allegato_percorso_chiave"),
        CheckConstraint("dimensione > 0", name="dimensione"),
        CheckConstraint(
            "tipo_mime IN ('application/pdf', 'image/jpeg', 'image/png')", name="tipo_mime"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    percorso_id: Mapped[int] = mapped_column(
        ForeignKey("percorso.id", ondelete="RESTRICT"), index=True
    )
    #: Which document the scan is the signed copy of.
    tipo: Mapped[TipoDocumentoPercorso] = mapped_column(enum_column(TipoDocumentoPercorso, "tipo_documento"))
    nome_originale: Mapped[str] = mapped_column(String(200))
    chiave: Mapped[str] = mapped_column(String(80))
    tipo_mime: Mapped[str] = mapped_column(String(40))
    dimensione: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    caricato_il: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    autore_id: Mapped[int | None] = mapped_column(ForeignKey("utente.id", ondelete="RESTRICT"))

    percorso: Mapped[Percorso] = relationship()
    autore: Mapped[Utente | None] = relationship()

    def __str__(self) -> str:
        return self.nome_originale
