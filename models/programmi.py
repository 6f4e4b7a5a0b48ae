"""Programmes, their price lists and the Comuni's budgets with the history of changes."""

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
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from . import validation as v
from .anagrafiche import CategoriaSvantaggio, Comune, check_dates_in_order
from .base import (
    Base,
    Euro,
    Natura,
    Percentuale,
    QuantitaOre,
    RegolaAssunzione,
    Str100,
    Str200,
    TipologiaPercorso,
    TipoVoce,
    enum_column,
    euro,
)
from .errors import DomainError


class Programma(Base):
    """A programme: its period, deadlines, internship settings, price list and budgets."""

    __tablename__ = "programma"
    __table_args__ = (
        UniqueConstraint("nome", name="uq_programma_nome"),
        CheckConstraint("data_fine IS NULL OR data_fine >= data_inizio", name="periodo"),
        CheckConstraint("giorni_presa_in_carico > 0", name="giorni_presa_in_carico"),
        CheckConstraint("giorni_avvio > 0", name="giorni_avvio"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nome: Mapped[Str100]
    titolare: Mapped[Str200]
    descrizione: Mapped[str | None] = mapped_column(Text)
    data_inizio: Mapped[dt.date] = mapped_column(Date)
    data_fine: Mapped[dt.date | None] = mapped_column(Date)
    #: Days allowed from referral to intake (DOMAIN.md: 15).
    giorni_presa_in_carico: Mapped[int] = mapped_column(Integer, default=15)
    #: Days allowed from intake to activation (DOMAIN.md: 15).
    giorni_avvio: Mapped[int] = mapped_column(Integer, default=15)
    cig: Mapped[str | None] = mapped_column(String(10))
    cup: Mapped[str | None] = mapped_column(String(15))
    #: The Comuni cannot pay this programme's invoices without a CIG (art. 25 DL 66/2014,
    #: L. 136/2010 traceability): issuing is refused while the invoice has none (issue 15).
    cig_obbligatorio: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: When a hiring is billed (issue 14, item 4), and the price list's words behind the rule.
    regola_assunzione: Mapped[RegolaAssunzione] = mapped_column(
        enum_column(RegolaAssunzione, "regola_assunzione"),
        default=RegolaAssunzione.SALVO_TIROCINIO_STESSO_ENTE,
        server_default=RegolaAssunzione.SALVO_TIROCINIO_STESSO_ENTE.name,
    )
    fonte_regola_assunzione: Mapped[str | None] = mapped_column(Text)
    #: Budgets are held by the lead Comune of a district (WORK-IN): a path referred for a member
    #: Comune is referred, budgeted and invoiced for its lead Comune.
    budget_capofila: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    voci: Mapped[list[VoceListino]] = relationship(
        back_populates="programma", order_by="VoceListino.codice"
    )
    #: The internship indemnity rules, dated (models/indennita.py picks the one in force).
    regole_indennita: Mapped[list[RegolaIndennita]] = relationship(
        back_populates="programma", order_by="RegolaIndennita.valida_dal",
        cascade="all, delete-orphan",
    )
    #: Internship lengths by disadvantage category (models/operations/percorsi.py).
    durate_tirocinio: Mapped[list[DurataTirocinio]] = relationship(
        back_populates="programma", cascade="all, delete-orphan", order_by="DurataTirocinio.id"
    )
    tipologie: Mapped[list[TipologiaProgramma]] = relationship(
        back_populates="programma", cascade="all, delete-orphan",
        order_by="TipologiaProgramma.tipologia",
    )

    @validates("cig")
    def _v_cig(self, key, value):
        return v.optional_cig(value)

    @validates("cup")
    def _v_cup(self, key, value):
        return v.optional_cup(value)

    def tipologia(self, tipo: TipologiaPercorso) -> TipologiaProgramma | None:
        """The programme's settings of path type ``tipo``, if it offers it."""
        return next((t for t in self.tipologie if t.tipologia == tipo), None)

    def validate_model(self) -> None:
        check_dates_in_order(
            self.data_inizio,
            self.data_fine,
            gettext("The end date must not precede the start date."),
            "data_fine",
        )

    def __str__(self) -> str:
        return self.nome


class VoceListino(Base):
    """A price-list item of a programme, valid between two dates (DOMAIN.md, "Prices")."""

    __tablename__ = "voce_listino"
    __table_args__ = (
        UniqueConstraint("programma_id", "codice", "valido_dal", name="uq_voce_listino"),
        CheckConstraint("prezzo_unitario >= 0", name="prezzo_non_negativo"),
        CheckConstraint("aliquota_iva >= 0 AND aliquota_iva <= 100", name="aliquota_iva"),
        CheckConstraint("valido_al IS NULL OR valido_al >= valido_dal", name="validita"),
        # A line without VAT says why (its FatturaPA Natura); a taxed line has none.
        CheckConstraint("(aliquota_iva = 0) = (natura IS NOT NULL)", name="natura_senza_iva"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programma_id: Mapped[int] = mapped_column(
        ForeignKey("programma.id", ondelete="RESTRICT"), index=True
    )
    codice: Mapped[str] = mapped_column(String(30))
    descrizione: Mapped[Str200]
    tipo: Mapped[TipoVoce] = mapped_column(enum_column(TipoVoce, "tipo_voce"))
    #: The unit the price refers to, e.g. "ora", "attivazione".
    unita: Mapped[str] = mapped_column(String(30))
    prezzo_unitario: Mapped[Euro]
    aliquota_iva: Mapped[Percentuale] = mapped_column(default=22)
    #: FatturaPA Natura of an item without VAT (N4: exempt, e.g. art. 10 training services).
    natura: Mapped[Natura | None] = mapped_column(enum_column(Natura, "natura"))
    #: The law behind the Natura, printed on the invoice (e.g. "Esente art. 10 DPR 633/72").
    riferimento_normativo: Mapped[str | None] = mapped_column(String(100))
    valido_dal: Mapped[dt.date] = mapped_column(Date)
    valido_al: Mapped[dt.date | None] = mapped_column(Date)

    programma: Mapped[Programma] = relationship(back_populates="voci")

    def validate_model(self) -> None:
        if self.prezzo_unitario is not None and self.prezzo_unitario < 0:
            raise DomainError(
                gettext("The unit price cannot be negative."), "prezzo_unitario"
            )
        if self.aliquota_iva is not None and not (0 <= self.aliquota_iva <= 100):
            raise DomainError(
                gettext("The VAT rate must be between 0 and 100."), "aliquota_iva"
            )
        if self.aliquota_iva is not None and (self.aliquota_iva == 0) != (self.natura is not None):
            raise DomainError(
                gettext("An item without VAT needs its VAT nature (e.g. N4 exempt); "
                        "an item with VAT has none."),
                "natura",
            )
        check_dates_in_order(
            self.valido_dal,
            self.valido_al,
            gettext("The end of validity must not precede its start."),
            "valido_al",
        )

    def __str__(self) -> str:
        return f"{self.descrizione} ({euro(self.prezzo_unitario)})"


class TipologiaProgramma(Base):
    """A path type a programme offers, with its settings (issue 14, item 5): configured per
    programme, so that a new programme is data, not code."""

    __tablename__ = "tipologia_programma"
    __table_args__ = (
        UniqueConstraint("programma_id", "tipologia", name="uq_tipologia_programma"),
        CheckConstraint("ore_minime IS NULL OR ore_minime > 0", name="ore_minime"),
        CheckConstraint(
            "ore_massime IS NULL OR ore_minime IS NULL OR ore_massime >= ore_minime",
            name="ore_massime",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programma_id: Mapped[int] = mapped_column(
        ForeignKey("programma.id", ondelete="CASCADE"), index=True
    )
    tipologia: Mapped[TipologiaPercorso] = mapped_column(
        enum_column(TipologiaPercorso, "tipologia_percorso")
    )
    #: Attendance hours a path of this type must reach / may not exceed (Modena's secondment:
    #: "un minimo di 250 ore ad un massimo di 500 ore").
    ore_minime: Mapped[int | None] = mapped_column(Integer)
    ore_massime: Mapped[int | None] = mapped_column(Integer)
    #: Where the setting comes from, in the programme document's words.
    note: Mapped[str | None] = mapped_column(Text)

    programma: Mapped[Programma] = relationship(back_populates="tipologie")

    def validate_model(self) -> None:
        if self.ore_minime is not None and self.ore_minime <= 0:
            raise DomainError(gettext("The minimum hours must be more than 0."), "ore_minime")
        if (self.ore_minime is not None and self.ore_massime is not None
                and self.ore_massime < self.ore_minime):
            raise DomainError(
                gettext("The maximum hours must not be less than the minimum."), "ore_massime"
            )

    def __str__(self) -> str:
        return self.tipologia.label if self.tipologia else ""


class Budget(Base):
    """What a Comune puts into a programme for a period. Changes are kept as VariazioneBudget.

    Committed, consumed, invoiced and remaining amounts are derived (models/queries/budget.py),
    never stored.
    """

    __tablename__ = "budget"
    __table_args__ = (
        UniqueConstraint("programma_id", "comune_id", "data_inizio", name="uq_budget_periodo"),
        CheckConstraint("importo_iniziale >= 0", name="importo_non_negativo"),
        CheckConstraint("data_fine >= data_inizio", name="periodo"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programma_id: Mapped[int] = mapped_column(
        ForeignKey("programma.id", ondelete="RESTRICT"), index=True
    )
    comune_id: Mapped[int] = mapped_column(
        ForeignKey("comune.id", ondelete="RESTRICT"), index=True
    )
    data_inizio: Mapped[dt.date] = mapped_column(Date)
    data_fine: Mapped[dt.date] = mapped_column(Date)
    #: The amount first agreed; later changes are VariazioneBudget rows.
    importo_iniziale: Mapped[Euro]
    criteri: Mapped[str | None] = mapped_column(Text)
    cig: Mapped[str | None] = mapped_column(String(10))
    cup: Mapped[str | None] = mapped_column(String(15))
    #: The budget's CIG is required on its invoices, whatever the programme says.
    cig_obbligatorio: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The Comune's resolution (determina) that commits the budget, and its accounting
    #: commitment (impegno di spesa): FatturaPA DatiContratto of the invoices (issue 15).
    determina_numero: Mapped[str | None] = mapped_column(String(20))
    determina_data: Mapped[dt.date | None] = mapped_column(Date)
    impegno: Mapped[str | None] = mapped_column(String(100))

    programma: Mapped[Programma] = relationship()
    comune: Mapped[Comune] = relationship()
    variazioni: Mapped[list[VariazioneBudget]] = relationship(
        back_populates="budget",
        cascade="all, delete-orphan",
        order_by="VariazioneBudget.data",
    )

    @validates("cig")
    def _v_cig(self, key, value):
        return v.optional_cig(value)

    @validates("cup")
    def _v_cup(self, key, value):
        return v.optional_cup(value)

    def stanziato_con_variazioni(self) -> Decimal:
        """Allocated amount after changes, from the loaded rows (form validation).

        The list reads the same figure in SQL (``Budget.stanziato``, models/queries/budget.py).
        """
        return (self.importo_iniziale or Decimal("0")) + sum(
            (x.importo or Decimal("0") for x in self.variazioni), Decimal("0")
        )

    def validate_model(self) -> None:
        if self.importo_iniziale is not None and self.importo_iniziale < 0:
            raise DomainError(
                gettext("The amount cannot be negative."), "importo_iniziale"
            )
        check_dates_in_order(
            self.data_inizio,
            self.data_fine,
            gettext("The end date must not precede the start date."),
            "data_fine",
        )
        if self.stanziato_con_variazioni() < 0:
            raise DomainError(
                gettext("After its changes the budget would be negative."), "variazioni"
            )

    def __str__(self) -> str:
        comune = self.comune.nome if self.comune else ""
        return f"{comune} {self.data_inizio:%d/%m/%Y}–{self.data_fine:%d/%m/%Y}"


class VariazioneBudget(Base):
    """A change to a budget (increase or cut), with its reason: the budget's history."""

    __tablename__ = "variazione_budget"
    __table_args__ = (CheckConstraint("importo <> 0", name="importo_non_nullo"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(
        ForeignKey("budget.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dt.date] = mapped_column(Date)
    #: Positive adds money, negative takes it away.
    importo: Mapped[Euro]
    motivo: Mapped[Str200]
    registrata_il: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.now()
    )

    budget: Mapped[Budget] = relationship(back_populates="variazioni")

    def __str__(self) -> str:
        return f"{self.data:%d/%m/%Y} {euro(self.importo)}"



class RegolaIndennita(Base):
    """A programme's internship indemnity rule from a date (issue 12, item 4).

    The monthly amount depends on the case (``CasoIndennita``, first that applies): a public
    host, a position of at most ``ore_giornaliere_part_time`` hours a day, meals provided by the
    host, else full time. With at least ``presenza_minima_pct`` % of the expected attendance the
    amount is paid in full; below it pro rata or nothing. A month only partly inside the path
    pays its share of working days when ``pro_rata_mese_parziale``. Absences of the reasons
    marked ``conta_*`` count as attended. Lombardy's figures (DGR 7763/2018, README): 500, 400
    with meals, 350 up to 4 h a day, 300 at a public administration, full pay from 80 %.
    """

    __tablename__ = "regola_indennita"
    __table_args__ = (
        UniqueConstraint("programma_id", "valida_dal", name="uq_regola_indennita_dal"),
        CheckConstraint("valida_al IS NULL OR valida_al >= valida_dal", name="validita"),
        CheckConstraint(
            "importo_pieno >= 0 AND (importo_con_pasti IS NULL OR importo_con_pasti >= 0) "
            "AND (importo_part_time IS NULL OR importo_part_time >= 0) "
            "AND (importo_ente_pubblico IS NULL OR importo_ente_pubblico >= 0)",
            name="importo_non_negativo",
        ),
        CheckConstraint(
            "presenza_minima_pct >= 0 AND presenza_minima_pct <= 100", name="presenza_minima_pct"
        ),
        CheckConstraint(
            "ore_giornaliere_part_time > 0 AND ore_giornaliere_part_time <= 24",
            name="ore_giornaliere_part_time",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programma_id: Mapped[int] = mapped_column(
        ForeignKey("programma.id", ondelete="CASCADE"), index=True
    )
    valida_dal: Mapped[dt.date] = mapped_column(Date)
    valida_al: Mapped[dt.date | None] = mapped_column(Date)
    #: Monthly amount, full time (Lombardy: at least EUR 500).
    importo_pieno: Mapped[Euro]
    #: When the host gives meal vouchers or a canteen (Lombardy: 400); empty: the full amount.
    importo_con_pasti: Mapped[Euro | None]
    #: When the position takes at most ``ore_giornaliere_part_time`` a day (Lombardy: 350).
    importo_part_time: Mapped[Euro | None]
    ore_giornaliere_part_time: Mapped[QuantitaOre] = mapped_column(default=4)
    #: At a public administration (Lombardy: a flat 300).
    importo_ente_pubblico: Mapped[Euro | None]
    #: Minimum share of the expected attendance (%) for the full amount (Lombardy: 80).
    presenza_minima_pct: Mapped[Percentuale] = mapped_column(default=80)
    #: Below the minimum: True pays pro rata of the attendance, False pays nothing.
    pro_rata_sotto_minimo: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A month partly outside the path pays its share of the month's working days.
    pro_rata_mese_parziale: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Which absences count as attended (the day's expected hours).
    conta_malattia: Mapped[bool] = mapped_column(Boolean, default=False)
    conta_ferie: Mapped[bool] = mapped_column(Boolean, default=False)
    conta_festivita: Mapped[bool] = mapped_column(Boolean, default=True)
    conta_giustificata: Mapped[bool] = mapped_column(Boolean, default=False)
    conta_ingiustificata: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Where the figures come from (e.g. "DGR Lombardia 7763/2018").
    riferimento: Mapped[str | None] = mapped_column(String(200))

    programma: Mapped[Programma] = relationship(back_populates="regole_indennita")

    def validate_model(self) -> None:
        check_dates_in_order(
            self.valida_dal, self.valida_al,
            gettext("The end of validity must not precede its start."), "valida_al",
        )
        if self.presenza_minima_pct is not None and not (0 <= self.presenza_minima_pct <= 100):
            raise DomainError(gettext("The minimum attendance must be between 0 and 100 %."),
                              "presenza_minima_pct")
        for name in ("importo_pieno", "importo_con_pasti", "importo_part_time", "importo_ente_pubblico"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise DomainError(gettext("The amount cannot be negative."), name)

    def __str__(self) -> str:
        start = self.valida_dal.strftime("%d/%m/%Y") if self.valida_dal else ""
        return gettext("Indemnity rule from %(day)s", day=start)


class DurataTirocinio(Base):
    """How long a programme's internships may last, for a disadvantage category or for every
    other trainee (``categoria`` empty), extensions included (issue 12, item 5).

    A trainee in several categories gets the most favourable: the lowest minimum and the
    highest maximum of their categories' rules; a trainee in none, the general rule.
    """

    __tablename__ = "durata_tirocinio"
    __table_args__ = (
        UniqueConstraint("programma_id", "categoria_id", name="uq_durata_tirocinio_categoria"),
        CheckConstraint("mesi_massimi > 0", name="mesi_massimi"),
        CheckConstraint("mesi_minimi IS NULL OR (mesi_minimi >= 0 AND mesi_minimi <= mesi_massimi)",
                        name="mesi_minimi"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programma_id: Mapped[int] = mapped_column(
        ForeignKey("programma.id", ondelete="CASCADE"), index=True
    )
    #: Empty: the general rule, for trainees in no category with a rule of its own.
    categoria_id: Mapped[int | None] = mapped_column(
        ForeignKey("categoria_svantaggio.id", ondelete="RESTRICT"), index=True
    )
    #: Empty: no minimum (Lombardy: disadvantaged and disabled trainees).
    mesi_minimi: Mapped[int | None] = mapped_column(Integer)
    mesi_massimi: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(200))

    programma: Mapped[Programma] = relationship(back_populates="durate_tirocinio")
    categoria: Mapped[CategoriaSvantaggio | None] = relationship()

    def validate_model(self) -> None:
        if self.mesi_massimi is not None and self.mesi_massimi <= 0:
            raise DomainError(gettext("The maximum length must be at least one month."),
                              "mesi_massimi")
        if self.mesi_minimi is not None and self.mesi_massimi is not None and not (
            0 <= self.mesi_minimi <= self.mesi_massimi
        ):
            raise DomainError(gettext("The minimum length must not exceed the maximum."),
                              "mesi_minimi")

    def __str__(self) -> str:
        who = str(self.categoria) if self.categoria else gettext("every other trainee")
        low = self.mesi_minimi if self.mesi_minimi is not None else 0
        return f"{who}: {low}-{self.mesi_massimi}"
