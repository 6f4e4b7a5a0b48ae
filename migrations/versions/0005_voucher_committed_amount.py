"""voucher: the gross total an approved voucher commits, stored at approval

Revision ID: 5c1e0a7d2b94
Revises: d4320f83ea3b
Create Date: 2026-12-02 00:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0a7d2b94'
down_revision = 'd4320f83ea3b'
branch_labels = None
depends_on = None

#: The budget figures' voucher gross (models/queries.py, voucher_gross): lines rounded to the
#: cent, VAT per rate on their total.
BACKFILL = """
UPDATE voucher SET importo_impegnato = (
    SELECT COALESCE(SUM(t.taxable + ROUND(t.taxable * t.rate / 100, 2)), 0)
    FROM (
        SELECT voce_listino.aliquota_iva AS rate,
               SUM(ROUND(riga_voucher.quantita * voce_listino.prezzo_unitario, 2)) AS taxable
        FROM riga_voucher JOIN voce_listino ON riga_voucher.voce_listino_id = voce_listino.id
        WHERE riga_voucher.voucher_id = voucher.id
        GROUP BY voce_listino.aliquota_iva
    ) AS t
)
WHERE stato = 'APPROVATO'
"""


def upgrade():
    with op.batch_alter_table('voucher', schema=None) as batch_op:
        batch_op.add_column(sa.Column('importo_impegnato', sa.Numeric(precision=12, scale=2), nullable=True))
    op.execute(BACKFILL)
    # The budget figures read a Comune's paths and their approved vouchers off two indexes.
    op.drop_index('ix_voucher_percorso_id', table_name='voucher')
    op.create_index('ix_voucher_percorso_stato_decisione', 'voucher',
                    ['percorso_id', 'stato', 'data_decisione', 'importo_impegnato'], unique=False)
    op.drop_index('ix_percorso_comune_id', table_name='percorso')
    op.create_index('ix_percorso_comune_programma_stato', 'percorso',
                    ['comune_id', 'programma_id', 'stato', 'id'], unique=False)
    op.create_index('ix_percorso_comune_segnalazione', 'percorso',
                    ['comune_id', 'data_segnalazione'], unique=False)


def downgrade():
    op.drop_index('ix_percorso_comune_segnalazione', table_name='percorso')
    op.drop_index('ix_percorso_comune_programma_stato', table_name='percorso')
    op.create_index('ix_percorso_comune_id', 'percorso', ['comune_id'], unique=False)
    op.drop_index('ix_voucher_percorso_stato_decisione', table_name='voucher')
    op.create_index('ix_voucher_percorso_id', 'voucher', ['percorso_id'], unique=False)
    with op.batch_alter_table('voucher', schema=None) as batch_op:
        batch_op.drop_column('importo_impegnato')
