"""The scale data set's sizes, shared constants, the generated path record and two helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from models.base import Esito, StatoPercorso, TipoEnte, TipologiaPercorso, TipoVoce

PROGRAMMA_NOME = "PAL regionale (dati sintetici)"
SEED = 2026
S, T = StatoPercorso, TipologiaPercorso
CENT = Decimal("0.01")
IVA = Decimal("22")
FOUR, EIGHT = Decimal(4), Decimal(8)
PROVINCE = ("BS", "BG", "MI", "CR", "MN", "LO", "CO", "VA", "SO", "LC", "PV", "MB")
SUFFISSI = ("", "i", "ini", "etti", "elli", "oni", "ato", "otti")
MANSIONI = (
    "Addetto/a magazzino", "Aiuto cuoco/a", "Addetto/a pulizie", "Operatore/trice ecologico",
    "Addetto/a manutenzione verde", "Assistente di biblioteca", "Addetto/a assemblaggio",
    "Commesso/a", "Addetto/a segreteria", "Aiuto giardiniere", "Operaio/a generico",
    "Addetto/a lavanderia",
)
TIPI_ENTE = tuple(TipoEnte)
TIPOLOGIE = (T.TIROCINIO, T.INSERIMENTO_LAVORATIVO, T.ASSISTENZIALE, T.PROGETTO_PERSONALIZZATO)
PESI_TIPOLOGIE = (35, 25, 20, 20)
ACCETTA = {T.ASSISTENZIALE: 0, T.TIROCINIO: 1, T.INSERIMENTO_LAVORATIVO: 2,
           T.PROGETTO_PERSONALIZZATO: 3}
#: Planned services by path type, as in the demo (voce kind, quantity).
RIGHE = {
    T.TIROCINIO: ((TipoVoce.ATTIVAZIONE_TIROCINIO, 1), (TipoVoce.ORA_AFFIANCAMENTO, 30)),
    T.INSERIMENTO_LAVORATIVO: ((TipoVoce.ASSUNZIONE, 1), (TipoVoce.ORA_AFFIANCAMENTO, 10)),
    T.ASSISTENZIALE: ((TipoVoce.ALTRO, 6),),
    T.PROGETTO_PERSONALIZZATO: ((TipoVoce.ORA_AFFIANCAMENTO, 15), (TipoVoce.ALTRO, 4)),
}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind ``factor`` asks for."""

    comuni: int
    persone: int
    percorsi: int
    enti: int
    postazioni: int
    ore: int
    addebiti: int
    fatture: int

    @classmethod
    def of(cls, factor: float) -> Sizes:
        def n(base: int, least: int) -> int:
            return max(least, round(base * factor))

        return cls(comuni=n(250, 2), persone=n(100_000, 50), percorsi=n(120_000, 60),
                   enti=n(2_000, 5), postazioni=n(8_000, 20), ore=n(2_000_000, 1_000),
                   addebiti=n(10_000, 20), fatture=n(2_000, 2))


@dataclass
class Path:
    """One generated path and its dates (None: the step was not reached by ``oggi``)."""

    id: int
    persona_id: int
    comune_id: int
    tipologia: TipologiaPercorso
    stato: StatoPercorso
    segnalazione: dt.date
    presa: dt.date | None = None
    colloquio: dt.date | None = None
    proposta: dt.date | None = None
    decisione: dt.date | None = None
    avvio: dt.date | None = None
    fine_prevista: dt.date | None = None
    fine: dt.date | None = None
    postazione: int | None = None
    esito: Esito | None = None
    datore: int | None = None
    motivo: str | None = None

