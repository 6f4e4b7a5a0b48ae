"""Every page leads somewhere (issue 10, item 4): invoice list -> invoice page, drafts with their
totals, the voucher list with gross totals and the PAL manager's decisions, the case page's
prefilled voucher, interview notes and diary entries, and nothing shown to a role that cannot
use it. Plus the names that replace internal ids (item 5)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import select

from models import Diario, Fattura, Percorso, Voucher, clock, db
from models.base import StatoPercorso, StatoVoucher, TipoEvento

from . import factories as f
from .test_workflow_views import _flashes, _path_in, _proposed_voucher, _state

S = StatoPercorso


def _budget(ctx, world, amount="10000.00"):
    with ctx():
        comune, prog = db.session.get(f.Comune, world.comune), db.session.get(f.Programma, world.programma)
        f.make_budget(db.session, prog, comune, importo_iniziale=Decimal(amount),
                      data_fine=dt.date(clock.today().year + 1, 12, 31))
        db.session.commit()


def _draft(ctx, world) -> int:
    """A draft invoice with one line: 1 x 200,00 at 22 % (taxable 200,00, VAT 44,00)."""
    with ctx():
        d = f.make_fattura(db.session, db.session.get(f.Comune, world.comune),
                           db.session.get(f.Programma, world.programma))
        f.make_riga_fattura(db.session, d)
        db.session.commit()
        return d.id


def _cells(html: str, column: str) -> list[str]:
    found = re.findall(rf'<td class="col-{re.escape(column)}">(.*?)</td>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).replace("\xa0", " ").split()) for c in found]


# -- invoices ---------------------------------------------------------------------------------


def test_the_invoice_list_links_each_invoice_to_its_page(client_for, world, ctx):
    fid = _draft(ctx, world)
    html = client_for("amministrazione").get("/admin/fattura/").get_data(as_text=True)
    # A visible text link in the number column ("bozza" until issued) and a row icon that
    # exists in the theme's Font Awesome 4.7 (fa-file-invoice is 5.x only: zero width).
    assert re.search(rf'<a href="/admin/fattura/invoice/{fid}/" class="invoice-page">bozza</a>', html)
    assert "fa-file-text-o" in html and "fa-file-invoice" not in html
    assert client_for("amministrazione").get(f"/admin/fattura/invoice/{fid}/").status_code == 200


def test_a_draft_shows_taxable_vat_and_total_in_the_list_and_details(client_for, world, ctx):
    fid = _draft(ctx, world)
    client = client_for("amministrazione")
    html = client.get("/admin/fattura/").get_data(as_text=True)
    assert (_cells(html, "imponibile"), _cells(html, "iva"), _cells(html, "totale")) == (
        ["200,00 €"], ["44,00 €"], ["244,00 €"])
    details = client.get(f"/admin/fattura/details/?id={fid}").get_data(as_text=True).replace("\xa0", " ")
    assert "200,00 €" in details and "44,00 €" in details and "244,00 €" in details


def test_a_draft_is_named_bozza_not_by_its_id(session, world):
    draft = session.scalar(select(Fattura)) or f.make_fattura(
        session, session.get(f.Comune, world.comune), session.get(f.Programma, world.programma))
    assert str(draft) == "bozza per Lumezzane, 01/01/2025–31/03/2025"
    assert str(draft.id) not in str(draft).split(",")[0]


def test_edit_and_delete_are_offered_on_drafts_only(client_for, world, ctx):
    _draft(ctx, world)
    with ctx():
        f.make_fattura_emessa(db.session, db.session.get(f.Comune, world.comune),
                              db.session.get(f.Programma, world.programma))
        db.session.commit()
    html = client_for("amministrazione").get("/admin/fattura/").get_data(as_text=True)
    assert html.count("/admin/fattura/edit/?id=") == 1
    assert html.count('action="/admin/fattura/delete/"') == 1


# -- vouchers ---------------------------------------------------------------------------------


def test_the_voucher_list_shows_the_gross_total_and_links_to_the_case_page(client_for, world, ctx):
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    _proposed_voucher(ctx, world)
    html = client_for("pal").get("/admin/voucher/").get_data(as_text=True)
    # 1 activation (200,00) + 10 tutoring hours (210,00) + 22 % VAT = 500,20 gross.
    assert _cells(html, "lordo") == ["500,20 €"] and _cells(html, "imponibile") == ["410,00 €"]
    assert _cells(html, "stato") == ["proposto"]
    assert f'href="/admin/percorso/case/{world.percorso}/"' in html


def test_the_pal_manager_approves_from_the_voucher_list(client_for, world, ctx):
    _budget(ctx, world)
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world)
    r = client_for("pal").post("/admin/voucher/action/", data={"action": "approve", "rowid": [str(vid)]},
                               follow_redirects=True)
    assert "1 voucher approvato." in _flashes(r.get_data(as_text=True))
    assert _state(ctx, world.percorso) == S.VOUCHER_APPROVATO
    with ctx():
        v = db.session.get(Voucher, vid)
        assert v.stato == StatoVoucher.APPROVATO and v.data_decisione == clock.today()


def test_approval_from_the_list_still_checks_the_budget(client_for, world, ctx):
    _budget(ctx, world, "300.00")
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world)
    r = client_for("pal").post("/admin/voucher/action/", data={"action": "approve", "rowid": [str(vid)]},
                               follow_redirects=True)
    flashes = _flashes(r.get_data(as_text=True))
    assert "500,20" in flashes and "300,00" in flashes
    assert _state(ctx, world.percorso) == S.VOUCHER_PROPOSTO


def test_only_the_pal_manager_sees_and_takes_the_decisions(client_for, world, ctx):
    _budget(ctx, world)
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world)
    assert f"/admin/voucher/decide/?id={vid}" in client_for("pal").get("/admin/voucher/").get_data(as_text=True)
    for role in ("operatore", "amministrazione", "admin"):
        client = client_for(role)
        html = client.get("/admin/voucher/").get_data(as_text=True)
        assert "/admin/voucher/decide/" not in html and 'value="approve"' not in html, role
        assert client.get(f"/admin/voucher/decide/?id={vid}").status_code == 403, role
        client.post("/admin/voucher/action/", data={"action": "approve", "rowid": [str(vid)]})
    assert _state(ctx, world.percorso) == S.VOUCHER_PROPOSTO


def test_the_decision_page_shows_gross_total_and_remaining_budget(client_for, world, ctx):
    _budget(ctx, world)
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world)
    html = client_for("pal").get(f"/admin/voucher/decide/?id={vid}").get_data(as_text=True)
    gross = re.search(r'class="voucher-gross">(.*?)<', html).group(1).replace("\xa0", " ")
    remaining = re.search(r'class="text-right voucher-remaining">(.*?)<', html).group(1).replace("\xa0", " ")
    assert (gross, remaining) == ("500,20 €", "10.000,00 €")


def test_rejecting_needs_a_reason_and_sends_the_path_back_to_evaluation(client_for, world, ctx):
    _budget(ctx, world)
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world)
    pal = client_for("pal")
    r = pal.post("/admin/voucher/action/", data={"action": "reject", "rowid": [str(vid)]})
    assert r.status_code == 302 and f"/admin/voucher/decide/?id={vid}" in r.headers["Location"]
    today = clock.today().isoformat()
    r = pal.post("/admin/voucher/decide/", data={"id": str(vid), "decision": "reject", "data": today, "motivo": " "},
                 follow_redirects=True)
    assert "richiede una motivazione" in _flashes(r.get_data(as_text=True))
    assert _state(ctx, world.percorso) == S.VOUCHER_PROPOSTO
    pal.post("/admin/voucher/decide/", data={"id": str(vid), "decision": "reject", "data": today,
                                              "motivo": "Obiettivi da ridefinire"})
    assert _state(ctx, world.percorso) == S.IN_VALUTAZIONE
    with ctx():
        assert db.session.get(Voucher, vid).motivo_rifiuto == "Obiettivi da ridefinire"


def test_a_decided_voucher_offers_no_edit_or_delete(client_for, world, ctx):
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world)
    assert f"/admin/voucher/edit/?id={vid}" in client_for("operatore").get("/admin/voucher/").get_data(as_text=True)
    with ctx():
        v = db.session.get(Voucher, vid)
        v.stato, v.data_decisione, v.motivo_rifiuto = StatoVoucher.RESPINTO, dt.date(2025, 3, 12), "no"
        v.decisore_id = world.users["pal"].id
        db.session.commit()
    html = client_for("operatore").get("/admin/voucher/").get_data(as_text=True)
    assert f"/admin/voucher/edit/?id={vid}" not in html


def test_propose_a_voucher_opens_prefilled_with_the_path_and_today(client_for, world, ctx):
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    case = client_for("operatore").get(f"/admin/percorso/case/{world.percorso}/").get_data(as_text=True)
    link = re.search(r'id="propose-voucher" href="([^"]+)"', case).group(1).replace("&amp;", "&")
    assert f"percorso={world.percorso}" in link
    form = client_for("operatore").get(link).get_data(as_text=True)
    picker = re.search(r'<input[^>]*id="percorso"[^>]*>', form).group(0)
    assert f'value="{world.percorso}"' in picker and "Bianchi Mario" in picker
    date_input = re.search(r'<input[^>]*id="data_proposta"[^>]*>', form).group(0)
    today = clock.today()
    assert today.isoformat() in date_input or today.strftime("%d/%m/%Y") in date_input


# -- case page: interview notes, diary, what each role sees ------------------------------------


def test_first_interview_notes_are_written_to_the_diary(client_for, world, ctx):
    _path_in(ctx, world, S.PRESO_IN_CARICO)
    client_for("operatore").post(f"/admin/percorso/case/{world.percorso}/interview/",
                                 data={"data": "2025-03-07", "note": "Motivata, cerca lavoro in magazzino."})
    assert _state(ctx, world.percorso) == S.IN_VALUTAZIONE
    with ctx():
        (entry,) = db.session.scalars(select(Diario).where(Diario.percorso_id == world.percorso)).all()
        assert (entry.tipo, entry.data, entry.descrizione, entry.autore_id) == (
            TipoEvento.COLLOQUIO, dt.date(2025, 3, 7), "Motivata, cerca lavoro in magazzino.",
            world.users["operatore"].id)


def test_a_diary_entry_is_added_from_the_case_page(client_for, world, ctx):
    url = f"/admin/percorso/case/{world.percorso}/diary/"
    client = client_for("operatore")
    html = client.get(f"/admin/percorso/case/{world.percorso}/").get_data(as_text=True)
    assert 'id="add-diary"' in html
    r = client.post(url, data={"data": "2025-03-20", "tipo": "VISITA_AZIENDALE", "descrizione": "Visita in azienda"},
                    follow_redirects=True)
    assert "Evento aggiunto al diario." in _flashes(r.get_data(as_text=True))
    future = (clock.today() + dt.timedelta(days=1)).isoformat()
    for bad in ({"data": future, "tipo": "ALTRO", "descrizione": "x"},
                {"data": "2025-03-20", "tipo": "ALTRO", "descrizione": "  "},
                {"data": "2025-02-01", "tipo": "ALTRO", "descrizione": "before the referral"},
                {"data": "2025-03-20", "tipo": "NOPE", "descrizione": "x"}):
        client.post(url, data=bad)
    with ctx():
        entries = db.session.scalars(select(Diario).where(Diario.percorso_id == world.percorso)).all()
        assert [(e.tipo, e.descrizione) for e in entries] == [(TipoEvento.VISITA_AZIENDALE, "Visita in azienda")]


def test_roles_that_only_read_the_diary_get_no_form_and_403(client_for, world):
    for role in ("pal", "servizio_sociale"):
        client = client_for(role)
        assert 'id="add-diary"' not in client.get(f"/admin/percorso/case/{world.percorso}/").get_data(as_text=True)
        r = client.post(f"/admin/percorso/case/{world.percorso}/diary/",
                        data={"data": "2025-03-20", "tipo": "ALTRO", "descrizione": "x"})
        assert r.status_code == 403, role


def test_a_social_workers_case_page_shows_only_what_the_role_table_allows(client_for, world, ctx):
    _path_in(ctx, world, S.ATTIVO, data_avvio=dt.date(2025, 3, 17),
             postazione_id=_position(ctx, world))
    _proposed_voucher(ctx, world)
    social = client_for("servizio_sociale")
    html = social.get(f"/admin/percorso/case/{world.percorso}/").get_data(as_text=True)
    for hidden in ('id="vouchers"', 'id="hours"', 'id="charges"', "/admin/voucher/", "/admin/ore/",
                   "/admin/addebito/", "500,20"):
        assert hidden not in html, hidden
    assert 'id="diary"' in html
    operatore = client_for("operatore").get(f"/admin/percorso/case/{world.percorso}/").get_data(as_text=True)
    assert 'id="vouchers"' in operatore and 'id="hours"' in operatore and 'id="charges"' in operatore


def _position(ctx, world) -> int:
    with ctx():
        post = f.make_postazione(db.session, db.session.get(f.EnteOspitante, world.ente))
        db.session.commit()
        return post.id


def test_no_link_on_the_case_page_leads_to_a_refusal(client_for, world, ctx):
    """Every link a role is shown on the case page opens for that role (never a 403)."""
    _path_in(ctx, world, S.ATTIVO, data_avvio=dt.date(2025, 3, 17), postazione_id=_position(ctx, world))
    for role in ("operatore", "pal", "amministrazione", "servizio_sociale", "admin"):
        client = client_for(role)
        html = client.get(f"/admin/percorso/case/{world.percorso}/").get_data(as_text=True)
        targets = {u.replace("&amp;", "&") for u in re.findall(r'href="(/admin/[^"#]+)"', html)
                   if "/static/" not in u}
        refused = []
        for url in sorted(targets):
            with client.get(url) as r:
                if r.status_code == 403:
                    refused.append(url)
        assert targets and refused == [], role


# -- names instead of ids ---------------------------------------------------------------------


def test_a_path_is_named_by_person_type_and_comune(session, world):
    p = session.get(Percorso, world.percorso)
    assert str(p) == "Bianchi Mario · tirocinio · Lumezzane"
    assert "#" not in str(p)
