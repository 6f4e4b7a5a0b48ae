"""Programme kinds configured, not coded (issue 14, items 4-5): the types a programme offers,
referrers and district budgets, secondments within their hour band, PIPs with a household,
social-inclusion internships, the hiring rule across paths, and the coop tutor's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import (
    Addebito,
    DomainError,
    NucleoFamiliare,
    Ore,
    Percorso,
    TipologiaProgramma,
    db,
)
from models.base import (
    Esito,
    RegolaAssunzione,
    StatoPercorso,
    TipoContratto,
    TipoEnte,
    TipoInviante,
    TipologiaPercorso,
    TipoOre,
    TipoVoce,
)
from models.operations import percorsi as ops
from models.operations.ore import record_hours
from models.operations.tipologie import check_referral, hiring_billed

from . import factories as f
from .paths import START, approved, english, position, scene

T = TipologiaPercorso
D = Decimal


@pytest.fixture
def session(app):
    with app.test_request_context():
        english()
        yield db.session
        db.session.rollback()


@pytest.fixture
def sc(session):
    return scene(session)


def offer(session, programma, tipo, least=None, most=None):
    programma.tipologie.append(TipologiaProgramma(tipologia=tipo, ore_minime=least, ore_massime=most))
    session.flush()


def coop(session, sc, tipo=TipoEnte.COOP_B):
    return f.make_ente(session, sc.comune, ragione_sociale="Cooperativa Sociale Test", tipo=tipo)


def charges(session, p, tipo):
    return session.scalars(select(Addebito).join(Addebito.voce_listino)
                           .where(Addebito.percorso_id == p.id, Addebito.voce_listino.has(tipo=tipo))).all()


# --- Types and referrers -------------------------------------------------------------------------


def test_a_programme_without_configured_types_offers_the_classic_four(session, sc):
    p = Percorso(persona=sc.persona, comune=sc.comune, programma=sc.programma, tipologia=T.TIROCINIO,
                 data_segnalazione=dt.date(2025, 3, 1))
    check_referral(p)
    p.tipologia = T.DISTACCO
    with pytest.raises(DomainError, match="does not offer secondment paths"):
        check_referral(p)


def test_a_referral_must_be_of_a_type_the_programme_offers(session, sc):
    offer(session, sc.programma, T.PIP)
    p = Percorso(persona=sc.persona, comune=sc.comune, programma=sc.programma, tipologia=T.TIROCINIO,
                 data_segnalazione=dt.date(2025, 3, 1))
    with pytest.raises(DomainError, match=r"\(it offers: personal intervention plan\)"):
        check_referral(p)


def test_a_cooperative_referral_names_a_social_cooperative(session, sc):
    p = Percorso(persona=sc.persona, comune=sc.comune, programma=sc.programma, tipologia=T.TIROCINIO,
                 data_segnalazione=dt.date(2025, 3, 1), inviante=TipoInviante.COOPERATIVA)
    with pytest.raises(DomainError, match="choose the social cooperative"):
        check_referral(p)
    p.cooperativa = sc.ente  # a company
    with pytest.raises(DomainError, match="is not a social cooperative"):
        check_referral(p)
    p.cooperativa = coop(session, sc)
    check_referral(p)


def test_a_district_programme_refers_and_budgets_the_lead_comune(session, sc):
    lead = sc.comune
    member = f.make_comune(session, nome="Santa Marinella", capofila=lead)
    sc.programma.budget_capofila = True
    persona = f.make_persona(session, member)
    p = Percorso(persona=persona, comune=member, programma=sc.programma, tipologia=T.TIROCINIO,
                 data_segnalazione=dt.date(2025, 3, 1), inviante=TipoInviante.UFFICIO_DISTRETTO)
    check_referral(p)
    assert p.comune == lead and p.persona.comune_residenza == member


def test_without_a_district_budget_the_member_comune_keeps_the_path(session, sc):
    member = f.make_comune(session, capofila=sc.comune)
    p = Percorso(persona=sc.persona, comune=member, programma=sc.programma, tipologia=T.TIROCINIO,
                 data_segnalazione=dt.date(2025, 3, 1))
    check_referral(p)
    assert p.comune == member


# --- PIP ---------------------------------------------------------------------------------------


def test_a_pip_needs_its_household_and_starts_without_a_position(session, sc):
    offer(session, sc.programma, T.PIP)
    p = Percorso(persona=sc.persona, comune=sc.comune, programma=sc.programma, tipologia=T.PIP,
                 data_segnalazione=dt.date(2025, 3, 1))
    with pytest.raises(DomainError, match="needs its household"):
        check_referral(p)
    p.nucleo = NucleoFamiliare(comune=sc.comune, intestatario="Rossi Anna", componenti=3, morosita=D("1200"))
    check_referral(p)
    session.add(p)
    session.flush()
    p = approved(session, sc, lines={"ORA": 4}, persona=sc.persona, tipologia=T.PIP, nucleo=p.nucleo)
    ops.activate(session, p, None, START, None)
    assert p.stato is StatoPercorso.ATTIVO and p.postazione is None
    assert not charges(session, p, TipoVoce.ATTIVAZIONE_TIROCINIO)


def test_only_a_pip_is_active_without_a_position(session, sc):
    p = approved(session, sc)
    with pytest.raises(DomainError, match="choose a position"):
        ops.activate(session, p, None, START, dt.date(2025, 9, 17))


# --- Secondment --------------------------------------------------------------------------------


def seconded(session, sc, least=250, most=500):
    offer(session, sc.programma, T.DISTACCO, least, most)
    company = position(session, sc, accetta_inserimento=True, ore_settimanali=D(35))
    p = approved(session, sc, lines={"ORA": 10}, tipologia=T.DISTACCO, inviante=TipoInviante.COOPERATIVA,
                 cooperativa=coop(session, sc))
    ops.activate(session, p, company, START, None)
    return p


def attendance(session, p, days, hours="8"):
    day = START
    while days:
        if day.weekday() < 5:
            session.add(Ore(percorso=p, data=day, tipo=TipoOre.PRESENZA, ore=D(hours)))
            days -= 1
        day += dt.timedelta(days=1)
    session.flush()
    return day


def test_a_secondment_is_hired_only_within_its_hour_band(session, sc):
    p = seconded(session, sc)
    end = attendance(session, p, 30)  # 240 hours: below 250
    with pytest.raises(DomainError, match="between 250 and 500 hours: 240 are recorded"):
        ops.hire(session, p, end, sc.ente, TipoContratto.TEMPO_INDETERMINATO)
    record_hours(session, p, end, D(8), TipoOre.PRESENZA)
    record_hours(session, p, end + dt.timedelta(days=1), D(4), TipoOre.PRESENZA)
    ops.hire(session, p, end + dt.timedelta(days=3), sc.ente, TipoContratto.TEMPO_INDETERMINATO)
    assert p.esito is Esito.ASSUNTO


def test_attendance_beyond_the_maximum_of_a_secondment_is_refused(session, sc):
    p = seconded(session, sc, least=10, most=20)
    end = attendance(session, p, 2)  # 16 hours
    with pytest.raises(DomainError, match="at most 20 hours: with these it would reach 24"):
        record_hours(session, p, end, D(8), TipoOre.PRESENZA)
    record_hours(session, p, end, D(4), TipoOre.PRESENZA)


def test_a_secondment_ends_back_in_the_cooperative_not_without_hiring(session, sc):
    p = seconded(session, sc, least=10, most=100)
    end = attendance(session, p, 3)
    with pytest.raises(DomainError, match="ends with a hiring or back to the cooperative"):
        ops.conclude_without_hiring(session, p, end, "fine")
    ops.return_to_cooperative(session, p, end, "rientra in cooperativa")
    assert (p.stato, p.esito) == (StatoPercorso.CONCLUSO, Esito.RIENTRO)


def test_only_a_secondment_goes_back_to_the_cooperative(session, sc):
    p = approved(session, sc)
    ops.activate(session, p, sc.postazione, START, dt.date(2025, 9, 17))
    with pytest.raises(DomainError, match="Only a seconded worker"):
        ops.return_to_cooperative(session, p, dt.date(2025, 4, 1), "x")


# --- Internships -------------------------------------------------------------------------------


def test_a_social_inclusion_internship_lasts_up_to_24_months_and_bills_its_activation(session, sc):
    offer(session, sc.programma, T.TIROCINIO_INCLUSIONE)
    p = approved(session, sc, tipologia=T.TIROCINIO_INCLUSIONE)
    with pytest.raises(DomainError, match="between 2 and 24 months"):
        ops.activate(session, p, sc.postazione, START, dt.date(2027, 4, 1))
    ops.activate(session, p, sc.postazione, START, dt.date(2026, 9, 1))
    assert len(charges(session, p, TipoVoce.ATTIVAZIONE_TIROCINIO)) == 1


# --- The hiring rule across paths ----------------------------------------------------------------


def earlier_internship(session, sc, host_post):
    """The scene's person did an internship at ``host_post`` on an earlier path (now over)."""
    p = approved(session, sc)
    ops.activate(session, p, host_post, START, dt.date(2025, 6, 17))
    ops.conclude_without_hiring(session, p, dt.date(2025, 6, 17), "tirocinio concluso")
    return p


def test_no_hiring_fee_when_the_host_had_the_person_in_an_internship_on_another_path(session, sc):
    earlier_internship(session, sc, sc.postazione)
    direct = approved(session, sc, tipologia=T.INSERIMENTO_LAVORATIVO)
    ops.hire(session, direct, dt.date(2025, 7, 1), sc.ente, TipoContratto.TEMPO_INDETERMINATO)
    assert not charges(session, direct, TipoVoce.ASSUNZIONE)


def test_a_hiring_fee_when_the_earlier_internship_was_at_another_host(session, sc):
    other = f.make_postazione(session, f.make_ente(session, sc.comune), accetta_tirocinio=True)
    earlier_internship(session, sc, other)
    direct = approved(session, sc, tipologia=T.INSERIMENTO_LAVORATIVO)
    ops.hire(session, direct, dt.date(2025, 7, 1), sc.ente, TipoContratto.TEMPO_INDETERMINATO)
    assert len(charges(session, direct, TipoVoce.ASSUNZIONE)) == 1


def test_an_internship_in_another_programme_does_not_count(session, sc):
    other = scene(session)
    p = approved(session, other, persona=sc.persona)
    ops.activate(session, p, sc.postazione, START, dt.date(2025, 6, 17))
    direct = approved(session, sc, tipologia=T.INSERIMENTO_LAVORATIVO)
    assert hiring_billed(session, direct, sc.ente)


@pytest.mark.parametrize("rule,billed", [(RegolaAssunzione.SEMPRE, True), (RegolaAssunzione.MAI, False)])
def test_the_hiring_rule_is_the_programmes(session, sc, rule, billed):
    sc.programma.regola_assunzione = rule
    p = approved(session, sc)
    ops.activate(session, p, sc.postazione, START, dt.date(2025, 9, 17))
    ops.hire(session, p, dt.date(2025, 4, 1), sc.ente, TipoContratto.TEMPO_INDETERMINATO)
    assert bool(charges(session, p, TipoVoce.ASSUNZIONE)) is billed


# --- The coop tutor ----------------------------------------------------------------------------


def test_a_coop_tutor_sees_only_the_cooperatives_people(app, client_for, world, ctx):
    with ctx():
        s = db.session
        from models import Utente
        tutor = s.scalar(select(Utente).where(Utente.email == "tutor-coop@example.org"))
        theirs = f.make_percorso(s, f.make_persona(s, s.get(f.Comune, world.comune), cognome="Cooperini"),
                                 s.get(f.Comune, world.comune), s.get(f.Programma, world.programma),
                                 inviante=TipoInviante.COOPERATIVA, cooperativa_id=tutor.ente_id)
        ids = theirs.id, theirs.persona_id
        s.commit()
    client = client_for("tutor_coop")
    paths = client.get("/admin/percorso/").get_data(as_text=True)
    assert "Cooperini" in paths and "Bianchi" not in paths and "Verdi" not in paths
    assert client.get(f"/admin/percorso/case/{ids[0]}/").status_code == 200
    assert client.get(f"/admin/percorso/case/{world.percorso}/").status_code == 404
    people = client.get("/admin/persona/").get_data(as_text=True)
    assert "Cooperini" in people and "Bianchi" not in people
    assert client.get(f"/admin/persona/details/?id={world.persona}").status_code == 302  # not found
    for url in ("/admin/voucher/", "/admin/fattura/", "/admin/budget/", "/admin/dati_sensibili/",
                "/admin/report/", "/admin/addebito/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/admin/diario/ajax/lookup/?name=percorso&query=").get_data(as_text=True).count("[") >= 1
    lookup = client.get("/admin/diario/ajax/lookup/?name=percorso&query=").get_data(as_text=True)
    assert "Cooperini" in lookup and "Bianchi" not in lookup
