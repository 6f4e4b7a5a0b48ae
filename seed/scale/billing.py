"""Scale stage 5: yearly budgets, charges since go-live and each Comune's monthly invoices."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select

from models.base import StatoFattura, TipoDocumento, TipoVoce
from models.fatture import NumeratoreFattura
from models.operations.fatture import line_description

from .activity import Activity
from .common import IVA, add_months, cents


class Billing(Activity):
    """Adds the money: budgets sized on the vouchers, charges, invoices and payments."""

    def load_budgets(self) -> None:
        """A yearly budget per Comune, a fifth above what its approved vouchers commit."""
        rows, bid = [], self.take_ids("budget", 0)
        for comune in self.comuni:
            for year in range(self.start.year, self.programma.data_fine.year + 1):
                need = self.committed.get((comune, year), Decimal(0)) * Decimal("1.2")
                importo = max(Decimal(20_000), (need / 1000).to_integral_value() * 1000 + 1000)
                rows.append((bid, self.programma.id, comune, dt.date(year, 1, 1),
                             dt.date(year, 12, 31), importo,
                             "Riparto regionale per popolazione (dati sintetici).", None, None))
                bid += 1
        self.ids["budget"] = bid
        self.write("budget", ("id", "programma_id", "comune_id", "data_inizio", "data_fine",
                              "importo_iniziale", "criteri", "cig", "cup"), rows, len(rows))

    def load_addebiti_e_fatture(self) -> None:
        """Charges since go-live; each Comune's months up to ``last_invoiced`` invoiced."""
        charges = []  # (percorso, voce, data, quantita, ore_id)
        for p in self.paths:
            for tipo, day in self._fixed_charges(p):
                charges.append((p, self.voci[tipo], day, Decimal(1), None))
        for oid, p, day, ore in self.tutoring:
            charges.append((p, self.voci[TipoVoce.ORA_AFFIANCAMENTO], day, ore, oid))
        charges.sort(key=lambda c: (c[2], c[0].id))
        groups: dict[tuple[dt.date, int], list] = defaultdict(list)
        end = add_months(self.last_invoiced, 1)
        for c in charges:
            if c[2] < end:
                groups[(dt.date(c[2].year, c[2].month, 1), c[0].comune_id)].append(c)
        fatture, righe, pagamenti, linked = [], [], [], {}
        fid, rid, pay_id = (self.take_ids("fattura", 0), self.take_ids("riga_fattura", 0),
                            self.take_ids("pagamento", 0))
        counters = {n.anno: n for n in self.session.scalars(select(NumeratoreFattura))}
        last: dict[int, int] = {a: n.ultimo_numero for a, n in counters.items()}
        for (month, comune), items in sorted(groups.items()):
            dal, al = month, add_months(month, 1) - dt.timedelta(days=1)
            issued = al + dt.timedelta(days=3)
            numero = last[issued.year] = last.get(issued.year, 0) + 1
            by_voce = defaultdict(list)
            for c in items:
                by_voce[c[1].id].append(c)
            imponibile = Decimal(0)
            for voce_items in by_voce.values():
                voce = voce_items[0][1]
                quantita = sum((c[3] for c in voce_items), Decimal(0))
                addebiti = [SimpleNamespace(data=c[2]) for c in voce_items]
                righe.append((rid, fid, voce.id, line_description(voce, addebiti, dal, al),
                              quantita, voce.prezzo_unitario, voce.aliquota_iva))
                imponibile += cents(quantita * voce.prezzo_unitario)
                for c in voce_items:
                    linked[id(c)] = rid
                rid += 1
            pagata = issued + dt.timedelta(days=60) <= self.oggi
            fatture.append((fid, comune, self.programma.id, TipoDocumento.TD01, None,
                            issued.year, numero, issued, dal, al,
                            StatoFattura.PAGATA if pagata else StatoFattura.EMESSA, True,
                            None, None, imponibile, cents(imponibile * IVA / 100)))
            if pagata:
                pagamenti.append((pay_id, fid, issued + self._days(20, 55), imponibile,
                                  f"Mandato {numero}/{issued.year}"))
                pay_id += 1
            fid += 1
        self.ids.update(fattura=fid, riga_fattura=rid, pagamento=pay_id)
        self.write("fattura", (
            "id", "comune_id", "programma_id", "tipo_documento", "fattura_stornata_id", "anno",
            "numero", "data", "periodo_dal", "periodo_al", "stato", "split_payment", "cig",
            "cup", "imponibile", "iva"), fatture, len(fatture))
        self.write("riga_fattura", ("id", "fattura_id", "voce_listino_id", "descrizione",
                                    "quantita", "prezzo_unitario", "aliquota_iva"),
                   righe, len(righe))
        self.write("pagamento", ("id", "fattura_id", "data", "importo", "riferimento"),
                   pagamenti, len(pagamenti))
        first = self.take_ids("addebito", len(charges))
        self.write("addebito", (
            "id", "percorso_id", "voce_listino_id", "data", "quantita", "descrizione", "ore_id",
            "riga_fattura_id", "created_at"), (
            (first + k, c[0].id, c[1].id, c[2], c[3], c[1].descrizione[:200], c[4],
             linked.get(id(c)), dt.datetime.combine(c[2], dt.time(18, 0)))
            for k, c in enumerate(charges)), len(charges))
        for anno, ultimo in last.items():
            counter = counters.get(anno)
            if counter is None:
                self.session.add(NumeratoreFattura(anno=anno, ultimo_numero=ultimo))
            else:
                counter.ultimo_numero = ultimo
        self.session.flush()
