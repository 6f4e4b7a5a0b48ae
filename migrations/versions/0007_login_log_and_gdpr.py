"""login log, two-factor columns, readings of special-category data, anonymised people

Revision ID: 6a2f4c8e1d37
Revises: 6a2f9b1c3d10
Create Date: 2026-12-02 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a2f4c8e1d37'
down_revision = '6a2f9b1c3d10'
branch_labels = None
depends_on = None

#: The reading log is append-only in the database itself (models/accessi.py, APPEND_ONLY).
APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER tr_lettura_dati_sensibili_no_update BEFORE UPDATE ON "
        "lettura_dati_sensibili BEGIN SELECT RAISE(ABORT, 'lettura_dati_sensibili is "
        "append-only'); END",
        "CREATE TRIGGER tr_lettura_dati_sensibili_no_delete BEFORE DELETE ON "
        "lettura_dati_sensibili BEGIN SELECT RAISE(ABORT, 'lettura_dati_sensibili is "
        "append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION lettura_dati_sensibili_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'lettura_dati_sensibili is "
        "append-only'; END $$",
        "CREATE TRIGGER tr_lettura_dati_sensibili_append_only BEFORE UPDATE OR DELETE ON "
        "lettura_dati_sensibili FOR EACH ROW EXECUTE FUNCTION "
        "lettura_dati_sensibili_append_only()",
    ],
}


def upgrade():
    op.create_table(
        'tentativo_accesso',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('momento', sa.DateTime(), nullable=False),
        sa.Column('email', sa.String(length=255), nullable=False),
        sa.Column('utente_id', sa.Integer(), nullable=True),
        sa.Column('indirizzo', sa.String(length=64), nullable=False),
        sa.Column('esito', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['utente_id'], ['utente.id'],
                                name=op.f('fk_tentativo_accesso_utente_id_utente'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tentativo_accesso')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_tentativo_accesso_email_momento', 'tentativo_accesso',
                    ['email', 'momento'], unique=False)
    op.create_index('ix_tentativo_accesso_indirizzo_momento', 'tentativo_accesso',
                    ['indirizzo', 'momento'], unique=False)
    op.create_index('ix_tentativo_accesso_momento_id', 'tentativo_accesso',
                    ['momento', 'id'], unique=False)
    op.create_index(op.f('ix_tentativo_accesso_utente_id'), 'tentativo_accesso',
                    ['utente_id'], unique=False)
    op.create_table(
        'lettura_dati_sensibili',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('momento', sa.DateTime(), nullable=False),
        sa.Column('utente_id', sa.Integer(), nullable=False),
        sa.Column('persona_id', sa.Integer(), nullable=False),
        sa.Column('azione', sa.String(length=20), nullable=False),
        sa.Column('righe', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['utente_id'], ['utente.id'],
                                name=op.f('fk_lettura_dati_sensibili_utente_id_utente'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lettura_dati_sensibili')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_lettura_dati_sensibili_momento_id', 'lettura_dati_sensibili',
                    ['momento', 'id'], unique=False)
    op.create_index('ix_lettura_dati_sensibili_persona_momento', 'lettura_dati_sensibili',
                    ['persona_id', 'momento'], unique=False)
    op.create_index(op.f('ix_lettura_dati_sensibili_utente_id'), 'lettura_dati_sensibili',
                    ['utente_id'], unique=False)
    for sql in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(sql)
    with op.batch_alter_table('persona', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonimizzata_il', sa.Date(), nullable=True))
    with op.batch_alter_table('ruolo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_fattori_obbligatori', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    with op.batch_alter_table('utente', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tf_primary_method', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('tf_totp_secret', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('tf_phone_number', sa.String(length=128), nullable=True))


def downgrade():
    with op.batch_alter_table('utente', schema=None) as batch_op:
        batch_op.drop_column('tf_phone_number')
        batch_op.drop_column('tf_totp_secret')
        batch_op.drop_column('tf_primary_method')
    with op.batch_alter_table('ruolo', schema=None) as batch_op:
        batch_op.drop_column('due_fattori_obbligatori')
    with op.batch_alter_table('persona', schema=None) as batch_op:
        batch_op.drop_column('anonimizzata_il')
    # A rebuilt SQLite table loses the expression index batch mode cannot reflect.
    op.execute('CREATE INDEX IF NOT EXISTS ix_persona_cognome_lower ON persona (lower(cognome))')
    op.drop_table('lettura_dati_sensibili')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS lettura_dati_sensibili_append_only()")
    op.drop_table('tentativo_accesso')
