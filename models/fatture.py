"""Invoices to Comuni, their lines and payments (DOMAIN.md, "Prices" and e-invoicing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from . import validation as v
from .anagrafiche import Comune, check_dates_in_order
from .base import (
    Base,
    Euro,
    Natura,
    Percentuale,
    StatoFattura,
    Str200,
    TipoDocumento,
    enum_column,
    euro,
)
from .errors import DomainError
from .money import line_amount
from .programmi import Programma, VoceListino

if TYPE_CHECKING:
    from .sdi import TrasmissioneSdi


class Fattura(Base):
    """An invoice (TD01) or credit note (TD04) to a Comune for a programme and period.

    Number and year are assigned when issued; the totals are the immutable snapshot of
    the issued document. An issued invoice is never edited or deleted.
    """

    __tablename__ = "fattura"
    __table_args__ = (
        UniqueConstraint("anno", "numero", name="uq_fattura_anno_numero"),
        CheckConstraint("periodo_al >= periodo_dal", name="periodo"),
        CheckConstraint("numero IS NULL OR numero > 0", name="numero_positivo"),
        CheckConstraint(
            "stato = 'BOZZA' OR (numero IS NOT NULL AND anno IS NOT NULL "
            "AND data IS NOT NULL AND imponibile IS NOT NULL AND iva IS NOT NULL)",
            name="emessa_numerata",
        ),
        CheckConstraint("imponibile IS NULL OR imponibile >= 0", name="imponibile"),
        CheckConstraint("iva IS NULL OR iva >= 0", name="iva"),
        CheckConstraint("bollo IS NULL OR bollo >= 0", name="bollo"),
        CheckConstraint(
            "tipo_documento <> 'TD04' OR fattura_stornata_id IS NOT NULL",
            name="nota_credito_riferita",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comune_id: Mapped[int] = mapped_column(
        ForeignKey("comune.id", ondelete="RESTRICT"), index=True
    )
    programma_id: Mapped[int] = mapped_column(
        ForeignKey("programma.id", ondelete="RESTRICT"), index=True
    )
    tipo_documento: Mapped[TipoDocumento] = mapped_column(
        enum_column(TipoDocumento, "tipo_documento"), default=TipoDocumento.TD01
    )
    #: For a credit note, the invoice it reverses.
    fattura_stornata_id: Mapped[int | None] = mapped_column(
        ForeignKey("fattura.id", ondelete="RESTRICT")
    )
    anno: Mapped[int | None] = mapped_column(Integer)
    numero: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dt.date | None] = mapped_column(Date)
    periodo_dal: Mapped[dt.date] = mapped_column(Date)
    periodo_al: Mapped[dt.date] = mapped_column(Date)
    stato: Mapped[StatoFattura] = mapped_column(
        enum_column(StatoFattura, "stato_fattura"), default=StatoFattura.BOZZA, index=True
    )
    #: Scissione dei pagamenti: the Comune pays the VAT to the State.
    split_payment: Mapped[bool] = mapped_column(Boolean, default=True)
    cig: Mapped[str | None] = mapped_column(String(10))
    cup: Mapped[str | None] = mapped_column(String(15))
    #: The Comune's resolution (determina: number and date) and commitment (impegno) the
    #: invoice refers to: FatturaPA DatiContratto, copied from the budget when generated.
    determina_numero: Mapped[str | None] = mapped_column(String(20))
    determina_data: Mapped[dt.date | None] = mapped_column(Date)
    impegno: Mapped[str | None] = mapped_column(String(100))
    imponibile: Mapped[Euro | None]
    iva: Mapped[Euro | None]
    #: Stamp duty (bollo virtuale) of an issued document whose lines without VAT exceed
    #: EUR 77.47 (models/money.py, ``stamp_duty``); charged to the Comune with the total.
    bollo: Mapped[Euro | None]

    comune: Mapped[Comune] = relationship()
    programma: Mapped[Programma] = relationship()
    fattura_stornata: Mapped[Fattura | None] = relationship(remote_side=[id])
    righe: Mapped[list[RigaFattura]] = relationship(
        back_populates="fattura", cascade="all, delete-orphan", order_by="RigaFattura.id"
    )
    pagamenti: Mapped[list[Pagamento]] = relationship(
        back_populates="fattura", order_by="Pagamento.data"
    )
    #: Its files sent to SDI, oldest first (models/sdi.py); the last one tells where it stands.
    trasmissioni: Mapped[list[TrasmissioneSdi]] = relationship(
        order_by="TrasmissioneSdi.id", viewonly=True
    )

    @validates("cig")
    def _v_cig(self, key, value):
        return v.optional_cig(value)

    @validates("cup")
    def _v_cup(self, key, value):
        return v.optional_cup(value)

    @property
    def totale(self) -> Decimal | None:
        """The document total: taxable, VAT and the stamp duty charged to the Comune."""
        if self.imponibile is None or self.iva is None:
            return None
        return self.imponibile + self.iva + (self.bollo or 0)

    @property
    def ultima_trasmissione(self):
        """The last file sent to SDI, or None (``trasmissioni`` loaded)."""
        return self.trasmissioni[-1] if self.trasmissioni else None

    @property
    def modificabile(self) -> bool:
        return self.stato == StatoFattura.BOZZA

    def validate_model(self) -> None:
        check_dates_in_order(
            self.periodo_dal,
            self.periodo_al,
            gettext("The end of the period must not precede its start."),
            "periodo_al",
        )

    def __str__(self) -> str:
        if self.numero:
            return f"{self.numero}/{self.anno}"
        # A draft has no number yet: it is named by its Comune and period, never by its id.
        return gettext(
            "draft for %(comune)s, %(start)s–%(end)s",
            comune=self.comune.nome if self.comune else "",
            start=self.periodo_dal.strftime("%d/%m/%Y") if self.periodo_dal else "",
            end=self.periodo_al.strftime("%d/%m/%Y") if self.periodo_al else "",
        )


class RigaFattura(Base):
    """An invoice line: the charges of one item grouped, with the price applied."""

    __tablename__ = "riga_fattura"
    __table_args__ = (
        CheckConstraint("quantita > 0", name="quantita_positiva"),
        CheckConstraint("prezzo_unitario >= 0", name="prezzo_non_negativo"),
        CheckConstraint("aliquota_iva >= 0 AND aliquota_iva <= 100", name="aliquota_iva"),
        CheckConstraint("(aliquota_iva = 0) = (natura IS NOT NULL)", name="natura_senza_iva"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fattura_id: Mapped[int] = mapped_column(
        ForeignKey("fattura.id", ondelete="CASCADE"), index=True
    )
    voce_listino_id: Mapped[int | None] = mapped_column(
        ForeignKey("voce_listino.id", ondelete="RESTRICT")
    )
    descrizione: Mapped[Str200]
    quantita: Mapped[Decimal] = mapped_column(Numeric(9, 2))
    prezzo_unitario: Mapped[Euro]
    aliquota_iva: Mapped[Percentuale] = mapped_column(default=22)
    #: FatturaPA Natura of a line without VAT, and its legal reference (from the item).
    natura: Mapped[Natura | None] = mapped_column(enum_column(Natura, "natura"))
    riferimento_normativo: Mapped[str | None] = mapped_column(String(100))

    fattura: Mapped[Fattura] = relationship(back_populates="righe")
    voce_listino: Mapped[VoceListino | None] = relationship()

    @property
    def importo(self) -> Decimal:
        """Line taxable amount, rounded half-up to the cent (models/money.py)."""
        return line_amount(self.quantita, self.prezzo_unitario)

    def validate_model(self) -> None:
        if self.quantita is not None and self.quantita <= 0:
            raise DomainError(gettext("The quantity must be more than 0."), "quantita")
        if self.prezzo_unitario is not None and self.prezzo_unitario < 0:
            raise DomainError(
                gettext("The unit price cannot be negative."), "prezzo_unitario"
            )
        if self.aliquota_iva is not None and (self.aliquota_iva == 0) != (self.natura is not None):
            raise DomainError(
                gettext("An item without VAT needs its VAT nature (e.g. N4 exempt); "
                        "an item with VAT has none."),
                "natura",
            )

    def __str__(self) -> str:
        return self.descrizione


class Pagamento(Base):
    """A payment received against an invoice."""

    __tablename__ = "pagamento"
    __table_args__ = (CheckConstraint("importo > 0", name="importo_positivo"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fattura_id: Mapped[int] = mapped_column(
        ForeignKey("fattura.id", ondelete="RESTRICT"), index=True
    )
    data: Mapped[dt.date] = mapped_column(Date)
    importo: Mapped[Euro]
    riferimento: Mapped[str | None] = mapped_column(String(100))

    fattura: Mapped[Fattura] = relationship(back_populates="pagamenti")

    def validate_model(self) -> None:
        if self.importo is not None and self.importo <= 0:
            raise DomainError(gettext("The amount must be more than 0."), "importo")

    def __str__(self) -> str:
        return f"{self.data:%d/%m/%Y} {euro(self.importo)}"


class NumeratoreFattura(Base):
    """The last number issued in a year: one row per year, locked while an invoice is numbered.

    Issuing reads this row with SELECT ... FOR UPDATE, so two accountants issuing at once
    are serialised and get consecutive numbers, never the same one and never a gap
    (DOMAIN.md, "Prices": numbers progressive per year with no gaps and no duplicates).
    """

    __tablename__ = "numeratore_fattura"
    __table_args__ = (CheckConstraint("ultimo_numero >= 0", name="ultimo_numero"),)

    anno: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ultimo_numero: Mapped[int] = mapped_column(Integer, default=0)

    def __str__(self) -> str:
        return f"{self.anno}: {self.ultimo_numero}"
