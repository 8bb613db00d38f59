"""The interview kit: the rubric to ask from, and notes that save into the draft's evidence."""

from __future__ import annotations

import re

import pytest

from scorecards.core.vocabulary import Role, ScorecardStatus
from scorecards.extensions import db
from scorecards.models import Rating
from tests.interviews.conftest import fresh

JSON = {"Accept": "application/json"}
TEST_CODING = ("understanding", "approach", "code", "testing")


def kit_url(scorecard) -> str:
    return f"/scorecards/{scorecard.id}/kit"


def notes_url(scorecard) -> str:
    return f"/scorecards/{scorecard.id}/notes"


def notes(version: int, **evidence: str) -> dict[str, str]:
    """Return a kit's notes post: the version it started from and the boxes that changed."""
    return {"version": str(version),
            **{f"rating-{key}-evidence": text for key, text in evidence.items()}}


def test_the_kit_lists_every_competency_in_order_with_its_questions_open(panel, sign_in):
    ana, _, mine, _ = panel
    page = sign_in(ana).get(kit_url(mine))
    assert page.status_code == 200
    html = page.text
    titles = re.findall(r'<h2 id="kit-([a-z-]+)-title">', html)
    assert titles == list(TEST_CODING)
    for question in ("What would you ask before writing any code?",
                     "What is the time complexity of your solution?",
                     "How would a teammate review this function?",
                     "Which cases would you test?"):
        assert f"<li>{question}</li>" in html
    assert "<details" not in html  # nothing to unfold during the call
    assert "Whether the candidate clarifies inputs, outputs and edge cases" in html
    assert "Wrote down examples including edge cases" in html  # an anchor, in short
    for key in TEST_CODING:
        assert f'name="rating-{key}-evidence"' in html
    assert 'name="rating-code-score"' not in html  # the kit never rates


def test_the_kit_splits_the_interview_evenly_when_the_rubric_gives_no_time(panel, sign_in, app):
    ana, _, mine, _ = panel
    app.config["INTERVIEW_MINUTES"] = 48
    html = sign_in(ana).get(kit_url(mine)).text
    assert "about 12 minutes per competency" in html
    assert "48 minutes are split evenly over its 4 competencies" in html
    assert html.count('data-minutes="12"') == 4


def test_the_kit_shows_the_notes_already_in_the_draft(panel, sign_in):
    ana, _, mine, _ = panel
    mine.ratings.append(Rating(competency_key="approach", score=3, evidence="Chose a heap."))
    mine.status = ScorecardStatus.DRAFT
    db.session.commit()
    html = sign_in(ana).get(kit_url(mine)).text
    assert re.search(r'id="rating-approach-evidence"[^>]*>Chose a heap\.</textarea>', html)


def test_the_interview_page_links_the_panelist_to_their_kit(panel, sign_in):
    ana, _, mine, _ = panel
    html = sign_in(ana).get(f"/interviews/{mine.interview_id}").text
    assert f'href="/scorecards/{mine.id}/kit">Open the interview kit</a>' in html


def test_the_interview_page_links_to_the_scorecard_not_the_kit_once_submitted(panel, sign_in,
                                                                               submit):
    ana, _, mine, _ = panel
    submit(mine, {"understanding": 3, "approach": 3, "code": 3})
    html = sign_in(ana).get(f"/interviews/{mine.interview_id}").text
    assert "Open the interview kit" not in html
    assert f'href="/scorecards/{mine.id}">' in html
    assert "View your scorecard" in html


def test_overseers_on_the_interview_page_see_no_kit(panel, sign_in, make_user, submit):
    ana, ben, mine, theirs = panel
    submit(mine, {"understanding": 3, "approach": 3, "code": 3})
    submit(theirs, {"understanding": 3, "approach": 3, "code": 3})
    html = sign_in(make_user(Role.HR)).get(f"/interviews/{mine.interview_id}").text
    assert "Open the interview kit" not in html


def test_a_submitted_scorecard_has_no_kit_and_its_author_is_sent_to_the_scorecard(
        panel, sign_in, submit):
    ana, _, mine, _ = panel
    submit(mine, {"understanding": 3, "approach": 3, "code": 3})
    client = sign_in(ana)
    response = client.get(kit_url(mine))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/scorecards/{mine.id}"
    assert "its interview kit is too" in client.get(response.headers["Location"]).text


def test_notes_cannot_be_saved_to_a_submitted_scorecard(panel, sign_in, submit):
    ana, _, mine, _ = panel
    submit(mine, {"understanding": 3, "approach": 3, "code": 3})
    response = sign_in(ana).post(notes_url(mine), data=notes(1, code="Late note"),
                                 headers=JSON)
    assert response.status_code == 409
    assert "submitted elsewhere" in response.json["error"]
    assert {r.competency_key: r.evidence for r in fresh(mine).ratings}["code"] == "seen"


def test_a_withdrawn_draft_has_no_kit(panel, sign_in):
    ana, _, mine, _ = panel
    mine.status = ScorecardStatus.WITHDRAWN
    db.session.commit()
    client = sign_in(ana)
    assert client.get(kit_url(mine)).status_code == 302
    refused = client.post(notes_url(mine), data=notes(1, code="x"), headers=JSON)
    assert refused.status_code == 409
    assert fresh(mine).ratings == []


@pytest.mark.parametrize("who", ["co_panelist", "off_panel", "committee", "hr", "admin"])
def test_nobody_but_the_author_opens_a_kit_or_saves_its_notes(panel, sign_in, make_user, who):
    ana, ben, mine, _ = panel
    user = {"co_panelist": ben, "off_panel": make_user(Role.INTERVIEWER),
            "committee": make_user(Role.COMMITTEE), "hr": make_user(Role.HR),
            "admin": make_user(Role.ADMIN)}[who]
    client = sign_in(user)
    # As the scorecard page answers a draft that is not yours: there is nothing here.
    assert client.get(f"/scorecards/{mine.id}").status_code == 404
    assert client.get(kit_url(mine)).status_code == 404
    refused = client.post(notes_url(mine), data=notes(1, code="Not mine"), headers=JSON)
    assert refused.status_code == 404
    assert fresh(mine).ratings == []


@pytest.mark.parametrize("who", ["co_panelist", "committee"])
def test_a_submitted_scorecard_others_may_read_still_has_no_kit_for_them(panel, sign_in,
                                                                         make_user, submit,
                                                                         who):
    ana, ben, mine, theirs = panel
    submit(mine, {"understanding": 3, "approach": 3, "code": 3})
    submit(theirs, {"understanding": 3, "approach": 3, "code": 3})
    user = ben if who == "co_panelist" else make_user(Role.COMMITTEE)
    client = sign_in(user)
    assert client.get(f"/scorecards/{mine.id}").status_code == 200
    assert client.get(kit_url(mine)).status_code == 404


@pytest.mark.parametrize("path", ["/scorecards/999999/kit", "/scorecards/999999/notes"])
def test_an_unknown_scorecard_has_no_kit(panel, sign_in, path):
    ana, *_ = panel
    client = sign_in(ana)
    response = client.post(path, data=notes(1), headers=JSON) if path.endswith("notes") \
        else client.get(path)
    assert response.status_code == 404


def test_signed_out_the_kit_goes_to_sign_in_and_its_notes_answer_401(panel, client):
    *_, mine, _ = panel
    assert client.get(kit_url(mine)).headers["Location"].startswith("/sign-in?next=")
    response = client.post(notes_url(mine), data=notes(1, code="x"), headers=JSON)
    assert response.status_code == 401
    assert fresh(mine).ratings == []


def test_notes_save_into_the_evidence_of_their_competency_only(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    response = client.post(notes_url(mine), data=notes(1, approach="Compared two sorts."),
                           headers=JSON)
    assert response.status_code == 200
    assert response.json["version"] == 2
    stored = fresh(mine)
    assert stored.status == ScorecardStatus.DRAFT
    assert [(r.competency_key, r.score, r.not_assessed, r.evidence) for r in stored.ratings] \
        == [("approach", None, False, "Compared two sorts.")]


def test_notes_leave_scores_recommendation_and_other_boxes_as_stored(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(f"/scorecards/{mine.id}/draft", headers=JSON, data={
        "version": "1", "rating-code-score": "3", "rating-code-evidence": "Small functions.",
        "rating-testing-score": "na", "rating-testing-evidence": "No time.",
        "recommendation": "hire", "takeaways": "Careful.", "private_note": "Private."})
    saved = client.post(notes_url(mine), headers=JSON, data={
        **notes(2, code="Small functions, clear names."),
        # A kit sends no scores; one sent anyway is not stored.
        "rating-code-score": "1", "recommendation": "strong_no_hire"})
    assert saved.status_code == 200
    stored = fresh(mine)
    assert {r.competency_key: (r.score, r.not_assessed, r.evidence) for r in stored.ratings} \
        == {"code": (3, False, "Small functions, clear names."),
            "testing": (None, True, "No time.")}
    assert (stored.recommendation, stored.takeaways, stored.private_note) \
        == ("hire", "Careful.", "Private.")


def test_notes_the_form_then_shows_as_evidence(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(notes_url(mine), data=notes(1, understanding="Asked about empty input."),
                headers=JSON)
    form = client.get(f"/scorecards/{mine.id}").text
    assert re.search(r'name="rating-understanding-evidence"[^>]*>Asked about empty input\.'
                     r'</textarea>', form)


def test_emptying_a_box_removes_only_that_evidence(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(notes_url(mine), data=notes(1, code="a", approach="b"), headers=JSON)
    client.post(notes_url(mine), data=notes(2, code=""), headers=JSON)
    assert [(r.competency_key, r.evidence) for r in fresh(mine).ratings] == [("approach", "b")]


def test_notes_from_a_stale_version_are_refused_with_the_version_stored(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(f"/scorecards/{mine.id}/draft", headers=JSON,
                data={"version": "1", "rating-code-evidence": "From the scorecard form."})
    refused = client.post(notes_url(mine), data=notes(1, code="From the kit."), headers=JSON)
    assert refused.status_code == 409
    assert refused.json["version"] == 2
    assert "Your notes are still here" in refused.json["error"]
    assert [r.evidence for r in fresh(mine).ratings] == ["From the scorecard form."]
    # The kit then saves over the other copy with the version it was told.
    again = client.post(notes_url(mine), data=notes(2, code="From the kit."), headers=JSON)
    assert again.status_code == 200
    assert [r.evidence for r in fresh(mine).ratings] == ["From the kit."]


def test_notes_too_long_are_refused_and_nothing_is_stored(panel, sign_in):
    ana, _, mine, _ = panel
    refused = sign_in(ana).post(notes_url(mine), data=notes(1, code="x" * 20_001),
                                headers=JSON)
    assert refused.status_code == 400
    assert refused.json["error"] == ("Not saved: Evidence for Code quality is 20,001 characters; "
                                     "the limit is 20,000.")
    assert fresh(mine).ratings == []


def test_notes_without_a_version_are_refused(panel, sign_in):
    ana, _, mine, _ = panel
    refused = sign_in(ana).post(notes_url(mine), data={"rating-code-evidence": "x"},
                                headers=JSON)
    assert refused.status_code == 400
    assert fresh(mine).ratings == []
