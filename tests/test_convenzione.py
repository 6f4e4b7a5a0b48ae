"""Issue 15, item 2: a path starts at a host only under an agreement (convenzione) in force on
its start date; the refusal names the expiry (dd/mm/yyyy) and leaves the path as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from models import DomainError, db
from models.base import StatoPercorso
from models.operations import percorsi as ops

from .conftest import csrf_token
from .paths import PLANNED_END, START, approved, scene


@pytest.fixture
def sc(session):
    return scene(session)


def test_activation_is_refused_when_the_hosts_agreement_expired_before_the_start(session, sc):
    sc.ente.convenzione_scadenza = START - dt.timedelta(days=1)
    p = approved(session, sc)
    with pytest.raises(DomainError, match="16/03/2025") as refused:
        ops.activate(session, p, sc.postazione, START, PLANNED_END)
    assert sc.ente.ragione_sociale in refused.value.message
    assert p.stato == StatoPercorso.VOUCHER_APPROVATO and p.postazione is None


def test_activation_is_refused_when_the_host_has_no_agreement(session, sc):
    sc.ente.convenzione_numero = sc.ente.convenzione_data = sc.ente.convenzione_scadenza = None
    p = approved(session, sc)
    with pytest.raises(DomainError) as refused:
        ops.activate(session, p, sc.postazione, START, PLANNED_END)
    assert "convenzione" in refused.value.message
    assert p.stato == StatoPercorso.VOUCHER_APPROVATO


def test_activation_is_refused_before_the_agreement_is_signed(session, sc):
    sc.ente.convenzione_data = START + dt.timedelta(days=1)
    p = approved(session, sc)
    with pytest.raises(DomainError, match="18/03/2025"):
        ops.activate(session, p, sc.postazione, START, PLANNED_END)
    assert p.stato == StatoPercorso.VOUCHER_APPROVATO


def test_activation_is_accepted_on_the_agreements_last_day(session, sc):
    sc.ente.convenzione_data, sc.ente.convenzione_scadenza = START, START
    p = approved(session, sc)
    ops.activate(session, p, sc.postazione, START, PLANNED_END)
    assert p.stato == StatoPercorso.ATTIVO and p.postazione == sc.postazione


def test_the_case_page_shows_the_refusal_in_italian_with_the_expiry(app, world, client_for):
    with app.app_context():
        sc = scene(db.session)
        sc.ente.convenzione_scadenza = dt.date(2025, 2, 28)
        p = approved(db.session, sc)
        pid, post = p.id, sc.postazione.id
        db.session.commit()
    client = client_for("operatore")
    url = f"/admin/percorso/case/{pid}/"
    token = csrf_token(client.get(url).get_data(as_text=True))
    html = client.post(f"{url}activate/", data={
        "csrf_token": token, "postazione": post, "data": "17/03/2025",
        "data_fine_prevista": "17/09/2025"}, follow_redirects=True).get_data(as_text=True)
    assert "è scaduta il 28/02/2025" in html
    with app.app_context():
        assert db.session.get(type(p), pid).stato == StatoPercorso.VOUCHER_APPROVATO
