"""One end-to-end run per programme kind through the console (issue 14, item 9): the real
views with the test client, each role doing its part, as in the source documents.
ZeroOttanta's run is tests/test_e2e.py (browser) and tests/test_workflow_views.py; SolCo
Mantova's PIP is also driven in a real browser (tests/test_e2e_pip.py)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Addebito, Fattura, NucleoFamiliare, Percorso, TipologiaProgramma, VoceListino, db
from models.base import (
    Esito,
    Natura,
    RegolaAssunzione,
    StatoFattura,
    StatoPercorso,
    TipoEnte,
    TipoInviante,
    TipologiaPercorso,
    TipoVoce,
)
from models.queries import budget_figures

from . import factories as f

D = Decimal
T = TipologiaPercorso


class Console:
    """The console as each role uses it: referral form, case page steps, forms, invoices."""

    def __init__(self, client_for, ctx):
        self.client_for, self.ctx = client_for, ctx
        self.op, self.pal, self.acc = client_for("operatore"), client_for("pal"), client_for("amministrazione")

    def ok(self, response, expected=302):
        assert response.status_code == expected, _errors(response.get_data(as_text=True))
        return response

    def refer(self, **form) -> int:
        self.ok(self.op.post("/admin/percorso/new/", data={k: str(v) for k, v in form.items()}))
        with self.ctx():
            return db.session.scalars(select(Percorso.id).order_by(Percorso.id.desc())).first()

    def step(self, client, pid, step, expect_flash=None, **form) -> str:
        r = client.post(f"/admin/percorso/case/{pid}/{step}/", data={k: str(v) for k, v in form.items()},
                        follow_redirects=True)
        html = r.get_data(as_text=True)
        assert r.status_code == 200
        if expect_flash is not None:
            assert expect_flash in html, flashes(html)
        else:
            assert "alert-danger" not in html, flashes(html)
        return html

    def first_steps(self, pid, lines: dict[int, str], day: dt.date) -> None:
        """Intake, first interview, voucher proposed (the form) and approved (the PAL manager)."""
        self.step(self.op, pid, "take_in_charge", data=day + dt.timedelta(days=2))
        self.step(self.op, pid, "interview", data=day + dt.timedelta(days=3))
        form = {"percorso": pid, "data_proposta": (day + dt.timedelta(days=4)).isoformat()}
        for n, (voce, qty) in enumerate(lines.items()):
            form[f"righe-{n}-voce_listino"], form[f"righe-{n}-quantita"] = str(voce), qty
        self.ok(self.op.post("/admin/voucher/new/", data=form))
        self.step(self.pal, pid, "approve", data=day + dt.timedelta(days=5))

    def line(self, pid, voce_id) -> int:
        with self.ctx():
            p = db.session.get(Percorso, pid)
            return next(r.id for v in p.vouchers for r in v.righe if r.voce_listino_id == voce_id)

    def invoice_month(self, dal, al, issue) -> list[int]:
        self.ok(self.acc.post("/admin/fattura/generate/", data={"dal": dal, "al": al, "confirm": "1"}))
        with self.ctx():
            drafts = db.session.scalars(select(Fattura.id).where(
                Fattura.stato == StatoFattura.BOZZA, Fattura.periodo_dal == dt.date.fromisoformat(dal))).all()
        for fid in drafts:
            self.ok(self.acc.post(f"/admin/fattura/invoice/{fid}/issue/", data={"data": issue}))
        return drafts


def flashes(html: str) -> list[str]:
    """The flashed messages of a page (the console speaks Italian)."""
    return [m.strip() for m in re.findall(r'</button>\s*([^<]+)<', html)]


def _errors(html: str) -> str:
    return " | ".join(re.findall(r'class="(?:help-block|invalid-feedback|alert[^"]*)"[^>]*>([^<]+)<', html))[:500]


def configured(session, nome, tipi, rule=RegolaAssunzione.MAI, **kw):
    programma = f.make_programma(session, nome=nome, regola_assunzione=rule, **kw)
    for tipo, least, most in tipi:
        programma.tipologie.append(TipologiaProgramma(tipologia=tipo, ore_minime=least, ore_massime=most))
    session.flush()
    return programma


def item(session, programma, codice, prezzo, tipo=TipoVoce.ALTRO, natura=None):
    voce = VoceListino(programma=programma, codice=codice, descrizione=f"Servizio {codice}", tipo=tipo, unita="u",
                       prezzo_unitario=D(prezzo), aliquota_iva=D(0 if natura else 22), natura=natura,
                       riferimento_normativo="Esente art. 10 c. 1 n. 20 DPR 633/72" if natura else None,
                       valido_dal=dt.date(2025, 1, 1))
    session.add(voce)
    session.flush()
    return voce


@pytest.fixture
def console(client_for, ctx, world):
    return Console(client_for, ctx)


def test_work_in_district_internship_through_the_console(console, ctx, client_for):
    """WORK-IN: the district office refers a Tolfa resident; the lead Comune holds the budget
    and gets the invoice; social-inclusion internship, orientation delivered, tutoring hours
    as deliveries, the host hires (no hiring fee in WORK-IN)."""
    with ctx():
        s = db.session
        lead = f.make_comune(s, nome="Civitavecchia", cap="00053")
        tolfa = f.make_comune(s, nome="Tolfa", cap="00059", capofila=lead)
        prog = configured(s, "WORK-IN prova", [(T.TIROCINIO_INCLUSIONE, None, None)], budget_capofila=True)
        ori = item(s, prog, "ORI", "180.00")
        f.make_budget(s, prog, lead, importo_iniziale=D("20000"))
        host = f.make_ente(s, lead, ragione_sociale="Servizi Portuali Prova")
        post = f.make_postazione(s, host, accetta_tirocinio=True)
        persona = f.make_persona(s, tolfa, cognome="Pieretti")
        att, ora = (f.voce_di(s, prog, t).id for t in (TipoVoce.ATTIVAZIONE_TIROCINIO, TipoVoce.ORA_AFFIANCAMENTO))
        ids = dict(lead=lead.id, tolfa=tolfa.id, prog=prog.id, ori=ori.id, post=post.id, host=host.id,
                   persona=persona.id)
        s.commit()
    pid = console.refer(persona=ids["persona"], comune=ids["tolfa"], programma=ids["prog"],
                        tipologia="TIROCINIO_INCLUSIONE", inviante="UFFICIO_DISTRETTO",
                        data_segnalazione="2025-03-03")
    with ctx():
        p = db.session.get(Percorso, pid)
        assert (p.comune_id, p.inviante) == (ids["lead"], TipoInviante.UFFICIO_DISTRETTO)
    console.first_steps(pid, {ids["ori"]: "1", att: "1", ora: "10"}, dt.date(2025, 3, 3))
    console.step(console.op, pid, "deliver", riga=console.line(pid, ids["ori"]), data="2025-03-10", quantita="1",
                 note="Bilancio delle competenze e PFI")
    console.step(console.op, pid, "activate", postazione=ids["post"], data="2025-03-17",
                 data_fine_prevista="2026-03-16")
    console.ok(console.op.post("/admin/ore/new/", data={"percorso": pid, "data": "2025-03-20",
                                                        "tipo": "AFFIANCAMENTO", "ore": "2", "note": "visita"}))
    console.step(console.op, pid, "hire", data="2025-03-31", datore_lavoro=ids["host"],
                 tipo_contratto="TEMPO_DETERMINATO")
    (fid,) = console.invoice_month("2025-03-01", "2025-03-31", "2025-04-02")
    with ctx():
        s = db.session
        fattura = s.get(Fattura, fid)
        assert fattura.comune_id == ids["lead"] and fattura.numero == 1
        assert {(r.descrizione.split()[0], r.quantita) for r in fattura.righe} >= {("Servizio", 1)}
        assert fattura.imponibile == D("422.00")  # 180 + 200 + 2 x 21: no hiring fee
        kinds = {a.voce_listino.tipo for a in s.scalars(select(Addebito).where(Addebito.percorso_id == pid))}
        assert TipoVoce.ASSUNZIONE not in kinds
        budget = s.scalars(select(f.Budget).where(f.Budget.comune_id == ids["lead"])).one()
        assert budget_figures(s, budget.id)["fatturato"] == D("514.84")  # 422.00 + 22 %


def test_modena_secondment_through_the_console(console, ctx, client_for, world):
    """Modena: a cooperative refers its worker; the secondment is within the programme's hour
    band; the coop tutor follows it; it ends back in the cooperative; the outcome table."""
    with ctx():
        s = db.session
        modena = s.get(f.Comune, world.comune)
        prog = configured(s, "Distacchi prova", [(T.DISTACCO, 20, 40)])
        ana = item(s, prog, "ANA", "320.00")
        f.make_budget(s, prog, modena)
        tutor = s.scalar(select(f.Utente).where(f.Utente.email == "tutor-coop@example.org"))
        company = f.make_ente(s, modena, ragione_sociale="Meccanica Prova")
        post = f.make_postazione(s, company, accetta_inserimento=True, accetta_tirocinio=False)
        persona = f.make_persona(s, modena, cognome="Ferrarini")
        ora = f.voce_di(s, prog, TipoVoce.ORA_AFFIANCAMENTO).id
        ids = dict(prog=prog.id, ana=ana.id, post=post.id, persona=persona.id, coop=tutor.ente_id,
                   comune=modena.id)
        s.commit()
    pid = console.refer(persona=ids["persona"], comune=ids["comune"], programma=ids["prog"], tipologia="DISTACCO",
                        inviante="COOPERATIVA", cooperativa=ids["coop"], data_segnalazione="2025-03-03")
    console.first_steps(pid, {ids["ana"]: "1", ora: "4"}, dt.date(2025, 3, 3))
    console.step(console.op, pid, "activate", postazione=ids["post"], data="2025-03-17")
    for day in ("2025-03-17", "2025-03-18"):
        console.ok(console.op.post("/admin/ore/new/", data={"percorso": pid, "data": day, "tipo": "PRESENZA",
                                                            "ore": "8"}))
    console.step(console.op, pid, "return_to_coop",
                 "Un distacco deve durare tra 20 e 40 ore: ne risultano 16.",
                 data="2025-03-19", motivo="x")
    console.ok(console.op.post("/admin/ore/new/", data={"percorso": pid, "data": "2025-03-19", "tipo": "PRESENZA",
                                                        "ore": "8"}))
    tutor = client_for("tutor_coop")
    assert "Ferrarini" in tutor.get("/admin/percorso/").get_data(as_text=True)
    console.ok(tutor.post("/admin/diario/new/", data={"percorso": pid, "data": "2025-03-19", "tipo": "VISITA_AZIENDALE",
                                                      "descrizione": "Colloquio con il referente aziendale"}))
    console.step(console.op, pid, "return_to_coop", data="2025-03-20", motivo="Rientra nel posto in cooperativa")
    with ctx():
        p = db.session.get(Percorso, pid)
        assert (p.stato, p.esito, p.cooperativa_id) == (StatoPercorso.CONCLUSO, Esito.RIENTRO, ids["coop"])
        assert p.diario[0].autore.email == "tutor-coop@example.org"
    report = console.pal.get("/admin/report/?report=distacchi&dal=2025-01-01&al=2025-12-31").get_data(as_text=True)
    assert "Distacchi: esiti e ore" in report and "Rientro in cooperativa" in report
    # Total table: 1 worker, 1 secondment, 1 concluded, 0 hired, 1 back, 0 %, 1 company, 24 h, in the band.
    total = re.search(r"<tbody>(.*?)</tbody>", report, re.S).group(1)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", total) == ["1", "1", "1", "0", "1", "0,0%", "1", "24,00", "0", "1", "0"]


def test_solco_mantova_pip_through_the_console(console, ctx, world):
    """SolCo Mantova: a household in rent arrears, a PIP of catalogue services started without a
    position, services delivered, the plan varied by the PAL manager with an exempt training,
    the October invoice with Natura N4 and the virtual stamp, the PIP report."""
    with ctx():
        s = db.session
        mantova = f.make_comune(s, nome="Mantova", cap="46100")
        prog = configured(s, "PIP prova", [(T.PIP, None, None)])
        col = item(s, prog, "COL", "33.00")
        sic = item(s, prog, "SIC", "28.00", natura=Natura.N4)
        f.make_budget(s, prog, mantova)
        persona = f.make_persona(s, mantova, cognome="Bertazzoni")
        ids = dict(comune=mantova.id, prog=prog.id, col=col.id, sic=sic.id, persona=persona.id)
        s.commit()
    console.ok(console.op.post("/admin/nucleo/new/", data={"intestatario": "Bertazzoni Giovanna", "comune": ids["comune"],
                                                            "componenti": "3", "morosita": "4820.00"}))
    with ctx():
        nucleo = db.session.scalar(select(NucleoFamiliare.id))
    pid = console.refer(persona=ids["persona"], comune=ids["comune"], programma=ids["prog"], tipologia="PIP",
                        nucleo=nucleo, data_segnalazione="2025-09-01")
    console.first_steps(pid, {ids["col"]: "2"}, dt.date(2025, 9, 1))
    page = console.op.get(f"/admin/percorso/case/{pid}/").get_data(as_text=True)
    assert "Bertazzoni Giovanna" in page and 'name="postazione"' not in page
    console.step(console.op, pid, "activate", data="2025-09-15")
    console.step(console.op, pid, "deliver", riga=console.line(pid, ids["col"]), data="2025-10-01", quantita="2")
    console.step(console.op, pid, "deliver", "Di «Servizio COL» restano da erogare solo 0 dei 2 approvati",
                 riga=console.line(pid, ids["col"]), data="2025-10-02", quantita="1")
    console.step(console.pal, pid, "vary", nuova_voce=ids["sic"], nuova_quantita="4", data="2025-10-06",
                 motivo="Serve il corso sulla sicurezza")
    console.step(console.op, pid, "deliver", riga=console.line(pid, ids["sic"]), data="2025-10-15", quantita="4")
    (fid,) = console.invoice_month("2025-10-01", "2025-10-31", "2025-11-05")
    with ctx():
        fattura = db.session.get(Fattura, fid)
        assert (fattura.imponibile, fattura.iva, fattura.bollo) == (D("178.00"), D("14.52"), D("2.00"))
    console.acc.post(f"/admin/fattura/invoice/{fid}/send/")  # the file is made when it is sent to SDI
    xml = console.acc.get(f"/admin/fattura/invoice/{fid}/fatturapa.xml").get_data(as_text=True)
    assert "<Natura>N4</Natura>" in xml and "<BolloVirtuale>SI</BolloVirtuale>" in xml
    report = console.pal.get("/admin/report/?report=pip&dal=2025-10-01&al=2025-10-31").get_data(as_text=True)
    assert "Servizio SIC" in report and "Servizio COL" in report


def test_beta_public_utility_work_through_the_console(console, ctx, world):
    """Beta: public-utility work at the Comune's own position, hours of work delivered and billed
    to the Comune by the hour, the invoice paid; the report per Comune."""
    with ctx():
        s = db.session
        gussago = f.make_comune(s, nome="Gussago", cap="25064")
        prog = configured(s, "Lavorare insieme prova", [(T.PUBBLICA_UTILITA, None, None)])
        ore_lavoro = item(s, prog, "ORL", "19.80", tipo=TipoVoce.ORA_LAVORO)
        f.make_budget(s, prog, gussago)
        comune_host = f.make_ente(s, gussago, ragione_sociale="Comune di Gussago - Servizi tecnici",
                                  tipo=TipoEnte.ENTE_PUBBLICO)
        post = f.make_postazione(s, comune_host, accetta_assistenziale=True, accetta_tirocinio=False,
                                 comune_riservato=gussago)
        persona = f.make_persona(s, gussago, cognome="Ghitti")
        ids = dict(comune=gussago.id, prog=prog.id, orl=ore_lavoro.id, post=post.id, persona=persona.id)
        s.commit()
    pid = console.refer(persona=ids["persona"], comune=ids["comune"], programma=ids["prog"],
                        tipologia="PUBBLICA_UTILITA", data_segnalazione="2025-09-01")
    console.first_steps(pid, {ids["orl"]: "100"}, dt.date(2025, 9, 1))
    console.step(console.op, pid, "activate", postazione=ids["post"], data="2025-09-08")
    for day in ("2025-09-08", "2025-09-09"):
        console.ok(console.op.post("/admin/ore/new/", data={"percorso": pid, "data": day, "tipo": "PRESENZA",
                                                            "ore": "4"}))
    console.step(console.op, pid, "deliver", riga=console.line(pid, ids["orl"]), data="2025-09-30", quantita="8",
                 note="Ore dal foglio presenze")
    console.step(console.op, pid, "conclude", data="2025-09-30", motivo="Lavori completati")
    (fid,) = console.invoice_month("2025-09-01", "2025-09-30", "2025-10-03")
    console.ok(console.acc.post(f"/admin/fattura/invoice/{fid}/payment/",
                                data={"data": "2025-10-20", "importo": "158,40", "riferimento": "Mandato 1"}))
    with ctx():
        fattura = db.session.get(Fattura, fid)
        assert fattura.stato is StatoFattura.PAGATA and fattura.imponibile == D("158.40")
    report = console.pal.get(f"/admin/report/?report=pubblica-utilita&dal=2025-09-01&al=2025-09-30"
                             f"&comune={ids['comune']}").get_data(as_text=True)
    assert "Gussago" in report and "193,25" in report  # 158.40 + 34.85 VAT
    registro = console.acc.get("/admin/report/?report=registro-fatture&dal=2025-01-01&al=2025-12-31")
    assert "Gussago" in registro.get_data(as_text=True)
