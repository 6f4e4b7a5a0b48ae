"""Voucher variations after the approval (issue 14, item 2).

SolCo Mantova's PIP: "Non si esclude la possibilità di aumentare o ridurre il volume dei servizi
proposti"; ZeroOttanta: budgets per project "con la possibilità di eventuali ridefinizioni".
A variation increases, reduces or adds lines with a reason and is decided by the PAL manager
(workflow.py) with the approval's budget rule: the budget row is locked (SELECT ... FOR UPDATE)
and an increase must fit the remaining budget. A line is never reduced below what was delivered.
The committed amount follows (``Voucher.importo_impegnato`` moves by the change of the gross
total); each variation is kept with its lines, before and after. Operations flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy.orm import Session

from .. import clock
from ..base import StatoVoucher, euro
from ..errors import DomainError
from ..money import totals
from ..percorsi import RigaVoucher, Voucher
from ..programmi import VoceListino
from ..queries import budget_figures, budget_for
from ..variazioni import RigaVariazione, VariazioneVoucher
from .erogazioni import _q, delivered
from .prezzi import is_valid_on
from .workflow import require_role, require_step


def _gross(lines) -> Decimal:
    taxable, vat = totals((q, voce.prezzo_unitario, voce.aliquota_iva) for voce, q in lines)
    return taxable + vat


def _check(session: Session, v: Voucher, changes: dict[VoceListino, Decimal], day: dt.date) -> None:
    by_item = {r.voce_listino_id: r for r in v.righe}
    for voce, quantity in changes.items():
        if quantity is None or quantity <= 0:
            raise DomainError(gettext("The quantity must be more than 0."))
        if quantity != quantity.quantize(Decimal("0.01")):
            raise DomainError(gettext("A quantity has at most two decimals."))
        riga = by_item.get(voce.id)
        if riga is None:
            if voce.programma_id != v.percorso.programma_id or not is_valid_on(voce, day):
                raise DomainError(gettext("The item %(item)s is not valid on %(day)s.",
                                          item=voce.descrizione, day=day.strftime("%d/%m/%Y")))
            continue
        done = delivered(session, riga)
        if quantity < done:
            raise DomainError(gettext(
                "«%(item)s» cannot go below the %(done)s already delivered.",
                item=voce.descrizione, done=_q(done)))


def vary_voucher(session: Session, v: Voucher, changes: dict[VoceListino, Decimal], reason: str,
                 decisore, day: dt.date) -> VariazioneVoucher:
    """Change an approved voucher's lines to the quantities of ``changes`` (item -> new
    quantity; an item without a line adds one), for ``reason``, decided by ``decisore`` (a PAL
    manager) on ``day``. An increase of the gross total needs that much remaining budget."""
    require_role("vary", decisore)
    p = v.percorso
    require_step("vary", p, decisore)
    if v.stato != StatoVoucher.APPROVATO:
        raise DomainError(gettext("Only an approved voucher can be varied."))
    if not (reason or "").strip():
        raise DomainError(gettext("A variation needs a reason."))
    if day > clock.today():
        raise DomainError(gettext("The date cannot be in the future."))
    if day < v.data_decisione:
        raise DomainError(gettext("The variation cannot precede the approval (%(day)s).",
                                  day=v.data_decisione.strftime("%d/%m/%Y")))
    current = {r.voce_listino_id: r for r in v.righe}
    changes = {voce: Decimal(q) for voce, q in changes.items()
               if voce.id not in current or Decimal(q) != current[voce.id].quantita}
    if not changes:
        raise DomainError(gettext("The variation changes no line."))
    with session.no_autoflush:
        _check(session, v, changes, day)
    before = [(r.voce_listino, r.quantita) for r in v.righe]
    after = [(r.voce_listino, changes.get(r.voce_listino, r.quantita)) for r in v.righe]
    after += [(voce, q) for voce, q in changes.items() if voce.id not in current]
    delta = _gross(after) - _gross(before)
    # The budget the voucher's commitment sits in (decided in its period), locked as an approval
    # locks it: two decisions at once cannot over-commit it.
    budget = budget_for(session, p.comune_id, p.programma_id, v.data_decisione, lock=True)
    if delta > 0:
        if budget is None:
            raise DomainError(gettext("%(comune)s has no budget for %(programma)s on %(day)s.",
                                      comune=str(p.comune), programma=str(p.programma),
                                      day=v.data_decisione.strftime("%d/%m/%Y")))
        figures = budget_figures(session, budget.id)
        if delta > figures["residuo"]:
            raise DomainError(gettext(
                "Budget of %(comune)s not enough: the variation costs %(total)s more, the remaining "
                "budget is %(remaining)s (allocated %(allocated)s, committed %(committed)s).",
                comune=str(p.comune), total=euro(delta), remaining=euro(figures["residuo"]),
                allocated=euro(figures["stanziato"]), committed=euro(figures["impegnato"])))
    committed_before = v.importo_impegnato if v.importo_impegnato is not None else _gross(before)
    variation = VariazioneVoucher(voucher=v, data=day, motivo=reason.strip(), decisore=decisore,
                                  impegnato_prima=committed_before,
                                  impegnato_dopo=committed_before + delta)
    session.add(variation)
    for voce, quantity in changes.items():
        riga = current.get(voce.id)
        variation.righe.append(RigaVariazione(voce_listino=voce, quantita_dopo=quantity,
                                              quantita_prima=riga.quantita if riga else Decimal(0)))
        if riga is None:
            v.righe.append(RigaVoucher(voce_listino=voce, quantita=quantity))
        else:
            riga.quantita = quantity
    v.importo_impegnato = committed_before + delta
    session.flush()
    return variation
