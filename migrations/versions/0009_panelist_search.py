"""Indexes that find interviewers by the beginning of their name or email, for the panel picker.

Not modelled (extensions.UNMODELLED names them): PostgreSQL's are on lower(name) and on email
with text_pattern_ops, which serve a range holding exactly the texts with a prefix whatever
the collation; SQLite's is on the name compared without case (NOCASE, which folds ASCII
letters as its lower() does), and uq_users_email serves the emails.

Revision ID: 0009_panelist_search
Revises: 0009_overdue_by_time
Create Date: 2026-12-01 17:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_panelist_search'
down_revision = '0009_overdue_by_time'
branch_labels = None
depends_on = None

POSTGRES = ["CREATE INDEX ix_users_name_prefix ON users (lower(name) text_pattern_ops)",
            "CREATE INDEX ix_users_email_prefix ON users (email text_pattern_ops)"]
SQLITE = ["CREATE INDEX ix_users_name_prefix ON users (name COLLATE NOCASE)"]


def upgrade():
    for statement in SQLITE if op.get_bind().dialect.name == 'sqlite' else POSTGRES:
        op.execute(statement)


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_users_name_prefix")
    op.execute("DROP INDEX IF EXISTS ix_users_email_prefix")
