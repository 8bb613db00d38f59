"""What the scorecard form says when something is wrong: each message names its field, the
count of characters shows near a box's limit, and the contradiction warning fits the case."""

import re

import pytest

from scorecards.core.vocabulary import ScorecardStatus
from scorecards.extensions import db
from tests.interviews.conftest import COMPLETE, form, fresh

JSON = {"Accept": "application/json"}


def url(scorecard, suffix=""):
    return f"/scorecards/{scorecard.id}{suffix}"


def beside(html: str, field: str) -> list[str]:
    """Return the messages shown beside a field."""
    found = re.search(rf'<ul class="errors" id="{field}-error">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", found[1]) if found else []


def summary(html: str) -> list[tuple[str, str]]:
    """Return the error summary's links as (target, text)."""
    found = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return re.findall(r'<a href="#([^"]+)">(.*?)</a>', found[0]) if found else []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("rating-approach-evidence", "x" * 20_412,
     "Evidence for Approach is 20,412 characters; the limit is 20,000."),
    ("private_note", "y" * 20_001,
     "Private note to the hiring committee is 20,001 characters; the limit is 20,000."),
    ("rating-testing-score", "5",
     "Rating for Testing: choose one of the levels shown, or Not assessed."),
])
def test_a_refused_field_is_named_beside_it_and_in_the_summary(panel, sign_in, field, value,
                                                               message):
    ana, _, mine, _ = panel
    data = form(1, **COMPLETE)
    data[field] = value
    response = sign_in(ana).post(url(mine), data=data)
    assert response.status_code == 400
    assert beside(response.text, field) == [message]
    target = f"{field}-0" if field.endswith("-score") else field
    assert summary(response.text) == [(target, message)]
    if not field.endswith("-score"):  # a refused level is no text to keep
        assert value in response.text  # the text comes back to be shortened, not lost
    assert fresh(mine).version == 1


def test_every_problem_of_a_submission_names_its_field(panel, sign_in):
    ana, _, mine, _ = panel
    response = sign_in(ana).post(url(mine), data=form(
        1, recommendation=None, action="submit", approach=(4, ""), code=("na", "")))
    assert response.status_code == 422
    assert summary(response.text) == [
        ("rating-understanding-score-0",
         "Problem understanding: choose a rating, or &#39;Not assessed&#39; with the reason "
         "in the evidence box."),
        ("rating-approach-evidence",
         "Approach: a rating of 4 needs evidence: write what the candidate said or did."),
        ("rating-code-evidence", "Code quality: say in the evidence box why it was not assessed."),
        ("recommendation-0", "Choose an overall recommendation."),
    ]
    assert beside(response.text, "recommendation") == ["Choose an overall recommendation."]


def test_the_problems_of_a_submission_read_in_the_interviewers_language(panel, sign_in):
    ana, _, mine, _ = panel
    ana.locale = "sv"
    db.session.commit()
    response = sign_in(ana).post(url(mine), data=form(
        1, recommendation=None, action="submit", approach=(4, ""), code=("na", "")))
    assert [text for _, text in summary(response.text)] == [
        "Problem understanding: välj ett betyg, eller &#39;Inte bedömd&#39; med skälet i "
        "rutan för underlag.",
        "Approach: betyget 4 kräver underlag: skriv vad kandidaten sa eller gjorde.",
        "Code quality: skriv i rutan för underlag varför den inte bedömdes.",
        "Välj en övergripande rekommendation.",
    ]


def test_an_autosave_refused_for_length_names_the_box(panel, sign_in):
    ana, _, mine, _ = panel
    data = form(1, code=(3, "z" * 20_412))
    response = sign_in(ana).post(url(mine, "/draft"), data=data, headers=JSON)
    assert response.status_code == 400
    assert response.json == {
        "error": "Not saved: Evidence for Code quality is 20,412 characters; the limit is 20,000."}


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Why are you amending it? Say why you are amending the submitted scorecard."),
    ("r" * 2_001, "The reason for amending is 2,001 characters; the limit is 2,000."),
])
def test_an_amendment_names_its_reason_field(panel, sign_in, reason, message):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine), data=form(1, action="submit", **COMPLETE))
    data = {**form(2, **{**COMPLETE, "code": (2, "Missed a bug")}), "reason": reason}
    response = client.post(url(mine, "/amend"), data=data)
    assert response.status_code == 400
    assert beside(response.text, "reason") == [message]
    assert summary(response.text) == [("reason", message)]


@pytest.mark.parametrize(("length", "shown"), [
    (15_999, ""),
    (16_000, "16,000 of 20,000 characters"),
    (19_999, "19,999 of 20,000 characters"),
])
def test_a_box_shows_its_count_from_near_its_limit(panel, sign_in, length, shown):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine), data=form(1, code=(3, "c" * length)))
    html = client.get(url(mine)).text
    assert 'aria-describedby="rating-code-evidence-hint rating-code-evidence-counter"' in html
    assert f'<p class="counter" id="rating-code-evidence-counter">{shown}</p>' in html
    assert 'data-limit="20000"' in html


LOW = {"understanding": (1, "No questions asked"), "approach": (2, ""), "code": (2, "")}


def test_a_contradiction_alone_offers_both_choices_in_its_own_words(panel, sign_in):
    ana, _, mine, _ = panel
    response = sign_in(ana).post(url(mine), data=form(1, "strong_hire", action="submit", **LOW))
    html = response.text
    assert response.status_code == 200
    words = ("Your ratings average 1.7 and 3 of your 3 ratings are 1 or 2, but your "
             "recommendation is Strong hire.")
    assert html.count(words) == 2  # in the warning, and beside the recommendation
    assert '<p class="warning-note" id="recommendation-warning">' + words in html
    assert 'aria-describedby="recommendation-warning" aria-invalid="true"' in html
    assert 'class="recommendation has-warning"' in html
    # The strong hire option is the fourth: changing it starts there.
    assert '<a class="button" href="#recommendation-3">Change my recommendation</a>' in html
    assert re.search(r'<button type="submit" form="scorecard-form" name="action" '
                     r'value="confirm">Submit with this recommendation</button>', html)
    assert fresh(mine).status == ScorecardStatus.DRAFT


def test_a_contradiction_with_problems_says_to_fix_them_first_and_offers_no_submit(
        panel, sign_in):
    ana, _, mine, _ = panel
    both = {**LOW, "code": (None, "")}  # code has no rating: a problem that blocks
    response = sign_in(ana).post(url(mine), data=form(1, "strong_hire", action="submit", **both))
    html = response.text
    assert response.status_code == 422
    assert ("Your ratings average 1.5 and 2 of your 2 ratings are 1 or 2, but your "
            "recommendation is Strong hire.") in html
    assert "Fix the problems listed above first." in html
    assert 'value="confirm"' not in html
    assert "as it is" not in html
    assert "with this recommendation" not in html
    assert 'aria-describedby="recommendation-warning" aria-invalid="true"' in html
    assert summary(html)[0][0] == "rating-code-score-0"


def test_a_contradiction_on_strong_no_hire_is_worded_the_other_way(panel, sign_in):
    ana, _, mine, _ = panel
    high = {"understanding": (3, "Asked"), "approach": (4, "Proved it"), "code": (3, "Fine")}
    response = sign_in(ana).post(url(mine), data=form(1, "strong_no_hire", action="submit",
                                                      **high))
    assert ("Your ratings average 3.3 and 3 of your 3 ratings are 3 or 4, but your "
            "recommendation is Strong no hire.") in response.text


def test_an_amendment_with_a_contradiction_offers_to_save_it_as_it_is(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine), data=form(1, action="submit", **COMPLETE))
    data = {**form(2, "strong_hire", **LOW), "reason": "Reread my notes"}
    response = client.post(url(mine, "/amend"), data=data)
    assert response.status_code == 200
    assert "Save the amendment with this recommendation" in response.text
    confirmed = client.post(url(mine, "/amend"), data={**data, "action": "confirm"})
    assert confirmed.status_code == 302
    assert fresh(mine).recommendation == "strong_hire"


def test_a_box_over_its_limit_shows_its_count_marked_and_one_near_it_unmarked(panel, sign_in):
    ana, _, mine, _ = panel
    data = form(1, **{**COMPLETE, "approach": (4, "a" * 17_000)})
    data["rating-code-evidence"] = "b" * 20_412
    html = sign_in(ana).post(url(mine), data=data).text
    assert ('<p class="counter over" id="rating-code-evidence-counter">20,412 of 20,000 '
            "characters: over the limit, shorten it to save</p>") in html
    assert ('<p class="counter" id="rating-approach-evidence-counter">17,000 of 20,000 '
            "characters</p>") in html
    assert "Not saved: fix the problems listed at the top, then save." in html
