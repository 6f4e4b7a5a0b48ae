"""The fixed lists a cell may name (sex, host kind, path type, ...): every way of writing each
value, and the texts the template's drop-downs offer."""

from __future__ import annotations

import enum
import functools

from flask_babel import gettext

from ..base import (
    N_,
    CondizioneOccupazionale,
    Sesso,
    TipoContratto,
    TipoEnte,
    TipologiaPercorso,
    TipoOre,
)
from .colonne import in_italian
from .valori import choice, enum_names

#: Common ways of writing a value besides its labels.
SINONIMI: dict[type[enum.Enum], dict[str, enum.Enum]] = {
    Sesso: {"m": Sesso.M, "maschio": Sesso.M, "uomo": Sesso.M, "maschile": Sesso.M,
            "f": Sesso.F, "femmina": Sesso.F, "donna": Sesso.F, "femminile": Sesso.F},
    TipoEnte: {"coop a": TipoEnte.COOP_A, "cooperativa a": TipoEnte.COOP_A,
               "cooperativa sociale a": TipoEnte.COOP_A, "coop soc a": TipoEnte.COOP_A,
               "coop b": TipoEnte.COOP_B, "cooperativa b": TipoEnte.COOP_B,
               "cooperativa sociale b": TipoEnte.COOP_B, "coop soc b": TipoEnte.COOP_B,
               "azienda": TipoEnte.IMPRESA, "ditta": TipoEnte.IMPRESA, "societa": TipoEnte.IMPRESA,
               "pubblica amministrazione": TipoEnte.ENTE_PUBBLICO, "pa": TipoEnte.ENTE_PUBBLICO,
               "comune": TipoEnte.ENTE_PUBBLICO, "odv": TipoEnte.ASSOCIAZIONE,
               "aps": TipoEnte.ASSOCIAZIONE},
    TipologiaPercorso: {"assistenziale": TipologiaPercorso.ASSISTENZIALE,
                        "tirocinio": TipologiaPercorso.TIROCINIO,
                        "inserimento": TipologiaPercorso.INSERIMENTO_LAVORATIVO,
                        "inserimento lavorativo": TipologiaPercorso.INSERIMENTO_LAVORATIVO,
                        "progetto": TipologiaPercorso.PROGETTO_PERSONALIZZATO},
    TipoOre: {"presenza": TipoOre.PRESENZA, "presenze": TipoOre.PRESENZA,
              "affiancamento": TipoOre.AFFIANCAMENTO, "tutoraggio": TipoOre.AFFIANCAMENTO,
              "monitoraggio": TipoOre.AFFIANCAMENTO},
    TipoContratto: {"indeterminato": TipoContratto.TEMPO_INDETERMINATO,
                    "determinato": TipoContratto.TEMPO_DETERMINATO,
                    "apprendista": TipoContratto.APPRENDISTATO,
                    "interinale": TipoContratto.SOMMINISTRAZIONE},
    CondizioneOccupazionale: {"disoccupata": CondizioneOccupazionale.DISOCCUPATO,
                              "inoccupata": CondizioneOccupazionale.INOCCUPATO,
                              "occupata": CondizioneOccupazionale.OCCUPATO,
                              "pensionata": CondizioneOccupazionale.PENSIONATO,
                              "studentessa": CondizioneOccupazionale.STUDENTE},
}

#: How messages name each list (msgids).
COSA = {
    Sesso: N_("sex (M or F)"),
    TipoEnte: N_("host kind"),
    TipologiaPercorso: N_("path type"),
    TipoOre: N_("kind of hours"),
    TipoContratto: N_("contract type"),
    CondizioneOccupazionale: N_("employment status"),
}


@functools.cache
def _names(enum_cls: type[enum.Enum]) -> dict:
    return enum_names(enum_cls, [in_italian], SINONIMI.get(enum_cls))


def parser(enum_cls: type[enum.Enum]):
    """A cell -> member parser for ``enum_cls``."""

    def parse(value):
        return choice(value, _names(enum_cls), COSA[enum_cls])

    return parse


def labels(enum_cls: type[enum.Enum]):
    """The drop-down texts: each member's label in the current language."""
    return lambda _refs=None: [gettext(m.value) for m in enum_cls]


def yes_no(_refs=None) -> list[str]:
    return [gettext("yes"), gettext("no")]
