"""No N+1: the statements a list page runs do not grow with the page size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import (
    Addebito,
    Budget,
    CategoriaSvantaggio,
    DatiSensibili,
    Diario,
    Fattura,
    LetturaDatiSensibili,
    NucleoFamiliare,
    Ore,
    Pagamento,
    RegistroAudit,
    RigaFattura,
    RigaVoucher,
    TentativoAccesso,
    VariazioneBudget,
    VoceListino,
    Voucher,
    db,
)
from models.base import StatoFattura, TipoEvento, TipoOre
from views import VIEWS

from . import factories as f

ROWS = 60


@pytest.fixture(scope="module")
def crowd(module_savepoint):
    """ROWS rows in every table a list shows, each with its related rows; built once for the
    module's read-only cases. Returns the world's ids (users per role)."""
    with module_savepoint.app_context():
        s = db.session
        world = f.make_world(s)
        voce = s.query(VoceListino).first()
        for i in range(ROWS):
            comune = f.make_comune(s)
            programma = f.make_programma(s)
            s.add(CategoriaSvantaggio(codice=f"C{i}", descrizione=f"Categoria {i}"))
            persona = f.make_persona(s, comune)
            persona.dati_sensibili = DatiSensibili(diagnosi="x")
            s.add(NucleoFamiliare(comune=comune, intestatario=f"Nucleo {i}", componenti=3))
            ente = f.make_ente(s, comune)
            postazione = f.make_postazione(s, ente, comune_riservato=comune)
            percorso = f.make_percorso(s, persona, comune, programma, postazione=postazione)
            day = dt.date(2025, 3, 1) + dt.timedelta(days=i)
            ore = Ore(percorso=percorso, data=day, tipo=TipoOre.AFFIANCAMENTO, ore=Decimal("2"))
            s.add(ore)
            s.add(Diario(percorso=percorso, data=day, tipo=TipoEvento.COLLOQUIO, descrizione="d"))
            s.add(Addebito(percorso=percorso, voce_listino=voce, data=day, quantita=Decimal("2"), ore=ore))
            s.add(Voucher(percorso=percorso, data_proposta=day, righe=[RigaVoucher(voce_listino=voce, quantita=1)]))
            s.add(Budget(programma=programma, comune=comune, data_inizio=day, data_fine=day,
                         importo_iniziale=Decimal("100"),
                         variazioni=[VariazioneBudget(data=day, importo=Decimal("5"), motivo="m")]))
            fattura = Fattura(comune=comune, programma=programma, periodo_dal=day, periodo_al=day,
                              stato=StatoFattura.EMESSA, anno=2025, numero=i + 1, data=day,
                              imponibile=Decimal("10"), iva=Decimal("2.2"),
                              righe=[RigaFattura(descrizione="r", quantita=1, prezzo_unitario=Decimal("10"))])
            s.add(fattura)
            s.add(Pagamento(fattura=fattura, data=day, importo=Decimal("10")))
            user = f.make_user(s, f"user{i}@example.org", ["operatore"])
            s.add(TentativoAccesso(momento=dt.datetime(2025, 3, 1, 9, i % 60), email=user.email,
                                   utente=user, indirizzo="127.0.0.1", esito="ok"))
            s.add(LetturaDatiSensibili(momento=dt.datetime(2025, 3, 1, 9, i % 60), utente=user,
                                       persona_id=persona.id, azione="lista", righe=1))
            s.add(RegistroAudit(momento=dt.datetime(2025, 3, 1, 9, 0), utente=user, azione="create",
                                tabella="persona", record_id=str(persona.id), descrizione=str(persona),
                                modifiche={"cognome": [None, persona.cognome]}))
        s.commit()
        return world.ids()


def _reader(view_cls):
    for role in ("admin", "operatore", "pal", "amministrazione", "servizio_sociale"):
        if "r" in view_cls.permissions.get(role, ""):
            return role
    raise AssertionError(view_cls)


@pytest.mark.parametrize("view_cls,endpoint", [(v[0], v[3]) for v in VIEWS], ids=[v[3] for v in VIEWS])
def test_list_statements_do_not_grow_with_page_size(crowd, app, count_statements, view_cls, endpoint):
    client = app.test_client(user=crowd.users[_reader(view_cls)])
    client.get(f"/admin/{endpoint}/")  # warm-up: login, caches
    counts = {}
    for size in (20, 50):
        with count_statements() as counter:
            r = client.get(f"/admin/{endpoint}/?page_size={size}")
        assert r.status_code == 200
        counts[size] = counter.count
        rows = r.get_data(as_text=True).count('class="action-checkbox"') or r.get_data(as_text=True).count("list-buttons-column")
        if endpoint != "ruolo":  # five roles only
            assert rows > 20 if size == 50 else rows == 20, (endpoint, size, rows)
    assert counts[20] == counts[50], counts
    assert counts[50] <= 6, counts
