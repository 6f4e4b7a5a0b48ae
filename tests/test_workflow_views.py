"""The workflow in the console: case page, steps per role, bulk actions, month grid, deadlines."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import func, select

from models import (
    Addebito,
    Budget,
    Comune,
    Ore,
    Percorso,
    Postazione,
    RigaVoucher,
    VoceListino,
    Voucher,
    db,
)
from models.base import StatoPercorso, StatoVoucher, TipoOre, TipoVoce

from . import factories as f

S = StatoPercorso


def _flashes(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>|\s+", " ", m) for m in re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S))


def _path_in(ctx, world, state, **kw):
    """Move the world's path to ``state`` with consistent dates (test set-up, not the UI)."""
    with ctx():
        p = db.session.get(Percorso, world.percorso)
        p.stato = state
        p.data_presa_in_carico = p.data_primo_colloquio = dt.date(2025, 3, 5)
        for key, value in kw.items():
            setattr(p, key, value)
        db.session.commit()


def _proposed_voucher(ctx, world, hours="10"):
    with ctx():
        p = db.session.get(Percorso, world.percorso)
        voci = {v.tipo: v for v in db.session.scalars(select(VoceListino))}
        v = Voucher(percorso=p, data_proposta=dt.date(2025, 3, 10), stato=StatoVoucher.PROPOSTO, righe=[
            RigaVoucher(voce_listino=voci[TipoVoce.ATTIVAZIONE_TIROCINIO], quantita=Decimal(1)),
            RigaVoucher(voce_listino=voci[TipoVoce.ORA_AFFIANCAMENTO], quantita=Decimal(hours)),
        ])
        db.session.add(v)
        p.stato = S.VOUCHER_PROPOSTO
        db.session.commit()
        return v.id


def _state(ctx, pid):
    with ctx():
        return db.session.get(Percorso, pid).stato


def test_case_page_shows_only_the_steps_the_role_may_take(client_for, world):
    url = f"/admin/percorso/case/{world.percorso}/"
    html = client_for("operatore").get(url).get_data(as_text=True)
    assert 'id="step-take_in_charge"' in html and 'id="step-approve"' not in html
    html = client_for("pal").get(url).get_data(as_text=True)
    assert 'id="step-take_in_charge"' not in html
    html = client_for("servizio_sociale").get(url).get_data(as_text=True)
    assert "Bianchi" in html and 'id="step-' not in html
    assert client_for("servizio_sociale").get(f"/admin/percorso/case/{world.altro_percorso}/").status_code == 404
    assert client_for("amministrazione").get(url).status_code == 200


def test_case_page_asks_the_step_rule_for_extension_and_voucher_proposal(client_for, world, ctx):
    url = f"/admin/percorso/case/{world.percorso}/"
    assert 'id="step-extension"' not in client_for("operatore").get(url).get_data(as_text=True)
    _path_in(ctx, world, S.SEGNALATO, segnalazione_di_gruppo=True)
    assert 'id="step-extension"' in client_for("pal").get(url).get_data(as_text=True)
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    proposal = "/admin/voucher/new/"
    assert proposal in client_for("operatore").get(url).get_data(as_text=True)
    for role in ("pal", "servizio_sociale"):  # they cannot propose: no link to a 403
        assert proposal not in client_for(role).get(url).get_data(as_text=True)


def test_steps_are_refused_to_roles_without_the_right(client_for, world, ctx):
    url = f"/admin/percorso/case/{world.percorso}/take_in_charge/"
    assert client_for("pal").post(url, data={"data": "2025-03-04"}).status_code == 403
    assert client_for("servizio_sociale").post(url, data={"data": "2025-03-04"}).status_code == 403
    assert _state(ctx, world.percorso) == S.SEGNALATO
    r = client_for("operatore").post(url, data={"data": "2025-03-04"}, follow_redirects=True)
    assert r.status_code == 200
    assert _state(ctx, world.percorso) == S.PRESO_IN_CARICO


def test_a_refused_step_says_why_and_changes_nothing(client_for, world, ctx):
    url = f"/admin/percorso/case/{world.percorso}/take_in_charge/"
    r = client_for("operatore").post(url, data={"data": "2025-02-01"}, follow_redirects=True)
    assert "01/03/2025" in _flashes(r.get_data(as_text=True))  # cannot precede the referral
    assert _state(ctx, world.percorso) == S.SEGNALATO
    r = client_for("operatore").post(url, data={"data": "not a date"}, follow_redirects=True)
    assert r.status_code == 200 and _state(ctx, world.percorso) == S.SEGNALATO


def test_only_pal_approves_and_approval_checks_the_budget(client_for, world, ctx):
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    _proposed_voucher(ctx, world)
    url = f"/admin/percorso/case/{world.percorso}/approve/"
    assert client_for("operatore").post(url, data={"data": "2025-03-12"}).status_code == 403
    r = client_for("pal").post(url, data={"data": "2025-03-12"}, follow_redirects=True)
    assert "budget" in _flashes(r.get_data(as_text=True)).lower()  # no budget yet
    assert _state(ctx, world.percorso) == S.VOUCHER_PROPOSTO
    with ctx():
        f.make_budget(db.session, db.session.get(f.Programma, world.programma),
                      db.session.get(f.Comune, world.comune), importo_iniziale=Decimal("300.00"))
        db.session.commit()
    r = client_for("pal").post(url, data={"data": "2025-03-12"}, follow_redirects=True)
    flashes = _flashes(r.get_data(as_text=True))
    assert "500,20" in flashes and "300,00" in flashes  # (200 + 10 x 21) + 22 % VAT vs budget
    with ctx():
        db.session.scalar(select(Budget)).importo_iniziale = Decimal("1000.00")
        db.session.commit()
    client_for("pal").post(url, data={"data": "2025-03-12"})
    assert _state(ctx, world.percorso) == S.VOUCHER_APPROVATO
    html = client_for("pal").get("/admin/budget/").get_data(as_text=True)
    assert "1.000,00" in html and "500,20" in html and "499,80" in html  # allocated, committed, remaining


def test_reject_needs_a_reason_and_returns_to_evaluation(client_for, world, ctx):
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world)
    url = f"/admin/percorso/case/{world.percorso}/reject/"
    client_for("pal").post(url, data={"data": "2025-03-12", "motivo": " "})
    assert _state(ctx, world.percorso) == S.VOUCHER_PROPOSTO
    client_for("pal").post(url, data={"data": "2025-03-12", "motivo": "Obiettivi da ridefinire"})
    assert _state(ctx, world.percorso) == S.IN_VALUTAZIONE
    with ctx():
        assert db.session.get(Voucher, vid).motivo_rifiuto == "Obiettivi da ridefinire"


def test_bulk_intake_reports_each_refused_row(client_for, world, ctx):
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    with ctx():
        p = db.session.get(Percorso, world.percorso)
        extra = f.make_percorso(db.session, p.persona, p.comune, p.programma, segnalazione_di_gruppo=True)
        db.session.commit()
        extra_id = extra.id
    r = client_for("operatore").post("/admin/percorso/action/", data={
        "action": "take_in_charge", "rowid": [str(world.percorso), str(extra_id)]}, follow_redirects=True)
    flashes = _flashes(r.get_data(as_text=True))
    # Refused, with the reason, the path named as people name it (never by its id).
    assert "Bianchi Mario · tirocinio · Lumezzane: " in flashes and "#" not in flashes
    assert _state(ctx, extra_id) == S.PRESO_IN_CARICO
    # pal may not take in charge: the action is refused and hidden.
    html = client_for("pal").get("/admin/percorso/").get_data(as_text=True)
    assert 'value="take_in_charge"' not in html


def test_month_grid_saves_a_month_in_one_submit(client_for, world, ctx):
    with ctx():
        ente = db.session.get(f.EnteOspitante, world.ente)
        post = f.make_postazione(db.session, ente)
        db.session.commit()
        post_id = post.id
    _path_in(ctx, world, S.ATTIVO, data_avvio=dt.date(2025, 3, 10), postazione_id=post_id)
    # The old per-path URL still shows the grid, filtered to the path.
    old = client_for("operatore").get(f"/admin/ore/mese/?percorso={world.percorso}&mese=2025-03")
    assert old.status_code == 200 and f'id="c-{world.percorso}-31"' in old.get_data(as_text=True)
    assert client_for("servizio_sociale").get(f"/admin/ore/mese/?percorso={world.percorso}").status_code == 403
    url = f"/admin/ore-del-mese/?percorso={world.percorso}&mese=2025-03&tipo=PRESENZA"
    client = client_for("operatore")
    c = f"c-{world.percorso}-"
    assert f'id="{c}31"' in client.get(url).get_data(as_text=True)
    data = {f"{c}{d}": "" for d in range(1, 32)}
    data.update({f"{c}10": "8", f"{c}11": "7,5", f"{c}12": "4"})
    r = client.post(url, data=data, follow_redirects=True)
    assert r.status_code == 200
    with ctx():
        rows = db.session.scalars(select(Ore).where(Ore.percorso_id == world.percorso).order_by(Ore.data)).all()
        assert [(o.data.day, o.ore) for o in rows] == [(10, Decimal("8")), (11, Decimal("7.5")), (12, Decimal("4"))]
    # All or nothing: a day before the start refuses the whole month, naming the day.
    data.update({f"{c}3": "5", f"{c}12": ""})
    r = client.post(url, data=data, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "non è stato salvato nulla" in _flashes(html)  # the console speaks Italian
    assert "03/03/2025" in html and f'href="#{c}3"' in html
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Ore)) == 3
    assert client_for("pal").post(url, data=data).status_code == 403


def test_tutoring_hours_in_the_console_become_charges(client_for, world, ctx):
    with ctx():
        post = f.make_postazione(db.session, db.session.get(f.EnteOspitante, world.ente))
        db.session.commit()
        post_id = post.id
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world, hours="3")
    with ctx():
        v = db.session.get(Voucher, vid)
        v.stato, v.data_decisione, v.decisore_id = StatoVoucher.APPROVATO, dt.date(2025, 3, 11), world.users["pal"].id
        p = db.session.get(Percorso, world.percorso)
        p.stato, p.data_avvio, p.postazione_id = S.ATTIVO, dt.date(2025, 3, 12), post_id
        db.session.commit()
    url = f"/admin/ore-del-mese/?percorso={world.percorso}&mese=2025-03&tipo=AFFIANCAMENTO"
    c = f"c-{world.percorso}-"
    data = {f"{c}{d}": "" for d in range(1, 32)}
    data.update({f"{c}13": "2", f"{c}14": "2"})
    r = client_for("operatore").post(url, data=data, follow_redirects=True)
    assert "Ore di affiancamento ancora disponibili: 1 delle 3" in r.get_data(as_text=True)
    data[f"{c}14"] = "1"
    client_for("operatore").post(url, data=data)
    with ctx():
        charges = db.session.scalars(select(Addebito).order_by(Addebito.data)).all()
        assert [(a.data.day, a.quantita, a.importo) for a in charges] == [
            (13, Decimal("2"), Decimal("42.00")), (14, Decimal("1"), Decimal("21.00"))]
        assert all(a.ore.tipo == TipoOre.AFFIANCAMENTO for a in charges)


def test_deadlines_page_lists_overdue_intakes_by_comune(client_for, world):
    html = client_for("pal").get("/admin/scadenze/").get_data(as_text=True)
    assert "Bianchi" in html and "Verdi" in html  # referred 01/03/2025, intake overdue
    html = client_for("pal").get(f"/admin/scadenze/?comune={world.comune}").get_data(as_text=True)
    assert "Bianchi" in html and "Verdi" not in html
    assert client_for("amministrazione").get("/admin/scadenze/").status_code == 403
    assert client_for("servizio_sociale").get("/admin/scadenze/").status_code == 403


def test_activation_from_the_case_page_offers_ranked_positions(client_for, world, ctx):
    with ctx():
        ente = db.session.get(f.EnteOspitante, world.ente)
        good = f.make_postazione(db.session, ente, mansione="Giardiniere")
        f.make_postazione(db.session, ente, mansione="Cuoco", accetta_tirocinio=False, accetta_assistenziale=True)
        db.session.commit()
        good_id = good.id
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world)
    with ctx():
        v = db.session.get(Voucher, vid)
        v.stato, v.data_decisione, v.decisore_id = StatoVoucher.APPROVATO, dt.date(2025, 3, 11), world.users["pal"].id
        v.percorso.stato = S.VOUCHER_APPROVATO
        db.session.commit()
    html = client_for("operatore").get(f"/admin/percorso/case/{world.percorso}/").get_data(as_text=True)
    assert "Giardiniere" in html and "Cuoco" not in html
    client_for("operatore").post(f"/admin/percorso/case/{world.percorso}/activate/", data={
        "postazione": str(good_id), "data": "2025-03-15", "data_fine_prevista": "2025-09-15"})
    assert _state(ctx, world.percorso) == S.ATTIVO
    with ctx():
        assert db.session.get(Percorso, world.percorso).postazione_id == good_id
        charge = db.session.scalar(select(Addebito))
        assert charge.voce_listino.tipo == TipoVoce.ATTIVAZIONE_TIROCINIO and charge.importo == Decimal("200.00")
        assert db.session.get(Postazione, good_id) is not None


def test_every_transition_is_in_the_audit_log(client_for, world, ctx):
    from models import RegistroAudit

    client_for("operatore").post(f"/admin/percorso/case/{world.percorso}/take_in_charge/", data={"data": "2025-03-04"})
    with ctx():
        row = db.session.scalar(select(RegistroAudit).where(RegistroAudit.tabella == "percorso"))
        assert row.azione == "update" and row.utente_id == world.users["operatore"].id
        assert row.modifiche["stato"] == ["SEGNALATO", "PRESO_IN_CARICO"]
        assert row.modifiche["data_presa_in_carico"] == [None, "2025-03-04"]


def test_deleting_a_proposed_voucher_returns_the_path_to_evaluation(client_for, world, ctx):
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world)
    client_for("admin").post("/admin/voucher/delete/", data={"id": str(vid)})
    with ctx():
        assert db.session.get(Voucher, vid) is None
    assert _state(ctx, world.percorso) == S.IN_VALUTAZIONE


def test_a_decided_voucher_cannot_be_deleted(client_for, world, ctx):
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world)
    with ctx():
        v = db.session.get(Voucher, vid)
        v.stato, v.data_decisione, v.decisore_id = StatoVoucher.APPROVATO, dt.date(2025, 3, 11), world.users["pal"].id
        db.session.commit()
    r = client_for("admin").post("/admin/voucher/delete/", data={"id": str(vid)}, follow_redirects=True)
    assert "voucher" in _flashes(r.get_data(as_text=True)).lower()
    with ctx():
        assert db.session.get(Voucher, vid) is not None


def test_the_hiring_employer_is_looked_up_among_all_hosts(client_for, app, world):
    with app.app_context():
        comune = db.session.get(Comune, world.comune)
        other = f.make_ente(db.session, comune, ragione_sociale="Officine Zanardelli S.r.l.")
        db.session.commit()
        other_id = other.id
    client = client_for("operatore")
    r = client.get("/admin/percorso/ajax/lookup/?name=datore_lavoro&query=zanard")
    assert r.status_code == 200
    assert [other_id, "Officine Zanardelli S.r.l."] in r.get_json()
