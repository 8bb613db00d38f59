"""Indexes that serve the lists paged by key and the API's list of an opening's applications.

Revision ID: 0008_paging_indexes
Revises: 0008_aggregates
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_paging_indexes'
down_revision = '0008_aggregates'
branch_labels = None
depends_on = None

OWED = sa.text("status IN ('not_started', 'draft')")


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_opening_id_id', ['opening_id', 'id'], unique=False)
        batch_op.create_index('ix_applications_status_updated_at_id',
                              ['status', 'updated_at', 'id'], unique=False)
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.create_index('ix_scorecards_interviewer_id_interview_id',
                              ['interviewer_id', 'interview_id'], unique=False,
                              postgresql_include=['id', 'status'])
        batch_op.create_index('ix_scorecards_owed', ['interview_id'], unique=False,
                              postgresql_include=['id', 'interviewer_id'],
                              postgresql_where=OWED, sqlite_where=OWED)
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_requested_by_created')
        batch_op.create_index('ix_jobs_requested_by_id_created_at_id',
                              ['requested_by_id', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_requested_by_id_created_at_id')
        batch_op.create_index('ix_jobs_requested_by_created', ['requested_by_id', 'created_at'],
                              unique=False)
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_index('ix_scorecards_owed')
        batch_op.drop_index('ix_scorecards_interviewer_id_interview_id')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_status_updated_at_id')
        batch_op.drop_index('ix_applications_opening_id_id')
