"""The quarterly report to the PAL manager (DOMAIN.md, "Report trimestrale"): paths by state
and type, hours, missed deadlines."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    Integer,
    Numeric,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from ..base import StatoPercorso, StatoVoucher, TipologiaPercorso, TipoOre
from ..percorsi import Ore, Percorso, Voucher
from ..programmi import Programma
from ..queries import activation_due, intake_due
from ..tipologie import CLASSIC
from .common import Periodo, between, count_if, per_comune, with_total

S = StatoPercorso
HOURS = Numeric(9, 2)


def stato_al(day: dt.date):
    """A path's state on ``day``, rebuilt from its dated steps (states keep no history).

    In order: ended by ``day`` -> its final state; started -> active; an approved voucher
    decided by ``day`` -> voucher approved; a voucher proposed and undecided on ``day`` ->
    voucher proposed; first interview -> under evaluation; intake -> taken in charge;
    otherwise referred.
    """
    d = bindparam("giorno", day, type_=Date)
    approved = exists().where(Voucher.percorso_id == Percorso.id, Voucher.stato == StatoVoucher.APPROVATO,
                              Voucher.data_decisione <= d)
    pending = exists().where(Voucher.percorso_id == Percorso.id, Voucher.data_proposta <= d,
                             or_(Voucher.data_decisione.is_(None), Voucher.data_decisione > d))
    return case(
        (Percorso.data_fine <= d, type_coerce(Percorso.stato, String)),
        (Percorso.data_avvio <= d, S.ATTIVO.name),
        (approved, S.VOUCHER_APPROVATO.name),
        (pending, S.VOUCHER_PROPOSTO.name),
        (Percorso.data_primo_colloquio <= d, S.IN_VALUTAZIONE.name),
        (Percorso.data_presa_in_carico <= d, S.PRESO_IN_CARICO.name),
        else_=S.SEGNALATO.name,
    )


def report_types(rows) -> list[TipologiaPercorso]:
    """The path types the by-type table shows: the four classic ones, and any other with paths
    (the table of ``percorsi_per_stato`` counts every type; the others stay out of sight)."""
    total = rows[-1] if rows else {}
    return [t for t in TipologiaPercorso if t in CLASSIC or (total.get(t.name) or 0) > 0]


def percorsi_per_stato(session: Session, p: Periodo, comune_id: int | None = None):
    """Paths referred by the end of the period, by state on the last day (``stato_al``) and by
    type: one row per state with a count per type and ``totale``; then the total row. The
    columns are the types of ``report_types``."""
    inner = select(stato_al(p.al).label("stato"), Percorso.tipologia).where(Percorso.data_segnalazione <= p.al)
    if comune_id:
        inner = inner.where(Percorso.comune_id == comune_id)
    inner = inner.subquery()
    flow = {s.name: i for i, s in enumerate(StatoPercorso)}
    stmt = select(
        inner.c.stato,
        case(flow, value=inner.c.stato).label("posizione"),
        *[cast(count_if(inner.c.tipologia == t), Integer).label(t.name) for t in TipologiaPercorso],
        cast(func.count(), Integer).label("totale"),
    ).group_by(inner.c.stato)
    rows = session.execute(with_total(stmt, ("stato", "posizione"), ("posizione",))).mappings().all()
    shown = {"stato", "posizione", "ordine", "totale", *(t.name for t in report_types(rows))}
    return [{k: v for k, v in row.items() if k in shown} for row in rows]


def ore_per_comune(session: Session, p: Periodo, comune_id: int | None = None):
    """Hours dated in the period per referring Comune: attendance (timesheets), tutoring,
    and the number of paths with at least one hour."""
    # Per path first (hour rows only), then per Comune: one join per path, not per row.
    per_path = (
        select(
            Ore.percorso_id,
            func.sum(case((Ore.tipo == TipoOre.PRESENZA, Ore.ore), else_=0)).label("presenza"),
            func.sum(case((Ore.tipo == TipoOre.AFFIANCAMENTO, Ore.ore), else_=0)).label("affiancamento"),
        )
        .where(between(Ore.data, p))
        .group_by(Ore.percorso_id)
        .subquery()
    )
    hours = (
        select(
            Percorso.comune_id.label("k"),
            cast(func.sum(per_path.c.presenza), HOURS).label("ore_presenza"),
            cast(func.sum(per_path.c.affiancamento), HOURS).label("ore_affiancamento"),
            cast(func.count(), Integer).label("percorsi_con_ore"),
        )
        .join(Percorso, per_path.c.percorso_id == Percorso.id)
        .group_by(Percorso.comune_id)
        .subquery()
    )
    return session.execute(with_total(per_comune((hours,), comune_id), ("comune_id", "comune"))).mappings().all()


def scadenze_mancate(session: Session, p: Periodo, comune_id: int | None = None):
    """Missed deadlines per referring Comune (DOMAIN.md: intake and activation within 15 days,
    the programme's ``giorni_*``; intake due date includes a granted extension).

    - prese_in_carico_tardive: intake date in the period and after its due date;
    - prese_in_carico_scadute: on the period's last day not taken in charge, not ended, and the
      intake due date already passed (due < last day);
    - avvii_tardivi: start date in the period and after its due date (intake + giorni_avvio);
    - avvii_scaduti: on the last day taken in charge, not started, not ended, due date passed.
    """
    dialect = session.get_bind().dialect.name
    d = bindparam("fine_periodo", p.al, type_=Date)
    intake, start = intake_due(dialect), activation_due(dialect)
    open_on_d = or_(Percorso.data_fine.is_(None), Percorso.data_fine > d)
    late = (
        select(
            Percorso.comune_id.label("k"),
            cast(count_if(and_(between(Percorso.data_presa_in_carico, p), Percorso.data_presa_in_carico > intake)),
                 Integer).label("prese_in_carico_tardive"),
            cast(count_if(and_(or_(Percorso.data_presa_in_carico.is_(None), Percorso.data_presa_in_carico > d),
                             open_on_d, intake < d)), Integer).label("prese_in_carico_scadute"),
            cast(count_if(and_(between(Percorso.data_avvio, p), Percorso.data_avvio > start)),
                 Integer).label("avvii_tardivi"),
            cast(count_if(and_(Percorso.data_presa_in_carico <= d,
                             or_(Percorso.data_avvio.is_(None), Percorso.data_avvio > d),
                             open_on_d, start < d)), Integer).label("avvii_scaduti"),
        )
        .join(Programma, Percorso.programma_id == Programma.id)
        .where(Percorso.data_segnalazione <= d)
        .group_by(Percorso.comune_id)
        .subquery()
    )
    return session.execute(with_total(per_comune((late,), comune_id), ("comune_id", "comune"))).mappings().all()


def trimestrale(session: Session, p: Periodo, comune_id: int | None = None) -> dict:
    """Quarterly report to the PAL manager: three statements."""
    stati = percorsi_per_stato(session, p, comune_id)
    return {
        "tipologie": report_types(stati),
        "stati": stati,
        "ore": ore_per_comune(session, p, comune_id),
        "scadenze": scadenze_mancate(session, p, comune_id),
    }
