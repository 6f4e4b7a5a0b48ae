"""The case (Percorso) and what hangs off it: vouchers, hours, diary and charges."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from . import clock, dates
from .anagrafiche import (
    Comune,
    EnteOspitante,
    NucleoFamiliare,
    Persona,
    Postazione,
    check_dates_in_order,
)
from .base import (
    Base,
    Esito,
    Euro,
    QuantitaOre,
    StatoPercorso,
    StatoVoucher,
    TipoAssenza,
    TipoContratto,
    TipoEvento,
    TipoInviante,
    TipologiaPercorso,
    TipoOre,
    enum_column,
    quantity,
)
from .errors import DomainError
from .money import ZERO, line_amount
from .programmi import Programma, VoceListino
from .utenti import Utente

#: Quantities of a voucher line or a charge (hours may be fractional).
Quantita = Numeric(9, 2)


class Percorso(Base):
    """A path: Persona x referring Comune x programme, from referral to outcome.

    ``stato`` and the step dates are set by models/operations, never by forms.
    """

    __tablename__ = "percorso"
    __table_args__ = (
        CheckConstraint(
            "data_presa_in_carico IS NULL OR data_presa_in_carico >= data_segnalazione",
            name="presa_in_carico_dopo_segnalazione",
        ),
        CheckConstraint(
            "data_primo_colloquio IS NULL OR data_primo_colloquio >= data_presa_in_carico",
            name="colloquio_dopo_presa_in_carico",
        ),
        CheckConstraint(
            "data_avvio IS NULL OR data_avvio >= data_presa_in_carico",
            name="avvio_dopo_presa_in_carico",
        ),
        CheckConstraint(
            "data_fine_prevista IS NULL OR data_fine_prevista >= data_avvio",
            name="fine_prevista_dopo_avvio",
        ),
        CheckConstraint(
            "data_fine IS NULL OR data_fine >= data_segnalazione", name="fine_dopo_segnalazione"
        ),
        CheckConstraint(
            "proroga_giorni IS NULL OR (proroga_giorni > 0 AND motivo_proroga IS NOT NULL)",
            name="proroga_motivata",
        ),
        CheckConstraint(
            "stato <> 'ATTIVO' OR (data_avvio IS NOT NULL "
            "AND (postazione_id IS NOT NULL OR tipologia = 'PIP'))",
            name="attivo_con_postazione",
        ),
        CheckConstraint(
            "inviante <> 'COOPERATIVA' OR cooperativa_id IS NOT NULL",
            name="inviante_cooperativa",
        ),
        CheckConstraint(
            "stato <> 'CONCLUSO' OR (esito IS NOT NULL AND data_fine IS NOT NULL)",
            name="concluso_con_esito",
        ),
        CheckConstraint(
            "esito IS NULL OR esito <> 'ASSUNTO' OR (data_assunzione IS NOT NULL "
            "AND datore_lavoro_id IS NOT NULL AND tipo_contratto IS NOT NULL)",
            name="assunzione_completa",
        ),
        # Lists by state, and the seats each position has taken (active paths by position).
        Index("ix_percorso_stato_postazione", "stato", "postazione_id"),
        # A Comune's paths in a programme, by state: the budget figures read only the index
        # (the id too: PostgreSQL's index entries do not carry it as SQLite's do).
        Index("ix_percorso_comune_programma_stato", "comune_id", "programma_id", "stato", "id"),
        # A social worker's list: the Comune's paths, newest referral first.
        Index("ix_percorso_comune_segnalazione", "comune_id", "data_segnalazione"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    persona_id: Mapped[int] = mapped_column(
        ForeignKey("persona.id", ondelete="RESTRICT"), index=True
    )
    #: The referring Comune: whose budget pays and whose social workers may see it.
    comune_id: Mapped[int] = mapped_column(ForeignKey("comune.id", ondelete="RESTRICT"))
    programma_id: Mapped[int] = mapped_column(
        ForeignKey("programma.id", ondelete="RESTRICT"), index=True
    )
    tipologia: Mapped[TipologiaPercorso] = mapped_column(
        enum_column(TipologiaPercorso, "tipologia_percorso")
    )
    stato: Mapped[StatoPercorso] = mapped_column(
        enum_column(StatoPercorso, "stato_percorso"),
        default=StatoPercorso.SEGNALATO,
    )
    data_segnalazione: Mapped[dt.date] = mapped_column(Date, index=True)
    segnalazione_di_gruppo: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Who referred the person: a Comune's social service, a cooperative, a district office.
    inviante: Mapped[TipoInviante] = mapped_column(
        enum_column(TipoInviante, "tipo_inviante"),
        default=TipoInviante.SERVIZIO_SOCIALE,
        server_default=TipoInviante.SERVIZIO_SOCIALE.name,
    )
    #: The social cooperative that referred the person and, in a secondment, employs them;
    #: its coop tutors see the path.
    cooperativa_id: Mapped[int | None] = mapped_column(
        ForeignKey("ente_ospitante.id", ondelete="RESTRICT"), index=True
    )
    #: The household of a PIP.
    nucleo_id: Mapped[int | None] = mapped_column(
        ForeignKey("nucleo_familiare.id", ondelete="RESTRICT"), index=True
    )
    #: Extra days granted for intake (group referrals), with the reason.
    proroga_giorni: Mapped[int | None] = mapped_column(Integer)
    motivo_proroga: Mapped[str | None] = mapped_column(Text)
    data_presa_in_carico: Mapped[dt.date | None] = mapped_column(Date)
    data_primo_colloquio: Mapped[dt.date | None] = mapped_column(Date)
    data_avvio: Mapped[dt.date | None] = mapped_column(Date)
    data_fine_prevista: Mapped[dt.date | None] = mapped_column(Date)
    data_fine: Mapped[dt.date | None] = mapped_column(Date)
    #: The agency's case worker.
    operatore_id: Mapped[int | None] = mapped_column(
        ForeignKey("utente.id", ondelete="RESTRICT"), index=True
    )
    #: The Comune's social worker following the person.
    assistente_sociale_id: Mapped[int | None] = mapped_column(
        ForeignKey("utente.id", ondelete="RESTRICT"), index=True
    )
    postazione_id: Mapped[int | None] = mapped_column(
        ForeignKey("postazione.id", ondelete="RESTRICT"), index=True
    )
    esito: Mapped[Esito | None] = mapped_column(enum_column(Esito, "esito"))
    data_assunzione: Mapped[dt.date | None] = mapped_column(Date)
    datore_lavoro_id: Mapped[int | None] = mapped_column(
        ForeignKey("ente_ospitante.id", ondelete="RESTRICT"), index=True
    )
    tipo_contratto: Mapped[TipoContratto | None] = mapped_column(
        enum_column(TipoContratto, "tipo_contratto")
    )
    motivo_chiusura: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    #: The individual project's objectives and activities, printed on the progetto formativo
    #: (issue 15).
    obiettivi: Mapped[str | None] = mapped_column(Text)

    persona: Mapped[Persona] = relationship()
    comune: Mapped[Comune] = relationship()
    programma: Mapped[Programma] = relationship()
    operatore: Mapped[Utente | None] = relationship(foreign_keys=[operatore_id])
    assistente_sociale: Mapped[Utente | None] = relationship(
        foreign_keys=[assistente_sociale_id]
    )
    postazione: Mapped[Postazione | None] = relationship()
    datore_lavoro: Mapped[EnteOspitante | None] = relationship(
        foreign_keys=[datore_lavoro_id]
    )
    cooperativa: Mapped[EnteOspitante | None] = relationship(foreign_keys=[cooperativa_id])
    nucleo: Mapped[NucleoFamiliare | None] = relationship()
    vouchers: Mapped[list[Voucher]] = relationship(
        back_populates="percorso", order_by="Voucher.id"
    )
    diario: Mapped[list[Diario]] = relationship(
        back_populates="percorso", order_by="Diario.data"
    )
    proroghe: Mapped[list[Proroga]] = relationship(
        back_populates="percorso", order_by="Proroga.id"
    )

    def validate_model(self) -> None:
        check_dates_in_order(
            self.data_segnalazione,
            self.data_presa_in_carico,
            gettext("The intake date must not precede the referral date."),
            "data_presa_in_carico",
        )
        if self.data_segnalazione and self.data_segnalazione > clock.today():
            raise DomainError(
                gettext("The referral date cannot be in the future."),
                "data_segnalazione",
            )
        dates.check_in_programme(self.data_segnalazione, self.programma, "data_segnalazione",
                                 gettext("The referral date"))

    def __str__(self) -> str:
        """How people name a path: the person, the path type and the referring Comune (never
        an internal id)."""
        parts = (
            str(self.persona) if self.persona else "",
            self.tipologia.label if self.tipologia else "",
            self.comune.nome if self.comune else "",
        )
        return " · ".join(part for part in parts if part)


class Voucher(Base):
    """The planned services of a path and the PAL manager's decision on them."""

    __tablename__ = "voucher"
    __table_args__ = (
        CheckConstraint(
            "stato <> 'RESPINTO' OR motivo_rifiuto IS NOT NULL", name="rifiuto_motivato"
        ),
        CheckConstraint(
            "stato = 'PROPOSTO' OR (data_decisione IS NOT NULL AND decisore_id IS NOT NULL)",
            name="decisione_completa",
        ),
        CheckConstraint(
            "data_decisione IS NULL OR data_decisione >= data_proposta",
            name="decisione_dopo_proposta",
        ),
        # A path's approved vouchers decided in a period, with their committed amount.
        Index("ix_voucher_percorso_stato_decisione", "percorso_id", "stato", "data_decisione",
              "importo_impegnato"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    percorso_id: Mapped[int] = mapped_column(ForeignKey("percorso.id", ondelete="RESTRICT"))
    stato: Mapped[StatoVoucher] = mapped_column(
        enum_column(StatoVoucher, "stato_voucher"), default=StatoVoucher.PROPOSTO
    )
    data_proposta: Mapped[dt.date] = mapped_column(Date, index=True)
    data_decisione: Mapped[dt.date | None] = mapped_column(Date)
    decisore_id: Mapped[int | None] = mapped_column(
        ForeignKey("utente.id", ondelete="RESTRICT")
    )
    motivo_rifiuto: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    #: The gross total an approved voucher commits against the budget, stored by the approval
    #: (models/operations/voucher.py), so that a budget's committed figure reads one number
    #: per voucher and later price-list edits leave it.
    importo_impegnato: Mapped[Euro | None]

    percorso: Mapped[Percorso] = relationship(back_populates="vouchers")
    decisore: Mapped[Utente | None] = relationship()
    righe: Mapped[list[RigaVoucher]] = relationship(
        back_populates="voucher", cascade="all, delete-orphan", order_by="RigaVoucher.id"
    )
    #: Variations decided after the approval (models/variazioni.py), oldest first.
    variazioni: Mapped[list[VariazioneVoucher]] = relationship(  # noqa: F821
        back_populates="voucher", order_by="VariazioneVoucher.id"
    )

    @property
    def imponibile(self) -> Decimal:
        """Taxable total of the lines (DOMAIN.md, "Prices"); computed, not stored."""
        return sum((r.importo for r in self.righe), ZERO)

    def __str__(self) -> str:
        """The person's voucher of a proposal date (never an internal id)."""
        persona = self.percorso.persona if self.percorso is not None else None
        return gettext(
            "voucher of %(person)s proposed on %(day)s",
            person=str(persona) if persona is not None else "",
            day=self.data_proposta.strftime("%d/%m/%Y") if self.data_proposta else "",
        )


class RigaVoucher(Base):
    """A planned service: a price-list item and its quantity."""

    __tablename__ = "riga_voucher"
    __table_args__ = (
        UniqueConstraint("voucher_id", "voce_listino_id", name="uq_riga_voucher_voce"),
        CheckConstraint("quantita > 0", name="quantita_positiva"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(
        ForeignKey("voucher.id", ondelete="CASCADE"), index=True
    )
    voce_listino_id: Mapped[int] = mapped_column(
        ForeignKey("voce_listino.id", ondelete="RESTRICT"), index=True
    )
    quantita: Mapped[Decimal] = mapped_column(Quantita)

    voucher: Mapped[Voucher] = relationship(back_populates="righe")
    voce_listino: Mapped[VoceListino] = relationship()

    @property
    def importo(self) -> Decimal:
        """Line taxable amount, rounded half-up to the cent (models/money.py)."""
        if self.voce_listino is None:
            return ZERO
        return line_amount(self.quantita, self.voce_listino.prezzo_unitario)

    def validate_model(self) -> None:
        if self.quantita is not None and self.quantita <= 0:
            raise DomainError(gettext("The quantity must be more than 0."), "quantita")

    def __str__(self) -> str:
        return f"{self.voce_listino} x {quantity(self.quantita)}"


class Ore(Base):
    """Hours on a date for a path: attendance at the position, or tutoring by the agency."""

    __tablename__ = "ore"
    __table_args__ = (
        UniqueConstraint("percorso_id", "tipo", "data", name="uq_ore_percorso_tipo_data"),
        # A day of attendance has hours; a day of absence has its reason and no hours.
        CheckConstraint(
            "(assenza IS NULL AND ore > 0 AND ore <= 24) OR (assenza IS NOT NULL AND ore = 0)",
            name="ore_in_giornata",
        ),
        CheckConstraint("assenza IS NULL OR (tipo = 'PRESENZA' AND entrata IS NULL)",
                        name="assenza_senza_orari"),
        CheckConstraint(
            "(entrata IS NULL AND uscita IS NULL) OR "
            "(entrata IS NOT NULL AND uscita IS NOT NULL AND uscita > entrata)",
            name="primo_turno",
        ),
        CheckConstraint(
            "(entrata_2 IS NULL AND uscita_2 IS NULL) OR (uscita IS NOT NULL "
            "AND entrata_2 IS NOT NULL AND uscita_2 IS NOT NULL AND entrata_2 >= uscita "
            "AND uscita_2 > entrata_2)",
            name="secondo_turno",
        ),
        # Covers the period reports (hours of a period by path and type) without the table.
        Index("ix_ore_data_percorso_tipo_ore", "data", "percorso_id", "tipo", "ore"),
        # The list's order (newest first, id breaking ties) read straight off the index.
        Index("ix_ore_data_id", "data", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    percorso_id: Mapped[int] = mapped_column(
        ForeignKey("percorso.id", ondelete="RESTRICT"), index=True
    )
    data: Mapped[dt.date] = mapped_column(Date)
    tipo: Mapped[TipoOre] = mapped_column(
        enum_column(TipoOre, "tipo_ore"), default=TipoOre.PRESENZA
    )
    #: Hours of the day; computed from the shifts when their times are given; 0 for an absence.
    ore: Mapped[QuantitaOre]
    #: Up to two shifts a day (entrata / uscita), as the attendance register has them.
    entrata: Mapped[dt.time | None] = mapped_column(Time)
    uscita: Mapped[dt.time | None] = mapped_column(Time)
    entrata_2: Mapped[dt.time | None] = mapped_column(Time)
    uscita_2: Mapped[dt.time | None] = mapped_column(Time)
    #: Why the person was absent (attendance only); the day then has no hours.
    assenza: Mapped[TipoAssenza | None] = mapped_column(enum_column(TipoAssenza, "tipo_assenza"))
    #: Who delivered the tutoring hour (NULL for attendance).
    operatore_id: Mapped[int | None] = mapped_column(
        ForeignKey("utente.id", ondelete="RESTRICT")
    )
    note: Mapped[str | None] = mapped_column(String(200))

    percorso: Mapped[Percorso] = relationship()
    operatore: Mapped[Utente | None] = relationship()

    def validate_model(self) -> None:
        if self.assenza is not None:
            return  # models/operations/ore.py checks an absence (no hours, no times)
        if self.ore is not None and not (Decimal(0) < self.ore <= 24):
            raise DomainError(
                gettext("Hours must be more than 0 and at most 24."), "ore"
            )

    def __str__(self) -> str:
        if self.assenza is not None:
            return f"{self.data:%d/%m/%Y} {self.assenza.label}"
        return f"{self.data:%d/%m/%Y} {quantity(self.ore)} h"


class Diario(Base):
    """A dated event of a path: interview, company visit, review, report to the Comune."""

    __tablename__ = "diario"
    __table_args__ = (Index("ix_diario_data_id", "data", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    percorso_id: Mapped[int] = mapped_column(
        ForeignKey("percorso.id", ondelete="RESTRICT"), index=True
    )
    data: Mapped[dt.date] = mapped_column(Date)
    tipo: Mapped[TipoEvento] = mapped_column(enum_column(TipoEvento, "tipo_evento"))
    descrizione: Mapped[str] = mapped_column(Text)
    autore_id: Mapped[int | None] = mapped_column(
        ForeignKey("utente.id", ondelete="RESTRICT")
    )

    percorso: Mapped[Percorso] = relationship(back_populates="diario")
    autore: Mapped[Utente | None] = relationship()

    def validate_model(self) -> None:
        """An event of the path happened: not before its referral, not in the future."""
        dates.check_not_future(self.data, "data", gettext("An event of the diary"))
        p = self.percorso
        if self.data is not None and p is not None and p.data_segnalazione and self.data < p.data_segnalazione:
            raise DomainError(
                gettext("The event (%(day)s) cannot precede the referral of the path (%(referral)s).",
                        day=dates.fmt(self.data), referral=dates.fmt(p.data_segnalazione)),
                "data",
            )

    def __str__(self) -> str:
        return f"{self.data:%d/%m/%Y} {self.tipo.label if self.tipo else ''}"


class Addebito(Base):
    """A delivered billable service, priced by its price-list item, invoiced at most once."""

    __tablename__ = "addebito"
    __table_args__ = (
        CheckConstraint("quantita > 0", name="quantita_positiva"),
        UniqueConstraint("ore_id", name="uq_addebito_ore_id"),
        # A path's charges in a period (budget figures): equality then range, one index.
        Index("ix_addebito_percorso_data", "percorso_id", "data"),
        Index("ix_addebito_data_id", "data", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    percorso_id: Mapped[int] = mapped_column(
        ForeignKey("percorso.id", ondelete="RESTRICT"), index=True
    )
    voce_listino_id: Mapped[int] = mapped_column(
        ForeignKey("voce_listino.id", ondelete="RESTRICT"), index=True
    )
    data: Mapped[dt.date] = mapped_column(Date)
    quantita: Mapped[Decimal] = mapped_column(Quantita)
    descrizione: Mapped[str | None] = mapped_column(String(200))
    #: The tutoring hours this charge bills, for hour charges.
    ore_id: Mapped[int | None] = mapped_column(ForeignKey("ore.id", ondelete="RESTRICT"))
    #: The approved voucher line this delivery draws on (issue 14: a delivery of any line).
    riga_voucher_id: Mapped[int | None] = mapped_column(
        ForeignKey("riga_voucher.id", ondelete="RESTRICT"), index=True
    )
    #: Who delivered the service, and notes on the delivery.
    operatore_id: Mapped[int | None] = mapped_column(ForeignKey("utente.id", ondelete="RESTRICT"))
    note: Mapped[str | None] = mapped_column(Text)
    #: The invoice line that bills it; NULL while uninvoiced or after a credit note.
    riga_fattura_id: Mapped[int | None] = mapped_column(
        ForeignKey("riga_fattura.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())

    percorso: Mapped[Percorso] = relationship()
    voce_listino: Mapped[VoceListino] = relationship()
    ore: Mapped[Ore | None] = relationship()
    riga_voucher: Mapped[RigaVoucher | None] = relationship()
    operatore: Mapped[Utente | None] = relationship()

    @property
    def importo(self) -> Decimal:
        """Taxable amount, rounded half-up to the cent (models/money.py)."""
        return line_amount(self.quantita, self.voce_listino.prezzo_unitario)

    def __str__(self) -> str:
        return f"{self.voce_listino.descrizione if self.voce_listino else ''} {self.data:%d/%m/%Y}"


class Proroga(Base):
    """An extension of a path's planned end (issue 12, item 5): when, why, by whom, from which
    end to which; the path's ``data_fine_prevista`` is the last one (models/operations)."""

    __tablename__ = "proroga"
    __table_args__ = (
        CheckConstraint("nuova_fine_prevista > fine_prevista_precedente", name="proroga_in_avanti"),
        CheckConstraint("motivo <> ''", name="proroga_motivata"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    percorso_id: Mapped[int] = mapped_column(
        ForeignKey("percorso.id", ondelete="RESTRICT"), index=True
    )
    #: The day the extension was agreed.
    data: Mapped[dt.date] = mapped_column(Date)
    fine_prevista_precedente: Mapped[dt.date] = mapped_column(Date)
    nuova_fine_prevista: Mapped[dt.date] = mapped_column(Date)
    motivo: Mapped[str] = mapped_column(Text)
    utente_id: Mapped[int | None] = mapped_column(ForeignKey("utente.id", ondelete="RESTRICT"))

    percorso: Mapped[Percorso] = relationship(back_populates="proroghe")
    utente: Mapped[Utente | None] = relationship()

    def __str__(self) -> str:
        return f"{self.fine_prevista_precedente:%d/%m/%Y} → {self.nuova_fine_prevista:%d/%m/%Y}"
