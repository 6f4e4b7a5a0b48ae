"""Report read models in SQL (DOMAIN.md, "Reports that users expect"): one statement per table.

Every function returns rows (``RowMapping``) straight from one aggregating statement (GROUP BY,
CASE, COUNT DISTINCT); nothing here loops over rows. A period is inclusive at both ends.
Per-Comune tables end with a total row (``comune_id`` NULL, ``ordine`` 1) computed by the same
statement over a CTE, so a report costs the same few statements whatever the number of Comuni.
The README ("Reports") defines every figure; the docstrings say the same, shorter.

One module per report (semestrale, trimestrale, esiti, contabilita: budget and invoices);
``compute`` is what the Report page and ``flask export`` ask for a report by its code.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .common import Periodo
from .contabilita import registro_fatture, verifica_budget
from .esiti import indicatori_esito
from .programmi import distacchi, pip_servizi, pubblica_utilita
from .semestrale import SEMESTRALE, semestrale
from .trimestrale import ore_per_comune, percorsi_per_stato, scadenze_mancate, stato_al, trimestrale

__all__ = [
    "KINDS",
    "SEMESTRALE",
    "Periodo",
    "compute",
    "distacchi",
    "indicatori_esito",
    "ore_per_comune",
    "percorsi_per_stato",
    "pip_servizi",
    "pubblica_utilita",
    "registro_fatture",
    "scadenze_mancate",
    "semestrale",
    "stato_al",
    "trimestrale",
    "verifica_budget",
]

#: The reports by code: code -> fn(session, periodo, comune_id). The invoice register takes
#: the year of the period's end.
KINDS = {
    "semestrale": semestrale,
    "trimestrale": trimestrale,
    "budget": verifica_budget,
    "esiti": indicatori_esito,
    "registro-fatture": lambda session, periodo, comune_id=None: registro_fatture(
        session, periodo.al.year, comune_id),
    # Issue 14: the reports of the programme kinds (models/reports/programmi.py).
    "distacchi": distacchi,
    "pubblica-utilita": pubblica_utilita,
    "pip": pip_servizi,
}


def compute(session: Session, kind: str, periodo: Periodo, comune_id: int | None = None):
    """The rows of report ``kind`` (a KeyError for an unknown code)."""
    return KINDS[kind](session, periodo, comune_id)
