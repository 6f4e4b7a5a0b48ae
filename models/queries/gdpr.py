"""Everything the console holds about one person (GDPR art. 15 access and art. 20
portability), as plain values: registry data, categories, special-category data (only for
a reader allowed to see them), paths with vouchers, hours, diary and charges, and who read
the person's special-category data when."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from ..accessi import LetturaDatiSensibili
from ..anagrafiche import Persona
from ..percorsi import Addebito, Ore, Percorso, Voucher

#: Columns never handed out: internal keys that mean nothing to the person.
SKIP = {"persona_id", "percorso_id", "voucher_id"}


def plain(value):
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def columns(obj) -> dict:
    """The object's own column values, plain."""
    return {
        attr.key: plain(getattr(obj, attr.key))
        for attr in inspect(obj).mapper.column_attrs
        if attr.key not in SKIP
    }


def person_record(session: Session, persona: Persona, include_sensitive: bool) -> dict:
    """The person's data as one document (the caller logs the reading of the sensitive part)."""
    paths = session.scalars(
        select(Percorso)
        .where(Percorso.persona_id == persona.id)
        .options(selectinload(Percorso.vouchers).selectinload(Voucher.righe),
                 selectinload(Percorso.diario))
        .order_by(Percorso.id)
    ).all()
    path_ids = [p.id for p in paths]

    def rows(model):
        return session.scalars(
            select(model).where(model.percorso_id.in_(path_ids)).order_by(model.id)
        ).all()

    hours, charges = rows(Ore), rows(Addebito)
    record = {
        "persona": {
            **columns(persona),
            "comune_residenza": persona.comune_residenza.nome,
            "categorie_svantaggio": [c.descrizione for c in persona.categorie],
        },
        "percorsi": [
            {
                **columns(p),
                "comune": p.comune.nome,
                "programma": p.programma.nome,
                "postazione": str(p.postazione) if p.postazione else None,
                "voucher": [
                    {**columns(v), "righe": [
                        {"voce": r.voce_listino.descrizione, "quantita": plain(r.quantita)}
                        for r in v.righe
                    ]}
                    for v in p.vouchers
                ],
                "ore": [columns(o) for o in hours if o.percorso_id == p.id],
                "diario": [columns(d) for d in p.diario],
                "addebiti": [
                    {**columns(a), "voce": a.voce_listino.descrizione}
                    for a in charges if a.percorso_id == p.id
                ],
            }
            for p in paths
        ],
        "letture_dati_sensibili": [
            {"momento": plain(r.momento), "utente": r.utente.email, "azione": r.azione}
            for r in session.scalars(
                select(LetturaDatiSensibili)
                .where(LetturaDatiSensibili.persona_id == persona.id)
                .options(selectinload(LetturaDatiSensibili.utente))
                .order_by(LetturaDatiSensibili.id)
            )
        ],
    }
    if include_sensitive:
        ds = persona.dati_sensibili
        record["dati_sensibili"] = columns(ds) if ds is not None else None
    return record


__all__ = ["person_record"]
