"""Valid synthetic Italian identifiers for demo and test data (never real people)."""

from __future__ import annotations

import datetime as dt

from stdnum import luhn
from stdnum.it import codicefiscale

_MESI = "ABCDEHLMPRST"
_VOCALI = set("AEIOU")


def _letters(text: str) -> tuple[list[str], list[str]]:
    chars = [c for c in text.upper() if c.isalpha()]
    return [c for c in chars if c not in _VOCALI], [c for c in chars if c in _VOCALI]


def _code_cognome(cognome: str) -> str:
    cons, voc = _letters(cognome)
    return ("".join(cons + voc) + "XXX")[:3]


def _code_nome(nome: str) -> str:
    cons, voc = _letters(nome)
    if len(cons) >= 4:
        cons = [cons[0], cons[2], cons[3]]
    return ("".join(cons + voc) + "XXX")[:3]


def make_codice_fiscale(
    cognome: str, nome: str, nascita: dt.date, sesso: str, belfiore: str
) -> str:
    """The codice fiscale of DM 23/12/1976 for the given data, with its check letter."""
    giorno = nascita.day + (40 if sesso == "F" else 0)
    base = (
        _code_cognome(cognome)
        + _code_nome(nome)
        + f"{nascita.year % 100:02d}"
        + _MESI[nascita.month - 1]
        + f"{giorno:02d}"
        + belfiore.upper()
    )
    return base + codicefiscale.calc_check_digit(base)


def make_partita_iva(progressivo: int, ufficio: int = 17) -> str:
    """A partita IVA: 7-digit progressive, 3-digit office (001-100), Luhn check digit."""
    base = f"{progressivo:07d}{ufficio:03d}"
    return base + luhn.calc_check_digit(base)
