"""Reports (issue 4, item 3): SQL figures against hand-computed ones, workbooks read back, page, CLI."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import delete

from models import (
    CategoriaSvantaggio,
    Fattura,
    Pagamento,
    RigaVoucher,
    VariazioneBudget,
    VoceListino,
    db,
)
from models import reports as r
from models.base import (
    Esito,
    StatoFattura,
    StatoPercorso,
    StatoVoucher,
    TipoContratto,
    TipoDocumento,
    TipologiaPercorso,
    TipoOre,
    TipoVoce,
)
from models.reports import compute
from views.exports.report import tabelle, workbook

from . import factories as f

D = dt.date
S = StatoPercorso
T = TipologiaPercorso
H1 = r.Periodo(D(2025, 1, 1), D(2025, 6, 30))
Q1 = r.Periodo(D(2025, 1, 1), D(2025, 3, 31))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The dataset (built by ``dati``). Comune A = Lumezzane, B = Gardone Val Trompia (sorted first).
# Programme deadlines: intake 15 days after referral, activation 15 days after intake.
#   W1 A tirocinio   referred 01/03, still referred                       (world)
#   W2 B tirocinio   referred 01/03, still referred                       (world)
#   P1 A tirocinio   ref 10/01 intake 20/01 start 20/02 (late) at p1, hired by p1's host 15/05
#   P2 A inserimento ref 01/02 intake 25/02 (late) start 05/03 at p1, active
#   P3 B tirocinio   ref 01/11/24 intake 05/11/24 start 01/12/24 at p2, concluded not hired 30/04
#   P4 B assistenz.  ref 01/04 intake 10/04 start 20/04 at p2, interrupted 10/06
#   P5 B tirocinio   ref 02/05, withdrawn 20/05 (same person as P4)
#   P7 A tirocinio   ref 03/03 intake 10/03 interview 12/03, voucher proposed 20/03 approved 25/03
# Positions: p1 (host in A, 2 seats, from 01/01/25), p2 (host in B, 3 seats, 01/02-31/05/25),
#            p3 (host in B, 1 seat, from 01/08/25).
# People's categories: P1 L381+L68, P2 GIOVANE, P3 L381, P4/P5 none.


@pytest.fixture
def dati(app, world):
    """The dataset above, committed; yields the two Comuni's ids."""
    with app.app_context():
        s = db.session
        a, b = s.get(f.Comune, world.comune), s.get(f.Comune, world.altro_comune)
        prog = s.get(f.Programma, world.programma)
        voce = {v.tipo: v for v in s.query(VoceListino).filter_by(programma_id=prog.id)}
        cat = {c.codice: c for c in s.query(CategoriaSvantaggio)}
        cat["L68"] = CategoriaSvantaggio(codice="L68", descrizione="L. 68/99")
        cat["GIOVANE"] = CategoriaSvantaggio(codice="GIOVANE", descrizione="Giovane")
        e1, e2 = s.get(f.EnteOspitante, world.ente), f.make_ente(s, b)
        p1 = f.make_postazione(s, e1, posti=2, accetta_inserimento=True)
        p2 = f.make_postazione(s, e2, posti=3, accetta_assistenziale=True,
                               attiva_dal=D(2025, 2, 1), attiva_al=D(2025, 5, 31))
        f.make_postazione(s, e2, posti=1, attiva_dal=D(2025, 8, 1))
        a1 = f.make_persona(s, a, categorie=[cat["L381"], cat["L68"]])
        a2 = f.make_persona(s, a, categorie=[cat["GIOVANE"]])
        a3 = f.make_persona(s, a)
        b1 = f.make_persona(s, b, categorie=[cat["L381"]])
        b2 = f.make_persona(s, b)
        P1 = f.make_percorso(s, a1, a, prog, data_segnalazione=D(2025, 1, 10), data_presa_in_carico=D(2025, 1, 20),
                             data_primo_colloquio=D(2025, 1, 22), data_avvio=D(2025, 2, 20), postazione=p1,
                             data_fine_prevista=D(2025, 8, 20), stato=S.CONCLUSO, esito=Esito.ASSUNTO,
                             data_assunzione=D(2025, 5, 15), data_fine=D(2025, 5, 15), datore_lavoro=e1,
                             tipo_contratto=TipoContratto.TEMPO_DETERMINATO)
        P2 = f.make_percorso(s, a2, a, prog, tipologia=T.INSERIMENTO_LAVORATIVO, data_segnalazione=D(2025, 2, 1),
                             data_presa_in_carico=D(2025, 2, 25), data_avvio=D(2025, 3, 5), postazione=p1,
                             stato=S.ATTIVO)
        P3 = f.make_percorso(s, b1, b, prog, data_segnalazione=D(2024, 11, 1), data_presa_in_carico=D(2024, 11, 5),
                             data_avvio=D(2024, 12, 1), postazione=p2, stato=S.CONCLUSO,
                             esito=Esito.NON_ASSUNTO, data_fine=D(2025, 4, 30))
        P4 = f.make_percorso(s, b2, b, prog, tipologia=T.ASSISTENZIALE, data_segnalazione=D(2025, 4, 1),
                             data_presa_in_carico=D(2025, 4, 10), data_avvio=D(2025, 4, 20), postazione=p2,
                             stato=S.INTERROTTO, data_fine=D(2025, 6, 10))
        f.make_percorso(s, b2, b, prog, data_segnalazione=D(2025, 5, 2), stato=S.RITIRATO, data_fine=D(2025, 5, 20))
        P7 = f.make_percorso(s, a3, a, prog, data_segnalazione=D(2025, 3, 3), data_presa_in_carico=D(2025, 3, 10),
                             data_primo_colloquio=D(2025, 3, 12), stato=S.VOUCHER_APPROVATO)
        v = f.make_voucher(s, P7, data_proposta=D(2025, 3, 20), data_decisione=D(2025, 3, 25),
                           stato=StatoVoucher.APPROVATO, decisore_id=world.users["pal"].id)
        v.righe.append(RigaVoucher(voce_listino=voce[TipoVoce.ATTIVAZIONE_TIROCINIO], quantita=1))
        # Hours: Q1 attendance A 6 + 8, B 5; tutoring A 2; outside Q1: P1 4.5 (April), P4 3 (May).
        for p, day, tipo, ore in ((P1, D(2025, 3, 3), TipoOre.PRESENZA, "6"), (P1, D(2025, 4, 7), TipoOre.PRESENZA, "4.5"),
                                  (P1, D(2025, 3, 4), TipoOre.AFFIANCAMENTO, "2"), (P2, D(2025, 3, 10), TipoOre.PRESENZA, "8"),
                                  (P3, D(2025, 1, 15), TipoOre.PRESENZA, "5"), (P4, D(2025, 5, 5), TipoOre.PRESENZA, "3")):
            f.make_ore(s, p, data=day, tipo=tipo, ore=Decimal(ore))
        # Charges, gross: P1 activation 244.00, P1 2 tutoring hours 51.24, P4 1.5 hours 38.43,
        # P3 activation 244.00 in 2024.
        att = f.make_addebito(s, P1, voce[TipoVoce.ATTIVAZIONE_TIROCINIO], data=D(2025, 2, 20))
        f.make_addebito(s, P1, voce[TipoVoce.ORA_AFFIANCAMENTO], data=D(2025, 3, 4), quantita=Decimal("2"))
        f.make_addebito(s, P4, voce[TipoVoce.ORA_AFFIANCAMENTO], data=D(2025, 5, 5), quantita=Decimal("1.5"))
        f.make_addebito(s, P3, voce[TipoVoce.ATTIVAZIONE_TIROCINIO], data=D(2024, 12, 1))
        f.make_budget(s, prog, a)
        bb = f.make_budget(s, prog, b, importo_iniziale=Decimal("5000.00"))
        bb.variazioni.append(VariazioneBudget(data=D(2025, 3, 1), importo=Decimal("500.00"), motivo="integrazione"))
        f.make_budget(s, prog, b, data_inizio=D(2024, 1, 1), data_fine=D(2024, 12, 31), importo_iniziale=Decimal("1000"))
        # Invoices of 2025: no. 1 to A (its line bills P1's activation, 150.00 paid), credit note
        # no. 2 to A without split payment; an invoice of 2024 and a draft stay out.
        f1 = f.make_fattura_emessa(s, a, prog, numero=1)
        att.riga_fattura_id = f.make_riga_fattura(s, f1).id
        s.add(Pagamento(fattura=f1, data=D(2025, 5, 1), importo=Decimal("150.00")))
        f.make_fattura_emessa(s, a, prog, numero=2, data=D(2025, 6, 1), tipo_documento=TipoDocumento.TD04,
                              fattura_stornata=f1, imponibile=Decimal("50.00"), iva=Decimal("11.00"), split_payment=False)
        f.make_fattura_emessa(s, b, prog, anno=2024, numero=1, data=D(2024, 12, 20))
        f.make_fattura(s, b, prog)
        s.commit()
        ids = {"a": a.id, "b": b.id, "a_istat": a.codice_istat}
    yield ids
    with app.app_context():
        # SQLite's DROP TABLE deletes row by row: the credit note's self-reference would fail it.
        db.session.execute(delete(Fattura).where(Fattura.tipo_documento == TipoDocumento.TD04))
        db.session.commit()


def plain(rows, drop=("comune_id", "ordine", "budget_id")):
    """Report rows as plain dicts without the technical keys."""
    return [{k: v for k, v in row.items() if k not in drop} for row in rows]


def read_back(body: bytes):
    """Every sheet of a workbook: (worksheet, data rows below the header on row 4)."""
    book = openpyxl.load_workbook(io.BytesIO(body))
    return [(ws, [list(v) for v in ws.iter_rows(min_row=5, values_only=True)]) for ws in book.worksheets]


def build(session, kind, periodo, comune_id=None) -> bytes:
    return workbook("t", "s", tabelle(kind, compute(session, kind, periodo, comune_id)))


SEMESTRALE_KEYS = ["segnalazioni", "prese_in_carico", "postazioni_disponibili", "posti_disponibili",
                   "postazioni_utilizzate", "percorsi_in_postazione", "tirocini_avviati", "assunzioni",
                   "conclusi_assunti", "conclusi_non_assunti", "interrotti", "ritirati", "budget_utilizzato"]
# By hand from the dataset: B (Gardone) = W2, P4, P5 referred; P4 taken in charge; p2 open and used
# (3 seats); P3 and P4 at a position; P3 concluded not hired, P4 interrupted, P5 withdrawn;
# charges 38.43. A (Lumezzane) = W1, P1, P2, P7 referred; P1, P2, P7 taken in charge; p1 open and
# used (2 seats); P1, P2 at a position; P1 internship started, hired, concluded; 244 + 51.24.
SEMESTRALE_B = [3, 1, 1, 3, 1, 2, 0, 0, 0, 1, 1, 1, Decimal("38.43")]
SEMESTRALE_A = [4, 3, 1, 2, 1, 2, 1, 1, 1, 0, 0, 0, Decimal("295.24")]
SEMESTRALE_TOT = [x + y for x, y in zip(SEMESTRALE_A, SEMESTRALE_B, strict=True)]


def test_half_year_report_counts_per_comune_and_in_total(dati, session):
    rows = r.semestrale(session, H1)
    assert [row["comune"] for row in rows] == ["Gardone Val Trompia", "Lumezzane", None]
    assert [[row[k] for k in SEMESTRALE_KEYS] for row in rows] == [SEMESTRALE_B, SEMESTRALE_A, SEMESTRALE_TOT]
    assert isinstance(rows[-1]["budget_utilizzato"], Decimal)


def test_half_year_report_of_one_comune(dati, session):
    rows = r.semestrale(session, H1, dati["a"])
    assert [[row[k] for k in SEMESTRALE_KEYS] for row in rows] == [SEMESTRALE_A, SEMESTRALE_A]


def test_half_year_workbook_has_the_same_numbers_as_real_cells(dati, session):
    [(ws, rows)] = read_back(build(session, "semestrale", H1))
    assert rows == [["Gardone Val Trompia", *map(float, SEMESTRALE_B)], ["Lumezzane", *map(float, SEMESTRALE_A)],
                    ["Totale", *map(float, SEMESTRALE_TOT)]]
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:N7"
    assert ws["N5"].data_type == "n" and "€" in ws["N5"].number_format
    assert ws.column_dimensions["A"].width > 20


def test_quarterly_paths_by_state_and_type_at_period_end(dati, session):
    # On 31/03: W1, W2 referred; P7 voucher approved; P1, P2, P3 active (P3 ends in April).
    rows = plain(r.percorsi_per_stato(session, Q1), drop=("ordine", "posizione"))
    assert rows == [
        {"stato": "SEGNALATO", "ASSISTENZIALE": 0, "TIROCINIO": 2, "INSERIMENTO_LAVORATIVO": 0, "PROGETTO_PERSONALIZZATO": 0, "totale": 2},
        {"stato": "VOUCHER_APPROVATO", "ASSISTENZIALE": 0, "TIROCINIO": 1, "INSERIMENTO_LAVORATIVO": 0, "PROGETTO_PERSONALIZZATO": 0, "totale": 1},
        {"stato": "ATTIVO", "ASSISTENZIALE": 0, "TIROCINIO": 2, "INSERIMENTO_LAVORATIVO": 1, "PROGETTO_PERSONALIZZATO": 0, "totale": 3},
        {"stato": None, "ASSISTENZIALE": 0, "TIROCINIO": 5, "INSERIMENTO_LAVORATIVO": 1, "PROGETTO_PERSONALIZZATO": 0, "totale": 6},
    ]


def test_state_on_a_day_is_rebuilt_from_the_dated_steps(dati, session):
    # On 21/03 P7's voucher is proposed and undecided; on 30/06 P1 and P3 concluded, P4
    # interrupted, P5 withdrawn, P2 still active.
    rows = {row["stato"]: row["totale"] for row in r.percorsi_per_stato(session, r.Periodo(D(2025, 3, 1), D(2025, 3, 21)))}
    assert rows == {"SEGNALATO": 2, "VOUCHER_PROPOSTO": 1, "ATTIVO": 3, None: 6}
    rows = {row["stato"]: row["totale"] for row in r.percorsi_per_stato(session, H1)}
    assert rows == {"SEGNALATO": 2, "VOUCHER_APPROVATO": 1, "ATTIVO": 1, "CONCLUSO": 2, "INTERROTTO": 1,
                    "RITIRATO": 1, None: 8}


def test_quarterly_hours_per_comune(dati, session):
    rows = plain(r.ore_per_comune(session, Q1))
    assert rows == [
        {"comune": "Gardone Val Trompia", "ore_presenza": Decimal("5"), "ore_affiancamento": 0, "percorsi_con_ore": 1},
        {"comune": "Lumezzane", "ore_presenza": Decimal("14"), "ore_affiancamento": Decimal("2"), "percorsi_con_ore": 2},
        {"comune": None, "ore_presenza": Decimal("19"), "ore_affiancamento": Decimal("2"), "percorsi_con_ore": 3},
    ]


def test_quarterly_missed_deadlines(dati, session):
    # Intakes late: P2 (25/02 > 16/02). Overdue on 31/03: W1, W2 (due 16/03). Activations late:
    # P1 (20/02 > 04/02). Overdue on 31/03: P7 (due 25/03, not started).
    rows = plain(r.scadenze_mancate(session, Q1))
    keys = ["prese_in_carico_tardive", "prese_in_carico_scadute", "avvii_tardivi", "avvii_scaduti"]
    assert [[row["comune"], *[row[k] for k in keys]] for row in rows] == [
        ["Gardone Val Trompia", 0, 1, 0, 0], ["Lumezzane", 1, 1, 1, 1], [None, 1, 2, 1, 1]]


def test_quarterly_workbook_has_three_tables(dati, session):
    sheets = read_back(build(session, "trimestrale", Q1))
    assert len(sheets) == 3
    stati, ore, scadenze = (rows for _, rows in sheets)
    assert stati[-1] == ["Totale", 0.0, 5.0, 1.0, 0.0, 6.0]
    assert ore[1] == ["Lumezzane", 14.0, 2.0, 2.0]
    assert scadenze[-1] == ["Totale", 1.0, 2.0, 1.0, 1.0]
    assert all(ws.freeze_panes == "A5" for ws, _ in sheets)


BUDGET_KEYS = ["stanziato", "impegnato", "consumato", "fatturato", "residuo"]


def test_budget_verification_per_budget_and_in_total(dati, session):
    # A: 10000 allocated, P7's approved voucher 244 committed, 295.24 consumed, 244 invoiced.
    # B: 5000 + 500, nothing committed, 38.43 consumed. B's 2024 budget does not overlap.
    rows = r.verifica_budget(session, H1)
    assert [(row["comune"], *[row[k] for k in BUDGET_KEYS]) for row in rows] == [
        ("Gardone Val Trompia", Decimal("5500"), 0, Decimal("38.43"), 0, Decimal("5500")),
        ("Lumezzane", Decimal("10000"), Decimal("244"), Decimal("295.24"), Decimal("244"), Decimal("9756")),
        (None, Decimal("15500"), Decimal("244"), Decimal("333.67"), Decimal("244"), Decimal("15256")),
    ]
    [(ws, book_rows)] = read_back(build(session, "budget", H1))
    assert book_rows[1][4:] == [10000.0, 244.0, 295.24, 244.0, 9756.0]
    assert ws["C5"].is_date and ws["C5"].value.date() == D(2025, 1, 1)


INDICATOR_KEYS = ["persone", "percorsi", "conclusi", "assunti", "quota_assunti", "enti"]


def test_outcome_indicators_by_category_type_and_total(dati, session):
    # Involved in H1: P1 (a1), P2 (a2), P3 (b1), P4 (b2); concluded P1 (hired), P3; hosts e1, e2.
    data = r.indicatori_esito(session, H1)
    assert [[row[k] for k in INDICATOR_KEYS] for row in data["totale"]] == [[4, 4, 2, 1, 0.5, 2]]
    assert [[row["codice"], *[row[k] for k in INDICATOR_KEYS]] for row in data["categorie"]] == [
        ["GIOVANE", 1, 1, 0, 0, None, 1],
        ["L381", 2, 2, 2, 1, 0.5, 2],
        ["L68", 1, 1, 1, 1, 1.0, 1],
        [None, 1, 1, 0, 0, None, 1],
    ]
    assert [[row["tipologia"], *[row[k] for k in INDICATOR_KEYS]] for row in data["tipologie"]] == [
        [T.ASSISTENZIALE, 1, 1, 0, 0, None, 1],
        [T.INSERIMENTO_LAVORATIVO, 1, 1, 0, 0, None, 1],
        [T.TIROCINIO, 2, 2, 2, 1, 0.5, 2],
    ]


def test_outcome_workbook_writes_the_share_as_a_percentage(dati, session):
    (ws, totale), (_, categorie), (_, tipologie) = read_back(build(session, "esiti", H1))
    assert totale == [[4.0, 4.0, 2.0, 1.0, 0.5, 2.0]]
    assert ws["E5"].number_format == "0.0%"
    assert categorie[1] == ["L. 381/91", 2.0, 2.0, 2.0, 1.0, 0.5, 2.0]
    assert len(tipologie) == 3


def test_invoice_register_lists_the_issued_documents_of_the_year(dati, session):
    # Split payment: A owes the taxable only, 200 - 150 paid = 50; a credit note is not collected
    # (issue 14, item 8: nothing "da incassare" on credit notes; it read 61.00 before).
    rows = plain(r.registro_fatture(session, 2025), drop=("fattura_id",))
    assert rows == [
        {"numero": 1, "data": D(2025, 4, 1), "tipo_documento": TipoDocumento.TD01, "comune": "Lumezzane",
         "imponibile": Decimal("200.00"), "iva": Decimal("44.00"), "bollo": None, "totale": Decimal("244.00"),
         "split_payment": True,
         "stato": StatoFattura.EMESSA, "pagato": Decimal("150.00"), "ultimo_pagamento": D(2025, 5, 1),
         "da_incassare": Decimal("50.00")},
        {"numero": 2, "data": D(2025, 6, 1), "tipo_documento": TipoDocumento.TD04, "comune": "Lumezzane",
         "imponibile": Decimal("50.00"), "iva": Decimal("11.00"), "bollo": None, "totale": Decimal("61.00"),
         "split_payment": False, "stato": StatoFattura.EMESSA, "pagato": Decimal("0"), "ultimo_pagamento": None,
         "da_incassare": Decimal("0.00")},
    ]
    [(ws, book_rows)] = read_back(build(session, "registro-fatture", r.Periodo(D(2025, 1, 1), D(2025, 12, 31))))
    assert book_rows[0][0] == 1 and book_rows[0][1].date() == D(2025, 4, 1)
    assert book_rows[0][4:7] == [200.0, 44.0, 244.0] and book_rows[0][9] == 150.0 and book_rows[0][11] == 50.0


def test_text_starting_with_formula_characters_is_written_as_text(app, world, session):
    names = ["=1+2", "+SUM(A1)", "-3+4", "@HYPERLINK(\"x\")"]
    prog = session.get(f.Programma, world.programma)
    for name in names:
        comune = f.make_comune(session, nome=name)
        f.make_percorso(session, f.make_persona(session, comune), comune, prog, data_segnalazione=D(2025, 2, 1))
    [(ws, rows)] = read_back(build(session, "semestrale", H1))
    cells = [row[0] for row in ws.iter_rows(min_row=5, max_col=1)]
    assert {c.value for c in cells if c.value in names} == set(names)
    assert all(c.data_type == "s" for c in cells)


def statements_for(count_statements, session):
    counts = {}
    for kind, periodo in (("semestrale", H1), ("trimestrale", Q1), ("budget", H1), ("esiti", H1),
                          ("registro-fatture", H1)):
        with count_statements() as counter:
            compute(session, kind, periodo)
        counts[kind] = counter.count
    return counts


def test_report_statements_are_few_and_do_not_grow_with_the_comuni(dati, session, count_statements):
    before = statements_for(count_statements, session)
    assert before == {"semestrale": 1, "trimestrale": 3, "budget": 1, "esiti": 3, "registro-fatture": 1}
    prog = session.get(f.Programma, session.query(f.Programma.id).scalar())
    for _ in range(5):
        comune = f.make_comune(session)
        f.make_budget(session, prog, comune)
        persona = f.make_persona(session, comune)
        f.make_percorso(session, persona, comune, prog, data_segnalazione=D(2025, 2, 1))
    session.flush()
    assert len(r.semestrale(session, H1)) == 8
    assert statements_for(count_statements, session) == before


@pytest.mark.parametrize("role", ["pal", "amministrazione", "admin", "operatore"])
def test_report_page_renders_for_reader_roles(dati, client_for, role):
    client = client_for(role)
    page = client.get("/admin/report/?report=semestrale&anno=2025&periodo=S1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Gardone Val Trompia" in html and "333,67" in html
    for kind in ("trimestrale", "budget", "esiti", "registro-fatture"):
        assert client.get(f"/admin/report/?report={kind}&dal=2025-01-01&al=2025-06-30").status_code == 200


def test_a_social_worker_reads_only_their_own_comunes_reports(dati, client_for):
    # Issue 14, item 8 (the console answered 403 here before): their Comune whatever they ask.
    client = client_for("servizio_sociale")
    page = client.get(f"/admin/report/?report=semestrale&anno=2025&periodo=S1&comune={dati['b']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Lumezzane" in html and "Gardone Val Trompia" not in html
    for kind in ("trimestrale", "budget", "esiti", "distacchi", "pubblica-utilita", "pip"):
        assert client.get(f"/admin/report/?report={kind}&dal=2025-01-01&al=2025-06-30").status_code == 200
    book = client.get("/admin/report/xlsx/?report=semestrale&anno=2025&periodo=S1")
    assert book.status_code == 200
    # The accounts' invoice register stays the agency's.
    assert client.get("/admin/report/?report=registro-fatture").status_code == 403
    assert client.get("/admin/report/xlsx/?report=registro-fatture").status_code == 403


def test_report_page_downloads_the_workbook_of_the_chosen_period(dati, client_for):
    response = client_for("pal").get("/admin/report/xlsx/?report=trimestrale&anno=2025&periodo=T1")
    assert response.status_code == 200 and response.mimetype == XLSX
    sheets = read_back(response.data)
    assert sheets[1][1][-1] == ["Totale", 19.0, 2.0, 3.0]


@pytest.mark.parametrize("args, first_row", [
    (["semestrale", "--anno", "2025", "--semestre", "1"], ["Gardone Val Trompia", *map(float, SEMESTRALE_B)]),
    (["trimestrale", "--anno", "2025", "--trimestre", "1"], None),
    (["budget", "--al", "2025-06-30"], None),
    (["esiti", "--dal", "2025-01-01", "--al", "2025-06-30"], [4.0, 4.0, 2.0, 1.0, 0.5, 2.0]),
    (["registro-fatture", "--anno", "2025"], None),
])
def test_cli_writes_each_workbook(dati, app, tmp_path, args, first_row):
    out = tmp_path / "r.xlsx"
    result = app.test_cli_runner().invoke(args=["export", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheets = read_back(out.read_bytes())
    assert sheets and sheets[0][1]
    if first_row:
        assert sheets[0][1][0] == first_row


def test_cli_report_of_one_comune(dati, app, tmp_path):
    out = tmp_path / "r.xlsx"
    result = app.test_cli_runner().invoke(args=["export", "semestrale", "--anno", "2025", "--semestre", "1",
                                                "--comune", dati["a_istat"], "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [row[0] for row in read_back(out.read_bytes())[0][1]] == ["Lumezzane", "Totale"]


def test_period_shortcuts_cover_whole_months():
    assert r.Periodo.semestre(2024, 1) == r.Periodo(D(2024, 1, 1), D(2024, 6, 30))
    assert r.Periodo.trimestre(2024, 1) == r.Periodo(D(2024, 1, 1), D(2024, 3, 31))
    assert r.Periodo.trimestre(2025, 4) == r.Periodo(D(2025, 10, 1), D(2025, 12, 31))
