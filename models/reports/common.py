"""What every report shares: the period, COUNT of a condition, and per-Comune tables that
end with a total row computed by the same statement."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, cast, func, literal, null, or_, select, union_all

from ..anagrafiche import Comune
from ..percorsi import Percorso


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


def count_if(cond):
    """COUNT of the rows meeting ``cond`` (SUM of a CASE, so one GROUP BY serves many figures)."""
    return func.sum(case((cond, 1), else_=0))


def between(col, p: Periodo):
    return and_(col >= p.dal, col <= p.al)


def active_in(p: Periodo):
    """The path was at its position for at least one day of the period."""
    return and_(
        Percorso.postazione_id.is_not(None),
        Percorso.data_avvio <= p.al,
        or_(Percorso.data_fine.is_(None), Percorso.data_fine >= p.dal),
    )


def with_total(stmt, keys: tuple[str, ...], order: tuple[str, ...] = ("comune",)):
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


def per_comune(parts, comune_id: int | None):
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
