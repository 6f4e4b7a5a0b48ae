"""Deliveries of any voucher line and variations of an approved voucher (issue 14, items 1-2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Addebito, DomainError, VariazioneVoucher, VoceListino, db
from models.base import Natura, StatoFattura, TipoOre, TipoVoce
from models.operations import erogazioni, variazioni
from models.operations import fatture as invoice_ops
from models.operations import percorsi as ops
from models.operations.ore import record_hours
from models.queries import budget_figures

from . import factories as f
from .paths import DECISION, START, active, add_item, approved, english, scene

D = Decimal


@pytest.fixture
def session(app):
    with app.test_request_context():
        english()
        yield db.session
        db.session.rollback()


@pytest.fixture
def sc(session):
    sc = scene(session)
    sc.colloquio = add_item(session, sc.programma, "COL", "33.00")
    sc.operatore = f.make_user(session, "op-deliveries@example.org", ["operatore"])
    return sc


def exempt_item(session, programma, codice, prezzo):
    """A training item exempt from VAT (Natura N4, art. 10 DPR 633/72)."""
    item = VoceListino(programma=programma, codice=codice, descrizione=f"Corso {codice}", tipo=TipoVoce.ALTRO,
                       unita="ora", prezzo_unitario=Decimal(prezzo), aliquota_iva=Decimal(0), natura=Natura.N4,
                       riferimento_normativo="Esente art. 10 c. 1 n. 20 DPR 633/72", valido_dal=dt.date(2025, 1, 1))
    session.add(item)
    session.flush()
    return item


def with_colloqui(session, sc, quantity=6):
    """An active path whose voucher has the default lines and ``quantity`` interviews."""
    p = active(session, sc, lines={"ATT": 1, "ORA": 10, "COL": quantity})
    v = erogazioni.approved_voucher(p)
    return p, v, next(r for r in v.righe if r.voce_listino.codice == "COL")


# --- Deliveries ------------------------------------------------------------------------------


def test_a_delivery_is_a_charge_of_the_line_priced_on_its_date(session, sc):
    p, v, riga = with_colloqui(session, sc)
    dearer = add_item(session, sc.programma, "COL", "36.00", dal=dt.date(2025, 4, 1))
    before = erogazioni.deliver(session, p, riga, dt.date(2025, 3, 20), D(2), by=sc.operatore, note="primo")
    after = erogazioni.deliver(session, p, riga, dt.date(2025, 4, 2), D("1.5"), by=sc.operatore)
    assert (before.voce_listino.prezzo_unitario, before.importo) == (D("33.00"), D("66.00"))
    assert after.voce_listino == dearer and after.importo == D("54.00")
    assert before.riga_voucher == riga and before.operatore == sc.operatore and before.note == "primo"
    assert erogazioni.delivered(session, riga) == D("3.50")


def test_a_line_is_delivered_up_to_its_approved_quantity_and_the_message_says_what_remains(session, sc):
    p, v, riga = with_colloqui(session, sc, quantity=4)
    erogazioni.deliver(session, p, riga, dt.date(2025, 3, 20), D(3), by=sc.operatore)
    with pytest.raises(DomainError, match=r"Only 1 of the 4 approved remain to deliver for «COL»"):
        erogazioni.deliver(session, p, riga, dt.date(2025, 3, 21), D(2), by=sc.operatore)
    assert erogazioni.delivered(session, riga) == D(3)


@pytest.mark.parametrize("day,quantity,message", [
    (dt.date(2025, 3, 11), "1", "before the voucher was approved"),
    (dt.date(2099, 1, 1), "1", "cannot be in the future"),
    (dt.date(2025, 3, 20), "0", "more than 0"),
    (dt.date(2025, 3, 20), "0.125", "at most two decimals"),
])
def test_a_delivery_is_refused_with_a_reason(session, sc, day, quantity, message):
    p, v, riga = with_colloqui(session, sc)
    with pytest.raises(DomainError, match=message):
        erogazioni.deliver(session, p, riga, day, D(quantity), by=sc.operatore)
    assert erogazioni.delivered(session, riga) == 0


def test_no_delivery_after_the_path_ended(session, sc):
    p, v, riga = with_colloqui(session, sc)
    ops.conclude_without_hiring(session, p, dt.date(2025, 4, 30), "fine")
    with pytest.raises(DomainError):
        erogazioni.deliver(session, p, riga, dt.date(2025, 5, 2), D(1), by=sc.operatore)


def test_steps_and_hours_are_not_delivered_by_hand(session, sc):
    p, v, riga = with_colloqui(session, sc)
    by_code = {r.voce_listino.codice: r for r in v.righe}
    with pytest.raises(DomainError, match="recording them as hours"):
        erogazioni.deliver(session, p, by_code["ORA"], dt.date(2025, 3, 20), D(1), by=sc.operatore)
    with pytest.raises(DomainError, match="billed by its workflow step"):
        erogazioni.deliver(session, p, by_code["ATT"], dt.date(2025, 3, 20), D(1), by=sc.operatore)


def test_only_a_case_worker_records_a_delivery(session, sc):
    p, v, riga = with_colloqui(session, sc)
    with pytest.raises(DomainError, match="Record a delivery"):
        erogazioni.deliver(session, p, riga, dt.date(2025, 3, 20), D(1), by=sc.pal)


def test_tutoring_hours_are_a_delivery_of_the_tutoring_line(session, sc):
    p, v, riga = with_colloqui(session, sc)
    row = record_hours(session, p, dt.date(2025, 3, 20), D(2), TipoOre.AFFIANCAMENTO, operatore=sc.operatore,
                       note="visita in azienda")
    charge = session.scalar(select(Addebito).where(Addebito.ore_id == row.id))
    tutoring = next(r for r in v.righe if r.voce_listino.tipo == TipoVoce.ORA_AFFIANCAMENTO)
    assert charge.riga_voucher == tutoring and charge.operatore == sc.operatore and charge.note == "visita in azienda"
    assert erogazioni.delivered_by_line(session, v)[tutoring.id] == D(2)
    # The activation was delivered by its step, against its line too.
    activation = next(r for r in v.righe if r.voce_listino.tipo == TipoVoce.ATTIVAZIONE_TIROCINIO)
    assert erogazioni.delivered(session, activation) == 1


def test_deliveries_count_in_the_budget_and_are_invoiced(session, sc):
    p, v, riga = with_colloqui(session, sc)
    consumed = budget_figures(session, sc.budget.id)["consumato"]
    erogazioni.deliver(session, p, riga, dt.date(2025, 3, 20), D(2), by=sc.operatore)
    assert budget_figures(session, sc.budget.id)["consumato"] == consumed + D("80.52")  # 66.00 + 22 %
    (draft,) = invoice_ops.generate_invoices(session, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    line = next(r for r in draft.righe if r.voce_listino.codice == "COL")
    assert (line.quantita, line.importo) == (D(2), D("66.00"))


def test_an_invoiced_delivery_cannot_be_removed(session, sc):
    p, v, riga = with_colloqui(session, sc)
    charge = erogazioni.deliver(session, p, riga, dt.date(2025, 3, 20), D(2), by=sc.operatore)
    invoice_ops.generate_invoices(session, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    with pytest.raises(DomainError, match="already invoiced"):
        erogazioni.delete_delivery(session, charge)


# --- Variations ------------------------------------------------------------------------------


def test_a_variation_increases_a_line_and_the_committed_amount_follows(session, sc):
    p, v, riga = with_colloqui(session, sc)
    before = v.importo_impegnato
    x = variazioni.vary_voucher(session, v, {riga.voce_listino: D(8)}, "più colloqui", sc.pal, dt.date(2025, 4, 1))
    assert riga.quantita == D(8)
    assert v.importo_impegnato == before + D("80.52") == x.impegnato_dopo
    assert (x.impegnato_prima, x.motivo, x.decisore) == (before, "più colloqui", sc.pal)
    assert [(r.voce_listino.codice, r.quantita_prima, r.quantita_dopo) for r in x.righe] == [("COL", 6, 8)]
    assert budget_figures(session, sc.budget.id)["impegnato"] == v.importo_impegnato


def test_a_variation_adds_a_line_and_reduces_another(session, sc):
    p, v, riga = with_colloqui(session, sc)
    corso = exempt_item(session, sc.programma, "SIC", "28.00")
    before = v.importo_impegnato
    x = variazioni.vary_voucher(session, v, {riga.voce_listino: D(4), corso: D(4)}, "piano rivisto", sc.pal,
                                dt.date(2025, 4, 1))
    assert {r.voce_listino.codice: r.quantita for r in v.righe}["SIC"] == D(4)
    # -2 x 33.00 x 1.22 + 4 x 28.00 (exempt) = -80.52 + 112.00
    assert v.importo_impegnato == before + D("31.48")
    assert len(x.righe) == 2 and session.scalar(select(VariazioneVoucher.id)) == x.id


def test_a_variation_beyond_the_remaining_budget_is_refused_with_the_figures(session, sc):
    p, v, riga = with_colloqui(session, sc)
    before = (riga.quantita, v.importo_impegnato)
    with pytest.raises(DomainError, match=r"Budget of .* not enough: the variation costs .* more, the remaining"):
        variazioni.vary_voucher(session, v, {riga.voce_listino: D(400)}, "troppo", sc.pal, dt.date(2025, 4, 1))
    assert (riga.quantita, v.importo_impegnato) == before
    assert session.scalar(select(VariazioneVoucher.id)) is None


def test_a_line_is_not_reduced_below_what_was_delivered(session, sc):
    p, v, riga = with_colloqui(session, sc)
    erogazioni.deliver(session, p, riga, dt.date(2025, 3, 20), D(3), by=sc.operatore)
    with pytest.raises(DomainError, match="cannot go below the 3 already delivered"):
        variazioni.vary_voucher(session, v, {riga.voce_listino: D(2)}, "meno", sc.pal, dt.date(2025, 4, 1))


@pytest.mark.parametrize("who,reason,day,message", [
    ("operatore", "x", dt.date(2025, 4, 1), "is for"),
    ("pal", " ", dt.date(2025, 4, 1), "needs a reason"),
    ("pal", "x", dt.date(2025, 3, 1), "cannot precede the approval"),
])
def test_a_variation_is_decided_by_the_pal_manager_with_a_reason(session, sc, who, reason, day, message):
    p, v, riga = with_colloqui(session, sc)
    user = sc.pal if who == "pal" else sc.operatore
    with pytest.raises(DomainError, match=message):
        variazioni.vary_voucher(session, v, {riga.voce_listino: D(7)}, reason, user, day)


def test_a_closed_path_cannot_be_varied(session, sc):
    p, v, riga = with_colloqui(session, sc)
    ops.conclude_without_hiring(session, p, dt.date(2025, 4, 30), "fine")
    with pytest.raises(DomainError):
        variazioni.vary_voucher(session, v, {riga.voce_listino: D(7)}, "x", sc.pal, dt.date(2025, 5, 2))


def test_tutoring_hours_follow_a_variation(session, sc):
    p = approved(session, sc)  # ten tutoring hours
    ops.activate(session, p, sc.postazione, START, dt.date(2025, 9, 17))
    v = erogazioni.approved_voucher(p)
    ora = next(r for r in v.righe if r.voce_listino.tipo == TipoVoce.ORA_AFFIANCAMENTO)
    variazioni.vary_voucher(session, v, {ora.voce_listino: D(12)}, "più tutoraggio", sc.pal, DECISION)
    record_hours(session, p, dt.date(2025, 3, 20), D(12), TipoOre.AFFIANCAMENTO)
    assert erogazioni.delivered(session, ora) == D(12)


# --- Through the case page -------------------------------------------------------------------


def test_the_case_page_records_deliveries_and_variations(app, client_for, world, ctx):
    with ctx():
        s = db.session
        sc = scene(s)
        sc.colloquio = add_item(s, sc.programma, "COL", "33.00")
        p, v, riga = with_colloqui(s, sc)
        ids = (p.id, riga.id, riga.voce_listino_id)
        s.commit()
    pid, riga_id, voce_id = ids
    operatore, pal = client_for("operatore"), client_for("pal")
    url = f"/admin/percorso/case/{pid}/"
    page = operatore.get(url).get_data(as_text=True)
    assert 'id="step-deliver"' in page and 'id="step-vary"' not in page
    r = operatore.post(url + "deliver/", data={"riga": riga_id, "data": "2025-03-20", "quantita": "2,5",
                                                "note": "colloquio"}, follow_redirects=True)
    assert "Delivery recorded" in r.get_data(as_text=True) or "Erogazione registrata" in r.get_data(as_text=True)
    assert pal.post(url + "deliver/", data={"riga": riga_id, "data": "2025-03-20", "quantita": "1"}).status_code == 403
    assert 'id="step-vary"' in pal.get(url).get_data(as_text=True)
    pal.post(url + "vary/", data={f"q-{voce_id}": "9", "data": "2025-04-01", "motivo": "piano ampliato"})
    assert operatore.post(url + "vary/", data={f"q-{voce_id}": "20", "data": "2025-04-01",
                                               "motivo": "x"}).status_code == 403
    with ctx():
        charge = db.session.scalar(select(Addebito).where(Addebito.riga_voucher_id == riga_id))
        assert charge.quantita == D("2.5") and charge.note == "colloquio"
        assert charge.operatore.email == "operatore@example.org"
        x = db.session.scalar(select(VariazioneVoucher))
        assert x.motivo == "piano ampliato" and x.righe[0].quantita_dopo == 9
    page = operatore.get(url).get_data(as_text=True)
    assert "piano ampliato" in page and 'id="deliveries"' in page
    # A delivery recorded by mistake is removed (uninvoiced), by who delivers only.
    with ctx():
        charge_id = db.session.scalar(select(Addebito.id).where(Addebito.riga_voucher_id == riga_id))
    assert f'id="remove-delivery-{charge_id}"' in page
    assert pal.post(url + f"delivery/{charge_id}/delete/").status_code == 403
    r = operatore.post(url + f"delivery/{charge_id}/delete/", follow_redirects=True)
    assert r.status_code == 200
    with ctx():
        assert db.session.get(Addebito, charge_id) is None


def test_an_issued_invoice_keeps_deliveries_off_a_second_draft(session, sc):
    p, v, riga = with_colloqui(session, sc)
    erogazioni.deliver(session, p, riga, dt.date(2025, 3, 20), D(2), by=sc.operatore)
    sc.comune.cap = "25065"
    (draft,) = invoice_ops.generate_invoices(session, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    invoice_ops.issue_invoice(session, draft, dt.date(2025, 4, 2), iban=f.IBAN)
    assert draft.stato is StatoFattura.EMESSA
    with pytest.raises(DomainError, match="Nothing to invoice"):
        invoice_ops.generate_invoices(session, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
