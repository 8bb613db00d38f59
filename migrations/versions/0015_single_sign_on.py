"""Single sign-on: who each user is at the OpenID Connect provider (its issuer and subject).

Revision ID: 0015_single_sign_on
Revises: 0014_user_administration
Create Date: 2026-12-02 03:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_single_sign_on'
down_revision = '0014_user_administration'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sso_issuer', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('sso_subject', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_sso_issuer_sso_subject'),
                                          ['sso_issuer', 'sso_subject'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_sso_issuer_sso_subject'), type_='unique')
        batch_op.drop_column('sso_subject')
        batch_op.drop_column('sso_issuer')
