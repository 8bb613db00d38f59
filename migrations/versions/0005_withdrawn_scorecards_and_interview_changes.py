"""Withdrawn scorecards; interviews cancelled and annotated, with who did it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 07:53:22.349806

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

STATUSES = "status IN ('not_started', 'draft', 'submitted'{})"


def upgrade():
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('noted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('noted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_interviews_cancelled_by_id_users'), 'users', ['cancelled_by_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_interviews_noted_by_id_users'), 'users', ['noted_by_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint(batch_op.f('ck_interviews_cancelled_by_someone'), '(cancelled_at IS NULL) = (cancelled_by_id IS NULL)')
        batch_op.create_check_constraint(batch_op.f('ck_interviews_noted_by_someone'), '(note IS NULL) = (noted_at IS NULL) AND (note IS NULL) = (noted_by_id IS NULL)')
        batch_op.create_check_constraint(batch_op.f('ck_interviews_note_not_empty'), 'length(note) > 0')

    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_scorecards_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_scorecards_status'), STATUSES.format(", 'withdrawn'"))


def downgrade():
    # A withdrawn draft goes back to being a draft: the text stays its author's.
    op.execute("UPDATE scorecards SET status = 'draft' WHERE status = 'withdrawn'")
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_scorecards_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_scorecards_status'), STATUSES.format(''))

    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_interviews_note_not_empty'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_interviews_noted_by_someone'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_interviews_cancelled_by_someone'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_interviews_noted_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_interviews_cancelled_by_id_users'), type_='foreignkey')
        batch_op.drop_column('noted_by_id')
        batch_op.drop_column('noted_at')
        batch_op.drop_column('note')
        batch_op.drop_column('cancelled_by_id')
        batch_op.drop_column('cancelled_at')
