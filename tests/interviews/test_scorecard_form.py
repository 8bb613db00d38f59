"""The scorecard form: generated from the rubric, drafts that keep every word, one submission."""

import re

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus, ScorecardStatus
from scorecards.extensions import db
from scorecards.models import AuditEvent, ScorecardRevision
from tests.interviews.conftest import COMPLETE, form, fresh


def url(scorecard, suffix=""):
    return f"/scorecards/{scorecard.id}{suffix}"


def revisions(scorecard) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ScorecardRevision)
                             .where(ScorecardRevision.scorecard_id == scorecard.id))


def test_the_form_shows_every_competency_with_its_anchors_probe_and_questions(panel, sign_in):
    ana, _, mine, _ = panel
    html = sign_in(ana).get(url(mine)).text
    assert html.count('<fieldset class="competency') == 4
    assert "<legend>Problem understanding</legend>" in html
    assert "<legend>Testing <span class=\"optional\">(optional)</span></legend>" in html
    assert "Started coding at once and never asked about inputs" in html  # level 1 anchor
    assert "Listed cases systematically, including boundaries" in html  # level 4 anchor
    assert "Whether the candidate clarifies inputs, outputs and edge cases" in html  # probe
    assert "What would you ask before writing any code?" in html  # example question
    assert html.count('value="na"') == 4


def test_every_input_has_a_label(panel, sign_in):
    ana, _, mine, _ = panel
    html = sign_in(ana).get(url(mine)).text
    ids = re.findall(r'<(?:input|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
    assert len(ids) == 4 * 6 + 4 + 2  # 5 radios and evidence per competency, 4 recommendations
    for element_id in ids:
        assert f'<label for="{element_id}">' in html, element_id


def test_a_draft_accepts_partial_input_and_keeps_it(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    response = client.post(url(mine), data=form(1, recommendation=None,
                                                code=(None, "Half-written thought")))
    assert response.status_code == 302
    assert response.headers["Location"] == url(mine)
    stored = fresh(mine)
    assert stored.status == ScorecardStatus.DRAFT
    assert stored.version == 2
    assert [(r.competency_key, r.score, r.evidence) for r in stored.ratings] == \
        [("code", None, "Half-written thought")]
    html = client.get(url(mine)).text
    assert "Half-written thought" in html
    assert 'name="version" value="2"' in html


def test_a_save_from_a_stale_copy_is_refused_and_hands_the_text_back(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine), data=form(1, code=(2, "Saved from the laptop")))
    response = client.post(url(mine), data=form(1, code=(3, "Typed on the phone")))
    assert response.status_code == 409
    assert "from another tab or device" in response.text
    assert "Typed on the phone" in response.text  # the user's text, back in the form
    assert "Saved from the laptop" in response.text  # and the stored copy beside it
    assert 'name="keep-rating-code-evidence" value="mine" checked' in response.text
    assert 'name="version" value="2"' in response.text
    assert fresh(mine).ratings[0].evidence == "Saved from the laptop"


def test_saving_again_after_a_conflict_replaces_the_other_copy(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine), data=form(1, code=(2, "Laptop")))
    assert client.post(url(mine), data=form(2, code=(3, "Phone"))).status_code == 302
    assert fresh(mine).ratings[0].evidence == "Phone"


def test_a_submission_with_problems_is_refused_next_to_its_fields_and_kept_as_a_draft(
        panel, sign_in):
    ana, _, mine, _ = panel
    response = sign_in(ana).post(url(mine), data=form(
        1, recommendation=None, action="submit", approach=(4, ""), code=(3, "Careful")))
    assert response.status_code == 422
    assert 'id="error-summary"' in response.text
    assert '<a href="#rating-approach-evidence">Approach: a rating of 4 needs evidence' \
        in response.text
    assert '<a href="#rating-understanding-score-0">Problem understanding: choose a rating' \
        in response.text
    assert '<a href="#recommendation-0">Choose an overall recommendation.</a>' in response.text
    assert 'aria-invalid="true"' in response.text
    stored = fresh(mine)
    assert stored.status == ScorecardStatus.DRAFT
    assert {r.competency_key: r.evidence for r in stored.ratings}["code"] == "Careful"
    assert 'name="version" value="2"' in response.text


def test_a_valid_submission_is_recorded_once_with_its_first_revision(panel, sign_in):
    ana, _, mine, _ = panel
    response = sign_in(ana).post(url(mine), data=form(1, action="submit", **COMPLETE))
    assert response.status_code == 302
    stored = fresh(mine)
    assert stored.status == ScorecardStatus.SUBMITTED
    assert stored.submitted_at is not None
    assert stored.recommendation == "hire"
    assert revisions(mine) == 1
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "scorecards", AuditEvent.object_id == mine.id)) == \
        "scorecard.submitted"


def test_a_double_click_or_a_retried_submit_yields_exactly_one_submission(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    first = client.post(url(mine), data=form(1, action="submit", **COMPLETE))
    again = client.post(url(mine), data=form(1, action="submit", **COMPLETE))
    assert first.status_code == again.status_code == 302
    assert "nothing changed" in client.get(again.headers["Location"]).text
    assert revisions(mine) == 1
    assert fresh(mine).version == 2


def test_a_late_submit_with_other_text_is_not_dropped(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine), data=form(1, action="submit", **COMPLETE))
    changed = {**COMPLETE, "code": (2, "On reflection, one bug stayed")}
    response = client.post(url(mine), data=form(1, action="submit", **changed))
    assert response.status_code == 409
    assert "On reflection, one bug stayed" in response.text
    assert f'action="/scorecards/{mine.id}/amend"' in response.text
    assert revisions(mine) == 1


def test_a_contradicting_recommendation_warns_and_submits_once_confirmed(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    low = {"understanding": (1, "No questions"), "approach": (2, ""), "code": (2, "")}
    warned = client.post(url(mine), data=form(1, "strong_hire", action="submit", **low))
    assert warned.status_code == 200
    assert ("Your ratings average 1.7 and 3 of your 3 ratings are 1 or 2, but your "
            "recommendation is Strong hire.") in warned.text
    assert fresh(mine).status == ScorecardStatus.DRAFT
    confirmed = client.post(url(mine), data=form(2, "strong_hire", action="confirm", **low))
    assert confirmed.status_code == 302
    assert fresh(mine).status == ScorecardStatus.SUBMITTED


def test_submitting_moves_the_application_along_the_pipeline(make_user, make_interview,
                                                            sign_in):
    ana = make_user()
    interview = make_interview(panel=[ana], stage="coding")
    (mine,) = interview.scorecards
    sign_in(ana).post(url(mine), data=form(1, action="submit", **COMPLETE))
    db.session.expire_all()
    assert interview.application.status == ApplicationStatus.INTERVIEWING


NOT_A_LEVEL = "Rating for Code quality: choose one of the levels shown, or Not assessed."
NO_VERSION = "This page was sent without a valid version number, so nothing was saved."


@pytest.mark.parametrize(("field", "value", "message"), [
    ("rating-code-score", "7", NOT_A_LEVEL),
    ("rating-code-evidence", "x" * 20_001,
     "Evidence for Code quality is 20,001 characters; the limit is 20,000."),
    ("rating-code-score", "3 ", NOT_A_LEVEL),
    ("recommendation", "maybe", "Overall recommendation: choose one of the options shown."),
    ("takeaways", "x" * 20_001, "Key takeaways is 20,001 characters; the limit is 20,000."),
    ("version", "", NO_VERSION),
    ("version", "\u0663", NO_VERSION),
    ("version", "-1", NO_VERSION),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(panel, sign_in, field, value,
                                                                   message):
    ana, _, mine, _ = panel
    data = form(1, code=(3, "fine"))
    data[field] = value
    response = sign_in(ana).post(url(mine), data=data)
    assert response.status_code == 400
    assert message in response.text
    assert fresh(mine).version == 1
    assert fresh(mine).ratings == []


def test_a_submitted_scorecard_is_read_only(panel, sign_in, submit):
    ana, _, mine, _ = panel
    submit(mine, {"code": 3})
    html = sign_in(ana).get(url(mine)).text
    assert "<form method=\"post\" novalidate class=\"scorecard-form\"" not in html
    assert "Amend this scorecard" in html


def test_user_text_is_escaped_on_every_page(panel, sign_in):
    ana, ben, mine, theirs = panel
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    sign_in(ben).post(url(theirs), data=form(1, action="submit",
                                             **{**COMPLETE, "code": (3, attack)}))
    client = sign_in(ana)
    client.post(url(mine), data=form(1, action="submit", **COMPLETE))
    for page in (url(theirs), f"/interviews/{mine.interview_id}"):
        html = client.get(page).text
        assert attack not in html
        assert escaped in html
