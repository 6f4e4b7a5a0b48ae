"""registro_audit: the origin of a change made outside the console's forms (an import's file)

Revision ID: 6a2f9c3e1d57
Revises: 7b3d5e9f2a48
Create Date: 2026-12-02 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a2f9c3e1d57'
down_revision = '7b3d5e9f2a48'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registro_audit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origine', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('registro_audit', schema=None) as batch_op:
        batch_op.drop_column('origine')
