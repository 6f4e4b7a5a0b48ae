"""SQLite: AUTOINCREMENT on every table with an integer id, so that no id is ever reused

Without it SQLite gives a deleted row's id to the next insert, and an audit row (or a reading
of special-category data) would then name two different records. PostgreSQL's sequences
never reuse a value: nothing to do there. SQLite can only add AUTOINCREMENT by rebuilding
the table (batch mode copies rows, constraints and indexes); env.py turns foreign keys off
around the rebuild, as Alembic's batch documentation asks.

Revision ID: 7b3d5e9f2a48
Revises: 6a2f4c8e1d37
Create Date: 2026-12-02 08:10:00

"""
import warnings

from alembic import op


# revision identifiers, used by Alembic.
revision = '7b3d5e9f2a48'
down_revision = '6a2f4c8e1d37'
branch_labels = None
depends_on = None

#: Every table with an integer id as it stood at revision 6a2f4c8e1d37 (the two log tables
#: of that revision were created with AUTOINCREMENT already).
TABLES = (
    'comune', 'categoria_svantaggio', 'programma', 'ruolo', 'utente', 'persona',
    'ente_ospitante', 'voce_listino', 'budget', 'variazione_budget', 'postazione',
    'percorso', 'voucher', 'riga_voucher', 'ore', 'diario', 'fattura', 'riga_fattura',
    'pagamento', 'addebito', 'registro_audit',
)


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    with warnings.catch_warnings():
        # Reflection skips the expression index and says so: it is made again below.
        warnings.filterwarnings('ignore', 'Skipped unsupported reflection of expression-based')
        for name in TABLES:
            with op.batch_alter_table(name, recreate='always',
                                      table_kwargs={'sqlite_autoincrement': autoincrement}):
                pass
    # Batch mode cannot reflect expression indexes: the surname search index, again.
    op.execute('CREATE INDEX IF NOT EXISTS ix_persona_cognome_lower ON persona (lower(cognome))')


def upgrade():
    _rebuild(True)


def downgrade():
    _rebuild(False)
