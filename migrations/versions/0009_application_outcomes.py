"""The decision engine's result per interviewed application, which exports join.

The app keeps it current from now on; the rows of applications already interviewed are
computed by the engine (Python), not here: an export computes those it needs before it
starts, and ``flask aggregates refresh --only outcomes`` computes them all at once.

Revision ID: 0009_application_outcomes
Revises: 0008_search
Create Date: 2026-12-01 17:00:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0009_application_outcomes'
down_revision = '0008_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('application_outcomes',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_outcomes_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_application_outcomes'))
    )


def downgrade():
    op.drop_table('application_outcomes')
