"""Content a Comune's office accepts (issue 15, item 4): CIG where required and CIG/CUP formats,
the resolution and commitment, the IBAN of MP05, the Comune's address, text kept in UTF-8,
lines naming the month and the people, the courtesy PDF."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import pytest

from models import Fattura, db
from models.base import TipoVoce
from models.errors import DomainError
from models.operations import fatture as ops
from views.exports import fatturapa

from . import factories as f
from .fatturapa_rules import content_problems

MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
DAY = dt.date(2025, 4, 2)


def _draft(session, comune=None, programma=None, persona=None):
    comune = comune or f.make_comune(session, cap="25065")
    programma = programma or f.make_programma(session)
    p = f.make_percorso(session, persona or f.make_persona(session, comune), comune, programma)
    f.make_charges(session, p, TipoVoce.ATTIVAZIONE_TIROCINIO, 1)
    f.make_charges(session, p, TipoVoce.ORA_AFFIANCAMENTO, 10, "4")
    (draft,) = ops.generate_invoices(session, *MARCH, comune_id=comune.id)
    return draft


def test_a_cig_required_by_the_programme_or_the_budget_is_needed_to_issue(session):
    by_programme = _draft(session, programma=f.make_programma(session, cig_obbligatorio=True))
    comune, programma = f.make_comune(session, cap="25065"), f.make_programma(session)
    f.make_budget(session, programma, comune, cig_obbligatorio=True)
    by_budget = _draft(session, comune=comune, programma=programma)

    for draft in (by_programme, by_budget):
        with pytest.raises(DomainError, match="richiede il CIG"):
            ops.issue_invoice(session, draft, DAY, iban=f.IBAN)
    by_budget.cig, by_budget.determina_numero = "Z1A2B3C4D5", "DD 1/2025"
    assert ops.issue_invoice(session, by_budget, DAY, iban=f.IBAN).numero == 1


@pytest.mark.parametrize(("column", "value"), [
    ("cig", "Z1A2B3C4"), ("cig", "Z1A2B3C4D*"), ("cup", "J11B2500000000"), ("cup", "111B25000000001"),
])
def test_cig_and_cup_formats_are_checked_on_save(column, value):
    with pytest.raises(DomainError, match=column.upper()):
        Fattura(**{column: value})


def test_cig_and_cup_are_kept_in_capitals_and_blank_is_none():
    assert (Fattura(cig=" z1a2b3c4d5 ").cig, Fattura(cup="").cup) == ("Z1A2B3C4D5", None)


def test_a_cig_without_the_comunes_resolution_is_not_issued(session):
    draft = _draft(session, programma=f.make_programma(session, cig="Z1A2B3C4D5"))

    with pytest.raises(DomainError, match="determina"):
        ops.issue_invoice(session, draft, DAY, iban=f.IBAN)


@pytest.mark.parametrize(("iban", "message"), [(None, "AGENZIA_IBAN"), ("IT00X0000000000000000000000", "non è valido")])
def test_an_invoice_paid_by_transfer_needs_the_agencys_iban(session, iban, message):
    draft = _draft(session)

    with pytest.raises(DomainError, match=message):
        ops.issue_invoice(session, draft, DAY, iban=iban)
    assert draft.numero is None


def test_no_file_is_written_without_the_iban(app, session):
    fattura = ops.issue_invoice(session, _draft(session), DAY, iban=f.IBAN)
    agenzia = fatturapa.Agenzia.from_config({**app.config, "AGENZIA_IBAN": ""})

    with pytest.raises(ValueError, match="AGENZIA_IBAN"):
        fatturapa.build_xml(agenzia, fatturapa.documento_from(fattura, "00001"))


def test_the_comunes_street_address_is_on_the_file_and_required(app, session):
    with pytest.raises(DomainError, match="indirizzo"):
        ops.issue_invoice(session, _draft(session, comune=f.make_comune(session, cap="25065", indirizzo=None)),
                          DAY, iban=f.IBAN)
    comune = f.make_comune(session, cap="25065", indirizzo="Via Monsuello 154")
    fattura = ops.issue_invoice(session, _draft(session, comune=comune), DAY, iban=f.IBAN)

    root = ET.fromstring(fatturapa.build_xml(fatturapa.Agenzia.from_config(app.config),
                                             fatturapa.documento_from(fattura, "00001")))

    assert root.find(".//CessionarioCommittente/Sede/Indirizzo").text == "Via Monsuello 154"
    assert root.find(".//DettaglioPagamento/IBAN").text == app.config["AGENZIA_IBAN"]


def test_latin_1_text_is_kept_and_only_other_characters_are_transliterated():
    assert fatturapa.latin("Attività più così: Müller, Núñez, ß", 100) == "Attività più così: Müller, Núñez, ß"
    assert fatturapa.latin("Łódź – Ωmega Жук € ő", 100) == "Lódz - Omega Zhuk EUR o"  # ó is Latin-1, ź is not
    assert "?" not in fatturapa.latin("Đorđe Œuvre ı", 100)


def test_the_file_is_utf_8_with_accents_as_they_are(app, session):
    comune = f.make_comune(session, cap="25065", indirizzo="Piazza Libertà 1")
    fattura = ops.issue_invoice(session, _draft(session, comune=comune), DAY, iban=f.IBAN)

    data = fatturapa.build_xml(fatturapa.Agenzia.from_config(app.config), fatturapa.documento_from(fattura, "00001"))

    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Piazza Libertà 1".encode() in data
    assert content_problems(data) == []


def test_lines_name_the_month_and_where_the_comune_asks_the_beneficiaries_initials(session):
    plain = _draft(session)
    comune = f.make_comune(session, cap="25065", iniziali_in_fattura=True)
    asked = _draft(session, comune=comune, persona=f.make_persona(session, comune, nome="Mario", cognome="Rossi"))

    assert [r.descrizione.endswith("marzo 2025") for r in plain.righe] == [True, True]
    assert all(r.descrizione.endswith("marzo 2025 - beneficiari M.R.") for r in asked.righe)


def test_many_beneficiaries_are_cut_with_how_many_are_left_out():
    class P:
        def __init__(self, n):
            self.nome, self.cognome = chr(65 + n % 26), chr(65 + n // 26)

    people = [P(n) for n in range(120)]
    text = ops._people([type("A", (), {"percorso": type("X", (), {"persona": p})})() for p in people], 150)

    assert len(text) <= 150 and text.startswith("beneficiari A.A., ") and " e altri " in text


def test_the_courtesy_pdf_of_an_issued_invoice(app, ctx, client_for):
    with ctx():
        fid = ops.issue_invoice(db.session, _draft(db.session), DAY, iban=f.IBAN).id
        draft_id = _draft(db.session).id
        db.session.commit()

    r = client_for("amministrazione").get(f"/admin/fattura/invoice/{fid}/cortesia.pdf")
    draft = client_for("amministrazione").get(f"/admin/fattura/invoice/{draft_id}/cortesia.pdf")
    social = client_for("servizio_sociale").get(f"/admin/fattura/invoice/{fid}/cortesia.pdf")
    listed = client_for("pal").get("/admin/fattura/").get_data(as_text=True)

    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    assert "fattura_1_2025.pdf" in r.headers["Content-Disposition"]
    assert draft.status_code == 302
    assert social.status_code in (403, 404)
    assert f"/admin/fattura/invoice/{fid}/cortesia.pdf" in listed
    assert f"/admin/fattura/invoice/{draft_id}/cortesia.pdf" not in listed
