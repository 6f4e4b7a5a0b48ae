"""The month grid of many people (issue 12, items 1 and 2): the cell grammar, the grid saved in one
go with every refusal at its cell, shifts and absences, the calendar, the page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import Addebito, Comune, DomainError, Ore, clock, db
from models.base import TipoAssenza, TipoOre
from models.calendario import default_grid_month, holidays_in_month, patron_day
from models.operations import ore as ore_ops
from models.operations.griglia import Cella, GridErrors, cell_text, parse_cell, save_grid

from . import factories as f
from .paths import active, english, position, scene

P, T = TipoOre.PRESENZA, TipoOre.AFFIANCAMENTO
APRIL = [dt.date(2025, 4, d) for d in range(1, 31)]


@pytest.fixture
def session(app):
    with app.test_request_context():
        english()
        yield db.session
        db.session.rollback()


@pytest.fixture
def sc(session):
    return scene(session)


def rows(session, tipo=P):
    return {(r.percorso_id, r.data.day): r for r in session.scalars(select(Ore).where(Ore.tipo == tipo))}


# --- what a cell may hold --------------------------------------------------------------------


@pytest.mark.parametrize("text, hours", [("7,5", "7.5"), ("8", "8"), (" 4.25 ", "4.25"), ("0,5", "0.5")])
def test_a_cell_reads_hours_with_a_decimal_comma_or_point(text, hours):
    assert parse_cell(text) == Cella(Decimal(hours))


@pytest.mark.parametrize("text, hours, shifts", [
    ("8-12", "4", ((8, 0, 12, 0),)),
    ("8:30-12:30 13:30-17", "7.5", ((8, 30, 12, 30), (13, 30, 17, 0))),
    ("08.00-12.00/13.00-16.20", "7.33", ((8, 0, 12, 0), (13, 0, 16, 20))),
])
def test_a_cell_reads_one_or_two_shifts_and_their_hours(text, hours, shifts):
    cella = parse_cell(text)
    assert cella.ore == Decimal(hours)
    assert cella.turni == tuple((dt.time(a, b), dt.time(c, d)) for a, b, c, d in shifts)


@pytest.mark.parametrize("text, reason", [
    ("M", TipoAssenza.MALATTIA), ("f", TipoAssenza.FERIE), ("FS", TipoAssenza.FESTIVITA),
    ("ag", TipoAssenza.GIUSTIFICATA), ("AI", TipoAssenza.INGIUSTIFICATA),
    ("Malattia", TipoAssenza.MALATTIA), ("assenza  giustificata", TipoAssenza.GIUSTIFICATA),
])
def test_a_cell_reads_an_absence_code_or_word(text, reason):
    assert parse_cell(text) == Cella(Decimal(0), (), reason)


def test_a_blank_cell_is_nothing():
    assert parse_cell("  ") is None and parse_cell(None) is None


@pytest.mark.parametrize("text, message", [
    ("tre", "is not a number of hours"),
    ("7,333", "is not a number of hours"),
    ("12-8", "exit time must follow the entry time"),
    ("8-12 11-14", "second shift must start after the first one ends"),
    ("8-12 13-15 16-18", "is not one or two shifts"),
    ("25:00-26:00", "is not a time of day"),
])
def test_a_cell_that_cannot_be_read_says_why(app, text, message):
    with app.test_request_context():
        english()
        with pytest.raises(DomainError, match=message):
            parse_cell(text)


def test_absences_are_for_attendance_only(app):
    with app.test_request_context():
        english()
        with pytest.raises(DomainError, match="attendance only"):
            parse_cell("M", T)


# --- the grid saved in one go ------------------------------------------------------------------


def test_a_grid_saves_several_people_at_once_and_leaves_other_cells_alone(session, sc):
    a = active(session, sc)
    b = active(session, sc, persona=f.make_persona(session, sc.comune), postazione=position(session, sc))
    ore_ops.record_hours(session, a, dt.date(2025, 4, 1), Decimal("4"), P)
    ore_ops.record_hours(session, a, dt.date(2025, 4, 2), Decimal("4"), P)
    changed = save_grid(session, P, {
        (a.id, dt.date(2025, 4, 1)): "6,5",          # updated
        (a.id, dt.date(2025, 4, 3)): "8-12 13-16",   # created from shifts
        (b.id, dt.date(2025, 4, 1)): "M",            # an absence
        (b.id, dt.date(2025, 4, 2)): "",             # nothing to delete
    })
    got = rows(session)
    assert changed == 3
    assert got[a.id, 1].ore == Decimal("6.5")
    assert got[a.id, 2].ore == Decimal("4")  # not in the grid: untouched
    assert (got[a.id, 3].ore, got[a.id, 3].entrata, got[a.id, 3].uscita_2) == (
        Decimal("7"), dt.time(8), dt.time(16))
    assert (got[b.id, 1].ore, got[b.id, 1].assenza) == (Decimal("0"), TipoAssenza.MALATTIA)
    assert cell_text(got[a.id, 3]) == "8-12 13-16" and cell_text(got[b.id, 1]) == "M"


def test_a_blank_cell_deletes_the_day_and_an_unchanged_one_changes_nothing(session, sc):
    p = active(session, sc)
    save_grid(session, P, {(p.id, dt.date(2025, 4, 1)): "4", (p.id, dt.date(2025, 4, 2)): "8-12"})
    assert save_grid(session, P, {(p.id, dt.date(2025, 4, 1)): "4", (p.id, dt.date(2025, 4, 2)): "8-12"}) == 0
    assert save_grid(session, P, {(p.id, dt.date(2025, 4, 1)): ""}) == 1
    assert set(rows(session)) == {(p.id, 2)}


def test_every_refused_cell_is_reported_and_nothing_is_written(session, sc):
    p = active(session, sc)
    ore_ops.record_hours(session, p, dt.date(2025, 4, 1), Decimal("4"), P)
    session.commit()
    with pytest.raises(GridErrors) as refused:
        save_grid(session, P, {
            (p.id, dt.date(2025, 4, 1)): "",         # would delete: fine, but the grid fails
            (p.id, dt.date(2025, 4, 2)): "25",
            (p.id, dt.date(2025, 4, 3)): "abc",
            (p.id, dt.date(2025, 3, 14)): "4",      # before the start (17/03)
            (p.id, dt.date(2025, 4, 4)): "5",
        })
    session.rollback()
    assert set(refused.value.errors) == {(p.id, dt.date(2025, 4, 2)), (p.id, dt.date(2025, 4, 3)),
                                         (p.id, dt.date(2025, 3, 14))}
    assert "at most 24" in refused.value.errors[p.id, dt.date(2025, 4, 2)]
    assert "not a number" in refused.value.errors[p.id, dt.date(2025, 4, 3)]
    assert "was not active on 14/03/2025" in refused.value.errors[p.id, dt.date(2025, 3, 14)]
    assert [(k[1], r.ore) for k, r in rows(session).items()] == [(1, Decimal("4"))]


def test_a_grid_refuses_a_future_day(session, sc):
    p = active(session, sc)
    tomorrow = clock.today() + dt.timedelta(days=1)
    with pytest.raises(GridErrors) as refused:
        save_grid(session, P, {(p.id, tomorrow): "4"})
    assert "future day" in refused.value.errors[p.id, tomorrow]


def test_a_grid_keeps_a_person_within_24_hours_a_day_across_paths(session, sc):
    a = active(session, sc)
    b = active(session, sc, postazione=position(session, sc))  # the same person, another path
    day = dt.date(2025, 4, 7)
    with pytest.raises(GridErrors) as refused:
        save_grid(session, P, {(a.id, day): "16", (b.id, day): "9"})
    assert "at most 24 h a day" in refused.value.errors[a.id, day]
    assert rows(session) == {}  # refused before anything was written
    assert save_grid(session, P, {(a.id, day): "16", (b.id, day): "8"}) == 2


def test_tutoring_in_the_grid_stays_within_the_voucher_and_is_charged(session, sc):
    p = active(session, sc)  # 10 tutoring hours approved
    save_grid(session, T, {(p.id, dt.date(2025, 4, 7)): "4", (p.id, dt.date(2025, 4, 8)): "2,5"})
    charges = session.execute(select(Addebito.data, Addebito.quantita).where(Addebito.ore_id.is_not(None))
                              .order_by(Addebito.data)).all()
    assert charges == [(dt.date(2025, 4, 7), Decimal("4")), (dt.date(2025, 4, 8), Decimal("2.5"))]
    with pytest.raises(GridErrors) as refused:
        save_grid(session, T, {(p.id, dt.date(2025, 4, 9)): "2", (p.id, dt.date(2025, 4, 10)): "2"})
    assert "Only 1.5 tutoring hours remain" in refused.value.errors[p.id, dt.date(2025, 4, 10)]
    assert (p.id, dt.date(2025, 4, 9)) not in refused.value.errors
    save_grid(session, T, {(p.id, dt.date(2025, 4, 8)): ""})
    assert session.scalar(select(Addebito.quantita).where(Addebito.ore_id.is_not(None))) == Decimal("4")


def test_a_grid_refuses_tutoring_without_a_voucher_that_foresees_it(session, sc):
    p = active(session, sc, lines={"ATT": 1})
    with pytest.raises(GridErrors, match="1 cells"):
        save_grid(session, T, {(p.id, dt.date(2025, 4, 7)): "1"})


# --- one row: shifts and absences ----------------------------------------------------------------


def test_hours_of_a_row_with_shifts_are_the_shifts_length(session, sc):
    p = active(session, sc)
    row = ore_ops.record_hours(session, p, dt.date(2025, 4, 7), None, P,
                               shifts=[(dt.time(8, 30), dt.time(12, 30)), (dt.time(13, 30), dt.time(17))])
    assert row.ore == Decimal("7.5")
    with pytest.raises(DomainError, match="do not match the shifts"):
        ore_ops.record_hours(session, p, dt.date(2025, 4, 8), Decimal("8"), P,
                             shifts=[(dt.time(8), dt.time(12))])


def test_a_day_of_absence_has_a_reason_and_no_hours(session, sc):
    p = active(session, sc)
    row = ore_ops.record_hours(session, p, dt.date(2025, 4, 7), None, P, assenza=TipoAssenza.FERIE)
    assert (row.ore, row.assenza) == (Decimal(0), TipoAssenza.FERIE)
    with pytest.raises(DomainError, match="attendance only"):
        ore_ops.record_hours(session, p, dt.date(2025, 4, 8), None, T, assenza=TipoAssenza.FERIE)


def test_the_database_refuses_an_absence_with_hours_and_an_exit_before_the_entry(session, sc):
    p = active(session, sc)
    session.add(Ore(percorso=p, data=dt.date(2025, 4, 7), tipo=P, ore=Decimal("4"), assenza=TipoAssenza.MALATTIA))
    with pytest.raises(IntegrityError, match="ore_in_giornata"):
        session.flush()
    session.rollback()
    p = active(session, scene(session))
    session.add(Ore(percorso=p, data=dt.date(2025, 4, 7), tipo=P, ore=Decimal("4"),
                    entrata=dt.time(12), uscita=dt.time(8)))
    with pytest.raises(IntegrityError, match="primo_turno"):
        session.flush()


# --- the calendar --------------------------------------------------------------------------------


@pytest.mark.parametrize("today, month", [
    (dt.date(2025, 11, 1), (2025, 10)), (dt.date(2025, 11, 10), (2025, 10)),
    (dt.date(2025, 11, 11), (2025, 11)), (dt.date(2026, 1, 5), (2025, 12)),
])
def test_the_grid_opens_on_the_previous_month_until_the_10th(today, month):
    assert default_grid_month(today) == month


def test_public_holidays_include_easter_monday_christmas_and_the_patron_saint(app):
    with app.test_request_context():
        april = holidays_in_month(2025, 4, (4, 23), "San Giorgio")
        assert set(april) == {dt.date(2025, 4, 20), dt.date(2025, 4, 21), dt.date(2025, 4, 23),
                              dt.date(2025, 4, 25)}
        assert april[dt.date(2025, 4, 23)] == "San Giorgio"
        assert dt.date(2025, 12, 25) in holidays_in_month(2025, 12)
    assert patron_day(2025, (2, 29)) == dt.date(2025, 2, 28)


def test_a_patron_saint_is_a_real_day_of_the_year(session):
    comune = f.make_comune(session)
    comune.patrono_giorno, comune.patrono_mese = 31, 2
    with pytest.raises(DomainError, match="31/2 is not a day of the year"):
        comune.validate_model()
    comune.patrono_giorno = None
    with pytest.raises(DomainError, match="both the day and the month"):
        comune.validate_model()
    assert isinstance(comune, Comune)


# --- the page -------------------------------------------------------------------------------------


@pytest.fixture
def grid_world(app, world):
    """Two active paths at two hosts of the world's Comune, one starting on 10 April 2025."""
    from models.base import StatoPercorso

    with app.app_context():
        s = db.session
        comune = s.get(Comune, world.comune)
        comune.patrono_nome, comune.patrono_giorno, comune.patrono_mese = "San Giorgio", 23, 4
        prog = s.get(f.Programma, world.programma)
        ids = {}
        for surname, start in (("Alfa", dt.date(2025, 3, 3)), ("Beta", dt.date(2025, 4, 10))):
            ente = f.make_ente(s, comune, ragione_sociale=f"Ente {surname}")
            post = f.make_postazione(s, ente, mansione=f"Mansione {surname}")
            p = f.make_percorso(s, f.make_persona(s, comune, cognome=surname), comune, prog,
                                stato=StatoPercorso.ATTIVO, data_presa_in_carico=dt.date(2025, 3, 2),
                                data_avvio=start, postazione=post)
            ids[surname] = (p.id, ente.id, post.id)
        s.commit()
        return ids


def test_the_grid_has_a_row_per_path_open_in_the_month_filtered_by_host(client_for, grid_world):
    client = client_for("operatore")
    html = client.get("/admin/ore-del-mese/?mese=2025-04").get_data(as_text=True)
    assert html.count("<tr data-path") == 2
    alfa, alfa_ente, alfa_post = grid_world["Alfa"]
    only = client.get(f"/admin/ore-del-mese/?mese=2025-04&ente={alfa_ente}").get_data(as_text=True)
    assert only.count("<tr data-path") == 1 and f'data-path="{alfa}"' in only
    by_post = client.get(f"/admin/ore-del-mese/?mese=2025-04&postazione={alfa_post}").get_data(as_text=True)
    assert by_post.count("<tr data-path") == 1
    assert client.get("/admin/ore-del-mese/?mese=2025-02").get_data(as_text=True).count("<tr data-path") == 0


def test_the_grid_locks_days_outside_the_path_and_shades_holidays(client_for, grid_world):
    beta = grid_world["Beta"][0]
    html = client_for("operatore").get("/admin/ore-del-mese/?mese=2025-04").get_data(as_text=True)
    assert re.search(rf'id="c-{beta}-9"[^>]*disabled', html)
    assert not re.search(rf'id="c-{beta}-10"[^>]*disabled', html)
    assert re.search(r'<th class="day[^"]*hol[^"]*" title="[^"]+">[^<]*<br>21</th>', html)  # Easter Monday
    assert re.search(r'<th class="day we[^"]*"[^>]*>[^<]*<br>5</th>', html)  # Saturday 5 April
    assert re.search(rf'class="[^"]*patron[^"]*"[^>]*><input class="cell" id="c-{beta}-23"', html)


def test_the_grid_shows_totals_per_row_and_per_day(client_for, grid_world):
    alfa = grid_world["Alfa"][0]
    client = client_for("operatore")
    client.post("/admin/ore-del-mese/?mese=2025-04", data={f"c-{alfa}-1": "4", f"c-{alfa}-2": "8-12 13-16,30"})
    html = client.get("/admin/ore-del-mese/?mese=2025-04").get_data(as_text=True)
    assert re.search(rf'data-path="{alfa}".*?class="tot row-total">11,5<', html, re.S)
    assert 'id="grand-total">11,5<' in html


def test_the_grid_is_read_only_for_the_pal_manager_and_closed_to_social_workers(client_for, grid_world):
    html = client_for("pal").get("/admin/ore-del-mese/?mese=2025-04").get_data(as_text=True)
    assert 'id="save-grid"' not in html and "disabled" in html
    assert client_for("servizio_sociale").get("/admin/ore-del-mese/?mese=2025-04").status_code == 403


def test_the_position_picker_of_the_grid_finds_positions_by_task(client_for, grid_world):
    r = client_for("operatore").get("/admin/percorso/ajax/lookup/?name=postazione&query=Mansione%20Al")
    assert r.status_code == 200 and [label for _, label in r.json] == ["Mansione Alfa – Ente Alfa"]


def test_a_comunes_patron_saint_is_set_in_its_form_and_checked(client_for, ctx):
    data = {"nome": "Concesio", "provincia": "BS", "codice_istat": "017061", "split_payment": "y",
            "patrono_nome": "Sant'Andrea", "patrono_giorno": "31", "patrono_mese": "2"}
    r = client_for("admin").post("/admin/comune/new/", data=data)
    assert r.status_code == 200 and "31/2" in r.get_data(as_text=True)  # refused, the form again
    data["patrono_giorno"], data["patrono_mese"] = "30", "11"
    assert client_for("admin").post("/admin/comune/new/", data=data).status_code == 302
    with ctx():
        c = db.session.scalar(select(Comune).where(Comune.codice_istat == "017061"))
        assert (c.patrono_nome, c.patrono) == ("Sant'Andrea", (11, 30))
