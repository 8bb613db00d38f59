"""Anonymous selection counts and score sums per opening, month and self-identification answer.

Revision ID: 0012_selection_counts
Revises: 0011_self_identification
Create Date: 2026-12-01 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_selection_counts'
down_revision = '0011_self_identification'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('selection_counts',
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('opening_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('step', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.String(length=64), nullable=False),
    sa.Column('kept', sa.Boolean(), nullable=False),
    sa.Column('reached', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('passed >= 0 AND passed <= reached', name=op.f('ck_selection_counts_passed_within_reached')),
    sa.ForeignKeyConstraint(['opening_id'], ['openings.id'], name=op.f('fk_selection_counts_opening_id_openings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item', 'opening_id', 'month', 'step', 'answer', 'kept', name=op.f('pk_selection_counts'))
    )
    op.create_table('score_sums',
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('opening_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=False),
    sa.Column('competency', sa.String(length=64), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=64), nullable=False),
    sa.Column('kept', sa.Boolean(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('squares', sa.Float(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['opening_id'], ['openings.id'], name=op.f('fk_score_sums_opening_id_openings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item', 'opening_id', 'month', 'stage', 'competency', 'interviewer_id', 'answer', 'kept', name=op.f('pk_score_sums'))
    )
    op.create_table('loop_selection_counts',
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('loop', sa.String(length=64), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('step', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.String(length=64), nullable=False),
    sa.Column('reached', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('item', 'loop', 'month', 'step', 'answer', name=op.f('pk_loop_selection_counts'))
    )
    op.create_table('loop_score_sums',
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('loop', sa.String(length=64), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=False),
    sa.Column('competency', sa.String(length=64), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=64), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('squares', sa.Float(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('item', 'loop', 'month', 'stage', 'competency', 'interviewer_id', 'answer', name=op.f('pk_loop_score_sums'))
    )
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_column('counted_at')
    op.drop_table('loop_score_sums')
    op.drop_table('loop_selection_counts')
    op.drop_table('score_sums')
    op.drop_table('selection_counts')
