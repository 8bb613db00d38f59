"""Score differences between groups, per competency and per interviewer: d, intervals, flags."""

import csv
import io

import numpy as np
import pytest

from scorecards.analytics.summaries import refresh
from scorecards.core.fairness import standardised_difference
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.fairness.differences import score_differences
from scorecards.models import SelfIdentification
from scorecards.privacy.services import erase_candidate
from tests.api.conftest import api_as

PAGE = "/fairness/scores?scope=opening:test-opening&question=sex"


@pytest.fixture
def scored(make_user, make_application, make_interview, submit):
    """Ivy scores 25 men and 25 women at coding, the women lower on "code"; Jon 6 and 6 alike.

    Returns the scores each group got on "code", per application, and the applications.
    """
    ivy = make_user(name="Ivy Lenient-Harsh")
    jon = make_user(name="Jon Even")
    code: dict[str, list[float]] = {"male": [], "female": []}
    made = {"male": [], "female": []}

    def add(answer: str, interviewer, n: int, scores_of):
        for k in range(n):
            application = make_application()
            db.session.add(SelfIdentification(candidate_id=application.candidate_id,
                                              item="sex", answer=answer, source="import"))
            interview = make_interview(application, panel=[interviewer])
            scores = scores_of(k)
            submit(interview.scorecards[0], scores)
            code[answer].append(scores["code"])
            made[answer].append(application)

    add("male", ivy, 25, lambda k: {"understanding": 3, "approach": 2 + k % 2,
                                    "code": 3 + k % 2, "testing": 3})
    add("female", ivy, 25, lambda k: {"understanding": 3, "approach": 2 + k % 2,
                                      "code": 2 + (k % 3 == 0), "testing": 3})
    for answer in ("male", "female"):
        add(answer, jon, 6, lambda k: {"understanding": 2 + k % 2, "approach": 3, "code": 3,
                                       "testing": 3})
    db.session.commit()
    refresh(["fairness"])
    return code, made


def report_of(reviewer, item="sex"):
    return score_differences(reviewer, opening="test-opening", item=item, first="2000-01",
                             last="2999-12")


def test_d_per_competency_is_the_difference_of_application_means(scored, make_user):
    code, _ = scored
    report = report_of(make_user(Role.FAIRNESS))
    assert report.reference in ("male", "female")  # the two are the same size: first in order
    assert report.reference == "female"
    rows = {row.subject: row for row in report.competencies}
    assert set(rows) == {"understanding", "approach", "code", "testing"}
    men = next(c for c in rows["code"].groups if c.group == "male")
    women, men_scores = np.array(code["female"]), np.array(code["male"])
    expected = standardised_difference(men_scores.mean(), men_scores.std(ddof=1),
                                       len(men_scores), women.mean(), women.std(ddof=1),
                                       len(women))
    assert men.scores.n == 31
    assert men.difference.d == pytest.approx(expected.d)
    assert (men.difference.low, men.difference.high) == pytest.approx(
        (expected.low, expected.high))
    assert men.flagged  # men scored higher than women, beyond chance, 31 scores each
    testing = next(c for c in rows["testing"].groups if c.group == "male")
    assert testing.difference is None  # every score 3: nothing to compare
    approach = next(c for c in rows["approach"].groups if c.group == "male")
    assert not approach.flagged


def test_an_interviewer_is_flagged_only_with_enough_scorecards(scored, make_user):
    report = report_of(make_user(Role.FAIRNESS))
    by_name = {row.title: row for row in report.interviewers}
    assert set(by_name) == {"Ivy Lenient-Harsh", "Jon Even"}
    ivy = next(c for c in by_name["Ivy Lenient-Harsh"].groups if c.group == "male")
    assert ivy.flagged
    assert ivy.scores.n == 25
    jon = next(c for c in by_name["Jon Even"].groups if c.group == "male")
    assert jon.scores.n == 6
    assert not jon.flagged
    assert report.interviewers[0].title == "Ivy Lenient-Harsh"  # the flagged come first


def test_small_groups_show_no_figures_anywhere(scored, make_user, sign_in, client):
    _, made = scored
    for application in made["female"][:3]:  # three Asian women, the rest white
        db.session.add(SelfIdentification(candidate_id=application.candidate_id,
                                          item="race_ethnicity", answer="asian",
                                          source="import"))
    for application in made["female"][3:] + made["male"]:
        db.session.add(SelfIdentification(candidate_id=application.candidate_id,
                                          item="race_ethnicity", answer="white",
                                          source="import"))
    db.session.commit()
    refresh(["fairness"])
    reviewer = make_user(Role.FAIRNESS)
    report = report_of(reviewer, "race_ethnicity")
    assert report.reference == "white"
    for row in report.competencies:
        asian = next(c for c in row.groups if c.group == "asian")
        assert asian.withheld
        assert asian.difference is None
    page = sign_in(reviewer)
    text = page.get(PAGE.replace("question=sex", "question=race_ethnicity")).text
    assert "Withheld: fewer than 5 scores" in text
    found = list(csv.DictReader(io.StringIO(page.get(
        PAGE.replace("/fairness/scores", "/fairness/scores.csv")
        .replace("question=sex", "question=race_ethnicity")).text)))
    assert found
    for row in found:
        assert row["n"] == "" or int(row["n"]) >= 5, row
    answer = api_as(client, reviewer).get(
        "/api/v1/fairness/score-differences?opening=test-opening&question=race_ethnicity"
        "&from=2000-01&to=2999-12")
    assert answer.status_code == 200, answer.text
    assert answer.json["reference"] == "white"
    for row in answer.json["differences"]:
        assert row["n"] is None or row["n"] >= 5
        if row["group"] == "asian":
            assert row["mean"] is None
            assert row["d"] is None


def test_the_page_and_the_api_tell_the_same_story(scored, make_user, sign_in, client):
    reviewer = make_user(Role.FAIRNESS)
    page = sign_in(reviewer).get(PAGE)
    assert page.status_code == 200
    assert "Compared with <strong>Female</strong>" in page.text
    assert "Ivy Lenient-Harsh" in page.text
    assert "Jon Even" not in page.text  # not flagged: counted, listed in the CSV only
    assert "<strong>differs</strong>" in page.text
    answer = api_as(client, reviewer).get(
        "/api/v1/fairness/score-differences?opening=test-opening&question=sex"
        "&from=2000-01&to=2999-12")
    rows = answer.json["differences"]
    code = next(r for r in rows if r["competency"] == "code" and r["group"] == "male")
    assert code["flagged"] is True
    assert code["n"] == 31
    assert code["d"] > 0
    jon = next(r for r in rows if r["interviewer"] == "Jon Even")
    assert jon["flagged"] is False
    for role in (Role.HR, Role.COMMITTEE, Role.INTERVIEWER):
        assert api_as(client, make_user(role)).get(
            "/api/v1/fairness/score-differences?opening=test-opening&from=2000-01"
            "&to=2999-12").status_code == 404


def test_erasing_candidates_leaves_the_differences_as_they_were(scored, make_user):
    _, made = scored
    reviewer = make_user(Role.FAIRNESS)

    def figures():
        report = report_of(reviewer)
        return [(row.subject, c.group, c.scores.n, round(c.scores.mean, 9))
                for row in report.competencies + report.interviewers for c in row.groups]

    before = figures()
    hr = make_user(Role.HR)
    for application in made["female"][:4] + made["male"][-2:]:
        erase_candidate(hr, application.candidate_id)
    assert figures() == before
    refresh(["fairness"])
    assert figures() == before


def test_a_period_without_answers_says_so(make_user, make_application, sign_in):
    make_application()
    refresh(["fairness"])
    page = sign_in(make_user(Role.ADMIN)).get(PAGE).text
    assert "Too little data to compare groups" in page


def test_a_loop_adds_up_the_same_figures_as_its_openings(scored, make_user):
    reviewer = make_user(Role.FAIRNESS)

    def figures(**scope):
        report = score_differences(reviewer, item="sex", first="2000-01", last="2999-12",
                                   **scope)
        return [(row.stage, row.subject, c.group, c.scores.n, round(c.scores.total, 9))
                for row in report.competencies + report.interviewers for c in row.groups]

    assert figures(loop="test-loop") == figures(opening="test-opening")
    assert figures(loop="test-loop")
