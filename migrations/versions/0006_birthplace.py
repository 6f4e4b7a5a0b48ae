"""persona.comune_nascita and comune.codice_catastale: the birthplace checked against the
codice fiscale

Revision ID: 6a2f9b1c3d10
Revises: 5c1e0a7d2b94
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a2f9b1c3d10'
down_revision = '5c1e0a7d2b94'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comune', schema=None) as batch_op:
        batch_op.add_column(sa.Column('codice_catastale', sa.String(length=4), nullable=True))
    # SQLite's batch mode rebuilds the table and cannot carry the expression index over.
    op.drop_index('ix_persona_cognome_lower', table_name='persona')
    with op.batch_alter_table('persona', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comune_nascita_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_persona_comune_nascita_id_comune'), 'comune',
                                    ['comune_nascita_id'], ['id'], ondelete='RESTRICT')
    op.create_index('ix_persona_cognome_lower', 'persona', [sa.text('lower(cognome)')], unique=False)


def downgrade():
    op.drop_index('ix_persona_cognome_lower', table_name='persona')
    with op.batch_alter_table('persona', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_persona_comune_nascita_id_comune'), type_='foreignkey')
        batch_op.drop_column('comune_nascita_id')
    op.create_index('ix_persona_cognome_lower', 'persona', [sa.text('lower(cognome)')], unique=False)
    with op.batch_alter_table('comune', schema=None) as batch_op:
        batch_op.drop_column('codice_catastale')
