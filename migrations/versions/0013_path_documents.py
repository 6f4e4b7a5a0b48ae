"""issue 15: documents generated for a path, signed scans attached to it, the project's objectives

Revision ID: cd3d450e8e53
Revises: 1de44430ca38
Create Date: 2026-12-02 11:30:43.846549

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cd3d450e8e53'
down_revision = '1de44430ca38'
branch_labels = None
depends_on = None

#: Tables rebuilt by batch mode on SQLite keep AUTOINCREMENT (migration 0008).
AUTOINCREMENT = {'sqlite_autoincrement': True}


def upgrade():
    op.create_table('allegato_percorso',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('percorso_id', sa.Integer(), nullable=False),
    sa.Column('tipo', sa.Enum('CONVENZIONE', 'PROGETTO_FORMATIVO', 'REGISTRO_PRESENZE', 'RELAZIONE_FINALE', 'SCHEDA_PERCORSO', 'ALTRO', name='tipo_documento', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('nome_originale', sa.String(length=200), nullable=False),
    sa.Column('chiave', sa.String(length=80), nullable=False),
    sa.Column('tipo_mime', sa.String(length=40), nullable=False),
    sa.Column('dimensione', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('caricato_il', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('autore_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("tipo_mime IN ('application/pdf', 'image/jpeg', 'image/png')", name=op.f('ck_allegato_percorso_tipo_mime')),
    sa.CheckConstraint('dimensione > 0', name=op.f('ck_allegato_percorso_dimensione')),
    sa.ForeignKeyConstraint(['autore_id'], ['utente.id'], name=op.f('fk_allegato_percorso_autore_id_utente'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['percorso_id'], ['percorso.id'], name=op.f('fk_allegato_percorso_percorso_id_percorso'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allegato_percorso')),
    sa.UniqueConstraint('chiave', name='uq_allegato_percorso_chiave'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('allegato_percorso', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.create_index(batch_op.f('ix_allegato_percorso_percorso_id'), ['percorso_id'], unique=False)

    op.create_table('documento_generato',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('percorso_id', sa.Integer(), nullable=False),
    sa.Column('tipo', sa.Enum('CONVENZIONE', 'PROGETTO_FORMATIVO', 'REGISTRO_PRESENZE', 'RELAZIONE_FINALE', 'SCHEDA_PERCORSO', 'ALTRO', name='tipo_documento', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('formato', sa.String(length=4), nullable=False),
    sa.Column('nome_file', sa.String(length=200), nullable=False),
    sa.Column('generato_il', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('autore_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("formato IN ('docx', 'pdf')", name=op.f('ck_documento_generato_formato')),
    sa.ForeignKeyConstraint(['autore_id'], ['utente.id'], name=op.f('fk_documento_generato_autore_id_utente'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['percorso_id'], ['percorso.id'], name=op.f('fk_documento_generato_percorso_id_percorso'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documento_generato')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('documento_generato', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.create_index(batch_op.f('ix_documento_generato_percorso_id'), ['percorso_id'], unique=False)

    with op.batch_alter_table('percorso', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('obiettivi', sa.Text(), nullable=True))



def downgrade():
    with op.batch_alter_table('percorso', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_column('obiettivi')

    with op.batch_alter_table('documento_generato', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documento_generato_percorso_id'))

    op.drop_table('documento_generato')
    with op.batch_alter_table('allegato_percorso', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allegato_percorso_percorso_id'))

    op.drop_table('allegato_percorso')
