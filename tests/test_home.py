"""The home page per role (issue 10, item 6): each count is right (models/queries/home.py) and
links to a list that shows exactly the rows it counts; each role sees its own panels."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import select

from models import Addebito, Diario, Percorso, Voucher, clock, db
from models.base import (
    Esito,
    StatoPercorso,
    StatoVoucher,
    TipoContratto,
    TipoEvento,
    TipologiaPercorso,
    TipoVoce,
)
from models.queries import home as q
from views.charts import Bar, bar_chart

from . import factories as f
from . import paths
from .test_workflow_views import _path_in, _proposed_voucher

S = StatoPercorso
TODAY = clock.today()


def _home(client) -> str:
    return client.get("/admin/").get_data(as_text=True)


def _active(client) -> str:
    """The operatore's active-paths panel, which the home page loads after it shows."""
    return client.get("/admin/percorsi-attivi/?fragment=1").get_data(as_text=True)


def _item(html: str, label: str) -> tuple[int, str | None]:
    """(count, link) of the home item whose label starts with ``label``."""
    for li in re.findall(r'<li class="list-group-item[^"]*">(.*?)</li>', html, re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", li).split())
        count, _, rest = text.partition(" ")
        if rest.startswith(label):
            link = re.search(r'href="([^"]+)"', li)
            return int(count.replace(".", "")), link.group(1).replace("&amp;", "&") if link else None
    raise AssertionError(f"no item {label!r}")


def _listed(client, url: str) -> int:
    """How many rows the list at ``url`` says it holds ("Elenco (N)")."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r"Elenco \((\d+)\)", html)
    return int(match.group(1)) if match else 0


def _active_internship(ctx, world, planned_end: dt.date) -> None:
    with ctx():
        post = f.make_postazione(db.session, db.session.get(f.EnteOspitante, world.ente))
        db.session.commit()
        post_id = post.id
    _path_in(ctx, world, S.ATTIVO, data_avvio=dt.date(2025, 3, 17), postazione_id=post_id,
             data_fine_prevista=planned_end)


# -- operatore --------------------------------------------------------------------------------


def test_internships_past_their_planned_end_are_counted_and_listed(client_for, world, ctx):
    _active_internship(ctx, world, TODAY - dt.timedelta(days=1))
    client = client_for("operatore")
    count, url = _item(_active(client), "Tirocini oltre la fine prevista")
    assert count == 1 and _listed(client, url) == 1
    assert _item(_active(client), "Tirocini che finiscono entro 30 giorni")[0] == 0


def test_internships_ending_within_30_days_are_counted_and_listed(client_for, world, ctx):
    _active_internship(ctx, world, TODAY + dt.timedelta(days=20))
    client = client_for("operatore")
    count, url = _item(_active(client), "Tirocini che finiscono entro 30 giorni")
    assert count == 1 and _listed(client, url) == 1


def test_active_paths_without_last_months_hours(client_for, world, ctx):
    _active_internship(ctx, world, TODAY + dt.timedelta(days=200))
    client = client_for("operatore")
    count, url = _item(_active(client), "Percorsi attivi senza ore di")
    assert count == 1 and _listed(client, url) == 1
    first, _ = q.last_month(TODAY)
    with ctx():
        f.make_ore(db.session, db.session.get(Percorso, world.percorso), data=first + dt.timedelta(days=2))
        db.session.commit()
    assert _item(_active(client), "Percorsi attivi senza ore di")[0] == 0


def test_rejected_vouchers_to_revise(client_for, world, ctx):
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    vid = _proposed_voucher(ctx, world)
    with ctx():
        v = db.session.get(Voucher, vid)
        v.stato, v.data_decisione, v.decisore_id, v.motivo_rifiuto = (
            StatoVoucher.RESPINTO, dt.date(2025, 3, 12), world.users["pal"].id, "Da rivedere")
        v.percorso.stato = S.IN_VALUTAZIONE
        db.session.commit()
    client = client_for("operatore")
    count, url = _item(_home(client), "Voucher respinti da rivedere")
    assert count == 1 and _listed(client, url) == 1


def test_deadlines_link_to_the_deadlines_page_of_their_kind(client_for, world, ctx):
    # Referred on 01/03/2025: one path still to take in charge, one taken in charge on
    # 05/03/2025 and never started; both deadlines long overdue.
    _path_in(ctx, world, S.PRESO_IN_CARICO)
    client = client_for("operatore")
    for label, kind in (("Prese in carico scadute", "intake"), ("Avvii scaduti", "activation")):
        count, url = _item(_home(client), label)
        assert count == 1 and f"tipo={kind}" in url, label
        assert client.get(url).get_data(as_text=True).count("table-danger") == 1, label
    assert client.get("/admin/scadenze/").get_data(as_text=True).count("table-danger") == 2


# -- pal ----------------------------------------------------------------------------------------


def test_vouchers_awaiting_decision_with_gross_and_remaining_budget(client_for, world, ctx):
    with ctx():
        f.make_budget(db.session, db.session.get(f.Programma, world.programma),
                      db.session.get(f.Comune, world.comune), data_inizio=TODAY.replace(month=1, day=1),
                      data_fine=TODAY.replace(month=12, day=31), importo_iniziale=Decimal("2000.00"))
        db.session.commit()
    _path_in(ctx, world, S.IN_VALUTAZIONE)
    _proposed_voucher(ctx, world)
    client = client_for("pal")
    html = _home(client)
    count, url = _item(html, "voucher in attesa di decisione")
    assert count == 1 and _listed(client, url) == 1
    row = re.search(r"<tr class=\"\">(.*?Lumezzane.*?)</tr>", html, re.S).group(1)
    cells = [" ".join(re.sub(r"<[^>]+>", " ", c).replace("\xa0", " ").split())
             for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    assert cells[2:] == ["1", "500,20 €", "2.000,00 €"]


def test_budget_use_counts_budgets_committed_for_80_percent(session, world):
    prog, comune = session.get(f.Programma, world.programma), session.get(f.Comune, world.comune)
    f.make_budget(session, prog, comune, data_inizio=TODAY.replace(month=1, day=1),
                  data_fine=TODAY.replace(month=12, day=31), importo_iniziale=Decimal("600.00"))
    p = session.get(Percorso, world.percorso)
    v = paths.new_voucher(session, p, day=TODAY)
    v.stato, v.data_decisione, v.decisore_id = StatoVoucher.APPROVATO, TODAY, world.users["pal"].id
    v.importo_impegnato = Decimal("500.20")
    p.stato = S.VOUCHER_APPROVATO
    session.flush()
    (use,) = q.budget_use(session, TODAY)
    assert (use.allocated, use.committed, use.remaining) == (Decimal("600.00"), Decimal("500.20"), Decimal("99.80"))
    assert use.share >= q.BUDGET_ALERT_SHARE


def test_the_home_page_loads_the_heavy_panels_after_it_shows(client_for):
    assert 'data-url="/admin/percorsi-attivi/?fragment=1"' in _home(client_for("operatore"))
    assert 'data-url="/admin/uso-budget/?fragment=1"' in _home(client_for("pal"))
    charts = client_for("pal").get("/admin/grafici/?fragment=1").get_data(as_text=True)
    assert "Percorsi aperti per stato" in charts and "Assunzioni per mese" in charts
    for role in ("pal", "amministrazione", "servizio_sociale", "admin"):
        assert client_for(role).get("/admin/percorsi-attivi/").status_code == 403, role


def test_the_budget_use_is_for_pal_and_accountants_only(client_for):
    assert client_for("pal").get("/admin/uso-budget/").status_code == 200
    assert client_for("amministrazione").get("/admin/uso-budget/?fragment=1").status_code == 200
    for role in ("operatore", "servizio_sociale"):
        assert client_for(role).get("/admin/uso-budget/").status_code == 403, role
        assert "uso-budget" not in _home(client_for(role)), role


# -- amministrazione ----------------------------------------------------------------------------


def test_uninvoiced_charges_drafts_and_overdue_invoices(client_for, world, ctx):
    with ctx():
        p = db.session.get(Percorso, world.percorso)
        f.make_charges(db.session, p, TipoVoce.ATTIVAZIONE_TIROCINIO, 1)
        comune, prog = db.session.get(f.Comune, world.comune), db.session.get(f.Programma, world.programma)
        draft = f.make_fattura(db.session, comune, prog)
        f.make_riga_fattura(db.session, draft)
        f.make_fattura_emessa(db.session, comune, prog, data=TODAY - dt.timedelta(days=q.PAYMENT_DAYS + 1))
        db.session.commit()
    client = client_for("amministrazione")
    html = _home(client)
    for label, expected in (("bozza di fattura da controllare", 1), ("fattura non pagata a 30 giorni", 1),
                            ("Comune con addebiti ancora da fatturare", 1)):
        count, url = _item(html, label)
        assert count == expected and _listed(client, url) == expected, label
    assert "Genera fatture" in html
    with ctx():
        assert db.session.scalar(select(Addebito.riga_fattura_id)) is None


# -- servizio sociale and admin ------------------------------------------------------------------


def test_a_social_worker_sees_their_comunes_paths_and_reports_only(client_for, world, ctx):
    with ctx():
        for pid in (world.percorso, world.altro_percorso):
            db.session.add(Diario(percorso_id=pid, data=dt.date(2025, 3, 20),
                                    tipo=TipoEvento.RELAZIONE_SERVIZIO_SOCIALE,
                                    descrizione=f"Relazione sul percorso {pid}"))
        db.session.commit()
    html = _home(client_for("servizio_sociale"))
    assert _item(html, "percorsi segnalati dal tuo Comune")[0] == 1
    assert f"Relazione sul percorso {world.percorso}" in html
    assert f"Relazione sul percorso {world.altro_percorso}" not in html
    assert "Voucher in attesa" not in html and "Da fare" not in html


def test_each_role_sees_its_own_panels(client_for):
    panels = {
        "operatore": "Da fare", "pal": "Voucher in attesa della tua decisione",
        "amministrazione": "Fatturazione", "servizio_sociale": "Ultime relazioni al servizio sociale",
        "admin": "Utenti per ruolo",
    }
    for role, title in panels.items():
        html = _home(client_for(role))
        assert title in html, role
        others = [t for r, t in panels.items() if r != role and t != "Fatturazione"]
        assert not any(f"<strong>{t}</strong>" in html for t in others), role


def test_admin_sees_users_by_role_and_the_latest_changes(client_for, world):
    client_for("operatore").post(f"/admin/percorso/case/{world.percorso}/diary/",
                                 data={"data": "2025-03-20", "tipo": "ALTRO", "descrizione": "Telefonata"})
    html = _home(client_for("admin"))
    count, url = _item(html, "Operatore (back office)")
    assert count == 1 and _listed(client_for("admin"), url) == 1
    assert "Evento del diario" in html and "creazione" in html


def test_hires_per_month_count_the_months_hirings(session, world):
    p = session.get(Percorso, world.percorso)
    p.esito, p.data_assunzione, p.stato = Esito.ASSUNTO, TODAY.replace(day=1), S.CONCLUSO
    p.data_fine, p.datore_lavoro_id = TODAY.replace(day=1), world.ente
    p.tipo_contratto, p.tipologia = TipoContratto.ALTRO, TipologiaPercorso.INSERIMENTO_LAVORATIVO
    session.flush()
    months = q.hires_by_month(session, TODAY)
    assert len(months) == 12 and months[-1] == (TODAY.replace(day=1), 1) and sum(n for _, n in months) == 1


def test_charts_are_inline_svg_with_a_title_and_labels():
    svg = str(bar_chart("Percorsi per stato", [Bar("attivo", 3, "3", "/admin/percorso/"), Bar("<b>", 0, "0")]))
    assert svg.startswith("<svg") and "<title>Percorsi per stato</title>" in svg
    assert ">attivo<" in svg and 'href="/admin/percorso/"' in svg and "&lt;b&gt;" in svg
