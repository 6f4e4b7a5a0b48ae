"""Scale stage 2, the registry: Comuni, host organisations, their positions and people."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from models.base import CondizioneOccupazionale

from .. import demo_data as data
from ..codici import make_codice_fiscale, make_partita_iva
from .common import MANSIONI, PROVINCE, SUFFISSI, TIPI_ENTE
from .generator import Generator


class Registry(Generator):
    """Adds the registry rows every later stage draws from."""

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
