"""Independent scoring and authorization: nobody peeks, and other people's ids are 404."""

import pytest

from scorecards.core.vocabulary import Role
from tests.interviews.conftest import COMPLETE, form, fresh


def test_a_panelist_sees_no_co_panelist_scorecard_until_their_own_is_submitted(panel, sign_in,
                                                                               submit):
    ana, ben, mine, theirs = panel
    sign_in(ben).post(f"/scorecards/{theirs.id}",
                      data=form(1, action="submit", **{**COMPLETE, "code": (3, "Ben saw this")}))
    client = sign_in(ana)
    before = client.get(f"/interviews/{mine.interview_id}").text
    assert "Ben saw this" not in before
    assert "once yours is submitted" in before
    assert client.get(f"/scorecards/{theirs.id}").status_code == 404
    client.post(f"/scorecards/{mine.id}", data=form(1, action="submit", **COMPLETE))
    after = client.get(f"/interviews/{mine.interview_id}").text
    assert "Ben saw this" in after
    assert client.get(f"/scorecards/{theirs.id}").status_code == 200


def test_a_co_panelist_never_reads_the_private_note(panel, sign_in):
    ana, ben, mine, theirs = panel
    sign_in(ben).post(f"/scorecards/{theirs.id}", data={
        **form(1, action="submit", **COMPLETE), "private_note": "Only for the committee"})
    client = sign_in(ana)
    client.post(f"/scorecards/{mine.id}", data=form(1, action="submit", **COMPLETE))
    assert "Only for the committee" not in client.get(f"/interviews/{mine.interview_id}").text
    assert "Only for the committee" not in client.get(f"/scorecards/{theirs.id}").text


def test_a_committee_member_reads_private_notes_and_the_history(panel, sign_in, make_user):
    _, ben, _, theirs = panel
    sign_in(ben).post(f"/scorecards/{theirs.id}", data={
        **form(1, action="submit", **COMPLETE), "private_note": "Only for the committee"})
    html = sign_in(make_user(Role.COMMITTEE)).get(f"/scorecards/{theirs.id}").text
    assert "Only for the committee" in html


def test_a_draft_stays_private_to_its_author_even_after_submitting(panel, sign_in):
    ana, ben, mine, theirs = panel
    sign_in(ben).post(f"/scorecards/{theirs.id}", data=form(1, code=(2, "Ben's draft words")))
    client = sign_in(ana)
    client.post(f"/scorecards/{mine.id}", data=form(1, action="submit", **COMPLETE))
    assert "Ben's draft words" not in client.get(f"/interviews/{mine.interview_id}").text
    assert client.get(f"/scorecards/{theirs.id}").status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_interviewers_scorecard_answers_404(panel, sign_in, method):
    ana, _, _, theirs = panel
    response = getattr(sign_in(ana), method)(f"/scorecards/{theirs.id}", data=form(1))
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/scorecards/{theirs}", "/scorecards/{theirs}/amend",
                                  "/scorecards/{theirs}/draft", "/interviews/{interview}",
                                  "/scorecards/999999", "/interviews/999999",
                                  "/scorecards/999999/amend"])
def test_an_interviewer_off_the_panel_reaches_nothing(panel, sign_in, make_user, path):
    *_, theirs = panel
    outsider = sign_in(make_user())
    target = path.format(theirs=theirs.id, interview=theirs.interview_id)
    method = outsider.post if target.endswith("/draft") else outsider.get
    assert method(target, data=form(1)).status_code == 404


def test_the_autosave_of_someone_elses_scorecard_stores_nothing(panel, sign_in):
    ana, _, _, theirs = panel
    response = sign_in(ana).post(f"/scorecards/{theirs.id}/draft", data=form(1, code=(1, "x")),
                                 headers={"Accept": "application/json"})
    assert response.status_code == 404
    stored = fresh(theirs)  # as the database holds it, not this session's copy
    assert (stored.status, stored.version, stored.ratings) == ("not_started", 1, [])
