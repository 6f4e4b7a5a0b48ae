"""The first stage of the scale generator: ids, bulk writes, the programme and its price list.

Each later stage (registry, paths, activity, billing) subclasses the one before it, whose
rows it builds on; ``loader.Scale`` is the last.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    CategoriaSvantaggio,
    DurataTirocinio,
    Programma,
    RegolaIndennita,
    Utente,
    VoceListino,
)

from .. import demo_data as data
from ..bulk import insert_rows, next_id
from .common import PROGRAMMA_NOME, Path, Sizes, add_months


@dataclass
class Generator:
    """The generator: ids, reference rows and what each step hands to the next."""

    session: Session
    sizes: Sizes
    oggi: dt.date
    rng: random.Random
    ids: dict[str, int] = field(default_factory=dict)
    comuni: list[int] = field(default_factory=list)
    persone_comune: list[int] = field(default_factory=list)
    enti: list[int] = field(default_factory=list)
    postazioni: list[tuple] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: position id -> its host organisation, for the hiring-charge rule.
    host: dict[int, int] = field(default_factory=dict)
    ss_user: Utente | None = None

    # -- set-up ------------------------------------------------------------------------------

    @property
    def conn(self):
        return self.session.connection()

    def write(self, table: str, columns: tuple[str, ...], rows, total: int) -> int:
        with click.progressbar(length=total, label=f"{table:<20}", show_pos=True,
                               ) as bar:
            written = insert_rows(self.conn, table, columns, rows, bar.update)
        self.counts[table] = self.counts.get(table, 0) + written
        return written

    def take_ids(self, table: str, n: int) -> int:
        """Reserve ``n`` ids of ``table``; returns the first."""
        first = self.ids.get(table) or next_id(self.conn, table)
        self.ids[table] = first + n
        return first

    def setup(self) -> None:
        s = self.session
        self.start = dt.date(self.oggi.year - 3, 1, 1)
        self.months = max(1, round(self.sizes.fatture / self.sizes.comuni))
        self.last_invoiced = add_months(self.oggi, -2)
        self.go_live = add_months(self.last_invoiced, -(self.months - 1))
        self.programma = Programma(
            nome=PROGRAMMA_NOME, titolare="Regione (dati sintetici)",
            descrizione="Data set sintetico per le misure di scala (flask seed scale).",
            data_inizio=self.start, data_fine=dt.date(self.oggi.year + 1, 12, 31),
            giorni_presa_in_carico=15, giorni_avvio=15)
        s.add(self.programma)
        s.add(RegolaIndennita(programma=self.programma, valida_dal=self.start,
                              importo_pieno=Decimal("500.00"), importo_con_pasti=Decimal("400.00"),
                              importo_part_time=Decimal("350.00"),
                              importo_ente_pubblico=Decimal("300.00"),
                              presenza_minima_pct=Decimal("80"), pro_rata_sotto_minimo=True))
        s.add(DurataTirocinio(programma=self.programma, mesi_minimi=2, mesi_massimi=12))
        self.voci = {}
        for v in data.LISTINO:
            self.voci[v.tipo] = VoceListino(
                programma=self.programma, codice=v.codice, descrizione=v.descrizione,
                tipo=v.tipo, unita=v.unita, prezzo_unitario=v.prezzo,
                aliquota_iva=data.ALIQUOTA_IVA, valido_dal=self.start)
            s.add(self.voci[v.tipo])
        s.flush()
        users = {u.email: u for u in s.scalars(select(Utente))}
        self.operatore = users["operatore@demo.it"].id
        self.pal = users["pal@demo.it"].id
        self.categorie = {c.codice: c.id for c in s.scalars(select(CategoriaSvantaggio))}

    def _days(self, lo: int, hi: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(lo, hi))
