"""Import of paths (DOMAIN.md, "Percorso") with their history: natural key person (codice
fiscale) x referring Comune x programme x referral date.

A new key files the referral (as the console's form does), a known one updates the fields a
form may edit (path type, group referral, case and social worker, notes); then the steps the
sheet dates and the path has not taken yet are taken through the operations (storia.py). A
social worker imports referrals only, of their own Comune and for people of their Comune.
"""

from __future__ import annotations

import re

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..anagrafiche import Persona
from ..base import N_, StatoPercorso, TipoContratto, TipologiaPercorso
from ..errors import DomainError
from ..percorsi import Percorso, RigaVoucher, Voucher
from ..scoping import comune_filter
from ..utenti import Utente
from . import riferimenti as ref
from . import scelte
from .colonne import Campo, in_italian
from .confronto import assign, mostra
from .motore import Contesto, Riga, RigaErrata, TipoImport
from .rapporto import INVARIATA, MODIFICATA, NUOVA, RisultatoRiga
from .storia import Storia
from .valori import ValoreErrato, boolean, choice, code, date, decimal, normalize, text

#: The outcome column: key -> label (msgid); the key says which operation closes the path.
ESITI = {"ASSUNTO": N_("hired"), "NON_ASSUNTO": N_("not hired"), "INTERROTTO": N_("interrupted"),
         "RITIRATO": N_("withdrawn")}
_ALTRI_ESITI = {"assunta": "ASSUNTO", "non assunta": "NON_ASSUNTO", "concluso": "NON_ASSUNTO",
                "concluso senza assunzione": "NON_ASSUNTO", "interrotto": "INTERROTTO", "interrotta": "INTERROTTO",
                "ritirato": "RITIRATO", "ritirata": "RITIRATO", "ritiro": "RITIRATO"}
_LINE = re.compile(r"([A-Za-z0-9_.\-]+)\s*(?:[x×=:*]\s*)?(\d+(?:[.,]\d+)?)?", re.IGNORECASE)


def _esito(value):
    names = {normalize(n): key for key, msgid in ESITI.items() for n in (key, msgid, in_italian(msgid))}
    names.update({normalize(n): key for n, key in _ALTRI_ESITI.items()})
    return choice(value, names, N_("outcome"))


def _righe(value):
    """Voucher lines as "ATT 1; ORA 10" (also "ORA x 10,5", "ORA=10"); quantity 1 when left out."""
    raw = text(value)
    if raw is None:
        return None
    lines = []
    for part in re.split(r"[;\n]|,(?=\s*[A-Za-z])", raw):
        if not part.strip():
            continue
        match = _LINE.fullmatch(part.strip())
        if match is None:
            raise ValoreErrato(gettext("«%(value)s» is not a voucher line: write the item code and the quantity, "
                                       "e.g. ATT 1; ORA 10.", value=part.strip()))
        lines.append((match.group(1).upper(), decimal(match.group(2) or "1")))
    return tuple(lines)


def _step(name, label, parse, *synonyms, **kw) -> Campo:
    return Campo(name, label, parse, step=True, synonyms=synonyms, **kw)


CAMPI = (
    Campo("codice_fiscale", N_("Codice fiscale"), code, required=True, example="RSSMRA80A01H501U",
          synonyms=("Codice fiscale", "CF", "C.F.", "Cod. fiscale", "Codice fiscale persona")),
    Campo("comune", N_("Referring Comune"), text, required=True, example="Lumezzane",
          choices=lambda r: r.get("comuni", []),
          synonyms=("Comune segnalante", "Comune", "Comune inviante", "Segnalato da")),
    Campo("programma", N_("Programme"), text, example="ZeroOttanta", choices=lambda r: r.get("programmi", []),
          synonyms=("Programma", "Progetto")),
    Campo("tipologia", N_("Path type"), scelte.parser(TipologiaPercorso), required=True,
          example=TipologiaPercorso.TIROCINIO.value, choices=scelte.labels(TipologiaPercorso),
          synonyms=("Tipologia", "Tipologia di percorso", "Tipo percorso", "Tipo di percorso")),
    Campo("data_segnalazione", N_("Referral date"), date, required=True, example="03/02/2025",
          synonyms=("Data di segnalazione", "Data segnalazione", "Segnalato il", "Segnalazione", "Data invio")),
    Campo("segnalazione_di_gruppo", N_("Group referral"), boolean, choices=scelte.yes_no,
          synonyms=("Segnalazione di gruppo", "Di gruppo", "Gruppo")),
    Campo("operatore", N_("Case worker"), text, synonyms=("Operatore", "Case manager", "Operatore di riferimento")),
    Campo("assistente_sociale", N_("Social worker"), text, synonyms=("Assistente sociale", "AS")),
    Campo("note", N_("Notes"), text, synonyms=("Note",)),
    _step("data_presa_in_carico", N_("Intake date"), date, "Data presa in carico", "Presa in carico",
          "Preso in carico il", example="10/02/2025"),
    _step("data_primo_colloquio", N_("First interview"), date, "Data primo colloquio", "Primo colloquio",
          "Colloquio", example="12/02/2025"),
    _step("data_proposta", N_("Voucher proposal date"), date, "Data proposta voucher", "Proposta voucher",
          "Data voucher", example="17/02/2025"),
    _step("righe_voucher", N_("Voucher lines"), _righe, "Righe voucher", "Voucher", "Voci voucher",
          "Servizi voucher", example="ATT 1; ORA 10"),
    _step("data_approvazione", N_("Voucher approval date"), date, "Data approvazione voucher",
          "Approvazione voucher", "Voucher approvato il", "Approvato il", example="20/02/2025"),
    _step("approvato_da", N_("Approved by"), text, "Approvato da", "Decisore", "Responsabile PAL"),
    _step("ente", N_("Host"), text, "Ente ospitante", "Ente", "Azienda ospitante", example="01234560173"),
    _step("mansione", N_("Task"), text, "Mansione", "Postazione", example="Addetto al magazzino"),
    _step("data_avvio", N_("Start date"), date, "Data avvio", "Avvio", "Data di avvio", "Avviato il",
          "Inizio tirocinio", example="03/03/2025"),
    _step("data_fine_prevista", N_("Planned end"), date, "Fine prevista", "Data fine prevista",
          "Fine tirocinio prevista", example="02/09/2025"),
    _step("esito", N_("Outcome"), _esito, "Esito", "Esito percorso", "Stato finale",
          choices=lambda _r: [gettext(x) for x in ESITI.values()]),
    _step("data_fine", N_("End date"), date, "Data fine", "Data di fine", "Data esito", "Data conclusione",
          "Concluso il"),
    _step("data_assunzione", N_("Hiring date"), date, "Data assunzione", "Data di assunzione", "Assunto il"),
    _step("datore_lavoro", N_("Employer"), text, "Datore di lavoro", "Assunto da", "Azienda assumente"),
    _step("tipo_contratto", N_("Contract type"), scelte.parser(TipoContratto), "Tipo contratto",
          "Tipo di contratto", "Contratto", choices=scelte.labels(TipoContratto)),
    _step("motivo_chiusura", N_("Reason for closing"), text, "Motivo chiusura", "Motivo della chiusura", "Motivo"),
)
#: What a form may edit on a path after the referral.
MODIFICABILI = ("tipologia", "segnalazione_di_gruppo", "operatore_id", "assistente_sociale_id", "note")
REFERENCES = {"operatore_id": "operatore", "assistente_sociale_id": "assistente_sociale"}


class Percorsi(TipoImport):
    name = "percorsi"
    label = N_("paths")
    key_label = N_("person, referring Comune, programme and referral date")
    fields = CAMPI

    def required_columns(self, ctx: Contesto) -> list[Campo]:
        # A social worker's referrals are their Comune's: the column may be left out.
        return [c for c in self.fields if c.required and not (ctx.referral_only and c.name == "comune")]

    def start(self, ctx: Contesto) -> None:
        ctx.ref.update(comuni=ref.comuni(ctx.session), programmi=ref.programmi(ctx.session),
                       enti=ref.enti(ctx.session), utenti=ref.Utenti(ctx.session))
        ctx.ref["decisore"] = None
        if ctx.options.get("approvato_da"):
            try:
                ctx.ref["decisore"] = ctx.ref["utenti"].find(ctx.options["approvato_da"], "pal", gettext("PAL manager"))
            except ValoreErrato as exc:
                raise DomainError(exc.message) from None

    # -- reading ------------------------------------------------------------------------
    def _read(self, ctx: Contesto, riga: Riga) -> dict:
        errors: list[list[str]] = []
        values = self.parse(riga, errors)
        r = ctx.ref
        values["comune_id"] = self.resolve(riga, errors, "comune", lambda x: ref.find_comune(r["comuni"], x))
        values["programma_id"] = self.resolve(riga, errors, "programma", r["programmi"].find)
        if values["programma_id"] is None and len(r["programmi"].label) == 1:
            values["programma_id"] = next(iter(r["programmi"].label))  # the only programme there is
        for name, key, role, label in (("operatore_id", "operatore", "operatore", N_("case worker")),
                                       ("assistente_sociale_id", "assistente_sociale", "servizio_sociale",
                                        N_("Comune social worker")),
                                       ("approvato_da_id", "approvato_da", "pal", N_("PAL manager"))):
            values[name] = self.resolve(riga, errors, key, lambda x, ro=role, la=label: r["utenti"].find(x, ro, gettext(la)))
        for name, key in (("ente_id", "ente"), ("datore_lavoro_id", "datore_lavoro")):
            values[name] = self.resolve(riga, errors, key, lambda x: ref.find_ente(r["enti"], x))
        if values.get("esito"):
            values["esito_label"] = gettext(ESITI[values["esito"]])
        if ctx.referral_only:
            self._referral_only(ctx, riga, values, errors)
        if errors:
            raise RigaErrata(errors)
        self.require(riga, values, ("codice_fiscale", "comune_id", "programma_id", "tipologia", "data_segnalazione"))
        return values

    def _referral_only(self, ctx: Contesto, riga: Riga, values: dict, errors: list) -> None:
        """A social worker files their own Comune's referrals, and nothing after them."""
        values["comune_id"] = values.get("comune_id") or ctx.comune_id
        if values["comune_id"] != ctx.comune_id:
            errors.append([riga.column("comune"), gettext("You can import only referrals of your Comune.")])
        for campo in self.fields:
            if (campo.step or campo.name == "operatore") and riga.has(campo.name):
                errors.append([riga.column(campo.name),
                               gettext("A social worker imports referrals only: leave this column empty.")])

    # -- writing ------------------------------------------------------------------------
    def apply_chunk(self, ctx: Contesto, righe: list[Riga]) -> list[RisultatoRiga]:
        results, todo = {}, []
        for riga in righe:
            raw = str(riga.cells.get("codice_fiscale") or "").strip()
            try:
                values = self._read(ctx, riga)
            except RigaErrata as exc:
                results[riga.number] = self.failed(riga, raw, exc)
                continue
            todo.append((riga, values))
        people = self._people(ctx, {values["codice_fiscale"] for _, values in todo})
        existing = self._existing(ctx, {pid for pid, _ in people.values()})
        for riga, values in todo:
            person = people.get(values["codice_fiscale"])
            shown = f"{values['codice_fiscale']} {person[1] if person else ''} · {mostra(values['data_segnalazione'])}"
            if person is None:
                results[riga.number] = self.failed(riga, shown, RigaErrata([[riga.column("codice_fiscale"), gettext(
                    "No person with this codice fiscale is in the console (of your Comune): import the people first.")]]))
                continue
            key = (person[0], values["comune_id"], values["programma_id"], values["data_segnalazione"])
            dup = self.duplicate(ctx, riga, key, values, shown)
            if dup is not None:
                results[riga.number] = dup
                continue
            results[riga.number] = self._apply(ctx, riga, key, values, shown, existing.get(key))
        return [results[r.number] for r in righe]

    def _people(self, ctx: Contesto, codes: set[str]) -> dict[str, tuple[int, str]]:
        """codice fiscale -> (id, name) of the people named (a social worker: of their Comune)."""
        if not codes:
            return {}
        stmt = select(Persona.id, Persona.codice_fiscale, Persona.cognome, Persona.nome).where(
            Persona.codice_fiscale.in_(codes))
        if ctx.referral_only:
            stmt = stmt.where(comune_filter(Persona, ctx.comune_id))
        return {p.codice_fiscale: (p.id, f"{p.cognome} {p.nome}") for p in ctx.session.execute(stmt)}

    def _existing(self, ctx: Contesto, people: set[int]) -> dict[tuple, Percorso]:
        if not people:
            return {}
        stmt = (select(Percorso).where(Percorso.persona_id.in_(people))
                .options(selectinload(Percorso.vouchers).selectinload(Voucher.righe)
                         .selectinload(RigaVoucher.voce_listino)))
        return {(p.persona_id, p.comune_id, p.programma_id, p.data_segnalazione): p
                for p in ctx.session.scalars(stmt)}

    def _column(self, riga: Riga):
        return lambda n: riga.column(REFERENCES.get(n, n)) or gettext(self.field(REFERENCES.get(n, n)).label)

    def _apply(self, ctx: Contesto, riga: Riga, key, values: dict, shown: str, p: Percorso | None) -> RisultatoRiga:
        session, created = ctx.session, p is None
        try:
            with session.no_autoflush:
                if created:
                    p = Percorso(persona_id=key[0], comune_id=key[1], programma_id=key[2], data_segnalazione=key[3],
                                 stato=StatoPercorso.SEGNALATO)
                    if ctx.referral_only:
                        values["assistente_sociale_id"] = ctx.actor_id
                changes = assign(p, values, MODIFICABILI, self._column(riga), self._show(ctx))
                if changes and not created and ctx.referral_only:
                    # A social worker files referrals; changing one is the agency's (README, roles).
                    raise DomainError(gettext("This referral is already filed: only the agency can change it."),
                                      next(n for n in MODIFICABILI if riga.column(REFERENCES.get(n, n)) == changes[0][0]))
                p.validate_model()
            if created:
                session.add(p)
                session.flush()
            operatore = session.get(Utente, values["operatore_id"]) if values.get("operatore_id") else None
            decisore_id = values.get("approvato_da_id") or ctx.ref["decisore"]
            history = Storia(session, p, values, self._column(riga))
            history.run(operatore, session.get(Utente, decisore_id) if decisore_id else None)
        except DomainError as exc:
            if not created:
                session.expire(p)
            return self.failed(riga, shown, exc)
        if created:
            return RisultatoRiga(riga.number, NUOVA, shown, changes=history.changes)
        changes += history.changes
        return RisultatoRiga(riga.number, MODIFICATA if changes else INVARIATA, shown, changes=changes)

    def _show(self, ctx: Contesto):
        users = ctx.ref["utenti"].names.label
        return lambda n, value: users.get(value, "") if n in REFERENCES else mostra(value)
