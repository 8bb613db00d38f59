"""An index that serves an opening's pipeline newest first, paged by key.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_opening_id_applied_at_id',
                              ['opening_id', 'applied_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_opening_id_applied_at_id')
