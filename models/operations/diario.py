"""The path's diary: dated events written by the agency (DOMAIN.md, "Diario": interviews,
company visits, review meetings, update reports to the social worker, with the author)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext
from sqlalchemy.orm import Session

from .. import clock
from ..base import TipoEvento
from ..errors import DomainError
from ..percorsi import Diario, Percorso


def check_diary_entry(entry: Diario) -> None:
    """An event says what happened, on a day between the referral and today."""
    if not (entry.descrizione or "").strip():
        raise DomainError(gettext("Please write what happened."), "descrizione")
    if entry.data is None:
        raise DomainError(gettext("Please enter a valid date."), "data")
    if entry.data > clock.today():
        raise DomainError(gettext("The date cannot be in the future."), "data")
    p = entry.percorso
    if p is not None and p.data_segnalazione and entry.data < p.data_segnalazione:
        raise DomainError(
            gettext("The date cannot precede the referral (%(day)s).",
                    day=p.data_segnalazione.strftime("%d/%m/%Y")),
            "data",
        )


def add_diary_entry(session: Session, p: Percorso, day: dt.date, tipo: TipoEvento, text: str,
                    by=None) -> Diario:
    """Write an event in the path's diary; ``by``, the console user writing it, is its author."""
    entry = Diario(percorso=p, data=day, tipo=tipo, descrizione=(text or "").strip(), autore=by)
    check_diary_entry(entry)
    session.add(entry)
    session.flush()
    return entry
