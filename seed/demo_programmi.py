"""The other four programmes of the demo, and month-end invoicing of all five (issue 14, item 6).

Unlike the ZeroOttanta tables of demo_percorsi.py, these paths are built through the console's
own operations (referral checks, intake, interview, voucher proposal and approval against the
budget, activation, hours, deliveries, variations, outcomes, invoices, payments, a credit note):
the demo obeys the rules the users meet. Static tables: demo_programmi_data.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from models import (
    Budget,
    CategoriaSvantaggio,
    Comune,
    EnteOspitante,
    Fattura,
    NucleoFamiliare,
    Ore,
    Percorso,
    Persona,
    Postazione,
    Programma,
    RegolaIndennita,
    RigaVoucher,
    TipologiaProgramma,
    VoceListino,
    Voucher,
)
from models.base import (
    CondizioneOccupazionale,
    Sesso,
    StatoFattura,
    TipoContratto,
    TipoInviante,
    TipologiaPercorso,
    TipoOre,
)
from models.errors import DomainError
from models.operations import erogazioni, variazioni
from models.operations import fatture as invoices
from models.operations import percorsi as ops
from models.operations import voucher as voucher_ops
from models.operations.ore import record_hours
from models.operations.tipologie import check_referral

from . import demo_data
from . import demo_programmi_data as data
from .codici import make_codice_fiscale, make_partita_iva
from .users import create_user

T = TipologiaPercorso
ONE_DAY = dt.timedelta(days=1)


class Programme:
    """One demo programme as it is being built: its rows by code or index."""

    def __init__(self, ctx, spec: dict, tipologie, comuni, listino, enti, budget: Decimal, seq: int):
        self.ctx, self.s = ctx, ctx.session
        self.programma = ctx.add(Programma(**spec))
        for tipo, least, most, note in tipologie:
            self.programma.tipologie.append(
                TipologiaProgramma(tipologia=tipo, ore_minime=least, ore_massime=most, note=note))
        self.voci = {}
        for v in listino:
            self.voci[v.codice] = ctx.add(VoceListino(
                programma=self.programma, codice=v.codice, descrizione=v.descrizione, tipo=v.tipo, unita=v.unita,
                prezzo_unitario=v.prezzo, aliquota_iva=v.aliquota, natura=v.natura,
                riferimento_normativo=v.riferimento, valido_dal=self.programma.data_inizio))
        self.comuni = []
        for n, c in enumerate(comuni):
            self.comuni.append(ctx.add(Comune(
                nome=c.nome, codice_istat=c.codice_istat, codice_catastale=c.belfiore,
                provincia=c.provincia, cap=c.cap, indirizzo=demo_data.SEDI_MUNICIPALI.get(c.nome),
                iniziali_in_fattura=c.nome in demo_data.INIZIALI_IN_FATTURA,
                codice_fiscale=make_partita_iva(400 + seq * 10 + n), codice_ipa=f"DEM{c.sigla}",
                pec=f"protocollo.{c.sigla.lower()}@pec.demo.it", split_payment=True,
                capofila=self.comuni[c.capofila] if c.capofila is not None else None)))
        self.s.flush()
        holder = self.comuni[0]
        ctx.add(Budget(programma=self.programma, comune=holder, data_inizio=self.programma.data_inizio,
                       data_fine=self.programma.data_fine, importo_iniziale=budget,
                       criteri=f"Budget {self.programma.nome} ({holder.nome})."))
        self.enti = []
        for n, (nome, tipo, comune, indirizzo) in enumerate(enti):
            piva = self.comuni[comune].codice_fiscale if tipo.name == "ENTE_PUBBLICO" else \
                make_partita_iva(2000 + seq * 37 + n)
            self.enti.append(ctx.add(EnteOspitante(
                ragione_sociale=nome, tipo=tipo, codice_fiscale=piva, partita_iva=piva, comune=self.comuni[comune],
                indirizzo=indirizzo, tutor_aziendale="Referente demo", referente="Referente demo",
                convenzione_numero=f"CONV-{seq}-2025/{n + 1:03d}", convenzione_data=dt.date(2025, 1, 15),
                convenzione_scadenza=dt.date(2026, 12, 31))))
        self.s.flush()
        self.op, self.pal = ctx.users["operatore"], ctx.users["pal"]

    def persona(self, spec) -> Persona:
        comune = self.comuni[spec.residenza]
        belfiore = next(c.belfiore for c in self._specs if c.nome == comune.nome)
        p = self.ctx.add(Persona(
            codice_fiscale=make_codice_fiscale(spec.cognome, spec.nome, spec.nascita, spec.sesso, belfiore),
            cognome=spec.cognome, nome=spec.nome, data_nascita=spec.nascita, sesso=Sesso[spec.sesso],
            comune_residenza=comune, cap=next(c.cap for c in self._specs if c.nome == comune.nome),
            telefono="+39 333 100 0000", email=f"{spec.nome}.{spec.cognome}@demo.it".lower(),
            condizione_occupazionale=CondizioneOccupazionale.DISOCCUPATO))
        p.categorie = [self.ctx.categorie[c] for c in spec.categorie]
        self.s.flush()
        return p

    def position(self, ente: int, mansione: str, posti: int, ore: str, **accepts) -> Postazione:
        return self.ctx.add(Postazione(ente=self.enti[ente], mansione=mansione, luogo=self.enti[ente].indirizzo,
                                       posti=posti, ore_settimanali=Decimal(ore), attiva_dal=dt.date(2025, 1, 15),
                                       **accepts))

    def refer(self, persona, tipologia, day, lines, *, comune=None, inviante=TipoInviante.SERVIZIO_SOCIALE,
              coop=None, nucleo=None) -> tuple[Percorso, Voucher]:
        """Referral, intake, first interview, voucher proposed and approved: the first steps."""
        p = Percorso(persona=persona, comune=comune or persona.comune_residenza, programma=self.programma,
                     tipologia=tipologia, data_segnalazione=day, inviante=inviante, cooperativa=coop,
                     nucleo=nucleo)
        check_referral(p)
        self.ctx.add(p)
        self.s.flush()
        ops.take_in_charge(self.s, p, day + 2 * ONE_DAY, self.op)
        ops.record_first_interview(self.s, p, day + 4 * ONE_DAY, by=self.op)
        v = Voucher(percorso=p, data_proposta=day + 6 * ONE_DAY,
                    righe=[RigaVoucher(voce_listino=self.voci[c], quantita=Decimal(q)) for c, q in lines])
        self.s.add(v)
        voucher_ops.propose_voucher(self.s, v, by=self.op)
        voucher_ops.approve_voucher(self.s, v, self.pal, day + 8 * ONE_DAY)
        return p, v

    def deliver(self, p, v, code, day, quantity, note=None):
        riga = next(r for r in v.righe if r.voce_listino.codice == code)
        return erogazioni.deliver(self.s, p, riga, day, Decimal(str(quantity)), by=self.op, note=note)

    def hours(self, p, days, hours, tipo=TipoOre.PRESENZA, note=None):
        """Attendance rows straight from the timesheets (as demo_percorsi.py writes them: one
        per working day, well within the rules); tutoring through the hours operation, which
        makes each session a delivery of the voucher's tutoring line."""
        if tipo == TipoOre.PRESENZA:
            self.s.add_all(Ore(percorso=p, data=day, tipo=tipo, ore=Decimal(str(hours)), note=note) for day in days)
            self.s.flush()
            return
        for day in days:
            record_hours(self.s, p, day, Decimal(str(hours)), tipo, operatore=self.op, note=note)


def working_days(start: dt.date, count: int, last: dt.date | None = None) -> list[dt.date]:
    """``count`` Mondays to Fridays from ``start`` on (stopping after ``last``)."""
    days, day = [], start
    while len(days) < count and (last is None or day <= last):
        if day.weekday() < 5:
            days.append(day)
        day += ONE_DAY
    return days


def _programme(ctx, spec, tipologie, comuni, listino, enti, budget, seq) -> Programme:
    prog = Programme(ctx, spec, tipologie, comuni, listino, enti, budget, seq)
    prog._specs = comuni
    return prog


def load_programmi(ctx) -> None:
    """The four programmes after ZeroOttanta, then every programme's invoices."""
    for code, descrizione in data.MODENA_CATEGORIE:
        ctx.categorie.setdefault(code, ctx.add(CategoriaSvantaggio(codice=code, descrizione=descrizione)))
    ctx.session.flush()
    _workin(ctx)
    _modena(ctx)
    _mantova(ctx)
    _beta(ctx)
    _invoices(ctx)


def _workin(ctx) -> None:
    """WORK-IN: the district office refers people of the four Comuni; the lead Comune holds the
    budget; extracurricular and social-inclusion internships with tutoring and reports."""
    w = _programme(ctx, data.WORKIN, data.WORKIN_TIPOLOGIE, data.WORKIN_COMUNI, data.WORKIN_LISTINO,
                   data.WORKIN_ENTI, data.WORKIN_BUDGET, 1)
    ctx.add(RegolaIndennita(programma=w.programma, **data.WORKIN_INDENNITA))
    posts = [w.position(2, "Addetto/a ai servizi portuali", 2, "30", accetta_tirocinio=True),
             w.position(3, "Aiuto cuoco/a", 1, "25", accetta_tirocinio=True),
             w.position(4, "Addetto/a accoglienza e manutenzione", 1, "25", accetta_tirocinio=True)]
    persone = [w.persona(s) for s in data.WORKIN_PERSONE]
    district = dict(inviante=TipoInviante.UFFICIO_DISTRETTO)
    plan = (("W-ORI", 1), ("W-ATT", 1), ("W-TUT", 20), ("W-REL", 4))
    # 1. Extracurricular internship since June, tutoring and reports.
    p1, v1 = w.refer(persone[0], T.TIROCINIO, dt.date(2025, 5, 26), plan, **district)
    w.deliver(p1, v1, "W-ORI", dt.date(2025, 6, 5), 1, "Bilancio delle competenze e PFI condiviso")
    ops.activate(w.s, p1, posts[0], dt.date(2025, 6, 16), dt.date(2025, 12, 15), by=w.op)
    # 2. Social-inclusion internship for twelve months.
    p2, v2 = w.refer(persone[1], T.TIROCINIO_INCLUSIONE, dt.date(2025, 6, 16), plan, **district)
    w.deliver(p2, v2, "W-ORI", dt.date(2025, 6, 27), 1)
    ops.activate(w.s, p2, posts[1], dt.date(2025, 7, 7), dt.date(2026, 7, 6), by=w.op)
    # 3. Internship ended with the host hiring: no hiring fee in WORK-IN.
    p3, v3 = w.refer(persone[2], T.TIROCINIO, dt.date(2025, 3, 10), plan, **district)
    w.deliver(p3, v3, "W-ORI", dt.date(2025, 3, 20), 1)
    ops.activate(w.s, p3, posts[2], dt.date(2025, 4, 1), dt.date(2025, 9, 30), by=w.op)
    # 4. Just referred by the district office and taken in charge.
    p4 = Percorso(persona=persone[3], comune=persone[3].comune_residenza, programma=w.programma,
                  tipologia=T.TIROCINIO, data_segnalazione=dt.date(2025, 11, 3), **district)
    check_referral(p4)
    ctx.add(p4)
    ctx.session.flush()
    ops.take_in_charge(w.s, p4, dt.date(2025, 11, 6), w.op)
    for p, v, start in ((p1, v1, dt.date(2025, 9, 1)), (p2, v2, dt.date(2025, 9, 1)), (p3, v3, dt.date(2025, 4, 7))):
        end = min(p.data_fine_prevista, demo_data.OGGI)
        # Timesheets of September and October, as in ZeroOttanta's demo (demo_data.MESI_ORE).
        w.hours(p, working_days(max(p.data_avvio, dt.date(2025, 9, 1)), 60, min(end, dt.date(2025, 10, 31))), "5")
        w.hours(p, [d for d in working_days(start, 200, end) if d.weekday() == 2][:8], "2", TipoOre.AFFIANCAMENTO,
                "Colloquio con il tirocinante e visita in azienda")
        for month_end in (dt.date(2025, 7, 31), dt.date(2025, 9, 30), dt.date(2025, 10, 31)):
            if p.data_avvio < month_end <= end:
                w.deliver(p, v, "W-REL", month_end, 1, "Relazione inviata all'assistente sociale")
    ops.hire(w.s, p3, dt.date(2025, 10, 1), posts[2].ente, TipoContratto.TEMPO_DETERMINATO, by=w.op)


def _modena(ctx) -> None:
    """Modena: cooperatives refer their workers; secondments of 250-500 hours at companies,
    with the coop tutor; hired, back to the cooperative, active, interrupted."""
    m = _programme(ctx, data.MODENA, data.MODENA_TIPOLOGIE, data.MODENA_COMUNI, data.MODENA_LISTINO,
                   data.MODENA_ENTI, data.MODENA_BUDGET, 2)
    posts = {n: m.position(n, mansione, 2, "35", accetta_inserimento=True)
             for n, mansione in ((2, "Operatore/trice di produzione"), (3, "Addetto/a alla scelta"),
                                 (4, "Magazziniere/a"))}
    persone = [m.persona(s) for s in data.MODENA_PERSONE]
    ctx.users["tutor_coop"] = create_user(
        ctx.session, email=data.TUTOR_COOP[0], password=ctx.password, roles=["tutor_coop"],
        nome=data.TUTOR_COOP[1], cognome=data.TUTOR_COOP[2], ente=m.enti[0])
    for persona, spec in zip(persone, data.MODENA_DISTACCHI, strict=True):
        coop = m.enti[spec.coop]
        referral = spec.avvio - dt.timedelta(days=21)
        p, v = m.refer(persona, T.DISTACCO, referral, (("M-ANA", 1), ("M-BIL", 1), ("M-TUT", 20)),
                       inviante=TipoInviante.COOPERATIVA, coop=coop)
        m.deliver(p, v, "M-ANA", referral + 9 * ONE_DAY, 1, "Analisi dell'azienda e del profilo richiesto")
        m.deliver(p, v, "M-BIL", referral + 10 * ONE_DAY, 1)
        ops.activate(m.s, p, posts[spec.impresa], spec.avvio, None, by=m.op)
        days = working_days(spec.avvio, spec.giorni, demo_data.OGGI)
        m.hours(p, days, "7")
        m.hours(p, days[4::10], "2", TipoOre.AFFIANCAMENTO, "Colloquio del tutor con lavoratore e referente")
        end = days[-1] + ONE_DAY
        if spec.esito == "assunto":
            ops.hire(m.s, p, end, posts[spec.impresa].ente, TipoContratto.TEMPO_INDETERMINATO, by=m.op)
        elif spec.esito == "rientro":
            ops.return_to_cooperative(m.s, p, end, "Obiettivi non raggiunti: rientra nel posto in cooperativa.",
                                      by=m.op)
        elif spec.esito == "interrotto":
            ops.interrupt(m.s, p, end, "Interrotto per ricaduta: il lavoratore resta in cooperativa.", by=m.op)
        persona.condizione_occupazionale = CondizioneOccupazionale.OCCUPATO


def _mantova(ctx) -> None:
    """SolCo Mantova: PIPs of catalogue services for households in rent arrears, varied by the
    PAL manager as the plans evolve; exempt safety training delivered in October 2025."""
    m = _programme(ctx, data.MANTOVA, data.MANTOVA_TIPOLOGIE, data.MANTOVA_COMUNI, data.MANTOVA_LISTINO,
                   data.MANTOVA_ENTI, data.MANTOVA_BUDGET, 3)
    mantova = m.comuni[0]
    nuclei = [ctx.add(NucleoFamiliare(comune=mantova, intestatario=i, indirizzo=a, componenti=c, morosita=d,
                                      referente_abitare=r)) for i, a, c, d, r in data.MANTOVA_NUCLEI]
    persone = [m.persona(s) for s in data.MANTOVA_PERSONE]
    pips = []
    for n, (persona, nucleo, lines) in enumerate(zip(persone, nuclei, data.MANTOVA_PIANI, strict=True)):
        p, v = m.refer(persona, T.PIP, dt.date(2025, 8, 25) + n * ONE_DAY, lines, nucleo=nucleo)
        ops.activate(m.s, p, None, dt.date(2025, 9, 15), dt.date(2026, 3, 15), by=m.op)
        pips.append((p, v))
    (p1, v1), (p2, v2), (p3, v3) = pips
    deliveries = (
        (p1, v1, "P-COL", dt.date(2025, 9, 16), 1), (p1, v1, "P-COL", dt.date(2025, 9, 23), 1),
        (p1, v1, "P-BIL", dt.date(2025, 9, 30), 3), (p1, v1, "P-BIL", dt.date(2025, 10, 7), 3),
        (p2, v2, "P-COL", dt.date(2025, 9, 17), 2), (p2, v2, "P-BIL", dt.date(2025, 9, 24), 4),
        (p2, v2, "P-ACC", dt.date(2025, 10, 1), 2), (p2, v2, "P-ACC", dt.date(2025, 10, 29), 2),
        (p3, v3, "P-COL", dt.date(2025, 9, 18), 2), (p3, v3, "P-SCO", dt.date(2025, 10, 2), 3),
        (p3, v3, "P-ACC", dt.date(2025, 10, 22), 3),
    )
    for p, v, code, day, q in deliveries:
        m.deliver(p, v, code, day, q)
    # The plans evolve: more scouting for the first, less accompaniment and the training for the second.
    variazioni.vary_voucher(m.s, v1, {m.voci["P-SCO"]: Decimal(8)},
                            "Due colloqui di selezione in vista: si amplia lo scouting.", m.pal, dt.date(2025, 10, 1))
    variazioni.vary_voucher(m.s, v2, {m.voci["P-ACC"]: Decimal(6), m.voci["P-SIC"]: Decimal(4)},
                            "Accompagnamento ridotto; serve il corso sulla sicurezza per l'inserimento.",
                            m.pal, dt.date(2025, 10, 8))
    m.deliver(p1, v1, "P-SCO", dt.date(2025, 10, 10), 3)
    m.deliver(p1, v1, "P-SCO", dt.date(2025, 10, 24), 2)
    for p, v in pips:  # the exempt training, in October 2025
        m.deliver(p, v, "P-SIC", dt.date(2025, 10, 15), 4, "Corso di 4 ore, attestato rilasciato")


def _beta(ctx) -> None:
    """Beta "Lavorare insieme": public-utility work at the Comune's positions, the hours of work
    delivered month by month and paid by the Comune; one path ends with the final evaluation."""
    b = _programme(ctx, data.BETA, data.BETA_TIPOLOGIE, data.BETA_COMUNI, data.BETA_LISTINO, data.BETA_ENTI,
                   data.BETA_BUDGET, 4)
    gussago = b.comuni[0]
    posts = [b.position(1, "Manutenzione del verde e dell'arredo urbano", 2, "20", accetta_assistenziale=True,
                        comune_riservato=gussago),
             b.position(1, "Custodia e pulizia degli spazi comunali", 2, "20", accetta_assistenziale=True,
                        comune_riservato=gussago)]
    for n, spec in enumerate(data.BETA_PERSONE):
        persona = b.persona(spec)
        p, v = b.refer(persona, T.PUBBLICA_UTILITA, dt.date(2025, 8, 4) + n * ONE_DAY,
                       (("B-ORA", 330), ("B-VAL", 1)))
        ops.activate(b.s, p, posts[min(n, 1)], dt.date(2025, 9, 1), dt.date(2025, 12, 31), by=b.op)
        last = dt.date(2025, 10, 31)
        for first, month_end in ((dt.date(2025, 9, 1), dt.date(2025, 9, 30)), (dt.date(2025, 10, 1), last)):
            days = [d for d in working_days(first, 23, month_end) if (d.day + n) % 9]
            b.hours(p, days, "4")
            b.deliver(p, v, "B-ORA", month_end, 4 * len(days), "Ore dal foglio presenze del mese")
        if n == 2:
            b.deliver(p, v, "B-VAL", last, 1, "Valutazione finale con l'ufficio tecnico")
            ops.conclude_without_hiring(b.s, p, last, "Lavori completati; avvio della ricerca attiva di lavoro.",
                                        by=b.op)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - ONE_DAY


def _iban() -> str | None:
    """The agency's IBAN (AGENZIA_IBAN; a development instance has the demo one)."""
    return current_app.config.get("AGENZIA_IBAN")


def _invoices(ctx) -> None:
    """Month-end invoicing of every programme: January to September issued on the 6th of the
    next month and paid a month later (September partly); the September invoice of Villa Carcina
    credited and issued again; October's drafts generated, SolCo's and Beta's issued."""
    s = ctx.session
    month = dt.date(2025, 1, 1)
    while month <= dt.date(2025, 9, 1):
        end = _month_end(month)
        try:
            made = invoices.generate_invoices(s, month, end)
        except DomainError:  # nothing to invoice that month
            made = []
        issue = end + dt.timedelta(days=6)
        for f in sorted(made, key=lambda f: (f.comune.nome, f.programma.nome)):
            invoices.issue_invoice(s, f, issue, iban=_iban())
            if month < dt.date(2025, 9, 1) or f.comune.nome in ("Lumezzane", "Gussago"):
                invoices.record_payment(s, f, min(issue + dt.timedelta(days=30), demo_data.OGGI),
                                        invoices.amount_due(f), f"Mandato n. {f.numero}/{f.anno}")
        month = end + ONE_DAY
    villa = s.scalar(select(Comune).where(Comune.nome == "Villa Carcina"))
    september = s.scalars(select(Fattura).where(Fattura.comune_id == villa.id, Fattura.stato == StatoFattura.EMESSA,
                                                Fattura.periodo_dal == dt.date(2025, 9, 1))).first()
    if september is not None:
        invoices.credit_invoice(s, september, dt.date(2025, 10, 20))
        for f in invoices.generate_invoices(s, dt.date(2025, 9, 1), dt.date(2025, 9, 30), comune_id=villa.id):
            invoices.issue_invoice(s, f, dt.date(2025, 10, 21), iban=_iban())
    october = invoices.generate_invoices(s, dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    for f in sorted(october, key=lambda f: f.comune.nome):
        if f.programma.nome in (data.MANTOVA["nome"], data.BETA["nome"]):
            invoices.issue_invoice(s, f, dt.date(2025, 11, 5), iban=_iban())
    s.flush()
