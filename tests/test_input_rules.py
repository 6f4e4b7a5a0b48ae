"""Issue 10, items 1-3: what people type is read the Italian way or refused with a message, and
the ranges, the codice fiscale and the unique values are rules of the models."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import (
    CategoriaSvantaggio,
    DatiSensibili,
    Diario,
    DomainError,
    Ore,
    Pagamento,
    Percorso,
    Persona,
    RigaVoucher,
    Utente,
    clock,
    db,
)
from models import dates as d
from models import validation as v
from models.base import Sesso, StatoFattura, TipoEvento
from models.operations import fatture as fatture_ops
from models.operations import voucher as voucher_ops
from seed.codici import make_codice_fiscale

from . import factories as f
from . import paths


def _errors(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>|\s+", " ", m) for m in re.findall(r'text-danger[^>]*>(.*?)</ul>', html, re.S))


@pytest.fixture
def en(app):
    """A request context whose messages are the English msgids."""
    with app.test_request_context():
        paths.english()
        yield db.session
        db.session.rollback()


# -- item 1: dates -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["07/03/1988", "7/3/1988", "07.03.1988", "07-03-1988", "1988-03-07",
                                  "07031988", " 07/03/1988 ", "7/3/88", "070388"])
def test_a_date_is_read_in_every_way_it_is_typed_or_pasted(en, text):
    assert d.parse_date(text, past=True) == dt.date(1988, 3, 7)


@pytest.mark.parametrize("text", ["31/02/2025", "00/03/2025", "07/13/2025", "29/02/2025"])
def test_a_day_that_does_not_exist_is_refused_not_moved(en, text):
    with pytest.raises(DomainError, match="that day does not exist"):
        d.parse_date(text)


@pytest.mark.parametrize("text", ["07/03", "0000-01-017/03/1988", "7/3/988", "1988/03", "oggi", "07/03-1988",
                                  "12345", "07\x00/03/1988"])
def test_an_ambiguous_or_garbled_date_is_refused(en, text):
    with pytest.raises(DomainError, match="is not a date"):
        d.parse_date(text)


def test_two_digit_years_are_in_the_past_for_birth_dates_and_near_today_otherwise(en):
    year = clock.today().year
    soon = (year + 5) % 100
    assert d.parse_date(f"01/01/{soon:02d}").year == year + 5
    assert d.parse_date(f"01/01/{soon:02d}", past=True).year == year + 5 - 100


def test_every_stored_date_lies_between_1900_and_2099(en):
    d.check_in_range(dt.date(1900, 1, 1))
    d.check_in_range(dt.date(2099, 12, 31))
    for day in (dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1899, 12, 31)):
        with pytest.raises(DomainError, match="out of range"):
            d.check_in_range(day)


def test_a_birth_date_is_from_1900_and_the_person_at_least_14(en):
    comune = f.make_comune(en)
    p = f.make_persona(en, comune)
    today = clock.today()
    for born, message in ((dt.date(1899, 12, 31), "not plausible"),
                          (today.replace(year=today.year - 13), "at least 14"),
                          (today + dt.timedelta(days=1), "future")):
        p.data_nascita = born
        p.codice_fiscale = make_codice_fiscale(p.cognome, p.nome, born, "M", "B157")
        with pytest.raises(DomainError, match=message):
            p.validate_model()
    p.data_nascita = today.replace(year=today.year - 14) - dt.timedelta(days=1)
    p.codice_fiscale = make_codice_fiscale(p.cognome, p.nome, p.data_nascita, "M", "B157")
    p.validate_model()


def test_a_referral_falls_inside_the_programme_period(en):
    sc = paths.scene(en, data_fine=dt.date(2025, 12, 31))
    p = paths.referred(en, sc)
    p.data_segnalazione = dt.date(2002, 12, 20)  # what a misread 02/12/2026 used to become
    with pytest.raises(DomainError, match="outside the period of programme") as refused:
        p.validate_model()
    assert refused.value.field == "data_segnalazione"


def test_workflow_steps_fall_inside_the_programme_period(en):
    from models.operations import percorsi as ops

    sc = paths.scene(en, data_fine=dt.date(2025, 3, 3))
    p = paths.referred(en, sc)
    with pytest.raises(DomainError, match="outside the period of programme"):
        ops.take_in_charge(en, p, paths.INTAKE)  # 05/03/2025, after the programme's end


def test_a_diary_event_is_not_before_the_referral_nor_in_the_future(en):
    sc = paths.scene(en)
    p = paths.referred(en, sc)
    event = Diario(percorso=p, data=paths.REFERRAL - dt.timedelta(days=1), tipo=TipoEvento.COLLOQUIO,
                   descrizione="x")
    with pytest.raises(DomainError, match="cannot precede the referral"):
        event.validate_model()
    event.data = clock.today() + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="cannot be in the future"):
        event.validate_model()
    event.data = paths.REFERRAL
    event.validate_model()


def test_a_payment_is_not_in_the_future(en):
    sc = paths.scene(en)
    invoice = f.make_fattura_emessa(en, sc.comune, sc.programma)
    tomorrow = clock.today() + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="cannot be in the future") as refused:
        fatture_ops.apply_payment(en, Pagamento(fattura=invoice, data=tomorrow, importo=Decimal("1")))
    assert refused.value.field == "data"
    assert invoice.stato == StatoFattura.EMESSA


def test_a_voucher_proposal_follows_the_first_interview(en):
    sc = paths.scene(en)
    p = paths.under_evaluation(en, sc)
    v_ = paths.new_voucher(en, p, day=paths.INTERVIEW - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="cannot precede the first interview"):
        voucher_ops.propose_voucher(en, v_)


# -- item 1: numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("text,value", [("2,5", "2.5"), ("1.234,50", "1234.50"), ("1234,50", "1234.50"),
                                        ("1234.50", "1234.50"), ("2.5", "2.5"), ("1.234", "1234"),
                                        ("-200", "-200"), (",5", "0.5"), ("1 234,50 €", "1234.50")])
def test_a_number_is_read_the_italian_way(en, text, value):
    assert v.parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["NaN", "nan", "Infinity", "-inf", "1e5", "1,234.50", "0.125", "2,5,3", "1.23.4",
                                  "abc", "٣"])
def test_a_number_that_could_be_read_two_ways_or_is_no_number_is_refused(en, text):
    with pytest.raises(DomainError, match="is not a number"):
        v.parse_decimal(text)


def test_a_number_keeps_within_its_column(en):
    with pytest.raises(DomainError, match="At most 2 decimals"):
        v.parse_decimal("0,125", places=2, digits=5)
    with pytest.raises(DomainError, match="too large"):
        v.parse_decimal("1000", places=2, digits=5)
    assert v.parse_decimal("999,99", places=2, digits=5) == Decimal("999.99")


def test_an_id_out_of_range_names_no_record():
    assert v.parse_id("12") == 12
    for bad in ("99999999999999999999", "0", "-1", "1,2", "abc", "", None, "١٢"):
        assert v.parse_id(bad) is None


# -- item 2: the codice fiscale agrees with the person ---------------------------------------


def _cf(born=dt.date(1988, 3, 7), sex="F", place="E738"):
    return make_codice_fiscale("Rossi", "Maria", born, sex, place)


def test_the_codice_fiscale_agrees_with_birth_date_sex_and_birthplace(en):
    v.check_codice_fiscale_agrees(_cf(), dt.date(1988, 3, 7), "F", "E738", "Lumezzane")
    with pytest.raises(DomainError, match="birth date: it says 07/03/1988, the birth date is 08/03/1988") as e:
        v.check_codice_fiscale_agrees(_cf(), dt.date(1988, 3, 8), "F")
    assert e.value.field == "data_nascita"
    with pytest.raises(DomainError, match="sex: it is that of a woman") as e:
        v.check_codice_fiscale_agrees(_cf(), dt.date(1988, 3, 7), "M")
    assert e.value.field == "sesso"
    with pytest.raises(DomainError, match="birthplace: it says the place with cadastral code E738, "
                                          "Sarezzo has code I433") as e:
        v.check_codice_fiscale_agrees(_cf(), dt.date(1988, 3, 7), "F", "I433", "Sarezzo")
    assert e.value.field == "comune_nascita"


def test_omocodia_is_accepted(en):
    from stdnum.it import codicefiscale

    base = _cf()[:15]
    # Omocodia: the last digits of the code replaced by letters (0-9 -> L M N P Q R S T U V).
    omocode = base[:12] + "".join("LMNPQRSTUV"[int(c)] for c in base[12:15])
    omocode += codicefiscale.calc_check_digit(omocode)
    assert codicefiscale.validate(omocode) == omocode
    v.check_codice_fiscale_agrees(omocode, dt.date(1988, 3, 7), "F", "E738")


def test_the_person_form_says_which_part_of_the_codice_fiscale_disagrees(client_for, world, ctx):
    with ctx():
        db.session.get(Persona, world.persona)
    data = {"codice_fiscale": _cf(), "cognome": "Rossi", "nome": "Maria", "data_nascita": "07/03/1988",
            "sesso": "M", "comune_residenza": str(world.comune), "condizione_occupazionale": "DISOCCUPATO"}
    client = client_for("operatore")
    r = client.post("/admin/persona/new/", data=data)
    assert r.status_code == 200
    assert "sesso" in _errors(r.get_data(as_text=True)).lower() or "sex" in r.get_data(as_text=True)
    data["sesso"] = "F"
    r = client.post("/admin/persona/new/", data=data)
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    with ctx():
        stored = db.session.scalar(select(Persona).where(Persona.codice_fiscale == _cf()))
        assert stored.data_nascita == dt.date(1988, 3, 7) and stored.sesso == Sesso.F


# -- item 3: refusals, never a silent overwrite ----------------------------------------------


def test_a_second_sensitive_data_record_is_refused_with_a_link_to_the_first(client_for, world, ctx):
    with ctx():
        db.session.add(DatiSensibili(persona_id=world.persona, diagnosi="prima diagnosi"))
        db.session.commit()
    client = client_for("operatore")
    r = client.post("/admin/dati_sensibili/new/", data={"persona": str(world.persona), "diagnosi": "seconda"},
                    follow_redirects=True)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert f'href="/admin/dati_sensibili/edit/?id={world.persona}"' in html
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(DatiSensibili)) == 1
        assert db.session.get(DatiSensibili, world.persona).diagnosi == "prima diagnosi"


def test_a_duplicate_category_code_names_the_existing_category(client_for, world, ctx):
    r = client_for("admin").post("/admin/categoria/new/", data={"codice": "L381", "descrizione": "Doppia"},
                                 follow_redirects=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "L. 381/91" in html and "PendingRollbackError" not in html
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(CategoriaSvantaggio)) == 1


def test_a_social_worker_is_not_told_whom_a_codice_fiscale_belongs_to(client_for, world, ctx):
    with ctx():
        other = db.session.get(Persona, world.altra_persona)  # another Comune's person
        cf, surname = other.codice_fiscale, other.cognome
    data = {"codice_fiscale": cf, "cognome": "Nuovo", "nome": "Nome", "data_nascita": "01/01/1980",
            "sesso": "M", "comune_residenza": str(world.comune), "condizione_occupazionale": "DISOCCUPATO"}
    r = client_for("servizio_sociale").post("/admin/persona/new/", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert surname not in html and f"id={world.altra_persona}" not in html
    assert "agenzia" in html or "agency" in html
    r = client_for("operatore").post("/admin/persona/new/", data=data, follow_redirects=True)
    assert surname in r.get_data(as_text=True)


@pytest.mark.parametrize("email", ["<script>alert(1)</script>", "   ", "senza-chiocciola"])
def test_a_user_email_must_be_an_address(client_for, world, ctx, email):
    r = client_for("admin").post("/admin/utente/new/", data={"email": email, "nuova_password": "password-lunga",
                                                              "lingua": "it", "active": "y"})
    assert r.status_code == 200
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Utente).where(Utente.email == email.strip())) == 0


def test_price_list_items_of_another_programme_are_refused_on_a_voucher(en):
    sc = paths.scene(en)
    other = paths.scene(en)
    p = paths.under_evaluation(en, sc)
    v_ = paths.new_voucher(en, p)
    v_.righe.append(RigaVoucher(voce_listino=paths.voce(en, other.programma, "ATT"), quantita=Decimal("1")))
    with pytest.raises(DomainError, match="belongs to the price list of another programme"):
        voucher_ops.propose_voucher(en, v_)


def test_the_voucher_item_picker_offers_the_paths_programme_only(client_for, world, ctx):
    with ctx():
        other = f.make_programma(db.session, nome="Altro programma")
        db.session.commit()
        other_items = {str(i.id) for i in other.voci}
        own_items = {str(i.id) for i in db.session.get(Percorso, world.percorso).programma.voci}
    html = client_for("operatore").get(f"/admin/voucher/new/?percorso={world.percorso}").get_data(as_text=True)
    offered = set(re.findall(r'&lt;option value=&#34;(\d+)&#34;', html))  # the inline line's template
    assert own_items <= offered and not (other_items & offered)


def test_out_of_range_ids_and_nul_bytes_are_messages_not_errors(client_for, world, ctx):
    client = client_for("operatore")
    huge = "99999999999999999999"
    assert client.get(f"/admin/persona/edit/?id={huge}").status_code == 302
    assert client.get(f"/admin/percorso/case/{huge}/").status_code == 404
    assert client.get(f"/admin/ore-del-mese/?percorso={huge}").status_code == 200  # no such path: no row
    assert client.get(f"/admin/persona/ajax/lookup/?name=comune_residenza&query=a&offset={huge}").status_code == 200
    r = client.post(f"/admin/percorso/edit/?id={world.percorso}",
                    data={"persona": huge, "comune": str(world.comune), "programma": "1", "tipologia": "TIROCINIO",
                          "data_segnalazione": "01/03/2025", "note": "a\x00b"})
    assert r.status_code == 200
    assert "NUL" in r.get_data(as_text=True)


def test_the_month_grid_refuses_nan_and_infinity(client_for, world, ctx):
    with ctx():
        p = db.session.get(Percorso, world.percorso)
        p.postazione = f.make_postazione(db.session, db.session.get(f.EnteOspitante, world.ente))
        p.data_avvio = dt.date(2025, 3, 3)
        db.session.commit()
    for bad in ("NaN", "Infinity", "1e400"):
        r = client_for("operatore").post("/admin/ore-del-mese/", data={
            "percorso": world.percorso, "mese": "2025-03", "tipo": "PRESENZA", f"c-{world.percorso}-3": bad})
        assert r.status_code == 200
        assert "non è un numero" in r.get_data(as_text=True) or "is not a number" in r.get_data(as_text=True)
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Ore)) == 0


def test_dates_and_decimals_typed_the_italian_way_are_stored_as_meant(client_for, world, ctx):
    cf = _cf(dt.date(1988, 3, 7), "F", "B157")
    data = {"codice_fiscale": cf, "cognome": "Rossi", "nome": "Maria", "data_nascita": "7/3/88",
            "sesso": "F", "comune_residenza": str(world.comune), "condizione_occupazionale": "DISOCCUPATO"}
    r = client_for("operatore").post("/admin/persona/new/", data=data)
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    r = client_for("pal").post("/admin/budget/new/", data={
        "programma": str(world.programma), "comune": str(world.comune), "data_inizio": "01/01/2026",
        "data_fine": "31/12/2026", "importo_iniziale": "12.345,67"})
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    with ctx():
        assert db.session.scalar(select(Persona.data_nascita).where(Persona.codice_fiscale == cf)) == dt.date(1988, 3, 7)
        from models import Budget

        b = db.session.scalar(select(Budget).where(Budget.data_inizio == dt.date(2026, 1, 1)))
        assert b.importo_iniziale == Decimal("12345.67") and b.data_fine == dt.date(2026, 12, 31)
    # The list filters read Italian dates too.
    html = client_for("operatore").get("/admin/persona/?flt0_data_di_nascita_equals=07/03/1988").get_data(as_text=True)
    assert "Rossi" in html and "Bianchi" not in html
