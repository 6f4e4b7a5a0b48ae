"""Creating and editing through the console's forms, inline lines included."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import func, select

from models import (
    Budget,
    EnteOspitante,
    Fattura,
    Percorso,
    Postazione,
    Programma,
    RigaVoucher,
    Utente,
    VoceListino,
    Voucher,
    db,
)
from models.base import StatoFattura, StatoPercorso, StatoVoucher

from . import factories as f


def _errors(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", " ", m).strip() for m in re.findall(r'text-danger[^>]*>(.*?)</ul>', html, re.S)]


def _under_evaluation(ctx, percorso_id):
    with ctx():
        p = db.session.get(Percorso, percorso_id)
        p.stato = StatoPercorso.IN_VALUTAZIONE
        p.data_presa_in_carico = p.data_primo_colloquio = f.dt.date(2025, 3, 5)
        db.session.commit()


def test_voucher_with_inline_lines_is_proposed(client_for, world, ctx):
    _under_evaluation(ctx, world.percorso)
    with ctx():
        voci = db.session.scalars(select(VoceListino).order_by(VoceListino.codice)).all()
    data = {
        "percorso": str(world.percorso),
        "data_proposta": "2025-03-20",
        "righe-0-voce_listino": str(voci[0].id),
        "righe-0-quantita": "1",
        "righe-1-voce_listino": str(voci[2].id),
        "righe-1-quantita": "10",
    }
    r = client_for("operatore").post("/admin/voucher/new/", data=data)
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    with ctx():
        v = db.session.scalar(select(Voucher))
        assert v.stato == StatoVoucher.PROPOSTO
        assert len(v.righe) == 2
        assert v.imponibile == Decimal("410.00")  # 200 + 10 x 21
        assert v.percorso.stato == StatoPercorso.VOUCHER_PROPOSTO


def test_voucher_only_for_a_path_under_evaluation(client_for, world, ctx):
    with ctx():
        voce = db.session.scalar(select(VoceListino))
    data = {"percorso": str(world.percorso), "data_proposta": "2025-03-20",
            "righe-0-voce_listino": str(voce.id), "righe-0-quantita": "1"}
    r = client_for("operatore").post("/admin/voucher/new/", data=data)
    assert r.status_code == 200
    assert "valutazione" in r.get_data(as_text=True)
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Voucher)) == 0


def test_voucher_line_quantity_must_be_positive(client_for, world, ctx):
    _under_evaluation(ctx, world.percorso)
    with ctx():
        voce = db.session.scalar(select(VoceListino))
    data = {
        "percorso": str(world.percorso),
        "data_proposta": "2025-03-20",
        "righe-0-voce_listino": str(voce.id),
        "righe-0-quantita": "-1",
    }
    r = client_for("operatore").post("/admin/voucher/new/", data=data)
    assert r.status_code == 200
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(RigaVoucher)) == 0


def test_decided_voucher_cannot_be_edited(client_for, world, ctx):
    with ctx():
        pal = db.session.get(Utente, world.users["pal"].id)
        v = Voucher(percorso_id=world.percorso, data_proposta=f.dt.date(2025, 3, 20),
                    stato=StatoVoucher.APPROVATO, data_decisione=f.dt.date(2025, 3, 21), decisore=pal)
        db.session.add(v)
        db.session.commit()
        vid = v.id
    r = client_for("operatore").post(f"/admin/voucher/edit/?id={vid}",
                                     data={"percorso": str(world.percorso), "data_proposta": "2025-03-01"})
    assert r.status_code == 200
    with ctx():
        assert db.session.get(Voucher, vid).data_proposta == f.dt.date(2025, 3, 20)


def test_invoice_draft_with_inline_lines_and_issued_invoice_is_immutable(client_for, world, ctx):
    data = {
        "comune": str(world.comune),
        "programma": str(world.programma),
        "periodo_dal": "2025-03-01",
        "periodo_al": "2025-03-31",
        "split_payment": "y",
        "righe-0-descrizione": "Attivazione tirocinio",
        "righe-0-quantita": "3",
        "righe-0-prezzo_unitario": "200.00",
        "righe-0-aliquota_iva": "22",
    }
    client = client_for("amministrazione")
    r = client.post("/admin/fattura/new/", data=data)
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    with ctx():
        fattura = db.session.scalar(select(Fattura))
        assert fattura.stato == StatoFattura.BOZZA and fattura.righe[0].importo == Decimal("600.00")
        fattura.stato, fattura.anno, fattura.numero = StatoFattura.EMESSA, 2025, 1
        fattura.data, fattura.imponibile, fattura.iva = f.dt.date(2025, 4, 1), Decimal("600"), Decimal("132")
        db.session.commit()
        fid = fattura.id
    r = client.post(f"/admin/fattura/edit/?id={fid}", data={**data, "periodo_al": "2025-04-30"})
    assert r.status_code == 200
    client.post("/admin/fattura/delete/", data={"id": str(fid)})
    with ctx():
        fattura = db.session.get(Fattura, fid)
        assert fattura is not None and fattura.periodo_al == f.dt.date(2025, 3, 31)


def test_budget_with_history_of_changes(client_for, world, ctx):
    data = {
        "programma": str(world.programma),
        "comune": str(world.comune),
        "data_inizio": "2025-01-01",
        "data_fine": "2025-12-31",
        "importo_iniziale": "10000.00",
        "variazioni-0-data": "2025-06-01",
        "variazioni-0-importo": "-2500.00",
        "variazioni-0-motivo": "Riduzione di bilancio",
    }
    r = client_for("pal").post("/admin/budget/new/", data=data)
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    with ctx():
        budget = db.session.scalar(select(Budget))
        assert budget.stanziato == Decimal("7500.00")
    html = client_for("pal").get("/admin/budget/").get_data(as_text=True)
    assert "7.500,00" in html


def test_budget_cannot_go_negative_after_changes(client_for, world, ctx):
    data = {
        "programma": str(world.programma),
        "comune": str(world.comune),
        "data_inizio": "2025-01-01",
        "data_fine": "2025-12-31",
        "importo_iniziale": "1000.00",
        "variazioni-0-data": "2025-06-01",
        "variazioni-0-importo": "-2500.00",
        "variazioni-0-motivo": "Taglio",
    }
    assert client_for("pal").post("/admin/budget/new/", data=data).status_code == 200
    with ctx():
        assert db.session.scalar(select(Budget)) is None


def test_programme_with_price_list_inline(client_for, ctx):
    data = {
        "nome": "WORK-IN",
        "titolare": "Distretto di Civitavecchia",
        "data_inizio": "2025-01-01",
        "giorni_presa_in_carico": "15",
        "giorni_avvio": "15",
        "regole_indennita-0-valida_dal": "2025-01-01",
        "regole_indennita-0-importo_pieno": "450.00",
        "regole_indennita-0-ore_giornaliere_part_time": "4",
        "regole_indennita-0-presenza_minima_pct": "80",
        "durate_tirocinio-0-mesi_minimi": "2",
        "durate_tirocinio-0-mesi_massimi": "12",
        "voci-0-codice": "ATT",
        "voci-0-descrizione": "Attivazione tirocinio",
        "voci-0-tipo": "ATTIVAZIONE_TIROCINIO",
        "voci-0-unita": "attivazione",
        "voci-0-prezzo_unitario": "180.00",
        "voci-0-aliquota_iva": "22",
        "voci-0-valido_dal": "2025-01-01",
    }
    r = client_for("admin").post("/admin/programma/new/", data=data)
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    with ctx():
        p = db.session.scalar(select(Programma).where(Programma.nome == "WORK-IN"))
        assert p.voci[0].prezzo_unitario == Decimal("180.00")
        [regola] = p.regole_indennita
        assert (regola.importo_pieno, regola.presenza_minima_pct) == (Decimal("450.00"), Decimal("80"))
        assert [(d.mesi_minimi, d.mesi_massimi) for d in p.durate_tirocinio] == [(2, 12)]


def test_host_and_position(client_for, world, ctx):
    client = client_for("operatore")
    piva = f.make_partita_iva(4242)
    r = client.post("/admin/ente/new/", data={
        "ragione_sociale": "Cooperativa Il Sentiero",
        "tipo": "COOP_B",
        "codice_fiscale": piva,
        "partita_iva": piva,
        "comune": str(world.comune),
        "convenzione_data": "2025-01-01",
        "convenzione_scadenza": "2026-12-31",
    })
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    with ctx():
        ente = db.session.scalar(select(EnteOspitante).where(EnteOspitante.partita_iva == piva))
    r = client.post("/admin/postazione/new/", data={
        "ente": str(ente.id),
        "mansione": "Manutenzione del verde",
        "posti": "0",
        "accetta_tirocinio": "y",
        "attiva_dal": "2025-01-01",
    })
    assert r.status_code == 200  # zero seats refused
    r = client.post("/admin/postazione/new/", data={
        "ente": str(ente.id),
        "mansione": "Manutenzione del verde",
        "posti": "2",
        "accetta_tirocinio": "y",
        "attiva_dal": "2025-01-01",
    })
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Postazione)) == 1


def test_duplicate_host_fiscal_code_names_the_existing_record(client_for, world, ctx):
    with ctx():
        ente = db.session.get(EnteOspitante, world.ente)
        cf, nome = ente.codice_fiscale, ente.ragione_sociale
    r = client_for("operatore").post("/admin/ente/new/", data={
        "ragione_sociale": "Doppione", "tipo": "IMPRESA", "codice_fiscale": cf, "comune": str(world.comune)})
    assert r.status_code == 200
    assert nome in r.get_data(as_text=True)


def test_admin_creates_a_user_with_a_hashed_password(client_for, world, ctx):
    with ctx():
        from models import Ruolo

        ruolo = db.session.scalar(select(Ruolo).where(Ruolo.name == "servizio_sociale"))
    data = {"email": "nuova@example.org", "nome": "Anna", "cognome": "Neri", "roles": [str(ruolo.id)],
            "lingua": "it", "active": "y", "nuova_password": "Valtrompia-Lavoro-2026"}
    r = client_for("admin").post("/admin/utente/new/", data=data)
    assert r.status_code == 200  # a social worker needs a Comune
    r = client_for("admin").post("/admin/utente/new/", data={**data, "comune": str(world.comune)})
    assert r.status_code == 302, _errors(r.get_data(as_text=True))
    with ctx():
        u = db.session.scalar(select(Utente).where(Utente.email == "nuova@example.org"))
        assert u.password.startswith("$argon2") and u.fs_uniquifier


def test_every_create_form_and_details_page_renders(client_for, world):
    from views import VIEWS

    for view_cls, _m, _n, endpoint, _c in VIEWS:
        for role, letters in view_cls.permissions.items():
            client = client_for(role)
            if "c" in letters:
                assert client.get(f"/admin/{endpoint}/new/").status_code == 200, (endpoint, role)
    admin = client_for("admin")
    for endpoint, pk in (("persona", world.persona), ("percorso", world.percorso), ("ente", world.ente),
                         ("comune", world.comune), ("programma", world.programma)):
        assert admin.get(f"/admin/{endpoint}/details/?id={pk}").status_code == 200
        assert admin.get(f"/admin/{endpoint}/edit/?id={pk}").status_code == 200


def test_bad_input_is_a_message_never_a_server_error(client_for, world, ctx):
    client = client_for("operatore")
    bad = {
        "codice_fiscale": "RSSMRA85T10A562S",
        "cognome": "Rossi",
        "nome": "Mario",
        "data_nascita": "31/02/1985",
        "sesso": "X",
        "comune_residenza": "999999",
        "condizione_occupazionale": "NONEXISTENT",
        "email": "not-an-email",
        "cap": "25A",
    }
    r = client.post("/admin/persona/new/", data=bad)
    assert r.status_code == 200
    assert len(_errors(r.get_data(as_text=True))) >= 5
    for url in ("/admin/persona/edit/?id=abc", "/admin/percorso/details/?id=", "/admin/ore/?page=-3",
                "/admin/persona/?sort=999", "/admin/persona/?page_size=100000"):
        assert client.get(url).status_code in (200, 302), url
    with ctx():
        from models import Persona

        assert db.session.scalar(select(Persona).where(Persona.cognome == "Rossi")) is None
