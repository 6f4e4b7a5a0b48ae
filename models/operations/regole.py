"""A programme's own settings checked as a whole: indemnity rules and internship lengths
(issue 12, items 4 and 5)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext

from ..errors import DomainError
from ..programmi import Programma

FOREVER = dt.date.max


def check_programme_rules(programma: Programma) -> None:
    """No two indemnity rules of a programme in force on the same day; at most one length rule
    per disadvantage category (and one general rule)."""
    rules = sorted((r for r in programma.regole_indennita if r.valida_dal), key=lambda r: r.valida_dal)
    for before, after in zip(rules, rules[1:], strict=False):
        if (before.valida_al or FOREVER) >= after.valida_dal:
            raise DomainError(gettext(
                "Two indemnity rules are in force on %(day)s: end the earlier one before the "
                "later one starts.", day=after.valida_dal.strftime("%d/%m/%Y")))
    seen = set()
    for durata in programma.durate_tirocinio:
        key = durata.categoria_id if durata.categoria_id is not None else getattr(durata.categoria, "id", None)
        if key in seen:
            raise DomainError(gettext("Each disadvantage category has at most one internship length."))
        seen.add(key)
