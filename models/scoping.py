"""Which rows a Comune's social worker may see (DOMAIN.md, "Who works with it").

A ``servizio_sociale`` user sees only their own Comune's people and paths: people
resident in the Comune or referred by it, and the paths (with their diary and
special-category data) that the Comune referred.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select

from .anagrafiche import Comune, DatiSensibili, Persona
from .percorsi import Diario, Percorso


def _persona_filter(comune_id: int) -> ColumnElement[bool]:
    referred = select(Percorso.persona_id).where(Percorso.comune_id == comune_id)
    return or_(Persona.comune_residenza_id == comune_id, Persona.id.in_(referred))


def _persone_ids(comune_id: int):
    referred = select(Percorso.persona_id).where(Percorso.comune_id == comune_id)
    resident = select(Persona.id).where(Persona.comune_residenza_id == comune_id)
    return referred.union(resident)


#: Model -> function(comune_id) giving the SQL condition of the rows in scope.
SCOPES = {
    Persona: _persona_filter,
    DatiSensibili: lambda cid: DatiSensibili.persona_id.in_(_persone_ids(cid)),
    Percorso: lambda cid: Percorso.comune_id == cid,
    Diario: lambda cid: Diario.percorso_id.in_(
        select(Percorso.id).where(Percorso.comune_id == cid)
    ),
    Comune: lambda cid: Comune.id == cid,
}


def comune_filter(model, comune_id: int) -> ColumnElement[bool] | None:
    """The scope condition for ``model``, or None when the model has no Comune scope."""
    rule = SCOPES.get(model)
    return rule(comune_id) if rule else None
