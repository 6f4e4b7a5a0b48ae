"""Checks of Italian identifiers and codes (python-stdnum), shared by models and forms."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_decimal
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


def clean_cig(value: str, field: str = "cig") -> str:
    """A CIG (codice identificativo di gara, ANAC): ten letters or digits."""
    return _pattern(value, r"[A-Z0-9]{10}",
                    N_("The CIG must be 10 letters or digits (e.g. Z1A2B3C4D5)."), field)


def clean_cup(value: str, field: str = "cup") -> str:
    """A CUP (codice unico di progetto, DIPE): 15 characters, a letter, two digits, a letter
    and eleven digits (e.g. J11B25000000001)."""
    return _pattern(value, r"[A-Z]\d{2}[A-Z]\d{11}",
                    N_("The CUP must be 15 characters: a letter, two digits, a letter and eleven "
                       "digits (e.g. J11B25000000001)."), field)


def optional_cig(value: str | None) -> str | None:
    """A CIG, or None when left blank (what @validates of cig columns calls)."""
    return clean_cig(value) if (value or "").strip() else None


def optional_cup(value: str | None) -> str | None:
    """A CUP, or None when left blank."""
    return clean_cup(value) if (value or "").strip() else None


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


# -- what people type: numbers, ids, text ------------------------------------------------

#: The largest id (PostgreSQL ``integer``): a bigger number names no record.
MAX_ID = 2**31 - 1
#: Free text (notes, diagnosis, reasons): long enough for a report, not a paste of a book.
MAX_TEXT = 10_000

_PLAIN = re.compile(r"(?a)\d+")
_COMMA = re.compile(r"(?a)\d*,\d+")
_GROUPED = re.compile(r"(?a)[1-9]\d{0,2}(\.\d{3})+(,\d+)?")
_DOT = re.compile(r"(?a)\d+\.\d{1,2}")


def parse_decimal(text: str | None, places: int | None = None, digits: int | None = None,
                  field: str | None = None) -> Decimal | None:
    """A number as Italians type it: 2,5 - 1.234,50 - 1234,50 (and 1234.50, 2.5 with a dot
    followed by one or two decimals). Blank -> None. NaN, infinities, exponents, and anything
    that could be read two ways are refused; so are more than ``places`` decimals and more
    than ``digits`` digits in all (the column's precision)."""
    value = (text or "").replace("€", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not value:
        return None
    sign = ""
    if value[0] in "+-":
        sign, value = ("-" if value[0] == "-" else ""), value[1:]
    if _PLAIN.fullmatch(value) or _DOT.fullmatch(value):
        number = value
    elif _COMMA.fullmatch(value) or _GROUPED.fullmatch(value):
        number = value.replace(".", "").replace(",", ".")
    else:
        raise DomainError(
            gettext("«%(value)s» is not a number: write decimals with a comma, e.g. 1.234,50 or 2,5.",
                    value=(text or "").strip()[:40]),
            field,
        )
    result = Decimal(sign + number)
    if places is not None and -result.as_tuple().exponent > places:
        raise DomainError(
            # Every decimal column has two places or more: the plural is enough.
            gettext("At most %(num)s decimals.", num=places), field
        )
    if digits is not None:
        limit = Decimal(10) ** (digits - (places or 0))
        if abs(result) >= limit:
            raise DomainError(
                gettext("The number is too large: it must be less than %(limit)s.",
                        limit=format_decimal(limit, locale=_locale())),
                field,
            )
    return result


def parse_int(text: str | None, field: str | None = None) -> int | None:
    """A whole number (blank -> None), within what the database stores."""
    value = (text or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"(?a)[+-]?\d+", value):
        raise DomainError(gettext("«%(value)s» is not a whole number.", value=value[:40]), field)
    number = int(value)
    if abs(number) > MAX_ID:
        raise DomainError(gettext("The number is too large."), field)
    return number


def parse_id(value) -> int | None:
    """A record id from a URL or a form: a positive integer the database can hold, else None
    (out-of-range or malformed ids name no record)."""
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    text = str(value or "").strip()
    if not text.isdigit() or not text.isascii():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def clean_text(value: str | None, field: str | None = None, max_length: int = MAX_TEXT) -> str | None:
    """Text as stored: no NUL characters (PostgreSQL refuses them), at most ``max_length``."""
    if value is None:
        return None
    if "\x00" in value:
        raise DomainError(gettext("The text contains a character that is not allowed (NUL)."), field)
    if len(value) > max_length:
        raise DomainError(
            gettext("The text is too long: at most %(max)s characters.",
                    max=format_decimal(max_length, locale=_locale())),
            field,
        )
    return value


def _locale() -> str:
    from flask import has_request_context
    from flask_babel import get_locale

    return str(get_locale()) if has_request_context() else "it"


# -- the codice fiscale tells the birth date, the sex and the birthplace -------------------

_OMOCODIA = {c: str(n) for n, c in enumerate("LMNPQRSTUV")}
_MONTHS = "ABCDEHLMPRST"


def _digit(c: str) -> str:
    """A digit of the code, undoing omocodia (a digit replaced by a letter for homonyms)."""
    return _OMOCODIA.get(c, c)


def decode_codice_fiscale(cf: str) -> tuple[int, int, int, str, str]:
    """(two-digit year, month, day, sex "M"/"F", Belfiore code) written in a valid codice
    fiscale (DM 23/12/1976), omocodia undone."""
    cf = codicefiscale.compact(cf)
    yy = int(_digit(cf[6]) + _digit(cf[7]))
    month = _MONTHS.index(cf[8]) + 1
    day = int(_digit(cf[9]) + _digit(cf[10]))
    sex = "F" if day > 40 else "M"
    belfiore = cf[11] + "".join(_digit(c) for c in cf[12:15])
    return yy, month, day % 40, sex, belfiore


def check_codice_fiscale_agrees(cf: str | None, nascita, sesso: str | None,
                                belfiore: str | None = None, luogo: str | None = None) -> None:
    """DOMAIN.md, "Persona": the codice fiscale agrees with the person's birth date, sex and
    (when given) birthplace; the message names the part that disagrees."""
    if not cf or len(codicefiscale.compact(cf)) != 16:
        return
    yy, month, day, sex, place = decode_codice_fiscale(cf)
    if nascita is not None and (nascita.year % 100, nascita.month, nascita.day) != (yy, month, day):
        said = f"{day:02d}/{month:02d}/{nascita.year - nascita.year % 100 + yy}"
        raise DomainError(
            gettext("The codice fiscale does not agree with the birth date: it says %(cf_day)s, "
                    "the birth date is %(day)s.",
                    cf_day=said,
                    day=nascita.strftime("%d/%m/%Y")),
            "data_nascita",
        )
    if sesso is not None and sesso != sex:
        raise DomainError(
            gettext("The codice fiscale does not agree with the sex: it is that of a %(cf_sex)s.",
                    cf_sex=gettext("woman") if sex == "F" else gettext("man")),
            "sesso",
        )
    if belfiore and place != belfiore.upper():
        raise DomainError(
            gettext("The codice fiscale does not agree with the birthplace: it says the place "
                    "with cadastral code %(cf_place)s, %(place)s has code %(code)s.",
                    cf_place=place, place=luogo or belfiore, code=belfiore.upper()),
            "comune_nascita",
        )


def clean_codice_catastale(value: str, field: str = "codice_catastale") -> str:
    """A Comune's cadastral (Belfiore) code: a letter and three digits, e.g. E738."""
    return _pattern(value, r"[A-Z]\d{3}",
                    gettext("The cadastral code must be a letter and three digits, e.g. E738."), field)
