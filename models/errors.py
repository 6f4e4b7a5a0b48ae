"""The one domain error raised by model checks and operations."""


class DomainError(Exception):
    """A business rule refused an input or a transition.

    ``message`` is already translated for the current user; ``field`` names the form
    field at fault, when there is one; ``existing`` is the record the input collides with
    (a duplicate), which the console links to when the user may see it.
    """

    def __init__(self, message: str, field: str | None = None, existing=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.existing = existing


def N_(msgid: str) -> str:
    """Mark a string for extraction (it is translated where it is shown)."""
    return msgid


#: (constraint name, SQLite's wording of the same violation) -> English msgid of the message.
#: Order matters: the first key found in the database error wins.
CONSTRAINT_MESSAGES: list[tuple[tuple[str, ...], str]] = [
    (("uq_persona_codice_fiscale", "persona.codice_fiscale"),
     N_("A person with this codice fiscale already exists.")),
    (("uq_comune_codice_istat", "comune.codice_istat"),
     N_("A Comune with this ISTAT code already exists.")),
    (("uq_comune_nome", "comune.nome, comune.provincia"),
     N_("A Comune with this name already exists in the province.")),
    (("uq_ente_ospitante_codice_fiscale", "ente_ospitante.codice_fiscale"),
     N_("A host with this fiscal code already exists.")),
    (("uq_ore_percorso_tipo_data", "ore.percorso_id, ore.tipo, ore.data"),
     N_("Hours of this kind are already recorded for this path on this day.")),
    (("uq_fattura_anno_numero", "fattura.anno, fattura.numero"),
     N_("This invoice number is already used in this year.")),
    (("uq_budget_periodo", "budget.programma_id, budget.comune_id, budget.data_inizio"),
     N_("This Comune already has a budget for this programme starting on that date.")),
    (("uq_voce_listino", "voce_listino.programma_id, voce_listino.codice, voce_listino.valido_dal"),
     N_("The price list already has this item code from that date.")),
    (("uq_riga_voucher_voce", "riga_voucher.voucher_id, riga_voucher.voce_listino_id"),
     N_("The voucher already has a line for this item.")),
    (("uq_addebito_ore_id", "addebito.ore_id"), N_("These hours are already charged.")),
    (("utente.email", "uq_utente_email"), N_("A user with this e-mail already exists.")),
    (("ck_ore_ore_in_giornata",), N_("Hours must be more than 0 and at most 24.")),
    (("ck_postazione_posti_positivi",), N_("A position needs at least one seat.")),
    (("ck_postazione_ore_settimanali",), N_("Weekly hours must be more than 0 and at most 48.")),
    (("ck_postazione_almeno_una_tipologia",), N_("A position must accept at least one path type.")),
    (("ck_percorso_attivo_con_postazione",), N_("An active path needs a start date and a position.")),
    (("ck_percorso_concluso_con_esito",), N_("A concluded path needs an outcome and an end date.")),
    (("ck_percorso_assunzione_completa",),
     N_("A hiring needs its date, the employer and the contract type.")),
    (("ck_percorso_proroga_motivata",), N_("An intake extension needs its days and a reason.")),
    (("ck_percorso_",), N_("The dates of the path are not in order.")),
    (("ck_voucher_rifiuto_motivato",), N_("A rejected voucher needs a reason.")),
    (("ck_voucher_",), N_("The voucher decision is incomplete.")),
    (("ck_pagamento_importo_positivo",), N_("The amount must be more than 0.")),
    (("ck_variazione_budget_importo_non_nullo",), N_("A budget change cannot be zero.")),
    (("ck_ente_ospitante_convenzione_date",),
     N_("The agreement expiry must not precede its date.")),
    (("ck_dati_sensibili_percentuale_invalidita",),
     N_("The disability percentage must be between 0 and 100.")),
    (("ck_fattura_emessa_numerata",), N_("An issued invoice needs its number, date and totals.")),
    (("ck_fattura_nota_credito_riferita",), N_("A credit note must refer to the invoice it reverses.")),
    (("importo_non_negativo", "imponibile", "ck_fattura_iva"), N_("The amount cannot be negative.")),
    (("prezzo_non_negativo",), N_("The unit price cannot be negative.")),
    (("aliquota_iva",), N_("The VAT rate must be between 0 and 100.")),
    (("quantita_positiva",), N_("The quantity must be more than 0.")),
    (("periodo", "validita", "periodo_attivo"), N_("The end date must not precede the start date.")),
    (("FOREIGN KEY", "foreign key"),
     N_("The record is referenced by other records and cannot be deleted or changed.")),
    (("CHECK constraint failed", "check constraint"),
     N_("A value is not among those allowed.")),
]


def integrity_message(exc: Exception) -> str:
    """A translated message for a database constraint violation (IntegrityError)."""
    from flask_babel import gettext

    text = str(getattr(exc, "orig", exc))
    for keys, msgid in CONSTRAINT_MESSAGES:
        if any(key in text for key in keys):
            return gettext(msgid)
    return gettext("The data violate a rule of the database and were not saved.")
