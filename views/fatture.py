"""Fatturazione: invoices with their lines, and payments."""

from __future__ import annotations

from flask_admin.model.form import InlineFormAdmin
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from models import Fattura, Pagamento, RigaFattura
from models.errors import DomainError

from .base import RoleModelView

LABELS = {
    "numero": _l("Number"),
    "anno": _l("Year"),
    "tipo_documento": _l("Document"),
    "comune": _l("Comune"),
    "comune.nome": _l("Comune"),
    "programma": _l("Programme"),
    "programma.nome": _l("Programme"),
    "data": _l("Date"),
    "periodo_dal": _l("Period from"),
    "periodo_al": _l("Period to"),
    "stato": _l("State"),
    "split_payment": _l("Split payment"),
    "cig": _l("CIG"),
    "cup": _l("CUP"),
    "imponibile": _l("Taxable"),
    "iva": _l("VAT"),
    "totale": _l("Total"),
    "righe": _l("Lines"),
    "fattura": _l("Invoice"),
    "importo": _l("Amount"),
    "riferimento": _l("Reference"),
    "descrizione": _l("Description"),
    "quantita": _l("Quantity"),
    "prezzo_unitario": _l("Unit price"),
    "aliquota_iva": _l("VAT rate (%)"),
}


class RigaFatturaInline(InlineFormAdmin):
    form_columns = ("id", "descrizione", "quantita", "prezzo_unitario", "aliquota_iva")
    column_labels = LABELS


class FatturaView(RoleModelView):
    permissions = {"amministrazione": "rced", "pal": "r", "admin": "r"}
    list_loads = (joinedload(Fattura.comune), joinedload(Fattura.programma))
    column_list = (
        "anno",
        "numero",
        "tipo_documento",
        "comune",
        "programma",
        "data",
        "periodo_dal",
        "periodo_al",
        "stato",
        "imponibile",
        "iva",
        "totale",
    )
    money_columns = ("imponibile", "iva", "totale")
    column_default_sort = [("anno", True), ("numero", True), ("id", True)]
    column_sortable_list = ("anno", "numero", ("comune", "comune.nome"), "data", "periodo_dal", "stato", "imponibile")
    column_searchable_list = ("comune.nome", "cig", "cup")
    column_filters = ("stato", "tipo_documento", "anno", "comune.nome", "programma.nome", "data", "periodo_dal")
    form_columns = ("comune", "programma", "periodo_dal", "periodo_al", "split_payment", "cig", "cup")
    inline_models = (RigaFatturaInline(RigaFattura),)
    form_ajax_refs = {"comune": {"fields": ("nome", "codice_istat"), "order_by": "nome"}}
    column_labels = LABELS

    def check_model(self, model, is_created):
        """An issued invoice is never edited: a credit note corrects it."""
        if not is_created and not model.modificabile:
            raise DomainError(gettext("An issued invoice cannot be changed; issue a credit note."))

    def on_model_delete(self, model):
        if not model.modificabile:
            raise DomainError(gettext("An issued invoice cannot be deleted; issue a credit note."))
        super().on_model_delete(model)


class PagamentoView(RoleModelView):
    permissions = {"amministrazione": "rce", "pal": "r", "admin": "r"}
    list_loads = (joinedload(Pagamento.fattura).joinedload(Fattura.comune),)
    column_list = ("fattura", "fattura.comune", "data", "importo", "riferimento")
    money_columns = ("importo",)
    column_default_sort = [("data", True), ("id", True)]
    column_sortable_list = ("data", "importo")
    column_searchable_list = ("riferimento",)
    column_filters = ("data", "fattura.comune.nome")
    form_columns = ("fattura", "data", "importo", "riferimento")
    form_ajax_refs = {"fattura": {"fields": ("numero", "anno"), "order_by": "id"}}
    column_labels = {**LABELS, "fattura.comune": _l("Comune")}
