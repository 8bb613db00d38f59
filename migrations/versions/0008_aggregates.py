"""Summary tables the pages read instead of counting the year per request, filled once here.

Revision ID: 0008_aggregates
Revises: 0007
Create Date: 2026-12-01 13:50:00

Status counts, stage figures and calibration shares are kept current by the app from now
on, so they are counted here once from the records already stored; panel agreement is left
to its job (``flask aggregates refresh``), and its page says until then that it has not
been computed.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_aggregates'
down_revision = '0007'
branch_labels = None
depends_on = None

# The rules as they stand in scorecards/analytics/summaries.py at this revision.
FILL = {
    'application_counts': """
        INSERT INTO application_counts (opening_id, status, source, applications, computed_at)
        SELECT opening_id, status, source, count(*), CURRENT_TIMESTAMP
        FROM applications GROUP BY opening_id, status, source""",
    'stage_figures': """
        INSERT INTO stage_figures (application_id, stage_key, opening_id, referral, scorecards,
                                   submitted, hires, computed_at)
        SELECT i.application_id, i.stage_key, a.opening_id, a.source = 'referral', count(s.id),
               coalesce(sum(CASE WHEN s.status = 'submitted' THEN 1 ELSE 0 END), 0),
               coalesce(sum(CASE WHEN s.status = 'submitted'
                                  AND s.recommendation IN ('hire', 'strong_hire')
                             THEN 1 ELSE 0 END), 0),
               CURRENT_TIMESTAMP
        FROM interviews i JOIN applications a ON a.id = i.application_id
        LEFT JOIN scorecards s ON s.interview_id = i.id AND s.status <> 'withdrawn'
        WHERE i.cancelled_at IS NULL
        GROUP BY i.application_id, i.stage_key, a.opening_id, a.source""",
    'calibration_shares': """
        INSERT INTO calibration_shares (interview_id, interviewer_id, deviation, ratings,
                                        computed_at)
        SELECT interview_id, interviewer_id,
               sum(score - CAST(total - score AS FLOAT) / (raters - 1)), count(*),
               CURRENT_TIMESTAMP
        FROM (SELECT s.interviewer_id, s.interview_id, r.score,
                     sum(r.score) OVER (PARTITION BY s.interview_id, r.competency_key) AS total,
                     count(r.score) OVER (PARTITION BY s.interview_id, r.competency_key)
                         AS raters
              FROM scorecards s JOIN ratings r ON r.scorecard_id = s.id
              WHERE s.status = 'submitted' AND r.score IS NOT NULL) AS scores
        WHERE raters > 1
        GROUP BY interview_id, interviewer_id""",
}


def upgrade():
    op.create_table('application_counts',
    sa.Column('opening_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('applications', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['opening_id'], ['openings.id'], name=op.f('fk_application_counts_opening_id_openings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('opening_id', 'status', 'source', name=op.f('pk_application_counts'))
    )
    op.create_table('stage_figures',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('stage_key', sa.String(length=64), nullable=False),
    sa.Column('opening_id', sa.Integer(), nullable=False),
    sa.Column('referral', sa.Boolean(), nullable=False),
    sa.Column('scorecards', sa.Integer(), nullable=False),
    sa.Column('submitted', sa.Integer(), nullable=False),
    sa.Column('hires', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_stage_figures_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opening_id'], ['openings.id'], name=op.f('fk_stage_figures_opening_id_openings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'stage_key', name=op.f('pk_stage_figures'))
    )
    with op.batch_alter_table('stage_figures', schema=None) as batch_op:
        batch_op.create_index('ix_stage_figures_opening', ['opening_id', 'stage_key', 'referral', 'application_id', 'scorecards', 'submitted', 'hires'], unique=False)

    op.create_table('calibration_shares',
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('deviation', sa.Float(), nullable=False),
    sa.Column('ratings', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_calibration_shares_interview_id_interviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_calibration_shares_interviewer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('interview_id', 'interviewer_id', name=op.f('pk_calibration_shares'))
    )
    with op.batch_alter_table('calibration_shares', schema=None) as batch_op:
        batch_op.create_index('ix_calibration_shares_interviewer', ['interviewer_id', 'deviation', 'ratings'], unique=False)

    op.create_table('agreement_results',
    sa.Column('rubric_key', sa.String(length=64), nullable=False),
    sa.Column('icc2_1', sa.Float(), nullable=True),
    sa.Column('alpha', sa.Float(), nullable=True),
    sa.Column('panels', sa.Integer(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('ratings', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('rubric_key', name=op.f('pk_agreement_results'))
    )
    for fill in FILL.values():
        op.execute(fill)


def downgrade():
    op.drop_table('agreement_results')
    with op.batch_alter_table('calibration_shares', schema=None) as batch_op:
        batch_op.drop_index('ix_calibration_shares_interviewer')

    op.drop_table('calibration_shares')
    with op.batch_alter_table('stage_figures', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_figures_opening')

    op.drop_table('stage_figures')
    op.drop_table('application_counts')
