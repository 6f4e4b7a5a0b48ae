"""Programmi e budget: programmes with their price lists, budgets with their changes."""

from __future__ import annotations

from flask_admin.model.form import InlineFormAdmin
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from models import Budget, TipologiaProgramma, VariazioneBudget, VoceListino, db
from models.queries import load_budget_figures

from .base import RoleModelView

READ_ALL = {"operatore": "r", "pal": "r", "amministrazione": "r"}

LABELS = {
    "nome": _l("Name"),
    "titolare": _l("Holder"),
    "descrizione": _l("Description"),
    "data_inizio": _l("Start"),
    "data_fine": _l("End"),
    "giorni_presa_in_carico": _l("Days for intake"),
    "giorni_avvio": _l("Days for activation"),
    "indennita_mensile": _l("Monthly indemnity"),
    "presenza_minima_pct": _l("Minimum attendance (%)"),
    "indennita_pro_rata": _l("Pro-rata indemnity below the minimum"),
    "cig": _l("CIG"),
    "cup": _l("CUP"),
    "voci": _l("Price list"),
    "programma": _l("Programme"),
    "programma.nome": _l("Programme"),
    "codice": _l("Code"),
    "tipo": _l("Kind"),
    "unita": _l("Unit"),
    "prezzo_unitario": _l("Unit price"),
    "aliquota_iva": _l("VAT rate (%)"),
    "valido_dal": _l("Valid from"),
    "valido_al": _l("Valid until"),
    "comune": _l("Comune"),
    "comune.nome": _l("Comune"),
    "importo_iniziale": _l("Initial amount"),
    "stanziato": _l("Allocated"),
    "impegnato": _l("Committed"),
    "consumato": _l("Consumed"),
    "fatturato": _l("Invoiced"),
    "residuo": _l("Remaining"),
    "criteri": _l("Criteria"),
    "variazioni": _l("Changes"),
    "natura": _l("VAT nature (no VAT)"),
    "riferimento_normativo": _l("Legal reference"),
    "regola_assunzione": _l("Hiring fee"),
    "fonte_regola_assunzione": _l("Price-list wording of the hiring rule"),
    "budget_capofila": _l("Budgets held by the district's lead Comune"),
    "tipologie": _l("Path types offered"),
    "tipologia": _l("Path type"),
    "ore_minime": _l("Minimum hours"),
    "ore_massime": _l("Maximum hours"),
    "note": _l("Notes"),
}


class VoceListinoInline(InlineFormAdmin):
    form_columns = (
        "id",
        "codice",
        "descrizione",
        "tipo",
        "unita",
        "prezzo_unitario",
        "aliquota_iva",
        "natura",
        "riferimento_normativo",
        "valido_dal",
        "valido_al",
    )
    column_labels = LABELS


class TipologiaProgrammaInline(InlineFormAdmin):
    form_columns = ("id", "tipologia", "ore_minime", "ore_massime", "note")
    column_labels = LABELS


class ProgrammaView(RoleModelView):
    permissions = {**READ_ALL, "admin": "rced"}
    column_list = ("nome", "titolare", "data_inizio", "data_fine", "giorni_presa_in_carico", "giorni_avvio")
    column_default_sort = ("nome", False)
    column_searchable_list = ("nome", "titolare")
    column_filters = ("data_inizio", "data_fine")
    form_columns = (
        "nome",
        "titolare",
        "descrizione",
        "data_inizio",
        "data_fine",
        "giorni_presa_in_carico",
        "giorni_avvio",
        "indennita_mensile",
        "presenza_minima_pct",
        "indennita_pro_rata",
        "cig",
        "cup",
        "regola_assunzione",
        "fonte_regola_assunzione",
        "budget_capofila",
    )
    inline_models = (TipologiaProgrammaInline(TipologiaProgramma), VoceListinoInline(VoceListino))
    money_columns = ("indennita_mensile",)
    column_labels = LABELS


class VoceListinoView(RoleModelView):
    permissions = {**READ_ALL, "admin": "rced"}
    list_loads = (joinedload(VoceListino.programma),)
    column_list = ("programma", "codice", "descrizione", "tipo", "unita", "prezzo_unitario", "aliquota_iva", "natura",
                   "valido_dal", "valido_al")
    column_default_sort = [("codice", False), ("valido_dal", True)]
    column_sortable_list = (("programma", "programma.nome"), "codice", "tipo", "prezzo_unitario", "valido_dal", "valido_al")
    column_searchable_list = ("codice", "descrizione")
    column_filters = ("programma.nome", "tipo", "valido_dal", "valido_al")
    form_columns = ("programma", "codice", "descrizione", "tipo", "unita", "prezzo_unitario", "aliquota_iva", "natura",
                    "riferimento_normativo", "valido_dal", "valido_al")
    money_columns = ("prezzo_unitario",)
    column_labels = LABELS


class VariazioneInline(InlineFormAdmin):
    form_columns = ("id", "data", "importo", "motivo")
    column_labels = {"data": _l("Date"), "importo": _l("Amount (+/-)"), "motivo": _l("Reason")}


class BudgetView(RoleModelView):
    permissions = {**READ_ALL, "pal": "rce", "admin": "r"}
    list_loads = (
        joinedload(Budget.comune),
        joinedload(Budget.programma),
    )
    column_list = (
        "comune",
        "programma",
        "data_inizio",
        "data_fine",
        "stanziato",
        "impegnato",
        "consumato",
        "fatturato",
        "residuo",
    )
    money_columns = ("importo_iniziale", "stanziato", "impegnato", "consumato", "fatturato", "residuo")
    column_details_list = (
        "comune", "programma", "data_inizio", "data_fine", "importo_iniziale", "variazioni",
        "stanziato", "impegnato", "consumato", "fatturato", "residuo", "criteri", "cig", "cup",
    )
    column_default_sort = [("data_inizio", True), ("id", False)]
    column_sortable_list = (
        ("comune", "comune.nome"),
        ("programma", "programma.nome"),
        "data_inizio",
        "data_fine",
        "stanziato",
    )
    column_searchable_list = ("comune.nome",)
    column_filters = ("comune.nome", "programma.nome", "data_inizio", "data_fine")
    form_columns = ("programma", "comune", "data_inizio", "data_fine", "importo_iniziale", "criteri", "cig", "cup")
    inline_models = (VariazioneInline(VariazioneBudget),)
    form_ajax_refs = {"comune": {"fields": ("nome", "codice_istat"), "order_by": "nome"}}
    column_labels = LABELS

    def get_list(self, *args, **kwargs):
        # The figures of the page's budgets only, in one more statement (models/queries/budget.py).
        count, rows = super().get_list(*args, **kwargs)
        if isinstance(rows, list):
            load_budget_figures(db.session, rows)
        return count, rows
