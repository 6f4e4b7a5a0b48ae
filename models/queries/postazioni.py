"""Positions for a path in SQL (DOMAIN.md, "Path types" and "Postazione"): seats taken and
free, the path types a position accepts, suitable positions ranked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session, contains_eager

from ..anagrafiche import EnteOspitante, Persona, Postazione
from ..base import StatoPercorso, TipologiaPercorso
from ..percorsi import Percorso

#: A path in these states holds its position's seat.
HOLDS_SEAT = (StatoPercorso.ATTIVO,)


def free_seats(postazione_id_col):
    """Seats of a position minus the paths holding one (correlated)."""
    taken = (
        select(func.count(Percorso.id))
        .where(Percorso.postazione_id == postazione_id_col, Percorso.stato.in_(HOLDS_SEAT))
        .scalar_subquery()
    )
    return Postazione.posti - taken


ACCEPTS = {
    TipologiaPercorso.ASSISTENZIALE: Postazione.accetta_assistenziale,
    TipologiaPercorso.TIROCINIO: Postazione.accetta_tirocinio,
    TipologiaPercorso.INSERIMENTO_LAVORATIVO: Postazione.accetta_inserimento,
    TipologiaPercorso.PROGETTO_PERSONALIZZATO: Postazione.accetta_progetto,
    # Issue 14: the newer types use the position flag of their nearest classic type: an
    # internship's, a placement at a company's (secondment), simple tasks at a public body's
    # (public-utility work); a PIP has no position and never asks.
    TipologiaPercorso.TIROCINIO_INCLUSIONE: Postazione.accetta_tirocinio,
    TipologiaPercorso.DISTACCO: Postazione.accetta_inserimento,
    TipologiaPercorso.PUBBLICA_UTILITA: Postazione.accetta_assistenziale,
    TipologiaPercorso.PIP: Postazione.accetta_progetto,
}


def matching_positions(session: Session, percorso: Percorso, day: dt.date, limit: int = 50):
    """Suitable positions for a path, best first (DOMAIN.md, "Path types").

    Suitable: active on ``day``, a free seat, accepts the path type, not reserved to another
    Comune. Ranked: reserved to the path's Comune first, then at a host in the person's
    Comune of residence, then most free seats.
    """
    # Seats taken counted once for all positions (a grouped join), not once per position.
    taken = (
        select(Percorso.postazione_id, func.count().label("n"))
        .where(Percorso.stato.in_(HOLDS_SEAT))  # an active path always has its position
        .group_by(Percorso.postazione_id)
        .subquery()
    )
    free = Postazione.posti - func.coalesce(taken.c.n, 0)
    seats = free.label("posti_liberi")
    residence = (percorso.persona.comune_residenza_id if percorso.persona is not None else
                 session.scalar(select(Persona.comune_residenza_id).where(Persona.id == percorso.persona_id)))
    stmt = (
        select(Postazione, seats)
        .join(EnteOspitante, Postazione.ente_id == EnteOspitante.id)
        .outerjoin(taken, taken.c.postazione_id == Postazione.id)
        .options(contains_eager(Postazione.ente))
        .where(
            ACCEPTS[percorso.tipologia].is_(True),
            Postazione.attiva_dal <= day,
            or_(Postazione.attiva_al.is_(None), Postazione.attiva_al >= day),
            or_(Postazione.comune_riservato_id.is_(None), Postazione.comune_riservato_id == percorso.comune_id),
            free > 0,
        )
        .order_by(
            case((Postazione.comune_riservato_id == percorso.comune_id, 0), else_=1),
            case((EnteOspitante.comune_id == literal(residence), 0), else_=1),
            seats.desc(),
            Postazione.mansione,
            Postazione.id,
        )
        .limit(limit)
    )
    return session.execute(stmt).all()
