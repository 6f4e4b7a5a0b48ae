"""Which workflow steps a user may take on a path: one table, asked by the case page, the bulk
actions and the operations themselves (DOMAIN.md, "Who works with it" and "The flow").

A step applies to a path in some states (and, for some, under a further condition); it is
taken by some roles. ``may_take`` and ``available_steps`` answer the console; ``require_step``
is the operations' own check, which refuses with one ``DomainError`` saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext

from ..base import N_, StatoPercorso, TipologiaPercorso
from ..errors import DomainError
from ..percorsi import Percorso
from ..utenti import RUOLI

S = StatoPercorso
#: A path in these states is over: no step applies to it but reading.
FINAL = (S.CONCLUSO, S.INTERROTTO, S.RITIRATO)


@dataclass(frozen=True)
class Step:
    """Who takes a step (role codes) and on which paths (states, and a further condition)."""

    label: str
    roles: frozenset[str]
    states: tuple[StatoPercorso, ...]
    #: A condition on the path beyond its state, and the refusal when it does not hold.
    when: Callable[[Percorso], bool] | None = None
    refusal: str | None = None

    def applies_to(self, p: Percorso) -> bool:
        return p.stato in self.states and (self.when is None or bool(self.when(p)))


def _step(label: str, roles: set[str], states, when=None, refusal=None) -> Step:
    return Step(label, frozenset(roles), tuple(states), when, refusal)


#: step -> who and when (DOMAIN.md: the agency's case workers run the path, the PAL manager
#: decides on vouchers; either may extend a group referral's intake deadline).
STEPS: dict[str, Step] = {
    "take_in_charge": _step(N_("Take in charge"), {"operatore"}, (S.SEGNALATO,)),
    "extension": _step(N_("Grant an intake extension"), {"operatore", "pal"}, (S.SEGNALATO,),
                       when=lambda p: p.segnalazione_di_gruppo,
                       refusal=N_("Only a group referral can get an intake extension.")),
    "interview": _step(N_("Record the first interview"), {"operatore"}, (S.PRESO_IN_CARICO,)),
    # A voucher is proposed by whoever may create vouchers (README, roles: operatore, admin).
    "propose": _step(N_("Propose a voucher"), {"operatore", "admin"}, (S.IN_VALUTAZIONE,)),
    "approve": _step(N_("Approve the voucher"), {"pal"}, (S.VOUCHER_PROPOSTO,)),
    "reject": _step(N_("Reject the voucher"), {"pal"}, (S.VOUCHER_PROPOSTO,)),
    "activate": _step(N_("Activate at a position"), {"operatore"}, (S.VOUCHER_APPROVATO,)),
    # Extending a path's planned end: the agency agrees it with the host; the PAL manager,
    # who watches deadlines and budgets, may record it too.
    "extend": _step(N_("Extend the planned end"), {"operatore", "pal"}, (S.ATTIVO,),
                    when=lambda p: p.data_fine_prevista is not None and p.data_fine is None,
                    refusal=N_("Only an active path with a planned end can be extended.")),
    "hire": _step(N_("Record the hiring"), {"operatore"}, (S.ATTIVO, S.VOUCHER_APPROVATO)),
    # A secondment ends hired or back to the cooperative (Modena), not "without hiring".
    "conclude": _step(N_("Conclude without hiring"), {"operatore"}, (S.ATTIVO,),
                      when=lambda p: p.tipologia != TipologiaPercorso.DISTACCO,
                      refusal=N_("A secondment ends with a hiring or back to the cooperative.")),
    "return_to_coop": _step(N_("Back to the cooperative"), {"operatore"}, (S.ATTIVO,),
                            when=lambda p: p.tipologia == TipologiaPercorso.DISTACCO,
                            refusal=N_("Only a seconded worker goes back to the cooperative.")),
    "interrupt": _step(N_("Interrupt"), {"operatore"}, (S.ATTIVO,)),
    "withdraw": _step(N_("Withdrawal"), {"operatore"}, [s for s in S if s not in FINAL]),
    # Issue 14: services of the approved voucher are delivered by the case workers; the PAL
    # manager decides variations of it, as he decides approvals.
    "deliver": _step(N_("Record a delivery"), {"operatore"}, (S.VOUCHER_APPROVATO, S.ATTIVO)),
    "vary": _step(N_("Vary the voucher"), {"pal"}, (S.VOUCHER_APPROVATO, S.ATTIVO)),
}


def _roles(user) -> set[str]:
    """The role codes of ``user``; none for no user or an anonymous one."""
    return set(getattr(user, "role_names", None) or ())


def may_take(step: str, percorso: Percorso | None, user) -> bool:
    """``user``'s roles allow ``step``, and the path (when given) is one it applies to.
    Without a path, the role alone: a bulk action before its rows are read."""
    rule = STEPS[step]
    if not rule.roles & _roles(user):
        return False
    return percorso is None or rule.applies_to(percorso)


def available_steps(percorso: Percorso, user) -> list[str]:
    """The steps ``user`` may take on ``percorso`` now, in the order of the flow."""
    return [step for step in STEPS if may_take(step, percorso, user)]


def require_role(step: str, user) -> None:
    """Refuse ``step`` to a user whose roles do not take it."""
    rule = STEPS[step]
    if not rule.roles & _roles(user):
        raise DomainError(
            gettext(
                "The step «%(step)s» is for %(roles)s: %(user)s cannot take it.",
                step=gettext(rule.label),
                roles=" / ".join(gettext(RUOLI[r]) for r in sorted(rule.roles)),
                user=str(user) if user is not None else "-",
            )
        )


def require_state(p: Percorso, *states: StatoPercorso) -> None:
    """Refuse a step on a path that is not in one of ``states``."""
    if p.stato not in states:
        raise DomainError(
            gettext(
                "Path %(path)s is %(state)s: this step needs it to be %(needed)s.",
                path=str(p),
                state=p.stato.label,
                needed=" / ".join(s.label for s in states),
            )
        )


def require_step(step: str, p: Percorso, by=None) -> None:
    """The operation's own check of ``step`` on ``p``: the acting user's role (``by``; None
    when no console user acts: the seed, the CLI), the path's state, the step's condition."""
    rule = STEPS[step]
    if by is not None:
        require_role(step, by)
    require_state(p, *rule.states)
    if rule.when is not None and not rule.when(p):
        raise DomainError(gettext(rule.refusal))
