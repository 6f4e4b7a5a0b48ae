"""Percorsi: paths, vouchers with their lines, hours, diary and charges."""

from __future__ import annotations

from flask import has_request_context, request
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import ValidationError

from models import (
    Addebito,
    Diario,
    EnteOspitante,
    Ore,
    Percorso,
    Persona,
    Postazione,
    Voucher,
    clock,
    db,
)
from models.errors import DomainError
from models.operations import ore as ore_ops
from models.operations import prezzi
from models.operations.diario import check_diary_entry
from models.operations.tipologie import check_referral
from models.queries.home import hours_missing, internship_ending, internship_past_end
from models.validation import parse_id

from .base import ConsoleInline, RoleModelView
from .documenti import DocumentiMixin
from .filters import ConditionFilter, MonthFilter
from .fogli_ore import FogliOreActionMixin
from .ore_mese import MonthGridMixin
from .scoping import paths_search, people_search, scoped_comune_id
from .workflow import WorkflowMixin

#: Picker of paths by the person's surname or codice fiscale.
PERCORSO_PICKER = {
    "fields": (Persona.cognome, Persona.codice_fiscale),
    "join": (Percorso.persona,),
    "options": (joinedload(Percorso.comune),),
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
    "obiettivi": _l("Objectives of the individual project"),
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
    "lordo": _l("Gross total"),
    "percorso.stato": _l("State of the path"),
    "percorso.comune": _l("Comune"),
    "created_at": _l("Recorded on"),
    "ore_id": _l("Hours"),
    "descrizione_addebito": _l("Description"),
    "importo_impegnato": _l("Committed amount"),
    "riga_fattura": _l("Invoice line"),
    "assenza": _l("Absence"),
    "inviante": _l("Referred by"),
    "cooperativa": _l("Social cooperative"),
    "nucleo": _l("Household"),
    "riga_voucher": _l("Voucher line"),
}


#: Active paths without attendance hours in a month (the home page's "hours to enter").
HOURS_MISSING = MonthFilter(Percorso.id, _l("Without attendance hours"), hours_missing)
#: Internships past their planned end, or ending within 30 days (the home page's counts).
PAST_END = ConditionFilter(Percorso.id, _l("Internship past its planned end"),
                           lambda: internship_past_end(clock.today()))
ENDING = ConditionFilter(Percorso.id, _l("Internship ending within 30 days"),
                         lambda: internship_ending(clock.today()))
#: Charges not yet on an invoice (the accountants' "to invoice").
UNINVOICED = ConditionFilter(Addebito.id, _l("Not yet invoiced"), lambda: Addebito.riga_fattura_id.is_(None))


class PercorsoView(FogliOreActionMixin, DocumentiMixin, WorkflowMixin, RoleModelView):
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
        "data_fine_prevista",
        HOURS_MISSING,
        PAST_END,
        ENDING,
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
        "obiettivi",
        "note",
    )
    form_ajax_refs = {
        "persona": {"fields": ("cognome", "nome", "codice_fiscale"), "order_by": "cognome"},
        "comune": {"fields": ("nome", "codice_istat"), "order_by": "nome"},
        "operatore": {"fields": ("cognome", "nome", "email"), "order_by": "cognome"},
        "assistente_sociale": {"fields": ("cognome", "nome", "email"), "order_by": "cognome"},
        # The employer of the case page's hiring step (any host may hire).
        "datore_lavoro": {"fields": ("ragione_sociale", "codice_fiscale"), "order_by": "ragione_sociale"},
        # The position filter of the month grid (issue 12): by task or host name.
        "postazione": {"fields": (Postazione.mansione, EnteOspitante.ragione_sociale),
                       "join": (Postazione.ente,), "order_by": Postazione.mansione},
        "cooperativa": {"fields": ("ragione_sociale", "codice_fiscale"), "order_by": "ragione_sociale"},
        "nucleo": {"fields": ("intestatario",), "order_by": "intestatario"},
    }
    column_labels = PERCORSO_LABELS

    def _trim_form(self, form):
        """A social worker files referrals for their own Comune only."""
        if scoped_comune_id() is not None:
            for name in ("comune", "operatore", "assistente_sociale", "obiettivi"):
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


def _voucher_path_id() -> int | None:
    """The path of the voucher being written: posted, passed in the URL, or the edited one's."""
    if request.method == "POST" and "percorso" in request.form:
        return parse_id(request.form.get("percorso"))
    if request.args.get("percorso"):
        return parse_id(request.args.get("percorso"))
    vid = parse_id(request.args.get("id"))
    if vid is not None and request.endpoint == "voucher.edit_view":
        return db.session.scalar(select(Voucher.percorso_id).where(Voucher.id == vid))
    return None


def _voucher_items():
    """Only the path's programme's price list (models/operations/prezzi.py); the proposal
    checks it again on save (models/operations/voucher.py)."""
    if not has_request_context():
        return []
    return prezzi.items_for_path(db.session, _voucher_path_id())


class RigaVoucherInline(ConsoleInline):
    form_columns = ("id", "voce_listino", "quantita")
    form_label = _l("Lines")
    item_label, new_label, add_label = _l("Line"), _l("New line"), _l("Add a line")
    column_labels = {"voce_listino": _l("Price-list item"), "quantita": _l("Quantity")}
    form_args = {"voce_listino": {"query_factory": _voucher_items}}


class OreView(MonthGridMixin, RoleModelView):
    permissions = {"operatore": "rced", "pal": "r", "amministrazione": "r", "admin": "rced", "tutor_coop": "r"}
    list_loads = (
        joinedload(Ore.percorso).joinedload(Percorso.persona),
        joinedload(Ore.percorso).joinedload(Percorso.comune),
        joinedload(Ore.operatore),
    )
    column_list = ("percorso", "data", "tipo", "ore", "assenza", "operatore", "note")
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
        joinedload(Diario.percorso).joinedload(Percorso.comune),
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
        """models/operations/diario.py: what happened, on a day from the referral to today."""
        check_diary_entry(model)
        if is_created and model.autore_id is None:
            model.autore_id = current_user.id


def _fatturato(view, context, model, name):
    return gettext("yes") if model.riga_fattura_id else gettext("no")


class AddebitoView(RoleModelView):
    """Charges are born from workflow actions; here they are only read."""

    permissions = {"operatore": "r", "pal": "r", "amministrazione": "r", "admin": "r"}
    list_loads = (
        joinedload(Addebito.percorso).joinedload(Percorso.persona),
        joinedload(Addebito.percorso).joinedload(Percorso.comune),
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

    column_filters = ("data", "voce_listino.tipo", "percorso.comune.nome", UNINVOICED)
    column_labels = PERCORSO_LABELS
