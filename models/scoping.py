"""Which rows a Comune's social worker may see (DOMAIN.md, "Who works with it").

A ``servizio_sociale`` user sees only their own Comune's people and paths: people
resident in the Comune or referred by it, and the paths (with their diary and
special-category data) that the Comune referred.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from .anagrafiche import Comune, DatiSensibili, Persona
from .percorsi import Diario, Percorso
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
}


def comune_filter(model, comune_id: int) -> ColumnElement[bool] | None:
    """The scope condition for ``model``, or None when the model has no Comune scope."""
    rule = SCOPES.get(model)
    return rule(comune_id) if rule else None
