"""The scale data set (``flask seed scale``): sized by the factor, consistent, re-runnable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from stdnum.it import codicefiscale, iva

from models import (
    Addebito,
    Budget,
    Comune,
    Fattura,
    Ore,
    Percorso,
    Persona,
    Postazione,
    Programma,
    Voucher,
    db,
)
from models.base import StatoFattura, StatoPercorso, StatoVoucher, TipoOre
from models.fatture import NumeratoreFattura, RigaFattura
from seed.scale import PROGRAMMA_NOME, Sizes, load_scale

OGGI = dt.date(2026, 11, 20)
FACTOR = 0.01


@pytest.fixture(scope="module")
def scale(module_savepoint):
    """The data set at FACTOR, loaded once for the module's read-only checks."""
    with module_savepoint.app_context():
        counts = load_scale(db.session, FACTOR, OGGI)
        db.session.commit()
        programma = db.session.scalar(select(Programma).where(Programma.nome == PROGRAMMA_NOME))
        return counts, SimpleNamespace(id=programma.id)


def _count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_sizes_follow_the_factor(session, scale):
    counts, programma = scale
    sizes = Sizes.of(FACTOR)
    in_scale = Percorso.programma_id == programma.id
    assert _count(session, Percorso, in_scale) == sizes.percorsi
    assert counts["persona"] == sizes.persone
    assert counts["comune"] == sizes.comuni
    assert counts["postazione"] == sizes.postazioni
    assert abs(counts["ore"] - sizes.ore) / sizes.ore < 0.1
    assert abs(counts["fattura"] - sizes.fatture) <= sizes.comuni
    assert 0.5 * sizes.addebiti <= counts["addebito"] <= 2 * sizes.addebiti
    stati = set(session.scalars(select(Percorso.stato).where(in_scale).distinct()))
    assert stati == set(StatoPercorso)


def test_active_paths_fit_their_seats(session, scale):
    over = session.execute(
        select(Postazione.id)
        .join(Percorso, Percorso.postazione_id == Postazione.id)
        .where(Percorso.stato == StatoPercorso.ATTIVO)
        .group_by(Postazione.id, Postazione.posti)
        .having(func.count(Percorso.id) > Postazione.posti)
    ).all()
    assert over == []


def test_hours_fall_within_the_path(session, scale):
    outside = _count(
        session, Ore,
        Ore.percorso_id == Percorso.id,
        (Percorso.data_avvio.is_(None)) | (Ore.data < Percorso.data_avvio)
        | (Ore.data > func.coalesce(Percorso.data_fine, OGGI)),
    )
    assert outside == 0
    assert _count(session, Ore, Ore.tipo == TipoOre.AFFIANCAMENTO) > 0


def test_charges_and_invoices_agree(session, scale):
    _, programma = scale
    tutoring = select(Addebito).where(Addebito.ore_id.is_not(None))
    for a in session.scalars(tutoring):
        assert a.ore.tipo is TipoOre.AFFIANCAMENTO and a.quantita == a.ore.ore
    invoices = session.scalars(select(Fattura).where(Fattura.programma_id == programma.id)).all()
    assert invoices
    for f in invoices:
        lines = sum(((r.quantita * r.prezzo_unitario).quantize(Decimal("0.01")) for r in f.righe),
                    Decimal(0))
        assert f.imponibile == lines
        assert f.iva == (lines * Decimal("0.22")).quantize(Decimal("0.01"))
        charged = session.scalars(
            select(Addebito).join(RigaFattura).where(RigaFattura.fattura_id == f.id)
        ).all()
        assert charged and all(a.percorso.comune_id == f.comune_id for a in charged)
        assert all(f.periodo_dal <= a.data <= f.periodo_al for a in charged)
        paid = sum((p.importo for p in f.pagamenti), Decimal(0))
        assert paid == (f.imponibile if f.stato is StatoFattura.PAGATA else 0)
    counter = session.get(NumeratoreFattura, invoices[-1].anno)
    assert counter.ultimo_numero == max(f.numero for f in invoices if f.anno == counter.anno)


def test_budgets_cover_what_vouchers_commit(session, scale):
    _, programma = scale
    residui = session.scalars(
        select(Budget.residuo).where(Budget.programma_id == programma.id)
    ).all()
    assert residui and min(residui) >= 0
    approved = _count(session, Voucher, Voucher.stato == StatoVoucher.APPROVATO)
    assert approved > 0


def test_identifiers_are_valid(session, scale):
    for cf in session.scalars(select(Persona.codice_fiscale).limit(200)):
        assert codicefiscale.is_valid(cf)
    for cf in session.scalars(select(Comune.codice_fiscale).where(Comune.codice_istat >= "900000")):
        assert iva.is_valid(cf)


def test_runs_once_and_leaves_ids_usable(session, scale):
    assert load_scale(session, FACTOR, OGGI) is None
    top = session.scalar(select(func.max(Comune.id)))
    comune = Comune(nome="Dopo la scala", codice_istat="123456", provincia="BS")
    session.add(comune)
    session.flush()  # on PostgreSQL the id sequence was moved past the bulk-loaded ids
    assert comune.id > top

