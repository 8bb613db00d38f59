"""A withdrawn scorecard: its author's to read, nobody else's to see, owed by nobody."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from scorecards.authz import Action, can, owed_applications
from scorecards.core.vocabulary import Role, ScorecardStatus
from scorecards.extensions import db
from scorecards.models import Interview, Scorecard


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
