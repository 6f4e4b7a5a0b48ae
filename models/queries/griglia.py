"""The month grid's reads (issue 12, item 1): the paths that can take hours in a month, with
what a row shows, and the month's rows of hours; two statements whatever the number of people."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..anagrafiche import Comune, EnteOspitante, Persona, Postazione
from ..base import StatoVoucher, TipoOre, TipoVoce
from ..percorsi import Ore, Percorso, RigaVoucher, Voucher
from ..programmi import VoceListino

Sede = aliased(Comune, name="sede")


def open_in_month(first: dt.date, last: dt.date):
    """Paths at a position that could take hours on some day of the month: started by its end,
    not ended before its start (a path still open past its planned end included: its hours
    are still recorded, and Scadenze flags it)."""
    return and_(
        Percorso.postazione_id.is_not(None),
        Percorso.data_avvio.is_not(None),
        Percorso.data_avvio <= last,
        or_(Percorso.data_fine.is_(None), Percorso.data_fine >= first),
    )


def grid_paths(session: Session, first: dt.date, last: dt.date, *, comune_id=None, ente_id=None,
               postazione_id=None, operatore_id=None, percorso_id=None, scope=None,
               limit: int | None = None):
    """The grid's rows in person order: path, person, host, position, Comune, dates and the
    patron saint of the host's Comune; ``limit`` + 1 rows at most (the caller says "too many")."""
    approved = (
        select(func.sum(RigaVoucher.quantita))
        .join(Voucher, RigaVoucher.voucher_id == Voucher.id)
        .join(VoceListino, RigaVoucher.voce_listino_id == VoceListino.id)
        .where(Voucher.percorso_id == Percorso.id, Voucher.stato == StatoVoucher.APPROVATO,
               VoceListino.tipo == TipoVoce.ORA_AFFIANCAMENTO)
        .correlate(Percorso)
        .scalar_subquery()
    )
    used = (
        select(func.sum(Ore.ore))
        .where(Ore.percorso_id == Percorso.id, Ore.tipo == TipoOre.AFFIANCAMENTO)
        .correlate(Percorso)
        .scalar_subquery()
    )
    stmt = (
        select(
            Percorso.id, Percorso.tipologia, Percorso.stato, Percorso.data_avvio, Percorso.data_fine,
            Percorso.data_fine_prevista, Persona.cognome, Persona.nome, Persona.codice_fiscale,
            Comune.nome.label("comune"), EnteOspitante.ragione_sociale.label("ente"),
            Postazione.mansione, Sede.patrono_giorno, Sede.patrono_mese, Sede.patrono_nome,
            approved.label("affiancamento_approvato"), used.label("affiancamento_usato"),
        )
        .join(Persona, Percorso.persona_id == Persona.id)
        .join(Comune, Percorso.comune_id == Comune.id)
        .join(Postazione, Percorso.postazione_id == Postazione.id)
        .join(EnteOspitante, Postazione.ente_id == EnteOspitante.id)
        .join(Sede, EnteOspitante.comune_id == Sede.id)
        .where(open_in_month(first, last))
        .order_by(Persona.cognome, Persona.nome, Persona.id, Percorso.id)
    )
    for column, value in ((Percorso.comune_id, comune_id), (Postazione.ente_id, ente_id),
                          (Percorso.postazione_id, postazione_id),
                          (Percorso.operatore_id, operatore_id), (Percorso.id, percorso_id)):
        if value:
            stmt = stmt.where(column == value)
    if scope is not None:
        stmt = scope(stmt)
    if limit is not None:
        stmt = stmt.limit(limit + 1)
    return session.execute(stmt).all()


def grid_hours(session: Session, pids, first: dt.date, last: dt.date, tipo: TipoOre) -> dict:
    """(path id, day) -> the Ore row of ``tipo``, for the grid's paths in the month."""
    if not pids:
        return {}
    rows = session.scalars(
        select(Ore).where(Ore.percorso_id.in_(list(pids)), Ore.tipo == tipo,
                          Ore.data >= first, Ore.data <= last)
    )
    return {(r.percorso_id, r.data): r for r in rows}
