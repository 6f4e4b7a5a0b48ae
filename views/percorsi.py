"""Percorsi: paths, vouchers with their lines, hours, diary and charges."""

from __future__ import annotations

from flask_admin.model.form import InlineFormAdmin
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms import ValidationError

from models import (
    Addebito,
    Diario,
    Ore,
    Percorso,
    Persona,
    Postazione,
    RigaVoucher,
    Voucher,
    db,
)
from models.errors import DomainError
from models.operations import ore as ore_ops
from models.operations import voucher as voucher_ops
from models.operations.tipologie import check_referral

from .base import RoleModelView
from .fogli_ore import FogliOreActionMixin
from .ore_mese import MonthGridMixin
from .scoping import paths_search, people_search, scoped_comune_id
from .workflow import WorkflowMixin

#: Picker of paths by the person's surname or codice fiscale.
PERCORSO_PICKER = {
    "fields": (Persona.cognome, Persona.codice_fiscale),
    "join": (Percorso.persona,),
    "order_by": Persona.cognome,
}

PERCORSO_LABELS = {
    "percorso": _l("Path"),
    "persona": _l("Person"),
    "persona.cognome": _l("Surname"),
    "persona.codice_fiscale": _l("Codice fiscale"),
    "percorso.persona.cognome": _l("Surname"),
    "percorso.persona.codice_fiscale": _l("Codice fiscale"),
    "percorso.comune.nome": _l("Comune"),
    "comune": _l("Referring Comune"),
    "comune.nome": _l("Referring Comune"),
    "programma": _l("Programme"),
    "programma.nome": _l("Programme"),
    "tipologia": _l("Path type"),
    "stato": _l("State"),
    "data_segnalazione": _l("Referral date"),
    "segnalazione_di_gruppo": _l("Group referral"),
    "proroga_giorni": _l("Intake extension (days)"),
    "motivo_proroga": _l("Reason for the extension"),
    "data_presa_in_carico": _l("Intake date"),
    "data_primo_colloquio": _l("First interview"),
    "data_avvio": _l("Start date"),
    "data_fine_prevista": _l("Planned end"),
    "data_fine": _l("End date"),
    "operatore": _l("Case worker"),
    "operatore.cognome": _l("Case worker"),
    "assistente_sociale": _l("Social worker"),
    "postazione": _l("Position"),
    "postazione.ente.ragione_sociale": _l("Host"),
    "esito": _l("Outcome"),
    "data_assunzione": _l("Hiring date"),
    "datore_lavoro": _l("Employer"),
    "tipo_contratto": _l("Contract type"),
    "motivo_chiusura": _l("Reason for closing"),
    "note": _l("Notes"),
    "data": _l("Date"),
    "tipo": _l("Kind"),
    "ore": _l("Hours"),
    "descrizione": _l("Description"),
    "autore": _l("Author"),
    "voce_listino": _l("Price-list item"),
    "voce_listino.tipo": _l("Item kind"),
    "quantita": _l("Quantity"),
    "importo": _l("Amount"),
    "imponibile": _l("Taxable total"),
    "data_proposta": _l("Proposal date"),
    "data_decisione": _l("Decision date"),
    "decisore": _l("Decided by"),
    "motivo_rifiuto": _l("Reason for rejection"),
    "righe": _l("Lines"),
    "fatturato": _l("Invoiced"),
    "inviante": _l("Referred by"),
    "cooperativa": _l("Social cooperative"),
    "nucleo": _l("Household"),
    "riga_voucher": _l("Voucher line"),
}


class PercorsoView(FogliOreActionMixin, WorkflowMixin, RoleModelView):
    permissions = {
        "operatore": "rce",
        "pal": "r",
        "amministrazione": "r",
        "servizio_sociale": "rc",
        "admin": "rced",
        "tutor_coop": "r",
    }
    list_loads = (
        joinedload(Percorso.persona),
        joinedload(Percorso.comune),
        joinedload(Percorso.programma),
        joinedload(Percorso.operatore),
        joinedload(Percorso.postazione).joinedload(Postazione.ente),
    )
    column_list = (
        "persona",
        "persona.codice_fiscale",
        "comune",
        "tipologia",
        "stato",
        "data_segnalazione",
        "data_presa_in_carico",
        "data_avvio",
        "postazione",
        "operatore",
    )
    column_default_sort = ("data_segnalazione", True)
    column_sortable_list = (
        ("persona", "persona.cognome"),
        ("comune", "comune.nome"),
        "tipologia",
        "stato",
        "data_segnalazione",
        "data_presa_in_carico",
        "data_avvio",
    )
    column_searchable_list = ("persona.cognome", "persona.codice_fiscale")

    def search_clause(self, search):
        return people_search(Percorso.persona_id, search)

    column_filters = (
        "comune.nome",
        "stato",
        "tipologia",
        "programma.nome",
        "data_segnalazione",
        "postazione.ente.ragione_sociale",
        "operatore.cognome",
        "esito",
    )
    column_details_exclude_list = ("vouchers", "diario")
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-folder-open", ".case_view", title=_l("Case page"))
    ]
    form_columns = (
        "persona",
        "comune",
        "programma",
        "tipologia",
        "inviante",
        "cooperativa",
        "nucleo",
        "data_segnalazione",
        "segnalazione_di_gruppo",
        "operatore",
        "assistente_sociale",
        "note",
    )
    form_ajax_refs = {
        "persona": {"fields": ("cognome", "nome", "codice_fiscale"), "order_by": "cognome"},
        "comune": {"fields": ("nome", "codice_istat"), "order_by": "nome"},
        "operatore": {"fields": ("cognome", "nome", "email"), "order_by": "cognome"},
        "assistente_sociale": {"fields": ("cognome", "nome", "email"), "order_by": "cognome"},
        # The employer of the case page's hiring step (any host may hire).
        "datore_lavoro": {"fields": ("ragione_sociale", "codice_fiscale"), "order_by": "ragione_sociale"},
        "cooperativa": {"fields": ("ragione_sociale", "codice_fiscale"), "order_by": "ragione_sociale"},
        "nucleo": {"fields": ("intestatario",), "order_by": "intestatario"},
    }
    column_labels = PERCORSO_LABELS

    def _trim_form(self, form):
        """A social worker files referrals for their own Comune only."""
        if scoped_comune_id() is not None:
            for name in ("comune", "operatore", "assistente_sociale"):
                if hasattr(form, name):
                    delattr(form, name)
        return form

    def create_form(self, obj=None):
        return self._trim_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._trim_form(super().edit_form(obj))

    def check_model(self, model, is_created):
        if scoped_comune_id() is not None and is_created:
            model.comune_id = current_user.comune_id
            model.assistente_sociale_id = current_user.id
        # Issue 14: the programme offers the type; referrer, cooperative, household, district.
        check_referral(model)


class RigaVoucherInline(InlineFormAdmin):
    form_columns = ("id", "voce_listino", "quantita")
    form_label = _l("Lines")
    column_labels = {"voce_listino": _l("Price-list item"), "quantita": _l("Quantity")}


class VoucherView(RoleModelView):
    permissions = {"operatore": "rce", "pal": "r", "amministrazione": "r", "admin": "rced"}
    list_loads = (
        joinedload(Voucher.percorso).joinedload(Percorso.persona),
        joinedload(Voucher.decisore),
        selectinload(Voucher.righe).joinedload(RigaVoucher.voce_listino),
    )
    column_list = ("percorso", "stato", "data_proposta", "data_decisione", "decisore", "imponibile")
    money_columns = ("imponibile",)
    column_default_sort = ("data_proposta", True)
    column_sortable_list = ("stato", "data_proposta", "data_decisione")
    column_searchable_list = ("percorso.persona.cognome", "percorso.persona.codice_fiscale")

    def search_clause(self, search):
        return paths_search(Voucher.percorso_id, search)

    column_filters = ("stato", "data_proposta", "percorso.comune.nome")
    form_columns = ("percorso", "data_proposta", "note")
    inline_models = (RigaVoucherInline(RigaVoucher),)
    form_ajax_refs = {"percorso": PERCORSO_PICKER}
    column_labels = PERCORSO_LABELS

    def check_model(self, model, is_created):
        """Saving a voucher proposes it: models/operations/voucher.py checks the rules (a
        decided voucher never changes) and the user's role."""
        voucher_ops.propose_voucher(db.session, model, by=current_user._get_current_object())

    delete_operation = voucher_ops.delete_proposed_voucher


class OreView(MonthGridMixin, RoleModelView):
    permissions = {"operatore": "rced", "pal": "r", "amministrazione": "r", "admin": "rced", "tutor_coop": "r"}
    list_loads = (
        joinedload(Ore.percorso).joinedload(Percorso.persona),
        joinedload(Ore.operatore),
    )
    column_list = ("percorso", "data", "tipo", "ore", "operatore", "note")
    column_default_sort = [("data", True), ("id", True)]
    column_sortable_list = ("data", "tipo", "ore")
    column_searchable_list = ("percorso.persona.cognome", "percorso.persona.codice_fiscale")

    def search_clause(self, search):
        return paths_search(Ore.percorso_id, search)

    column_filters = ("data", "tipo", "percorso.comune.nome")
    count_cap = 10_000
    form_columns = ("percorso", "data", "tipo", "ore", "operatore", "note")
    form_ajax_refs = {
        "percorso": PERCORSO_PICKER,
        "operatore": {"fields": ("cognome", "nome", "email"), "order_by": "cognome"},
    }
    column_labels = PERCORSO_LABELS

    def check_model(self, model, is_created):
        """DOMAIN.md "Ore": the hours rules of models/operations/ore.py."""
        ore_ops.validate_hours(db.session, model)

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        try:
            ore_ops.sync_tutoring_charge(db.session, model)
        except DomainError as exc:
            raise ValidationError(exc.message) from None

    delete_operation = ore_ops.delete_hours


class DiarioView(RoleModelView):
    permissions = {
        "operatore": "rced",
        "pal": "r",
        "servizio_sociale": "r",
        "admin": "rced",
        "tutor_coop": "rc",
    }
    list_loads = (
        joinedload(Diario.percorso).joinedload(Percorso.persona),
        joinedload(Diario.autore),
    )
    column_list = ("percorso", "data", "tipo", "autore", "descrizione")
    column_default_sort = [("data", True), ("id", True)]
    column_sortable_list = ("data", "tipo")
    column_searchable_list = ("percorso.persona.cognome", "percorso.persona.codice_fiscale")
    count_cap = 10_000

    def search_clause(self, search):
        return paths_search(Diario.percorso_id, search)

    column_filters = ("data", "tipo", "percorso.comune.nome")
    form_columns = ("percorso", "data", "tipo", "descrizione")
    form_ajax_refs = {"percorso": PERCORSO_PICKER}
    column_labels = PERCORSO_LABELS

    def check_model(self, model, is_created):
        if is_created and model.autore_id is None:
            model.autore_id = current_user.id


def _fatturato(view, context, model, name):
    return gettext("yes") if model.riga_fattura_id else gettext("no")


class AddebitoView(RoleModelView):
    """Charges are born from workflow actions; here they are only read."""

    permissions = {"operatore": "r", "pal": "r", "amministrazione": "r", "admin": "r"}
    list_loads = (
        joinedload(Addebito.percorso).joinedload(Percorso.persona),
        joinedload(Addebito.voce_listino),
        joinedload(Addebito.operatore),
    )
    column_list = ("percorso", "voce_listino", "data", "quantita", "importo", "operatore", "note", "fatturato")
    money_columns = ("importo",)
    column_formatters = {"fatturato": _fatturato}
    column_default_sort = [("data", True), ("id", True)]
    column_sortable_list = ("data", "quantita")
    column_searchable_list = ("percorso.persona.cognome", "percorso.persona.codice_fiscale")
    count_cap = 10_000

    def search_clause(self, search):
        return paths_search(Addebito.percorso_id, search)

    column_filters = ("data", "voce_listino.tipo", "percorso.comune.nome")
    column_labels = PERCORSO_LABELS
