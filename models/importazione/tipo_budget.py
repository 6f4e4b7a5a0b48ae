"""Import of budgets (DOMAIN.md, "Budget"): natural key Comune x programme x start of the period.

A new budget gets the amount as its initial amount; an existing one whose allocated amount
(initial + changes) differs from the sheet's gets a change (VariazioneBudget) of the difference,
dated today and saying it came from the file: budgets keep their history (DOMAIN.md, "The flow"
1). ``Budget.validate_model`` checks the amounts and the period.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..base import N_, euro
from ..errors import DomainError
from ..programmi import Budget, VariazioneBudget
from . import riferimenti as ref
from .colonne import Campo
from .confronto import assign, mostra
from .motore import Contesto, Riga, RigaErrata, TipoImport
from .rapporto import INVARIATA, MODIFICATA, NUOVA, RisultatoRiga
from .valori import code, date, decimal, text

CENT = Decimal("0.01")

CAMPI = (
    Campo("comune", N_("Comune"), text, required=True, example="Lumezzane", choices=lambda r: r.get("comuni", []),
          synonyms=("Comune", "Ente", "Codice ISTAT")),
    Campo("programma", N_("Programme"), text, example="ZeroOttanta", choices=lambda r: r.get("programmi", []),
          synonyms=("Programma", "Progetto")),
    Campo("data_inizio", N_("Start"), date, required=True, example="01/01/2025",
          synonyms=("Data inizio", "Inizio", "Dal", "Periodo dal", "Valido dal")),
    Campo("data_fine", N_("End"), date, required=True, example="31/12/2025",
          synonyms=("Data fine", "Fine", "Al", "Periodo al", "Valido fino al")),
    Campo("importo", N_("Amount"), decimal, required=True, example="10.000,00",
          synonyms=("Importo", "Importo iniziale", "Stanziato", "Budget", "Importo stanziato", "Euro")),
    Campo("criteri", N_("Criteria"), text, synonyms=("Criteri", "Criteri di utilizzo")),
    Campo("cig", N_("CIG"), code, synonyms=("CIG",)),
    Campo("cup", N_("CUP"), code, synonyms=("CUP",)),
)


class Budgets(TipoImport):
    name = "budget"
    label = N_("budgets")
    key_label = N_("Comune, programme and start date")
    fields = CAMPI

    def start(self, ctx: Contesto) -> None:
        ctx.ref["comuni"] = ref.comuni(ctx.session)
        ctx.ref["programmi"] = ref.programmi(ctx.session)

    def _read(self, ctx: Contesto, riga: Riga) -> dict:
        errors: list[list[str]] = []
        values = self.parse(riga, errors)
        comuni, programmi = ctx.ref["comuni"], ctx.ref["programmi"]
        values["comune_id"] = self.resolve(riga, errors, "comune", lambda x: ref.find_comune(comuni, x))
        values["programma_id"] = self.resolve(riga, errors, "programma", programmi.find)
        if values["programma_id"] is None and len(programmi.label) == 1:
            values["programma_id"] = next(iter(programmi.label))  # the only programme there is
        if values.get("importo") is not None and values["importo"] != values["importo"].quantize(CENT):
            errors.append([riga.column("importo"), gettext("An amount has at most two decimals.")])
        if errors:
            raise RigaErrata(errors)
        return values

    def apply_chunk(self, ctx: Contesto, righe: list[Riga]) -> list[RisultatoRiga]:
        results, todo = {}, []
        for riga in righe:
            raw = " · ".join(str(riga.cells.get(n) or "").strip() for n in ("comune", "programma"))
            try:
                values = self._read(ctx, riga)
                self.require(riga, values, ("comune_id", "programma_id", "data_inizio", "data_fine", "importo"))
            except RigaErrata as exc:
                results[riga.number] = self.failed(riga, raw, exc)
                continue
            key = (values["comune_id"], values["programma_id"], values["data_inizio"])
            shown = (f"{ctx.ref['comuni'].label[key[0]]} · {ctx.ref['programmi'].label[key[1]]} · "
                     f"{mostra(values['data_inizio'])}")
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

    def _existing(self, ctx: Contesto, comuni: set[int]) -> dict[tuple, Budget]:
        if not comuni:
            return {}
        stmt = select(Budget).where(Budget.comune_id.in_(comuni)).options(selectinload(Budget.variazioni))
        return {(b.comune_id, b.programma_id, b.data_inizio): b for b in ctx.session.scalars(stmt)}

    def _update(self, ctx, riga, b: Budget, values, shown) -> RisultatoRiga:
        changes = assign(b, values, ("data_fine", "criteri", "cig", "cup"), riga.column)
        allocated = b.stanziato_con_variazioni()
        if values["importo"] != allocated:
            changes.append([riga.column("importo"), euro(allocated), euro(values["importo"])])
            b.variazioni.append(VariazioneBudget(
                data=clock.today(), importo=values["importo"] - allocated,
                motivo=gettext("Imported from %(file)s", file=ctx.filename)[:200]))
        b.validate_model()
        return RisultatoRiga(riga.number, MODIFICATA if changes else INVARIATA, shown, changes=changes)

    def _create(self, ctx, riga, values, shown) -> RisultatoRiga:
        b = Budget(comune_id=values["comune_id"], programma_id=values["programma_id"],
                   data_inizio=values["data_inizio"], data_fine=values["data_fine"],
                   importo_iniziale=values["importo"],
                   **{n: values[n] for n in ("criteri", "cig", "cup") if values.get(n) is not None})
        b.validate_model()
        ctx.session.add(b)
        return RisultatoRiga(riga.number, NUOVA, shown)
