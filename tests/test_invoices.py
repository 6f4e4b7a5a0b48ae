"""Invoices (issue 4, item 4): generation, rounding, VAT, numbering, credit notes, payments, roles.

Expected amounts are written out by hand from the ZeroOttanta prices (DOMAIN.md, "Prices"):
activation EUR 200.00, tutoring hour EUR 21.00, VAT 22 %.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Addebito, Comune, DomainError, Fattura, Pagamento, Percorso, VoceListino, db
from models.base import StatoFattura, TipoDocumento, TipoVoce
from models.fatture import NumeratoreFattura
from models.operations import fatture as ops

from . import factories as f
from .paths import english

MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
ATT, ORA = TipoVoce.ATTIVAZIONE_TIROCINIO, TipoVoce.ORA_AFFIANCAMENTO


@pytest.fixture
def en(app):
    """A session in a request context whose messages are the English msgids."""
    with app.test_request_context():
        english()
        yield db.session
        db.session.rollback()


def _flashes(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>|\s+", " ", m)
                    for m in re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S))


def _comune(session, **kw):
    return f.make_comune(session, cap="25065", **kw)


def _paths(session, n=2, comune=None, programma=None):
    comune = comune or _comune(session)
    programma = programma or f.make_programma(session)
    return [f.make_percorso(session, f.make_persona(session, comune), comune, programma) for _ in range(n)]


def _draft(session, **kw):
    """One generated March draft: an activation and 10 tutoring hours."""
    (p,) = _paths(session, 1, **kw)
    f.make_charges(session, p, ATT, 1)
    f.make_charges(session, p, ORA, 10)
    (draft,) = ops.generate_invoices(session, *MARCH)
    return draft


def _issued(session, day=dt.date(2025, 4, 2), **kw):
    return ops.issue_invoice(session, _draft(session, **kw), day, iban=f.IBAN)


# -- generation -------------------------------------------------------------------------


def test_generation_makes_one_draft_per_comune_and_programme_with_a_line_per_item(en):
    p1, p2 = _paths(en)
    (other,) = _paths(en, 1)
    f.make_charges(en, p1, ATT, 1)
    f.make_charges(en, p2, ATT, 1, 1)
    f.make_charges(en, p1, ORA, 20, 10)
    f.make_charges(en, p2, ORA, "7.5")
    f.make_charges(en, other, ATT, 1)
    april = f.make_charges(en, p1, ATT, 1, day=dt.date(2025, 4, 1))[0]

    drafts = ops.generate_invoices(en, *MARCH)

    assert len(drafts) == 2
    mine = next(d for d in drafts if d.comune_id == p1.comune_id)
    lines = {r.voce_listino.tipo: r for r in mine.righe}
    assert (lines[ATT].quantita, lines[ATT].prezzo_unitario, lines[ATT].importo) == (
        Decimal("3"), Decimal("200.00"), Decimal("600.00"))
    assert (lines[ORA].quantita, lines[ORA].importo) == (Decimal("37.5"), Decimal("787.50"))
    assert lines[ORA].descrizione.endswith("marzo 2025")
    assert mine.stato == StatoFattura.BOZZA and mine.numero is None
    linked = en.scalars(select(Addebito.riga_fattura_id).where(Addebito.percorso_id.in_([p1.id, p2.id]))).all()
    assert linked.count(None) == 1 and april.riga_fattura_id is None  # only April's stays out


def test_each_line_is_rounded_half_up_to_the_cent(en):
    (p,) = _paths(en, 1)
    voce = VoceListino(programma=p.programma, codice="X", descrizione="Colloquio", tipo=TipoVoce.ALTRO,
                       unita="ora", prezzo_unitario=Decimal("10.10"), aliquota_iva=Decimal("22"),
                       valido_dal=dt.date(2025, 1, 1))
    en.add(voce)
    f.make_addebito(en, p, voce, data=dt.date(2025, 3, 3), quantita=Decimal("0.25"))

    (draft,) = ops.generate_invoices(en, *MARCH)

    assert draft.righe[0].importo == Decimal("2.53")  # 2.525: half-even would give 2.52


def test_vat_is_computed_per_rate_on_the_taxable_total(en):
    (p,) = _paths(en, 1)
    for code, rate in (("X", "22"), ("Y", "22"), ("Z", "10")):
        voce = VoceListino(programma=p.programma, codice=code, descrizione=f"Voce {code}", tipo=TipoVoce.ALTRO,
                           unita="ora", prezzo_unitario=Decimal("10.10"), aliquota_iva=Decimal(rate),
                           valido_dal=dt.date(2025, 1, 1))
        en.add(voce)
        f.make_addebito(en, p, voce, data=dt.date(2025, 3, 3), quantita=Decimal("0.25"))
    (draft,) = ops.generate_invoices(en, *MARCH)

    ops.issue_invoice(en, draft, dt.date(2025, 4, 1), iban=f.IBAN)

    # 22 %: 2.53 + 2.53 = 5.06 -> 1.1132 -> 1.11 (per line it would be 0.56 + 0.56 = 1.12)
    # 10 %: 2.53 -> 0.253 -> 0.25
    assert draft.imponibile == Decimal("7.59")
    assert draft.iva == Decimal("1.36")


def test_split_payment_follows_the_comune_and_is_on_by_default(en):
    default = _comune(en)
    private = _comune(en, split_payment=False)
    for comune in (default, private):
        (p,) = _paths(en, 1, comune=comune)
        f.make_charges(en, p, ATT, 1)

    drafts = {d.comune_id: d for d in ops.generate_invoices(en, *MARCH)}

    assert default.split_payment is True
    assert drafts[default.id].split_payment is True
    assert drafts[private.id].split_payment is False


def test_cig_and_cup_come_from_the_budget_else_from_the_programme(en):
    programma = f.make_programma(en, cig="PROGCIG001", cup="J11B25000000001")
    with_budget, without = _comune(en), _comune(en)
    f.make_budget(en, programma, with_budget, cig="BUDGCIG001", cup="J11B25000000002")
    for comune in (with_budget, without):
        (p,) = _paths(en, 1, comune=comune, programma=programma)
        f.make_charges(en, p, ATT, 1)

    drafts = {d.comune_id: d for d in ops.generate_invoices(en, *MARCH)}

    assert (drafts[with_budget.id].cig, drafts[with_budget.id].cup) == ("BUDGCIG001", "J11B25000000002")
    assert (drafts[without.id].cig, drafts[without.id].cup) == ("PROGCIG001", "J11B25000000001")


def test_nothing_to_invoice_is_refused(en):
    (p,) = _paths(en, 1)
    f.make_charges(en, p, ATT, 1, day=dt.date(2025, 5, 2))

    with pytest.raises(DomainError, match="Nothing to invoice: no uninvoiced charges from 01/03/2025 to 31/03/2025"):
        ops.generate_invoices(en, *MARCH)


# -- issue ------------------------------------------------------------------------------------


def test_issue_numbers_are_1_2_3_in_a_year_and_restart_the_next_year(en):
    comune, programma = _comune(en), f.make_programma(en)
    drafts = [_draft(en, comune=comune, programma=programma) for _ in range(4)]

    numbers = [ops.issue_invoice(en, d, dt.date(2025, 4, 1 + i), iban=f.IBAN).numero for i, d in enumerate(drafts[:3])]
    next_year = ops.issue_invoice(en, drafts[3], dt.date(2026, 1, 2), iban=f.IBAN)

    assert numbers == [1, 2, 3]
    assert (next_year.anno, next_year.numero) == (2026, 1)
    assert str(drafts[2]) == "3/2025"
    assert en.get(NumeratoreFattura, 2025).ultimo_numero == 3


def test_issue_freezes_the_totals_of_the_lines(en):
    f_ = _issued(en)

    assert (f_.imponibile, f_.iva, f_.totale) == (Decimal("410.00"), Decimal("90.20"), Decimal("500.20"))
    assert (f_.stato, f_.data) == (StatoFattura.EMESSA, dt.date(2025, 4, 2))


def test_issuing_a_non_draft_is_refused(en):
    f_ = _issued(en)

    with pytest.raises(DomainError, match="Only a draft can be issued: 1/2025 is issued"):
        ops.issue_invoice(en, f_, dt.date(2025, 4, 3), iban=f.IBAN)


def test_issue_dates_follow_the_numbers_and_a_refusal_leaves_no_gap(en):
    comune, programma = _comune(en), f.make_programma(en)
    first, second, third = (_draft(en, comune=comune, programma=programma) for _ in range(3))
    ops.issue_invoice(en, first, dt.date(2025, 4, 10), iban=f.IBAN)

    with pytest.raises(DomainError, match="cannot precede that of invoice 1/2025"):
        ops.issue_invoice(en, second, dt.date(2025, 4, 5), iban=f.IBAN)
    assert ops.issue_invoice(en, third, dt.date(2025, 4, 10), iban=f.IBAN).numero == 2


def test_issue_needs_the_comune_e_invoicing_data(en):
    draft = _draft(en, comune=f.make_comune(en, codice_ipa=None))

    with pytest.raises(DomainError, match="lacks data needed for e-invoicing: IPA office code, CAP"):
        ops.issue_invoice(en, draft, dt.date(2025, 4, 2), iban=f.IBAN)


def test_an_issued_invoice_cannot_be_edited_or_deleted(app, client_for, ctx):
    with ctx():
        f_ = _issued(db.session)
        db.session.commit()
        fid, form = f_.id, {"comune": f_.comune_id, "programma": f_.programma_id, "periodo_dal": "2025-03-01",
                            "periodo_al": "2025-03-31", "split_payment": "y", "cig": "CHANGED001"}
    client = client_for("amministrazione")
    client.get("/lingua/en")

    edit = client.post(f"/admin/fattura/edit/?id={fid}", data=form, follow_redirects=True)
    delete = client.post("/admin/fattura/delete/", data={"id": fid}, follow_redirects=True)

    assert "An issued invoice cannot be changed; issue a credit note." in _flashes(edit.get_data(as_text=True))
    assert "An issued invoice cannot be deleted; issue a credit note." in _flashes(delete.get_data(as_text=True))
    with ctx():
        f_ = db.session.get(Fattura, fid)
        assert f_.cig is None and f_.stato == StatoFattura.EMESSA


def test_an_issued_invoice_is_refused_by_the_operation_not_only_the_form(en):
    draft = _draft(en)
    ops.require_draft(draft)  # a draft may change

    issued = ops.issue_invoice(en, draft, dt.date(2025, 4, 2), iban=f.IBAN)

    with pytest.raises(DomainError, match="An issued invoice cannot be changed; issue a credit note."):
        ops.require_draft(issued)


def test_deleting_a_draft_frees_its_charges(app, client_for, ctx):
    with ctx():
        fid = _draft(db.session).id
        db.session.commit()

    client_for("amministrazione").post("/admin/fattura/delete/", data={"id": fid})

    with ctx():
        assert db.session.get(Fattura, fid) is None
        assert db.session.scalars(select(Addebito.riga_fattura_id)).all() == [None, None]


# -- credit notes -------------------------------------------------------------------------


def test_a_credit_note_reverses_the_invoice_frees_its_charges_and_they_are_invoiced_again(en):
    original = _issued(en)

    nota = ops.credit_invoice(en, original, dt.date(2025, 4, 20))

    assert (nota.tipo_documento, nota.fattura_stornata_id, nota.numero) == (TipoDocumento.TD04, original.id, 2)
    assert (nota.imponibile, nota.iva) == (Decimal("410.00"), Decimal("90.20"))  # positive, as FatturaPA wants
    assert [(r.descrizione, r.quantita) for r in nota.righe] == [(r.descrizione, r.quantita) for r in original.righe]
    assert original.stato == StatoFattura.STORNATA
    assert en.scalars(select(Addebito.riga_fattura_id)).all() == [None, None]
    (again,) = ops.generate_invoices(en, *MARCH)
    assert again.id not in (original.id, nota.id) and sum(r.importo for r in again.righe) == Decimal("410.00")


def test_crediting_a_draft_is_refused(en):
    with pytest.raises(DomainError, match="A draft is not credited: edit or delete it."):
        ops.credit_invoice(en, _draft(en), dt.date(2025, 4, 2))


# -- payments ---------------------------------------------------------------------------


def test_payments_reaching_the_amount_due_make_the_invoice_paid(en):
    f_ = _issued(en)  # split payment: the Comune owes the agency the taxable, 410.00

    ops.record_payment(en, f_, dt.date(2025, 5, 2), Decimal("400.00"), "mandato 1")
    assert f_.stato == StatoFattura.EMESSA
    with pytest.raises(DomainError, match="exceeds the amount still due"):
        ops.record_payment(en, f_, dt.date(2025, 5, 3), Decimal("90.20"))
    ops.record_payment(en, f_, dt.date(2025, 5, 3), Decimal("10.00"))

    assert f_.stato == StatoFattura.PAGATA
    assert en.scalars(select(Pagamento.importo).order_by(Pagamento.id)).all() == [Decimal("400.00"), Decimal("10.00")]


def test_a_recorded_payment_cannot_move_to_another_invoice(en):
    first = _issued(en)
    second = _issued(en)
    payment = ops.record_payment(en, first, dt.date(2025, 5, 2), Decimal("100.00"))

    payment.fattura = second
    with pytest.raises(DomainError, match="A payment cannot be moved to another invoice."):
        ops.apply_payment(en, payment)
    assert first.stato == second.stato == StatoFattura.EMESSA


# -- the console: roles, confirmation, per-path detail ------------------------------------------


def _charges_in_march(ctx):
    """The world's two paths (two Comuni) get an activation and 12.5 tutoring hours in March."""
    with ctx():
        for p in db.session.scalars(select(Percorso)):
            f.make_charges(db.session, p, ATT, 1)
            f.make_charges(db.session, p, ORA, "12.5")
        for c in db.session.scalars(select(Comune)):
            c.cap = "25065"
        db.session.commit()


def test_amministrazione_generates_after_a_preview_and_confirmation(app, client_for, ctx):
    _charges_in_march(ctx)
    client = client_for("amministrazione")
    client.get("/lingua/en")
    period = {"dal": "2025-03-01", "al": "2025-03-31"}

    preview = client.post("/admin/fattura/generate/", data=period)
    with ctx():
        assert db.session.scalars(select(Fattura)).all() == []  # the preview writes nothing
    done = client.post("/admin/fattura/generate/", data={**period, "confirm": "1"}, follow_redirects=True)

    assert "Confirm: generate 2 drafts" in preview.get_data(as_text=True)
    assert "2 draft invoices generated." in _flashes(done.get_data(as_text=True))
    with ctx():
        assert len(db.session.scalars(select(Fattura)).all()) == 2


def test_generating_with_nothing_to_invoice_says_so(app, client_for):
    client = client_for("amministrazione")
    client.get("/lingua/en")

    r = client.post("/admin/fattura/generate/", data={"dal": "2025-03-01", "al": "2025-03-31"})

    assert "Nothing to invoice" in _flashes(r.get_data(as_text=True))


def test_the_invoice_page_shows_each_line_with_its_paths(app, client_for, ctx, world):
    _charges_in_march(ctx)
    with ctx():
        drafts = ops.generate_invoices(db.session, *MARCH)
        fid = next(d.id for d in drafts if d.comune_id == world.comune)
        db.session.commit()

    html = client_for("pal").get(f"/admin/fattura/invoice/{fid}/").get_data(as_text=True)

    assert "internship activation marzo 2025: 1 x 200,00" in html and "tutoring hour marzo 2025: 12,5 x 21,00" in html
    # Each path named as people name it, linking to its case page (never "#<id>").
    assert f'/admin/percorso/case/{world.percorso}/">Bianchi Mario · tirocinio · Lumezzane</a>' in html
    assert "10/03/2025 (12,5)" in html


def test_amministrazione_issues_and_credits_from_the_list_actions(app, client_for, ctx):
    with ctx():
        fid = _draft(db.session).id
        db.session.commit()
    client = client_for("amministrazione")

    client.post("/admin/fattura/action/", data={"action": "issue", "rowid": [str(fid)]})
    with ctx():
        assert db.session.get(Fattura, fid).numero == 1
    client.post("/admin/fattura/action/", data={"action": "credit", "rowid": [str(fid)]})
    with ctx():
        assert db.session.get(Fattura, fid).stato == StatoFattura.STORNATA


def test_the_list_offers_generation_to_accountants_only(app, client_for):
    accountant = client_for("amministrazione").get("/admin/fattura/").get_data(as_text=True)
    reader = client_for("pal").get("/admin/fattura/").get_data(as_text=True)

    assert "/admin/fattura/generate/" in accountant and "/admin/fattura/generate/" not in reader
    assert "/admin/fattura/fatturapa/" in reader  # everyone who reads invoices downloads their XML


def test_an_issued_invoice_page_offers_payment_and_credit_to_accountants_only(app, client_for, ctx):
    with ctx():
        fid = _issued(db.session).id
        db.session.commit()

    accountant = client_for("amministrazione").get(f"/admin/fattura/invoice/{fid}/").get_data(as_text=True)
    reader = client_for("pal").get(f"/admin/fattura/invoice/{fid}/").get_data(as_text=True)

    for step in ("payment", "credit"):
        assert f"/admin/fattura/invoice/{fid}/{step}/" in accountant
        assert f"/admin/fattura/invoice/{fid}/{step}/" not in reader
    assert 'value="410,00"' in accountant  # the amount due under split payment, ready to record


@pytest.mark.parametrize("role", ["pal", "admin"])
def test_readers_cannot_generate_issue_credit_or_record_payments(app, client_for, ctx, role):
    with ctx():
        fid = _draft(db.session).id
        db.session.commit()
    client = client_for(role)

    assert client.get(f"/admin/fattura/invoice/{fid}/").status_code == 200  # they read
    assert client.post("/admin/fattura/generate/", data={"confirm": "1"}).status_code == 403
    assert client.post(f"/admin/fattura/invoice/{fid}/issue/", data={"data": "2025-04-02"}).status_code == 403
    assert client.post(f"/admin/fattura/invoice/{fid}/payment/", data={"data": "2025-04-02"}).status_code == 403
    client.post("/admin/fattura/action/", data={"action": "issue", "rowid": [str(fid)]})  # silently ignored
    with ctx():
        assert db.session.get(Fattura, fid).stato == StatoFattura.BOZZA
        assert len(db.session.scalars(select(Fattura)).all()) == 1


def test_operatore_cannot_open_invoices(app, client_for, ctx):
    with ctx():
        fid = _draft(db.session).id
        db.session.commit()
    client = client_for("operatore")

    assert client.get(f"/admin/fattura/invoice/{fid}/").status_code == 403
    assert client.post("/admin/fattura/generate/", data={"confirm": "1"}).status_code == 403
    assert client.post(f"/admin/fattura/invoice/{fid}/issue/", data={"data": "2025-04-02"}).status_code == 403


def test_amministrazione_records_a_payment_on_the_invoice_page(app, client_for, ctx):
    with ctx():
        fid = _issued(db.session).id
        db.session.commit()
    client = client_for("amministrazione")

    client.post(f"/admin/fattura/invoice/{fid}/payment/",
                data={"data": "2025-05-02", "importo": "410,00", "riferimento": "mandato 7"})

    with ctx():
        assert db.session.get(Fattura, fid).stato == StatoFattura.PAGATA


# -- concurrency (PostgreSQL) ---------------------------------------------------------------

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
ISSUERS = 4


def _issue_in_own_session(app, engine, fid, barrier, results):
    """One accountant's request: its own session and transaction, holding the lock a moment."""
    with app.test_request_context():
        with Session(bind=engine) as session:
            try:
                draft = session.get(Fattura, fid)
                loaded = ([r.importo for r in draft.righe], draft.comune.nome)
                assert loaded  # everything loaded: the race starts at the locks
                barrier.wait()
                ops.issue_invoice(session, draft, dt.date(2025, 4, 2), iban=f.IBAN)
                time.sleep(0.2)
                session.commit()
                results[fid] = draft.numero
            except Exception as exc:  # reported by the test, not lost in the thread
                session.rollback()
                results[fid] = exc


@pytest.mark.skipif(not ON_POSTGRES, reason="row locks (SELECT ... FOR UPDATE) and concurrent writers need "
                    "PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://...; SQLite serialises writers")
def test_accountants_issuing_at_once_get_consecutive_numbers(standalone_app):
    app = standalone_app
    with app.app_context():
        comune, programma = _comune(db.session), f.make_programma(db.session)
        ids = [_draft(db.session, comune=comune, programma=programma).id for _ in range(ISSUERS)]
        db.session.commit()
        engine = db.engine
    barrier = threading.Barrier(ISSUERS, timeout=30)
    results: dict = {}
    threads = [threading.Thread(target=_issue_in_own_session, args=(app, engine, fid, barrier, results))
               for fid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert all(isinstance(n, int) for n in results.values()), results  # without the lock: IntegrityError
    assert sorted(results.values()) == list(range(1, ISSUERS + 1)), results
    with app.app_context():
        assert db.session.get(NumeratoreFattura, 2025).ultimo_numero == ISSUERS
