"""Declarative base, the shared db object, column types and the domain enums."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Annotated

from flask_babel import gettext
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Enum, MetaData, Numeric, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, mapped_column

#: Constraint names are deterministic, so migrations and error messages can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Money: two decimals, never float.
Euro = Annotated[Decimal, mapped_column(Numeric(12, 2))]
#: Hours: 0.25 granularity fits in two decimals.
QuantitaOre = Annotated[Decimal, mapped_column(Numeric(5, 2))]
#: Percentages (VAT rate, attendance share, disability).
Percentuale = Annotated[Decimal, mapped_column(Numeric(5, 2))]
Str20 = Annotated[str, mapped_column(String(20))]
Str100 = Annotated[str, mapped_column(String(100))]
Str200 = Annotated[str, mapped_column(String(200))]


class Base(DeclarativeBase):
    """Base of every model: the naming convention of its constraints."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    """SQLite enforces foreign keys only when asked, on every connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def N_(msgid: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return msgid


class LabelledEnum(enum.Enum):
    """An enum whose values are English msgids; ``label`` is the translated text."""

    @property
    def label(self) -> str:
        return gettext(self.value)

    def __str__(self) -> str:
        return self.label


def euro(value: Decimal | None) -> str:
    """An amount as the current user reads it: "1.234,50 €" in Italian."""
    if value is None:
        return ""
    from flask import has_request_context
    from flask_babel import format_currency

    if has_request_context():
        return format_currency(value, "EUR")
    from babel.numbers import format_currency as babel_currency

    return babel_currency(value, "EUR", locale="it_IT")


def quantity(value, decimals: int = 2) -> str:
    """A quantity (hours, items, months) as the current user reads it: "1.234,5" in Italian,
    up to ``decimals`` decimals, none when whole ("3", "37,5")."""
    if value is None:
        return ""
    from flask import has_request_context

    fmt = "#,##0." + "#" * decimals if decimals else "#,##0"
    if has_request_context():
        from flask_babel import format_decimal

        return format_decimal(value, format=fmt)
    from babel.numbers import format_decimal as babel_decimal

    return babel_decimal(value, format=fmt, locale="it_IT")


def enum_column(enum_cls: type[enum.Enum], name: str):
    """A string-backed enum column with a named CHECK listing its values."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.name) for m in enum_cls),
        validate_strings=True,
    )


class Sesso(LabelledEnum):
    M = N_("male")
    F = N_("female")


class TipologiaPercorso(LabelledEnum):
    """Path types (DOMAIN.md, "Path types")."""

    ASSISTENZIALE = N_("welfare")
    #: Extracurricular internship (DGR 7763/2018 in Lombardy; other Regions' rules per programme).
    TIROCINIO = N_("internship")
    INSERIMENTO_LAVORATIVO = N_("job placement")
    PROGETTO_PERSONALIZZATO = N_("personalised project")
    #: Internship for social inclusion (WORK-IN: "tirocini extracurriculari e di inclusione sociale").
    TIROCINIO_INCLUSIONE = N_("social-inclusion internship")
    #: Secondment of a social cooperative's worker to a company (Modena: 250-500 hours).
    DISTACCO = N_("secondment")
    #: Paid work of public utility at the Comune's own positions (Beta "Lavorare insieme").
    PUBBLICA_UTILITA = N_("public-utility work")
    #: Personal intervention plan of catalogue services (SolCo Mantova).
    PIP = N_("personal intervention plan")


class StatoPercorso(LabelledEnum):
    """States of a Percorso (DOMAIN.md, "The flow"); changed only by operations."""

    SEGNALATO = N_("referred")
    PRESO_IN_CARICO = N_("taken in charge")
    IN_VALUTAZIONE = N_("under evaluation")
    VOUCHER_PROPOSTO = N_("voucher proposed")
    VOUCHER_APPROVATO = N_("voucher approved")
    ATTIVO = N_("active")
    CONCLUSO = N_("concluded")
    INTERROTTO = N_("interrupted")
    RITIRATO = N_("withdrawn")


class Esito(LabelledEnum):
    ASSUNTO = N_("hired")
    NON_ASSUNTO = N_("not hired")
    #: A seconded worker who stays with the cooperative (Modena: "ritorna nel precedente posto").
    RIENTRO = N_("back to the cooperative")


class StatoVoucher(LabelledEnum):
    PROPOSTO = N_("proposed")
    APPROVATO = N_("approved")
    RESPINTO = N_("rejected")


class TipoEnte(LabelledEnum):
    ASSOCIAZIONE = N_("association")
    ENTE_PUBBLICO = N_("public body")
    COOP_A = N_("social cooperative type A")
    COOP_B = N_("social cooperative type B")
    IMPRESA = N_("company")
    ALTRO = N_("other")


class CondizioneOccupazionale(LabelledEnum):
    DISOCCUPATO = N_("unemployed")
    INOCCUPATO = N_("never employed")
    OCCUPATO = N_("employed")
    STUDENTE = N_("student")
    PENSIONATO = N_("retired")


class TipoVoce(LabelledEnum):
    """What a price-list item prices; operations look items up by kind."""

    ATTIVAZIONE_TIROCINIO = N_("internship activation")
    ASSUNZIONE = N_("hiring")
    ORA_AFFIANCAMENTO = N_("tutoring hour")
    ALTRO = N_("other")
    #: An hour of public-utility work, paid by the Comune at an hourly rate.
    ORA_LAVORO = N_("public-utility work hour")


class TipoInviante(LabelledEnum):
    """Who refers a person to a programme (issue 14: Comuni, cooperatives, a district office)."""

    SERVIZIO_SOCIALE = N_("Comune social service")
    COOPERATIVA = N_("social cooperative")
    UFFICIO_DISTRETTO = N_("district office")


class RegolaAssunzione(LabelledEnum):
    """When a hiring is billed: a programme's rule, set from its price list (issue 14, item 4)."""

    #: ZeroOttanta: "inserimenti sotto forma di assunzione non successiva a percorsi di tirocinio
    #: effettuati nella stessa azienda": not after an internship at the same host, on any path.
    SALVO_TIROCINIO_STESSO_ENTE = N_("billed unless the host had the person in an internship")
    SEMPRE = N_("always billed")
    #: The programme's price list has no hiring fee: the hiring is an outcome only.
    MAI = N_("never billed")


class Natura(LabelledEnum):
    """FatturaPA Natura of a line without VAT (specifiche tecniche 1.2.2 / 1.7)."""

    N1 = N_("N1 excluded under art. 15")
    N2_1 = N_("N2.1 not subject, arts. 7 to 7-septies")
    N2_2 = N_("N2.2 not subject, other cases")
    N3_5 = N_("N3.5 non-taxable, declaration of intent")
    N3_6 = N_("N3.6 non-taxable, other transactions")
    N4 = N_("N4 exempt")
    N5 = N_("N5 margin scheme")
    N6_9 = N_("N6.9 reverse charge, other cases")
    N7 = N_("N7 VAT paid in another EU state")

    @property
    def codice(self) -> str:
        """The code as FatturaPA writes it: N2.2, N4."""
        return self.name.replace("_", ".")


class TipoOre(LabelledEnum):
    PRESENZA = N_("attendance")
    AFFIANCAMENTO = N_("tutoring")


class TipoEvento(LabelledEnum):
    COLLOQUIO = N_("interview")
    VISITA_AZIENDALE = N_("company visit")
    INCONTRO_VERIFICA = N_("review meeting")
    RELAZIONE_SERVIZIO_SOCIALE = N_("report to the social service")
    EQUIPE = N_("joint team meeting")
    ALTRO = N_("other")


class TipoDocumento(LabelledEnum):
    """FatturaPA TipoDocumento: invoice and credit note."""

    TD01 = N_("invoice")
    TD04 = N_("credit note")


class StatoFattura(LabelledEnum):
    BOZZA = N_("draft")
    EMESSA = N_("issued")
    PAGATA = N_("paid")
    STORNATA = N_("credited")


class TipoContratto(LabelledEnum):
    TEMPO_INDETERMINATO = N_("permanent")
    TEMPO_DETERMINATO = N_("fixed-term")
    APPRENDISTATO = N_("apprenticeship")
    SOMMINISTRAZIONE = N_("temporary agency")
    ALTRO = N_("other")


class TipoAssenza(LabelledEnum):
    """Why a person was absent on a day of the attendance register (issue 12, item 2).

    The indemnity rule of each programme says which reasons count as attended
    (models/indennita.py); ``codice`` is what people type in the month grid and read on the
    register.
    """

    MALATTIA = N_("sick leave")
    FERIE = N_("holiday leave")
    FESTIVITA = N_("public holiday")
    GIUSTIFICATA = N_("justified absence")
    INGIUSTIFICATA = N_("unjustified absence")

    @property
    def codice(self) -> str:
        return ASSENZA_CODICI[self]


#: The short codes of the grid and the register (Italian, as the registers on paper use them).
ASSENZA_CODICI = {
    TipoAssenza.MALATTIA: "M",
    TipoAssenza.FERIE: "F",
    TipoAssenza.FESTIVITA: "FS",
    TipoAssenza.GIUSTIFICATA: "AG",
    TipoAssenza.INGIUSTIFICATA: "AI",
}


class CasoIndennita(LabelledEnum):
    """Which monthly amount of an indemnity rule applies to a trainee (issue 12, item 4)."""

    ENTE_PUBBLICO = N_("public host")
    PART_TIME = N_("up to the part-time daily hours")
    PASTI = N_("meals provided")
    PIENO = N_("full time")
