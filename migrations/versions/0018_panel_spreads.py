"""The spread between panelists on each rubric's latest interviews, stored by the measurement fit.

Revision ID: 0018_panel_spreads
Revises: 0017_user_languages
Create Date: 2026-12-02 10:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_panel_spreads'
down_revision = '0017_user_languages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('panel_spreads',
    sa.Column('rubric_key', sa.String(length=64), nullable=False),
    sa.Column('spread', sa.Float(), nullable=True),
    sa.Column('panels', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('rubric_key', name=op.f('pk_panel_spreads'))
    )


def downgrade():
    op.drop_table('panel_spreads')
