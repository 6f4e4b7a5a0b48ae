"""The rules of path types and referrers (issue 14, items 4 and 5), asked by the referral form,
the workflow steps and the hours; what each type is lives in models/tipologie.py, what a
programme offers in its TipologiaProgramma rows.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ..anagrafiche import EnteOspitante, Postazione
from ..base import RegolaAssunzione, TipoInviante, TipoOre
from ..errors import DomainError
from ..percorsi import Ore, Percorso
from ..tipologie import CLASSIC, COOPERATIVES, INTERNSHIPS, WITH_COOPERATIVE, WITH_HOUSEHOLD
from .erogazioni import _q


def offered_types(programma) -> tuple:
    """The path types a programme offers: its configured ones, else the four classic ones."""
    return tuple(t.tipologia for t in programma.tipologie) or CLASSIC


def check_referral(p: Percorso) -> None:
    """A referral's programme offers its type; a cooperative referral or a secondment names a
    social cooperative; a PIP its household (of the path's Comune); in a programme whose budgets
    the district's lead Comune holds, the path is the lead Comune's (WORK-IN)."""
    programma = p.programma
    if programma is None or p.tipologia is None:
        return
    offered = offered_types(programma)
    if p.tipologia not in offered:
        raise DomainError(gettext(
            "%(programma)s does not offer %(type)s paths (it offers: %(offered)s).",
            programma=programma.nome, type=p.tipologia.label,
            offered=", ".join(t.label for t in offered)), "tipologia")
    coop = p.cooperativa
    if (p.inviante == TipoInviante.COOPERATIVA or p.tipologia in WITH_COOPERATIVE) and coop is None:
        raise DomainError(gettext("Please choose the social cooperative."), "cooperativa")
    if coop is not None and coop.tipo not in COOPERATIVES:
        raise DomainError(gettext("%(ente)s is not a social cooperative.", ente=coop.ragione_sociale),
                          "cooperativa")
    if p.tipologia in WITH_HOUSEHOLD and p.nucleo is None:
        raise DomainError(gettext("A personal intervention plan needs its household."), "nucleo")
    if programma.budget_capofila and p.comune is not None and p.comune.capofila is not None:
        p.comune = p.comune.capofila
    if p.nucleo is not None and p.comune is not None:
        theirs = {p.comune, p.persona.comune_residenza if p.persona is not None else None}
        if p.nucleo.comune not in theirs:
            raise DomainError(gettext("The household is not of the path's Comune."), "nucleo")


def had_internship_at(session: Session, p: Percorso, employer: EnteOspitante) -> bool:
    """The person had an internship (any kind, activated) at a position of ``employer`` on a path
    of the same programme, this one included."""
    return bool(session.scalar(select(exists().where(
        Percorso.persona_id == p.persona_id,
        Percorso.programma_id == p.programma_id,
        Percorso.tipologia.in_(INTERNSHIPS),
        Percorso.data_avvio.is_not(None),
        Percorso.postazione_id == Postazione.id,
        Postazione.ente_id == employer.id,
    ))))


def hiring_billed(session: Session, p: Percorso, employer: EnteOspitante) -> bool:
    """Whether the programme's price list bills this hiring (``Programma.regola_assunzione``).
    ZeroOttanta's, "per gli inserimenti sotto forma di assunzione non successiva a percorsi di
    tirocinio effettuati nella stessa azienda": not when the host had the person in an
    internship on any path of the programme."""
    rule = p.programma.regola_assunzione or RegolaAssunzione.SALVO_TIROCINIO_STESSO_ENTE
    if rule == RegolaAssunzione.MAI:
        return False
    if rule == RegolaAssunzione.SEMPRE:
        return True
    return not had_internship_at(session, p, employer)


def attendance_hours(session: Session, p: Percorso, exclude_id: int | None = None) -> Decimal:
    stmt = select(func.coalesce(func.sum(Ore.ore), 0)).where(
        Ore.percorso_id == p.id, Ore.tipo == TipoOre.PRESENZA)
    if exclude_id:
        stmt = stmt.where(Ore.id != exclude_id)
    return Decimal(str(session.scalar(stmt)))


def _band(p: Percorso):
    setting = p.programma.tipologia(p.tipologia) if p.programma is not None else None
    return (setting.ore_minime, setting.ore_massime) if setting is not None else (None, None)


def check_hours_cap(session: Session, row: Ore) -> None:
    """Attendance beyond the programme's maximum for the path type is refused (Modena's
    secondment: at most 500 hours)."""
    if row.tipo != TipoOre.PRESENZA:
        return
    _, most = _band(row.percorso)
    if most is None:
        return
    total = attendance_hours(session, row.percorso, row.id) + Decimal(row.ore)
    if total > most:
        raise DomainError(gettext(
            "A %(type)s lasts at most %(max)s hours: with these it would reach %(total)s.",
            type=row.percorso.tipologia.label, max=most, total=_q(total)), "ore")


def check_hours_band(session: Session, p: Percorso) -> None:
    """A path with an hour band ends (hired, back to the cooperative) only within it (Modena:
    "un minimo di 250 ore ad un massimo di 500 ore"); the message gives the hours recorded."""
    least, most = _band(p)
    if least is None and most is None:
        return
    total = attendance_hours(session, p)
    if (least is not None and total < least) or (most is not None and total > most):
        raise DomainError(gettext(
            "A %(type)s must last between %(min)s and %(max)s hours: %(hours)s are recorded.",
            type=p.tipologia.label, min=least if least is not None else 0,
            max=most if most is not None else "-", hours=_q(total)))
