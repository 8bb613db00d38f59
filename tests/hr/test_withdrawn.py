"""A withdrawn scorecard: its author's to read, nobody else's to see, owed by nobody."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from scorecards.api.services import issue_token
from scorecards.authz import Action, can, owed_applications
from scorecards.core.vocabulary import Role, ScorecardStatus
from scorecards.extensions import db
from scorecards.hr.services import scheduling
from scorecards.models import Interview, Rating, Scorecard


@pytest.fixture
def withdrawn(make_user, make_interview, submit):
    """Return (author, their withdrawn draft, a co-panelist who submitted)."""
    author = make_user(Role.INTERVIEWER, Role.COMMITTEE, name="Ana Souza")
    other = make_user(Role.INTERVIEWER, name="Ben Carter")
    interview = make_interview(panel=[author, other])
    draft, theirs = interview.scorecards
    draft.takeaways = "Half a thought."
    draft.status = ScorecardStatus.WITHDRAWN
    submit(theirs, {"understanding": 3, "approach": 3, "code": 3})
    return author, draft, other


def test_the_author_reads_a_withdrawn_draft_and_never_changes_it(withdrawn):
    author, draft, _ = withdrawn
    for action in (Action.VIEW, Action.VIEW_PRIVATE_NOTE, Action.VIEW_HISTORY):
        assert can(author, action, draft), action
    for action in (Action.EDIT, Action.AMEND, Action.DECIDE, Action.MANAGE):
        assert not can(author, action, draft), action


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.HR, Role.ADMIN])
def test_nobody_else_sees_a_withdrawn_draft(withdrawn, make_user, role):
    _, draft, co_panelist = withdrawn
    for user in (co_panelist, make_user(role), make_user(*Role)):
        assert not any(can(user, action, draft) for action in Action), user


def test_a_withdrawn_draft_is_owed_by_nobody(withdrawn):
    author, draft, _ = withdrawn
    application = draft.interview.application
    assert can(author, Action.DECIDE, application)
    assert application.id not in db.session.scalars(owed_applications(author)).all()


def test_an_author_taken_off_the_panel_is_no_co_panelist_but_may_still_oversee(withdrawn):
    author, draft, co_panelist = withdrawn
    theirs = next(s for s in draft.interview.scorecards if s.interviewer_id == co_panelist.id)
    assert can(author, Action.VIEW, theirs)  # as the committee member they also are
    assert can(author, Action.VIEW, draft.interview)


def test_the_database_knows_withdrawn_and_no_other_new_state(withdrawn):
    _, draft, _ = withdrawn
    with pytest.raises(IntegrityError, match="ck_scorecards_status"):
        db.session.execute(sa.update(Scorecard).where(Scorecard.id == draft.id)
                           .values(status="shelved"))
    db.session.rollback()


@pytest.mark.parametrize(("values", "constraint"), [
    ({"cancelled_at": datetime(2026, 1, 1, tzinfo=UTC)}, "cancelled_by_someone"),
    ({"note": "Moved to the afternoon."}, "noted_by_someone"),
    ({"note": "", "noted_at": datetime(2026, 1, 1, tzinfo=UTC)}, "note_not_empty"),
], ids=["cancelled without who", "note without who", "empty note"])
def test_the_database_keeps_who_cancelled_or_noted(withdrawn, values, constraint):
    author, draft, _ = withdrawn
    if "noted_at" in values:
        values["noted_by_id"] = author.id
    with pytest.raises(IntegrityError, match=f"ck_interviews_{constraint}"):
        db.session.execute(sa.update(Interview).where(Interview.id == draft.interview_id)
                           .values(**values))
    db.session.rollback()


# On the pages and in the API.

SECRET = "Ada Lovelace"
PAST = datetime.now(UTC) - timedelta(days=3)


@pytest.fixture
def taken_off(hr_user, make_user, make_application, submit):
    """Return (Ana, her draft withdrawn when she left the panel, Ben who submitted)."""
    ana = make_user(Role.INTERVIEWER, name="Ana Souza", email="ana@example.com")
    ben = make_user(Role.INTERVIEWER, name="Ben Carter", email="ben@example.com")
    application = make_application(SECRET)
    interview = scheduling.schedule_interview(hr_user, application, "coding", PAST, [ana, ben])
    draft, theirs = interview.scorecards
    draft.status, draft.takeaways, draft.private_note = "draft", f"{SECRET} paused.", "Tired."
    draft.ratings.append(Rating(competency_key="code", score=4, evidence=f"{SECRET} wrote it."))
    submit(theirs, {"understanding": 3, "approach": 3, "code": 3})
    scheduling.change_interview(hr_user, interview, panel=[ben])
    assert draft.status == ScorecardStatus.WITHDRAWN
    return ana, draft, ben


_TOKENS = iter(range(1_000_000))


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user, f'test-{next(_TOKENS)}')}"}


def test_the_author_reads_their_withdrawn_draft_on_its_page_and_cannot_edit_it(taken_off,
                                                                               sign_in):
    ana, draft, _ = taken_off
    page = sign_in(ana).get(f"/scorecards/{draft.id}").text
    assert f"{SECRET} paused." in page
    assert "this draft is kept for you to read" in page
    assert "<textarea" not in page
    assert ">Withdrawn</span>" in page
    assert sign_in(ana).get(f"/scorecards/{draft.id}/amend").status_code == 404


@pytest.mark.parametrize("who", ["co_panelist", Role.COMMITTEE, Role.HR, Role.ADMIN])
def test_nobody_else_finds_a_withdrawn_draft_on_a_page_or_in_the_api(taken_off, make_user,
                                                                     sign_in, client, who):
    _, draft, ben = taken_off
    user = ben if who == "co_panelist" else make_user(who)
    assert sign_in(user).get(f"/scorecards/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/scorecards/{draft.id}", headers=_bearer(user)).status_code == 404
    assert f"{SECRET} paused." not in sign_in(user).get(
        f"/interviews/{draft.interview_id}").text


def test_the_api_shows_the_author_a_withdrawn_draft_and_saves_nothing_to_it(taken_off, client):
    ana, draft, _ = taken_off
    read = client.get(f"/api/v1/scorecards/{draft.id}", headers=_bearer(ana)).get_json()
    assert (read["status"], read["takeaways"]) == ("withdrawn", f"{SECRET} paused.")
    for method, path, body in (("PUT", "", {"version": read["version"], "takeaways": "More."}),
                               ("POST", "/submit", {"version": read["version"]})):
        response = client.open(f"/api/v1/scorecards/{draft.id}{path}", method=method,
                               json=body, headers=_bearer(ana))
        assert response.status_code == 404
    db.session.expire_all()
    assert (draft.status, draft.takeaways) == ("withdrawn", f"{SECRET} paused.")


def test_what_the_author_sends_to_a_withdrawn_draft_comes_back_to_copy(taken_off, sign_in):
    ana, draft, _ = taken_off
    client = sign_in(ana)
    response = client.post(f"/scorecards/{draft.id}", data={
        "version": draft.version, "takeaways": "Typed after the panel changed.",
        "action": "save"})
    assert response.status_code == 409
    assert "It was withdrawn" in response.text
    assert "Typed after the panel changed." in response.text
    autosave = client.post(f"/scorecards/{draft.id}/draft", data={
        "version": draft.version, "takeaways": "More typing."})
    assert autosave.status_code == 409
    assert "withdrawn" in autosave.get_json()["error"]
    db.session.expire_all()
    assert draft.takeaways == f"{SECRET} paused."


def test_my_interviews_shows_a_withdrawn_draft_and_a_cancelled_interview_and_chases_neither(
        taken_off, hr_user, make_user, make_application, sign_in):
    ana, draft, _ = taken_off
    other = scheduling.schedule_interview(hr_user, make_application("Grace Hopper"), "design",
                                          PAST, [ana])
    scheduling.cancel_interview(hr_user, other)
    html = sign_in(ana).get("/interviews").text
    assert ">Withdrawn</span>" in html
    assert ">Cancelled</span>" in html
    assert ">Overdue</span>" not in html
    assert "Continue" not in html
    assert f'href="/interviews/{other.id}"' in html
    overdue = sign_in(make_user(Role.HR)).get("/hr/overdue").text
    assert "No scorecard is overdue." in overdue


def test_a_withdrawn_draft_counts_nowhere(taken_off, make_user, sign_in, opening_counts):
    ana, draft, ben = taken_off
    committee = sign_in(make_user(Role.COMMITTEE))
    summary = committee.get(f"/committee/applications/{draft.interview.application_id}").text
    assert "Ben Carter" in summary
    assert "Ana Souza" not in summary
    assert opening_counts() == [("coding", 1, 1, 1)]
    ratings = sign_in(make_user(Role.HR)).get("/hr/exports/ratings.csv", buffered=True).text
    assert "ben@example.com" in ratings or "Ben Carter" in ratings
    assert "Ana Souza" not in ratings
    assert f"{SECRET} wrote it." not in ratings


def test_a_cancelled_interview_counts_nowhere(hr_user, make_application, interviewers,
                                              make_user, sign_in, opening_counts):
    application = make_application(SECRET)
    cancelled = scheduling.schedule_interview(hr_user, application, "design", PAST,
                                              interviewers[:2])
    scheduling.cancel_interview(hr_user, cancelled)
    scheduling.schedule_interview(hr_user, application, "coding", PAST + timedelta(days=1),
                                  interviewers[2:])
    assert opening_counts() == [("coding", 1, 1, 0)]
    hr = sign_in(make_user(Role.HR))
    report = hr.get("/hr/openings/test-opening/report.csv").text.splitlines()
    assert report[2].startswith("design,Design,0,")
    exported = hr.get("/hr/exports/applications.csv", buffered=True).text
    assert (PAST + timedelta(days=1)).strftime("%Y-%m-%d") in exported
    assert PAST.strftime("%Y-%m-%d %H") not in exported.replace("T", " ")


def test_erasure_blanks_withdrawn_drafts_and_notes_like_everything_else(taken_off, hr_user):
    from scorecards.privacy.services import erase_candidate

    _, draft, _ = taken_off
    scheduling.annotate_interview(hr_user, draft.interview, f"{SECRET} asked to pause.")
    application = draft.interview.application
    assert SECRET in _every_text_column()
    erase_candidate(hr_user, application.candidate_id)
    db.session.expire_all()
    stored = _every_text_column()
    for trace in (SECRET, "Tired."):
        assert trace not in stored
    assert draft.status == ScorecardStatus.WITHDRAWN
    assert draft.interview.note == "(erased)"


def _every_text_column() -> str:
    rows = []
    for table in db.metadata.sorted_tables:
        rows += [str(tuple(row)) for row in db.session.execute(sa.select(table))]
    return "\n".join(rows)


@pytest.fixture
def opening_counts(app):
    """Return a function giving the test opening's (stage, applications, scorecards, done)."""
    from scorecards.hr.services.openings import opening_by_key, pipeline

    def counts():
        found = pipeline(opening_by_key("test-opening"))
        return [(s.key, s.applications, s.scorecards, s.submitted) for s in found.by_stage
                if s.applications]

    return counts
