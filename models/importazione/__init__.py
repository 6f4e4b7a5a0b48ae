"""Moving in from spreadsheets (issue 13): people, hosts, positions, paths with their history,
hours and budgets from .xlsx, .ods and .csv, with a dry run, all or nothing, repeatable.

The core is pure of Flask: reading (lettura), headers (colonne), values (valori), the report
(rapporto); the kinds (tipo_*) write through the models and models/operations, and the engine
(motore) runs a file through one of them. Callers (the CLI, the console page) commit.
"""

from .motore import CHI_IMPORTA, TIPI, kinds_for, run_import
from .rapporto import ERRATA, INVARIATA, MODIFICATA, NUOVA, Rapporto, RisultatoRiga
from .tipo_budget import Budgets
from .tipo_enti import Enti
from .tipo_ore import OreImport
from .tipo_percorsi import Percorsi
from .tipo_persone import Persone
from .tipo_postazioni import Postazioni

for _tipo in (Persone(), Enti(), Postazioni(), Percorsi(), OreImport(), Budgets()):
    TIPI[_tipo.name] = _tipo

__all__ = [
    "CHI_IMPORTA",
    "ERRATA",
    "INVARIATA",
    "MODIFICATA",
    "NUOVA",
    "Rapporto",
    "RisultatoRiga",
    "TIPI",
    "kinds_for",
    "run_import",
]
