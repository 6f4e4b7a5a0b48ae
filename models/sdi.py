"""Transmissions of invoices to SDI (Sistema di Interscambio) and the notifications it returns.

Each transmission has its own file name ``IT<partita IVA>_<progressivo>``: the progressive comes
from a database counter, is independent of the invoice and is never reused, so a file corrected
after a rejection (NotificaScarto) is sent under a new name (SDI refuses a name twice, error
00002). Specifiche tecniche SDI, allegato B ("Regole tecniche"), and MessaggiTypes_v1.1.xsd.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, LabelledEnum, enum_column
from .errors import N_
from .fatture import Fattura

#: Five letters or digits: FatturaPA's ProgressivoInvio allows up to 10, the file name 5.
PROGRESSIVO_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PROGRESSIVO_MAX = 36**5 - 1


class StatoSdi(LabelledEnum):
    """Where a transmitted file stands, after the last notification SDI sent about it."""

    INVIATA = N_("sent to SDI")
    CONSEGNATA = N_("delivered (RC)")
    NON_CONSEGNATA = N_("not delivered (MC)")
    SCARTATA = N_("rejected by SDI (NS)")
    ACCETTATA = N_("accepted by the Comune (EC01)")
    RIFIUTATA = N_("refused by the Comune (EC02)")
    DECORRENZA_TERMINI = N_("no reply within 15 days (DT)")
    NON_RECAPITABILE = N_("could not be delivered, filed by SDI (AT)")


class TipoNotificaSdi(LabelledEnum):
    """The receipts and notifications SDI sends to the transmitter (MessaggiTypes_v1.1.xsd)."""

    RC = N_("delivery receipt")
    MC = N_("failed delivery notice")
    NS = N_("rejection notice")
    NE = N_("outcome notice from the Comune")
    DT = N_("deadline notice")
    AT = N_("certificate of transmission")


class NumeratoreSdi(Base):
    """The last progressive given to a transmitted file: one row, locked while a file is named."""

    __tablename__ = "numeratore_sdi"
    __table_args__ = (
        CheckConstraint("id = 1", name="una_riga"),
        CheckConstraint(f"ultimo_progressivo >= 0 AND ultimo_progressivo <= {PROGRESSIVO_MAX}",
                        name="ultimo_progressivo"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, default=1)
    ultimo_progressivo: Mapped[int] = mapped_column(Integer, default=0)

    def __str__(self) -> str:
        return str(self.ultimo_progressivo)


class TrasmissioneSdi(Base):
    """One file sent to SDI for an issued invoice or credit note, exactly as it was sent."""

    __tablename__ = "trasmissione_sdi"
    __table_args__ = (
        UniqueConstraint("progressivo", name="uq_trasmissione_sdi_progressivo"),
        UniqueConstraint("nome_file", name="uq_trasmissione_sdi_nome_file"),
        CheckConstraint(f"progressivo > 0 AND progressivo <= {PROGRESSIVO_MAX}", name="progressivo"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fattura_id: Mapped[int] = mapped_column(ForeignKey("fattura.id", ondelete="RESTRICT"), index=True)
    progressivo: Mapped[int] = mapped_column(Integer)
    #: ``IT<partita IVA>_<progressivo>`` without extension (SDI's NomeFile adds ``.xml``).
    nome_file: Mapped[str] = mapped_column(String(50))
    inviata_il: Mapped[dt.datetime] = mapped_column(DateTime)
    inviata_da: Mapped[str | None] = mapped_column(String(255))
    stato: Mapped[StatoSdi] = mapped_column(enum_column(StatoSdi, "stato_sdi"), default=StatoSdi.INVIATA,
                                            index=True)
    #: SDI's number of the file, from its first notification.
    identificativo_sdi: Mapped[int | None] = mapped_column(BigInteger)
    #: The FatturaPA XML as sent: what SDI holds, whatever changes later in the database.
    xml: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    fattura: Mapped[Fattura] = relationship()
    notifiche: Mapped[list[NotificaSdi]] = relationship(
        back_populates="trasmissione", order_by="NotificaSdi.id")

    @property
    def nome_file_xml(self) -> str:
        return f"{self.nome_file}.xml"

    def __str__(self) -> str:
        return self.nome_file


class NotificaSdi(Base):
    """A receipt or notification SDI sent about a transmission; recorded once (by MessageId)."""

    __tablename__ = "notifica_sdi"
    __table_args__ = (
        UniqueConstraint("trasmissione_id", "tipo", "message_id", name="uq_notifica_sdi_messaggio"),
        CheckConstraint("tipo <> 'NE' OR esito IN ('EC01', 'EC02')", name="esito_committente"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trasmissione_id: Mapped[int] = mapped_column(
        ForeignKey("trasmissione_sdi.id", ondelete="RESTRICT"), index=True)
    tipo: Mapped[TipoNotificaSdi] = mapped_column(enum_column(TipoNotificaSdi, "tipo_notifica_sdi"))
    #: SDI's MessageId of the notification (at most 14 characters).
    message_id: Mapped[str] = mapped_column(String(14))
    #: DataOraRicezione or DataOraConsegna of the message, when it says.
    data_ora: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: The Comune's outcome of an NE: EC01 accepted, EC02 refused.
    esito: Mapped[str | None] = mapped_column(String(4))
    descrizione: Mapped[str | None] = mapped_column(String(255))
    nome_file_notifica: Mapped[str | None] = mapped_column(String(100))
    registrata_il: Mapped[dt.datetime] = mapped_column(DateTime)

    trasmissione: Mapped[TrasmissioneSdi] = relationship(back_populates="notifiche")
    errori: Mapped[list[ErroreSdi]] = relationship(
        back_populates="notifica", cascade="all, delete-orphan", order_by="ErroreSdi.id")

    def __str__(self) -> str:
        return f"{self.tipo.name} {self.message_id}"


class ErroreSdi(Base):
    """One error of a rejection (NotificaScarto/ListaErrori): SDI's code and description."""

    __tablename__ = "errore_sdi"

    id: Mapped[int] = mapped_column(primary_key=True)
    notifica_id: Mapped[int] = mapped_column(ForeignKey("notifica_sdi.id", ondelete="CASCADE"), index=True)
    codice: Mapped[str] = mapped_column(String(5))
    descrizione: Mapped[str] = mapped_column(String(255))

    notifica: Mapped[NotificaSdi] = relationship(back_populates="errori")

    def __str__(self) -> str:
        return f"{self.codice} {self.descrizione}"


def progressivo_code(n: int) -> str:
    """The progressive ``n`` as five letters or digits (base 36, zero-padded)."""
    if not 0 < n <= PROGRESSIVO_MAX:
        raise ValueError("progressive out of range (1 .. 36**5 - 1)")
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = PROGRESSIVO_DIGITS[r] + out
    return out.rjust(5, "0")
