"""Authorization: the one place that answers "may this user do this to this object".

Views, the API, packets and exports all ask here. An object a user may not see is reported
as missing (NotVisible, which the web answers with 404), so ids of other people's work reveal
nothing.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa

from .core.errors import NotVisible
from .core.vocabulary import OWED_STATUSES, Role, ScorecardStatus
from .models import Application, Interview, Scorecard, User


class Action(StrEnum):
    """What a user may try to do."""

    VIEW = "view"
    EDIT = "edit"
    AMEND = "amend"
    VIEW_PRIVATE_NOTE = "view_private_note"
    VIEW_HISTORY = "view_history"
    DECIDE = "decide"
    MANAGE = "manage"


class Area(StrEnum):
    """Parts of the service guarded by role rather than by object."""

    PIPELINE = "pipeline"  # openings, candidates, schedules
    EXPORTS = "exports"
    ANALYTICS = "analytics"
    COMMITTEE = "committee"
    USERS = "users"
    FAIRNESS = "fairness"  # self-identification answers and what is computed from them


_AREA_ROLES = {
    Area.PIPELINE: {Role.HR, Role.ADMIN},
    Area.EXPORTS: {Role.HR, Role.ADMIN},
    Area.ANALYTICS: {Role.HR, Role.ADMIN},
    Area.COMMITTEE: {Role.COMMITTEE},
    Area.USERS: {Role.ADMIN},
    Area.FAIRNESS: {Role.FAIRNESS, Role.ADMIN},
}

# Roles that oversee every application, unless they sit on its panel and still owe a
# scorecard (independent scoring outranks role).
_OVERSEERS = {Role.COMMITTEE, Role.HR, Role.ADMIN}
# What the author may still do with a withdrawn scorecard: read it, never change it.
_READING = {Action.VIEW, Action.VIEW_PRIVATE_NOTE, Action.VIEW_HISTORY}


def can(user: User | None, action: Action, obj: object) -> bool:
    """Tell whether the user may perform the action on the object (or area)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if isinstance(obj, Area):
        return user.has_role(*_AREA_ROLES[obj])
    if isinstance(obj, Scorecard):
        return _on_scorecard(user, action, obj)
    if isinstance(obj, Interview):
        return action is Action.VIEW and (_panelist(user, obj) is not None
                                          or _oversees(user, obj.application))
    if isinstance(obj, Application):
        if action is Action.VIEW:
            return _oversees(user, obj)
        if action is Action.DECIDE:
            return user.has_role(Role.COMMITTEE) and not _owes_scorecard(user, obj)
        if action is Action.MANAGE:
            return user.has_role(Role.HR, Role.ADMIN)
    return False


def require(user: User | None, action: Action, obj: object) -> None:
    """Raise NotVisible unless the user may perform the action on the object."""
    if not can(user, action, obj):
        raise NotVisible("There is nothing here, or it is not yours to see.")


def _on_scorecard(user: User, action: Action, scorecard: Scorecard) -> bool:
    mine = scorecard.interviewer_id == user.id
    if scorecard.status == ScorecardStatus.WITHDRAWN:
        # The draft of a cancelled interview or of a panelist taken off the panel: kept for
        # its author to read, shown to nobody else, and never edited or submitted again.
        return mine and action in _READING
    if action is Action.EDIT:
        return mine
    if action is Action.AMEND:
        # Amending stops once the committee has decided on what the panel wrote.
        return mine and scorecard.status == ScorecardStatus.SUBMITTED \
            and not scorecard.interview.application.decisions
    if action in (Action.VIEW_PRIVATE_NOTE, Action.VIEW_HISTORY):
        return mine or user.has_role(Role.COMMITTEE) and not _owes_scorecard(
            user, scorecard.interview.application)
    if action is not Action.VIEW:
        return False
    if mine:
        return True
    if scorecard.status != ScorecardStatus.SUBMITTED:
        return False  # a draft is its author's working copy, shown to nobody else
    own = _panelist(user, scorecard.interview)
    if own is not None and own.status != ScorecardStatus.WITHDRAWN:
        # A co-panelist sees the others once their own scorecard is in, and not before; one
        # taken off the panel is a panelist no more.
        return ScorecardStatus.SUBMITTED == own.status == scorecard.status
    return _oversees(user, scorecard.interview.application)


def _panelist(user: User, interview: Interview) -> Scorecard | None:
    return next((s for s in interview.scorecards if s.interviewer_id == user.id), None)


def _owes_scorecard(user: User, application: Application) -> bool:
    return any(
        scorecard.interviewer_id == user.id and scorecard.status in OWED_STATUSES
        for interview in application.interviews
        for scorecard in interview.scorecards
    )


def owed_applications(user: User) -> sa.Select:
    """Return a query of the ids of applications on which the user still owes a scorecard.

    The SQL twin of the rule in _owes_scorecard, for lists, exports and reports that must
    leave such applications out.
    """
    return (sa.select(Interview.application_id).join(Interview.scorecards)
            .where(Scorecard.interviewer_id == user.id, Scorecard.status.in_(OWED_STATUSES)))


def _oversees(user: User, application: Application) -> bool:
    return user.has_role(*_OVERSEERS) and not _owes_scorecard(user, application)
