"""Checks of Italian identifiers and codes (python-stdnum), shared by models and forms."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

from .errors import N_, DomainError


def clean_codice_fiscale(value: str) -> str:
    """A person's codice fiscale, checksum verified; omocodia variants are valid."""
    try:
        return codicefiscale.validate(value or "")
    except StdnumError:
        raise DomainError(
            gettext("The codice fiscale %(value)s is not valid.", value=value),
            "codice_fiscale",
        ) from None


def clean_partita_iva(value: str, field: str = "partita_iva") -> str:
    """A partita IVA: 11 digits with a valid check digit."""
    try:
        return iva.validate(value or "")
    except StdnumError:
        raise DomainError(
            gettext("The partita IVA %(value)s is not valid.", value=value), field
        ) from None


def clean_codice_fiscale_ente(value: str, field: str = "codice_fiscale") -> str:
    """An organisation's fiscal code: 11 digits (like a partita IVA) or a person's code."""
    try:
        compact = codicefiscale.compact(value or "")
        if len(compact) == 11:
            return clean_partita_iva(compact, field)
        return codicefiscale.validate(compact)
    except StdnumError:
        raise DomainError(
            gettext("The fiscal code %(value)s is not valid.", value=value), field
        ) from None


def clean_email(value: str, field: str = "email") -> str:
    """An e-mail address, syntax only (no DNS look-up: the machine may be offline)."""
    try:
        return validate_email(value or "", check_deliverability=False).normalized
    except EmailNotValidError:
        raise DomainError(
            gettext("The e-mail address %(value)s is not valid.", value=value), field
        ) from None


def _pattern(value: str | None, pattern: str, msgid: str, field: str) -> str:
    """``value`` matching ``pattern``; the message is translated only when it does not (the
    import checks these codes hundreds of thousands of times)."""
    value = (value or "").strip().upper()
    if not re.fullmatch(pattern, value):
        raise DomainError(gettext(msgid), field)
    return value


def clean_cap(value: str, field: str = "cap") -> str:
    """A CAP (Italian postcode): five digits."""
    return _pattern(value, r"\d{5}", N_("The CAP must be five digits."), field)


def clean_codice_istat(value: str, field: str = "codice_istat") -> str:
    """An ISTAT municipality code: six digits (province + progressive)."""
    return _pattern(
        value, r"\d{6}", N_("The ISTAT code must be six digits."), field
    )


def clean_codice_ipa(value: str, field: str = "codice_ipa") -> str:
    """The IPA office code used as CodiceDestinatario: six letters or digits."""
    return _pattern(
        value,
        r"[A-Z0-9]{6}",
        N_("The IPA office code must be six letters or digits."),
        field,
    )


def clean_provincia(value: str, field: str = "provincia") -> str:
    """A province abbreviation: two letters."""
    return _pattern(
        value, r"[A-Z]{2}", N_("The province must be two letters."), field
    )
