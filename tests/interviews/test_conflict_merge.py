"""After two tabs saved the same scorecard: the versions side by side, merged field by field."""

import re

from tests.interviews.conftest import COMPLETE, form, fresh


def url(scorecard, suffix=""):
    return f"/scorecards/{scorecard.id}{suffix}"


def compared(html: str) -> list[str]:
    """Return the names of the fields the conflict page asks about, in order."""
    return re.findall(r'<fieldset class="difference" id="keep-([^"]+)">', html)


def stored_ratings(scorecard) -> dict[str, tuple]:
    return {r.competency_key: (r.score, r.evidence) for r in fresh(scorecard).ratings}


LAPTOP = {"understanding": (3, "Asked about empty input."), "code": (2, "Laptop: one bug.")}
PHONE = {"understanding": (3, "Asked about empty input."), "code": (3, "Phone: clean code.")}


def two_tabs(client, scorecard):
    """Save from one tab, then from a second that loaded the same version; return the 409."""
    laptop = {**form(1, "no_hire", **LAPTOP), "takeaways": "Laptop takeaways"}
    assert client.post(url(scorecard), data=laptop).status_code == 302
    phone = {**form(1, "hire", **PHONE), "takeaways": "Phone takeaways"}
    return client.post(url(scorecard), data=phone), phone


def test_the_conflict_page_shows_only_the_fields_that_differ_side_by_side(panel, sign_in):
    ana, _, mine, _ = panel
    response, _ = two_tabs(sign_in(ana), mine)
    html = response.text
    assert response.status_code == 409
    assert compared(html) == ["rating-code-score", "rating-code-evidence", "recommendation",
                              "takeaways"]
    assert "Keep yours<span class=\"visually-hidden\">: Evidence for Code quality</span>" in html
    assert '<div class="version-value text">Laptop: one bug.</div>' in html  # stored
    assert '<div class="version-value text">Phone: clean code.</div>' in html  # yours
    assert '<div class="version-value">2: Below the bar</div>' in html
    # Each choice starts at the person's own version.
    for name in compared(html):
        assert f'name="keep-{name}" value="mine" checked' in html
        assert f'name="keep-{name}" value="stored">' in html
    assert "data-autosave-url" not in html  # nothing saves over the stored copy meanwhile
    assert 'name="version" value="2"' in html


def test_a_conflict_is_resolved_field_by_field(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    _, phone = two_tabs(client, mine)
    merged = {**phone, "version": "2", "keep-rating-code-score": "mine",
              "keep-rating-code-evidence": "stored", "keep-recommendation": "stored",
              "keep-takeaways": "mine"}
    response = client.post(url(mine), data=merged)
    assert response.status_code == 302
    stored = fresh(mine)
    assert stored_ratings(mine)["code"] == (3, "Laptop: one bug.")
    assert stored.recommendation == "no_hire"
    assert stored.takeaways == "Phone takeaways"
    assert stored.version == 3


def test_a_merge_against_a_copy_that_changed_again_shows_the_conflict_again(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    _, phone = two_tabs(client, mine)
    tablet = {**form(2, "no_hire", **{**LAPTOP, "code": (1, "Tablet: gave up.")}),
              "takeaways": "Laptop takeaways"}
    assert client.post(url(mine), data=tablet).status_code == 302  # a third tab, meanwhile
    merged = {**phone, "version": "2", "keep-rating-code-evidence": "stored",
              "keep-recommendation": "stored"}
    response = client.post(url(mine), data=merged)
    html = response.text
    assert response.status_code == 409
    assert stored_ratings(mine)["code"] == (1, "Tablet: gave up.")  # nothing was merged
    assert '<div class="version-value text">Tablet: gave up.</div>' in html  # the new copy
    assert "Phone: clean code." in html  # the person's text, still theirs to keep
    assert 'name="version" value="3"' in html
    assert 'name="keep-rating-code-evidence" value="mine" checked' in html
    again = client.post(url(mine), data={**merged, "version": "3"})
    assert again.status_code == 302
    assert stored_ratings(mine)["code"] == (3, "Tablet: gave up.")


def test_a_merge_refused_for_a_field_shows_the_choices_made(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    _, phone = two_tabs(client, mine)
    merged = {**phone, "version": "2", "keep-rating-code-evidence": "stored",
              "private_note": "n" * 20_001}
    response = client.post(url(mine), data=merged)
    assert response.status_code == 400
    assert 'name="keep-rating-code-evidence" value="stored" checked' in response.text
    assert 'name="keep-takeaways" value="mine" checked' in response.text
    assert "n" * 20_001 in response.text


def test_a_merge_can_be_submitted(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine), data=form(1, "hire", **{**COMPLETE, "code": (3, "Laptop")}))
    response = client.post(url(mine), data=form(1, "hire", **{**COMPLETE, "code": (3, "Phone")}))
    assert compared(response.text) == ["rating-code-evidence"]
    submitted = client.post(url(mine), data={
        **form(2, "hire", action="submit", **{**COMPLETE, "code": (3, "Phone")}),
        "keep-rating-code-evidence": "stored"})
    assert submitted.status_code == 302
    assert fresh(mine).status == "submitted"
    assert stored_ratings(mine)["code"] == (3, "Laptop")


def test_a_copy_submitted_elsewhere_is_merged_into_an_amendment(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(url(mine), data=form(1, action="submit", **COMPLETE))
    late = form(1, "no_hire", action="submit", **{**COMPLETE, "code": (2, "A bug, after all")})
    response = client.post(url(mine), data=late)
    assert response.status_code == 409
    assert compared(response.text) == ["rating-code-score", "rating-code-evidence",
                                       "recommendation"]
    amended = client.post(url(mine, "/amend"), data={
        **late, "version": "2", "action": "amend", "reason": "Found the bug in my notes",
        "keep-recommendation": "stored"})
    assert amended.status_code == 302
    assert fresh(mine).recommendation == "hire"
    assert stored_ratings(mine)["code"] == (2, "A bug, after all")
