"""An index of the applications still waiting for interviews, for the home page's HR card.

Revision ID: 0018_home_indexes
Revises: 0016_notifications
Create Date: 2026-12-02 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_home_indexes'
down_revision = '0016_notifications'
branch_labels = None
depends_on = None

IN_THE_LOOP = sa.text("status IN ('applied', 'interviewing')")


def upgrade():
    op.create_index('ix_applications_to_schedule', 'applications', ['updated_at', 'id'],
                    unique=False, postgresql_where=IN_THE_LOOP, sqlite_where=IN_THE_LOOP)


def downgrade():
    op.drop_index('ix_applications_to_schedule', table_name='applications')
