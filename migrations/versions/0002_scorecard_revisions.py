"""Scorecard revisions, and ratings marked not assessed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:34:43.805942

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scorecard_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scorecard_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number = 1 OR length(reason) > 0', name=op.f('ck_scorecard_revisions_amendment_has_reason')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_scorecard_revisions_number_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_scorecard_revisions_author_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'], name=op.f('fk_scorecard_revisions_scorecard_id_scorecards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_revisions')),
    sa.UniqueConstraint('scorecard_id', 'number', name=op.f('uq_scorecard_revisions_scorecard_id_number'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_assessed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint('scored_or_not_assessed', 'NOT (not_assessed AND score IS NOT NULL)')


def downgrade():
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ratings_scored_or_not_assessed'), type_='check')
        batch_op.drop_column('not_assessed')

    op.drop_table('scorecard_revisions')
