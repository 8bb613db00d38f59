"""How hires turned out: performance ratings at 6 and 12 months, still employed at 12.

Revision ID: 0013_hire_outcomes
Revises: 0012_selection_counts
Create Date: 2026-12-01 23:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_hire_outcomes'
down_revision = '0012_selection_counts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hire_outcomes',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('rating_6_months', sa.Integer(), nullable=True),
    sa.Column('rating_12_months', sa.Integer(), nullable=True),
    sa.Column('employed_12_months', sa.Boolean(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('rating_6_months >= 1', name=op.f('ck_hire_outcomes_rating_6_months_on_scale')),
    sa.CheckConstraint('rating_12_months >= 1', name=op.f('ck_hire_outcomes_rating_12_months_on_scale')),
    sa.CheckConstraint('length(note) BETWEEN 1 AND 2000', name=op.f('ck_hire_outcomes_note_length')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_hire_outcomes_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_hire_outcomes_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_hire_outcomes'))
    )


def downgrade():
    op.drop_table('hire_outcomes')
