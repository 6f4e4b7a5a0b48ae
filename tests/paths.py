"""Paths brought to a given step through the operations themselves (issue 3 tests).

The reference dates are in 2025, in the past: operations refuse future dates. The budget
covers 2025; the default voucher is one internship activation and ten tutoring hours:
taxable 410.00, VAT 90.20, gross 500.20.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from flask import session as http_session
from sqlalchemy import select

from models import Percorso, Postazione, RigaVoucher, VoceListino, Voucher
from models.base import TipologiaPercorso, TipoVoce
from models.operations import percorsi as ops
from models.operations import voucher as voucher_ops

from . import factories as f

REFERRAL = dt.date(2025, 3, 1)
INTAKE = dt.date(2025, 3, 5)
INTERVIEW = dt.date(2025, 3, 7)
PROPOSAL = dt.date(2025, 3, 10)
DECISION = dt.date(2025, 3, 12)
START = dt.date(2025, 3, 17)
PLANNED_END = dt.date(2025, 9, 17)
#: The default voucher: item code -> quantity.
DEFAULT_LINES = {"ATT": 1, "ORA": 10}

_seq = itertools.count(1)


def english() -> None:
    """Operations' messages in English (the msgids), inside the current request context."""
    http_session["lingua"] = "en"


@dataclass
class Scene:
    """A Comune with a 2025 budget in a programme, a person living there, a host and a position."""

    comune: object
    programma: object
    budget: object
    persona: object
    ente: object
    postazione: object
    pal: object


def scene(session, **programma) -> Scene:
    comune = f.make_comune(session)
    prog = f.make_programma(session, **programma)
    budget = f.make_budget(session, prog, comune)
    persona = f.make_persona(session, comune)
    ente = f.make_ente(session, comune)
    post = f.make_postazione(session, ente, accetta_inserimento=True, accetta_assistenziale=True)
    pal = f.make_user(session, f"pal{next(_seq)}@example.org", ["pal"])
    return Scene(comune, prog, budget, persona, ente, post, pal)


def voce(session, programma, codice: str, day: dt.date = PROPOSAL) -> VoceListino:
    """The programme's item ``codice`` valid on ``day``."""
    return session.scalars(
        select(VoceListino)
        .where(VoceListino.programma_id == programma.id, VoceListino.codice == codice,
               VoceListino.valido_dal <= day)
        .order_by(VoceListino.valido_dal.desc())
    ).first()


def add_item(session, programma, codice, prezzo, aliquota="22", tipo=TipoVoce.ALTRO,
             dal=dt.date(2025, 1, 1), al=None) -> VoceListino:
    item = VoceListino(programma=programma, codice=codice, descrizione=codice, tipo=tipo, unita="u",
                       prezzo_unitario=Decimal(prezzo), aliquota_iva=Decimal(aliquota),
                       valido_dal=dal, valido_al=al)
    session.add(item)
    session.flush()
    return item


def referred(session, sc: Scene, persona=None, comune=None, **kw) -> Percorso:
    kw.setdefault("data_segnalazione", REFERRAL)
    return f.make_percorso(session, persona or sc.persona, comune or sc.comune, sc.programma, **kw)


def under_evaluation(session, sc: Scene, **kw) -> Percorso:
    p = referred(session, sc, **kw)
    ops.take_in_charge(session, p, INTAKE)
    ops.record_first_interview(session, p, INTERVIEW)
    return p


def new_voucher(session, p: Percorso, lines=None, day: dt.date = PROPOSAL) -> Voucher:
    """A voucher with ``lines`` (item code -> quantity), not yet proposed."""
    v = f.make_voucher(session, p, data_proposta=day)
    for codice, qty in (DEFAULT_LINES if lines is None else lines).items():
        v.righe.append(RigaVoucher(voce_listino=voce(session, p.programma, codice, day),
                                   quantita=Decimal(str(qty))))
    session.flush()
    return v


def proposed(session, sc: Scene, lines=None, **kw) -> tuple[Percorso, Voucher]:
    p = under_evaluation(session, sc, **kw)
    v = new_voucher(session, p, lines)
    voucher_ops.propose_voucher(session, v)
    return p, v


def approved(session, sc: Scene, lines=None, **kw) -> Percorso:
    p, v = proposed(session, sc, lines, **kw)
    voucher_ops.approve_voucher(session, v, sc.pal, DECISION)
    return p


def active(session, sc: Scene, lines=None, postazione=None, **kw) -> Percorso:
    p = approved(session, sc, lines, **kw)
    ops.activate(session, p, postazione or sc.postazione, START, PLANNED_END)
    return p


def position(session, sc: Scene, **kw) -> Postazione:
    """Another position at the scene's host (tirocinio only unless told)."""
    return f.make_postazione(session, kw.pop("ente", sc.ente), **kw)


def job_placement() -> dict:
    return {"tipologia": TipologiaPercorso.INSERIMENTO_LAVORATIVO}
