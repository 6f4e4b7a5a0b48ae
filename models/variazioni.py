"""Variations of an approved voucher (issue 14, item 2): lines increased, reduced or added with a
reason, decided by the PAL manager; each variation and its lines are the voucher's history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Euro
from .percorsi import Quantita, Voucher
from .programmi import VoceListino
from .utenti import Utente


class VariazioneVoucher(Base):
    """A decided change to an approved voucher: who, when, why, and what it did to the
    committed amount (``importo_delta``: positive commits more of the budget, negative frees it)."""

    __tablename__ = "variazione_voucher"
    __table_args__ = (
        CheckConstraint("length(trim(motivo)) > 0", name="motivata"),
        Index("ix_variazione_voucher_voucher_data", "voucher_id", "data"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("voucher.id", ondelete="RESTRICT"))
    data: Mapped[dt.date] = mapped_column(Date)
    motivo: Mapped[str] = mapped_column(Text)
    decisore_id: Mapped[int] = mapped_column(ForeignKey("utente.id", ondelete="RESTRICT"))
    #: The committed amount before and after (gross, as the approval stores it).
    impegnato_prima: Mapped[Euro]
    impegnato_dopo: Mapped[Euro]
    registrata_il: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())

    voucher: Mapped[Voucher] = relationship(back_populates="variazioni")
    decisore: Mapped[Utente] = relationship()
    righe: Mapped[list[RigaVariazione]] = relationship(
        back_populates="variazione", cascade="all, delete-orphan", order_by="RigaVariazione.id"
    )

    @property
    def importo_delta(self) -> Decimal:
        return self.impegnato_dopo - self.impegnato_prima

    def __str__(self) -> str:
        return f"{self.data:%d/%m/%Y} {self.motivo[:40]}"


class RigaVariazione(Base):
    """One line's quantity before and after a variation (0 before: a line added)."""

    __tablename__ = "riga_variazione"
    __table_args__ = (
        CheckConstraint("quantita_prima >= 0", name="quantita_prima"),
        CheckConstraint("quantita_dopo > 0", name="quantita_dopo"),
        CheckConstraint("quantita_dopo <> quantita_prima", name="cambia"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    variazione_id: Mapped[int] = mapped_column(
        ForeignKey("variazione_voucher.id", ondelete="CASCADE"), index=True
    )
    voce_listino_id: Mapped[int] = mapped_column(ForeignKey("voce_listino.id", ondelete="RESTRICT"))
    quantita_prima: Mapped[Decimal] = mapped_column(Quantita)
    quantita_dopo: Mapped[Decimal] = mapped_column(Quantita)

    variazione: Mapped[VariazioneVoucher] = relationship(back_populates="righe")
    voce_listino: Mapped[VoceListino] = relationship()

    def __str__(self) -> str:
        return f"{self.voce_listino}: {self.quantita_prima} -> {self.quantita_dopo}"
