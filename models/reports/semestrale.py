"""The half-year activity report per Comune and in total (DOMAIN.md, "Report semestrale")."""

from __future__ import annotations

from sqlalchemy import Integer, and_, case, cast, exists, func, or_, select, true, type_coerce
from sqlalchemy.orm import Session

from ..anagrafiche import EnteOspitante, Postazione
from ..base import Esito, StatoPercorso
from ..money import MONEY, sql_line_gross
from ..percorsi import Addebito, Percorso
from ..programmi import VoceListino
from ..tipologie import INTERNSHIPS
from .common import Periodo, active_in, between, count_if, per_comune, with_total

S = StatoPercorso


def _charges_gross():
    return sql_line_gross(Addebito.quantita, VoceListino.prezzo_unitario, VoceListino.aliquota_iva)


# -- Half-year activity report -----------------------------------------------------------------


def _path_figures(p: Periodo):
    """Per referring Comune (``k``), paths with an event in the period:

    - segnalazioni: referral date in the period;
    - prese_in_carico: intake date in the period;
    - percorsi_in_postazione: at a position for at least one day of the period (start on or
      before its end, no end or end on or after its start);
    - tirocini_avviati: internships (extracurricular or social-inclusion) with start date in the period;
    - assunzioni: hiring date in the period;
    - conclusi_assunti / conclusi_non_assunti / interrotti / ritirati: now in that final state
      (concluded with that outcome) with end date in the period.
    """
    closed = (
        ("conclusi_assunti", S.CONCLUSO, Percorso.esito == Esito.ASSUNTO),
        ("conclusi_non_assunti", S.CONCLUSO, Percorso.esito == Esito.NON_ASSUNTO),
        ("interrotti", S.INTERROTTO, true()),
        ("ritirati", S.RITIRATO, true()),
    )
    return (
        select(
            Percorso.comune_id.label("k"),
            count_if(between(Percorso.data_segnalazione, p)).label("segnalazioni"),
            count_if(between(Percorso.data_presa_in_carico, p)).label("prese_in_carico"),
            count_if(active_in(p)).label("percorsi_in_postazione"),
            count_if(and_(Percorso.tipologia.in_(INTERNSHIPS),
                        between(Percorso.data_avvio, p))).label("tirocini_avviati"),
            count_if(between(Percorso.data_assunzione, p)).label("assunzioni"),
            *[count_if(and_(Percorso.stato == stato, esito, between(Percorso.data_fine, p))).label(name)
              for name, stato, esito in closed],
        )
        # Every event counted above lies between referral and end: other paths add nothing.
        .where(Percorso.data_segnalazione <= p.al, or_(Percorso.data_fine.is_(None), Percorso.data_fine >= p.dal))
        .group_by(Percorso.comune_id)
        .subquery()
    )


def _position_figures(p: Periodo):
    """Per Comune of the host organisation (``k``):

    - postazioni_disponibili: positions whose active period (attiva_dal..attiva_al) overlaps the
      period; posti_disponibili: the sum of their seats;
    - postazioni_utilizzate: positions at which at least one path was active in the period.
    """
    open_ = and_(Postazione.attiva_dal <= p.al, or_(Postazione.attiva_al.is_(None), Postazione.attiva_al >= p.dal))
    used = exists().where(Percorso.postazione_id == Postazione.id, active_in(p))
    per_position = (
        select(
            EnteOspitante.comune_id.label("k"),
            case((open_, 1), else_=0).label("aperta"),
            case((open_, Postazione.posti), else_=0).label("posti"),
            case((used, 1), else_=0).label("usata"),
        )
        .join(EnteOspitante, Postazione.ente_id == EnteOspitante.id)
        .where(or_(open_, used))
        .subquery()
    )
    return (
        select(
            per_position.c.k,
            cast(func.sum(per_position.c.aperta), Integer).label("postazioni_disponibili"),
            cast(func.sum(per_position.c.posti), Integer).label("posti_disponibili"),
            cast(func.sum(per_position.c.usata), Integer).label("postazioni_utilizzate"),
        )
        .group_by(per_position.c.k)
        .subquery()
    )


def _charge_figures(p: Periodo):
    """Per referring Comune (``k``): budget_utilizzato, the gross amount (each charge's taxable
    rounded to the cent plus its VAT, ``money.sql_line_gross``) of the charges dated in the
    period, invoiced or not."""
    return (
        select(Percorso.comune_id.label("k"), type_coerce(func.sum(_charges_gross()), MONEY).label("budget_utilizzato"))
        .select_from(Addebito)
        .join(Percorso, Addebito.percorso_id == Percorso.id)
        .join(VoceListino, Addebito.voce_listino_id == VoceListino.id)
        .where(between(Addebito.data, p))
        .group_by(Percorso.comune_id)
        .subquery()
    )


#: The half-year report's columns, in the order the report shows them.
SEMESTRALE = ("comune_id", "comune", "segnalazioni", "prese_in_carico", "postazioni_disponibili",
              "posti_disponibili", "postazioni_utilizzate", "percorsi_in_postazione", "tirocini_avviati",
              "assunzioni", "conclusi_assunti", "conclusi_non_assunti", "interrotti", "ritirati",
              "budget_utilizzato")


def semestrale(session: Session, p: Periodo, comune_id: int | None = None):
    """Half-year activity report per Comune and in total (DOMAIN.md, "Report semestrale"):
    the figures of ``_path_figures``, ``_position_figures`` and ``_charge_figures``, one row
    per Comune present in any of them, then the total row. One statement."""
    parts = (_path_figures(p), _position_figures(p), _charge_figures(p))
    sub = per_comune(parts, comune_id).subquery()
    stmt = with_total(select(*[sub.c[k] for k in SEMESTRALE]), ("comune_id", "comune"))
    return session.execute(stmt).mappings().all()
