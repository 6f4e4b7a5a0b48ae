"""Who may take which workflow step on which path (models/operations/workflow.py): the one
table that the case page, the bulk actions and the operations ask. No database needed."""

from __future__ import annotations

import pytest

from models import Percorso, Ruolo, Utente
from models.base import StatoPercorso, TipologiaPercorso
from models.operations.workflow import STEPS, available_steps, may_take

S = StatoPercorso
ROLES = ("operatore", "pal", "amministrazione", "servizio_sociale", "admin")

#: (state, role) -> the steps offered, in the order of the flow; a missing pair offers none.
EXPECTED = {
    (S.SEGNALATO, "operatore"): ["take_in_charge", "withdraw"],
    (S.PRESO_IN_CARICO, "operatore"): ["interview", "withdraw"],
    (S.IN_VALUTAZIONE, "operatore"): ["propose", "withdraw"],
    (S.IN_VALUTAZIONE, "admin"): ["propose"],
    (S.VOUCHER_PROPOSTO, "operatore"): ["withdraw"],
    (S.VOUCHER_PROPOSTO, "pal"): ["approve", "reject"],
    # Issue 14: deliveries by the case workers, variations by the PAL manager.
    (S.VOUCHER_APPROVATO, "operatore"): ["activate", "hire", "withdraw", "deliver"],
    (S.VOUCHER_APPROVATO, "pal"): ["vary"],
    (S.ATTIVO, "operatore"): ["hire", "conclude", "interrupt", "withdraw", "deliver"],
    (S.ATTIVO, "pal"): ["vary"],
}


def user(*roles: str) -> Utente:
    return Utente(email="u@example.org", roles=[Ruolo(name=r) for r in roles])


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("role", ROLES)
def test_available_steps_per_role_and_state(state, role):
    p = Percorso(stato=state, segnalazione_di_gruppo=False)
    assert available_steps(p, user(role)) == EXPECTED.get((state, role), [])


def test_the_intake_extension_is_offered_for_a_group_referral_only():
    group = Percorso(stato=S.SEGNALATO, segnalazione_di_gruppo=True)
    assert available_steps(group, user("operatore")) == ["take_in_charge", "extension", "withdraw"]
    assert available_steps(group, user("pal")) == ["extension"]
    assert "extension" not in available_steps(Percorso(stato=S.SEGNALATO, segnalazione_di_gruppo=False),
                                              user("operatore", "pal"))


def test_a_secondment_ends_hired_or_back_to_the_cooperative():
    secondment = Percorso(stato=S.ATTIVO, segnalazione_di_gruppo=False, tipologia=TipologiaPercorso.DISTACCO)
    assert available_steps(secondment, user("operatore")) == ["hire", "return_to_coop", "interrupt", "withdraw",
                                                              "deliver"]


def test_a_user_with_two_roles_takes_the_steps_of_both():
    p = Percorso(stato=S.VOUCHER_PROPOSTO, segnalazione_di_gruppo=False)
    assert available_steps(p, user("operatore", "pal")) == ["approve", "reject", "withdraw"]


def test_without_a_path_the_role_alone_decides():
    """A bulk action is allowed or refused before its rows are read."""
    assert may_take("approve", None, user("pal"))
    assert not may_take("approve", None, user("operatore"))
    assert not any(may_take(step, None, None) for step in STEPS)  # nobody logged in
