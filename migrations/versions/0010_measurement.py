"""The measurement models' results: agreement fits, rater effects and interviewer habits.

They replace the co-panelist calibration shares (recomputed on every save) and the panel
agreement of the most common panel size: both are now fitted by a job on a window of
scorecards (scorecards/analytics/measurement.py), which fills these tables when it runs.

Revision ID: 0010_measurement
Revises: 0009_panelist_search
Create Date: 2026-12-01 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_measurement'
down_revision = '0009_panelist_search'
branch_labels = None
depends_on = None

# What 0008 filled calibration_shares with, for a step back down.
CALIBRATION_SHARES = """
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
    GROUP BY interview_id, interviewer_id"""


def upgrade():
    op.drop_table('agreement_results')
    with op.batch_alter_table('calibration_shares', schema=None) as batch_op:
        batch_op.drop_index('ix_calibration_shares_interviewer')
    op.drop_table('calibration_shares')

    op.create_table('agreement_fits',
    sa.Column('rubric_key', sa.String(length=64), nullable=False),
    sa.Column('competency_key', sa.String(length=64), nullable=False),
    sa.Column('candidates', sa.Integer(), nullable=False),
    sa.Column('paired', sa.Integer(), nullable=False),
    sa.Column('raters', sa.Integer(), nullable=False),
    sa.Column('ratings', sa.Integer(), nullable=False),
    sa.Column('panel_size', sa.Float(), nullable=True),
    sa.Column('candidate_variance', sa.Float(), nullable=True),
    sa.Column('rater_variance', sa.Float(), nullable=True),
    sa.Column('residual_variance', sa.Float(), nullable=True),
    sa.Column('one_rater', sa.Float(), nullable=True),
    sa.Column('one_rater_low', sa.Float(), nullable=True),
    sa.Column('one_rater_high', sa.Float(), nullable=True),
    sa.Column('panel', sa.Float(), nullable=True),
    sa.Column('panel_low', sa.Float(), nullable=True),
    sa.Column('panel_high', sa.Float(), nullable=True),
    sa.Column('consistency', sa.Float(), nullable=True),
    sa.Column('alpha', sa.Float(), nullable=True),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('rubric_key', 'competency_key', name=op.f('pk_agreement_fits'))
    )
    op.create_table('rater_effects',
    sa.Column('rubric_key', sa.String(length=64), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('span', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('effect', sa.Float(), nullable=False),
    sa.Column('error', sa.Float(), nullable=False),
    sa.Column('scorecards', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_rater_effects_interviewer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rubric_key', 'interviewer_id', 'span', 'period_start', name=op.f('pk_rater_effects'))
    )
    with op.batch_alter_table('rater_effects', schema=None) as batch_op:
        batch_op.create_index('ix_rater_effects_interviewer', ['interviewer_id', 'span'], unique=False)

    op.create_table('interviewer_habits',
    sa.Column('rubric_key', sa.String(length=64), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('scorecards', sa.Integer(), nullable=False),
    sa.Column('flags', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_interviewer_habits_interviewer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rubric_key', 'interviewer_id', name=op.f('pk_interviewer_habits'))
    )
    with op.batch_alter_table('interviewer_habits', schema=None) as batch_op:
        batch_op.create_index('ix_interviewer_habits_interviewer', ['interviewer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('interviewer_habits', schema=None) as batch_op:
        batch_op.drop_index('ix_interviewer_habits_interviewer')
    op.drop_table('interviewer_habits')
    with op.batch_alter_table('rater_effects', schema=None) as batch_op:
        batch_op.drop_index('ix_rater_effects_interviewer')
    op.drop_table('rater_effects')
    op.drop_table('agreement_fits')

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
    op.execute(CALIBRATION_SHARES)
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
