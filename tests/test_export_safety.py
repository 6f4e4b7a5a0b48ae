"""Every list export neutralises formulas (issue 11, item 4; OWASP "CSV injection"): on the
demo data with every text a user can type made to start with = + - @, a tab or a carriage
return, each view's CSV export has no cell a spreadsheet would run, and shows the texts
with a leading apostrophe."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from models import Base, Comune, Pagamento, Programma, Utente, clock, db
from models.operations.accessi import record_attempt, record_readings
from seed.demo import load_demo
from views import VIEWS
from views.base import FORMULA_START, neutralise

from . import factories as f
from .factories import LoginAs

#: (table, text column, prefix): what the "fuzzing" writes in front of every value.
POISON = (
    ("persona", "cognome", "=HYPERLINK(\"http://x\";\"a\")&"),
    ("persona", "codice_fiscale", "+"),
    ("comune", "nome", "@SUM(1)"),
    ("ente_ospitante", "ragione_sociale", "+cmd|' /C calc'!A0 "),
    ("postazione", "mansione", "-2+3 "),
    ("diario", "descrizione", "=1+1 "),
    ("ore", "note", "\t=1 "),
    ("programma", "nome", "\r=1 "),
    ("voce_listino", "descrizione", "=A1 "),
    ("voce_listino", "codice", "-"),
    ("pagamento", "riferimento", "@x "),
    ("utente", "cognome", "=x "),
    ("ruolo", "description", "+x "),
    ("categoria_svantaggio", "descrizione", "@c "),
    ("registro_audit", "descrizione", "=d "),
    ("budget", "criteri", "=b "),
    ("fattura", "cig", "="),
)


def _reader(view_cls) -> str:
    for role in ("admin", "operatore", "pal", "amministrazione", "servizio_sociale"):
        if "r" in view_cls.permissions.get(role, ""):
            return role
    raise AssertionError(view_cls)


@pytest.fixture(scope="module")
def poisoned(module_savepoint):
    """The demo, every typed text prefixed with a formula, plus rows for the two logs."""
    app = module_savepoint
    with app.test_request_context():
        assert load_demo(db.session)
        db.session.flush()
        users = {u.role_names.pop(): LoginAs(u) for u in db.session.scalars(select(Utente))
                 if u.email.endswith("@demo.it") and len(u.role_names) == 1}
        admin = db.session.scalar(select(Utente).where(Utente.email == "admin@demo.it"))
        persona_id = db.session.execute(text("SELECT min(id) FROM persona")).scalar()
        # The demo has no invoices: one issued invoice with a payment.
        fattura = f.make_fattura_emessa(db.session, db.session.scalars(select(Comune)).first(),
                                        db.session.scalars(select(Programma)).first(),
                                        anno=2024, numero=1)
        db.session.add(Pagamento(fattura=fattura, data=fattura.data, importo=Decimal("200.00"),
                                 riferimento="Mandato 1"))
        record_attempt(db.session, "=cmd@example.org", "127.0.0.1", "utente_sconosciuto")
        record_readings(db.session, admin.id, [persona_id], "lista")
        db.session.execute(text(
            "INSERT INTO registro_audit (momento, utente_id, azione, tabella, record_id, "
            "descrizione, modifiche) VALUES (:m, :u, 'create', 'persona', :r, 'x', '{}')"),
            {"m": clock.now(), "u": admin.id, "r": str(persona_id)})
        for table, column, prefix in POISON:
            # Cut to the column's length (PostgreSQL refuses longer text).
            size = getattr(Base.metadata.tables[table].c[column].type, "length", None) or 10_000
            db.session.execute(text(
                f"UPDATE {table} SET {column} = substr(:p || COALESCE({column}, ''), 1, :n)"),
                {"p": prefix, "n": size})
        db.session.commit()
    return app, users


def export_cells(app, user, endpoint) -> list[str]:
    client = app.test_client(user=user)
    r = client.get(f"/admin/{endpoint}/export/csv/")
    assert r.status_code == 200, endpoint
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert len(rows) > 1, endpoint
    return [cell for row in rows[1:] for cell in row]


@pytest.mark.parametrize("view_cls,endpoint", [(v[0], v[3]) for v in VIEWS],
                         ids=[v[3] for v in VIEWS])
def test_list_export_writes_no_formula(poisoned, view_cls, endpoint):
    app, users = poisoned
    cells = export_cells(app, users[_reader(view_cls)], endpoint)
    dangerous = [c for c in cells if c.startswith(FORMULA_START) and neutralise(c) != c]
    assert dangerous == [], (endpoint, dangerous[:3])
    # The poisoned texts are there, as text: the test is not vacuous for this export.
    assert any(c.startswith("'") and c[1:2] in "=+-@\t\r" for c in cells), endpoint


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Rossi", "Rossi"),
    ("-12,50", "-12,50"), ("-3", "-3"), (None, None), (12, 12),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected
