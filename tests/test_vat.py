"""VAT as the law has it (issue 14, item 3): lines without VAT carry their FatturaPA Natura, the
invoice summarises per rate and per Natura, and the stamp duty (bollo virtuale, EUR 2) is due
above EUR 77.47 outside VAT; each line rounded half-up once (models/money.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import DomainError, Percorso, VoceListino, db
from models.base import Natura, StatoFattura, TipoVoce
from models.money import BOLLO, stamp_duty, vat_summary_by_nature
from models.operations import fatture as ops
from views.exports import fatturapa

from . import factories as f
from .paths import english
from .test_constraints import refused
from .test_fatturapa import NS, _text, _xml, schema  # noqa: F401  (the offline schema fixture)

D = Decimal
MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))


@pytest.fixture
def session(app):
    """A session inside a request context, messages in English (the msgids)."""
    with app.test_request_context():
        english()
        yield db.session
        db.session.rollback()


def exempt_item(session, programma, prezzo="28.00", codice="SIC") -> VoceListino:
    item = VoceListino(programma=programma, codice=codice, descrizione="Corso sicurezza (formazione generale)",
                       tipo=TipoVoce.ALTRO, unita="ora", prezzo_unitario=D(prezzo), aliquota_iva=D(0),
                       natura=Natura.N4, riferimento_normativo="Esente art. 10 c. 1 n. 20 DPR 633/72",
                       valido_dal=dt.date(2025, 1, 1))
    session.add(item)
    session.flush()
    return item


def issued_with_training(session, hours: str, day=dt.date(2025, 4, 2)):
    """An issued March invoice: one activation (22 %) and ``hours`` of exempt training."""
    comune = f.make_comune(session, cap="46100")
    programma = f.make_programma(session)
    training = exempt_item(session, programma)
    p = f.make_percorso(session, f.make_persona(session, comune), comune, programma)
    f.make_charges(session, p, TipoVoce.ATTIVAZIONE_TIROCINIO, 1)
    f.make_addebito(session, p, training, data=dt.date(2025, 3, 10), quantita=D(hours))
    (draft,) = ops.generate_invoices(session, *MARCH)
    return ops.issue_invoice(session, draft, day, iban=f.IBAN)


def test_an_item_without_vat_needs_its_nature_and_a_taxed_one_has_none(session):
    programma = f.make_programma(session)
    bare = VoceListino(codice="X", descrizione="x", tipo=TipoVoce.ALTRO, unita="u",
                       prezzo_unitario=D(1), aliquota_iva=D(0), valido_dal=dt.date(2025, 1, 1))
    with pytest.raises(DomainError, match="VAT nature"):
        bare.validate_model()
    bare.aliquota_iva, bare.natura = D(22), Natura.N4
    with pytest.raises(DomainError, match="VAT nature"):
        bare.validate_model()
    session.add(VoceListino(programma=programma, codice="Y", descrizione="y", tipo=TipoVoce.ALTRO, unita="u",
                            prezzo_unitario=D(1), aliquota_iva=D(0), valido_dal=dt.date(2025, 1, 1)))
    refused(session, session.flush, "ck_voce_listino_natura_senza_iva")


def test_the_summary_is_per_rate_and_per_nature_each_line_rounded_half_up():
    lines = [(D("0.5"), D("21.01"), D(22), None), (D("1.5"), D("0.07"), D(22), None),
             (D("2.5"), D("4.21"), D(0), Natura.N4), (D(1), D("50"), D(0), Natura.N2_2), (D(1), D(10), D(10), None)]
    summary = vat_summary_by_nature(lines)
    assert list(summary) == [(D(10), None), (D(22), None), (D(0), Natura.N2_2), (D(0), Natura.N4)]
    assert summary[(D(22), None)] == (D("10.62"), D("2.34"))  # 10.51 + 0.11, VAT 2.3364
    assert summary[(D(0), Natura.N4)] == (D("10.53"), D("0.00"))  # 10.525 half-up


@pytest.mark.parametrize("exempt,due", [("77.47", D("0.00")), ("77.48", BOLLO)])
def test_the_stamp_duty_is_due_above_77_47_euros_outside_vat(exempt, due):
    assert stamp_duty([(D(1), D(exempt), D(0), Natura.N4), (D(1), D(500), D(22), None)]) == due


def test_an_invoice_with_exempt_training_bears_the_stamp_duty(session):
    fattura = issued_with_training(session, "4")  # 4 h x 28.00 = 112.00 exempt
    assert (fattura.imponibile, fattura.iva, fattura.bollo) == (D("312.00"), D("44.00"), D("2.00"))
    line = next(r for r in fattura.righe if r.natura is not None)
    assert line.natura == Natura.N4 and line.riferimento_normativo.startswith("Esente art. 10")
    # Split payment: the Comune pays the taxable and the stamp duty; the VAT goes to the State.
    assert ops.amount_due(fattura) == D("314.00")
    assert fattura.totale == D("358.00")


def test_below_the_threshold_there_is_no_stamp_duty(session):
    fattura = issued_with_training(session, "2")  # 56.00 exempt
    assert fattura.bollo is None and fattura.totale == D("300.00")


def test_the_credit_note_reverses_the_nature_and_the_stamp_duty(session):
    fattura = issued_with_training(session, "4")
    nota = ops.credit_invoice(session, fattura, dt.date(2025, 4, 10))
    assert [(r.natura, r.aliquota_iva) for r in nota.righe] == [(r.natura, r.aliquota_iva) for r in fattura.righe]
    assert nota.bollo == D("2.00") and fattura.stato is StatoFattura.STORNATA


def test_an_invoice_line_without_vat_needs_its_nature_in_the_database_too(session):
    comune = f.make_comune(session, cap="46100")
    draft = f.make_fattura(session, comune, f.make_programma(session))
    line = f.make_riga_fattura(session, draft)
    line.aliquota_iva = D(0)  # a draft line edited to 0 % without its nature
    with pytest.raises(DomainError, match="VAT nature"):
        line.validate_model()
    refused(session, session.flush, "ck_riga_fattura_natura_senza_iva")


def test_the_fatturapa_file_has_natures_summaries_and_the_virtual_stamp(app, session, schema):  # noqa: F811
    fattura = issued_with_training(session, "4")
    data, root = _xml(app, fattura)
    schema.validate(data)
    assert _text(root, ".//DatiBollo/BolloVirtuale") == "SI"
    assert _text(root, ".//DatiBollo/ImportoBollo") == "2.00"
    assert _text(root, ".//DatiGeneraliDocumento/ImportoTotaleDocumento") == "358.00"
    natures = [(el.findtext("AliquotaIVA"), el.findtext("Natura")) for el in root.findall(".//DettaglioLinee", NS)]
    assert ("0.00", "N4") in natures and ("22.00", None) in natures
    summaries = {el.findtext("Natura"): el for el in root.findall(".//DatiRiepilogo", NS)}
    assert summaries["N4"].findtext("ImponibileImporto") == "112.00"
    assert summaries["N4"].findtext("Imposta") == "0.00"
    assert summaries["N4"].findtext("EsigibilitaIVA") is None
    assert summaries["N4"].findtext("RiferimentoNormativo").startswith("Esente art. 10")
    assert summaries[None].findtext("EsigibilitaIVA") == "S"
    assert _text(root, ".//DettaglioPagamento/ImportoPagamento") == "314.00"


def test_the_invoice_page_shows_the_nature_summary_and_the_stamp_duty(app, client_for, world, ctx):
    with ctx():
        fattura = issued_with_training(db.session, "4")
        fid = fattura.id
        db.session.commit()
    html = client_for("amministrazione").get(f"/admin/fattura/invoice/{fid}/").get_data(as_text=True)
    assert 'id="bollo"' in html and "2,00" in html and "N4" in html
    with ctx():
        assert db.session.scalar(select(Percorso.id)) is not None


def test_fatturapa_document_amounts_come_from_the_snapshot(session):
    fattura = issued_with_training(session, "4")
    doc = fatturapa.documento_from(fattura)
    assert (doc.imponibile, doc.imposta, doc.bollo, doc.totale, doc.da_pagare) == (
        D("312.00"), D("44.00"), D("2.00"), D("358.00"), D("314.00"))
