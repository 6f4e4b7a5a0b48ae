"""The case workflow (issue 3): transitions and their refusals, deadlines, activation,
matching, outcomes with their charges, and seats freed when a path ends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Addebito, CategoriaSvantaggio, DomainError, DurataTirocinio, clock, db
from models.base import (
    Esito,
    StatoPercorso,
    StatoVoucher,
    TipoContratto,
    TipologiaPercorso,
    TipoVoce,
)
from models.operations import percorsi as ops
from models.operations import voucher as voucher_ops
from models.queries import deadlines, matching_positions

from . import factories as f
from .paths import (
    DECISION,
    INTAKE,
    INTERVIEW,
    PLANNED_END,
    PROPOSAL,
    REFERRAL,
    START,
    active,
    add_item,
    approved,
    english,
    job_placement,
    new_voucher,
    position,
    proposed,
    referred,
    scene,
    under_evaluation,
)

S = StatoPercorso
TOMORROW = clock.today() + dt.timedelta(days=1)


@pytest.fixture
def session(app):
    """A session inside a request context (messages are gettext'd), in English."""
    with app.test_request_context():
        english()
        yield db.session
        db.session.rollback()


@pytest.fixture
def sc(session):
    return scene(session)


def charges(session, p):
    return session.scalars(select(Addebito).where(Addebito.percorso_id == p.id).order_by(Addebito.id)).all()


# --- Transitions ------------------------------------------------------------------------


def test_taking_in_charge_records_the_intake(session, sc):
    p = referred(session, sc)
    user = f.make_user(session, "op@example.org", ["operatore"])
    ops.take_in_charge(session, p, INTAKE, user)
    assert (p.stato, p.data_presa_in_carico, p.operatore) == (S.PRESO_IN_CARICO, INTAKE, user)


def test_intake_cannot_precede_the_referral(session, sc):
    p = referred(session, sc)
    with pytest.raises(DomainError, match="cannot precede the referral date"):
        ops.take_in_charge(session, p, REFERRAL - dt.timedelta(days=1))
    assert p.stato == S.SEGNALATO


def test_a_step_dated_in_the_future_is_refused(session, sc):
    p = referred(session, sc)
    with pytest.raises(DomainError, match="cannot be in the future"):
        ops.take_in_charge(session, p, TOMORROW)
    assert p.data_presa_in_carico is None


def test_a_path_is_taken_in_charge_only_once(session, sc):
    p = referred(session, sc)
    ops.take_in_charge(session, p, INTAKE)
    with pytest.raises(DomainError, match="this step needs it to be referred"):
        ops.take_in_charge(session, p, INTERVIEW)
    assert p.data_presa_in_carico == INTAKE


def test_the_first_interview_starts_the_evaluation(session, sc):
    p = referred(session, sc)
    ops.take_in_charge(session, p, INTAKE)
    ops.record_first_interview(session, p, INTERVIEW)
    assert (p.stato, p.data_primo_colloquio) == (S.IN_VALUTAZIONE, INTERVIEW)


def test_the_first_interview_needs_the_intake(session, sc):
    p = referred(session, sc)
    with pytest.raises(DomainError, match="needs it to be taken in charge"):
        ops.record_first_interview(session, p, INTERVIEW)
    assert p.stato == S.SEGNALATO


def test_proposing_a_voucher_moves_the_path_to_voucher_proposed(session, sc):
    p, v = proposed(session, sc)
    assert (p.stato, v.stato) == (S.VOUCHER_PROPOSTO, StatoVoucher.PROPOSTO)


def test_a_voucher_is_proposed_only_for_a_path_under_evaluation(session, sc):
    p = referred(session, sc)
    ops.take_in_charge(session, p, INTAKE)
    v = new_voucher(session, p)
    with pytest.raises(DomainError, match="only for a path under evaluation"):
        voucher_ops.propose_voucher(session, v)
    assert p.stato == S.PRESO_IN_CARICO


def test_a_voucher_needs_at_least_one_line(session, sc):
    p = under_evaluation(session, sc)
    v = new_voucher(session, p, lines={})
    with pytest.raises(DomainError, match="at least one line"):
        voucher_ops.propose_voucher(session, v)
    assert p.stato == S.IN_VALUTAZIONE


def test_a_voucher_line_must_be_valid_on_the_proposal_date(session, sc):
    p = under_evaluation(session, sc)
    add_item(session, sc.programma, "OLD", "50.00", al=dt.date(2025, 2, 28))
    v = new_voucher(session, p, lines={"OLD": 1})
    with pytest.raises(DomainError, match="OLD is not valid on 10/03/2025"):
        voucher_ops.propose_voucher(session, v)
    assert p.stato == S.IN_VALUTAZIONE


def test_only_one_voucher_awaits_a_decision(session, sc):
    p, _ = proposed(session, sc)
    second = new_voucher(session, p, lines={"ATT": 1})
    with pytest.raises(DomainError, match="already has a proposed voucher"):
        voucher_ops.propose_voucher(session, second)
    assert second.stato == StatoVoucher.PROPOSTO and p.stato == S.VOUCHER_PROPOSTO


def test_approving_a_voucher_records_the_decision(session, sc):
    p, v = proposed(session, sc)
    voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    assert (v.stato, v.data_decisione, v.decisore, p.stato) == (
        StatoVoucher.APPROVATO, DECISION, sc.pal, S.VOUCHER_APPROVATO)


def test_a_rejected_voucher_keeps_its_reason_and_the_path_goes_back_to_evaluation(session, sc):
    p, v = proposed(session, sc)
    voucher_ops.reject_voucher(session, v, sc.pal, DECISION, "  Too many hours  ")
    assert (v.stato, v.motivo_rifiuto, p.stato) == (StatoVoucher.RESPINTO, "Too many hours", S.IN_VALUTAZIONE)


def test_a_rejection_needs_a_reason(session, sc):
    p, v = proposed(session, sc)
    with pytest.raises(DomainError, match="needs a reason"):
        voucher_ops.reject_voucher(session, v, sc.pal, DECISION, "  ")
    assert (v.stato, p.stato) == (StatoVoucher.PROPOSTO, S.VOUCHER_PROPOSTO)


def test_after_a_rejection_a_new_voucher_can_be_proposed(session, sc):
    p, v = proposed(session, sc)
    voucher_ops.reject_voucher(session, v, sc.pal, DECISION, "Too many hours")
    second = new_voucher(session, p, lines={"ATT": 1}, day=DECISION)
    voucher_ops.propose_voucher(session, second)
    assert p.stato == S.VOUCHER_PROPOSTO


def test_a_decided_voucher_cannot_be_decided_again(session, sc):
    p, v = proposed(session, sc)
    voucher_ops.reject_voucher(session, v, sc.pal, DECISION, "Too many hours")
    with pytest.raises(DomainError, match="is not awaiting a decision"):
        voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    assert v.stato == StatoVoucher.RESPINTO


def test_a_decision_cannot_precede_the_proposal(session, sc):
    p, v = proposed(session, sc)
    with pytest.raises(DomainError, match="cannot precede the proposal"):
        voucher_ops.approve_voucher(session, v, sc.pal, PROPOSAL - dt.timedelta(days=1))
    assert v.stato == StatoVoucher.PROPOSTO


def test_a_decision_cannot_be_dated_in_the_future(session, sc):
    p, v = proposed(session, sc)
    with pytest.raises(DomainError, match="cannot be in the future"):
        voucher_ops.approve_voucher(session, v, sc.pal, TOMORROW)
    with pytest.raises(DomainError, match="cannot be in the future"):
        voucher_ops.reject_voucher(session, v, sc.pal, TOMORROW, "No")
    assert v.stato == StatoVoucher.PROPOSTO


def test_only_a_pal_manager_decides_on_a_voucher(session, sc):
    p, v = proposed(session, sc)
    operatore = f.make_user(session, "decider@example.org", ["operatore", "amministrazione"])
    with pytest.raises(DomainError) as refused:
        voucher_ops.approve_voucher(session, v, operatore, DECISION)
    assert refused.value.message == (
        "The step «Approve the voucher» is for PAL manager: decider@example.org cannot take it.")
    with pytest.raises(DomainError, match="«Reject the voucher» is for PAL manager"):
        voucher_ops.reject_voucher(session, v, operatore, DECISION, "No")
    with pytest.raises(DomainError, match="is for PAL manager: - cannot take it"):
        voucher_ops.approve_voucher(session, v, None, DECISION)
    assert (v.stato, v.decisore, v.importo_impegnato, p.stato) == (
        StatoVoucher.PROPOSTO, None, None, S.VOUCHER_PROPOSTO)


def test_the_operations_check_the_acting_users_role(session, sc):
    """The console passes its user to every step; a role that does not take it is refused
    by the operation itself, before anything changes."""
    p = referred(session, sc, segnalazione_di_gruppo=True)
    operatore = f.make_user(session, "case.worker@example.org", ["operatore"])
    with pytest.raises(DomainError, match="«Take in charge» is for Case worker"):
        ops.take_in_charge(session, p, INTAKE, sc.pal)
    with pytest.raises(DomainError, match="«Withdrawal» is for Case worker"):
        ops.withdraw(session, p, INTAKE, "Gone", by=sc.pal)
    ops.grant_intake_extension(session, p, 10, "Twenty people", by=sc.pal)  # a PAL manager may
    ops.take_in_charge(session, p, INTAKE, operatore)
    with pytest.raises(DomainError, match="«Record the first interview» is for Case worker"):
        ops.record_first_interview(session, p, INTERVIEW, by=sc.pal)
    ops.record_first_interview(session, p, INTERVIEW, by=operatore)
    v = new_voucher(session, p)
    with pytest.raises(DomainError, match="«Propose a voucher» is for Administrator / Case worker"):
        voucher_ops.propose_voucher(session, v, by=sc.pal)
    assert (p.stato, p.operatore, p.proroga_giorni) == (S.IN_VALUTAZIONE, operatore, 10)


# --- Deadlines ----------------------------------------------------------------------------


def _due(session, p, today, kind):
    return [(due, left) for pid, k, due, left in deadlines(session, today) if pid == p.id and k == kind]


def test_intake_is_due_the_programme_days_after_the_referral(session):
    sc = scene(session, giorni_presa_in_carico=10)
    p = referred(session, sc)
    assert _due(session, p, dt.date(2025, 3, 8), "intake") == [(dt.date(2025, 3, 11), 3)]


def test_an_overdue_intake_is_listed_with_negative_days(session, sc):
    p = referred(session, sc)
    assert _due(session, p, dt.date(2025, 3, 20), "intake") == [(dt.date(2025, 3, 16), -4)]


def test_an_intake_deadline_beyond_the_horizon_is_not_listed(session, sc):
    p = referred(session, sc)
    assert _due(session, p, REFERRAL, "intake") == []
    assert _due(session, p, dt.date(2025, 3, 9), "intake") == [(dt.date(2025, 3, 16), 7)]


def test_a_path_taken_in_charge_has_no_intake_deadline_but_an_activation_one(session):
    sc = scene(session, giorni_avvio=20)
    p = under_evaluation(session, sc)
    today = dt.date(2025, 3, 24)
    assert _due(session, p, today, "intake") == []
    assert _due(session, p, today, "activation") == [(INTAKE + dt.timedelta(days=20), 1)]


def test_an_active_path_has_no_activation_deadline(session, sc):
    p = active(session, sc)
    assert _due(session, p, dt.date(2025, 4, 30), "activation") == []


def test_an_intake_extension_moves_the_intake_deadline(session, sc):
    p = referred(session, sc, segnalazione_di_gruppo=True)
    ops.grant_intake_extension(session, p, 10, "Twenty people referred together")
    assert (p.proroga_giorni, p.motivo_proroga) == (10, "Twenty people referred together")
    assert _due(session, p, dt.date(2025, 3, 20), "intake") == [(dt.date(2025, 3, 26), 6)]


def test_only_a_group_referral_gets_an_intake_extension(session, sc):
    p = referred(session, sc)
    with pytest.raises(DomainError, match="Only a group referral"):
        ops.grant_intake_extension(session, p, 10, "Many people")
    assert p.proroga_giorni is None


@pytest.mark.parametrize("days, reason", [(0, "Many people"), (10, "  ")])
def test_an_intake_extension_needs_its_days_and_a_reason(session, sc, days, reason):
    p = referred(session, sc, segnalazione_di_gruppo=True)
    with pytest.raises(DomainError, match="needs its days and a reason"):
        ops.grant_intake_extension(session, p, days, reason)
    assert p.proroga_giorni is None


# --- Activation ---------------------------------------------------------------------------


def test_activation_puts_the_path_at_the_position(session, sc):
    p = approved(session, sc)
    ops.activate(session, p, sc.postazione, START, PLANNED_END)
    assert (p.stato, p.postazione, p.data_avvio, p.data_fine_prevista) == (
        S.ATTIVO, sc.postazione, START, PLANNED_END)


def test_activation_needs_an_approved_voucher(session, sc):
    p, v = proposed(session, sc)
    with pytest.raises(DomainError, match="needs it to be voucher approved"):
        ops.activate(session, p, sc.postazione, START, PLANNED_END)
    assert p.stato == S.VOUCHER_PROPOSTO and p.postazione is None


def test_activation_cannot_precede_the_intake(session, sc):
    p = approved(session, sc)
    with pytest.raises(DomainError, match="cannot precede the intake date"):
        ops.activate(session, p, sc.postazione, INTAKE - dt.timedelta(days=1), PLANNED_END)
    assert p.stato == S.VOUCHER_APPROVATO


def test_activation_cannot_be_dated_in_the_future(session, sc):
    p = approved(session, sc)
    with pytest.raises(DomainError, match="cannot be in the future"):
        ops.activate(session, p, sc.postazione, TOMORROW, TOMORROW + dt.timedelta(days=100))
    assert p.stato == S.VOUCHER_APPROVATO and charges(session, p) == []


def test_activation_needs_a_free_seat(session, sc):
    post = position(session, sc, posti=1)
    other = f.make_persona(session, sc.comune)
    active(session, sc, persona=other, postazione=post)
    p = approved(session, sc)
    with pytest.raises(DomainError, match="has no free seat"):
        ops.activate(session, p, post, START, PLANNED_END)
    assert p.stato == S.VOUCHER_APPROVATO and p.postazione is None


def test_activation_needs_a_position_accepting_the_path_type(session, sc):
    post = position(session, sc, accetta_tirocinio=False, accetta_assistenziale=True)
    p = approved(session, sc)
    with pytest.raises(DomainError, match="does not accept internship paths"):
        ops.activate(session, p, post, START, PLANNED_END)
    assert p.stato == S.VOUCHER_APPROVATO


def test_a_position_reserved_to_a_comune_takes_only_that_comunes_paths(session, sc):
    elsewhere = f.make_comune(session, nome="Altrove")
    reserved_elsewhere = position(session, sc, comune_riservato=elsewhere)
    reserved_here = position(session, sc, comune_riservato=sc.comune)
    p = approved(session, sc)
    with pytest.raises(DomainError, match="is reserved to the Comune of"):
        ops.activate(session, p, reserved_elsewhere, START, PLANNED_END)
    ops.activate(session, p, reserved_here, START, PLANNED_END)
    assert p.postazione == reserved_here


def test_activation_needs_the_position_open_on_the_start_date(session, sc):
    closed = position(session, sc, attiva_al=dt.date(2025, 3, 1))
    p = approved(session, sc)
    with pytest.raises(DomainError, match="is not open on that date"):
        ops.activate(session, p, closed, START, PLANNED_END)
    assert p.stato == S.VOUCHER_APPROVATO


def test_an_internship_needs_its_planned_end(session, sc):
    p = approved(session, sc)
    with pytest.raises(DomainError, match="needs its planned end date"):
        ops.activate(session, p, sc.postazione, START, None)
    assert p.stato == S.VOUCHER_APPROVATO


@pytest.mark.parametrize("end", [dt.date(2025, 5, 16), dt.date(2026, 3, 18)])
def test_an_internship_lasts_two_to_twelve_months(session, sc, end):
    p = approved(session, sc)
    with pytest.raises(DomainError, match="between 2 and 12 months"):
        ops.activate(session, p, sc.postazione, START, end)
    assert p.stato == S.VOUCHER_APPROVATO


@pytest.mark.parametrize(
    "start, end",
    [
        (dt.date(2025, 2, 1), dt.date(2025, 4, 1)),  # two calendar months, 59 days
        (dt.date(2023, 6, 1), dt.date(2024, 6, 1)),  # twelve months across 29 February
        (dt.date(2025, 3, 17), dt.date(2026, 3, 17)),
    ],
)
def test_an_internship_of_exactly_two_or_twelve_calendar_months_is_accepted(session, sc, start, end):
    p = referred(session, sc)
    ops.check_internship_duration(p, start, end)  # raises if refused
    assert p.tipologia == TipologiaPercorso.TIROCINIO


def test_l68_and_social_inclusion_internships_last_up_to_24_months(session, sc):
    categoria = CategoriaSvantaggio(codice="L381", descrizione="L. 381/91")
    sc.persona.categorie.append(categoria)
    session.add(DurataTirocinio(programma=sc.programma, categoria=categoria, mesi_minimi=2,
                                mesi_massimi=24))
    session.flush()
    p = referred(session, sc)
    ops.check_internship_duration(p, START, dt.date(2027, 3, 17))
    with pytest.raises(DomainError, match="between 2 and 24 months"):
        ops.check_internship_duration(p, START, dt.date(2027, 3, 18))
    assert p.persona.categorie == [categoria]


def test_the_duration_limits_apply_to_internships_only(session, sc):
    p = referred(session, sc, **job_placement())
    ops.check_internship_duration(p, START, None)
    ops.check_internship_duration(p, START, dt.date(2028, 1, 1))
    assert p.tipologia == TipologiaPercorso.INSERIMENTO_LAVORATIVO


def test_activating_an_internship_charges_its_activation_at_the_price_of_the_day(session, sc):
    newer = add_item(session, sc.programma, "ATT", "250.00", tipo=TipoVoce.ATTIVAZIONE_TIROCINIO,
                     dal=dt.date(2025, 3, 15))
    p = active(session, sc)
    [charge] = charges(session, p)
    assert (charge.voce_listino, charge.data, charge.quantita, charge.importo) == (
        newer, START, Decimal("1"), Decimal("250.00"))


def test_activating_a_job_placement_creates_no_charge(session, sc):
    p = active(session, sc, lines={"ASS": 1}, **job_placement())
    ops.check_internship_duration(p, START, None)
    assert p.stato == S.ATTIVO and charges(session, p) == []


def test_an_activation_without_a_price_leaves_the_path_unchanged(session, sc):
    p = approved(session, sc)
    for item in sc.programma.voci:
        if item.tipo == TipoVoce.ATTIVAZIONE_TIROCINIO:
            item.valido_al = dt.date(2025, 3, 15)
    with pytest.raises(DomainError, match="has no item"):
        ops.activate(session, p, sc.postazione, START, PLANNED_END)
    assert (p.stato, p.postazione, p.data_avvio) == (S.VOUCHER_APPROVATO, None, None)


# --- Matching -----------------------------------------------------------------------------


def _matches(session, p, day=START):
    return [(post, seats) for post, seats in matching_positions(session, p, day)]


def test_matching_lists_only_suitable_positions(session, sc):
    elsewhere = f.make_comune(session)
    suitable = sc.postazione
    position(session, sc, accetta_tirocinio=False, accetta_inserimento=True)  # wrong type
    position(session, sc, comune_riservato=elsewhere)  # another Comune's
    position(session, sc, attiva_dal=dt.date(2025, 6, 1))  # not yet open
    full = position(session, sc, posti=1)
    active(session, sc, persona=f.make_persona(session, sc.comune), postazione=full)
    p = approved(session, sc)
    assert _matches(session, p) == [(suitable, 2)]


def test_matching_ranks_reserved_then_residence_then_free_seats(session, sc):
    far = f.make_comune(session)
    far_host = f.make_ente(session, far)
    far_big = position(session, sc, ente=far_host, posti=5)
    far_small = position(session, sc, ente=far_host, posti=1)
    near = sc.postazione  # host in the person's Comune of residence, 2 seats
    reserved = position(session, sc, ente=far_host, comune_riservato=sc.comune)
    p = approved(session, sc)
    assert [post for post, _ in _matches(session, p)] == [reserved, near, far_big, far_small]


def test_matching_counts_the_free_seats(session, sc):
    post = position(session, sc, posti=3)
    active(session, sc, persona=f.make_persona(session, sc.comune), postazione=post)
    p = approved(session, sc)
    assert dict(_matches(session, p))[post] == 2


# --- Outcome ------------------------------------------------------------------------------


def test_a_hiring_records_date_employer_and_contract(session, sc):
    p = active(session, sc)
    day = dt.date(2025, 9, 1)
    ops.hire(session, p, day, sc.ente, TipoContratto.TEMPO_DETERMINATO)
    assert (p.stato, p.esito, p.data_assunzione, p.data_fine, p.datore_lavoro, p.tipo_contratto) == (
        S.CONCLUSO, Esito.ASSUNTO, day, day, sc.ente, TipoContratto.TEMPO_DETERMINATO)


def test_a_hiring_by_the_internship_host_bills_no_hiring(session, sc):
    p = active(session, sc)
    ops.hire(session, p, dt.date(2025, 9, 1), sc.ente, TipoContratto.TEMPO_INDETERMINATO)
    assert [c.voce_listino.tipo for c in charges(session, p)] == [TipoVoce.ATTIVAZIONE_TIROCINIO]


def test_a_hiring_by_another_host_bills_a_hiring_priced_on_its_date(session, sc):
    newer = add_item(session, sc.programma, "ASS", "230.00", tipo=TipoVoce.ASSUNZIONE, dal=dt.date(2025, 8, 1))
    p = active(session, sc)
    other = f.make_ente(session, sc.comune)
    day = dt.date(2025, 9, 1)
    ops.hire(session, p, day, other, TipoContratto.TEMPO_INDETERMINATO)
    hiring = charges(session, p)[-1]
    assert (hiring.voce_listino, hiring.data, hiring.importo) == (newer, day, Decimal("230.00"))


def test_a_direct_hire_bills_a_hiring(session, sc):
    p = approved(session, sc, lines={"ASS": 1}, **job_placement())
    ops.hire(session, p, dt.date(2025, 4, 1), sc.ente, TipoContratto.APPRENDISTATO)
    assert p.esito == Esito.ASSUNTO
    assert [c.voce_listino.tipo for c in charges(session, p)] == [TipoVoce.ASSUNZIONE]


def test_a_hiring_without_a_price_leaves_the_path_unchanged(session, sc):
    p = approved(session, sc, lines={"ASS": 1}, **job_placement())
    for item in sc.programma.voci:
        if item.tipo == TipoVoce.ASSUNZIONE:
            item.valido_al = dt.date(2025, 3, 31)
    with pytest.raises(DomainError, match="has no item"):
        ops.hire(session, p, dt.date(2025, 4, 1), sc.ente, TipoContratto.APPRENDISTATO)
    assert (p.stato, p.esito, p.datore_lavoro) == (S.VOUCHER_APPROVATO, None, None)


def test_a_hiring_cannot_precede_the_start(session, sc):
    p = active(session, sc)
    with pytest.raises(DomainError, match="cannot precede the start date"):
        ops.hire(session, p, START - dt.timedelta(days=1), sc.ente, TipoContratto.ALTRO)
    assert p.stato == S.ATTIVO


def test_ending_without_hiring_records_the_outcome(session, sc):
    p = active(session, sc)
    day = dt.date(2025, 9, 17)
    ops.conclude_without_hiring(session, p, day, "Internship completed")
    assert (p.stato, p.esito, p.data_fine, p.motivo_chiusura) == (
        S.CONCLUSO, Esito.NON_ASSUNTO, day, "Internship completed")


def test_interrupting_records_the_end_and_the_reason(session, sc):
    p = active(session, sc)
    ops.interrupt(session, p, dt.date(2025, 5, 2), "Health reasons")
    assert (p.stato, p.data_fine, p.motivo_chiusura, p.esito) == (
        S.INTERROTTO, dt.date(2025, 5, 2), "Health reasons", None)


@pytest.mark.parametrize("close", ["conclude", "interrupt", "withdraw", "hire"])
def test_ending_a_path_frees_its_seat(session, sc, close):
    post = position(session, sc, posti=1)
    p = active(session, sc, postazione=post)
    day = dt.date(2025, 6, 3)
    if close == "conclude":
        ops.conclude_without_hiring(session, p, day, "Completed")
    elif close == "interrupt":
        ops.interrupt(session, p, day, "Stopped")
    elif close == "withdraw":
        ops.withdraw(session, p, day, "Moved away")
    else:
        ops.hire(session, p, day, sc.ente, TipoContratto.ALTRO)
    nxt = approved(session, sc, persona=f.make_persona(session, sc.comune))
    assert dict(_matches(session, nxt, day))[post] == 1
    ops.activate(session, nxt, post, day, dt.date(2025, 12, 3))
    assert nxt.postazione == post and p.postazione == post  # the ended path keeps its history


@pytest.mark.parametrize("close", [ops.conclude_without_hiring, ops.interrupt, ops.withdraw])
def test_ending_a_path_needs_a_reason(session, sc, close):
    p = active(session, sc)
    with pytest.raises(DomainError, match="give the reason"):
        close(session, p, dt.date(2025, 6, 3), " ")
    assert p.stato == S.ATTIVO


@pytest.mark.parametrize("close", [ops.conclude_without_hiring, ops.interrupt])
def test_only_an_active_path_is_concluded_or_interrupted(session, sc, close):
    p = approved(session, sc)
    with pytest.raises(DomainError, match="needs it to be active"):
        close(session, p, dt.date(2025, 6, 3), "Reason")
    assert p.stato == S.VOUCHER_APPROVATO


def test_a_path_can_be_withdrawn_before_activation(session, sc):
    p = referred(session, sc)
    ops.withdraw(session, p, INTAKE, "Found a job alone")
    assert (p.stato, p.data_fine) == (S.RITIRATO, INTAKE)


def test_a_closed_path_cannot_be_withdrawn_or_hired(session, sc):
    p = referred(session, sc)
    ops.withdraw(session, p, INTAKE, "Found a job alone")
    with pytest.raises(DomainError, match="this step needs it to be"):
        ops.withdraw(session, p, INTERVIEW, "Again")
    with pytest.raises(DomainError, match="this step needs it to be"):
        ops.hire(session, p, INTERVIEW, sc.ente, TipoContratto.ALTRO)
    assert (p.stato, p.data_fine) == (S.RITIRATO, INTAKE)
