"""The database itself refuses rows that break an invariant (STYLE.md, convention 3).

Each test writes the bad row past the Python checks (``validate_model`` is not called on
flush; ``@validates`` hooks are bypassed with Core statements where they would interfere)
and expects ``IntegrityError`` naming the constraint at fault. Where it helps, the good row
is shown to pass, so the constraint is not merely refusing everything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from flask_babel import gettext
from sqlalchemy import String, Table, literal, select, update
from sqlalchemy.exc import IntegrityError

from models import (
    AllegatoPercorso,
    Base,
    Budget,
    Comune,
    Diario,
    DocumentoGenerato,
    EnteOspitante,
    Fattura,
    Ore,
    Pagamento,
    Percorso,
    Persona,
    Postazione,
    Programma,
    RigaFattura,
    TipoDocumentoPercorso,
    TipologiaProgramma,
    VariazioneBudget,
    VoceListino,
    Voucher,
)
from models.base import (
    Esito,
    StatoPercorso,
    StatoVoucher,
    TipoContratto,
    TipoEvento,
    TipologiaPercorso,
    TipoOre,
    TipoVoce,
)
from models.errors import integrity_message
from models.sdi import NotificaSdi, TipoNotificaSdi, TrasmissioneSdi

from . import factories as f

D = Decimal


@dataclass
class Dati:
    """Committed reference rows the tests hang their bad rows on."""

    comune: Comune
    programma: Programma
    voce: VoceListino
    persona: Persona
    percorso: Percorso
    ente: EnteOspitante
    postazione: Postazione


@pytest.fixture
def dati(session) -> Dati:
    comune = f.make_comune(session)
    programma = f.make_programma(session)
    persona = f.make_persona(session, comune)
    percorso = f.make_percorso(
        session, persona, comune, programma, data_presa_in_carico=dt.date(2025, 3, 5)
    )
    ente = f.make_ente(session, comune)
    postazione = f.make_postazione(session, ente)
    session.commit()
    return Dati(comune, programma, programma.voci[0], persona, percorso, ente, postazione)


def refused(session, write, *names: str) -> IntegrityError:
    """``write()`` raises IntegrityError whose text names one of ``names``; then roll back.

    CHECK and UNIQUE violations name the constraint on PostgreSQL; SQLite names CHECKs but
    gives the columns of a UNIQUE and no name at all for a foreign key.
    """
    with pytest.raises(IntegrityError) as exc:
        write()
    session.rollback()
    text = str(exc.value.orig)
    assert any(name in text for name in names), text
    return exc.value


def adding(session, obj):
    """A write that adds ``obj`` and flushes."""

    def write():
        session.add(obj)
        session.flush()

    return write


def setting(session, obj, **values):
    """A write that changes ``obj``'s columns with a Core UPDATE (no ``@validates``)."""
    model = type(obj)
    stmt = update(model.__table__).where(model.__table__.c.id == obj.id).values(**values)
    return lambda: session.execute(stmt)


def accepted(session, write) -> None:
    """``write()`` succeeds and commits."""
    write()
    session.commit()


# --- Money ------------------------------------------------------------------------------


def test_budget_importo_iniziale_cannot_be_negative(session, dati):
    def budget(importo):
        return Budget(
            programma=dati.programma,
            comune=dati.comune,
            data_inizio=dt.date(2025, 1, 1),
            data_fine=dt.date(2025, 12, 31),
            importo_iniziale=importo,
        )

    refused(session, adding(session, budget(D("-0.01"))), "ck_budget_importo_non_negativo")
    accepted(session, adding(session, budget(D("0.00"))))
    assert session.scalar(select(Budget.importo_iniziale)) == 0


def test_voce_listino_prezzo_unitario_cannot_be_negative(session, dati):
    refused(
        session,
        setting(session, dati.voce, prezzo_unitario=D("-1.00")),
        "ck_voce_listino_prezzo_non_negativo",
    )
    accepted(session, setting(session, dati.voce, prezzo_unitario=D("0.00")))
    assert session.get(VoceListino, dati.voce.id).prezzo_unitario == 0


def test_riga_fattura_prezzo_unitario_cannot_be_negative(session, dati):
    fattura = f.make_fattura(session, dati.comune, dati.programma)
    riga = f.make_riga_fattura(session, fattura)
    session.commit()
    refused(
        session,
        setting(session, riga, prezzo_unitario=D("-200.00")),
        "ck_riga_fattura_prezzo_non_negativo",
    )
    accepted(session, setting(session, riga, prezzo_unitario=D("0.00")))
    assert session.get(RigaFattura, riga.id).prezzo_unitario == 0


@pytest.mark.parametrize("colonna", ["imponibile", "iva"])
def test_fattura_totals_cannot_be_negative(session, dati, colonna):
    fattura = f.make_fattura_emessa(session, dati.comune, dati.programma)
    session.commit()
    refused(session, setting(session, fattura, **{colonna: D("-0.01")}), f"ck_fattura_{colonna}")
    accepted(session, setting(session, fattura, **{colonna: D("0.00")}))
    assert getattr(session.get(Fattura, fattura.id), colonna) == 0


@pytest.mark.parametrize("importo", [D("0.00"), D("-10.00")], ids=str)
def test_pagamento_importo_must_be_positive(session, dati, importo):
    fattura = f.make_fattura_emessa(session, dati.comune, dati.programma)
    session.commit()
    pagamento = Pagamento(fattura=fattura, data=dt.date(2025, 5, 1), importo=importo)
    refused(session, adding(session, pagamento), "ck_pagamento_importo_positivo")
    ok = Pagamento(fattura=fattura, data=dt.date(2025, 5, 1), importo=D("0.01"))
    accepted(session, adding(session, ok))
    assert session.scalar(select(Pagamento.importo)) == D("0.01")


# --- Hours ------------------------------------------------------------------------------


@pytest.mark.parametrize("ore", [D("0"), D("-1"), D("24.5")], ids=str)
def test_ore_outside_zero_to_24_are_refused(session, dati, ore):
    riga = Ore(percorso=dati.percorso, data=dt.date(2025, 4, 7), tipo=TipoOre.PRESENZA, ore=ore)
    refused(session, adding(session, riga), "ck_ore_ore_in_giornata")
    assert session.scalar(select(Ore.id)) is None


def test_ore_of_a_full_24_hour_day_are_accepted(session, dati):
    accepted(session, lambda: f.make_ore(session, dati.percorso, ore=D("24")))
    assert session.scalar(select(Ore.ore)) == 24


def test_one_ore_row_per_percorso_per_day_per_tipo(session, dati):
    giorno = dt.date(2025, 4, 7)
    f.make_ore(session, dati.percorso, data=giorno, tipo=TipoOre.PRESENZA)
    session.commit()
    doppione = Ore(percorso=dati.percorso, data=giorno, tipo=TipoOre.PRESENZA, ore=D("2"))
    refused(
        session,
        adding(session, doppione),
        "uq_ore_percorso_tipo_data",
        "ore.percorso_id, ore.tipo, ore.data",
    )
    # The same day may also hold tutoring hours: the key includes the kind.
    accepted(
        session, lambda: f.make_ore(session, dati.percorso, data=giorno, tipo=TipoOre.AFFIANCAMENTO)
    )
    assert len(session.scalars(select(Ore).where(Ore.data == giorno)).all()) == 2


# --- Seats and identities ---------------------------------------------------------------


def test_postazione_needs_at_least_one_seat(session, dati):
    refused(session, setting(session, dati.postazione, posti=0), "ck_postazione_posti_positivi")
    accepted(session, setting(session, dati.postazione, posti=1))
    assert session.get(Postazione, dati.postazione.id).posti == 1


def test_persona_codice_fiscale_is_unique(session, dati):
    gemello = Persona(
        codice_fiscale=dati.persona.codice_fiscale,
        cognome="Altro",
        nome="Nome",
        data_nascita=dt.date(1990, 1, 1),
        sesso=dati.persona.sesso,
        comune_residenza=dati.comune,
    )
    refused(
        session, adding(session, gemello), "uq_persona_codice_fiscale", "persona.codice_fiscale"
    )
    assert session.scalar(select(Persona.id).where(Persona.cognome == "Altro")) is None


def test_fattura_numero_is_unique_within_its_year(session, dati):
    f.make_fattura_emessa(session, dati.comune, dati.programma, anno=2025, numero=1)
    session.commit()
    refused(
        session,
        lambda: f.make_fattura_emessa(session, dati.comune, dati.programma, anno=2025, numero=1),
        "uq_fattura_anno_numero",
        "fattura.anno, fattura.numero",
    )
    # Numbering restarts every year.
    accepted(
        session,
        lambda: f.make_fattura_emessa(session, dati.comune, dati.programma, anno=2026, numero=1),
    )
    assert session.scalars(select(Fattura.anno).order_by(Fattura.anno)).all() == [2025, 2026]


# --- Periods: the end never precedes the start ------------------------------------------

PRIMA = dt.date(2025, 6, 1)
DOPO = dt.date(2025, 6, 30)


#: (model, start column, end column, constraint name, builder of the row from ``dati``)
PERIODI = {
    "programma": (
        Programma,
        "data_inizio",
        "data_fine",
        "ck_programma_periodo",
        lambda dati: dati.programma,
    ),
    "budget": (Budget, "data_inizio", "data_fine", "ck_budget_periodo", None),
    "voce_listino": (
        VoceListino,
        "valido_dal",
        "valido_al",
        "ck_voce_listino_validita",
        lambda dati: dati.voce,
    ),
    "postazione": (
        Postazione,
        "attiva_dal",
        "attiva_al",
        "ck_postazione_periodo_attivo",
        lambda dati: dati.postazione,
    ),
    "fattura": (Fattura, "periodo_dal", "periodo_al", "ck_fattura_periodo", None),
    "ente_convenzione": (
        EnteOspitante,
        "convenzione_data",
        "convenzione_scadenza",
        "ck_ente_ospitante_convenzione_date",
        lambda dati: dati.ente,
    ),
}


@pytest.mark.parametrize("periodo", list(PERIODI))
def test_end_date_cannot_precede_start_date(session, dati, periodo):
    model, inizio, fine, constraint, row_of = PERIODI[periodo]
    if model is Budget:
        row = f.make_budget(session, dati.programma, dati.comune)
    elif model is Fattura:
        row = f.make_fattura(session, dati.comune, dati.programma)
    else:
        row = row_of(dati)
    session.commit()
    refused(session, setting(session, row, **{inizio: DOPO, fine: PRIMA}), constraint)
    # A one-day period is fine.
    accepted(session, setting(session, row, **{inizio: PRIMA, fine: PRIMA}))
    session.expire_all()
    assert getattr(session.get(model, row.id), fine) == PRIMA


#: Each step of a path, and the earlier step it must not precede.
PASSI_PERCORSO = [
    ("data_presa_in_carico", dt.date(2025, 2, 28), "ck_percorso_presa_in_carico_dopo_segnalazione"),
    ("data_primo_colloquio", dt.date(2025, 3, 4), "ck_percorso_colloquio_dopo_presa_in_carico"),
    ("data_avvio", dt.date(2025, 3, 4), "ck_percorso_avvio_dopo_presa_in_carico"),
    ("data_fine", dt.date(2025, 2, 28), "ck_percorso_fine_dopo_segnalazione"),
]


@pytest.mark.parametrize(
    "colonna,data,constraint", PASSI_PERCORSO, ids=[p[0] for p in PASSI_PERCORSO]
)
def test_percorso_steps_cannot_precede_the_previous_step(session, dati, colonna, data, constraint):
    # The fixture's path was referred on 1 March and taken in charge on 5 March.
    refused(session, setting(session, dati.percorso, **{colonna: data}), constraint)
    accepted(session, setting(session, dati.percorso, **{colonna: dt.date(2025, 3, 5)}))
    session.expire_all()
    assert getattr(session.get(Percorso, dati.percorso.id), colonna) == dt.date(2025, 3, 5)


def test_percorso_expected_end_cannot_precede_activation(session, dati):
    avviato = setting(session, dati.percorso, data_avvio=dt.date(2025, 3, 20))
    accepted(session, avviato)
    refused(
        session,
        setting(session, dati.percorso, data_fine_prevista=dt.date(2025, 3, 19)),
        "ck_percorso_fine_prevista_dopo_avvio",
    )
    accepted(session, setting(session, dati.percorso, data_fine_prevista=dt.date(2025, 9, 19)))
    session.expire_all()
    assert session.get(Percorso, dati.percorso.id).data_fine_prevista == dt.date(2025, 9, 19)


# --- States that need their data --------------------------------------------------------


def test_rejected_voucher_needs_a_reason(session, dati):
    voucher = f.make_voucher(session, dati.percorso)
    decisore = f.make_user(session, "pal@example.org", ["pal"])
    session.commit()
    respinto = dict(
        stato=StatoVoucher.RESPINTO, data_decisione=dt.date(2025, 3, 12), decisore_id=decisore.id
    )
    refused(session, setting(session, voucher, **respinto), "ck_voucher_rifiuto_motivato")
    accepted(session, setting(session, voucher, **respinto, motivo_rifiuto="Budget esaurito"))
    session.expire_all()
    assert session.get(Voucher, voucher.id).stato is StatoVoucher.RESPINTO


@pytest.mark.parametrize("manca", ["data_avvio", "postazione_id"])
def test_active_percorso_needs_data_avvio_and_postazione(session, dati, manca):
    attivo = dict(
        stato=StatoPercorso.ATTIVO,
        data_avvio=dt.date(2025, 3, 20),
        postazione_id=dati.postazione.id,
    )
    refused(
        session,
        setting(session, dati.percorso, **{**attivo, manca: None}),
        "ck_percorso_attivo_con_postazione",
    )
    accepted(session, setting(session, dati.percorso, **attivo))
    session.expire_all()
    assert session.get(Percorso, dati.percorso.id).stato is StatoPercorso.ATTIVO


@pytest.mark.parametrize("manca", ["esito", "data_fine"])
def test_concluded_percorso_needs_esito_and_data_fine(session, dati, manca):
    concluso = dict(
        stato=StatoPercorso.CONCLUSO,
        esito=Esito.NON_ASSUNTO,
        data_fine=dt.date(2025, 9, 30),
    )
    refused(
        session,
        setting(session, dati.percorso, **{**concluso, manca: None}),
        "ck_percorso_concluso_con_esito",
    )
    accepted(session, setting(session, dati.percorso, **concluso))
    session.expire_all()
    assert session.get(Percorso, dati.percorso.id).esito is Esito.NON_ASSUNTO


@pytest.mark.parametrize("manca", ["data_assunzione", "datore_lavoro_id", "tipo_contratto"])
def test_hired_outcome_needs_date_employer_and_contract(session, dati, manca):
    assunto = dict(
        esito=Esito.ASSUNTO,
        data_assunzione=dt.date(2025, 10, 1),
        datore_lavoro_id=dati.ente.id,
        tipo_contratto=TipoContratto.TEMPO_DETERMINATO,
    )
    refused(
        session,
        setting(session, dati.percorso, **{**assunto, manca: None}),
        "ck_percorso_assunzione_completa",
    )
    accepted(session, setting(session, dati.percorso, **assunto))
    session.expire_all()
    assert session.get(Percorso, dati.percorso.id).tipo_contratto is TipoContratto.TEMPO_DETERMINATO


def test_variazione_budget_importo_cannot_be_zero(session, dati):
    budget = f.make_budget(session, dati.programma, dati.comune)
    session.commit()

    def variazione(importo):
        return VariazioneBudget(
            budget=budget, data=dt.date(2025, 6, 1), importo=importo, motivo="Delibera"
        )

    refused(
        session, adding(session, variazione(D("0.00"))), "ck_variazione_budget_importo_non_nullo"
    )
    accepted(session, adding(session, variazione(D("-500.00"))))
    assert session.scalar(select(VariazioneBudget.importo)) == D("-500.00")


# --- Enum columns -----------------------------------------------------------------------


def _enum_columns():
    """Every enum column of the schema, as "table.column"."""
    return sorted(
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if getattr(column.type, "enum_class", None) is not None
    )


def _one_row_per_enum_table(session, dati) -> dict[str, int]:
    """The id of a row in each table that has an enum column."""
    voucher = f.make_voucher(session, dati.percorso)
    ore = f.make_ore(session, dati.percorso)
    fattura = f.make_fattura(session, dati.comune, dati.programma)
    diario = Diario(
        percorso=dati.percorso,
        data=dt.date(2025, 3, 6),
        tipo=TipoEvento.COLLOQUIO,
        descrizione="Primo colloquio",
    )
    session.add(diario)
    riga = f.make_riga_fattura(session, fattura)
    tipologia = TipologiaProgramma(programma=dati.programma, tipologia=TipologiaPercorso.TIROCINIO)
    session.add(tipologia)
    trasmissione = TrasmissioneSdi(fattura=fattura, progressivo=1, nome_file="IT01234560173_00001",
                                   inviata_il=dt.datetime(2025, 4, 3, 9, 0), xml=b"<x/>")
    notifica = NotificaSdi(trasmissione=trasmissione, tipo=TipoNotificaSdi.RC, message_id="1",
                           registrata_il=dt.datetime(2025, 4, 3, 10, 0))
    session.add_all([trasmissione, notifica])
    documento = DocumentoGenerato(percorso=dati.percorso, tipo=TipoDocumentoPercorso.CONVENZIONE, formato="pdf",
                                  nome_file="convenzione.pdf")
    allegato = AllegatoPercorso(percorso=dati.percorso, tipo=TipoDocumentoPercorso.CONVENZIONE, nome_originale="c.pdf",
                                chiave="c.pdf", tipo_mime="application/pdf", dimensione=1, sha256="0" * 64)
    session.add_all([documento, allegato])
    session.flush()
    rows = {
        "trasmissione_sdi": trasmissione.id,
        "notifica_sdi": notifica.id,
        "programma": dati.programma.id,
        "tipologia_programma": tipologia.id,
        "riga_fattura": riga.id,
        "persona": dati.persona.id,
        "ente_ospitante": dati.ente.id,
        "voce_listino": dati.voce.id,
        "percorso": dati.percorso.id,
        "voucher": voucher.id,
        "ore": ore.id,
        "diario": diario.id,
        "fattura": fattura.id,
        "documento_generato": documento.id,
        "allegato_percorso": allegato.id,
    }
    session.commit()
    return rows


@pytest.mark.parametrize("colonna", _enum_columns())
def test_enum_columns_refuse_unknown_values(session, dati, colonna):
    table_name, column_name = colonna.split(".")
    table: Table = Base.metadata.tables[table_name]
    rows = _one_row_per_enum_table(session, dati)
    assert table_name in rows, f"add a {table_name} row to _one_row_per_enum_table"
    row_id = rows[table_name]
    before = session.execute(select(table.c[column_name]).where(table.c.id == row_id)).scalar()
    # A raw string typed as String skips the Enum type's own Python check.
    write = update(table).where(table.c.id == row_id).values({column_name: literal("X", String)})
    refused(session, lambda: session.execute(write), f"ck_{table_name}_")
    after = session.execute(select(table.c[column_name]).where(table.c.id == row_id)).scalar()
    assert after == before


# --- Deletes that would lose history ----------------------------------------------------


def test_comune_with_residents_cannot_be_deleted(session, dati):
    session.delete(dati.comune)
    refused(session, session.flush, "fk_persona_comune_residenza_id_comune", "FOREIGN KEY")
    assert session.get(Comune, dati.comune.id) is not None
    # A Comune nobody refers to can go.
    vuoto = f.make_comune(session)
    session.commit()
    session.delete(vuoto)
    session.commit()
    assert session.get(Comune, vuoto.id) is None


def test_persona_with_a_percorso_cannot_be_deleted(session, dati):
    session.delete(dati.persona)
    refused(session, session.flush, "fk_percorso_persona_id_persona", "FOREIGN KEY")
    assert session.get(Persona, dati.persona.id) is not None


def test_percorso_with_ore_cannot_be_deleted(session, dati):
    f.make_ore(session, dati.percorso)
    session.commit()
    session.delete(dati.percorso)
    refused(session, session.flush, "fk_ore_percorso_id_percorso", "FOREIGN KEY")
    assert session.get(Percorso, dati.percorso.id) is not None


def test_voce_listino_used_by_an_addebito_cannot_be_deleted(session, dati):
    voce = session.scalars(
        select(VoceListino).where(VoceListino.tipo == TipoVoce.ATTIVAZIONE_TIROCINIO)
    ).one()
    f.make_addebito(session, dati.percorso, voce)
    session.commit()
    session.delete(voce)
    refused(session, session.flush, "fk_addebito_voce_listino_id_voce_listino", "FOREIGN KEY")
    assert session.get(VoceListino, voce.id) is not None


# --- What the user is told (models/errors.py, integrity_message) -------------------------

def test_duplicate_invoice_number_is_explained_as_such(session, dati):
    f.make_fattura_emessa(session, dati.comune, dati.programma, anno=2025, numero=7)
    session.commit()
    exc = refused(
        session,
        lambda: f.make_fattura_emessa(session, dati.comune, dati.programma, anno=2025, numero=7),
        "uq_fattura_anno_numero",
        "fattura.anno, fattura.numero",
    )
    assert integrity_message(exc) == gettext("This invoice number is already used in this year.")


def test_active_percorso_without_postazione_is_not_explained_as_dates_out_of_order(session, dati):
    exc = refused(
        session,
        setting(
            session, dati.percorso, stato=StatoPercorso.ATTIVO, data_avvio=dt.date(2025, 3, 20)
        ),
        "ck_percorso_attivo_con_postazione",
    )
    assert integrity_message(exc) != gettext("The dates of the path are not in order.")
