"""``load_scale``: the scale data set's stages run in order, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Programma, clock

from ..bulk import analyze, reset_sequences
from ..demo import DEMO_PASSWORD, load_demo
from ..users import create_user
from .billing import Billing
from .common import PROGRAMMA_NOME, SEED, Sizes


class Scale(Billing):
    """The whole generator: every stage, from the programme to the invoices."""


def load_scale(session: Session, factor: float = 1.0,
               oggi: dt.date | None = None) -> dict[str, int] | None:
    """Build the scale data set; None, changing nothing, when it is already there.

    Loads the demo first when missing (its users are the ones who log in). Writes and
    flushes, never commits: the caller owns the transaction.
    """
    if session.scalar(select(Programma.id).where(Programma.nome == PROGRAMMA_NOME)):
        return None
    load_demo(session)
    scale = Scale(session=session, sizes=Sizes.of(factor), oggi=oggi or clock.today(),
                  rng=random.Random(SEED))
    scale.setup()
    scale.load_comuni()
    session.flush()
    # One social worker of the first synthetic Comune, to measure the scoped views.
    scale.ss_user = create_user(session, email="servizio.sociale.scala@demo.it",
                                password=DEMO_PASSWORD, roles=["servizio_sociale"],
                                comune_istat="900001", nome="Serena", cognome="Scala")
    session.flush()
    scale.load_enti()
    scale.load_postazioni()
    scale.load_persone()
    scale.load_percorsi()
    scale.load_vouchers()
    scale.load_budgets()
    scale.load_diario()
    scale.load_ore()
    scale.load_addebiti_e_fatture()
    conn = session.connection()
    reset_sequences(conn, scale.ids)
    analyze(conn)
    stati = defaultdict(int)
    for p in scale.paths:
        stati[p.stato.name] += 1
    scale.counts.update({f"percorso:{k}": v for k, v in sorted(stati.items())})
    return scale.counts
