"""Import of positions (DOMAIN.md, "Postazione"): natural key host x task x start of the active
period (a host may offer the same task again in another period).

The host is named by partita IVA, fiscal code or name; the path types accepted come from four
yes/no columns or one list ("tirocinio, assistenziale"). Seats, weekly hours, the types and the
dates are checked by ``Postazione.validate_model``.
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from ..anagrafiche import Postazione
from ..base import N_, TipologiaPercorso
from ..errors import DomainError
from . import riferimenti as ref
from . import scelte
from .colonne import Campo
from .confronto import assign, mostra
from .motore import Contesto, Riga, RigaErrata, TipoImport
from .rapporto import INVARIATA, MODIFICATA, NUOVA, RisultatoRiga
from .valori import boolean, date, decimal, integer, normalize, text

T = TipologiaPercorso
#: Path type -> the position's flag.
FLAGS = {T.ASSISTENZIALE: "accetta_assistenziale", T.TIROCINIO: "accetta_tirocinio",
         T.INSERIMENTO_LAVORATIVO: "accetta_inserimento", T.PROGETTO_PERSONALIZZATO: "accetta_progetto"}
_tipologia = scelte.parser(TipologiaPercorso)


def _tipologie(value):
    raw = text(value)
    if raw is None:
        return None
    return tuple(sorted({_tipologia(part) for part in raw.replace(";", ",").split(",") if part.strip()},
                        key=lambda t: t.name))


def _flag(name: str, label: str, *synonyms: str) -> Campo:
    return Campo(name, label, boolean, choices=scelte.yes_no, synonyms=synonyms)


CAMPI = (
    Campo("ente", N_("Host"), text, required=True, example="01234560173",
          synonyms=("Ente ospitante", "Ente", "Azienda", "Partita IVA ente", "P.IVA ente", "Ragione sociale")),
    Campo("mansione", N_("Task"), text, required=True, example="Addetto al magazzino",
          synonyms=("Mansione", "Ruolo", "Attività", "Profilo", "Postazione")),
    Campo("descrizione", N_("Description"), text, synonyms=("Descrizione", "Descrizione mansione")),
    Campo("luogo", N_("Place"), text, example="Lumezzane, via Industria 5",
          synonyms=("Luogo", "Sede di lavoro", "Luogo di lavoro", "Sede operativa")),
    Campo("posti", N_("Seats"), integer, example=2,
          synonyms=("Posti", "N. posti", "Numero posti", "Posti disponibili", "N° posti")),
    Campo("ore_settimanali", N_("Weekly hours"), decimal, example=20,
          synonyms=("Ore settimanali", "Ore sett.", "Ore/settimana", "Orario settimanale")),
    _flag("accetta_assistenziale", N_("Welfare"), "Assistenziale", "Accetta assistenziale"),
    _flag("accetta_tirocinio", N_("Internship"), "Tirocinio", "Accetta tirocinio"),
    _flag("accetta_inserimento", N_("Job placement"), "Inserimento lavorativo", "Inserimento"),
    _flag("accetta_progetto", N_("Personalised project"), "Progetto personalizzato", "Progetto"),
    Campo("tipologie", N_("Path types accepted"), _tipologie,
          synonyms=("Tipologie", "Tipologie accettate", "Percorsi accettati", "Accetta")),
    Campo("comune_riservato", N_("Reserved for Comune"), text, choices=lambda r: r.get("comuni", []),
          synonyms=("Riservata al Comune", "Comune riservato", "Riservata a")),
    Campo("attiva_dal", N_("Active from"), date, required=True, example="01/01/2025",
          synonyms=("Attiva dal", "Dal", "Data inizio", "Inizio", "Disponibile dal")),
    Campo("attiva_al", N_("Active until"), date,
          synonyms=("Attiva fino al", "Attiva al", "Al", "Data fine", "Fine", "Disponibile fino al")),
)
SCALARI = ("descrizione", "luogo", "posti", "ore_settimanali", *FLAGS.values(), "comune_riservato_id", "attiva_al")


class Postazioni(TipoImport):
    name = "postazioni"
    label = N_("positions")
    key_label = N_("host, task and start date")
    fields = CAMPI

    def start(self, ctx: Contesto) -> None:
        ctx.ref["comuni"] = ref.comuni(ctx.session)
        ctx.ref["enti"] = ref.enti(ctx.session)

    def _read(self, ctx: Contesto, riga: Riga) -> dict:
        errors: list[list[str]] = []
        values = self.parse(riga, errors)
        values["ente_id"] = self.resolve(riga, errors, "ente", lambda x: ref.find_ente(ctx.ref["enti"], x))
        comuni = ctx.ref["comuni"]
        values["comune_riservato_id"] = self.resolve(riga, errors, "comune_riservato",
                                                     lambda x: ref.find_comune(comuni, x))
        for tipologia in values.pop("tipologie", None) or ():
            values[FLAGS[tipologia]] = True
        if errors:
            raise RigaErrata(errors)
        return values

    def apply_chunk(self, ctx: Contesto, righe: list[Riga]) -> list[RisultatoRiga]:
        results, todo = {}, []
        for riga in righe:
            raw = " · ".join(str(riga.cells.get(n) or "").strip() for n in ("ente", "mansione"))
            try:
                values = self._read(ctx, riga)
                self.require(riga, values, ("ente_id", "mansione", "attiva_dal"))
            except RigaErrata as exc:
                results[riga.number] = self.failed(riga, raw, exc)
                continue
            key = (values["ente_id"], normalize(values["mansione"]), values["attiva_dal"])
            shown = f"{ctx.ref['enti'].label[values['ente_id']]} · {values['mansione']} · {mostra(values['attiva_dal'])}"
            dup = self.duplicate(ctx, riga, key, values, shown)
            if dup is not None:
                results[riga.number] = dup
            else:
                todo.append((riga, key, values, shown))
        existing = self._existing(ctx, {key[0] for _, key, _, _ in todo})
        for riga, key, values, shown in todo:
            found = existing.get(key)
            try:
                results[riga.number] = (self._update(ctx, riga, found, values, shown) if found is not None
                                        else self._create(ctx, riga, values, shown))
            except DomainError as exc:
                if found is not None:
                    ctx.session.expire(found)
                results[riga.number] = self.failed(riga, shown, exc)
        ctx.session.flush()
        return [results[r.number] for r in righe]

    def _existing(self, ctx: Contesto, enti: set[int]) -> dict[tuple, Postazione]:
        found: dict[tuple, Postazione] = {}
        if enti:
            for p in ctx.session.scalars(select(Postazione).where(Postazione.ente_id.in_(enti))):
                found.setdefault((p.ente_id, normalize(p.mansione), p.attiva_dal), p)
        return found

    def _show(self, ctx: Contesto):
        comuni = ctx.ref["comuni"].label
        return lambda n, value: comuni.get(value, "") if n == "comune_riservato_id" else mostra(value)

    def _column(self, riga: Riga):
        def column(name):
            if name == "comune_riservato_id":
                return riga.column("comune_riservato")
            return riga.column(name) or riga.column("tipologie") or gettext(self.field(name).label)
        return column

    def _update(self, ctx, riga, p: Postazione, values, shown) -> RisultatoRiga:
        changes = assign(p, values, SCALARI, self._column(riga), self._show(ctx))
        p.validate_model()
        return RisultatoRiga(riga.number, MODIFICATA if changes else INVARIATA, shown, changes=changes)

    def _create(self, ctx, riga, values, shown) -> RisultatoRiga:
        fields = {n: values[n] for n in SCALARI if values.get(n) is not None}
        fields.setdefault("posti", 1)
        p = Postazione(ente_id=values["ente_id"], mansione=values["mansione"], attiva_dal=values["attiva_dal"],
                       **{flag: False for flag in FLAGS.values()} | fields)
        p.validate_model()
        ctx.session.add(p)
        return RisultatoRiga(riga.number, NUOVA, shown)
