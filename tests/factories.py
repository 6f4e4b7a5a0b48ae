"""Factory functions for test data: valid by default, overridable by keyword."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from flask_security import hash_password

from models import (
    CategoriaSvantaggio,
    Comune,
    DurataTirocinio,
    EnteOspitante,
    Percorso,
    Persona,
    Postazione,
    Programma,
    RegolaIndennita,
    Utente,
    VoceListino,
)
from models.base import Sesso, TipoEnte, TipologiaPercorso, TipoVoce
from seed.codici import make_codice_fiscale, make_partita_iva
from seed.users import ensure_roles

PASSWORD = "password-di-prova"
#: The agency's account (tests/conftest.py TEST_AGENCY): invoices are paid by transfer to it.
IBAN = "IT60X0542811101000000123456"

_seq = itertools.count(1)
_hash_cache: dict[str, str] = {}


def password_hash() -> str:
    """argon2 is slow on purpose: hash the test password once per run."""
    if PASSWORD not in _hash_cache:
        _hash_cache[PASSWORD] = hash_password(PASSWORD)
    return _hash_cache[PASSWORD]


def make_comune(session, **kw) -> Comune:
    n = next(_seq)
    values = dict(
        nome=f"Comune {n}",
        provincia="BS",
        codice_istat=f"{17000 + n:06d}",
        codice_fiscale=make_partita_iva(n + 500),
        codice_ipa=f"UF{n:04d}",
        indirizzo=f"Piazza del Municipio {n}",
    )
    values.update(kw)
    obj = Comune(**values)
    session.add(obj)
    session.flush()
    return obj


def make_persona(session, comune, **kw) -> Persona:
    n = next(_seq)
    nascita = kw.pop("data_nascita", dt.date(1980, 1, 1) + dt.timedelta(days=n * 37))
    cognome = kw.pop("cognome", f"Cognome{chr(65 + n % 26)}{chr(65 + (n // 26) % 26)}")
    nome = kw.pop("nome", "Mario")
    cf = kw.pop("codice_fiscale", None) or make_codice_fiscale(cognome, nome, nascita, "M", "B157")
    obj = Persona(
        codice_fiscale=cf,
        cognome=cognome,
        nome=nome,
        data_nascita=nascita,
        sesso=Sesso.M,
        comune_residenza=comune,
        **kw,
    )
    session.add(obj)
    session.flush()
    return obj


def make_programma(session, durata=(2, 12), **kw) -> Programma:
    """A programme with the ZeroOttanta price list and, unless ``durata`` is None, one general
    internship length rule (minimum, maximum months)."""
    n = next(_seq)
    values = dict(nome=f"Programma {n}", titolare="Comunità Montana", data_inizio=dt.date(2025, 1, 1))
    values.update(kw)
    obj = Programma(**values)
    session.add(obj)
    session.flush()
    if durata is not None:
        session.add(DurataTirocinio(programma=obj, mesi_minimi=durata[0], mesi_massimi=durata[1]))
    for codice, tipo, unita, prezzo in (
        ("ATT", TipoVoce.ATTIVAZIONE_TIROCINIO, "attivazione", "200.00"),
        ("ASS", TipoVoce.ASSUNZIONE, "assunzione", "200.00"),
        ("ORA", TipoVoce.ORA_AFFIANCAMENTO, "ora", "21.00"),
    ):
        session.add(
            VoceListino(
                programma=obj,
                codice=codice,
                descrizione=tipo.value,
                tipo=tipo,
                unita=unita,
                prezzo_unitario=Decimal(prezzo),
                aliquota_iva=Decimal("22"),
                valido_dal=dt.date(2025, 1, 1),
            )
        )
    session.flush()
    return obj


def make_ente(session, comune, **kw) -> EnteOspitante:
    """A host with a framework agreement in force from 2024 to 2099 (a path starts only under
    one: models/operations/percorsi.py, ``check_agreement``)."""
    n = next(_seq)
    piva = make_partita_iva(n + 9000)
    values = dict(
        ragione_sociale=f"Ente {n}",
        tipo=TipoEnte.IMPRESA,
        codice_fiscale=piva,
        partita_iva=piva,
        comune=comune,
        convenzione_numero=f"CONV-{n}",
        convenzione_data=dt.date(2024, 1, 1),
        convenzione_scadenza=dt.date(2099, 12, 31),
    )
    values.update(kw)
    obj = EnteOspitante(**values)
    session.add(obj)
    session.flush()
    return obj


def make_postazione(session, ente, **kw) -> Postazione:
    values = dict(
        ente=ente,
        mansione="Magazziniere",
        posti=2,
        accetta_tirocinio=True,
        attiva_dal=dt.date(2025, 1, 1),
    )
    values.update(kw)
    obj = Postazione(**values)
    session.add(obj)
    session.flush()
    return obj


def make_percorso(session, persona, comune, programma, **kw) -> Percorso:
    values = dict(
        persona=persona,
        comune=comune,
        programma=programma,
        tipologia=TipologiaPercorso.TIROCINIO,
        data_segnalazione=dt.date(2025, 3, 1),
    )
    values.update(kw)
    obj = Percorso(**values)
    session.add(obj)
    session.flush()
    return obj


def make_user(session, email, roles, comune=None) -> Utente:
    known = ensure_roles(session)
    obj = Utente(
        email=email,
        password=password_hash(),
        active=True,
        fs_uniquifier=uuid.uuid4().hex,
        roles=[known[r] for r in roles],
        comune=comune,
    )
    session.add(obj)
    session.flush()
    return obj


@dataclass
class World:
    """Two Comuni (ours and another), a programme, people and paths in each, users per role."""

    comune: Comune
    altro_comune: Comune
    programma: Programma
    persona: Persona
    altra_persona: Persona
    percorso: Percorso
    altro_percorso: Percorso
    ente: EnteOspitante
    users: dict[str, Utente] = field(default_factory=dict)

    def ids(self) -> WorldIds:
        return WorldIds(
            self.comune.id,
            self.altro_comune.id,
            self.programma.id,
            self.persona.id,
            self.altra_persona.id,
            self.percorso.id,
            self.altro_percorso.id,
            self.ente.id,
            {k: LoginAs(u) for k, u in self.users.items()},
        )


class LoginAs:
    """What FlaskLoginClient needs of a user: its Flask-Security id."""

    def __init__(self, user: Utente):
        self.id = user.id
        self.email = user.email
        self.fs_uniquifier = user.fs_uniquifier

    def get_id(self) -> str:
        return self.fs_uniquifier


@dataclass
class WorldIds:
    """The ids of a committed World, usable outside its app context."""

    comune: int
    altro_comune: int
    programma: int
    persona: int
    altra_persona: int
    percorso: int
    altro_percorso: int
    ente: int
    users: dict[str, LoginAs]


def make_world(session) -> World:
    comune = make_comune(session, nome="Lumezzane")
    altro = make_comune(session, nome="Gardone Val Trompia")
    programma = make_programma(session)
    session.add(CategoriaSvantaggio(codice="L381", descrizione="L. 381/91"))
    persona = make_persona(session, comune, cognome="Bianchi")
    altra = make_persona(session, altro, cognome="Verdi")
    percorso = make_percorso(session, persona, comune, programma)
    altro_percorso = make_percorso(session, altra, altro, programma)
    ente = make_ente(session, comune)
    users = {
        role: make_user(session, f"{role}@example.org", [role])
        for role in ("operatore", "pal", "amministrazione", "admin")
    }
    users["servizio_sociale"] = make_user(
        session, "servizio_sociale@example.org", ["servizio_sociale"], comune
    )
    users["servizio_sociale_altro"] = make_user(
        session, "ss-altro@example.org", ["servizio_sociale"], altro
    )
    # Issue 14: a cooperative's tutor, confined to the cooperative's people.
    coop = make_ente(session, comune, ragione_sociale="Cooperativa Sociale di prova", tipo=TipoEnte.COOP_B)
    users["tutor_coop"] = make_user(session, "tutor-coop@example.org", ["tutor_coop"])
    users["tutor_coop"].ente = coop
    session.flush()
    return World(comune, altro, programma, persona, altra, percorso, altro_percorso, ente, users)


# --- Budgets, vouchers, hours, charges and invoices (appended for the constraint tests) ---

from models import (  # noqa: E402
    Addebito,
    Budget,
    Fattura,
    Ore,
    RigaFattura,
    Voucher,
)
from models.base import StatoFattura, TipoOre  # noqa: E402


def make_budget(session, programma, comune, **kw):
    """A Comune's budget for the whole of 2025."""
    values = dict(
        programma=programma,
        comune=comune,
        data_inizio=dt.date(2025, 1, 1),
        data_fine=dt.date(2025, 12, 31),
        importo_iniziale=Decimal("10000.00"),
    )
    values.update(kw)
    obj = Budget(**values)
    session.add(obj)
    session.flush()
    return obj


def make_voucher(session, percorso, **kw):
    """A proposed voucher with no lines."""
    values = dict(percorso=percorso, data_proposta=dt.date(2025, 3, 10))
    values.update(kw)
    obj = Voucher(**values)
    session.add(obj)
    session.flush()
    return obj


def make_ore(session, percorso, **kw):
    """Four hours of attendance on a working day."""
    values = dict(
        percorso=percorso, data=dt.date(2025, 4, 7), tipo=TipoOre.PRESENZA, ore=Decimal("4")
    )
    values.update(kw)
    obj = Ore(**values)
    session.add(obj)
    session.flush()
    return obj


def make_addebito(session, percorso, voce_listino, **kw):
    """One delivered unit of a price-list item."""
    values = dict(
        percorso=percorso,
        voce_listino=voce_listino,
        data=dt.date(2025, 4, 7),
        quantita=Decimal("1"),
    )
    values.update(kw)
    obj = Addebito(**values)
    session.add(obj)
    session.flush()
    return obj


def make_fattura(session, comune, programma, **kw):
    """A draft invoice for the first quarter of 2025."""
    values = dict(
        comune=comune,
        programma=programma,
        periodo_dal=dt.date(2025, 1, 1),
        periodo_al=dt.date(2025, 3, 31),
    )
    values.update(kw)
    obj = Fattura(**values)
    session.add(obj)
    session.flush()
    return obj


def make_fattura_emessa(session, comune, programma, anno=2025, numero=1, **kw):
    """An issued invoice: numbered, dated, with its totals."""
    values = dict(
        stato=StatoFattura.EMESSA,
        anno=anno,
        numero=numero,
        data=dt.date(anno, 4, 1),
        imponibile=Decimal("200.00"),
        iva=Decimal("44.00"),
    )
    values.update(kw)
    return make_fattura(session, comune, programma, **values)


def make_riga_fattura(session, fattura, **kw):
    """An invoice line: one internship activation."""
    values = dict(
        fattura=fattura,
        descrizione="Attivazione tirocinio",
        quantita=Decimal("1"),
        prezzo_unitario=Decimal("200.00"),
        aliquota_iva=Decimal("22"),
    )
    values.update(kw)
    obj = RigaFattura(**values)
    session.add(obj)
    session.flush()
    return obj


# --- Invoicing: uninvoiced charges of a path (appended for the invoice tests) ---


def voce_di(session, programma, tipo):
    """The programme's price-list item of kind ``tipo`` (make_programma creates one of each)."""
    from sqlalchemy import select

    return session.scalars(
        select(VoceListino).where(VoceListino.programma_id == programma.id, VoceListino.tipo == tipo)
    ).one()


def make_charges(session, percorso, tipo, *quantities, day=dt.date(2025, 3, 10)):
    """One uninvoiced charge of the path's programme item ``tipo`` per quantity, dated ``day``."""
    voce = voce_di(session, percorso.programma, tipo)
    return [make_addebito(session, percorso, voce, data=day, quantita=Decimal(str(q))) for q in quantities]



def make_regola_indennita(session, programma, **kw) -> RegolaIndennita:
    """An indemnity rule of ``programma`` from its start: Lombardy's figures unless told."""
    values = dict(valida_dal=programma.data_inizio, importo_pieno=Decimal("500.00"),
                  importo_con_pasti=Decimal("400.00"), importo_part_time=Decimal("350.00"),
                  ore_giornaliere_part_time=Decimal("4"), importo_ente_pubblico=Decimal("300.00"),
                  presenza_minima_pct=Decimal("80"), pro_rata_sotto_minimo=False,
                  pro_rata_mese_parziale=True, riferimento="DGR Lombardia 7763/2018")
    values.update(kw)
    obj = RegolaIndennita(programma=programma, **values)
    session.add(obj)
    session.flush()
    return obj
