"""Import of people (DOMAIN.md, "Persona"): natural key the codice fiscale.

A known codice fiscale updates the person (filled cells only), an unknown one creates them.
The codice fiscale, CAP and e-mail are checked by models/validation.py, the birth date by
``Persona.validate_model``; the sex, when the sheet leaves it out, is read off the codice
fiscale. A social worker imports only people resident in their Comune, and updates only people
of their Comune (models/scoping.py).
"""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from stdnum.it import codicefiscale

from .. import validation as v
from ..anagrafiche import CategoriaSvantaggio, Persona
from ..audit import log_inserted
from ..base import N_, CondizioneOccupazionale, Sesso
from ..bulk import insert_rows
from ..errors import DomainError
from ..scoping import comune_filter
from . import riferimenti as ref
from . import scelte
from .colonne import Campo
from .confronto import assign, mostra
from .motore import Contesto, Riga, RigaErrata, TipoImport
from .rapporto import INVARIATA, MODIFICATA, NUOVA, RisultatoRiga
from .valori import code, date, text


def _cf(value):
    raw = code(value)
    return v.clean_codice_fiscale(raw) if raw else None


def _cap(value):
    raw = code(value, 5)
    return v.clean_cap(raw) if raw else None


def _categorie(value):
    raw = text(value)
    return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()] if raw else None


CAMPI = (
    Campo("codice_fiscale", N_("Codice fiscale"), _cf, required=True, example="RSSMRA80A01H501U",
          synonyms=("Codice fiscale", "CF", "C.F.", "Cod. fiscale", "Cod. fisc.", "Codice fiscale persona")),
    Campo("cognome", N_("Surname"), text, required=True, example="Rossi", synonyms=("Cognome",)),
    Campo("nome", N_("Name"), text, required=True, example="Mario", synonyms=("Nome",)),
    Campo("data_nascita", N_("Birth date"), date, required=True, example="01/01/1980",
          synonyms=("Data di nascita", "Data nascita", "Nato il", "Nata il", "Nato/a il", "Nascita")),
    Campo("sesso", N_("Sex"), scelte.parser(Sesso), example="M", choices=lambda _r: ["M", "F"],
          synonyms=("Sesso", "Genere", "M/F")),
    Campo("comune_residenza", N_("Comune of residence"), text, required=True, example="Lumezzane",
          choices=lambda r: r.get("comuni", []),
          synonyms=("Comune di residenza", "Residenza", "Comune residenza", "Residente a", "Comune")),
    Campo("indirizzo", N_("Address"), text, example="Via Roma 1",
          synonyms=("Indirizzo", "Via", "Indirizzo di residenza")),
    Campo("cap", N_("CAP"), _cap, example="25065", synonyms=("CAP", "C.A.P.", "Codice postale")),
    Campo("telefono", N_("Phone"), text, example="333 1234567",
          synonyms=("Telefono", "Tel", "Tel.", "Cellulare", "Cell.", "Recapito telefonico")),
    # Checked where it would be written (_new_row, _update): most rows of a second import
    # carry the address already stored, and the check is the slowest of a row.
    Campo("email", N_("E-mail"), text, example="mario.rossi@example.org",
          synonyms=("Email", "E-mail", "Mail", "Posta elettronica", "Indirizzo email")),
    Campo("condizione_occupazionale", N_("Employment status"), scelte.parser(CondizioneOccupazionale),
          choices=scelte.labels(CondizioneOccupazionale),
          synonyms=("Condizione occupazionale", "Condizione", "Stato occupazionale")),
    Campo("categorie", N_("Disadvantage categories"), _categorie, example="L381",
          synonyms=("Categorie di svantaggio", "Categoria di svantaggio", "Svantaggio", "Categorie")),
    Campo("note", N_("Notes"), text, synonyms=("Note", "Annotazioni")),
)
SCALARI = ("cognome", "nome", "data_nascita", "sesso", "indirizzo", "cap", "telefono", "email",
           "condizione_occupazionale", "note")


class Persone(TipoImport):
    name = "persone"
    label = N_("people")
    key_label = N_("codice fiscale")
    fields = CAMPI

    def required_columns(self, ctx: Contesto) -> list[Campo]:
        # A social worker's people live in their Comune: the column may be left out.
        return [c for c in self.fields if c.required and not (ctx.referral_only and c.name == "comune_residenza")]

    def start(self, ctx: Contesto) -> None:
        ctx.ref["comuni"] = ref.comuni(ctx.session)
        ctx.ref["categorie"] = ref.categorie(ctx.session)

    def _read(self, ctx: Contesto, riga: Riga) -> dict:
        errors: list[list[str]] = []
        values = self.parse(riga, errors)
        comuni = ctx.ref["comuni"]
        values["comune_residenza_id"] = self.resolve(riga, errors, "comune_residenza",
                                                     lambda x: ref.find_comune(comuni, x))
        if ctx.referral_only:
            values["comune_residenza_id"] = values["comune_residenza_id"] or ctx.comune_id
            if values["comune_residenza_id"] != ctx.comune_id:
                errors.append([riga.column("comune_residenza"),
                               gettext("You can import only people resident in your Comune.")])
        if values.get("categorie"):
            found = [self.resolve(riga, errors, "categorie", ctx.ref["categorie"].find, c) for c in values["categorie"]]
            values["categorie"] = tuple(sorted(set(found)))
        if errors:
            raise RigaErrata(errors)
        return values

    def apply_chunk(self, ctx: Contesto, righe: list[Riga]) -> list[RisultatoRiga]:
        results, todo, bulk = {}, [], []
        for riga in righe:
            key = ("" if riga.cells.get("codice_fiscale") is None else str(riga.cells["codice_fiscale"]).strip())
            try:
                values = self._read(ctx, riga)
            except RigaErrata as exc:
                results[riga.number] = self.failed(riga, key, exc)
                continue
            shown = f"{values['codice_fiscale']} {values.get('cognome') or ''} {values.get('nome') or ''}".strip()
            dup = self.duplicate(ctx, riga, values["codice_fiscale"], values, shown)
            if dup is not None:
                results[riga.number] = dup
            else:
                todo.append((riga, values, shown))
        existing = self._existing(ctx, [values["codice_fiscale"] for _, values, _ in todo])
        outside = self._outside_scope(ctx, existing)
        for riga, values, shown in todo:
            found = existing.get(values["codice_fiscale"])
            try:
                if found is not None and found.id in outside:
                    raise DomainError(gettext("This person exists and is not of your Comune."), "codice_fiscale")
                if found is not None:
                    results[riga.number] = self._update(ctx, riga, found, values, shown)
                elif values.get("categorie"):
                    results[riga.number] = self._create(ctx, riga, values, shown)
                else:
                    bulk.append(self._new_row(riga, values))
                    results[riga.number] = RisultatoRiga(riga.number, NUOVA, shown)
            except (RigaErrata, DomainError) as exc:
                if found is not None:
                    ctx.session.expire(found)  # its half-made changes are not written
                results[riga.number] = self.failed(riga, shown, exc)
        ctx.session.flush()
        self._insert(ctx, bulk)
        return [results[r.number] for r in righe]

    def _new_row(self, riga: Riga, values: dict) -> dict:
        """The columns of a new person, checked as the model checks them: the codice fiscale,
        CAP and e-mail by the validators that read them (models/validation.py), the birth date and
        its agreement with the codice fiscale by ``Persona.validate_model``."""
        if values.get("sesso") is None:
            values["sesso"] = Sesso.F if codicefiscale.get_gender(values["codice_fiscale"]) == "F" else Sesso.M
        self.require(riga, values, ("cognome", "nome", "data_nascita", "comune_residenza_id"))
        if values.get("email"):
            values["email"] = v.clean_email(values["email"])
        Persona.validate_model(SimpleNamespace(
            data_nascita=values["data_nascita"], codice_fiscale=values["codice_fiscale"],
            sesso=values["sesso"], comune_nascita=None,
        ))
        row = {n: values.get(n) for n in ("codice_fiscale", *SCALARI, "comune_residenza_id")}
        row["condizione_occupazionale"] = row["condizione_occupazionale"] or CondizioneOccupazionale.DISOCCUPATO
        return row

    def _insert(self, ctx: Contesto, rows: list[dict]) -> None:
        """New people without categories: one INSERT for the chunk, and their audit rows."""
        if not rows:
            return
        # COPY on PostgreSQL, an executemany elsewhere (models/bulk.py), then the ids in one
        # SELECT: an INSERT ... RETURNING of the chunk would be one statement with thousands of
        # parameters, which psycopg parses in Python every time.
        insert_rows(ctx.session, Persona.__table__, rows)
        ids = dict(ctx.session.execute(select(Persona.codice_fiscale, Persona.id).where(
            Persona.codice_fiscale.in_([r["codice_fiscale"] for r in rows]))).all())
        log_inserted(ctx.session, Persona, rows, [ids[r["codice_fiscale"]] for r in rows],
                     lambda r: f"{r['cognome']} {r['nome']}")

    def _existing(self, ctx: Contesto, codes: list[str]) -> dict[str, Persona]:
        if not codes:
            return {}
        stmt = select(Persona).where(Persona.codice_fiscale.in_(codes)).options(selectinload(Persona.categorie))
        return {p.codice_fiscale: p for p in ctx.session.scalars(stmt)}

    def _outside_scope(self, ctx: Contesto, existing: dict[str, Persona]) -> set[int]:
        if not ctx.referral_only or not existing:
            return set()
        ids = {p.id for p in existing.values()}
        inside = set(ctx.session.scalars(select(Persona.id).where(
            Persona.id.in_(ids), comune_filter(Persona, ctx.comune_id))))
        return ids - inside

    def _show(self, ctx: Contesto):
        comuni = ctx.ref["comuni"].label
        cats = ctx.ref["categorie"].label

        def show(name, value):
            if name == "comune_residenza_id":
                return comuni.get(value, "")
            if name == "categorie":
                return ", ".join(cats.get(i, "") for i in value)
            return mostra(value)

        return show

    def _set_categories(self, ctx: Contesto, p: Persona, ids) -> None:
        p.categorie = [ctx.session.get(CategoriaSvantaggio, i) for i in ids]

    def _update(self, ctx: Contesto, riga: Riga, p: Persona, values: dict, shown: str) -> RisultatoRiga:
        if values.get("email") and values["email"] != p.email:
            values["email"] = v.clean_email(values["email"])
        column = {"comune_residenza_id": riga.column("comune_residenza")}
        changes = assign(p, values, SCALARI + ("comune_residenza_id",), lambda n: column.get(n) or riga.column(n),
                         self._show(ctx))
        wanted = values.get("categorie")
        if wanted is not None and tuple(sorted(c.id for c in p.categorie)) != wanted:
            changes.append([riga.column("categorie"), self._show(ctx)("categorie", sorted(c.id for c in p.categorie)),
                            self._show(ctx)("categorie", wanted)])
            self._set_categories(ctx, p, wanted)
        p.validate_model()
        return RisultatoRiga(riga.number, MODIFICATA if changes else INVARIATA, shown, changes=changes)

    def _create(self, ctx: Contesto, riga: Riga, values: dict, shown: str) -> RisultatoRiga:
        if values.get("sesso") is None and values.get("codice_fiscale"):
            values["sesso"] = Sesso.F if codicefiscale.get_gender(values["codice_fiscale"]) == "F" else Sesso.M
        self.require(riga, values, ("cognome", "nome", "data_nascita", "comune_residenza_id"))
        p = Persona(codice_fiscale=values["codice_fiscale"],
                    **{n: values[n] for n in SCALARI + ("comune_residenza_id",) if values.get(n) is not None})
        if values.get("categorie"):
            self._set_categories(ctx, p, values["categorie"])
        p.validate_model()
        ctx.session.add(p)
        return RisultatoRiga(riga.number, NUOVA, shown)
