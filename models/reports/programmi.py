"""Reports of the programme kinds (issue 14, item 8): Modena's secondments by disadvantage
category and hour band, public-utility work per Comune, PIP services delivered against planned.
Each table is one aggregating statement, as in the other report modules."""

from __future__ import annotations

from sqlalchemy import Float, Integer, Numeric, and_, case, cast, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from ..anagrafiche import CategoriaSvantaggio, Postazione, persona_svantaggio
from ..base import (
    Esito,
    StatoFattura,
    StatoPercorso,
    StatoVoucher,
    TipologiaPercorso,
    TipoOre,
    TipoVoce,
)
from ..fatture import Fattura, RigaFattura
from ..money import MONEY, sql_line_amount, sql_line_gross
from ..percorsi import Addebito, Ore, Percorso, RigaVoucher, Voucher
from ..programmi import TipologiaProgramma, VoceListino
from .common import Periodo, between, per_comune, with_total

S, T = StatoPercorso, TipologiaPercorso
HOURS = Numeric(9, 2)


def _involved(p: Periodo, tipo: TipologiaPercorso, comune_id: int | None):
    """Paths of ``tipo`` started by the period's end and not ended before it starts."""
    cond = [Percorso.tipologia == tipo, Percorso.data_avvio <= p.al,
            or_(Percorso.data_fine.is_(None), Percorso.data_fine >= p.dal)]
    if comune_id:
        cond.append(Percorso.comune_id == comune_id)
    return and_(*cond)


def _secondments(p: Periodo, comune_id: int | None):
    """One row per secondment involved in the period: its person, company, outcome, the
    attendance hours recorded (whole path) and the programme's band for secondments."""
    hours = (select(Ore.percorso_id, func.sum(Ore.ore).label("ore"))
             .where(Ore.tipo == TipoOre.PRESENZA).group_by(Ore.percorso_id).subquery())
    ended = and_(Percorso.stato == S.CONCLUSO, between(Percorso.data_fine, p))
    return (
        select(Percorso.id, Percorso.persona_id, Postazione.ente_id.label("impresa"),
               case((ended, Percorso.esito)).label("esito"),
               func.coalesce(hours.c.ore, 0).label("ore"),
               TipologiaProgramma.ore_minime.label("minime"), TipologiaProgramma.ore_massime.label("massime"))
        .join(Postazione, Percorso.postazione_id == Postazione.id)
        .outerjoin(hours, hours.c.percorso_id == Percorso.id)
        .outerjoin(TipologiaProgramma, and_(TipologiaProgramma.programma_id == Percorso.programma_id,
                                            TipologiaProgramma.tipologia == Percorso.tipologia))
        .where(_involved(p, T.DISTACCO, comune_id))
        .subquery("distacchi")
    )


def distacchi(session: Session, p: Periodo, comune_id: int | None = None) -> dict:
    """Modena's outcome table ("Lavoratori coinvolti ... conclusi ... assunti ... imprese
    coinvolte", by kind of disadvantage) over the secondments involved in the period:
    - lavoratori: distinct people; percorsi: secondments; conclusi: concluded in the period;
    - assunti / rientri: of those, hired / back to the cooperative; quota_assunti = assunti / conclusi;
    - imprese: distinct companies hosting them; ore: attendance hours recorded;
    - sotto / in_fascia / oltre: secondments whose hours are below, within or above the
      programme's band (250-500 for Modena); paths of a programme without a band count in none.
    By disadvantage category (a person in two counts in both) and in total: two statements."""
    d = _secondments(p, comune_id)
    concluded = d.c.esito.is_not(None)
    hired = d.c.esito == Esito.ASSUNTO
    figures = [
        cast(func.count(func.distinct(d.c.persona_id)), Integer).label("lavoratori"),
        cast(func.count(func.distinct(d.c.id)), Integer).label("percorsi"),
        cast(func.count(func.distinct(case((concluded, d.c.id)))), Integer).label("conclusi"),
        cast(func.count(func.distinct(case((hired, d.c.id)))), Integer).label("assunti"),
        cast(func.count(func.distinct(case((d.c.esito == Esito.RIENTRO, d.c.id)))), Integer).label("rientri"),
        cast(func.count(func.distinct(case((hired, d.c.id)))) * 1.0
             / func.nullif(func.count(func.distinct(case((concluded, d.c.id)))), 0), Float).label("quota_assunti"),
        cast(func.count(func.distinct(d.c.impresa)), Integer).label("imprese"),
        cast(func.sum(d.c.ore), HOURS).label("ore"),
        cast(func.count(func.distinct(case((d.c.ore < d.c.minime, d.c.id)))), Integer).label("sotto"),
        cast(func.count(func.distinct(case((and_(d.c.ore >= d.c.minime, d.c.ore <= d.c.massime), d.c.id)))),
             Integer).label("in_fascia"),
        cast(func.count(func.distinct(case((d.c.ore > d.c.massime, d.c.id)))), Integer).label("oltre"),
    ]
    by_category = (
        select(CategoriaSvantaggio.codice.label("codice"), CategoriaSvantaggio.descrizione.label("descrizione"),
               *figures)
        .select_from(d)
        .outerjoin(persona_svantaggio, persona_svantaggio.c.persona_id == d.c.persona_id)
        .outerjoin(CategoriaSvantaggio, CategoriaSvantaggio.id == persona_svantaggio.c.categoria_id)
        .group_by(CategoriaSvantaggio.codice, CategoriaSvantaggio.descrizione)
        .order_by(CategoriaSvantaggio.codice.is_(None), CategoriaSvantaggio.codice)
    )
    total = select(*figures).select_from(d)
    return {"categorie": session.execute(by_category).mappings().all(),
            "totale": session.execute(total).mappings().all()}


def pubblica_utilita(session: Session, p: Periodo, comune_id: int | None = None):
    """Public-utility work per referring Comune (Beta "Lavorare insieme"), in the period:
    - persone / percorsi: people and paths of public-utility work involved;
    - ore_presenza: their attendance hours dated in the period;
    - ore_lavoro: hours of work delivered (items of kind public-utility work hour) in the period;
    - importo: the gross amount of those deliveries; fatturato: the part on issued or paid invoices.
    Then the total row. One statement."""
    paths = (
        select(Percorso.comune_id.label("k"),
               cast(func.count(func.distinct(Percorso.persona_id)), Integer).label("persone"),
               cast(func.count(Percorso.id), Integer).label("percorsi"))
        .where(_involved(p, T.PUBBLICA_UTILITA, None)).group_by(Percorso.comune_id).subquery())
    attendance = (
        select(Percorso.comune_id.label("k"), cast(func.sum(Ore.ore), HOURS).label("ore_presenza"))
        .join(Percorso, Ore.percorso_id == Percorso.id)
        .where(Percorso.tipologia == T.PUBBLICA_UTILITA, Ore.tipo == TipoOre.PRESENZA, between(Ore.data, p))
        .group_by(Percorso.comune_id).subquery())
    gross = sql_line_gross(Addebito.quantita, VoceListino.prezzo_unitario, VoceListino.aliquota_iva)
    invoiced = Fattura.stato.in_((StatoFattura.EMESSA, StatoFattura.PAGATA))
    work = (
        select(Percorso.comune_id.label("k"), cast(func.sum(Addebito.quantita), HOURS).label("ore_lavoro"),
               type_coerce(func.sum(gross), MONEY).label("importo"),
               type_coerce(func.sum(case((invoiced, gross), else_=0)), MONEY).label("fatturato"))
        .select_from(Addebito)
        .join(Percorso, Addebito.percorso_id == Percorso.id)
        .join(VoceListino, Addebito.voce_listino_id == VoceListino.id)
        .outerjoin(RigaFattura, Addebito.riga_fattura_id == RigaFattura.id)
        .outerjoin(Fattura, RigaFattura.fattura_id == Fattura.id)
        .where(VoceListino.tipo == TipoVoce.ORA_LAVORO, between(Addebito.data, p))
        .group_by(Percorso.comune_id).subquery())
    stmt = per_comune((paths, attendance, work), comune_id)
    return session.execute(with_total(stmt, ("comune_id", "comune"))).mappings().all()


def pip_servizi(session: Session, p: Periodo, comune_id: int | None = None):
    """PIP services delivered against planned (SolCo Mantova), per catalogue service, over the
    PIPs whose voucher was approved by the period's end:
    - piani: PIPs planning the service; prevista: the quantity approved (after variations);
    - erogata_periodo: delivered in the period; erogata: delivered by the period's end;
      residua = prevista - erogata;
    - importo_previsto / importo_erogato: taxable amounts of the planned quantity and of what
      was delivered by the period's end (each line rounded, models/money.py).
    Then the total row (quantities of different services add up there only as a check). One
    statement."""
    plans = [Percorso.tipologia == T.PIP, Voucher.stato == StatoVoucher.APPROVATO, Voucher.data_decisione <= p.al]
    if comune_id:
        plans.append(Percorso.comune_id == comune_id)
    done = (
        select(Addebito.riga_voucher_id.label("riga"),
               func.sum(case((between(Addebito.data, p), Addebito.quantita), else_=0)).label("periodo"),
               func.sum(Addebito.quantita).label("totale"),
               func.sum(sql_line_amount(Addebito.quantita, VoceListino.prezzo_unitario)).label("importo"))
        .join(VoceListino, Addebito.voce_listino_id == VoceListino.id)
        .where(Addebito.riga_voucher_id.is_not(None), Addebito.data <= p.al)
        .group_by(Addebito.riga_voucher_id).subquery())
    erogata = func.coalesce(func.sum(done.c.totale), 0)
    stmt = (
        select(VoceListino.codice.label("codice"), VoceListino.descrizione.label("servizio"),
               cast(func.count(func.distinct(Voucher.id)), Integer).label("piani"),
               cast(func.sum(RigaVoucher.quantita), HOURS).label("prevista"),
               cast(func.coalesce(func.sum(done.c.periodo), 0), HOURS).label("erogata_periodo"),
               cast(erogata, HOURS).label("erogata"),
               cast(func.sum(RigaVoucher.quantita) - erogata, HOURS).label("residua"),
               type_coerce(func.sum(sql_line_amount(RigaVoucher.quantita, VoceListino.prezzo_unitario)),
                           MONEY).label("importo_previsto"),
               type_coerce(func.coalesce(func.sum(done.c.importo), 0), MONEY).label("importo_erogato"))
        .select_from(RigaVoucher)
        .join(Voucher, RigaVoucher.voucher_id == Voucher.id)
        .join(Percorso, Voucher.percorso_id == Percorso.id)
        .join(VoceListino, RigaVoucher.voce_listino_id == VoceListino.id)
        .outerjoin(done, done.c.riga == RigaVoucher.id)
        .where(*plans)
        .group_by(VoceListino.codice, VoceListino.descrizione)
    )
    return session.execute(with_total(stmt, ("codice", "servizio"), ("codice",))).mappings().all()

