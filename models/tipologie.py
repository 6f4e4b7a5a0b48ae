"""What each path type is (issue 14, item 5): the behaviour that belongs to a kind of path,
written once; which kinds a programme offers, with its hour bands, is data (TipologiaProgramma).

- internships (extracurricular, social inclusion) bill an activation and have a duration rule;
- a secondment (Modena) keeps the worker employed by a social cooperative, lasts between the
  programme's minimum and maximum hours, and ends hired or back to the cooperative;
- public-utility work (Beta) is paid by the Comune by the hour of work delivered;
- a PIP (SolCo Mantova) is a plan of catalogue services for a household, with no position.
"""

from __future__ import annotations

from .base import TipoEnte, TipologiaPercorso

T = TipologiaPercorso
#: Internships: activation billed, regional duration rules, hiring after one at the same host free.
INTERNSHIPS = (T.TIROCINIO, T.TIROCINIO_INCLUSIONE)
#: The four types of the reference programme: what a programme with no configured types offers.
CLASSIC = (T.ASSISTENZIALE, T.TIROCINIO, T.INSERIMENTO_LAVORATIVO, T.PROGETTO_PERSONALIZZATO)
#: Types whose path starts without a position (a plan of services).
WITHOUT_POSITION = (T.PIP,)
#: Types whose path needs the social cooperative employing or referring the person.
WITH_COOPERATIVE = (T.DISTACCO,)
#: Types whose path needs a household record.
WITH_HOUSEHOLD = (T.PIP,)
#: What a social cooperative is, among host kinds.
COOPERATIVES = (TipoEnte.COOP_A, TipoEnte.COOP_B)
#: Months an internship may last at most: social-inclusion ones up to 24 (DOMAIN.md, regional
#: rules; the 24 months also apply to L. 68/99 and disadvantaged trainees, percorsi.py).
LONGEST_MONTHS = {T.TIROCINIO: 12, T.TIROCINIO_INCLUSIONE: 24}


def is_internship(tipo: TipologiaPercorso) -> bool:
    return tipo in INTERNSHIPS


def needs_position(tipo: TipologiaPercorso) -> bool:
    return tipo not in WITHOUT_POSITION
