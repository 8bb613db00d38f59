"""Notifications: the mail outbox, reminders of scorecards, preferences, the scheduler's lease.

Openings name a hiring manager and an HR contact (copied on long-overdue reminders), and an
interview counts the changes of its calendar invitation.

Revision ID: 0016_notifications
Revises: 0015_single_sign_on
Create Date: 2026-12-02 04:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0016_notifications'
down_revision = '0015_single_sign_on'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    # In place, not by batch mode: copying interviews would trip the triggers that read it.
    op.add_column('interviews', sa.Column('calendar_sequence', sa.Integer(), server_default='0',
                                          nullable=False))
    op.create_table('opening_contacts',
    sa.Column('opening_id', sa.Integer(), nullable=False),
    sa.Column('hiring_manager_id', sa.Integer(), nullable=True),
    sa.Column('hr_contact_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['opening_id'], ['openings.id'], name=op.f('fk_opening_contacts_opening_id_openings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hiring_manager_id'], ['users.id'], name=op.f('fk_opening_contacts_hiring_manager_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hr_contact_id'], ['users.id'], name=op.f('fk_opening_contacts_hr_contact_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('opening_id', name=op.f('pk_opening_contacts'))
    )

    op.create_table('notifications',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('cc', JSON, nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('calendar', sa.Text(), nullable=True),
    sa.Column('calendar_method', sa.String(length=10), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('interview_id', sa.Integer(), nullable=True),
    sa.Column('scorecard_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'sent', 'failed')", name=op.f('ck_notifications_status')),
    sa.CheckConstraint("calendar_method IN ('REQUEST', 'CANCEL')", name=op.f('ck_notifications_calendar_method')),
    sa.CheckConstraint('(calendar IS NULL) = (calendar_method IS NULL)', name=op.f('ck_notifications_calendar_has_method')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notifications_recipient_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_notifications_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_notifications_interview_id_interviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'], name=op.f('fk_notifications_scorecard_id_scorecards'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_interview_id'), ['interview_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_scorecard_id'), ['scorecard_id'], unique=False)
        batch_op.create_index('ix_notifications_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('notification_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('panel', sa.Boolean(), nullable=False),
    sa.Column('reminders', sa.Boolean(), nullable=False),
    sa.Column('committee', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preferences'))
    )

    op.create_table('scorecard_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scorecard_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('escalated_to', JSON, nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('number >= 1', name=op.f('ck_scorecard_reminders_number_positive')),
    sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'], name=op.f('fk_scorecard_reminders_scorecard_id_scorecards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_scorecard_reminders_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_reminders')),
    sa.UniqueConstraint('scorecard_id', 'number', name=op.f('uq_scorecard_reminders_scorecard_id_number'))
    )

    op.create_table('scheduler_leases',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=100), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_runs', JSON, nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_leases'))
    )


def downgrade():
    op.drop_table('scheduler_leases')
    op.drop_table('scorecard_reminders')
    op.drop_table('notification_preferences')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_due')
        batch_op.drop_index(batch_op.f('ix_notifications_scorecard_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_interview_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_application_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_recipient_id'))
    op.drop_table('notifications')
    op.drop_table('opening_contacts')
    if op.get_bind().dialect.name == 'sqlite':  # in place, as it was added
        op.execute("ALTER TABLE interviews DROP COLUMN calendar_sequence")
    else:
        op.drop_column('interviews', 'calendar_sequence')
