"""indexes for the lists at scale: default sorts and the surname search

Revision ID: d4320f83ea3b
Revises: aa3aff64277d
Create Date: 2026-12-02 00:09:35.041638

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4320f83ea3b'
down_revision = 'aa3aff64277d'
branch_labels = None
depends_on = None


def upgrade():
    # The lists' default order (date descending, id breaking ties) straight off an index.
    op.create_index('ix_diario_data_id', 'diario', ['data', 'id'], unique=False)
    op.drop_index('ix_ore_data', table_name='ore')
    op.create_index('ix_ore_data_id', 'ore', ['data', 'id'], unique=False)
    op.drop_index('ix_addebito_data', table_name='addebito')
    op.create_index('ix_addebito_data_id', 'addebito', ['data', 'id'], unique=False)
    op.drop_index('ix_registro_audit_momento', table_name='registro_audit')
    op.create_index('ix_registro_audit_momento_id', 'registro_audit', ['momento', 'id'], unique=False)
    op.create_index(op.f('ix_percorso_data_segnalazione'), 'percorso', ['data_segnalazione'], unique=False)
    op.drop_index('ix_percorso_stato', table_name='percorso')
    op.create_index('ix_percorso_stato_postazione', 'percorso', ['stato', 'postazione_id'], unique=False)
    op.create_index(op.f('ix_voucher_data_proposta'), 'voucher', ['data_proposta'], unique=False)
    op.create_index('ix_addebito_percorso_data', 'addebito', ['percorso_id', 'data'], unique=False)
    op.create_index('ix_ore_data_percorso_tipo_ore', 'ore', ['data', 'percorso_id', 'tipo', 'ore'], unique=False)
    # Autogenerate cannot compare expression indexes on SQLite: written by hand.
    op.create_index('ix_persona_cognome_lower', 'persona', [sa.text('lower(cognome)')], unique=False)


def downgrade():
    op.drop_index('ix_persona_cognome_lower', table_name='persona')
    op.drop_index('ix_addebito_percorso_data', table_name='addebito')
    op.drop_index('ix_ore_data_percorso_tipo_ore', table_name='ore')
    op.drop_index(op.f('ix_voucher_data_proposta'), table_name='voucher')
    op.drop_index(op.f('ix_percorso_data_segnalazione'), table_name='percorso')
    op.drop_index('ix_percorso_stato_postazione', table_name='percorso')
    op.create_index('ix_percorso_stato', 'percorso', ['stato'], unique=False)
    op.drop_index('ix_registro_audit_momento_id', table_name='registro_audit')
    op.create_index('ix_registro_audit_momento', 'registro_audit', ['momento'], unique=False)
    op.drop_index('ix_addebito_data_id', table_name='addebito')
    op.create_index('ix_addebito_data', 'addebito', ['data'], unique=False)
    op.drop_index('ix_ore_data_id', table_name='ore')
    op.create_index('ix_ore_data', 'ore', ['data'], unique=False)
    op.drop_index('ix_diario_data_id', table_name='diario')
