"""The kept selection counts: whole months, and erasure and retention leave them adding up."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scorecards.analytics.summaries import refresh
from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.fairness import counts
from scorecards.fairness.reports import impact_report, months_asked
from scorecards.fairness.services import retire_answers
from scorecards.models import (
    Application,
    Candidate,
    Opening,
    SelectionCount,
    SelfIdentification,
)
from scorecards.privacy.services import erase_candidate

NOW = datetime.now(UTC)
THIS_MONTH = NOW.strftime("%Y-%m")
# Months around now, so that a test running as a month turns still reads its applications.
BEFORE, AFTER = counts.shift_month(THIS_MONTH, -1), counts.shift_month(THIS_MONTH, 1)


@pytest.fixture
def applicants(make_application, make_interview):
    """Return a function adding applications with an answer to "sex", some interviewed."""
    def add(answer: str | None, n: int, interviewed: int) -> list[Application]:
        made = []
        for number in range(n):
            application = make_application()
            if answer:
                db.session.add(SelfIdentification(candidate_id=application.candidate_id,
                                                  item="sex", answer=answer, source="import"))
            if number < interviewed:
                make_interview(application)
            made.append(application)
        db.session.commit()
        return made

    return add


def screening(actor, first: str = BEFORE, last: str = AFTER) -> dict[str, tuple]:
    report = impact_report(actor, loop="test-loop", item="sex", first=first, last=last)
    step = report.steps[0]
    assert step.key == "screening"
    return {found.group: (found.selection.reached, found.selection.passed)
            for found in step.groups} | {"undisclosed": (step.undisclosed.reached,
                                                         step.undisclosed.passed)}


def test_a_report_reads_the_counts_made_when_they_were_last_made(applicants, make_user):
    reviewer = make_user(Role.FAIRNESS)
    applicants("male", 10, 6)
    assert impact_report(reviewer, opening="test-opening", first=BEFORE,
                         last=AFTER).as_of is None
    refresh(["fairness"])
    assert screening(reviewer)["male"] == (10, 6)
    applicants("male", 5, 5)
    assert screening(reviewer)["male"] == (10, 6)  # as of the last count, which it says
    refresh(["fairness"])
    report = impact_report(reviewer, opening="test-opening", first=BEFORE, last=AFTER)
    assert screening(reviewer)["male"] == (15, 11)
    assert NOW - timedelta(minutes=5) < report.as_of <= datetime.now(UTC)


def test_a_report_covers_whole_months_of_application(applicants, make_user):
    reviewer = make_user(Role.FAIRNESS)
    early, late = applicants("female", 2, 0)
    # The last moment of a month and the first of the next, in UTC whatever the server's zone.
    early.applied_at = datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)
    late.applied_at = datetime(2026, 2, 1, 0, 0, 0, tzinfo=UTC)
    db.session.commit()
    refresh(["fairness"])
    assert db.session.scalars(sa.select(SelectionCount.month).distinct()
                              .order_by(SelectionCount.month)).all() == [
        "2026-01", "2026-02"]
    assert screening(reviewer, "2026-01", "2026-01")["female"] == (1, 0)
    assert screening(reviewer, "2026-01", "2026-02")["female"] == (2, 0)
    assert screening(reviewer, "2026-02", AFTER)["female"] == (1, 0)
    assert screening(reviewer, "2025-01", "2025-12")["female"] == (0, 0)


def test_erasing_candidates_leaves_every_count_as_it_was(applicants, make_user):
    reviewer = make_user(Role.FAIRNESS)
    men = applicants("male", 12, 7)
    women = applicants("female", 9, 3)
    applicants(None, 6, 2)
    refresh(["fairness"])
    before = screening(reviewer)
    assert before == {"male": (12, 7), "female": (9, 3), "undisclosed": (6, 2)}
    hr = make_user(Role.HR)
    for application in (men[0], men[10], women[1], women[8]):
        erase_candidate(hr, application.candidate_id)
    assert screening(reviewer) == before  # at once, the erased counted apart
    refresh(["fairness"])
    assert screening(reviewer) == before  # and after every count made again
    kept = db.session.execute(
        sa.select(SelectionCount.answer, SelectionCount.reached, SelectionCount.passed)
        .where(SelectionCount.kept.is_(True), SelectionCount.step == "screening",
               SelectionCount.item == "sex")
        .order_by(SelectionCount.answer)).all()
    assert [tuple(row) for row in kept] == [("female", 2, 1), ("male", 2, 1)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfIdentification)
                             .where(SelfIdentification.candidate_id.in_(
                                 [men[0].candidate_id, women[1].candidate_id]))) == 0


def test_answers_go_under_their_own_retention_and_their_counts_stay(applicants, make_user):
    reviewer = make_user(Role.FAIRNESS)
    ended = applicants("female", 6, 2)
    going_on = applicants("female", 3, 1)
    for application in ended:
        application.status = ApplicationStatus.REJECTED
        application.closed_at = NOW - timedelta(days=800)
    going_on[0].status = ApplicationStatus.REJECTED
    going_on[0].closed_at = NOW - timedelta(days=10)  # not long enough ago
    db.session.commit()
    refresh(["fairness"])
    before = screening(reviewer)
    assert before["female"] == (9, 3)
    assert retire_answers(NOW, 24) == 6
    remaining = db.session.scalars(sa.select(SelfIdentification.candidate_id)).all()
    assert sorted(remaining) == sorted(a.candidate_id for a in going_on)
    assert screening(reviewer) == before
    refresh(["fairness"])
    assert screening(reviewer) == before
    # A later answer and application of the same person count afresh; the old ones stay kept.
    again = db.session.get(Candidate, ended[0].candidate_id)
    db.session.add(SelfIdentification(candidate_id=again.id, item="sex", answer="female",
                                      source="candidate"))
    elsewhere = Opening(key="test-opening-2", title="Backend Engineer, Elsewhere",
                        loop_version=ended[0].opening.loop_version)
    db.session.add(Application(candidate=again, opening=elsewhere, source=ended[0].source))
    db.session.commit()
    refresh(["fairness"])
    assert screening(reviewer)["female"] == (10, 3)
    assert retire_answers(NOW, 24) == 0  # the new application has not ended


def test_the_retention_command_retires_answers_too(applicants, runner, app):
    application, = applicants("male", 1, 0)
    application.status = ApplicationStatus.WITHDRAWN
    application.closed_at = NOW - timedelta(days=40)
    db.session.commit()
    app.config["SELF_IDENTIFICATION_RETENTION_MONTHS"] = 1
    result = runner.invoke(args=["candidates", "retention"])
    assert result.exit_code == 0, result.output
    assert "Deleted the self-identification answers of 1 candidate(s)" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfIdentification)) == 0
    assert db.session.get(Candidate, application.candidate_id).erased_at is None


def test_a_fairness_user_can_have_the_counts_made_again(applicants, make_user, sign_in):
    applicants("male", 5, 5)
    client = sign_in(make_user(Role.FAIRNESS))
    query = {"scope": "opening:test-opening", "question": "sex", "from": BEFORE,
             "to": AFTER}
    answer = client.post("/fairness/impact/recount", data=query)
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/fairness/impact?")
    assert "scope=opening" in answer.headers["Location"]
    page = client.get(answer.headers["Location"]).text
    assert "counted\n  as of" in page
    assert db.session.scalar(sa.select(sa.func.sum(SelectionCount.reached))
                             .where(SelectionCount.step == "screening",
                                    SelectionCount.item == "sex")) == 5


@pytest.mark.parametrize("role", [Role.HR, Role.COMMITTEE, Role.INTERVIEWER])
def test_only_the_fairness_role_and_admins_make_the_counts_again(role, make_user, sign_in):
    client = sign_in(make_user(role))
    assert client.post("/fairness/impact/recount", data={}).status_code == 404


@pytest.mark.parametrize(("first", "last", "months", "problem"), [
    ("", "", {"first": "2025-12", "last": "2026-11"}, None),
    ("2026-03-15", "2026-04", {"first": "2026-03", "last": "2026-04"}, None),
    ("2026-13", "", None, "from must be a month like 2026-01, not '2026-13'."),
    ("", "soon", None, "to must be a month like 2026-01, not 'soon'."),
    ("2026-05", "2026-04", None, "The period must end in or after the month it starts."),
])
def test_a_period_is_whole_months(first, last, months, problem):
    found, wrong = months_asked(first, last, datetime(2026, 11, 20, tzinfo=UTC))
    assert wrong == problem
    if months:
        assert found == months


@pytest.mark.parametrize(("month", "by", "expected"), [
    ("2026-01", -1, "2025-12"), ("2026-12", 1, "2027-01"), ("2026-11", -11, "2025-12"),
    ("2026-05", 0, "2026-05"), ("2026-05", 24, "2028-05"),
])
def test_months_move_across_years(month, by, expected):
    assert counts.shift_month(month, by) == expected
