"""The measurement fit: agreement, leniency and habits from a window of scorecards, and pages."""

import io
import random
import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from scorecards.analytics import measurement
from scorecards.catalog.services import latest_rubric_version, rubric_of
from scorecards.committee.services import candidate_summary
from scorecards.core.scale import clamp
from scorecards.core.variance import Ratings, reliability
from scorecards.core.vocabulary import ApplicationStatus, Role, ScorecardStatus
from scorecards.extensions import db
from scorecards.models import AgreementFit, InterviewerHabits, RaterEffect
from tests.api.conftest import api_as as api

COMPETENCIES = ("understanding", "approach", "code", "testing")


@pytest.fixture
def history(make_user, make_application, make_interview, submit):
    """Return (interviewers, lenient one, interviews) of 30 coding panels scored at random.

    Each candidate has a level; each interviewer scores it with some noise, and one of them
    a point higher. A few design panels are too few for any figure.
    """
    rng = random.Random(3)
    people = [make_user(name=f"Interviewer {n}") for n in range(6)]
    lenient = people[0]
    interviews = []
    for _ in range(30):
        application = make_application()
        interview = make_interview(application, stage="coding",
                                   panel=rng.sample(people, rng.choice((2, 3))))
        level = rng.choice((1, 2, 2, 3, 3, 4))
        for scorecard in list(interview.scorecards):
            bump = 1 if scorecard.interviewer_id == lenient.id else 0
            scores = {key: int(clamp(level + bump + rng.choice((-1, 0, 0, 1))))
                      for key in COMPETENCIES}
            submit(scorecard, scores, "hire" if np.mean(list(scores.values())) >= 2.5
                   else "no_hire")
        application.status = ApplicationStatus.COMMITTEE
        interviews.append(interview)
    for _ in range(3):
        interview = make_interview(stage="design", panel=people[1:3])
        for scorecard in list(interview.scorecards):
            submit(scorecard, {"understanding": 3, "approach": 2, "code": 3})
    db.session.commit()
    return people, lenient, interviews


def fitted():
    rows = measurement.refit()
    db.session.commit()
    return rows


def stored_fit(rubric: str, competency: str = "") -> AgreementFit:
    return db.session.get(AgreementFit, (rubric, competency))


def test_agreement_is_the_core_statistics_on_every_submitted_score(history):
    _, _, interviews = history
    fitted()
    rubric = rubric_of(latest_rubric_version("test-coding"))
    weights = {c.key: c.weight for c in rubric.competencies}
    stage, by_competency = [], {key: [] for key in COMPETENCIES}
    for interview in interviews:
        for card in interview.scorecards:
            scores = {r.competency_key: r.score for r in card.ratings}
            total = sum(scores[key] * weights[key] for key in scores)
            stage.append((interview.id, card.interviewer_id,
                          total / sum(weights[key] for key in scores)))
            for key, score in scores.items():
                by_competency[key].append((interview.id, card.interviewer_id, score))
    for competency, triples in [("", stage), *by_competency.items()]:
        expected = reliability(Ratings.of(triples), seed=0)
        found = stored_fit("test-coding", competency)
        assert (found.candidates, found.paired, found.raters, found.ratings) == \
            (30, 30, 6, len(triples))
        assert found.one_rater == pytest.approx(expected.one_rater)
        assert found.panel == pytest.approx(expected.panel)
        assert found.panel_size == pytest.approx(expected.panel_size)
        assert found.one_rater_low == pytest.approx(expected.one_rater_interval.low)
        assert found.panel_high == pytest.approx(expected.panel_interval.high)
        assert found.candidate_variance == pytest.approx(expected.components.candidate)
        assert (found.alpha is None) == (competency == "")
    # Three design panels are too few to say anything, and the fit says so.
    design = stored_fit("test-design")
    assert (design.candidates, design.one_rater, design.panel) == (3, None, None)


def test_the_lenient_interviewer_is_found_and_the_committee_takes_it_out(history, make_user):
    people, lenient, interviews = history
    fitted()
    effects = {row.interviewer_id: row for row in db.session.scalars(
        sa.select(RaterEffect).where(RaterEffect.rubric_key == "test-coding",
                                     RaterEffect.span == measurement.WINDOW))}
    assert set(effects) == {person.id for person in people}
    assert max(effects, key=lambda who: effects[who].effect) == lenient.id
    assert effects[lenient.id].effect - 1.96 * effects[lenient.id].error > 0
    assert all(row.error > 0 for row in effects.values())
    on_panel = next(i for i in interviews if lenient.id in {s.interviewer_id
                                                            for s in i.scorecards})
    found = candidate_summary(None, on_panel.application_id)
    offset = found.offsets[("coding", lenient.id)]
    assert offset.effect == pytest.approx(effects[lenient.id].effect)
    assert found.calibration_fit.window_end > found.calibration_fit.window_start
    calibrated = found.summary.calibrated.stage("coding")
    card = next(s for s in on_panel.scorecards if s.interviewer_id == lenient.id)
    code = next(r.score for r in card.ratings if r.competency_key == "code")
    position = sorted(s.interviewer_id for s in on_panel.scorecards).index(lenient.id)
    competency = next(c for c in calibrated.competencies if c.key == "code")
    assert competency.scores[position] == pytest.approx(clamp(code - offset.effect))


def test_the_window_leaves_older_scorecards_out_and_quarters_show_drift(history):
    _, lenient, interviews = history
    old = interviews[0].scorecards[0]
    old.submitted_at = datetime.now(UTC) - timedelta(days=400)
    db.session.commit()
    fitted()
    found = stored_fit("test-coding")
    assert found.candidates == 30  # its co-panelists still scored that candidate
    assert found.ratings == sum(len(i.scorecards) for i in interviews) - 1
    assert found.window_end - found.window_start == timedelta(days=365)
    quarters = db.session.scalars(sa.select(RaterEffect).where(
        RaterEffect.interviewer_id == lenient.id, RaterEffect.span == measurement.QUARTER)).all()
    # Every scorecard is recent: only the last quarter of the window has any.
    assert [row.period_end for row in quarters] == [found.window_end]


def test_habits_are_stored_per_interviewer_with_norms(history):
    people, lenient, _ = history
    fitted()
    habits = {row.interviewer_id: row for row in db.session.scalars(
        sa.select(InterviewerHabits).where(InterviewerHabits.rubric_key == "test-coding"))}
    assert set(habits) == {person.id for person in people}
    figures = habits[lenient.id].figures
    assert set(figures) == {"middle", "spread", "halo", "contradictions", "on_time",
                            "leniency", "median_delay_hours"}
    assert figures["leniency"]["value"] > 0
    assert figures["leniency"]["norm"] == 0
    assert figures["on_time"]["value"] == 1.0  # submitted two hours after the interview
    assert 1.9 < figures["median_delay_hours"] < 2.2
    assert habits[lenient.id].flags == sum(
        1 for value in figures.values() if isinstance(value, dict) and value["flagged"])


def test_withdrawn_and_draft_scorecards_are_not_measured(history):
    _, _, interviews = history
    fitted()
    before = stored_fit("test-coding").ratings
    card = interviews[0].scorecards[0]
    card.status = ScorecardStatus.WITHDRAWN
    db.session.commit()
    fitted()
    assert stored_fit("test-coding").ratings == before - 1


# Pages --------------------------------------------------------------------------------------

def test_hr_sees_agreement_per_rubric_and_the_competencies_of_one(history, make_user, sign_in):
    client = sign_in(make_user(Role.HR))
    page = client.get("/analytics/agreement").text
    assert "have not been fitted yet" in page
    assert client.post("/analytics/agreement/refresh").status_code == 303
    page = client.get("/analytics/agreement").text
    fit = stored_fit("test-coding")
    row = page[page.index('<tr id="rubric-test-coding">'):]
    row = row[:row.index("</tr>")]
    assert f"{fit.one_rater:.2f}" in row
    assert f"({fit.one_rater_low:.2f} to {fit.one_rater_high:.2f})" in row
    assert "30 (30)" in row
    assert "Not enough data" in page[page.index('<tr id="rubric-test-design">'):]
    rubric = client.get("/analytics/rubrics/test-coding").text
    for key in COMPETENCIES:
        fit = stored_fit("test-coding", key)
        cells = rubric[rubric.index(f'<tr id="competency-{key}">'):]
        cells = cells[:cells.index("</tr>")]
        assert f"{fit.one_rater:.2f}" in cells
        assert f"{fit.alpha:.2f}" in cells
    assert client.get("/analytics/rubrics/no-such-rubric").status_code == 404


def test_an_interviewer_sees_their_own_report_and_nobody_elses(history, sign_in):
    people, lenient, _ = history
    fitted()
    client = sign_in(lenient)
    page = client.get(f"/analytics/interviewers/{lenient.id}")
    assert page.status_code == 200
    assert "<h1>How you score</h1>" in page.text
    assert re.search(r'id="test-coding-leniency".*?\+\d\.\d\d', page.text, re.S)
    assert "Leniency by quarter" in page.text
    assert client.get(f"/analytics/interviewers/{people[1].id}").status_code == 404
    assert client.get("/analytics/interviewers").status_code == 404
    assert client.get("/analytics/interviewers/999999").status_code == 404


def test_hr_lists_the_interviewers_and_opens_anyones_report(history, make_user, sign_in):
    people, lenient, _ = history
    fitted()
    client = sign_in(make_user(Role.HR))
    listing = client.get("/analytics/interviewers").text
    for person in people:
        assert f"/analytics/interviewers/{person.id}" in listing
    flagged = client.get("/analytics/interviewers?flagged=1").text
    flags = dict(db.session.execute(
        sa.select(InterviewerHabits.interviewer_id, sa.func.sum(InterviewerHabits.flags))
        .group_by(InterviewerHabits.interviewer_id)).all())
    for person in people:
        assert (f"/analytics/interviewers/{person.id}\"" in flagged) == (flags[person.id] > 0)
    report = client.get(f"/analytics/interviewers/{lenient.id}")
    assert report.status_code == 200
    assert "<h1>Interviewer 0</h1>" in report.text
    assert client.get("/analytics/interviewers/999999").status_code == 404
    assert client.get("/analytics/interviewers?after=nonsense").status_code == 400


def test_the_summary_and_the_packet_say_which_model_and_window(history, make_user, sign_in):
    _, lenient, interviews = history
    fitted()
    on_panel = next(i for i in interviews if lenient.id in {s.interviewer_id
                                                            for s in i.scorecards})
    client = sign_in(make_user(Role.COMMITTEE))
    page = client.get(f"/committee/applications/{on_panel.application_id}").text
    assert "crossed model of candidates and interviewers" in page
    assert "points from an average interviewer with this rubric" in page
    pdf = client.get(f"/committee/applications/{on_panel.application_id}/packet.pdf")
    assert pdf.status_code == 200
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(
        io.BytesIO(pdf.data)).pages).split())
    fit = db.session.scalar(sa.select(RaterEffect).where(RaterEffect.span == "window"))
    assert "crossed model of candidates and interviewers" in text
    start = fit.period_start
    assert f"fitted on the scorecards submitted {start.day} {start:%b %Y}" in text
    assert "leniency +" in text  # beside the lenient panelist's name


# API ----------------------------------------------------------------------------------------

def test_the_api_gives_a_rubrics_agreement_with_intervals_window_and_time(
        history, make_user, client):
    fitted()
    hr = api(client, make_user(Role.HR))
    answer = hr.get("/api/v1/analytics/agreement?rubric=test-coding")
    assert answer.status_code == 200, answer.text
    found = answer.json
    fit = stored_fit("test-coding")
    assert found["rubric"] == "test-coding"
    assert found["window_start"].endswith("Z")
    assert found["computed_at"].endswith("Z")
    assert found["minimum_candidates"] == 20
    assert found["stage"]["one_rater"]["value"] == pytest.approx(fit.one_rater)
    assert found["stage"]["one_rater"]["interval"] == pytest.approx(
        {"low": fit.one_rater_low, "high": fit.one_rater_high})
    assert found["stage"]["paired"] == 30
    assert [c["competency"] for c in found["competencies"]] == list(COMPETENCIES)
    one = hr.get("/api/v1/analytics/agreement?rubric=test-coding&competency=code").json
    assert one["stage"] is None
    assert [c["competency"] for c in one["competencies"]] == ["code"]
    assert one["competencies"][0]["alpha"] == pytest.approx(stored_fit("test-coding",
                                                                       "code").alpha)
    assert hr.get("/api/v1/analytics/agreement?rubric=nope").status_code == 404
    assert hr.get("/api/v1/analytics/agreement?rubric=test-coding&competency=nope"
                  ).status_code == 404
    missing = hr.get("/api/v1/analytics/agreement")
    assert missing.status_code == 400
    assert "rubric" in missing.text
    interviewer = api(client, make_user(Role.INTERVIEWER))
    assert interviewer.get("/api/v1/analytics/agreement?rubric=test-coding").status_code == 404


def test_the_api_gives_an_interviewer_their_habits_and_hr_anyones(history, make_user, client):
    people, lenient, _ = history
    fitted()
    as_lenient = api(client, lenient)
    own = as_lenient.get(f"/api/v1/analytics/interviewers/{lenient.id}")
    assert own.status_code == 200, own.text
    (coding,) = [r for r in own.json["rubrics"] if r["rubric"] == "test-coding"]
    stored = db.session.get(InterviewerHabits, ("test-coding", lenient.id)).figures
    assert coding["leniency"] == stored["leniency"]
    assert coding["halo"] == stored["halo"]
    assert len(coding["drift"]) == 1
    assert coding["drift"][0]["error"] > 0
    assert as_lenient.get(f"/api/v1/analytics/interviewers/{people[1].id}").status_code == 404
    hr = api(client, make_user(Role.HR))
    assert hr.get(f"/api/v1/analytics/interviewers/{people[1].id}").status_code == 200
    assert hr.get("/api/v1/analytics/interviewers/999999").status_code == 404
