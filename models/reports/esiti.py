"""Outcome indicators as the Modena programme reports them (DOMAIN.md, programme 4)."""

from __future__ import annotations

from sqlalchemy import Float, Integer, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from ..anagrafiche import CategoriaSvantaggio, Postazione, persona_svantaggio
from ..base import Esito, StatoPercorso
from ..percorsi import Percorso
from .common import Periodo, between

S = StatoPercorso


def _indicators(p: Periodo):
    """The outcome figures over the paths involved in the period (see ``indicatori_esito``)."""
    ended = and_(Percorso.stato == S.CONCLUSO, between(Percorso.data_fine, p))
    hired = and_(ended, Percorso.esito == Esito.ASSUNTO)
    return [
        cast(func.count(func.distinct(Percorso.persona_id)), Integer).label("persone"),
        cast(func.count(func.distinct(Percorso.id)), Integer).label("percorsi"),
        cast(func.count(func.distinct(case((ended, Percorso.id)))), Integer).label("conclusi"),
        cast(func.count(func.distinct(case((hired, Percorso.id)))), Integer).label("assunti"),
        cast(func.count(func.distinct(case((hired, Percorso.id)))) * 1.0
             / func.nullif(func.count(func.distinct(case((ended, Percorso.id)))), 0), Float).label("quota_assunti"),
        cast(func.count(func.distinct(Postazione.ente_id)), Integer).label("enti"),
    ]


def indicatori_esito(session: Session, p: Periodo, comune_id: int | None = None) -> dict:
    """Outcome indicators as the Modena programme reports them (DOMAIN.md, programme 4).

    Paths involved: activated at a position by the period's end and not ended before it starts.
    - persone: distinct people of those paths; percorsi: those paths;
    - conclusi: of those, concluded (state CONCLUSO) with end date in the period;
    - assunti: of the concluded, with outcome hired; quota_assunti = assunti / conclusi;
    - enti: distinct host organisations of the positions of those paths.
    By disadvantage category (a person in two categories counts in both; "none" for people with
    none), by path type, and in total: three statements. COUNT DISTINCT: not additive.
    """
    figures = _indicators(p)

    def base(*cols):
        stmt = (
            select(*cols, *figures)
            .select_from(Percorso)
            .join(Postazione, Percorso.postazione_id == Postazione.id)
            .where(Percorso.data_avvio <= p.al, or_(Percorso.data_fine.is_(None), Percorso.data_fine >= p.dal))
        )
        return stmt.where(Percorso.comune_id == comune_id) if comune_id else stmt

    by_category = (
        base(CategoriaSvantaggio.codice.label("codice"), CategoriaSvantaggio.descrizione.label("descrizione"))
        .outerjoin(persona_svantaggio, persona_svantaggio.c.persona_id == Percorso.persona_id)
        .outerjoin(CategoriaSvantaggio, CategoriaSvantaggio.id == persona_svantaggio.c.categoria_id)
        .group_by(CategoriaSvantaggio.codice, CategoriaSvantaggio.descrizione)
        .order_by(CategoriaSvantaggio.codice.is_(None), CategoriaSvantaggio.codice)
    )
    by_type = base(Percorso.tipologia.label("tipologia")).group_by(Percorso.tipologia).order_by(Percorso.tipologia)
    return {
        "categorie": session.execute(by_category).mappings().all(),
        "tipologie": session.execute(by_type).mappings().all(),
        "totale": session.execute(base()).mappings().all(),
    }
