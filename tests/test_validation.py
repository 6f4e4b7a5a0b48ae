"""Validators and model checks refuse bad input with one DomainError in Italian, never a crash.

Messages are English msgids translated by translations/it; Italian is the default locale,
so a plain test request context shows the Italian text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import (
    Budget,
    Comune,
    EnteOspitante,
    Fattura,
    Ore,
    Pagamento,
    Persona,
    Postazione,
    Programma,
    RigaVoucher,
    VariazioneBudget,
    VoceListino,
)
from models import validation as v
from models.errors import DomainError

D = Decimal
PRIMA = dt.date(2025, 6, 1)
DOPO = dt.date(2025, 6, 30)

CF_VALIDO = "RSSMRA85T10A562S"
#: The same person's code with omocodia substitutions (digits replaced by letters).
CF_OMOCODIA = "RSSMRA85T10A56NH"
PIVA_VALIDA = "00743110157"


@pytest.fixture(autouse=True)
def italian(_shared_app):
    """A request in the default locale (Italian), for gettext: no database work."""
    with _shared_app.test_request_context():
        yield


def refuses(check, *args, field: str, **kwargs) -> str:
    """``check(*args, **kwargs)`` raises DomainError for ``field``; its message is returned."""
    with pytest.raises(DomainError) as exc:
        check(*args, **kwargs)
    assert exc.value.field == field
    assert exc.value.message
    assert str(exc.value) == exc.value.message
    return exc.value.message


# --- Codice fiscale and partita IVA (python-stdnum) ---------------------------------------


def test_valid_codice_fiscale_is_accepted_in_upper_case():
    assert v.clean_codice_fiscale(CF_VALIDO) == CF_VALIDO
    assert v.clean_codice_fiscale("rssmra85t10a562s") == CF_VALIDO
    assert v.clean_codice_fiscale(" RSSMRA 85T10 A562S ") == CF_VALIDO


def test_codice_fiscale_with_wrong_check_letter_is_refused():
    message = refuses(v.clean_codice_fiscale, "RSSMRA85T10A562T", field="codice_fiscale")
    assert message == "Il codice fiscale RSSMRA85T10A562T non è valido."


def test_omocodia_codice_fiscale_is_accepted():
    assert v.clean_codice_fiscale(CF_OMOCODIA) == CF_OMOCODIA


@pytest.mark.parametrize("garbage", ["garbage", "RSSMRA85T10", "1234567890123456", "!!"])
def test_garbage_codice_fiscale_is_refused(garbage):
    message = refuses(v.clean_codice_fiscale, garbage, field="codice_fiscale")
    assert message == f"Il codice fiscale {garbage} non è valido."


def test_valid_partita_iva_is_accepted():
    assert v.clean_partita_iva(PIVA_VALIDA) == PIVA_VALIDA
    assert v.clean_partita_iva("007 4311 0157") == PIVA_VALIDA


def test_partita_iva_with_wrong_check_digit_is_refused():
    message = refuses(v.clean_partita_iva, "00743110158", field="partita_iva")
    assert message == "La partita IVA 00743110158 non è valida."
    # The caller names the form field at fault.
    refuses(v.clean_partita_iva, "00743110158", "codice_fiscale", field="codice_fiscale")


@pytest.mark.parametrize("codice", [PIVA_VALIDA, CF_VALIDO, CF_OMOCODIA])
def test_organisation_fiscal_code_is_eleven_digits_or_a_person_code(codice):
    assert v.clean_codice_fiscale_ente(codice) == codice


@pytest.mark.parametrize(
    "codice,message",
    [
        ("00743110158", "La partita IVA 00743110158 non è valida."),
        ("RSSMRA85T10A562T", "Il codice fiscale RSSMRA85T10A562T non è valido."),
        ("12345", "Il codice fiscale 12345 non è valido."),
    ],
)
def test_invalid_organisation_fiscal_code_is_refused(codice, message):
    assert refuses(v.clean_codice_fiscale_ente, codice, field="codice_fiscale") == message


# --- E-mail and code patterns -----------------------------------------------------------


def test_valid_email_is_accepted_with_its_domain_normalised():
    assert v.clean_email("Mario.Rossi@Example.ORG") == "Mario.Rossi@example.org"


@pytest.mark.parametrize("email", ["mario.rossi", "mario@", "@example.org", "mario rossi@x.it"])
def test_invalid_email_is_refused(email):
    message = refuses(v.clean_email, email, "pec", field="pec")
    assert message == f"L'indirizzo e-mail {email} non è valido."


#: field -> validator, valid input, its normalised form, invalid inputs, Italian message.
CODICI = {
    "cap": (v.clean_cap, "25065", "25065", ["2506", "250651", "25O65"], "Il CAP deve essere composto da cinque cifre."),
    "codice_istat": (v.clean_codice_istat, "017067", "017067", ["17067", "01706A"], "Il codice ISTAT deve essere composto da sei cifre."),
    "codice_ipa": (v.clean_codice_ipa, " uf1234 ", "UF1234", ["UF123", "UF-123", "UF12345"], "Il codice univoco ufficio IPA deve essere composto da sei lettere o cifre."),
    "provincia": (v.clean_provincia, "bs", "BS", ["B", "BSS", "B5"], "La sigla della provincia deve essere di due lettere."),
}  # fmt: skip


@pytest.mark.parametrize("campo", list(CODICI))
def test_valid_codes_are_accepted_in_upper_case(campo):
    check, valido, normalizzato, _invalidi, _message = CODICI[campo]
    assert check(valido) == normalizzato


@pytest.mark.parametrize("campo", list(CODICI))
def test_invalid_codes_are_refused_with_their_rule(campo):
    check, _valido, _normalizzato, invalidi, message = CODICI[campo]
    for invalido in invalidi:
        assert refuses(check, invalido, field=campo) == message


VALIDATORS = [
    (v.clean_codice_fiscale, "codice_fiscale"),
    (v.clean_partita_iva, "partita_iva"),
    (v.clean_codice_fiscale_ente, "codice_fiscale"),
    (v.clean_email, "email"),
    (v.clean_cap, "cap"),
    (v.clean_codice_istat, "codice_istat"),
    (v.clean_codice_ipa, "codice_ipa"),
    (v.clean_provincia, "provincia"),
]


@pytest.mark.parametrize("check,field", VALIDATORS, ids=[f.__name__ for f, _ in VALIDATORS])
@pytest.mark.parametrize("vuoto", ["", "   "], ids=["empty", "blank"])
def test_empty_input_is_refused_with_a_domain_error(check, field, vuoto):
    refuses(check, vuoto, field=field)


# --- Model @validates hooks -------------------------------------------------------------


def test_persona_refuses_an_invalid_codice_fiscale_and_keeps_the_old_one():
    persona = Persona(codice_fiscale=CF_VALIDO)
    message = refuses(
        setattr, persona, "codice_fiscale", "RSSMRA85T10A562T", field="codice_fiscale"
    )
    assert message == "Il codice fiscale RSSMRA85T10A562T non è valido."
    assert persona.codice_fiscale == CF_VALIDO


def test_persona_codice_fiscale_is_stored_in_upper_case():
    persona = Persona(codice_fiscale="rssmra85t10a56nh")
    assert persona.codice_fiscale == CF_OMOCODIA


#: model, attribute, an invalid value; the error names the attribute itself.
HOOKS = [
    (Comune, "codice_istat", "17067"),
    (Comune, "provincia", "Brescia"),
    (Comune, "cap", "2506"),
    (Comune, "codice_fiscale", "00743110158"),
    (Comune, "codice_ipa", "UF-1"),
    (Comune, "pec", "protocollo@"),
    (Persona, "cap", "ABCDE"),
    (Persona, "email", "mario@"),
    (EnteOspitante, "codice_fiscale", "00743110158"),
    (EnteOspitante, "partita_iva", "00743110158"),
    (EnteOspitante, "email", "info@"),
]


@pytest.mark.parametrize(
    "model,attribute,invalido", HOOKS, ids=[f"{m.__name__}.{a}" for m, a, _ in HOOKS]
)
def test_model_hooks_refuse_invalid_identifiers_for_their_field(model, attribute, invalido):
    refuses(model, field=attribute, **{attribute: invalido})


@pytest.mark.parametrize(
    "model,attribute",
    [
        (Persona, "codice_fiscale"),
        (Comune, "codice_istat"),
        (Comune, "provincia"),
        (EnteOspitante, "codice_fiscale"),
    ],
    ids=["Persona.codice_fiscale", "Comune.codice_istat", "Comune.provincia", "EnteOspitante.codice_fiscale"],
)  # fmt: skip
def test_required_identifiers_left_missing_are_refused_with_a_domain_error(model, attribute):
    refuses(model, field=attribute, **{attribute: None})


@pytest.mark.parametrize(
    "model,attribute",
    [(Comune, "cap"), (Comune, "codice_ipa"), (Comune, "pec"), (Persona, "email"), (EnteOspitante, "partita_iva")],
)  # fmt: skip
def test_optional_identifiers_may_be_left_empty(model, attribute):
    obj = model(**{attribute: ""})
    assert getattr(obj, attribute) is None


# --- validate_model(): dates in order ---------------------------------------------------


#: model, its valid fields with the period reversed, the field at fault, Italian message.
PERIODI = {
    "programma": (
        Programma,
        dict(nome="P", titolare="T", data_inizio=DOPO, data_fine=PRIMA),
        "data_fine",
        "La data di fine non può precedere la data di inizio.",
    ),
    "budget": (
        Budget,
        dict(importo_iniziale=D("100.00"), data_inizio=DOPO, data_fine=PRIMA),
        "data_fine",
        "La data di fine non può precedere la data di inizio.",
    ),
    "voce_listino": (
        VoceListino,
        dict(prezzo_unitario=D("21.00"), aliquota_iva=D("22"), valido_dal=DOPO, valido_al=PRIMA),
        "valido_al",
        "La fine della validità non può precedere l'inizio.",
    ),
    "postazione": (
        Postazione,
        dict(posti=1, accetta_tirocinio=True, attiva_dal=DOPO, attiva_al=PRIMA),
        "attiva_al",
        "La fine del periodo di attività non può precedere l'inizio.",
    ),
    "ente_ospitante": (
        EnteOspitante,
        dict(convenzione_data=DOPO, convenzione_scadenza=PRIMA),
        "convenzione_scadenza",
        "La scadenza della convenzione non può precedere la data di stipula.",
    ),
    "fattura": (
        Fattura,
        dict(periodo_dal=DOPO, periodo_al=PRIMA),
        "periodo_al",
        "La fine del periodo non può precedere l'inizio.",
    ),
}


@pytest.mark.parametrize("periodo", list(PERIODI))
def test_validate_model_refuses_an_end_before_the_start(periodo):
    model, values, field, message = PERIODI[periodo]
    assert refuses(model(**values).validate_model, field=field) == message


@pytest.mark.parametrize("periodo", list(PERIODI))
def test_validate_model_accepts_a_one_day_period(periodo):
    model, values, field, _message = PERIODI[periodo]
    obj = model(**values)
    setattr(obj, field, DOPO)
    assert obj.validate_model() is None


# --- validate_model(): amounts and hours in range ---------------------------------------

ORE = "Le ore devono essere più di 0 e al massimo 24."
ORE_SETTIMANALI = "Le ore settimanali devono essere più di 0 e al massimo 48."
QUANTITA = "La quantità deve essere maggiore di 0."
IMPORTO_POSITIVO = "L'importo deve essere maggiore di 0."

#: model, fields, the field at fault, Italian message.
FUORI_INTERVALLO = {
    "ore_zero": (Ore, dict(ore=D("0")), "ore", ORE),
    "ore_negative": (Ore, dict(ore=D("-1")), "ore", ORE),
    "ore_oltre_24": (Ore, dict(ore=D("24.5")), "ore", ORE),
    "postazione_senza_posti": (
        Postazione,
        dict(posti=0, accetta_tirocinio=True, attiva_dal=PRIMA),
        "posti",
        "Una postazione deve avere almeno un posto.",
    ),
    "postazione_zero_ore": (
        Postazione,
        dict(posti=1, ore_settimanali=D("0"), accetta_tirocinio=True, attiva_dal=PRIMA),
        "ore_settimanali",
        ORE_SETTIMANALI,
    ),
    "postazione_oltre_48_ore": (
        Postazione,
        dict(posti=1, ore_settimanali=D("48.5"), accetta_tirocinio=True, attiva_dal=PRIMA),
        "ore_settimanali",
        ORE_SETTIMANALI,
    ),
    "riga_voucher_zero": (RigaVoucher, dict(quantita=D("0")), "quantita", QUANTITA),
    "riga_voucher_negativa": (RigaVoucher, dict(quantita=D("-2")), "quantita", QUANTITA),
    "pagamento_zero": (Pagamento, dict(importo=D("0.00")), "importo", IMPORTO_POSITIVO),
    "pagamento_negativo": (Pagamento, dict(importo=D("-5.00")), "importo", IMPORTO_POSITIVO),
    "voce_prezzo_negativo": (
        VoceListino,
        dict(prezzo_unitario=D("-1.00"), aliquota_iva=D("22"), valido_dal=PRIMA),
        "prezzo_unitario",
        "Il prezzo unitario non può essere negativo.",
    ),
    "voce_iva_oltre_100": (
        VoceListino,
        dict(prezzo_unitario=D("1.00"), aliquota_iva=D("101"), valido_dal=PRIMA),
        "aliquota_iva",
        "L'aliquota IVA deve essere compresa tra 0 e 100.",
    ),
    "budget_negativo": (
        Budget,
        dict(importo_iniziale=D("-0.01"), data_inizio=PRIMA, data_fine=DOPO),
        "importo_iniziale",
        "L'importo non può essere negativo.",
    ),
    "budget_negativo_dopo_variazioni": (
        Budget,
        dict(
            importo_iniziale=D("100.00"),
            data_inizio=PRIMA,
            data_fine=DOPO,
            variazioni=[VariazioneBudget(importo=D("-100.01"))],
        ),
        "variazioni",
        "Con queste variazioni il budget diventerebbe negativo.",
    ),
}


@pytest.mark.parametrize("caso", list(FUORI_INTERVALLO))
def test_validate_model_refuses_amounts_and_hours_out_of_range(caso):
    model, values, field, message = FUORI_INTERVALLO[caso]
    assert refuses(model(**values).validate_model, field=field) == message


#: The limits themselves are allowed.
AL_LIMITE = {
    "ore_minime": (Ore, dict(ore=D("0.25"))),
    "ore_24": (Ore, dict(ore=D("24"))),
    "postazione_48_ore": (
        Postazione,
        dict(posti=1, ore_settimanali=D("48"), accetta_tirocinio=True, attiva_dal=PRIMA),
    ),
    "riga_voucher_frazione": (RigaVoucher, dict(quantita=D("0.5"))),
    "pagamento_un_centesimo": (Pagamento, dict(importo=D("0.01"))),
    "budget_azzerato_dalle_variazioni": (
        Budget,
        dict(
            importo_iniziale=D("100.00"),
            data_inizio=PRIMA,
            data_fine=DOPO,
            variazioni=[VariazioneBudget(importo=D("-100.00"))],
        ),
    ),
}


@pytest.mark.parametrize("caso", list(AL_LIMITE))
def test_validate_model_accepts_amounts_and_hours_at_the_limits(caso):
    model, values = AL_LIMITE[caso]
    assert model(**values).validate_model() is None


def test_postazione_must_accept_at_least_one_path_type():
    postazione = Postazione(posti=1, attiva_dal=PRIMA)
    message = refuses(postazione.validate_model, field="accetta_tirocinio")
    assert message == "Una postazione deve accettare almeno una tipologia di percorso."
