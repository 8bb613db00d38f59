"""Summary tables: kept current as changes are saved, equal to counting the records afresh."""

import threading
from collections import Counter
from datetime import UTC, datetime

import sqlalchemy as sa

from scorecards.analytics import summaries
from scorecards.core.vocabulary import ApplicationStatus, JobStatus, Role, ScorecardStatus, Source
from scorecards.extensions import db
from scorecards.hr.services import reports
from scorecards.hr.services.candidates import add_application, close_application
from scorecards.hr.services.openings import opening_rows, pipeline
from scorecards.hr.services.scheduling import schedule_interview
from scorecards.models import (
    AgreementFit,
    ApplicationCount,
    ApplicationOutcome,
    InterviewerHabits,
    Job,
    Opening,
    PanelSpread,
    RaterEffect,
    Rating,
    Scorecard,
    StageFigures,
)
from scorecards.privacy.services import erase_candidate

KEPT = {"counts": ApplicationCount, "stages": StageFigures, "outcomes": ApplicationOutcome}
SUMMARY_TABLES = (ApplicationCount, StageFigures, ApplicationOutcome, AgreementFit, RaterEffect,
                  InterviewerHabits, PanelSpread)
COMPETENCIES = ("understanding", "approach", "code", "testing")
SECRET = "Ada Lovelace"


def rows(model) -> list[tuple]:
    """Return a summary table's rows without their times, in key order, floats rounded."""
    columns = [c for c in model.__table__.columns if c.name != "computed_at"]
    return sorted(tuple(round(v, 9) if isinstance(v, float) else v for v in row)
                  for row in db.session.execute(sa.select(*columns)))


def test_kept_summaries_equal_a_rebuild_from_the_records(year):
    kept = {name: rows(model) for name, model in KEPT.items()}
    assert all(kept.values())
    summaries.refresh(KEPT)
    assert {name: rows(model) for name, model in KEPT.items()} == kept


def direct_funnel(opening: Opening) -> dict[tuple[str, bool], tuple[int, int, int]]:
    """Count the opening's funnel from its records in Python, the reference for the summary."""
    funnel: Counter = Counter()
    for application in opening.applications:
        live = {}
        for interview in application.interviews:
            if interview.cancelled_at is None:
                live.setdefault(interview.stage_key, []).extend(
                    s for s in interview.scorecards if s.status == ScorecardStatus.SUBMITTED)
        for stage, submitted in live.items():
            hires = sum(s.recommendation in ("hire", "strong_hire") for s in submitted)
            key = (stage, application.source == Source.REFERRAL)
            funnel[key + ("reached",)] += 1
            funnel[key + ("passed",)] += hires * 2 > len(submitted)
            funnel[key + ("awaiting",)] += not submitted
    return {key[:2]: (funnel[key[:2] + ("reached",)], funnel[key[:2] + ("passed",)],
                      funnel[key[:2] + ("awaiting",)]) for key in funnel}


def test_the_report_and_the_home_counts_equal_counting_the_records(year):
    report = reports.opening_report(year, None)
    found = {}
    for stage in report.stages:
        for referral, figures in ((True, stage.referral), (False, stage.other)):
            if figures.reached:
                found[(stage.key, referral)] = (figures.reached, figures.passed, figures.awaiting)
    assert found == direct_funnel(year)
    statuses = Counter(a.status for a in year.applications)
    (row,) = [r for r in opening_rows().rows if r.opening.id == year.id]
    assert {s: n for s, n in row.by_status.items() if n} == statuses
    assert row.total == report.applications == len(year.applications)
    assert report.referrals == sum(a.source == Source.REFERRAL for a in year.applications)
    assert pipeline(year).by_status == row.by_status


def test_a_status_move_shows_on_the_home_page_counts_at_once(make_user, make_application):
    hr = make_user(Role.HR)
    application = make_application()
    (row,) = opening_rows().rows
    assert row.by_status[ApplicationStatus.APPLIED] == 1
    close_application(hr, application, ApplicationStatus.WITHDRAWN, "Took another offer.")
    (row,) = opening_rows().rows
    assert row.by_status[ApplicationStatus.APPLIED] == 0
    assert row.by_status[ApplicationStatus.WITHDRAWN] == 1
    assert row.total == 1


def test_the_cli_refreshes_the_summaries_it_is_asked_for(year, runner):
    db.session.execute(sa.delete(StageFigures))
    db.session.commit()
    result = runner.invoke(args=["aggregates", "refresh", "--only", "stages", "--only",
                                 "measurement"])
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.output.splitlines()] == ["stages",
                                                                            "measurement"]
    assert rows(StageFigures)
    # Both rubrics: the stage score and each competency scored in the window.
    assert {key for key, _ in db.session.execute(
        sa.select(AgreementFit.rubric_key, AgreementFit.competency_key)
        .where(AgreementFit.competency_key == ""))} == {"test-coding", "test-design"}


def test_the_cli_refuses_an_unknown_summary(runner):
    result = runner.invoke(args=["aggregates", "refresh", "--only", "everything"])
    assert result.exit_code == 2
    assert "everything" in result.output


def test_the_refresh_job_leaves_a_file_that_says_what_it_did(year, make_user, sign_in):
    hr = make_user(Role.HR)
    sign_in(hr).post("/analytics/agreement/refresh")
    job = db.session.scalar(sa.select(Job).where(Job.kind == "aggregates"))
    assert (job.status, job.requested_by_id, job.filename) == \
        (JobStatus.DONE, hr.id, "aggregates-refresh.csv")


def test_summary_tables_hold_no_personal_data(year, make_user, sign_in):
    hr = make_user(Role.HR)
    sign_in(hr).post("/analytics/agreement/refresh")
    waiting = Job(kind="aggregates", title="Measurement fit", requested_by=hr,
                  params={"summaries": ["measurement"]})
    db.session.add(waiting)
    db.session.commit()
    added = add_application(hr, year, SECRET, Source.REFERRAL, email="ada@example.org",
                            referrer="Charles Babbage").application
    schedule_interview(hr, added, "coding", datetime.now(UTC), [make_user(), make_user()])
    summaries.refresh()
    text_columns = {(c.table.name, c.name) for model in SUMMARY_TABLES
                    for c in model.__table__.columns if isinstance(c.type, sa.String)}
    # Keys from the rubric and loop files and the enumerations, nothing typed about a person.
    assert text_columns == {("application_counts", "status"), ("application_counts", "source"),
                            ("stage_figures", "stage_key"), ("agreement_fits", "rubric_key"),
                            ("agreement_fits", "competency_key"), ("rater_effects", "rubric_key"),
                            ("rater_effects", "span"), ("interviewer_habits", "rubric_key"),
                            ("application_outcomes", "outcome"), ("panel_spreads", "rubric_key")}
    erase_candidate(None, added.candidate_id)
    stored = "\n".join(str(row) for model in SUMMARY_TABLES
                       for row in db.session.execute(sa.select(model.__table__)))
    for trace in (SECRET, "ada@example.org", "Babbage"):
        assert trace not in stored
    # Erasure leaves the refreshes alone: they hold scores, which it keeps, and nobody.
    assert sorted(db.session.scalars(sa.select(Job.status).where(Job.kind == "aggregates"))) \
        == [JobStatus.DONE, JobStatus.QUEUED]
    assert (added.id, "coding") in {(r[0], r[1]) for r in rows(StageFigures)}


def submitted_elsewhere(app, scorecard_id: int, scores: dict[str, int]) -> threading.Thread:
    """Start submitting a scorecard in a thread of its own (another session, as a request)."""

    def work():
        with app.app_context():
            try:
                scorecard = db.session.get(Scorecard, scorecard_id)
                mark_submitted(scorecard, scores)
                db.session.commit()
            finally:
                db.session.remove()

    thread = threading.Thread(target=work)
    thread.start()
    return thread


def mark_submitted(scorecard: Scorecard, scores: dict[str, int]) -> None:
    scorecard.ratings += [Rating(competency_key=key, score=score) for key, score in scores.items()]
    scorecard.status, scorecard.recommendation = ScorecardStatus.SUBMITTED, "hire"
    scorecard.submitted_at = datetime.now(UTC)


def test_two_panelists_submitting_at_once_are_both_counted(app, make_user, make_interview):
    interview = make_interview(panel=[make_user(), make_user()])
    first, second = interview.scorecards
    mark_submitted(first, {"understanding": 4, "approach": 4})
    db.session.flush()  # counted, and the application held, until this commits
    other = submitted_elsewhere(app, second.id, {"understanding": 1, "approach": 2})
    other.join(timeout=1)
    assert other.is_alive(), "the second submission did not wait for the first"
    db.session.commit()
    other.join(timeout=30)
    assert not other.is_alive()
    db.session.expire_all()
    kept = {name: rows(model) for name, model in KEPT.items()}
    assert [r[4:] for r in kept["stages"]] == [(2, 2, 2)]
    summaries.refresh(KEPT)
    assert {name: rows(model) for name, model in KEPT.items()} == kept


def test_a_draft_autosave_moves_no_summary(make_user, make_interview, submit):
    interview = make_interview(panel=[make_user(), make_user()])
    submit(interview.scorecards[0], {"understanding": 3})
    draft = interview.scorecards[1]
    draft.status = ScorecardStatus.DRAFT
    draft.ratings.append(Rating(competency_key="understanding", score=2, evidence="Began."))
    db.session.commit()
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        draft.takeaways = "Explains the trade-offs well."
        draft.ratings[0].evidence = "Began with the brute force, then improved it."
        draft.ratings[0].score = 3
        db.session.commit()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert statements
    assert not [s for s in statements if "stage_figures" in s or "application_outcomes" in s]
