"""Registry records: Comuni, people (with their special-category data), hosts and positions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from . import clock, dates
from . import validation as v
from .base import (
    Base,
    CondizioneOccupazionale,
    Percentuale,
    QuantitaOre,
    Sesso,
    Str20,
    Str100,
    Str200,
    TipoEnte,
    enum_column,
)
from .errors import DomainError

#: The minimum working age (L. 296/2006, art. 1 c. 622): a younger person is a typo.
MIN_AGE = 14


def check_dates_in_order(start, end, message: str, field: str) -> None:
    """End on or after start, when both are given."""
    if start is not None and end is not None and end < start:
        raise DomainError(message, field)


class Comune(Base):
    """A municipality: referring body, budget holder and invoice customer."""

    __tablename__ = "comune"
    __table_args__ = (
        UniqueConstraint("codice_istat", name="uq_comune_codice_istat"),
        UniqueConstraint("nome", "provincia", name="uq_comune_nome"),
        CheckConstraint(
            "(patrono_giorno IS NULL AND patrono_mese IS NULL) OR "
            "(patrono_mese >= 1 AND patrono_mese <= 12 AND patrono_giorno >= 1 "
            "AND patrono_giorno <= 31)",
            name="patrono",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nome: Mapped[Str100]
    #: Six digits, e.g. 017096 for Lumezzane.
    codice_istat: Mapped[str] = mapped_column(String(6))
    provincia: Mapped[str] = mapped_column(String(2))
    cap: Mapped[str | None] = mapped_column(String(5))
    #: The Comune's own fiscal code (11 digits), the invoice customer's identifier.
    codice_fiscale: Mapped[str | None] = mapped_column(String(11))
    #: IPA "codice univoco ufficio" for e-invoicing (CodiceDestinatario).
    codice_ipa: Mapped[str | None] = mapped_column(String(6))
    pec: Mapped[str | None] = mapped_column(String(255))
    #: The seat's street and number (the town is the Comune's own name, the CAP above): the
    #: customer's address on its invoices (FatturaPA CessionarioCommittente/Sede).
    indirizzo: Mapped[str | None] = mapped_column(String(60))
    #: The Comune asks for the beneficiaries' initials on each invoice line (issue 15).
    iniziali_in_fattura: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Scissione dei pagamenti (art. 17-ter DPR 633/72) applies to its invoices.
    split_payment: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Cadastral (Belfiore) code, e.g. E738: the birthplace written in a codice fiscale.
    codice_catastale: Mapped[str | None] = mapped_column(String(4))
    #: The patron saint's feast: a local public holiday, shaded in the month grid and left out
    #: of the expected attendance of the positions in this Comune (issue 12, item 1).
    patrono_nome: Mapped[str | None] = mapped_column(String(100))
    patrono_giorno: Mapped[int | None] = mapped_column(Integer)
    patrono_mese: Mapped[int | None] = mapped_column(Integer)

    #: The lead Comune of its social district (WORK-IN: Civitavecchia for the Distretto RM 4.1).
    capofila_id: Mapped[int | None] = mapped_column(
        ForeignKey("comune.id", ondelete="RESTRICT"), index=True
    )

    capofila: Mapped[Comune | None] = relationship(remote_side=[id])

    @validates("codice_istat")
    def _v_istat(self, key, value):
        return v.clean_codice_istat(value)

    @validates("provincia")
    def _v_provincia(self, key, value):
        return v.clean_provincia(value)

    @validates("cap")
    def _v_cap(self, key, value):
        return v.clean_cap(value) if value else None

    @validates("codice_fiscale")
    def _v_cf(self, key, value):
        return v.clean_partita_iva(value, "codice_fiscale") if value else None

    @validates("codice_ipa")
    def _v_ipa(self, key, value):
        return v.clean_codice_ipa(value) if value else None

    @validates("pec")
    def _v_pec(self, key, value):
        return v.clean_email(value, "pec") if value else None

    @validates("codice_catastale")
    def _v_catastale(self, key, value):
        return v.clean_codice_catastale(value) if value else None
    @property
    def patrono(self) -> tuple[int, int] | None:
        """(month, day) of the patron saint's feast, when configured."""
        if self.patrono_giorno and self.patrono_mese:
            return self.patrono_mese, self.patrono_giorno
        return None

    def validate_model(self) -> None:
        """The patron saint's feast is a real day of the year (29/02 allowed), both or neither."""
        giorno, mese = self.patrono_giorno, self.patrono_mese
        if (giorno is None) != (mese is None):
            raise DomainError(gettext("Give both the day and the month of the patron saint's feast."),
                              "patrono_giorno")
        if giorno is not None:
            try:
                dt.date(2024, mese, giorno)
            except (TypeError, ValueError):
                raise DomainError(
                    gettext("%(day)s/%(month)s is not a day of the year.", day=giorno, month=mese),
                    "patrono_giorno",
                ) from None

    def __str__(self) -> str:
        return self.nome


class NucleoFamiliare(Base):
    """A household behind a PIP (SolCo Mantova: households in rent arrears referred by the
    Comune's housing office), shared with the housing-support workers."""

    __tablename__ = "nucleo_familiare"
    __table_args__ = (
        CheckConstraint("componenti >= 1", name="componenti"),
        CheckConstraint("morosita IS NULL OR morosita >= 0", name="importo_non_negativo"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comune_id: Mapped[int] = mapped_column(ForeignKey("comune.id", ondelete="RESTRICT"), index=True)
    #: The tenant holding the lease, as the housing office names the household.
    intestatario: Mapped[Str200]
    indirizzo: Mapped[str | None] = mapped_column(String(200))
    componenti: Mapped[int] = mapped_column(Integer, default=1)
    #: Rent arrears when referred.
    morosita: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    #: The housing-support worker the plan is shared with.
    referente_abitare: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)

    comune: Mapped[Comune] = relationship()

    def validate_model(self) -> None:
        if self.componenti is not None and self.componenti < 1:
            raise DomainError(gettext("A household has at least one member."), "componenti")
        if self.morosita is not None and self.morosita < 0:
            raise DomainError(gettext("The amount cannot be negative."), "morosita")

    def __str__(self) -> str:
        return self.intestatario or ""


class CategoriaSvantaggio(Base):
    """Disadvantage category (L. 381/91, L. 68/99, DM 20/03/2013, income support, young)."""

    __tablename__ = "categoria_svantaggio"
    __table_args__ = (UniqueConstraint("codice", name="uq_categoria_svantaggio_codice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    codice: Mapped[Str20]
    descrizione: Mapped[Str200]

    def __str__(self) -> str:
        return self.descrizione


persona_svantaggio = Table(
    "persona_svantaggio",
    Base.metadata,
    Column("persona_id", ForeignKey("persona.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "categoria_id",
        ForeignKey("categoria_svantaggio.id", ondelete="RESTRICT"),
        primary_key=True,
    ),
)


class Persona(Base):
    """A citizen referred to a programme. Health details live apart, in DatiSensibili."""

    __tablename__ = "persona"
    __table_args__ = (
        UniqueConstraint("codice_fiscale", name="uq_persona_codice_fiscale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    codice_fiscale: Mapped[str] = mapped_column(String(16))
    cognome: Mapped[Str100] = mapped_column(index=True)
    nome: Mapped[Str100]
    data_nascita: Mapped[dt.date] = mapped_column(Date)
    sesso: Mapped[Sesso] = mapped_column(enum_column(Sesso, "sesso"))
    comune_residenza_id: Mapped[int] = mapped_column(
        ForeignKey("comune.id", ondelete="RESTRICT"), index=True
    )
    #: Birthplace, when it is one of the console's Comuni: checked against the codice fiscale.
    comune_nascita_id: Mapped[int | None] = mapped_column(
        ForeignKey("comune.id", ondelete="RESTRICT")
    )
    indirizzo: Mapped[str | None] = mapped_column(String(200))
    cap: Mapped[str | None] = mapped_column(String(5))
    telefono: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(255))
    condizione_occupazionale: Mapped[CondizioneOccupazionale] = mapped_column(
        enum_column(CondizioneOccupazionale, "condizione_occupazionale"),
        default=CondizioneOccupazionale.DISOCCUPATO,
    )
    note: Mapped[str | None] = mapped_column(Text)
    #: Set when the person was anonymised (GDPR, models/operations/gdpr.py): the record
    #: then holds no identifying data and is no longer edited.
    anonimizzata_il: Mapped[dt.date | None] = mapped_column(Date)

    comune_residenza: Mapped[Comune] = relationship(foreign_keys=[comune_residenza_id])
    comune_nascita: Mapped[Comune | None] = relationship(foreign_keys=[comune_nascita_id])
    categorie: Mapped[list[CategoriaSvantaggio]] = relationship(
        secondary=persona_svantaggio, order_by=CategoriaSvantaggio.codice
    )
    dati_sensibili: Mapped[DatiSensibili | None] = relationship(
        back_populates="persona", cascade="all, delete-orphan", uselist=False
    )

    @validates("codice_fiscale")
    def _v_cf(self, key, value):
        return v.clean_codice_fiscale(value)

    @validates("cap")
    def _v_cap(self, key, value):
        return v.clean_cap(value) if value else None

    @validates("email")
    def _v_email(self, key, value):
        return v.clean_email(value) if value else None

    def validate_model(self) -> None:
        """Birth date from 1900 on and at least 14 years ago (the minimum working age,
        L. 296/2006); the codice fiscale agrees with birth date, sex and birthplace."""
        born = self.data_nascita
        if born is not None:
            if born > clock.today():
                raise DomainError(gettext("The birth date cannot be in the future."), "data_nascita")
            if born < dates.MIN_DATE:
                raise DomainError(
                    gettext("The birth date %(day)s is not plausible: it must be from %(min)s on.",
                            day=dates.fmt(born), min=dates.fmt(dates.MIN_DATE)),
                    "data_nascita",
                )
            today = clock.today()
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            if age < MIN_AGE:
                raise DomainError(
                    gettext("The person must be at least %(min)s years old: born on %(day)s, "
                            "they are %(age)s.", min=MIN_AGE, day=dates.fmt(born), age=age),
                    "data_nascita",
                )
        nato_a = self.comune_nascita
        v.check_codice_fiscale_agrees(
            self.codice_fiscale, born, self.sesso.name if self.sesso else None,
            nato_a.codice_catastale if nato_a is not None else None,
            nato_a.nome if nato_a is not None else None,
        )

    def __str__(self) -> str:
        return f"{self.cognome} {self.nome}"


#: The search box matches the start of the surname whatever its case (models/queries/ricerca.py).
Index("ix_persona_cognome_lower", func.lower(Persona.cognome))


class DatiSensibili(Base):
    """Special-category data (GDPR art. 9): shown only to the roles that need them."""

    __tablename__ = "dati_sensibili"
    __table_args__ = (
        CheckConstraint(
            "percentuale_invalidita IS NULL OR "
            "(percentuale_invalidita >= 0 AND percentuale_invalidita <= 100)",
            name="percentuale_invalidita",
        ),
    )

    persona_id: Mapped[int] = mapped_column(
        ForeignKey("persona.id", ondelete="CASCADE"), primary_key=True
    )
    percentuale_invalidita: Mapped[Percentuale | None]
    #: Registered under L. 68/99 (targeted employment of disabled people).
    iscritto_l68: Mapped[bool] = mapped_column(Boolean, default=False)
    diagnosi: Mapped[str | None] = mapped_column(Text)
    limitazioni: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

    persona: Mapped[Persona] = relationship(back_populates="dati_sensibili")

    def __str__(self) -> str:
        return str(self.persona) if self.persona else ""


class EnteOspitante(Base):
    """Host organisation offering positions; may also hire."""

    __tablename__ = "ente_ospitante"
    __table_args__ = (
        UniqueConstraint("codice_fiscale", name="uq_ente_ospitante_codice_fiscale"),
        CheckConstraint(
            "convenzione_scadenza IS NULL OR convenzione_data IS NULL "
            "OR convenzione_scadenza >= convenzione_data",
            name="convenzione_date",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ragione_sociale: Mapped[Str200] = mapped_column(index=True)
    tipo: Mapped[TipoEnte] = mapped_column(enum_column(TipoEnte, "tipo_ente"))
    codice_fiscale: Mapped[str] = mapped_column(String(16))
    partita_iva: Mapped[str | None] = mapped_column(String(11))
    comune_id: Mapped[int] = mapped_column(
        ForeignKey("comune.id", ondelete="RESTRICT"), index=True
    )
    indirizzo: Mapped[str | None] = mapped_column(String(200))
    referente: Mapped[str | None] = mapped_column(String(100))
    telefono: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(255))
    tutor_aziendale: Mapped[str | None] = mapped_column(String(100))
    convenzione_numero: Mapped[str | None] = mapped_column(String(30))
    convenzione_data: Mapped[dt.date | None] = mapped_column(Date)
    convenzione_scadenza: Mapped[dt.date | None] = mapped_column(Date)

    comune: Mapped[Comune] = relationship()
    postazioni: Mapped[list[Postazione]] = relationship(back_populates="ente")

    @validates("codice_fiscale")
    def _v_cf(self, key, value):
        return v.clean_codice_fiscale_ente(value)

    @validates("partita_iva")
    def _v_piva(self, key, value):
        return v.clean_partita_iva(value) if value else None

    @validates("email")
    def _v_email(self, key, value):
        return v.clean_email(value) if value else None

    def validate_model(self) -> None:
        check_dates_in_order(
            self.convenzione_data,
            self.convenzione_scadenza,
            gettext("The agreement expiry must not precede its date."),
            "convenzione_scadenza",
        )

    def __str__(self) -> str:
        return self.ragione_sociale


class Postazione(Base):
    """A position at a host: its seats bound how many active paths it can take."""

    __tablename__ = "postazione"
    __table_args__ = (
        CheckConstraint("posti >= 1", name="posti_positivi"),
        CheckConstraint(
            "ore_settimanali IS NULL OR (ore_settimanali > 0 AND ore_settimanali <= 48)",
            name="ore_settimanali",
        ),
        CheckConstraint(
            "attiva_al IS NULL OR attiva_al >= attiva_dal", name="periodo_attivo"
        ),
        CheckConstraint(
            "accetta_assistenziale OR accetta_tirocinio OR accetta_inserimento "
            "OR accetta_progetto",
            name="almeno_una_tipologia",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ente_id: Mapped[int] = mapped_column(
        ForeignKey("ente_ospitante.id", ondelete="RESTRICT"), index=True
    )
    mansione: Mapped[Str200]
    descrizione: Mapped[str | None] = mapped_column(Text)
    luogo: Mapped[str | None] = mapped_column(String(200))
    posti: Mapped[int] = mapped_column(Integer, default=1)
    ore_settimanali: Mapped[QuantitaOre | None]
    accetta_assistenziale: Mapped[bool] = mapped_column(Boolean, default=False)
    accetta_tirocinio: Mapped[bool] = mapped_column(Boolean, default=False)
    accetta_inserimento: Mapped[bool] = mapped_column(Boolean, default=False)
    accetta_progetto: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When set, the position serves mainly this Comune's people.
    comune_riservato_id: Mapped[int | None] = mapped_column(
        ForeignKey("comune.id", ondelete="RESTRICT"), index=True
    )
    attiva_dal: Mapped[dt.date] = mapped_column(Date)
    attiva_al: Mapped[dt.date | None] = mapped_column(Date)
    #: The host gives meal vouchers or a canteen: the indemnity rule's "meals provided" amount.
    pasti_forniti: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    ente: Mapped[EnteOspitante] = relationship(back_populates="postazioni")
    comune_riservato: Mapped[Comune | None] = relationship()

    def validate_model(self) -> None:
        if self.posti is not None and self.posti < 1:
            raise DomainError(gettext("A position needs at least one seat."), "posti")
        if self.ore_settimanali is not None and not (
            Decimal(0) < self.ore_settimanali <= 48
        ):
            raise DomainError(
                gettext("Weekly hours must be more than 0 and at most 48."),
                "ore_settimanali",
            )
        if not (
            self.accetta_assistenziale
            or self.accetta_tirocinio
            or self.accetta_inserimento
            or self.accetta_progetto
        ):
            raise DomainError(
                gettext("A position must accept at least one path type."),
                "accetta_tirocinio",
            )
        check_dates_in_order(
            self.attiva_dal,
            self.attiva_al,
            gettext("The end of the active period must not precede its start."),
            "attiva_al",
        )

    def __str__(self) -> str:
        ente = self.ente.ragione_sociale if self.ente else ""
        return f"{self.mansione} – {ente}"
