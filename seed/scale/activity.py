"""Scale stage 4: the diary and the hours of the paths since go-live."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from models.base import Esito, TipoEvento, TipoOre, TipoVoce

from .common import EIGHT, FOUR, RIGHE, Path, T, add_months
from .paths import Paths


class Activity(Paths):
    """Adds diary events, attendance and tutoring hours (the tutoring hours are charged)."""

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
