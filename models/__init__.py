"""The domain model: every table of DOMAIN.md, split by aggregate."""

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
from .errors import DomainError
from .fatture import Fattura, Pagamento, RigaFattura
from .percorsi import Addebito, Diario, Ore, Percorso, RigaVoucher, Voucher
from .programmi import Budget, Programma, TipologiaProgramma, VariazioneBudget, VoceListino
from .queries.budget import attach_budget_figures
from .utenti import RUOLI, Ruolo, Utente, ruoli_utenti
from .variazioni import RigaVariazione, VariazioneVoucher

# Budget's SQL figures read vouchers, charges and invoices: mapped here, once all are defined.
attach_budget_figures(Budget)

__all__ = [
    "Addebito",
    "Base",
    "Budget",
    "CategoriaSvantaggio",
    "Comune",
    "DatiSensibili",
    "Diario",
    "DomainError",
    "EnteOspitante",
    "Fattura",
    "NucleoFamiliare",
    "Ore",
    "Pagamento",
    "Percorso",
    "Persona",
    "Postazione",
    "Programma",
    "RUOLI",
    "RegistroAudit",
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
