"""The console: one Admin with a view per entity, grouped in the five menus."""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from models import (
    Addebito,
    Budget,
    CategoriaSvantaggio,
    Comune,
    DatiSensibili,
    Diario,
    EnteOspitante,
    Fattura,
    NucleoFamiliare,
    Ore,
    Pagamento,
    Percorso,
    Persona,
    Postazione,
    Programma,
    RegistroAudit,
    Ruolo,
    Utente,
    VoceListino,
    Voucher,
)
from models.base import euro

from .amministrazione import CategoriaSvantaggioView, RegistroAuditView, RuoloView, UtenteView
from .anagrafiche import (
    ComuneView,
    DatiSensibiliView,
    EnteOspitanteView,
    NucleoFamiliareView,
    PersonaView,
    PostazioneView,
)
from .base import SecureIndexView
from .fatture import FatturaView, PagamentoView
from .percorsi import AddebitoView, DiarioView, OreView, PercorsoView, VoucherView
from .programmi import BudgetView, ProgrammaView, VoceListinoView
from .scadenze import ScadenzeView

ANAGRAFICHE = _l("Registry")
PERCORSI = _l("Paths")
PROGRAMMI = _l("Programmes and budgets")
FATTURAZIONE = _l("Invoicing")
AMMINISTRAZIONE = _l("Administration")

#: (view class, model, menu label, endpoint, category)
VIEWS = (
    (PersonaView, Persona, _l("People"), "persona", ANAGRAFICHE),
    (DatiSensibiliView, DatiSensibili, _l("Sensitive data"), "dati_sensibili", ANAGRAFICHE),
    (EnteOspitanteView, EnteOspitante, _l("Host organisations"), "ente", ANAGRAFICHE),
    (PostazioneView, Postazione, _l("Positions"), "postazione", ANAGRAFICHE),
    (ComuneView, Comune, _l("Comuni"), "comune", ANAGRAFICHE),
    (NucleoFamiliareView, NucleoFamiliare, _l("Households"), "nucleo", ANAGRAFICHE),
    (PercorsoView, Percorso, _l("Paths"), "percorso", PERCORSI),
    (VoucherView, Voucher, _l("Vouchers"), "voucher", PERCORSI),
    (OreView, Ore, _l("Hours"), "ore", PERCORSI),
    (DiarioView, Diario, _l("Diary"), "diario", PERCORSI),
    (AddebitoView, Addebito, _l("Charges"), "addebito", PERCORSI),
    (ProgrammaView, Programma, _l("Programmes"), "programma", PROGRAMMI),
    (VoceListinoView, VoceListino, _l("Price list"), "listino", PROGRAMMI),
    (BudgetView, Budget, _l("Budgets"), "budget", PROGRAMMI),
    (FatturaView, Fattura, _l("Invoices"), "fattura", FATTURAZIONE),
    (PagamentoView, Pagamento, _l("Payments"), "pagamento", FATTURAZIONE),
    (UtenteView, Utente, _l("Users"), "utente", AMMINISTRAZIONE),
    (RuoloView, Ruolo, _l("Roles"), "ruolo", AMMINISTRAZIONE),
    (CategoriaSvantaggioView, CategoriaSvantaggio, _l("Disadvantage categories"), "categoria", AMMINISTRAZIONE),
    (RegistroAuditView, RegistroAudit, _l("Audit log"), "audit", AMMINISTRAZIONE),
)


def init_admin(app: Flask) -> Admin:
    """Create the Admin for ``app`` and register every view (before any request)."""
    admin = Admin(
        app,
        name=_l("PAL console"),
        theme=Bootstrap4Theme(fluid=True, base_template="admin/console_base.html"),
        index_view=SecureIndexView(name=_l("Home"), url="/admin"),
    )
    app.jinja_env.globals["euro"] = euro
    with app.app_context():
        for view_cls, model, name, endpoint, category in VIEWS:
            admin.add_view(view_cls(model, name=name, endpoint=endpoint, category=category))
        admin.add_view(ScadenzeView(name=_l("Deadlines"), endpoint="scadenze", category=PERCORSI))
        from .fogli_ore import FogliOreView

        admin.add_view(FogliOreView(name=_l("Timesheets"), endpoint="fogli_ore", url="/admin/fogli-ore",
                                    category=_l("Reports")))
        from .report import ReportView

        admin.add_view(ReportView(name=_l("Report"), endpoint="report", category=_l("Reports")))
    return admin
