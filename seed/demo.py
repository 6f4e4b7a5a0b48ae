"""The deterministic demo data set behind ``flask seed demo``: ZeroOttanta in Valle Trompia, then
the four other programmes and every programme's invoices (seed/demo_programmi.py)."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Budget,
    CategoriaSvantaggio,
    Comune,
    DatiSensibili,
    DurataTirocinio,
    EnteOspitante,
    Persona,
    Postazione,
    Programma,
    RegolaIndennita,
    TipologiaProgramma,
    Utente,
    VariazioneBudget,
    VoceListino,
)
from models.base import CondizioneOccupazionale, Sesso, TipoVoce
from models.tipologie import CLASSIC

from . import demo_data as data
from .codici import make_codice_fiscale, make_partita_iva
from .demo_percorsi import load_percorsi
from .demo_programmi import load_programmi
from .users import create_user

#: The password of every demo user (README, "Demo data"). Never use it outside a demo.
DEMO_PASSWORD = "demo-pal-2025"
#: The seed of the one random generator: same seed, same data, on any database.
SEED = 1980


@dataclass
class DemoContext:
    """What the loading steps share: the session, the generator and the rows made so far."""

    session: Session
    rng: random.Random
    programma: Programma | None = None
    voci: dict[TipoVoce, VoceListino] = field(default_factory=dict)
    comuni: list[Comune] = field(default_factory=list)
    categorie: dict[str, CategoriaSvantaggio] = field(default_factory=dict)
    users: dict[str, Utente] = field(default_factory=dict)
    enti: list[EnteOspitante] = field(default_factory=list)
    postazioni: list[Postazione] = field(default_factory=list)
    persone: list[Persona] = field(default_factory=list)
    password: str = ""

    def add(self, obj):
        """Check the model's own rules, then add it to the session."""
        validate = getattr(obj, "validate_model", None)
        if validate:
            validate()
        self.session.add(obj)
        return obj


def load_demo(session: Session) -> bool:
    """Load the demo data set; False, changing nothing, when it is already there.

    The demo is recognised by its programme's name. Adds and flushes, never commits:
    the caller (the CLI, a test) owns the transaction.
    """
    if session.scalar(select(Programma.id).where(Programma.nome == data.PROGRAMMA["nome"])):
        return False
    ctx = DemoContext(session=session, rng=random.Random(SEED), password=DEMO_PASSWORD)
    _load_programma(ctx)
    _load_comuni(ctx)
    _load_budgets(ctx)
    _load_categorie(ctx)
    _load_regole(ctx)
    _load_users(ctx)
    _load_enti(ctx)
    _load_postazioni(ctx)
    _load_persone(ctx)
    load_percorsi(ctx)
    session.flush()
    load_programmi(ctx)
    return True


def _load_programma(ctx: DemoContext) -> None:
    """The ZeroOttanta-like programme and its price list, valid from the programme start."""
    ctx.programma = ctx.add(Programma(**data.PROGRAMMA))
    # The four path types of the document ("Tipologie di progettualità attivabili").
    for tipo in CLASSIC:
        ctx.programma.tipologie.append(TipologiaProgramma(tipologia=tipo))
    for voce in data.LISTINO:
        ctx.voci[voce.tipo] = ctx.add(
            VoceListino(
                programma=ctx.programma,
                codice=voce.codice,
                descrizione=voce.descrizione,
                tipo=voce.tipo,
                unita=voce.unita,
                prezzo_unitario=voce.prezzo,
                aliquota_iva=data.ALIQUOTA_IVA,
                valido_dal=ctx.programma.data_inizio,
            )
        )
    ctx.session.flush()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _load_comuni(ctx: DemoContext) -> None:
    """The six Comuni; one already registered (same ISTAT code) is reused as it is."""
    for n, c in enumerate(data.COMUNI):
        comune = ctx.session.scalar(select(Comune).where(Comune.codice_istat == c.codice_istat))
        if comune is None:
            comune = ctx.add(
                Comune(
                    nome=c.nome,
                    codice_istat=c.codice_istat,
                    codice_catastale=c.belfiore,
                    provincia="BS",
                    cap=c.cap,
                    # Synthetic fiscal codes: the Comuni's real ones were not verified.
                    codice_fiscale=make_partita_iva(300 + n),
                    codice_ipa=f"DEM{c.sigla}",
                    pec=f"protocollo.{_slug(c.nome)}@pec.demo.it",
                    split_payment=True,
                )
            )
        if comune.indirizzo is None:
            comune.indirizzo = data.SEDI_MUNICIPALI.get(c.nome)
        if c.nome in data.PATRONI and comune.patrono_mese is None:
            comune.patrono_nome, comune.patrono_giorno, comune.patrono_mese = data.PATRONI[c.nome]
        ctx.comuni.append(comune)
    ctx.session.flush()


def _load_budgets(ctx: DemoContext) -> None:
    """A budget per Comune for the programme period, with a short history of changes."""
    budgets = [
        ctx.add(
            Budget(
                programma=ctx.programma,
                comune=comune,
                data_inizio=ctx.programma.data_inizio,
                data_fine=ctx.programma.data_fine,
                importo_iniziale=c.budget,
                criteri=data.CRITERI_BUDGET,
                **(data.CONTRATTO_LUMEZZANE if c.nome == "Lumezzane" else {}),
            )
        )
        for comune, c in zip(ctx.comuni, data.COMUNI, strict=True)
    ]
    for n, giorno, importo, motivo in data.VARIAZIONI_BUDGET:
        ctx.add(
            VariazioneBudget(
                budget=budgets[n],
                data=giorno,
                importo=importo,
                motivo=motivo,
                registrata_il=dt.datetime.combine(giorno, dt.time(9, 0)),
            )
        )
    for budget in budgets:
        budget.validate_model()
    ctx.session.flush()


def _load_regole(ctx: DemoContext) -> None:
    """The programme's indemnity rule and internship lengths by category (issue 12)."""
    ctx.add(RegolaIndennita(programma=ctx.programma, **data.REGOLA_INDENNITA))
    for codice, minimo, massimo, note in data.DURATE_TIROCINIO:
        ctx.add(DurataTirocinio(programma=ctx.programma,
                                categoria=ctx.categorie[codice] if codice else None,
                                mesi_minimi=minimo, mesi_massimi=massimo, note=note))


def _load_categorie(ctx: DemoContext) -> None:
    """The five disadvantage categories, reused when the codes already exist."""
    for codice, descrizione in data.CATEGORIE:
        categoria = ctx.session.scalar(
            select(CategoriaSvantaggio).where(CategoriaSvantaggio.codice == codice)
        )
        if categoria is None:
            categoria = ctx.add(CategoriaSvantaggio(codice=codice, descrizione=descrizione))
        ctx.categorie[codice] = categoria
    ctx.session.flush()


def _load_users(ctx: DemoContext) -> None:
    """One user per role with DEMO_PASSWORD; an existing account with that e-mail is kept."""
    for email, ruolo, nome, cognome, istat in data.DEMO_USERS:
        user = ctx.session.scalar(select(Utente).where(Utente.email == email))
        if user is None:
            user = create_user(
                ctx.session,
                email=email,
                password=DEMO_PASSWORD,
                roles=[ruolo],
                comune_istat=istat,
                nome=nome,
                cognome=cognome,
            )
        ctx.users[ruolo] = user


def _load_enti(ctx: DemoContext) -> None:
    """Host organisations of every kind, with valid partite IVA and a framework agreement."""
    for n, e in enumerate(data.ENTI):
        if e.e_comune is not None:
            piva = ctx.comuni[e.e_comune].codice_fiscale
        else:
            piva = make_partita_iva(1000 + 37 * n)
        ctx.enti.append(
            ctx.add(
                EnteOspitante(
                    ragione_sociale=e.ragione_sociale,
                    tipo=e.tipo,
                    codice_fiscale=piva,
                    partita_iva=piva,
                    comune=ctx.comuni[e.comune],
                    indirizzo=e.indirizzo,
                    referente=e.tutor,
                    telefono=f"+39 030 000 {n + 1:04d}",
                    email=f"info@{_slug(e.ragione_sociale)[:30]}.demo.it",
                    tutor_aziendale=e.tutor,
                    convenzione_numero=f"CONV-ZO-2025/{n + 1:03d}",
                    convenzione_data=dt.date(2025, 1, 10) + dt.timedelta(days=n),
                    convenzione_scadenza=dt.date(2026, 12, 31),
                )
            )
        )
    ctx.session.flush()


def _load_postazioni(ctx: DemoContext) -> None:
    """Positions at the hosts: seats, weekly hours, accepted path types, some reserved."""
    for p in data.POSTAZIONI:
        ctx.postazioni.append(
            ctx.add(
                Postazione(
                    ente=ctx.enti[p.ente],
                    mansione=p.mansione,
                    descrizione=f"{p.mansione} presso {data.ENTI[p.ente].ragione_sociale}.",
                    luogo=p.luogo,
                    posti=p.posti,
                    ore_settimanali=p.ore_settimanali,
                    accetta_assistenziale="A" in p.tipologie,
                    accetta_tirocinio="T" in p.tipologie,
                    accetta_inserimento="I" in p.tipologie,
                    accetta_progetto="P" in p.tipologie,
                    comune_riservato=ctx.comuni[p.riservata] if p.riservata is not None else None,
                    attiva_dal=p.attiva_dal,
                    attiva_al=p.attiva_al,
                )
            )
        )
    ctx.session.flush()


#: Residence Comune (index into COMUNI) of each person, in order: spread over the six.
_RESIDENZE = (0, 1, 2, 3, 4, 0, 5, 2, 1, 4) * 4


def _load_persone(ctx: DemoContext) -> None:
    """Forty people with valid codici fiscali, categories and some special-category data."""
    rng = ctx.rng
    codici: list[str] = []
    for n, cognome in enumerate(data.COGNOMI):
        residenza = _RESIDENZE[n]
        sesso = Sesso.F if rng.random() < 0.45 else Sesso.M
        nome = rng.choice(data.NOMI_F if sesso is Sesso.F else data.NOMI_M)
        nascita = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(43 * 365))
        nato_a = residenza if rng.random() < 0.7 else rng.randrange(len(data.COMUNI))
        cf = make_codice_fiscale(cognome, nome, nascita, sesso.name, data.COMUNI[nato_a].belfiore)
        if cf in codici:  # pragma: no cover - the surnames are distinct
            raise RuntimeError(f"duplicate demo codice fiscale {cf}")
        codici.append(cf)
        persona = ctx.add(
            Persona(
                codice_fiscale=cf,
                cognome=cognome,
                nome=nome,
                data_nascita=nascita,
                sesso=sesso,
                comune_nascita=ctx.comuni[nato_a],
                comune_residenza=ctx.comuni[residenza],
                indirizzo=f"{rng.choice(data.VIE)} {rng.randint(1, 120)}",
                cap=data.COMUNI[residenza].cap,
                telefono=f"+39 333 000 {n + 1:04d}",
                email=f"{nome}.{cognome}@demo.it".lower(),
                condizione_occupazionale=_condizione(rng, nascita),
            )
        )
        persona.categorie = _categorie(ctx, nascita)
        if any(c.codice in ("L68", "L381") for c in persona.categorie):
            persona.dati_sensibili = _dati_sensibili(rng, persona)
        ctx.persone.append(persona)
    ctx.session.flush()


def _eta(nascita: dt.date, il: dt.date = data.PROGRAMMA["data_inizio"]) -> int:
    return il.year - nascita.year - ((il.month, il.day) < (nascita.month, nascita.day))


def _condizione(rng: random.Random, nascita: dt.date) -> CondizioneOccupazionale:
    if _eta(nascita) < 25 and rng.random() < 0.5:
        return CondizioneOccupazionale.INOCCUPATO
    return CondizioneOccupazionale.DISOCCUPATO


def _categorie(ctx: DemoContext, nascita: dt.date) -> list[CategoriaSvantaggio]:
    """Categories drawn with fixed odds; GIOVANE follows the age (under 30)."""
    rng, cat = ctx.rng, ctx.categorie
    scelte = []
    if rng.random() < 0.15:
        scelte.append(cat["L68"])
    elif rng.random() < 0.15:
        scelte.append(cat["L381"])
    if rng.random() < 0.25:
        scelte.append(cat["DM2013"])
    if rng.random() < 0.35:
        scelte.append(cat["SOSTEGNO_REDDITO"])
    if _eta(nascita) < 30:
        scelte.append(cat["GIOVANE"])
    return scelte


def _dati_sensibili(rng: random.Random, persona: Persona) -> DatiSensibili:
    """Special-category data (GDPR art. 9) for people in the L68 / L381 categories."""
    l68 = any(c.codice == "L68" for c in persona.categorie)
    diagnosi, limitazioni = rng.choice(data.DIAGNOSI)
    return DatiSensibili(
        percentuale_invalidita=Decimal(rng.randrange(46 if l68 else 33, 81)),
        iscritto_l68=l68,
        diagnosi=diagnosi,
        limitazioni=limitazioni,
    )
