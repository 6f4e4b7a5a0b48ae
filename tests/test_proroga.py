"""Internship length per programme and category, the extension step, and internships ending or
past their planned end in Scadenze (issue 12, item 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models import CategoriaSvantaggio, DomainError, DurataTirocinio, Proroga, clock, db
from models.base import StatoPercorso, TipologiaPercorso
from models.operations import percorsi as ops
from models.queries import internship_end_counts, internships_ending

from . import factories as f
from .paths import START, active, english, referred, scene

S = StatoPercorso


@pytest.fixture
def session(app):
    with app.test_request_context():
        english()
        yield db.session
        db.session.rollback()


@pytest.fixture
def sc(session):
    return scene(session)


def category(session, sc, code, minimum, maximum):
    cat = CategoriaSvantaggio(codice=code, descrizione=code)
    session.add(DurataTirocinio(programma=sc.programma, categoria=cat, mesi_minimi=minimum,
                                mesi_massimi=maximum))
    session.flush()
    return cat


def test_disadvantaged_trainees_have_no_minimum_and_twelve_months_at_most(session, sc):
    sc.persona.categorie.append(category(session, sc, "L381", None, 12))
    p = referred(session, sc)
    ops.check_internship_duration(p, START, START + dt.timedelta(days=20))  # no minimum
    with pytest.raises(DomainError, match="at most 12 months"):
        ops.check_internship_duration(p, START, dt.date(2026, 3, 18))


def test_a_trainee_in_two_categories_gets_the_most_favourable_limits(session, sc):
    sc.persona.categorie += [category(session, sc, "L381", None, 12), category(session, sc, "L68", 1, 24)]
    p = referred(session, sc)
    assert ops.internship_limits(p) == (None, 24)
    ops.check_internship_duration(p, START, dt.date(2027, 3, 17))


def test_other_trainees_follow_the_general_rule_and_without_rules_there_is_no_limit(session, sc):
    p = referred(session, sc)
    assert ops.internship_limits(p) == (2, 12)
    with pytest.raises(DomainError, match="between 2 and 12 months"):
        ops.check_internship_duration(p, START, START + dt.timedelta(days=20))
    sc.programma.durate_tirocinio.clear()
    session.flush()
    assert ops.internship_limits(p) is None
    ops.check_internship_duration(p, START, dt.date(2030, 1, 1))


def test_an_extension_moves_the_planned_end_and_keeps_the_history(session, sc):
    p = active(session, sc)
    old_end = p.data_fine_prevista
    ops.extend(session, p, dt.date(2025, 12, 17), "Completare il progetto", dt.date(2025, 9, 1), by=sc.pal)
    [x] = session.scalars(select(Proroga).where(Proroga.percorso_id == p.id)).all()
    assert (p.data_fine_prevista, x.fine_prevista_precedente, x.nuova_fine_prevista, x.motivo, x.utente) == (
        dt.date(2025, 12, 17), old_end, dt.date(2025, 12, 17), "Completare il progetto", sc.pal)


def test_an_extension_needs_a_reason_and_a_later_end_within_the_maximum(session, sc):
    p = active(session, sc)
    with pytest.raises(DomainError, match="give the reason"):
        ops.extend(session, p, dt.date(2025, 12, 17), " ")
    with pytest.raises(DomainError, match="must follow the current one"):
        ops.extend(session, p, p.data_fine_prevista, "x")
    with pytest.raises(DomainError, match="between 2 and 12 months"):
        ops.extend(session, p, dt.date(2026, 3, 18), "x")  # START 17/03/2025 + 12 months
    assert p.data_fine_prevista == dt.date(2025, 9, 17) and p.proroghe == []


def test_an_extension_is_for_case_workers_and_pal_on_active_paths(session, sc):
    p = active(session, sc)
    accountant = f.make_user(session, "acc-proroga@example.org", ["amministrazione"])
    with pytest.raises(DomainError, match="cannot take it"):
        ops.extend(session, p, dt.date(2025, 12, 17), "x", by=accountant)
    ops.interrupt(session, p, dt.date(2025, 5, 2), "Stop")
    with pytest.raises(DomainError, match="this step needs it to be"):
        ops.extend(session, p, dt.date(2025, 12, 17), "x")


def test_scadenze_lists_internships_ending_within_30_days_and_past_their_planned_end(session, sc):
    today = clock.today()
    soon = active(session, sc)
    late = active(session, sc, persona=f.make_persona(session, sc.comune), postazione=f.make_postazione(session, sc.ente))
    far = active(session, sc, persona=f.make_persona(session, sc.comune), postazione=f.make_postazione(session, sc.ente))
    soon.data_fine_prevista = today + dt.timedelta(days=12)
    late.data_fine_prevista = today - dt.timedelta(days=3)
    far.data_fine_prevista = today + dt.timedelta(days=45)
    session.flush()
    listed = [(p.id, left) for p, _, left in internships_ending(session, today, comune_id=sc.comune.id)]
    assert listed == [(late.id, -3), (soon.id, 12)]
    assert internship_end_counts(session, today, comune_id=sc.comune.id) == (1, 1)


def test_the_case_page_extends_an_internship_and_warns_past_its_planned_end(app, client_for, world, ctx):
    with ctx():
        s = db.session
        p = s.get(f.Percorso, world.percorso)
        post = f.make_postazione(s, s.get(f.EnteOspitante, world.ente))
        p.stato, p.data_presa_in_carico, p.data_avvio, p.postazione = S.ATTIVO, dt.date(2025, 3, 2), dt.date(2025, 3, 3), post
        p.data_fine_prevista, p.tipologia = dt.date(2025, 6, 3), TipologiaPercorso.TIROCINIO
        s.commit()
    client = client_for("operatore")
    html = client.get(f"/admin/percorso/case/{world.percorso}/").get_data(as_text=True)
    assert 'id="past-planned-end"' in html and 'id="step-extend"' in html
    r = client.post(f"/admin/percorso/case/{world.percorso}/extend/", data={
        "data": "2025-06-01", "data_fine_prevista": "2025-12-03", "motivo": "Completare il progetto"},
        follow_redirects=True)
    assert 'id="extensions"' in r.get_data(as_text=True)
    with ctx():
        assert db.session.get(f.Percorso, world.percorso).data_fine_prevista == dt.date(2025, 12, 3)
    assert client_for("amministrazione").post(f"/admin/percorso/case/{world.percorso}/extend/").status_code == 403
    html = client_for("pal").get("/admin/scadenze/").get_data(as_text=True)
    assert 'id="internships-ending"' in html
