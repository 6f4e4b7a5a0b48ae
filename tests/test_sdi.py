"""The SDI lifecycle (issue 15, item 3): transmissions under file names never reused, receipts
read back from SDI's message files, the history on the invoice page, the roles."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from models import TrasmissioneSdi, db
from models.base import TipoVoce
from models.errors import DomainError
from models.operations import fatture as ops
from models.operations import sdi as sdi_ops
from models.sdi import StatoSdi
from models.sdi_messaggi import parse_message
from views.exports import fatturapa
from views.fatture import SdiStateFilter

from . import factories as f
from .sdi_messaggi import messages_schema, receipt

MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
NOW = dt.datetime(2025, 4, 3, 9, 0)


def _issued(session, comune=None):
    comune = comune or f.make_comune(session, cap="25065")
    programma = f.make_programma(session)
    p = f.make_percorso(session, f.make_persona(session, comune), comune, programma)
    f.make_charges(session, p, TipoVoce.ATTIVAZIONE_TIROCINIO, 1)
    (draft,) = ops.generate_invoices(session, *MARCH, comune_id=comune.id)
    return ops.issue_invoice(session, draft, dt.date(2025, 4, 2), iban=f.IBAN)


def _send(app, session, fattura) -> TrasmissioneSdi:
    agenzia = fatturapa.Agenzia.from_config(app.config)
    return sdi_ops.send_invoice(
        session, fattura, NOW, fatturapa.sender_id(agenzia), agenzia.iban,
        render=lambda code: fatturapa.build_xml(agenzia, fatturapa.documento_from(fattura, code)))


def _record(session, data: bytes):
    return sdi_ops.record_notification(session, parse_message(data), NOW)


def test_a_rejected_invoice_goes_again_under_a_new_file_name(app, session):
    fattura = _issued(session)
    first = _send(app, session, fattura)

    outcome = _record(session, receipt("NS", first.nome_file_xml, "100", errori=(
        ("00311", "1.4.1.2 <IdCodice> non valido"), ("00200", "File non conforme al formato"))))
    second = _send(app, session, fattura)

    assert outcome.stato == StatoSdi.SCARTATA
    assert [(e.codice, e.descrizione) for e in first.notifiche[0].errori] == [
        ("00311", "1.4.1.2 <IdCodice> non valido"), ("00200", "File non conforme al formato")]
    assert second.nome_file != first.nome_file and second.progressivo > first.progressivo
    assert second.stato == StatoSdi.INVIATA


def test_progressives_are_independent_of_the_invoice_and_never_reused(app, session):
    a, b = _issued(session), _issued(session)

    names = [_send(app, session, x).nome_file for x in (b, a)]

    assert len(set(names)) == 2
    assert [n.rsplit("_", 1)[1] for n in names] == ["00001", "00002"]  # b first: not the invoice id
    assert re.fullmatch(r"IT01234560173_[0-9A-Z]{5}", names[0])


def test_a_file_with_sdi_is_not_sent_again(app, session):
    fattura = _issued(session)
    first = _send(app, session, fattura)
    _record(session, receipt("RC", first.nome_file_xml, "101"))

    with pytest.raises(DomainError, match=first.nome_file):
        _send(app, session, fattura)


def test_a_draft_is_not_sent(app, session):
    comune = f.make_comune(session)
    p = f.make_percorso(session, f.make_persona(session, comune), comune, f.make_programma(session))
    f.make_charges(session, p, TipoVoce.ATTIVAZIONE_TIROCINIO, 1)
    (draft,) = ops.generate_invoices(session, *MARCH)

    with pytest.raises(DomainError):
        _send(app, session, draft)


@pytest.mark.parametrize(("kinds", "state"), [
    (("RC",), StatoSdi.CONSEGNATA),
    (("MC",), StatoSdi.NON_CONSEGNATA),
    (("MC", "AT"), StatoSdi.NON_RECAPITABILE),
    (("RC", "DT"), StatoSdi.DECORRENZA_TERMINI),
    (("RC", "NE"), StatoSdi.ACCETTATA),
    (("NE", "RC"), StatoSdi.ACCETTATA),  # a late delivery receipt never moves it back
])
def test_each_notification_moves_the_transmission_to_its_state(app, session, kinds, state):
    t = _send(app, session, _issued(session))

    for n, kind in enumerate(kinds):
        _record(session, receipt(kind, t.nome_file_xml, f"M{n}"))

    assert t.stato == state and len(t.notifiche) == len(kinds)
    assert t.identificativo_sdi == 111222333


def test_the_comunes_refusal_is_ec02(app, session):
    t = _send(app, session, _issued(session))

    _record(session, receipt("NE", t.nome_file_xml, "200", esito="EC02"))

    assert t.stato == StatoSdi.RIFIUTATA and t.notifiche[0].esito == "EC02"


def test_a_receipt_for_an_unknown_file_or_not_from_sdi_is_refused(app, session):
    with pytest.raises(DomainError, match="IT01234560173_ZZZZZ"):
        _record(session, receipt("RC", "IT01234560173_ZZZZZ.xml", "1"))
    with pytest.raises(DomainError):
        parse_message(b"<?xml version='1.0'?><Fattura/>")
    with pytest.raises(DomainError):
        parse_message(b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')


def test_the_receipts_the_tests_build_follow_sdis_message_schema():
    schema = messages_schema()

    for kind in ("RC", "NS", "MC", "NE", "DT", "AT"):
        schema.validate(receipt(kind, "IT01234560173_00001.xml", "12345678901234"))


def test_the_cli_reads_a_folder_of_receipts_and_reading_it_again_changes_nothing(app, ctx, tmp_path):
    with ctx():
        t = _send(app, db.session, _issued(db.session))
        db.session.commit()
        name, tid = t.nome_file_xml, t.id
    stem = name[:-4]
    (tmp_path / f"{stem}_RC_001.xml").write_bytes(receipt("RC", name, "301"))
    (tmp_path / f"{stem}_NE_002.xml").write_bytes(receipt("NE", name, "302", esito="EC01"))
    (tmp_path / "IT01234560173_QQQQQ_RC_001.xml").write_bytes(receipt("RC", "IT01234560173_QQQQQ.xml", "303"))
    runner = app.test_cli_runner()

    first = runner.invoke(args=["fatture", "notifiche", str(tmp_path)])
    again = runner.invoke(args=["fatture", "notifiche", str(tmp_path)])

    assert first.exit_code == 1  # the unknown file is refused and named, the others recorded
    assert "QQQQQ" in first.output and "accettata dal Comune (EC01)" in first.output
    assert "Registrate 2, già note 0, rifiutate 1." in first.output
    assert "Registrate 0, già note 2, rifiutate 1." in again.output
    with ctx():
        t = db.session.get(TrasmissioneSdi, tid)
        assert t.stato == StatoSdi.ACCETTATA and len(t.notifiche) == 2


def test_only_accountants_send_to_sdi(app, ctx, client_for):
    with ctx():
        fid = _issued(db.session).id
        db.session.commit()

    refused = client_for("pal").post(f"/admin/fattura/invoice/{fid}/send/")
    sent = client_for("amministrazione").post(f"/admin/fattura/invoice/{fid}/send/")

    assert refused.status_code == 403 and sent.status_code == 302
    assert client_for("servizio_sociale").get(f"/admin/fattura/invoice/{fid}/").status_code in (403, 404)
    with ctx():
        assert db.session.scalars(select(TrasmissioneSdi).where(TrasmissioneSdi.fattura_id == fid)).all()


def test_the_invoice_page_shows_the_history_and_the_list_filters_by_sdi_state(app, ctx, client_for):
    with ctx():
        fattura = _issued(db.session)
        t = _send(app, db.session, fattura)
        _record(db.session, receipt("NS", t.nome_file_xml, "400"))
        other = _issued(db.session)
        db.session.commit()
        fid, name, other_id = fattura.id, t.nome_file_xml, other.id
    client = client_for("amministrazione")
    view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "fattura")
    with app.test_request_context():
        arg = next(k for k, (_, flt) in view._filter_args.items() if isinstance(flt, SdiStateFilter))

    page = client.get(f"/admin/fattura/invoice/{fid}/").get_data(as_text=True)
    rejected = client.get(f"/admin/fattura/?flt0_{arg}=SCARTATA").get_data(as_text=True)

    assert name in page and "00200: File non conforme al formato" in page
    assert "Invia di nuovo allo SDI" in page  # rejected: it can go again
    assert f"/admin/fattura/invoice/{fid}/" in rejected and f"/admin/fattura/invoice/{other_id}/" not in rejected
    download = client.get(f"/admin/fattura/invoice/{fid}/sdi/{t.id}.xml")
    assert download.status_code == 200 and name in download.headers["Content-Disposition"]


def test_a_rejected_invoices_contract_data_are_corrected_before_it_goes_again(app, session):
    fattura = _issued(session)
    t = _send(app, session, fattura)

    _record(session, receipt("NS", t.nome_file_xml, "500"))
    sdi_ops.correct_contract_data(session, fattura, cig="Z1A2B3C4D5", cup=None, determina_numero="DD 7/2025",
                                  determina_data=dt.date(2025, 1, 10), impegno="Imp. 99")
    again = _send(app, session, fattura)

    assert b"<CodiceCIG>Z1A2B3C4D5</CodiceCIG>" in again.xml and b"<IdDocumento>DD 7/2025</IdDocumento>" in again.xml
    with pytest.raises(DomainError):  # now with SDI: no more corrections
        sdi_ops.correct_contract_data(session, fattura, cig=None, cup=None, determina_numero=None,
                                      determina_data=None, impegno=None)


def test_accountants_upload_sdi_receipts_in_the_console(app, ctx, client_for):
    import io

    with ctx():
        t = _send(app, db.session, _issued(db.session))
        db.session.commit()
        name, tid = t.nome_file_xml, t.id
    files = [(io.BytesIO(receipt("RC", name, "601")), f"{name[:-4]}_RC_001.xml"),
             (io.BytesIO(b"not xml"), "lettera.xml")]

    page = client_for("amministrazione").post("/admin/fattura/notifiche/", data={"files": files},
                                              content_type="multipart/form-data").get_data(as_text=True)

    assert "ora consegnata (RC)" in page and "non è un XML ben formato" in page
    assert client_for("pal").get("/admin/fattura/notifiche/").status_code == 403
    with ctx():
        assert db.session.get(TrasmissioneSdi, tid).stato == StatoSdi.CONSEGNATA


def test_the_cli_sends_the_months_documents_once_and_writes_their_files(app, ctx, tmp_path):
    import zipfile

    with ctx():
        _issued(db.session)
        db.session.commit()
    runner, out = app.test_cli_runner(), tmp_path / "sdi.zip"

    first = runner.invoke(args=["fatture", "invia", "--mese", "2025-04", "-o", str(out)])
    again = runner.invoke(args=["fatture", "invia", "--mese", "2025-04", "-o", str(tmp_path / "again.zip")])

    assert first.exit_code == 0, first.output
    with zipfile.ZipFile(out) as zf:
        (name,) = zf.namelist()
        assert re.fullmatch(r"IT01234560173_[0-9A-Z]{5}\.xml", name)
    assert again.exit_code == 1 and "Nessun documento di 04/2025 da inviare allo SDI" in again.output
