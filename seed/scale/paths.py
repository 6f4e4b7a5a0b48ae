"""Scale stage 3: paths walked through the flow up to ``oggi``, placed, and their vouchers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from models.base import Esito, StatoVoucher, TipoContratto

from .common import ACCETTA, IVA, PESI_TIPOLOGIE, RIGHE, TIPOLOGIE, Path, S, cents
from .registry import Registry


class Paths(Registry):
    """Adds a path per person (a second one for some), their positions and vouchers."""

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
