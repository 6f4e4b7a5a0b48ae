"""The domain model: every table of DOMAIN.md, split by aggregate."""

from .accessi import LetturaDatiSensibili, TentativoAccesso
from .anagrafiche import (
    CategoriaSvantaggio,
    Comune,
    DatiSensibili,
    EnteOspitante,
    NucleoFamiliare,
    Persona,
    Postazione,
    persona_svantaggio,
)
from .audit import RegistroAudit
from .base import Base, db
from .documenti import AllegatoPercorso, DocumentoGenerato, TipoDocumentoPercorso
from .errors import DomainError
from .fatture import Fattura, Pagamento, RigaFattura
from .percorsi import Addebito, Diario, Ore, Percorso, Proroga, RigaVoucher, Voucher
from .programmi import (
    Budget,
    DurataTirocinio,
    Programma,
    RegolaIndennita,
    TipologiaProgramma,
    VariazioneBudget,
    VoceListino,
)
from .queries.budget import attach_budget_figures
from .sdi import ErroreSdi, NotificaSdi, NumeratoreSdi, TrasmissioneSdi
from .utenti import RUOLI, Ruolo, Utente, ruoli_utenti
from .variazioni import RigaVariazione, VariazioneVoucher

# Budget's SQL figures read vouchers, charges and invoices: mapped here, once all are defined.
attach_budget_figures(Budget)


def _never_reuse_ids() -> None:
    """AUTOINCREMENT on SQLite for every table with an integer id: without it SQLite hands a
    deleted row's id to the next insert, and an audit row or a reading of special-category
    data would then name two records (migration 0007; PostgreSQL sequences never reuse)."""
    for table in Base.metadata.tables.values():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].name == "id":
            table.dialect_options["sqlite"]["autoincrement"] = True


_never_reuse_ids()

__all__ = [
    "Addebito",
    "ErroreSdi",
    "NotificaSdi",
    "NumeratoreSdi",
    "TrasmissioneSdi",
    "AllegatoPercorso",
    "DocumentoGenerato",
    "TipoDocumentoPercorso",
    "Base",
    "Budget",
    "CategoriaSvantaggio",
    "Comune",
    "DatiSensibili",
    "Diario",
    "DurataTirocinio",
    "DomainError",
    "EnteOspitante",
    "LetturaDatiSensibili",
    "TentativoAccesso",
    "Fattura",
    "NucleoFamiliare",
    "Ore",
    "Pagamento",
    "Percorso",
    "Persona",
    "Postazione",
    "Programma",
    "Proroga",
    "RUOLI",
    "RegistroAudit",
    "RegolaIndennita",
    "TipologiaProgramma",
    "RigaFattura",
    "RigaVariazione",
    "RigaVoucher",
    "Ruolo",
    "Utente",
    "VariazioneBudget",
    "VariazioneVoucher",
    "VoceListino",
    "Voucher",
    "db",
    "persona_svantaggio",
    "ruoli_utenti",
]
