"""The validity report: r, its interval and Thorndike's correction agree with the references."""

import csv
import io
from datetime import UTC, datetime

import numpy as np
import pytest
import sqlalchemy as sa
from scipy.stats import pearsonr

from scorecards.analytics.measurement import WINDOW
from scorecards.committee.services import candidate_summary
from scorecards.core.errors import NotVisible
from scorecards.core.fairness import corrected_for_range_restriction, correlation_interval
from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.fairness.counts import shift_month
from scorecards.fairness.validity import MIN_PAIRS, validity_report
from scorecards.hr.services.outcomes import record_outcome
from scorecards.models import ApplicationOutcome, Decision, RaterEffect

START, END = "2000-01", "2099-12"
# Coding scores (three competencies) and outcomes of twelve hires: 6 and 12-month ratings
# and still employed.
HIRES = [((4, 4, 4), 5, 5, True), ((4, 3, 4), 4, 5, True), ((3, 3, 4), 4, 3, True),
         ((3, 3, 3), 3, 4, True), ((3, 2, 3), 4, 3, False), ((2, 3, 3), 3, 3, True),
         ((2, 2, 3), 2, 3, False), ((2, 2, 2), 3, 2, True), ((1, 2, 2), 2, 1, False),
         ((4, 2, 3), 3, None, None), ((1, 1, 2), 1, 2, False), ((3, 4, 4), 4, 4, True)]
# Applicants not hired, spreading wider than the hires.
OTHERS = [(1, 1, 1), (1, 1, 1), (4, 4, 4), (1, 2, 1), (2, 1, 1)]


@pytest.fixture
def loop_scored(make_user, make_application, make_interview, submit):
    """Return the hired applications with their outcomes, and the scored ones not hired."""
    hr, committee = make_user(Role.HR), make_user(Role.COMMITTEE)
    interviewers = [make_user() for _ in range(3)]
    hired = []
    for n, (scores, six, twelve, employed) in enumerate(HIRES):
        application = make_application()
        interview = make_interview(application, panel=[interviewers[n % 3]])
        submit(interview.scorecards[0], dict(zip(("understanding", "approach", "code"),
                                                 scores, strict=True)))
        application.decisions.append(Decision(
            recommended_outcome="hire", explanation={}, final_outcome="hire",
            rationale="As the panel advised.", decided_by=committee))
        application.status = ApplicationStatus.DECIDED
        db.session.commit()
        record_outcome(hr, application.id, rating_6_months=six, rating_12_months=twelve,
                       employed_12_months=employed)
        hired.append(application)
    for scores in OTHERS:
        interview = make_interview(make_application(), panel=[interviewers[0]])
        submit(interview.scorecards[0], dict(zip(("understanding", "approach", "code"),
                                                 scores, strict=True)), "no_hire")
    return hired, interviewers


def overall(application_ids) -> list[float]:
    found = dict(db.session.execute(sa.select(ApplicationOutcome.application_id,
                                              ApplicationOutcome.scores)).all())
    return [found[i]["overall"] for i in application_ids]


def row(report, outcome, predictor="overall", kind="raw"):
    return next(r for r in report.rows if (r.outcome, r.predictor, r.kind) ==
                (outcome, predictor, kind))


def test_r_is_pearsons_and_the_interval_and_correction_are_the_core_functions(
        loop_scored, make_user):
    hired, _ = loop_scored
    report = validity_report(make_user(Role.FAIRNESS), loop="test-loop", first=START, last=END)
    with_twelve = [(a.id, twelve) for a, (_, _, twelve, _) in zip(hired, HIRES, strict=True)
                   if twelve is not None]
    x = overall([i for i, _ in with_twelve])
    y = [twelve for _, twelve in with_twelve]
    found = row(report, "rating_12_months")
    assert found.n == len(y) == 11
    assert found.correlation.r == pytest.approx(pearsonr(x, y).statistic, abs=1e-12)
    reference = correlation_interval(found.correlation.r, found.n)
    assert (found.correlation.low, found.correlation.high) == pytest.approx(
        (reference.low, reference.high))
    pool = overall([i for i, in db.session.execute(sa.select(ApplicationOutcome.application_id))])
    assert found.pool_sd == pytest.approx(np.std(pool, ddof=1))
    assert found.hired_sd == pytest.approx(np.std(x, ddof=1))
    assert found.pool_sd > found.hired_sd
    assert found.corrected == pytest.approx(corrected_for_range_restriction(
        found.correlation.r, np.std(x, ddof=1), np.std(pool, ddof=1)))
    assert abs(found.corrected) > abs(found.correlation.r)


def test_still_employed_is_the_point_biserial_correlation(loop_scored, make_user):
    hired, _ = loop_scored
    report = validity_report(make_user(Role.ADMIN), loop="test-loop", first=START, last=END)
    pairs = [(a.id, int(employed)) for a, (*_, employed) in zip(hired, HIRES, strict=True)
             if employed is not None]
    found = row(report, "employed_12_months", "score_coding")
    assert found.n == len(pairs)
    assert found.correlation.r == pytest.approx(pearsonr(
        overall([i for i, _ in pairs]), [e for _, e in pairs]).statistic)


def test_calibrated_scores_are_the_committee_summarys(loop_scored, make_user):
    hired, interviewers = loop_scored
    for n, who in enumerate(interviewers):
        db.session.add(RaterEffect(
            rubric_key="test-coding", interviewer_id=who.id, span=WINDOW,
            period_start=datetime(2000, 1, 1, tzinfo=UTC),
            period_end=datetime(2100, 1, 1, tzinfo=UTC), effect=0.5 * (n - 1), error=0.1,
            scorecards=10, computed_at=datetime.now(UTC)))
    db.session.commit()
    report = validity_report(make_user(Role.ADMIN), loop="test-loop", first=START, last=END)
    calibrated = [round(candidate_summary(None, a.id).summary.calibrated.overall, 2)
                  for a in hired]
    six = [h[1] for h in HIRES]
    found = row(report, "rating_6_months", kind="calibrated")
    assert found.correlation.r == pytest.approx(pearsonr(calibrated, six).statistic)
    assert found.correlation.r != pytest.approx(row(report, "rating_6_months").correlation.r)
    assert found.pool_sd is None
    assert found.corrected is None


def test_below_the_minimum_n_the_page_says_not_enough_data(loop_scored, make_user, sign_in):
    hired, _ = loop_scored
    db.session.execute(sa.delete(Decision).where(Decision.application_id.in_(
        [a.id for a in hired[MIN_PAIRS - 1:]])))
    db.session.commit()
    report = validity_report(make_user(Role.FAIRNESS), loop="test-loop", first=START, last=END)
    assert row(report, "rating_6_months").n == MIN_PAIRS - 1
    assert all(r.correlation is None and r.corrected is None for r in report.rows)
    client = sign_in(make_user(Role.FAIRNESS))
    page = client.get("/fairness/validity?loop=test-loop&from=2000-01-01")
    assert page.status_code == 200
    assert "Not enough data" in page.text
    assert "A small n proves nothing" in page.text
    assert "95% interval" in page.text
    assert "<td class=\"num\">0." not in page.text
    lines = list(csv.DictReader(io.StringIO(client.get(
        "/fairness/validity.csv?loop=test-loop&from=2000-01-01").text)))
    assert lines
    assert all(line["r"] == "" for line in lines)


def test_the_page_and_csv_show_r_with_its_interval(loop_scored, make_user, sign_in):
    client = sign_in(make_user(Role.ADMIN))
    page = client.get("/fairness/validity?loop=test-loop&from=2000-01-01").text
    # Nobody was interviewed at the design stage: its raw and calibrated rows for each of
    # the three outcomes have no data; every other row shows r.
    assert page.count("Not enough data") == 6
    assert page.index("A small n proves nothing") < page.index("Overall score")
    lines = list(csv.DictReader(io.StringIO(client.get(
        "/fairness/validity.csv?loop=test-loop&from=2000-01-01").text)))
    assert {line["kind"] for line in lines} == {"raw", "calibrated"}
    assert all(line["r"] for line in lines if line["predictor"] == "overall")


def test_only_hires_of_the_period_count(loop_scored, make_user):
    last_month = shift_month(datetime.now(UTC).strftime("%Y-%m"), -2)
    report = validity_report(make_user(Role.ADMIN), loop="test-loop", first=START,
                             last=last_month)
    assert report.hires == 0
    assert all(r.n == 0 for r in report.rows)


def test_an_unknown_loop_is_refused_by_name(app, make_user, sign_in):
    page = sign_in(make_user(Role.FAIRNESS)).get("/fairness/validity?loop=nope")
    assert page.status_code == 400
    assert "No loop &#39;nope&#39;" in page.text


@pytest.mark.parametrize("role", [Role.HR, Role.COMMITTEE, Role.INTERVIEWER])
def test_only_the_fairness_role_and_admins_read_the_report(app, make_user, role):
    with pytest.raises(NotVisible):
        validity_report(make_user(role), loop="test-loop", first=START, last=END)
