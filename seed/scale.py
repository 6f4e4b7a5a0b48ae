"""``flask seed scale``: a consistent synthetic data set at regional size, bulk-loaded.

At ``factor=1``: 250 Comuni, 100 000 people, 120 000 paths in every state, 2 000 hosts,
8 000 positions, about 2 000 000 hour rows, 10 000 charges and 2 000 invoices.

The story it tells: a regional programme that started on 1 January three years ago. Paths
are referred over its whole history (with a wave in the last two months) and move through
the flow with realistic delays (some late), so today they sit in every state. The agency moved from spreadsheets to
the console on a *go-live* day a few months ago: hours, charges and invoices exist from that
day on (earlier ones stayed on paper). Every month since go-live but the last two is
invoiced per Comune (numbered, issued, the older ones paid); the last two are left to
invoice. Everything is derived from one random seed, relative to ``oggi``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    CategoriaSvantaggio,
    DurataTirocinio,
    Programma,
    RegolaIndennita,
    Utente,
    VoceListino,
    clock,
)
from models.base import (
    CondizioneOccupazionale,
    Esito,
    StatoFattura,
    StatoPercorso,
    StatoVoucher,
    TipoContratto,
    TipoDocumento,
    TipoEnte,
    TipoEvento,
    TipologiaPercorso,
    TipoOre,
    TipoVoce,
)
from models.fatture import NumeratoreFattura
from models.operations.fatture import line_description

from . import demo_data as data
from .bulk import analyze, insert_rows, next_id, reset_sequences
from .codici import make_codice_fiscale, make_partita_iva
from .demo import DEMO_PASSWORD, load_demo
from .users import create_user

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


@dataclass
class Scale:
    """The generator: ids, reference rows and what each step hands to the next."""

    session: Session
    sizes: Sizes
    oggi: dt.date
    rng: random.Random
    ids: dict[str, int] = field(default_factory=dict)
    comuni: list[int] = field(default_factory=list)
    persone_comune: list[int] = field(default_factory=list)
    enti: list[int] = field(default_factory=list)
    postazioni: list[tuple] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: position id -> its host organisation, for the hiring-charge rule.
    host: dict[int, int] = field(default_factory=dict)
    ss_user: Utente | None = None

    # -- set-up ------------------------------------------------------------------------------

    @property
    def conn(self):
        return self.session.connection()

    def write(self, table: str, columns: tuple[str, ...], rows, total: int) -> int:
        with click.progressbar(length=total, label=f"{table:<20}", show_pos=True,
                               ) as bar:
            written = insert_rows(self.conn, table, columns, rows, bar.update)
        self.counts[table] = self.counts.get(table, 0) + written
        return written

    def take_ids(self, table: str, n: int) -> int:
        """Reserve ``n`` ids of ``table``; returns the first."""
        first = self.ids.get(table) or next_id(self.conn, table)
        self.ids[table] = first + n
        return first

    def setup(self) -> None:
        s = self.session
        self.start = dt.date(self.oggi.year - 3, 1, 1)
        self.months = max(1, round(self.sizes.fatture / self.sizes.comuni))
        self.last_invoiced = add_months(self.oggi, -2)
        self.go_live = add_months(self.last_invoiced, -(self.months - 1))
        self.programma = Programma(
            nome=PROGRAMMA_NOME, titolare="Regione (dati sintetici)",
            descrizione="Data set sintetico per le misure di scala (flask seed scale).",
            data_inizio=self.start, data_fine=dt.date(self.oggi.year + 1, 12, 31),
            giorni_presa_in_carico=15, giorni_avvio=15)
        s.add(self.programma)
        s.add(RegolaIndennita(programma=self.programma, valida_dal=self.start,
                              importo_pieno=Decimal("500.00"), importo_con_pasti=Decimal("400.00"),
                              importo_part_time=Decimal("350.00"),
                              importo_ente_pubblico=Decimal("300.00"),
                              presenza_minima_pct=Decimal("80"), pro_rata_sotto_minimo=True))
        s.add(DurataTirocinio(programma=self.programma, mesi_minimi=2, mesi_massimi=12))
        self.voci = {}
        for v in data.LISTINO:
            self.voci[v.tipo] = VoceListino(
                programma=self.programma, codice=v.codice, descrizione=v.descrizione,
                tipo=v.tipo, unita=v.unita, prezzo_unitario=v.prezzo,
                aliquota_iva=data.ALIQUOTA_IVA, valido_dal=self.start)
            s.add(self.voci[v.tipo])
        s.flush()
        users = {u.email: u for u in s.scalars(select(Utente))}
        self.operatore = users["operatore@demo.it"].id
        self.pal = users["pal@demo.it"].id
        self.categorie = {c.codice: c.id for c in s.scalars(select(CategoriaSvantaggio))}

    # -- registry ----------------------------------------------------------------------------

    def load_comuni(self) -> None:
        n = self.sizes.comuni
        first = self.take_ids("comune", n)
        self.comuni = list(range(first, first + n))

        def rows():
            for k, cid in enumerate(self.comuni):
                yield (cid, f"Comune sintetico {k + 1:04d}", f"9{k + 1:05d}",
                       PROVINCE[k % len(PROVINCE)], f"{20000 + k % 8000:05d}",
                       make_partita_iva(600_000 + k), f"S{k + 1:05d}",
                       f"protocollo.comune{k + 1:04d}@pec.sintetico.it", True)

        self.write("comune", ("id", "nome", "codice_istat", "provincia", "cap",
                              "codice_fiscale", "codice_ipa", "pec", "split_payment"),
                   rows(), n)

    def load_enti(self) -> None:
        rng, n = self.rng, self.sizes.enti
        first = self.take_ids("ente_ospitante", n)
        self.enti = list(range(first, first + n))

        def rows():
            for k, eid in enumerate(self.enti):
                tipo = TIPI_ENTE[k % len(TIPI_ENTE)]
                piva = make_partita_iva(700_000 + k)
                nome = f"{tipo.label.capitalize()} {rng.choice(data.COGNOMI)} {k + 1:04d}"
                # Signed before the first activation: every synthetic path starts under an agreement.
                conv = self.start - dt.timedelta(days=1 + rng.randrange(365))
                yield (eid, nome[:200], tipo, piva, piva, rng.choice(self.comuni),
                       f"{rng.choice(data.VIE)} {rng.randint(1, 150)}", rng.choice(data.COGNOMI),
                       f"+39 02 {k:07d}", f"info{k + 1}@ente.sintetico.it",
                       rng.choice(data.COGNOMI), f"CONV-R/{k + 1:05d}", conv,
                       dt.date(self.oggi.year + 1, 12, 31))

        self.write("ente_ospitante", (
            "id", "ragione_sociale", "tipo", "codice_fiscale", "partita_iva", "comune_id",
            "indirizzo", "referente", "telefono", "email", "tutor_aziendale",
            "convenzione_numero", "convenzione_data", "convenzione_scadenza"), rows(), n)

    def load_postazioni(self) -> None:
        rng, n = self.rng, self.sizes.postazioni
        first = self.take_ids("postazione", n)
        ente_comune = {}
        for eid in self.enti:  # the host's Comune, for reserved positions
            ente_comune[eid] = self.comuni[(eid - self.enti[0]) % len(self.comuni)]
        for k in range(n):
            accetta = [rng.random() < 0.5 for _ in range(4)]
            accetta[k % 4] = True
            riservata = rng.choice(self.comuni) if rng.random() < 0.1 else None
            self.postazioni.append((first + k, rng.choice(self.enti), rng.randint(1, 5),
                                    rng.choice((20, 25, 30, 36, 40)), tuple(accetta), riservata))

        def rows():
            for pid, ente, posti, ore, acc, riservata in self.postazioni:
                mansione = MANSIONI[pid % len(MANSIONI)]
                yield (pid, ente, mansione, f"{mansione} (postazione sintetica).",
                       "Sede dell'ente", posti, ore, *acc, riservata,
                       self.start - dt.timedelta(days=30), None)

        self.write("postazione", (
            "id", "ente_id", "mansione", "descrizione", "luogo", "posti", "ore_settimanali",
            "accetta_assistenziale", "accetta_tirocinio", "accetta_inserimento",
            "accetta_progetto", "comune_riservato_id", "attiva_dal", "attiva_al"), rows(), n)

    def load_persone(self) -> None:
        rng, n = self.rng, self.sizes.persone
        first = self.take_ids("persona", n)
        cognomi = [c + s for c in data.COGNOMI for s in SUFFISSI]
        seen: set[str] = set()
        categorie, sensibili = [], []

        def rows():
            for k in range(n):
                pid = first + k
                comune = rng.choice(self.comuni)
                self.persone_comune.append(comune)
                while True:
                    sesso = "F" if rng.random() < 0.45 else "M"
                    nome = rng.choice(data.NOMI_F if sesso == "F" else data.NOMI_M)
                    cognome = rng.choice(cognomi)
                    nascita = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(43 * 365))
                    luogo = f"{'ABCDEFGHILM'[comune % 11]}{comune % 1000:03d}"
                    cf = make_codice_fiscale(cognome, nome, nascita, sesso, luogo)
                    if cf not in seen:
                        seen.add(cf)
                        break
                giovane = self.oggi.year - nascita.year < 30
                scelte = [codice for codice, odds in
                          (("L68", 0.12), ("DM2013", 0.25), ("SOSTEGNO_REDDITO", 0.35))
                          if rng.random() < odds] + (["GIOVANE"] if giovane else [])
                categorie.extend((pid, self.categorie[codice]) for codice in scelte)
                if "L68" in scelte:
                    diagnosi, limitazioni = rng.choice(data.DIAGNOSI)
                    sensibili.append((pid, Decimal(rng.randrange(46, 81)), True, diagnosi,
                                      limitazioni, None))
                condizione = (CondizioneOccupazionale.INOCCUPATO if giovane and rng.random() < 0.5
                              else CondizioneOccupazionale.DISOCCUPATO)
                yield (pid, cf, cognome, nome, nascita, sesso, comune,
                       f"{rng.choice(data.VIE)} {rng.randint(1, 200)}", f"{20000 + comune % 8000:05d}",
                       f"+39 3{k:09d}", f"{nome}.{cognome}{k}@posta.sintetica.it".lower(),
                       condizione, None)

        self.first_persona = first
        self.write("persona", (
            "id", "codice_fiscale", "cognome", "nome", "data_nascita", "sesso",
            "comune_residenza_id", "indirizzo", "cap", "telefono", "email",
            "condizione_occupazionale", "note"), rows(), n)
        self.write("persona_svantaggio", ("persona_id", "categoria_id"), categorie,
                   len(categorie))
        self.write("dati_sensibili", ("persona_id", "percentuale_invalidita", "iscritto_l68",
                                      "diagnosi", "limitazioni", "note"), sensibili,
                   len(sensibili))

    # -- paths -------------------------------------------------------------------------------

    def _days(self, lo: int, hi: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(lo, hi))

    def _path(self, pid: int, persona: int, segnalazione: dt.date) -> Path:
        """Walk one path through the flow from its referral; stop at ``oggi``."""
        rng, oggi = self.rng, self.oggi
        comune = self.persone_comune[persona - self.first_persona]
        tipologia = rng.choices(TIPOLOGIE, PESI_TIPOLOGIE)[0]
        p = Path(pid, persona, comune, tipologia, S.SEGNALATO, segnalazione)
        # Intake is late (past 15 days) one time in five; activation likewise.
        steps = [("presa", self._days(1, 12) if rng.random() < 0.8 else self._days(16, 30)),
                 ("colloquio", self._days(1, 10)), ("proposta", self._days(3, 20)),
                 ("decisione", self._days(1, 8)),
                 ("avvio", self._days(1, 14) if rng.random() < 0.8 else self._days(16, 35))]
        stati = (S.PRESO_IN_CARICO, S.IN_VALUTAZIONE, S.VOUCHER_PROPOSTO, S.VOUCHER_APPROVATO,
                 S.ATTIVO)
        ritiro = rng.randrange(3) if rng.random() < 0.08 else None
        day = segnalazione
        for k, ((name, delay), stato) in enumerate(zip(steps, stati, strict=True)):
            if ritiro == k:
                fine = day + self._days(1, 10)
                if fine <= oggi:
                    p.stato, p.fine = S.RITIRATO, fine
                    p.motivo = "La persona ha rinunciato al percorso."
                return p
            day = day + delay
            if day > oggi:
                return p
            setattr(p, name, day)
            p.stato = stato
        durata = rng.randint(60, 365)
        p.fine_prevista = p.avvio + dt.timedelta(days=durata)
        if rng.random() < 0.12:
            fine, stato = p.avvio + self._days(10, durata), S.INTERROTTO
            p.motivo = "Interrotto per motivi di salute."
        else:
            fine, stato = p.fine_prevista, S.CONCLUSO
        if fine <= oggi:
            p.stato, p.fine = stato, fine
            if stato is S.CONCLUSO:
                p.esito = Esito.ASSUNTO if rng.random() < 0.35 else Esito.NON_ASSUNTO
        return p

    def _place(self) -> None:
        """Positions: the active paths within the seats, the closed ones anywhere suitable."""
        rng = self.rng
        by_kind = defaultdict(list)
        for pos in self.postazioni:
            for tipologia, k in ACCETTA.items():
                if pos[4][k]:
                    by_kind[tipologia].append(pos)
        taken: dict[int, int] = defaultdict(int)
        for p in self.paths:
            if p.avvio is None:
                continue
            candidates = by_kind[p.tipologia]
            start = rng.randrange(len(candidates))
            for step in range(len(candidates)):
                pos = candidates[(start + step) % len(candidates)]
                if pos[5] not in (None, p.comune_id):
                    continue
                if p.stato is S.ATTIVO and taken[pos[0]] >= pos[2]:
                    continue
                break
            else:  # no free seat left: the path is still waiting to start
                p.stato, p.avvio, p.fine_prevista = S.VOUCHER_APPROVATO, None, None
                continue
            p.postazione = pos[0]
            self.host[pos[0]] = pos[1]
            if p.stato is S.ATTIVO:
                taken[pos[0]] += 1
            if p.esito is Esito.ASSUNTO:
                p.datore = pos[1] if rng.random() < 0.6 else rng.choice(self.enti)

    def load_percorsi(self) -> None:
        rng, sizes = self.rng, self.sizes
        first = self.take_ids("percorso", sizes.percorsi)
        span = (self.oggi - self.start).days
        for k in range(sizes.persone):
            if k >= sizes.percorsi:
                break
            # Uniform over the history, plus a wave of referrals in the last two months.
            back = rng.randrange(61) if rng.random() < 0.03 else rng.randrange(span + 1)
            day = self.oggi - dt.timedelta(days=back)
            self.paths.append(self._path(first + k, self.first_persona + k, day))
        # A second path for some people, referred after their first one closed.
        closed = [p for p in self.paths if p.fine is not None]
        while len(self.paths) < sizes.percorsi and closed:
            prev = rng.choice(closed)
            day = prev.fine + self._days(10, 200)
            if day <= self.oggi:
                self.paths.append(self._path(first + len(self.paths), prev.persona_id, day))
        self.paths.sort(key=lambda p: p.id)
        self._place()
        ss = self.ss_user

        def rows():
            for p in self.paths:
                assunto = p.esito is Esito.ASSUNTO
                yield (p.id, p.persona_id, p.comune_id, self.programma.id, p.tipologia, p.stato,
                       p.segnalazione, False, None, None, p.presa, p.colloquio, p.avvio,
                       p.fine_prevista, p.fine, self.operatore,
                       ss.id if p.comune_id == ss.comune_id else None, p.postazione, p.esito,
                       p.fine if assunto else None, p.datore if assunto else None,
                       TipoContratto.TEMPO_DETERMINATO if assunto else None, p.motivo, None)

        self.write("percorso", (
            "id", "persona_id", "comune_id", "programma_id", "tipologia", "stato",
            "data_segnalazione", "segnalazione_di_gruppo", "proroga_giorni", "motivo_proroga",
            "data_presa_in_carico", "data_primo_colloquio", "data_avvio", "data_fine_prevista",
            "data_fine", "operatore_id", "assistente_sociale_id", "postazione_id", "esito",
            "data_assunzione", "datore_lavoro_id", "tipo_contratto", "motivo_chiusura", "note"),
            rows(), len(self.paths))

    def load_vouchers(self) -> None:
        with_voucher = [p for p in self.paths if p.proposta is not None]
        first = self.take_ids("voucher", len(with_voucher))
        self.committed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        vouchers, righe = [], []
        riga_id = self.take_ids("riga_voucher", 0)
        for k, p in enumerate(with_voucher):
            vid = first + k
            approvato = p.decisione is not None
            taxable = Decimal(0)
            for tipo, quantita in RIGHE[p.tipologia]:
                voce = self.voci[tipo]
                righe.append((riga_id, vid, voce.id, Decimal(quantita)))
                riga_id += 1
                taxable += cents(Decimal(quantita) * voce.prezzo_unitario)
            # One VAT rate: the gross of models/queries.voucher_gross.
            gross = taxable + cents(taxable * IVA / 100) if approvato else None
            vouchers.append((vid, p.id, StatoVoucher.APPROVATO if approvato else
                             StatoVoucher.PROPOSTO, p.proposta, p.decisione,
                             self.pal if approvato else None, None, None, gross))
            if approvato:
                self.committed[(p.comune_id, p.decisione.year)] += gross
        self.ids["riga_voucher"] = riga_id
        self.write("voucher", ("id", "percorso_id", "stato", "data_proposta", "data_decisione",
                               "decisore_id", "motivo_rifiuto", "note", "importo_impegnato"),
                   vouchers, len(vouchers))
        self.write("riga_voucher", ("id", "voucher_id", "voce_listino_id", "quantita"), righe,
                   len(righe))

    def load_budgets(self) -> None:
        """A yearly budget per Comune, a fifth above what its approved vouchers commit."""
        rows, bid = [], self.take_ids("budget", 0)
        for comune in self.comuni:
            for year in range(self.start.year, self.programma.data_fine.year + 1):
                need = self.committed.get((comune, year), Decimal(0)) * Decimal("1.2")
                importo = max(Decimal(20_000), (need / 1000).to_integral_value() * 1000 + 1000)
                rows.append((bid, self.programma.id, comune, dt.date(year, 1, 1),
                             dt.date(year, 12, 31), importo,
                             "Riparto regionale per popolazione (dati sintetici).", None, None))
                bid += 1
        self.ids["budget"] = bid
        self.write("budget", ("id", "programma_id", "comune_id", "data_inizio", "data_fine",
                              "importo_iniziale", "criteri", "cig", "cup"), rows, len(rows))

    def load_diario(self) -> None:
        first = self.take_ids("diario", 0)

        def rows():
            did = first
            for p in self.paths:
                events = []
                if p.colloquio:
                    events.append((p.colloquio, TipoEvento.COLLOQUIO,
                                   "Colloquio di primo livello: raccolti CV e disponibilità."))
                if p.avvio and p.fine:
                    events.append((p.fine, TipoEvento.RELAZIONE_SERVIZIO_SOCIALE,
                                   "Relazione conclusiva inviata all'assistente sociale."))
                for day, tipo, testo in events:
                    yield (did, p.id, day, tipo, testo, self.operatore)
                    did += 1
            self.ids["diario"] = did

        total = sum((p.colloquio is not None) + (p.avvio is not None and p.fine is not None)
                    for p in self.paths)
        self.write("diario", ("id", "percorso_id", "data", "tipo", "descrizione", "autore_id"),
                   rows(), total)

    # -- hours, charges, invoices ----------------------------------------------------------

    def _window(self, p: Path) -> tuple[dt.date, dt.date] | None:
        """The days since go-live the path was at its position."""
        if p.avvio is None or p.postazione is None:
            return None
        lo, hi = max(p.avvio, self.go_live), min(p.fine or self.oggi, self.oggi)
        return (lo, hi) if lo <= hi else None

    def load_ore(self) -> None:
        """Attendance on working days (odds set to reach the size), weekly-ish tutoring."""
        rng = self.rng
        windows = [(p, w) for p in self.paths if (w := self._window(p))]
        weekdays = sum(((hi - lo).days + 1) * 5 / 7 for _, (lo, hi) in windows) or 1
        odds = min(0.95, self.sizes.ore / weekdays)
        weekly = {pos[0]: pos[3] for pos in self.postazioni}
        first = self.take_ids("ore", 0)
        self.tutoring: list[tuple[int, Path, dt.date, Decimal]] = []
        charge_events = self._charge_events()
        tutoring_wanted = max(0, self.sizes.addebiti - charge_events)
        candidates = [(p, w) for p, w in windows
                      if p.tipologia in (T.TIROCINIO, T.PROGETTO_PERSONALIZZATO)]
        months = sum(((hi - lo).days // 30) + 1 for _, (lo, hi) in candidates) or 1
        tutoring_odds = min(1.0, tutoring_wanted / months)

        def rows():
            oid = first
            for p, (lo, hi) in windows:
                base = Decimal(weekly[p.postazione]) / 5
                day = lo
                while day <= hi:
                    if day.weekday() < 5 and rng.random() < odds:
                        ore = min(max(base + Decimal(rng.choice((-1, -0.5, 0, 0, 0.5))), FOUR), EIGHT)
                        yield (oid, p.id, day, TipoOre.PRESENZA, (ore * 2).to_integral_value() / 2,
                               None, None)
                        oid += 1
                    day += dt.timedelta(days=1)
                if p.tipologia not in (T.TIROCINIO, T.PROGETTO_PERSONALIZZATO):
                    continue
                residuo = Decimal(next(q for tipo, q in RIGHE[p.tipologia]
                                       if tipo is TipoVoce.ORA_AFFIANCAMENTO))
                month = dt.date(lo.year, lo.month, 1)
                while month <= hi and residuo > 0:
                    day = max(lo, month) + dt.timedelta(days=rng.randrange(5))
                    if day.weekday() >= 5:
                        day += dt.timedelta(days=7 - day.weekday())
                    ore = Decimal(rng.choice(("1", "1.5", "2")))
                    if day <= hi and ore <= residuo and rng.random() < tutoring_odds:
                        residuo -= ore
                        yield (oid, p.id, day, TipoOre.AFFIANCAMENTO, ore, self.operatore,
                               "Affiancamento in postazione")
                        self.tutoring.append((oid, p, day, ore))
                        oid += 1
                    month = add_months(month, 1)
            self.ids["ore"] = oid

        self.write("ore", ("id", "percorso_id", "data", "tipo", "ore", "operatore_id", "note"),
                   rows(), round(weekdays * odds))

    def _charge_events(self) -> int:
        """Activations and hirings since go-live (before tutoring is drawn)."""
        return sum(1 for p in self.paths for _ in self._fixed_charges(p))

    def _fixed_charges(self, p: Path):
        if p.tipologia is T.TIROCINIO and p.avvio and p.postazione and p.avvio >= self.go_live:
            yield TipoVoce.ATTIVAZIONE_TIROCINIO, p.avvio
        if (p.esito is Esito.ASSUNTO and p.fine >= self.go_live
                and p.datore != self.host.get(p.postazione)):
            yield TipoVoce.ASSUNZIONE, p.fine

    def load_addebiti_e_fatture(self) -> None:
        """Charges since go-live; each Comune's months up to ``last_invoiced`` invoiced."""
        charges = []  # (percorso, voce, data, quantita, ore_id)
        for p in self.paths:
            for tipo, day in self._fixed_charges(p):
                charges.append((p, self.voci[tipo], day, Decimal(1), None))
        for oid, p, day, ore in self.tutoring:
            charges.append((p, self.voci[TipoVoce.ORA_AFFIANCAMENTO], day, ore, oid))
        charges.sort(key=lambda c: (c[2], c[0].id))
        groups: dict[tuple[dt.date, int], list] = defaultdict(list)
        end = add_months(self.last_invoiced, 1)
        for c in charges:
            if c[2] < end:
                groups[(dt.date(c[2].year, c[2].month, 1), c[0].comune_id)].append(c)
        fatture, righe, pagamenti, linked = [], [], [], {}
        fid, rid, pay_id = (self.take_ids("fattura", 0), self.take_ids("riga_fattura", 0),
                            self.take_ids("pagamento", 0))
        counters = {n.anno: n for n in self.session.scalars(select(NumeratoreFattura))}
        last: dict[int, int] = {a: n.ultimo_numero for a, n in counters.items()}
        for (month, comune), items in sorted(groups.items()):
            dal, al = month, add_months(month, 1) - dt.timedelta(days=1)
            issued = al + dt.timedelta(days=3)
            numero = last[issued.year] = last.get(issued.year, 0) + 1
            by_voce = defaultdict(list)
            for c in items:
                by_voce[c[1].id].append(c)
            imponibile = Decimal(0)
            for voce_items in by_voce.values():
                voce = voce_items[0][1]
                quantita = sum((c[3] for c in voce_items), Decimal(0))
                addebiti = [SimpleNamespace(data=c[2]) for c in voce_items]
                righe.append((rid, fid, voce.id, line_description(voce, addebiti, dal, al),
                              quantita, voce.prezzo_unitario, voce.aliquota_iva))
                imponibile += cents(quantita * voce.prezzo_unitario)
                for c in voce_items:
                    linked[id(c)] = rid
                rid += 1
            pagata = issued + dt.timedelta(days=60) <= self.oggi
            fatture.append((fid, comune, self.programma.id, TipoDocumento.TD01, None,
                            issued.year, numero, issued, dal, al,
                            StatoFattura.PAGATA if pagata else StatoFattura.EMESSA, True,
                            None, None, imponibile, cents(imponibile * IVA / 100)))
            if pagata:
                pagamenti.append((pay_id, fid, issued + self._days(20, 55), imponibile,
                                  f"Mandato {numero}/{issued.year}"))
                pay_id += 1
            fid += 1
        self.ids.update(fattura=fid, riga_fattura=rid, pagamento=pay_id)
        self.write("fattura", (
            "id", "comune_id", "programma_id", "tipo_documento", "fattura_stornata_id", "anno",
            "numero", "data", "periodo_dal", "periodo_al", "stato", "split_payment", "cig",
            "cup", "imponibile", "iva"), fatture, len(fatture))
        self.write("riga_fattura", ("id", "fattura_id", "voce_listino_id", "descrizione",
                                    "quantita", "prezzo_unitario", "aliquota_iva"),
                   righe, len(righe))
        self.write("pagamento", ("id", "fattura_id", "data", "importo", "riferimento"),
                   pagamenti, len(pagamenti))
        first = self.take_ids("addebito", len(charges))
        self.write("addebito", (
            "id", "percorso_id", "voce_listino_id", "data", "quantita", "descrizione", "ore_id",
            "riga_fattura_id", "created_at"), (
            (first + k, c[0].id, c[1].id, c[2], c[3], c[1].descrizione[:200], c[4],
             linked.get(id(c)), dt.datetime.combine(c[2], dt.time(18, 0)))
            for k, c in enumerate(charges)), len(charges))
        for anno, ultimo in last.items():
            counter = counters.get(anno)
            if counter is None:
                self.session.add(NumeratoreFattura(anno=anno, ultimo_numero=ultimo))
            else:
                counter.ultimo_numero = ultimo
        self.session.flush()


def load_scale(session: Session, factor: float = 1.0,
               oggi: dt.date | None = None) -> dict[str, int] | None:
    """Build the scale data set; None, changing nothing, when it is already there.

    Loads the demo first when missing (its users are the ones who log in). Writes and
    flushes, never commits: the caller owns the transaction.
    """
    if session.scalar(select(Programma.id).where(Programma.nome == PROGRAMMA_NOME)):
        return None
    load_demo(session)
    scale = Scale(session=session, sizes=Sizes.of(factor), oggi=oggi or clock.today(),
                  rng=random.Random(SEED))
    scale.setup()
    scale.load_comuni()
    session.flush()
    # One social worker of the first synthetic Comune, to measure the scoped views.
    scale.ss_user = create_user(session, email="servizio.sociale.scala@demo.it",
                                password=DEMO_PASSWORD, roles=["servizio_sociale"],
                                comune_istat="900001", nome="Serena", cognome="Scala")
    session.flush()
    scale.load_enti()
    scale.load_postazioni()
    scale.load_persone()
    scale.load_percorsi()
    scale.load_vouchers()
    scale.load_budgets()
    scale.load_diario()
    scale.load_ore()
    scale.load_addebiti_e_fatture()
    conn = session.connection()
    reset_sequences(conn, scale.ids)
    analyze(conn)
    stati = defaultdict(int)
    for p in scale.paths:
        stati[p.stato.name] += 1
    scale.counts.update({f"percorso:{k}": v for k, v in sorted(stati.items())})
    return scale.counts


__all__ = ["PROGRAMMA_NOME", "Sizes", "load_scale"]
