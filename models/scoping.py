"""Which rows a Comune's social worker, or a cooperative's tutor, may see (DOMAIN.md, "Who
works with it"; issue 14 for the coop tutor).

A ``servizio_sociale`` user sees only their own Comune's people and paths: people
resident in the Comune or referred by it, and the paths (with their diary and
special-category data) that the Comune referred. A ``tutor_coop`` user sees, the same way,
only their cooperative's people: the paths of which the cooperative is the referrer or the
employer in a secondment, their people, diary and hours.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from .anagrafiche import Comune, DatiSensibili, NucleoFamiliare, Persona
from .percorsi import Diario, Ore, Percorso
from .queries import among


def _persone_ids(comune_id: int):
    referred = select(Percorso.persona_id).where(Percorso.comune_id == comune_id)
    resident = select(Persona.id).where(Persona.comune_residenza_id == comune_id)
    return referred.union(resident)


#: Model -> function(comune_id) giving the SQL condition of the rows in scope.
SCOPES = {
    # Ids first (two indexed lookups), not "resident OR referred" tested on every person.
    Persona: lambda cid: among(Persona.id, _persone_ids(cid)),
    DatiSensibili: lambda cid: among(DatiSensibili.persona_id, _persone_ids(cid)),
    Percorso: lambda cid: Percorso.comune_id == cid,
    Diario: lambda cid: among(Diario.percorso_id, select(Percorso.id).where(Percorso.comune_id == cid)),
    Comune: lambda cid: Comune.id == cid,
    NucleoFamiliare: lambda cid: NucleoFamiliare.comune_id == cid,
}


def comune_filter(model, comune_id: int) -> ColumnElement[bool] | None:
    """The scope condition for ``model``, or None when the model has no Comune scope."""
    rule = SCOPES.get(model)
    return rule(comune_id) if rule else None


def _coop_paths(ente_id: int):
    return select(Percorso.id).where(Percorso.cooperativa_id == ente_id)


#: Model -> function(ente_id) giving the rows a cooperative's tutor sees.
COOP_SCOPES = {
    Persona: lambda eid: among(Persona.id, select(Percorso.persona_id).where(Percorso.cooperativa_id == eid)),
    Percorso: lambda eid: Percorso.cooperativa_id == eid,
    Diario: lambda eid: among(Diario.percorso_id, _coop_paths(eid)),
    Ore: lambda eid: among(Ore.percorso_id, _coop_paths(eid)),
}


def cooperativa_filter(model, ente_id: int) -> ColumnElement[bool] | None:
    """The scope condition of a cooperative's tutor for ``model``, or None (nothing visible)."""
    rule = COOP_SCOPES.get(model)
    return rule(ente_id) if rule else None
