"""Voluntary self-identification, in a table of its own, and the fairness role that reads it.

Revision ID: 0011_self_identification
Revises: 0010_measurement
Create Date: 2026-12-01 21:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_self_identification'
down_revision = '0010_measurement'
branch_labels = None
depends_on = None

ROLES = "role IN ('interviewer', 'committee', 'hr', 'admin'{})"


def upgrade():
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_roles_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_roles_role'),
                                         ROLES.format(", 'fairness'"))
    op.create_table('self_identifications',
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('candidate', 'import')", name=op.f('ck_self_identifications_source_known')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_self_identifications_candidate_id_candidates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('candidate_id', 'item', name=op.f('pk_self_identifications'))
    )
    op.create_table('self_identification_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_self_identification_links_candidate_id_candidates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_self_identification_links_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_identification_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_self_identification_links_token_hash'))
    )
    with op.batch_alter_table('self_identification_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_identification_links_candidate_id'), ['candidate_id'], unique=False)


def downgrade():
    with op.batch_alter_table('self_identification_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_identification_links_candidate_id'))
    op.drop_table('self_identification_links')
    op.drop_table('self_identifications')
    op.execute("DELETE FROM user_roles WHERE role = 'fairness'")
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_roles_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_roles_role'), ROLES.format(''))
