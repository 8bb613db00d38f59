"""One authorization module decides who may see and do what, object by object."""

import pytest

from scorecards.authz import Action, Area, can, owed_applications, require
from scorecards.core.errors import NotVisible
from scorecards.core.vocabulary import OWED_STATUSES, Role, ScorecardStatus
from scorecards.extensions import db


def test_an_interviewer_edits_only_their_own_scorecard(panel):
    ana, _, mine, theirs = panel
    assert can(ana, Action.EDIT, mine)
    assert not can(ana, Action.EDIT, theirs)


def test_a_panelist_sees_no_other_scorecard_before_submitting_their_own(panel, submit):
    ana, _, mine, theirs = panel
    submit(theirs, {"code": 3})
    assert can(ana, Action.VIEW, mine)
    assert not can(ana, Action.VIEW, theirs)


def test_a_panelist_sees_submitted_co_panelists_after_submitting(panel, submit):
    ana, _, mine, theirs = panel
    submit(mine, {"code": 3})
    assert not can(ana, Action.VIEW, theirs), "a draft stays private to its author"
    submit(theirs, {"code": 2})
    assert can(ana, Action.VIEW, theirs)


def test_an_interviewer_off_the_panel_sees_nothing(panel, make_user):
    *_, mine, theirs = panel
    outsider = make_user()
    assert not can(outsider, Action.VIEW, mine)
    assert not can(outsider, Action.VIEW, mine.interview)
    assert not can(outsider, Action.VIEW, mine.interview.application)


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.HR, Role.ADMIN])
def test_overseers_see_applications_and_scorecards(panel, make_user, submit, role):
    *_, mine, _ = panel
    submit(mine, {"code": 3})
    user = make_user(role)
    assert can(user, Action.VIEW, mine.interview.application)
    assert can(user, Action.VIEW, mine)


def test_only_the_committee_reads_private_notes(panel, make_user, submit):
    *_, mine, _ = panel
    submit(mine, {"code": 3})
    assert can(make_user(Role.COMMITTEE), Action.VIEW_PRIVATE_NOTE, mine)
    for role in (Role.HR, Role.ADMIN, Role.INTERVIEWER):
        assert not can(make_user(role), Action.VIEW_PRIVATE_NOTE, mine)


def test_a_committee_member_on_the_panel_waits_for_their_own_scorecard(make_user, make_interview,
                                                                        submit):
    member, other = make_user(Role.COMMITTEE, Role.INTERVIEWER), make_user()
    interview = make_interview(panel=[member, other])
    mine, theirs = interview.scorecards
    submit(theirs, {"code": 3})
    application = interview.application
    assert not can(member, Action.VIEW, application)
    assert not can(member, Action.VIEW, theirs)
    assert not can(member, Action.DECIDE, application)
    submit(mine, {"code": 2})
    assert can(member, Action.VIEW, theirs)
    assert can(member, Action.DECIDE, application)


@pytest.mark.parametrize(("area", "allowed"), [
    (Area.PIPELINE, {Role.HR, Role.ADMIN}),
    (Area.EXPORTS, {Role.HR, Role.ADMIN}),
    (Area.ANALYTICS, {Role.HR, Role.ADMIN}),
    (Area.COMMITTEE, {Role.COMMITTEE}),
    (Area.USERS, {Role.ADMIN}),
])
def test_areas_open_to_their_roles_only(make_user, area, allowed):
    for role in Role:
        assert can(make_user(role), Action.VIEW, area) == (role in allowed)


def test_anonymous_and_deactivated_users_may_do_nothing(panel, make_user):
    *_, mine, _ = panel
    assert not can(None, Action.VIEW, mine)
    admin = make_user(Role.ADMIN, active=False)
    assert not can(admin, Action.VIEW, Area.USERS)


def test_require_answers_404_so_that_ids_reveal_nothing(panel, make_user):
    *_, mine, _ = panel
    with pytest.raises(NotVisible):
        require(make_user(), Action.VIEW, mine)


def test_an_author_reads_their_own_private_note_and_history(panel):
    ana, _, mine, theirs = panel
    assert can(ana, Action.VIEW_PRIVATE_NOTE, mine)
    assert can(ana, Action.VIEW_HISTORY, mine)
    assert not can(ana, Action.VIEW_PRIVATE_NOTE, theirs)


def test_only_the_author_amends_and_only_a_submitted_undecided_scorecard(panel, submit,
                                                                         make_user):
    from scorecards.extensions import db
    from scorecards.models import Decision

    ana, ben, mine, _ = panel
    assert not can(ana, Action.AMEND, mine), "a draft is edited, not amended"
    submit(mine, {"code": 3})
    assert can(ana, Action.AMEND, mine)
    assert not can(ben, Action.AMEND, mine)
    db.session.add(Decision(application=mine.interview.application, recommended_outcome="hire",
                            explanation={}, final_outcome="hire", rationale="Clear.",
                            decided_by=make_user(Role.COMMITTEE)))
    db.session.commit()
    assert not can(ana, Action.AMEND, mine)


def test_a_draft_is_shown_to_nobody_but_its_author(panel, make_user):
    ana, _, mine, _ = panel
    for role in (Role.COMMITTEE, Role.HR, Role.ADMIN):
        assert not can(make_user(role), Action.VIEW, mine)
    assert can(ana, Action.VIEW, mine)


@pytest.mark.parametrize("status", list(ScorecardStatus))
def test_owing_a_scorecard_reads_the_same_in_python_and_in_sql(make_user, make_interview, submit,
                                                               status):
    """The page's check and the lists' query are one rule: they agree on every status."""
    member, other = make_user(Role.COMMITTEE, Role.INTERVIEWER), make_user()
    interview = make_interview(panel=[member, other])
    mine = next(s for s in interview.scorecards if s.interviewer_id == member.id)
    if status == ScorecardStatus.SUBMITTED:
        submit(mine, {"code": 3})
    else:
        mine.status = status
        db.session.flush()
    application = interview.application
    in_sql = application.id in db.session.scalars(owed_applications(member)).all()
    in_python = not can(member, Action.DECIDE, application)
    assert in_sql == in_python == (status in OWED_STATUSES)
