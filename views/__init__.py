"""The console: one Admin with a view per entity, grouped in the five menus."""

from __future__ import annotations

from pathlib import Path

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
    LetturaDatiSensibili,
    NucleoFamiliare,
    Ore,
    Pagamento,
    Percorso,
    Persona,
    Postazione,
    Programma,
    RegistroAudit,
    Ruolo,
    TentativoAccesso,
    Utente,
    VoceListino,
    Voucher,
)
from models.base import euro, quantity

from .amministrazione import (
    CategoriaSvantaggioView,
    LetturaDatiSensibiliView,
    RegistroAuditView,
    RuoloView,
    TentativoAccessoView,
    UtenteView,
)
from .anagrafiche import (
    ComuneView,
    DatiSensibiliView,
    EnteOspitanteView,
    NucleoFamiliareView,
    PersonaView,
    PostazioneView,
)
from .base import allowed
from .errors import register_error_pages
from .fatture import FatturaView, PagamentoView
from .fields import date_locale
from .griglia_ore import GrigliaOreView
from .hardening import csp_nonce
from .home import SecureIndexView
from .percorsi import AddebitoView, DiarioView, OreView, PercorsoView
from .programmi import BudgetView, ProgrammaView, VoceListinoView
from .scadenze import ScadenzeView
from .voucher import VoucherView

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
    (TentativoAccessoView, TentativoAccesso, _l("Login log"), "accessi", AMMINISTRAZIONE),
    (LetturaDatiSensibiliView, LetturaDatiSensibili, _l("Sensitive data readings"), "letture",
     AMMINISTRAZIONE),
)


def init_admin(app: Flask) -> Admin:
    """Create the Admin for ``app`` and register every view (before any request)."""
    admin = Admin(
        app,
        name=_l("PAL console"),
        theme=Bootstrap4Theme(fluid=True, base_template="admin/console_base.html"),
        index_view=SecureIndexView(name=_l("Home"), url="/admin"),
        # Flask-Admin writes this nonce on its <script> tags; views/hardening.py sends it in
        # the Content-Security-Policy of the same response.
        csp_nonce_generator=csp_nonce,
    )
    app.jinja_env.globals.update(euro=euro, quantity=quantity, allowed=allowed, date_locale=date_locale)
    app.jinja_env.filters["qty"] = quantity
    use_console_admin_catalog()
    with app.app_context():
        for view_cls, model, name, endpoint, category in VIEWS:
            admin.add_view(view_cls(model, name=name, endpoint=endpoint, category=category))
        admin.add_view(GrigliaOreView(name=_l("Hours of the month"), endpoint="griglia_ore",
                                      url="/admin/ore-del-mese", category=PERCORSI))
        admin.add_view(ScadenzeView(name=_l("Deadlines"), endpoint="scadenze", category=PERCORSI))
        from .fogli_ore import FogliOreView

        admin.add_view(FogliOreView(name=_l("Timesheets"), endpoint="fogli_ore", url="/admin/fogli-ore",
                                    category=_l("Reports")))
        from .report import ReportView

        admin.add_view(ReportView(name=_l("Report"), endpoint="report", category=_l("Reports")))
        from .importa import ImportView

        admin.add_view(ImportView(name=_l("Import from spreadsheets"), endpoint="importa", url="/admin/importa",
                                  category=AMMINISTRAZIONE))
    # endpoint -> view, for allowed(): links and actions shown only to the roles they open to.
    app.extensions["console_views"] = {v.endpoint: v for v in admin._views}
    register_error_pages(app, admin)
    return admin


#: The console's corrections and additions to Flask-Admin's Italian catalog (domain "admin").
ADMIN_CATALOG = str(Path(__file__).resolve().parent.parent / "translations")


def use_console_admin_catalog() -> None:
    """Merge translations/<lang>/LC_MESSAGES/admin.mo after Flask-Admin's own catalog, so that
    ours wins: Flask-Admin 2.2.1's compiled Italian catalog lacks some strings ("Failed to
    create record.", "20 items") and gets others wrong ("piú grande di"). Flask-Admin's own
    ``translations_path`` puts a catalog first, where it can add strings but not correct them
    (flask-admin #1882; notes/flask-admin-2.md section 4): the property below puts ours last,
    whatever the current view. tests/test_i18n.py asserts the strings it fixes."""
    import flask_admin.babel as admin_babel
    from flask_babel import Domain

    def directories(domain) -> list[str]:
        return [*Domain.translation_directories.fget(domain), ADMIN_CATALOG]

    admin_babel.CustomDomain.translation_directories = property(directories)
    admin_babel.domain.cache.clear()
