"""The one domain error raised by model checks and operations."""


class DomainError(Exception):
    """A business rule refused an input or a transition.

    ``message`` is already translated for the current user; ``field`` names the form
    field at fault, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


#: Constraint name (or SQLite's "table.column" for UNIQUE) -> English msgid of the message.
CONSTRAINT_MESSAGES = {
    "uq_persona_codice_fiscale": "A person with this codice fiscale already exists.",
    "persona.codice_fiscale": "A person with this codice fiscale already exists.",
    "uq_comune_codice_istat": "A Comune with this ISTAT code already exists.",
    "comune.codice_istat": "A Comune with this ISTAT code already exists.",
    "uq_comune_nome": "A Comune with this name already exists in the province.",
    "uq_ente_ospitante_codice_fiscale": "A host with this fiscal code already exists.",
    "ente_ospitante.codice_fiscale": "A host with this fiscal code already exists.",
    "uq_ore_percorso_tipo_data": "Hours of this kind are already recorded for this path on this day.",
    "ore.percorso_id, ore.tipo, ore.data": "Hours of this kind are already recorded for this path on this day.",
    "uq_fattura_anno_numero": "This invoice number is already used in this year.",
    "uq_budget_periodo": "This Comune already has a budget for this programme starting on that date.",
    "uq_voce_listino": "The price list already has this item code from that date.",
    "uq_riga_voucher_voce": "The voucher already has a line for this item.",
    "ck_ore_ore_in_giornata": "Hours must be more than 0 and at most 24.",
    "ck_postazione_posti_positivi": "A position needs at least one seat.",
    "importo_non_negativo": "The amount cannot be negative.",
    "prezzo_non_negativo": "The unit price cannot be negative.",
    "quantita_positiva": "The quantity must be more than 0.",
    "periodo": "The end date must not precede the start date.",
    "validita": "The end of validity must not precede its start.",
    "ck_percorso_": "The dates of the path are not in order.",
    "ck_voucher_": "The voucher decision is incomplete.",
    "ck_fattura_": "The invoice data are not consistent.",
    "FOREIGN KEY": "The record is referenced by other records and cannot be deleted or changed.",
    "foreign key": "The record is referenced by other records and cannot be deleted or changed.",
}


def integrity_message(exc: Exception) -> str:
    """A translated message for a database constraint violation (IntegrityError)."""
    from flask_babel import gettext

    text = str(getattr(exc, "orig", exc))
    for key, msgid in CONSTRAINT_MESSAGES.items():
        if key in text:
            return gettext(msgid)
    return gettext("The data violate a rule of the database and were not saved.")
