"""Import of host organisations (DOMAIN.md, "Ente ospitante"): natural key the partita IVA, or
the fiscal code of a host without one (an association).

The codes are checked by models/validation.py (through the model's validators), the agreement
dates by ``EnteOspitante.validate_model``; a fiscal code taken by another host is refused by
models/operations/anagrafiche.py, naming that host.
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import or_, select

from .. import validation as v
from ..anagrafiche import EnteOspitante
from ..base import N_, TipoEnte
from ..errors import DomainError
from ..operations.anagrafiche import require_unique_fiscal_code
from . import riferimenti as ref
from . import scelte
from .colonne import Campo, Intestazione
from .confronto import assign, mostra
from .motore import Contesto, Riga, RigaErrata, TipoImport
from .rapporto import INVARIATA, MODIFICATA, NUOVA, RisultatoRiga
from .valori import code, date, text


def _piva(value):
    raw = code(value, 11)
    return v.clean_partita_iva(raw) if raw else None


def _cf(value):
    raw = code(value, 11)
    return v.clean_codice_fiscale_ente(raw) if raw else None


def _email(value):
    raw = text(value)
    return v.clean_email(raw) if raw else None


CAMPI = (
    Campo("ragione_sociale", N_("Company name"), text, required=True, example="Officine Rossi S.r.l.",
          synonyms=("Ragione sociale", "Denominazione", "Nome ente", "Ente", "Ente ospitante", "Azienda")),
    Campo("tipo", N_("Kind"), scelte.parser(TipoEnte), required=True, choices=scelte.labels(TipoEnte),
          example=TipoEnte.IMPRESA.value, synonyms=("Tipo", "Tipo ente", "Tipologia ente", "Natura giuridica")),
    Campo("partita_iva", N_("Partita IVA"), _piva, example="01234560173",
          synonyms=("Partita IVA", "P.IVA", "P. IVA", "PIVA", "P.I.", "Part. IVA")),
    Campo("codice_fiscale", N_("Fiscal code"), _cf, synonyms=("Codice fiscale", "CF", "C.F.", "Cod. fiscale")),
    Campo("comune", N_("Comune (seat)"), text, required=True, example="Lumezzane",
          choices=lambda r: r.get("comuni", []),
          synonyms=("Comune", "Sede", "Comune sede", "Comune (sede)", "Comune della sede")),
    Campo("indirizzo", N_("Address"), text, example="Via Industria 5", synonyms=("Indirizzo", "Via")),
    Campo("referente", N_("Contact person"), text, synonyms=("Referente", "Contatto", "Persona di riferimento")),
    Campo("telefono", N_("Phone"), text, synonyms=("Telefono", "Tel", "Tel.", "Cellulare")),
    Campo("email", N_("E-mail"), _email, synonyms=("Email", "E-mail", "Mail", "PEC", "Posta elettronica")),
    Campo("tutor_aziendale", N_("Company tutor"), text, synonyms=("Tutor aziendale", "Tutor")),
    Campo("convenzione_numero", N_("Agreement number"), text,
          synonyms=("Numero convenzione", "N. convenzione", "Convenzione n.", "Convenzione")),
    Campo("convenzione_data", N_("Agreement date"), date,
          synonyms=("Data convenzione", "Convenzione del", "Data stipula")),
    Campo("convenzione_scadenza", N_("Agreement expiry"), date,
          synonyms=("Scadenza convenzione", "Scadenza", "Convenzione valida fino al")),
)
SCALARI = ("ragione_sociale", "tipo", "partita_iva", "codice_fiscale", "comune_id", "indirizzo", "referente",
           "telefono", "email", "tutor_aziendale", "convenzione_numero", "convenzione_data", "convenzione_scadenza")


class Enti(TipoImport):
    name = "enti"
    label = N_("host organisations")
    key_label = N_("partita IVA")
    fields = CAMPI

    def missing_columns(self, ctx: Contesto, header: Intestazione) -> list[Campo]:
        missing = super().missing_columns(ctx, header)
        if "partita_iva" not in header.columns and "codice_fiscale" not in header.columns:
            missing.append(self.field("partita_iva"))
        return missing

    def start(self, ctx: Contesto) -> None:
        ctx.ref["comuni"] = ref.comuni(ctx.session)

    def _read(self, ctx: Contesto, riga: Riga) -> dict:
        errors: list[list[str]] = []
        values = self.parse(riga, errors)
        comuni = ctx.ref["comuni"]
        values["comune_id"] = self.resolve(riga, errors, "comune", lambda x: ref.find_comune(comuni, x))
        if not values.get("partita_iva") and not values.get("codice_fiscale") and not errors:
            errors.append([riga.column("partita_iva") or riga.column("codice_fiscale"),
                           gettext("Give the partita IVA or the fiscal code: they identify the host.")])
        if errors:
            raise RigaErrata(errors)
        # A company's fiscal code is its partita IVA.
        values["codice_fiscale"] = values.get("codice_fiscale") or values.get("partita_iva")
        return values

    def apply_chunk(self, ctx: Contesto, righe: list[Riga]) -> list[RisultatoRiga]:
        results, todo = {}, []
        for riga in righe:
            raw = riga.cells.get("partita_iva") or riga.cells.get("codice_fiscale") or ""
            try:
                values = self._read(ctx, riga)
            except RigaErrata as exc:
                results[riga.number] = self.failed(riga, str(raw).strip(), exc)
                continue
            key = values.get("partita_iva") or values["codice_fiscale"]
            shown = f"{key} {values.get('ragione_sociale') or ''}".strip()
            dup = self.duplicate(ctx, riga, key, values, shown)
            if dup is not None:
                results[riga.number] = dup
            else:
                todo.append((riga, values, shown))
        existing = self._existing(ctx, [values for _, values, _ in todo])
        for riga, values, shown in todo:
            found = existing.get(values.get("partita_iva")) or existing.get(values["codice_fiscale"])
            try:
                results[riga.number] = (self._update(ctx, riga, found, values, shown) if found is not None
                                        else self._create(ctx, riga, values, shown))
            except (RigaErrata, DomainError) as exc:
                if found is not None:
                    ctx.session.expire(found)
                results[riga.number] = self.failed(riga, shown, exc)
        ctx.session.flush()
        return [results[r.number] for r in righe]

    def _existing(self, ctx: Contesto, rows: list[dict]) -> dict[str, EnteOspitante]:
        codes = {c for values in rows for c in (values.get("partita_iva"), values["codice_fiscale"]) if c}
        if not codes:
            return {}
        found = {}
        stmt = select(EnteOspitante).where(or_(EnteOspitante.partita_iva.in_(codes),
                                               EnteOspitante.codice_fiscale.in_(codes)))
        for e in ctx.session.scalars(stmt):
            found[e.codice_fiscale] = e
            if e.partita_iva:
                found.setdefault(e.partita_iva, e)
        return found

    def _show(self, ctx: Contesto):
        comuni = ctx.ref["comuni"].label
        return lambda name, value: comuni.get(value, "") if name == "comune_id" else mostra(value)

    def _column(self, riga: Riga):
        return lambda n: riga.column("comune" if n == "comune_id" else n)

    def _update(self, ctx, riga, e: EnteOspitante, values, shown) -> RisultatoRiga:
        changes = assign(e, values, SCALARI, self._column(riga), self._show(ctx))
        with ctx.session.no_autoflush:
            require_unique_fiscal_code(ctx.session, e)
        e.validate_model()
        return RisultatoRiga(riga.number, MODIFICATA if changes else INVARIATA, shown, changes=changes)

    def _create(self, ctx, riga, values, shown) -> RisultatoRiga:
        self.require(riga, values, ("ragione_sociale", "tipo", "comune_id"))
        e = EnteOspitante(**{n: values[n] for n in SCALARI if values.get(n) is not None})
        with ctx.session.no_autoflush:
            require_unique_fiscal_code(ctx.session, e)
        e.validate_model()
        ctx.session.add(e)
        return RisultatoRiga(riga.number, NUOVA, shown)
