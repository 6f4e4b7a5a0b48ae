"""Report read models in SQL (DOMAIN.md, "Reports that users expect"): one statement per table.

Every function returns rows (``RowMapping``) straight from one aggregating statement (GROUP BY,
CASE, COUNT DISTINCT); nothing here loops over rows. A period is inclusive at both ends.
Per-Comune tables end with a total row (``comune_id`` NULL, ``ordine`` 1) computed by the same
statement over a CTE, so a report costs the same few statements whatever the number of Comuni.
The README ("Reports") defines every figure; the docstrings below say the same, shorter.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    Date,
    Float,
    Integer,
    Numeric,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from .anagrafiche import CategoriaSvantaggio, Comune, EnteOspitante, Postazione, persona_svantaggio
from .base import Esito, StatoFattura, StatoPercorso, StatoVoucher, TipologiaPercorso, TipoOre
from .fatture import Fattura, Pagamento
from .money import MONEY, sql_line_gross
from .percorsi import Addebito, Ore, Percorso, Voucher
from .programmi import Budget, Programma, VoceListino
from .queries import activation_due, budget_figures_by_budget, intake_due

S = StatoPercorso
HOURS = Numeric(9, 2)


@dataclass(frozen=True)
class Periodo:
    """An inclusive date range: the period a report covers."""

    dal: dt.date
    al: dt.date

    @classmethod
    def semestre(cls, anno: int, n: int) -> Periodo:
        """Half-year ``n`` (1 or 2) of ``anno``."""
        if n not in (1, 2):
            raise ValueError(n)
        return cls.mesi(anno, 6 * n - 5, 6 * n)

    @classmethod
    def trimestre(cls, anno: int, n: int) -> Periodo:
        """Quarter ``n`` (1 to 4) of ``anno``."""
        if n not in (1, 2, 3, 4):
            raise ValueError(n)
        return cls.mesi(anno, 3 * n - 2, 3 * n)

    @classmethod
    def mesi(cls, anno: int, primo: int, ultimo: int) -> Periodo:
        return cls(dt.date(anno, primo, 1), dt.date(anno, ultimo, calendar.monthrange(anno, ultimo)[1]))


def _count(cond):
    """COUNT of the rows meeting ``cond`` (SUM of a CASE, so one GROUP BY serves many figures)."""
    return func.sum(case((cond, 1), else_=0))


def _between(col, p: Periodo):
    return and_(col >= p.dal, col <= p.al)


def _active_in(p: Periodo):
    """The path was at its position for at least one day of the period."""
    return and_(
        Percorso.postazione_id.is_not(None),
        Percorso.data_avvio <= p.al,
        or_(Percorso.data_fine.is_(None), Percorso.data_fine >= p.dal),
    )


def _with_total(stmt, keys: tuple[str, ...], order: tuple[str, ...] = ("comune",)):
    """``stmt``'s rows (ordine 0) then one row (ordine 1) summing every non-key column.

    Only additive figures go through here: counts of paths or positions, hours, money.
    """
    cte = stmt.cte("dettaglio")
    figures = [c for c in cte.c if c.key not in keys]
    detail = select(*cte.c, literal(0).label("ordine"))
    total = select(
        *[null().label(k) for k in keys],
        *[cast(func.coalesce(func.sum(c), 0), c.type).label(c.key) for c in figures],
        literal(1).label("ordine"),
    )
    both = union_all(detail, total).subquery()
    return select(*both.c).order_by(both.c.ordine, *[both.c[k] for k in order])


def _per_comune(parts, comune_id: int | None):
    """Join grouped subqueries (each keyed by ``k`` = Comune id) to Comune, one row per Comune
    present in any of them; missing figures are 0."""
    columns, present = [], []
    stmt = select(Comune.id.label("comune_id"), Comune.nome.label("comune"))
    for sub in parts:
        stmt = stmt.outerjoin(sub, sub.c.k == Comune.id)
        present.append(sub.c.k.is_not(None))
        columns += [cast(func.coalesce(c, 0), c.type).label(c.key) for c in sub.c if c.key != "k"]
    stmt = stmt.add_columns(*columns).where(or_(*present))
    if comune_id:
        stmt = stmt.where(Comune.id == comune_id)
    return stmt


def _charges_gross():
    return sql_line_gross(Addebito.quantita, VoceListino.prezzo_unitario, VoceListino.aliquota_iva)


# -- Half-year activity report -----------------------------------------------------------------


def _path_figures(p: Periodo):
    """Per referring Comune (``k``), paths with an event in the period:

    - segnalazioni: referral date in the period;
    - prese_in_carico: intake date in the period;
    - percorsi_in_postazione: at a position for at least one day of the period (start on or
      before its end, no end or end on or after its start);
    - tirocini_avviati: internships with start date in the period;
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
            _count(_between(Percorso.data_segnalazione, p)).label("segnalazioni"),
            _count(_between(Percorso.data_presa_in_carico, p)).label("prese_in_carico"),
            _count(_active_in(p)).label("percorsi_in_postazione"),
            _count(and_(Percorso.tipologia == TipologiaPercorso.TIROCINIO,
                        _between(Percorso.data_avvio, p))).label("tirocini_avviati"),
            _count(_between(Percorso.data_assunzione, p)).label("assunzioni"),
            *[_count(and_(Percorso.stato == stato, esito, _between(Percorso.data_fine, p))).label(name)
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
    used = exists().where(Percorso.postazione_id == Postazione.id, _active_in(p))
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
        .where(_between(Addebito.data, p))
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
    sub = _per_comune(parts, comune_id).subquery()
    stmt = _with_total(select(*[sub.c[k] for k in SEMESTRALE]), ("comune_id", "comune"))
    return session.execute(stmt).mappings().all()


# -- Quarterly report to the PAL manager -------------------------------------------------------


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


def percorsi_per_stato(session: Session, p: Periodo, comune_id: int | None = None):
    """Paths referred by the end of the period, by state on the last day (``stato_al``) and by
    type: one row per state with a count per type and ``totale``; then the total row."""
    inner = select(stato_al(p.al).label("stato"), Percorso.tipologia).where(Percorso.data_segnalazione <= p.al)
    if comune_id:
        inner = inner.where(Percorso.comune_id == comune_id)
    inner = inner.subquery()
    flow = {s.name: i for i, s in enumerate(StatoPercorso)}
    stmt = select(
        inner.c.stato,
        case(flow, value=inner.c.stato).label("posizione"),
        *[cast(_count(inner.c.tipologia == t), Integer).label(t.name) for t in TipologiaPercorso],
        cast(func.count(), Integer).label("totale"),
    ).group_by(inner.c.stato)
    return session.execute(_with_total(stmt, ("stato", "posizione"), ("posizione",))).mappings().all()


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
        .where(_between(Ore.data, p))
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
    return session.execute(_with_total(_per_comune((hours,), comune_id), ("comune_id", "comune"))).mappings().all()


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
            cast(_count(and_(_between(Percorso.data_presa_in_carico, p), Percorso.data_presa_in_carico > intake)),
                 Integer).label("prese_in_carico_tardive"),
            cast(_count(and_(or_(Percorso.data_presa_in_carico.is_(None), Percorso.data_presa_in_carico > d),
                             open_on_d, intake < d)), Integer).label("prese_in_carico_scadute"),
            cast(_count(and_(_between(Percorso.data_avvio, p), Percorso.data_avvio > start)),
                 Integer).label("avvii_tardivi"),
            cast(_count(and_(Percorso.data_presa_in_carico <= d,
                             or_(Percorso.data_avvio.is_(None), Percorso.data_avvio > d),
                             open_on_d, start < d)), Integer).label("avvii_scaduti"),
        )
        .join(Programma, Percorso.programma_id == Programma.id)
        .where(Percorso.data_segnalazione <= d)
        .group_by(Percorso.comune_id)
        .subquery()
    )
    return session.execute(_with_total(_per_comune((late,), comune_id), ("comune_id", "comune"))).mappings().all()


def trimestrale(session: Session, p: Periodo, comune_id: int | None = None) -> dict:
    """Quarterly report to the PAL manager: three statements."""
    return {
        "stati": percorsi_per_stato(session, p, comune_id),
        "ore": ore_per_comune(session, p, comune_id),
        "scadenze": scadenze_mancate(session, p, comune_id),
    }


# -- Budget verification -----------------------------------------------------------------------


def verifica_budget(session: Session, p: Periodo, comune_id: int | None = None):
    """Budgets whose period overlaps ``p``, one row each (Comune x programme x period), with
    the SQL figures of ``Budget`` (models/queries/budget.py): stanziato, impegnato, consumato,
    fatturato, residuo over the budget's whole period as recorded now; then the total row."""
    overlaps = [Budget.data_inizio <= p.al, Budget.data_fine >= p.dal]
    if comune_id:
        overlaps.append(Budget.comune_id == comune_id)
    figures = budget_figures_by_budget(*overlaps).subquery()
    stmt = (
        select(
            Budget.id.label("budget_id"),
            Comune.nome.label("comune"),
            Programma.nome.label("programma"),
            Budget.data_inizio,
            Budget.data_fine,
            *[cast(figures.c[k], MONEY).label(k)
              for k in ("stanziato", "impegnato", "consumato", "fatturato", "residuo")],
        )
        .join(Comune, Budget.comune_id == Comune.id)
        .join(Programma, Budget.programma_id == Programma.id)
        .join(figures, figures.c.budget_id == Budget.id)
    )
    keys = ("budget_id", "comune", "programma", "data_inizio", "data_fine")
    return session.execute(_with_total(stmt, keys, ("comune", "programma", "data_inizio"))).mappings().all()


# -- Outcome indicators (Modena) ---------------------------------------------------------------


def _indicators(p: Periodo):
    """The outcome figures over the paths involved in the period (see ``indicatori_esito``)."""
    ended = and_(Percorso.stato == S.CONCLUSO, _between(Percorso.data_fine, p))
    hired = and_(ended, Percorso.esito == Esito.ASSUNTO)
    return [
        cast(func.count(func.distinct(Percorso.persona_id)), Integer).label("persone"),
        cast(func.count(func.distinct(Percorso.id)), Integer).label("percorsi"),
        cast(func.count(func.distinct(case((ended, Percorso.id)))), Integer).label("conclusi"),
        cast(func.count(func.distinct(case((hired, Percorso.id)))), Integer).label("assunti"),
        cast(func.count(func.distinct(case((hired, Percorso.id)))) * 1.0
             / func.nullif(func.count(func.distinct(case((ended, Percorso.id)))), 0), Float).label("quota_assunti"),
        cast(func.count(func.distinct(Postazione.ente_id)), Integer).label("enti"),
    ]


def indicatori_esito(session: Session, p: Periodo, comune_id: int | None = None) -> dict:
    """Outcome indicators as the Modena programme reports them (DOMAIN.md, programme 4).

    Paths involved: activated at a position by the period's end and not ended before it starts.
    - persone: distinct people of those paths; percorsi: those paths;
    - conclusi: of those, concluded (state CONCLUSO) with end date in the period;
    - assunti: of the concluded, with outcome hired; quota_assunti = assunti / conclusi;
    - enti: distinct host organisations of the positions of those paths.
    By disadvantage category (a person in two categories counts in both; "none" for people with
    none), by path type, and in total: three statements. COUNT DISTINCT: not additive.
    """
    figures = _indicators(p)

    def base(*cols):
        stmt = (
            select(*cols, *figures)
            .select_from(Percorso)
            .join(Postazione, Percorso.postazione_id == Postazione.id)
            .where(Percorso.data_avvio <= p.al, or_(Percorso.data_fine.is_(None), Percorso.data_fine >= p.dal))
        )
        return stmt.where(Percorso.comune_id == comune_id) if comune_id else stmt

    by_category = (
        base(CategoriaSvantaggio.codice.label("codice"), CategoriaSvantaggio.descrizione.label("descrizione"))
        .outerjoin(persona_svantaggio, persona_svantaggio.c.persona_id == Percorso.persona_id)
        .outerjoin(CategoriaSvantaggio, CategoriaSvantaggio.id == persona_svantaggio.c.categoria_id)
        .group_by(CategoriaSvantaggio.codice, CategoriaSvantaggio.descrizione)
        .order_by(CategoriaSvantaggio.codice.is_(None), CategoriaSvantaggio.codice)
    )
    by_type = base(Percorso.tipologia.label("tipologia")).group_by(Percorso.tipologia).order_by(Percorso.tipologia)
    return {
        "categorie": session.execute(by_category).mappings().all(),
        "tipologie": session.execute(by_type).mappings().all(),
        "totale": session.execute(base()).mappings().all(),
    }


# -- Invoice register --------------------------------------------------------------------------


def registro_fatture(session: Session, anno: int, comune_id: int | None = None):
    """Issued invoices and credit notes of ``anno`` (drafts have no number: excluded), by number.

    totale = imponibile + iva; pagato = sum of the payments recorded; da_incassare = what the
    agency still expects: imponibile under split payment (the Comune pays the VAT to the State),
    else totale, minus pagato. One statement.
    """
    paid = (
        select(Pagamento.fattura_id.label("k"), func.sum(Pagamento.importo).label("pagato"),
               func.max(Pagamento.data).label("ultimo_pagamento"))
        .group_by(Pagamento.fattura_id)
        .subquery()
    )
    pagato = cast(func.coalesce(paid.c.pagato, 0), MONEY)
    due = case((Fattura.split_payment.is_(True), Fattura.imponibile), else_=Fattura.imponibile + Fattura.iva)
    stmt = (
        select(
            Fattura.id.label("fattura_id"),
            Fattura.numero,
            Fattura.data,
            Fattura.tipo_documento,
            Comune.nome.label("comune"),
            Fattura.imponibile,
            Fattura.iva,
            cast(Fattura.imponibile + Fattura.iva, MONEY).label("totale"),
            Fattura.split_payment,
            Fattura.stato,
            pagato.label("pagato"),
            paid.c.ultimo_pagamento,
            cast(due - func.coalesce(paid.c.pagato, 0), MONEY).label("da_incassare"),
        )
        .join(Comune, Fattura.comune_id == Comune.id)
        .outerjoin(paid, paid.c.k == Fattura.id)
        .where(Fattura.anno == anno, Fattura.stato != StatoFattura.BOZZA)
        .order_by(Fattura.numero)
    )
    if comune_id:
        stmt = stmt.where(Fattura.comune_id == comune_id)
    return session.execute(stmt).mappings().all()
