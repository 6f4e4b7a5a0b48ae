"""Programmi e budget: programmes with their price lists, budgets with their changes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from wtforms import ValidationError

from models import (
    Budget,
    DurataTirocinio,
    RegolaIndennita,
    TipologiaProgramma,
    VariazioneBudget,
    VoceListino,
    db,
)
from models.errors import DomainError
from models.operations.regole import check_programme_rules
from models.queries import load_budget_figures
from models.queries.home import BUDGET_ALERT_SHARE

from .base import ConsoleInline, RoleModelView
from .converters import cig_cup_args
from .filters import ConditionFilter

READ_ALL = {"operatore": "r", "pal": "r", "amministrazione": "r"}

LABELS = {
    "nome": _l("Name"),
    "titolare": _l("Holder"),
    "descrizione": _l("Description"),
    "data_inizio": _l("Start"),
    "data_fine": _l("End"),
    "giorni_presa_in_carico": _l("Days for intake"),
    "giorni_avvio": _l("Days for activation"),
    "regole_indennita": _l("Indemnity rules"),
    "durate_tirocinio": _l("Internship lengths"),
    "cig": _l("CIG"),
    "cup": _l("CUP"),
    "cig_obbligatorio": _l("CIG required on invoices"),
    "determina_numero": _l("Resolution (determina) no."),
    "determina_data": _l("Resolution date"),
    "impegno": _l("Commitment (impegno)"),
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


class VoceListinoInline(ConsoleInline):
    item_label, new_label, add_label = _l("Item"), _l("New item"), _l("Add an item")
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


class RegolaIndennitaInline(ConsoleInline):
    """The dated indemnity rules of a programme (issue 12, item 4)."""

    form_columns = (
        "id", "valida_dal", "valida_al", "importo_pieno", "importo_con_pasti", "importo_part_time",
        "ore_giornaliere_part_time", "importo_ente_pubblico", "presenza_minima_pct",
        "pro_rata_sotto_minimo", "pro_rata_mese_parziale", "conta_malattia", "conta_ferie",
        "conta_festivita", "conta_giustificata", "conta_ingiustificata", "riferimento",
    )
    form_label = _l("Indemnity rules")
    column_labels = {
        "valida_dal": _l("Valid from"),
        "valida_al": _l("Valid until"),
        "importo_pieno": _l("Monthly amount, full time"),
        "importo_con_pasti": _l("Monthly amount with meals provided"),
        "importo_part_time": _l("Monthly amount up to the part-time hours"),
        "ore_giornaliere_part_time": _l("Part-time: at most these hours a day"),
        "importo_ente_pubblico": _l("Monthly amount at a public host"),
        "presenza_minima_pct": _l("Minimum attendance for full pay (%)"),
        "pro_rata_sotto_minimo": _l("Below the minimum: pro rata (else nothing)"),
        "pro_rata_mese_parziale": _l("Months partly in the path: pro rata"),
        "conta_malattia": _l("Sick leave counts as attended"),
        "conta_ferie": _l("Holiday leave counts as attended"),
        "conta_festivita": _l("Public holidays count as attended"),
        "conta_giustificata": _l("Justified absences count as attended"),
        "conta_ingiustificata": _l("Unjustified absences count as attended"),
        "riferimento": _l("Source (e.g. regional decree)"),
    }


class DurataTirocinioInline(ConsoleInline):
    """Internship lengths by disadvantage category (issue 12, item 5)."""

    form_columns = ("id", "categoria", "mesi_minimi", "mesi_massimi", "note")
    form_label = _l("Internship lengths")
    column_labels = {
        "categoria": _l("Disadvantage category (empty: every other trainee)"),
        "mesi_minimi": _l("Minimum months (empty: none)"),
        "mesi_massimi": _l("Maximum months, extensions included"),
        "note": _l("Notes"),
    }


class TipologiaProgrammaInline(ConsoleInline):
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
        "cig",
        "cup",
        "cig_obbligatorio",
        "regola_assunzione",
        "fonte_regola_assunzione",
        "budget_capofila",
    )
    form_args = cig_cup_args()
    inline_models = (
        TipologiaProgrammaInline(TipologiaProgramma),
        VoceListinoInline(VoceListino),
        RegolaIndennitaInline(RegolaIndennita),
        DurataTirocinioInline(DurataTirocinio),
    )
    column_labels = LABELS

    def on_model_change(self, form, model, is_created):
        """The programme's rules are checked as a whole: no two indemnity rules in force on the
        same day, one length rule per category (models/operations/regole.py)."""
        try:
            with db.session.no_autoflush:
                for rule in list(model.regole_indennita) + list(model.durate_tirocinio):
                    rule.validate_model()
                check_programme_rules(model)
        except DomainError as exc:
            raise ValidationError(exc.message) from None
        super().on_model_change(form, model, is_created)


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


class VariazioneInline(ConsoleInline):
    item_label, new_label, add_label = _l("Change"), _l("New change"), _l("Add a change")
    form_columns = ("id", "data", "importo", "motivo")
    column_labels = {"data": _l("Date"), "importo": _l("Amount (+/-)"), "motivo": _l("Reason")}


#: Budgets whose committed amount reached BUDGET_ALERT_SHARE of the allocated one.
NEARLY_USED = ConditionFilter(
    Budget.id, _l("Committed over 80%"),
    lambda: Budget.impegnato >= Budget.stanziato * BUDGET_ALERT_SHARE)


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
        "cig_obbligatorio", "determina_numero", "determina_data", "impegno",
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
    column_filters = ("comune.nome", "programma.nome", "data_inizio", "data_fine", NEARLY_USED)
    form_columns = ("programma", "comune", "data_inizio", "data_fine", "importo_iniziale", "criteri", "cig", "cup",
                    "cig_obbligatorio", "determina_numero", "determina_data", "impegno")
    form_args = cig_cup_args()
    inline_models = (VariazioneInline(VariazioneBudget),)
    form_ajax_refs = {"comune": {"fields": ("nome", "codice_istat"), "order_by": "nome"}}
    column_labels = LABELS

    def get_list(self, *args, **kwargs):
        # The figures of the page's budgets only, in one more statement (models/queries/budget.py).
        count, rows = super().get_list(*args, **kwargs)
        if isinstance(rows, list):
            load_budget_figures(db.session, rows)
        return count, rows
