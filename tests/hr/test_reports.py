"""The funnel report: reached and passed per stage, pass rates by source, time to decision."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus, Role, ScorecardStatus, Source
from scorecards.extensions import db
from scorecards.hr.services import reports
from scorecards.models import Application, Candidate, Decision

START = datetime(2025, 1, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def funnel(make_user, make_application, make_interview, submit, opening):
    """Build six applications whose figures are worked out by hand in the tests."""
    committee = make_user()
    panel = [make_user() for _ in range(2)]

    def stage(application, key, recommendations, day=0, extra_open=0):
        people = panel[:len(recommendations) + extra_open]
        interview = make_interview(application, stage=key, panel=people,
                                   when=START + timedelta(days=day))
        for scorecard, recommendation in zip(interview.scorecards, recommendations,
                                             strict=False):
            submit(scorecard, {"understanding": 3}, recommendation)

    def decide(application, *days_after_start):
        for days in days_after_start:
            db.session.add(Decision(application=application, recommended_outcome="hire",
                                    explanation={}, final_outcome="hire", rationale="Agreed.",
                                    decided_by=committee,
                                    decided_at=START + timedelta(days=days)))
        application.status = ApplicationStatus.DECIDED
        db.session.commit()

    a = make_application("A", Source.REFERRAL, "Grace")  # coding passed, design tied
    stage(a, "coding", ["hire"])
    stage(a, "design", ["hire", "no_hire"], day=3)
    decide(a, 10)
    b = make_application("B", Source.REFERRAL, "Grace")  # passes both; decided twice
    stage(b, "coding", ["strong_hire"])
    stage(b, "design", ["hire", "strong_hire"], day=1)
    decide(b, 2, 4)
    c = make_application("C", Source.APPLIED)  # fails coding
    stage(c, "coding", ["no_hire"])
    decide(c, 2)
    d = make_application("D", Source.APPLIED)  # passes coding, design awaiting
    stage(d, "coding", ["hire"], extra_open=1)
    stage(d, "design", [], day=2, extra_open=2)
    make_application("E", Source.SOURCED)  # no interview
    f = make_application("F", Source.APPLIED)  # withdrawn with coding awaiting
    stage(f, "coding", [], extra_open=1)
    f.status = ApplicationStatus.WITHDRAWN
    db.session.commit()
    return opening


def figures(f: reports.Figures) -> tuple[int, int, int]:
    return f.reached, f.passed, f.awaiting


def test_the_funnel_counts_who_reached_and_passed_each_stage(funnel):
    report = reports.opening_report(funnel, None)
    assert (report.applications, report.referrals, report.others) == (6, 2, 4)
    coding, design = report.stages
    assert figures(coding.all) == (5, 3, 1)
    assert coding.all.pass_rate == 3 / 4
    assert figures(design.all) == (3, 1, 1)


def test_pass_rates_are_split_between_referrals_and_other_sources(funnel):
    coding, design = reports.opening_report(funnel, None).stages
    assert figures(coding.referral) == (2, 2, 0)
    assert figures(coding.other) == (3, 1, 1)
    assert coding.other.pass_rate == 1 / 2
    assert figures(design.referral) == (2, 1, 0)
    assert design.referral.pass_rate == 1 / 2
    assert figures(design.other) == (1, 0, 1)
    assert design.other.pass_rate is None  # nothing judged yet


def test_time_to_decision_runs_from_first_interview_to_latest_decision(funnel):
    timing = reports.opening_report(funnel, None).time_to_decision
    # Decided: A after 10 days, B after 4 (its latest decision), C after 2.
    assert timing.decided == 3
    assert timing.median_days == 4
    assert timing.p90_days == pytest.approx(8.8)


@pytest.mark.parametrize(("values", "share", "expected"), [
    ([], 0.5, None), ([3.0], 0.9, 3.0), ([1.0, 2.0], 0.5, 1.5), ([1.0, 2.0, 3.0, 10.0], 0.9, 7.9),
])
def test_percentiles_interpolate_between_values(values, share, expected):
    expected = None if expected is None else pytest.approx(expected)
    assert reports.percentile(values, share) == expected


def test_the_report_page_states_the_definition_and_writes_the_numbers(hr, funnel):
    html = hr.get("/hr/openings/test-opening/report").text
    assert "more than half of the stage's submitted scorecards" in html
    assert "recommend hire or strong hire" in html
    assert '<td class="num">3 of 4</td>' in html  # coding, all sources: passed of judged
    assert "4.0 days" in html
    assert "8.8 days" in html
    assert "style=" not in html  # the content security policy blocks inline styles


def test_the_report_downloads_as_csv(hr, funnel):
    response = hr.get("/hr/openings/test-opening/report.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="test-opening-report.csv"' in response.headers["Content-Disposition"]
    lines = response.text.splitlines()
    assert lines[0].startswith("stage_key,stage,reached,passed,awaiting_scorecards,pass_rate")
    assert lines[1:] == ["coding,Coding,5,3,1,0.750,2,2,1.000,3,1,0.500",
                         "design,Design,3,1,1,0.500,2,1,0.500,1,0,"]


@pytest.fixture(params=[Role.HR, Role.ADMIN])
def owing(request, funnel, make_user, make_interview):
    """Return a user of HR or an admin who sits on D's design panel with a draft."""
    viewer = make_user(request.param, Role.INTERVIEWER)
    d = db.session.scalar(sa.select(Application).join(Application.candidate)
                          .where(Candidate.name == "D"))
    (card,) = make_interview(d, stage="design", panel=[viewer],
                             when=START + timedelta(days=2)).scorecards
    card.status = ScorecardStatus.DRAFT
    db.session.commit()
    return viewer


def test_a_viewer_who_owes_a_scorecard_gets_figures_without_that_application(funnel, owing):
    report = reports.opening_report(funnel, owing)
    assert (report.applications, report.referrals, report.left_out) == (5, 2, 1)
    coding, design = report.stages
    assert figures(coding.all) == (4, 2, 1)
    assert figures(design.all) == (2, 1, 0)
    assert reports.opening_report(funnel, None).left_out == 0


def test_the_report_page_and_csv_leave_out_what_the_viewer_owes_and_say_so(funnel, owing,
                                                                           sign_in):
    client = sign_in(owing)
    html = client.get("/hr/openings/test-opening/report").text
    assert "1 application you still owe a scorecard on is left out" in html
    assert '<td class="num">2 of 3</td>' in html  # coding, all sources, without D
    lines = client.get("/hr/openings/test-opening/report.csv").text.splitlines()
    assert lines[1:] == ["coding,Coding,4,2,1,0.667,2,2,1.000,2,0,0.000",
                         "design,Design,2,1,0,0.500,2,1,0.500,0,0,"]


def test_hr_who_owes_nothing_sees_every_application_in_the_report(funnel, owing, hr):
    html = hr.get("/hr/openings/test-opening/report").text
    assert "you still owe" not in html
    assert '<td class="num">3 of 4</td>' in html
    lines = hr.get("/hr/openings/test-opening/report.csv").text.splitlines()
    assert lines[1] == "coding,Coding,5,3,1,0.750,2,2,1.000,3,1,0.500"


def test_the_report_page_runs_the_same_queries_whatever_the_number_of_applications(
        hr, make_application, make_interview, make_user, submit, opening, count_queries):
    ana = make_user()

    def add(n: int) -> None:
        for i in range(n):
            application = make_application(source=Source.REFERRAL if i % 2 else Source.APPLIED,
                                           referrer="Grace" if i % 2 else None)
            submit(make_interview(application, panel=[ana]).scorecards[0], {"code": 3})

    def page() -> None:
        assert hr.get("/hr/openings/test-opening/report").status_code == 200

    add(2)
    page()
    few = count_queries(page)
    add(10)
    assert count_queries(page) == few
