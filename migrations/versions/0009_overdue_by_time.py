"""Scorecards carry their interview's time, so that the overdue list walks one index.

`scorecards.interview_at` is the interview's `scheduled_at`: filled from it here, taken from
the interview when a scorecard is stored (models._take_the_interview_time), and moved with
the interview by a trigger on `interviews`, whoever moves it (the services, a bulk update, a
hand-made fix). The partial index of owed scorecards is then ordered by that time, which is
the overdue list's order, instead of by interview.

The trigger is not modelled. A later migration that rebuilds `interviews` on SQLite (batch
mode copying the table) drops it and must create it again.

Revision ID: 0009_overdue_by_time
Revises: 0009_application_outcomes
Create Date: 2026-12-01 16:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_overdue_by_time'
down_revision = '0009_application_outcomes'
branch_labels = None
depends_on = None

OWED = sa.text("status IN ('not_started', 'draft')")

SQLITE = ["""CREATE TRIGGER scorecards_follow_interview
             AFTER UPDATE OF scheduled_at ON interviews
             WHEN NEW.scheduled_at IS NOT OLD.scheduled_at BEGIN
                 UPDATE scorecards SET interview_at = NEW.scheduled_at
                 WHERE interview_id = NEW.id;
             END"""]

POSTGRES = [
    """CREATE FUNCTION scorecards_follow_interview() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           UPDATE scorecards SET interview_at = NEW.scheduled_at WHERE interview_id = NEW.id;
           RETURN NULL;
       END
       $$""",
    """CREATE TRIGGER scorecards_follow_interview
       AFTER UPDATE OF scheduled_at ON interviews FOR EACH ROW
       WHEN (OLD.scheduled_at IS DISTINCT FROM NEW.scheduled_at)
       EXECUTE FUNCTION scorecards_follow_interview()""",
]

POSTGRES_DOWN = ["DROP TRIGGER IF EXISTS scorecards_follow_interview ON interviews",
                 "DROP FUNCTION IF EXISTS scorecards_follow_interview()"]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS scorecards_follow_interview"]


# On SQLite the column is added in place, with a default that satisfies NOT NULL until the
# rows are filled: batch mode would copy the table, and dropping the old one with foreign keys
# enforced deletes every rating and revision of it (ON DELETE CASCADE).
SQLITE_COLUMN = ("ALTER TABLE scorecards ADD COLUMN interview_at DATETIME NOT NULL "
                 "DEFAULT '1970-01-01 00:00:00.000000'")
FILL = ("UPDATE scorecards SET interview_at = (SELECT i.scheduled_at FROM interviews AS i "
        "WHERE i.id = scorecards.interview_id)")


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute(SQLITE_COLUMN)
        op.execute(FILL)
    else:
        op.add_column('scorecards', sa.Column('interview_at', sa.DateTime(timezone=True),
                                              nullable=True))
        op.execute(FILL)
        op.alter_column('scorecards', 'interview_at', nullable=False)
    op.drop_index('ix_scorecards_owed', table_name='scorecards')
    op.create_index('ix_scorecards_owed_interview_at', 'scorecards', ['interview_at', 'id'],
                    unique=False, postgresql_include=['interview_id', 'interviewer_id'],
                    postgresql_where=OWED, sqlite_where=OWED)
    for statement in SQLITE if sqlite else POSTGRES:
        op.execute(statement)


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for statement in SQLITE_DOWN if sqlite else POSTGRES_DOWN:
        op.execute(statement)
    op.drop_index('ix_scorecards_owed_interview_at', table_name='scorecards')
    op.create_index('ix_scorecards_owed', 'scorecards', ['interview_id'], unique=False,
                    postgresql_include=['id', 'interviewer_id'],
                    postgresql_where=OWED, sqlite_where=OWED)
    if sqlite:  # in place, for the reason given above
        op.execute("ALTER TABLE scorecards DROP COLUMN interview_at")
    else:
        op.drop_column('scorecards', 'interview_at')
