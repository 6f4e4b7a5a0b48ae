"""Indemnity rules per programme, dated and configurable (issue 12, item 4), tested with the figures
of Lombardy's DGR 7763/2018 on extracurricular internships (README, "Indemnity"): EUR 500 a
month, 400 with meals, 350 up to 4 hours a day, 300 at a public administration; full pay from
80 % attendance."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from flask_babel import gettext

from models import RegolaIndennita, db
from models.base import CasoIndennita, StatoPercorso, TipoAssenza, TipoEnte, TipoOre
from models.indennita import compute_indennita, indemnity_of, rule_case, rules_in_force
from models.operations.regole import check_programme_rules

from . import factories as f

LOMBARDIA = dict(importo_pieno=Decimal("500"), importo_con_pasti=Decimal("400"),
                 importo_part_time=Decimal("350"), ore_giornaliere_part_time=Decimal("4"),
                 importo_ente_pubblico=Decimal("300"), presenza_minima_pct=Decimal("80"),
                 pro_rata_sotto_minimo=False, pro_rata_mese_parziale=True, conta_malattia=True,
                 conta_ferie=False, conta_festivita=True, conta_giustificata=False,
                 conta_ingiustificata=False, valida_dal=dt.date(2025, 1, 1), riferimento="DGR 7763/2018")


def regola(**kw) -> RegolaIndennita:
    return RegolaIndennita(**{**LOMBARDIA, **kw})


def row(weekly="30", start=dt.date(2025, 1, 1), end=None, ente=TipoEnte.IMPRESA, pasti=False, patrono=None):
    """What the reads give indemnity_of for one path."""
    return SimpleNamespace(ore_settimanali=None if weekly is None else Decimal(weekly), data_avvio=start,
                           fine=end, tipo_ente=ente, pasti_forniti=pasti,
                           patrono_mese=patrono[0] if patrono else None,
                           patrono_giorno=patrono[1] if patrono else None)


# --- the case and its amount ----------------------------------------------------------------------


@pytest.mark.parametrize("kw, case, amount", [
    ({}, CasoIndennita.PIENO, "500"),
    ({"pasti": True}, CasoIndennita.PASTI, "400"),
    ({"weekly": "20"}, CasoIndennita.PART_TIME, "350"),          # 4 h a day
    ({"weekly": "20", "pasti": True}, CasoIndennita.PART_TIME, "350"),
    ({"ente": TipoEnte.ENTE_PUBBLICO, "pasti": True}, CasoIndennita.ENTE_PUBBLICO, "300"),
    ({"weekly": "21"}, CasoIndennita.PIENO, "500"),              # 4.2 h a day is not part time
])
def test_the_monthly_amount_follows_the_case_with_lombardys_figures(kw, case, amount):
    r = row(**kw)
    assert rule_case(regola(), ente_pubblico=r.tipo_ente == TipoEnte.ENTE_PUBBLICO,
                     ore_settimanali=r.ore_settimanali, pasti=r.pasti_forniti) == (case, Decimal(amount))


def test_a_case_without_its_own_amount_falls_back_to_the_full_one():
    assert rule_case(regola(importo_con_pasti=None, importo_ente_pubblico=None), ente_pubblico=True,
                     ore_settimanali=Decimal("30"), pasti=True) == (CasoIndennita.PIENO, Decimal("500"))


# --- attendance -------------------------------------------------------------------------------------


def test_full_pay_from_80_percent_attendance_and_nothing_below_without_pro_rata(app):
    with app.test_request_context():
        # April 2025: 22 weekdays less Easter Monday (21) and Liberation Day (25): 20 days, 120 h.
        full = indemnity_of(row(), regola(), 2025, 4, Decimal("96"), {})
        short = indemnity_of(row(), regola(), 2025, 4, Decimal("95.5"), {})
        pro_rata = indemnity_of(row(), regola(pro_rata_sotto_minimo=True), 2025, 4, Decimal("60"), {})
    assert full.ore_previste == Decimal("120") and full.importo == Decimal("500.00")
    assert short.importo == Decimal("0.00")
    assert pro_rata.importo == Decimal("250.00")


def test_public_holidays_and_the_patron_saint_are_not_expected_working_days(app):
    with app.test_request_context():
        plain = indemnity_of(row(), regola(), 2025, 4, Decimal("0"), {})
        patron = indemnity_of(row(patrono=(4, 23)), regola(), 2025, 4, Decimal("0"), {})
    assert plain.ore_previste == Decimal("120")   # 20 working days x 6 h
    assert patron.ore_previste == Decimal("114")  # San Giorgio on Wednesday 23 April


def test_a_month_partly_inside_the_path_pays_its_share_of_working_days(app):
    with app.test_request_context():
        # Started Monday 14 April 2025: 11 of the month's 20 working days (21 and 25 are
        # holidays), 66 expected hours of which 60 attended (over 80 %).
        ind = indemnity_of(row(start=dt.date(2025, 4, 14)), regola(), 2025, 4, Decimal("60"), {})
        whole = indemnity_of(row(start=dt.date(2025, 4, 14)), regola(pro_rata_mese_parziale=False),
                             2025, 4, Decimal("60"), {})
    assert ind.quota_mese == Decimal("0.55") and ind.importo == Decimal("275.00")
    assert whole.importo == Decimal("500.00")


def test_absences_count_as_attended_only_for_the_reasons_the_rule_counts(app):
    sick = {dt.date(2025, 4, d): TipoAssenza.MALATTIA for d in (7, 8, 9, 10)}
    holiday = {dt.date(2025, 4, d): TipoAssenza.FERIE for d in (7, 8, 9, 10)}
    with app.test_request_context():
        # 16 days x 6 h = 96 attended of 120 would be enough; 72 h + 4 sick days x 6 h = 96 too.
        counted = indemnity_of(row(), regola(), 2025, 4, Decimal("72"), sick)
        not_counted = indemnity_of(row(), regola(), 2025, 4, Decimal("72"), holiday)
    assert counted.ore_assenze == Decimal("24") and counted.importo == Decimal("500.00")
    assert not_counted.ore_assenze == Decimal("0") and not_counted.importo == Decimal("0.00")


def test_no_weekly_hours_or_no_rule_computes_nothing(app):
    with app.test_request_context():
        assert indemnity_of(row(weekly=None), regola(), 2025, 4, Decimal("1"), {}).manca_orario
        assert indemnity_of(row(), None, 2025, 4, Decimal("1"), {}).manca_regola
    assert compute_indennita(ore_settimanali=None, giorni_lavorativi=1, ore_presenza=Decimal(1),
                             indennita_mensile=Decimal(1), presenza_minima_pct=Decimal(1),
                             pro_rata=True).importo is None


# --- dated and configurable ------------------------------------------------------------------------


def test_the_rule_in_force_is_the_latest_overlapping_the_month(session):
    prog = f.make_programma(session)
    old = f.make_regola_indennita(session, prog, valida_dal=dt.date(2025, 1, 1), valida_al=dt.date(2025, 6, 15))
    new = f.make_regola_indennita(session, prog, valida_dal=dt.date(2025, 6, 16), importo_pieno=Decimal("600"))
    assert rules_in_force(session, 2025, 5)[prog.id] is old
    assert rules_in_force(session, 2025, 6)[prog.id] is new
    assert prog.id not in rules_in_force(session, 2024, 12)


def test_two_rules_of_a_programme_cannot_be_in_force_on_the_same_day(app, session):
    prog = f.make_programma(session)
    f.make_regola_indennita(session, prog, valida_dal=dt.date(2025, 1, 1))
    f.make_regola_indennita(session, prog, valida_dal=dt.date(2025, 7, 1))
    session.refresh(prog)
    with app.test_request_context(), pytest.raises(Exception, match="in force on 01/07/2025|in vigore"):
        check_programme_rules(prog)
    prog.regole_indennita[0].valida_al = dt.date(2025, 6, 30)
    check_programme_rules(prog)


def test_the_payroll_summary_shows_the_rule_applied_to_each_trainee(app, client_for, world):
    with app.app_context():
        s = db.session
        prog = s.get(f.Programma, world.programma)
        f.make_regola_indennita(s, prog)
        comune = s.get(f.Comune, world.comune)
        hosts = {
            "Pieno": (f.make_ente(s, comune), "30", False),
            "Pasti": (f.make_ente(s, comune), "30", True),
            "Corto": (f.make_ente(s, comune), "20", False),
            "Pubblico": (f.make_ente(s, comune, tipo=TipoEnte.ENTE_PUBBLICO), "30", True),
        }
        for surname, (ente, weekly, meals) in hosts.items():
            post = f.make_postazione(s, ente, ore_settimanali=Decimal(weekly), pasti_forniti=meals)
            p = f.make_percorso(s, f.make_persona(s, comune, cognome=surname), comune, prog,
                                stato=StatoPercorso.ATTIVO, data_presa_in_carico=dt.date(2025, 3, 2),
                                data_avvio=dt.date(2025, 3, 3), postazione=post)
            daily = Decimal(weekly) / 5
            for d in range(1, 31):
                day = dt.date(2025, 4, d)
                if day.weekday() < 5 and d not in (21, 25):
                    f.make_ore(s, p, data=day, ore=daily, tipo=TipoOre.PRESENZA)
        s.commit()
    r = client_for("amministrazione").get("/admin/fogli-ore/scarica/",
                                          query_string={"mese": "2025-04", "tipo": "riepilogo"})
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).worksheets[0]
    body = {row[0].split()[0]: row for row in ws.iter_rows(min_row=4, values_only=True)
            if row[0] and row[0] != "Totale" and row[0] != "Total"}
    assert {k: (v[7], v[9]) for k, v in body.items()} == {
        "Pieno": (500.0, 500.0), "Pasti": (400.0, 400.0), "Corto": (350.0, 350.0), "Pubblico": (300.0, 300.0)}
    with app.test_request_context():
        assert body["Pasti"][8] == str(CasoIndennita.PASTI.label)
        assert "DGR Lombardia 7763/2018" in body["Pieno"][12] and "80" in body["Pieno"][12]
        assert gettext("Rule applied") in [c.value for c in ws[3]]
