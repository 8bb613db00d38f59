"""Where an application stands: the moves between statuses, and the status interviews give it.

Every change of an application's status goes through ``transition``, which allows only the
moves written once below, in ``MOVES``:

- applied: to interviewing (an interview is scheduled, or a first scorecard comes in), to
  committee (every required scorecard comes in at once), withdrawn or rejected;
- interviewing: to applied (its last interview is cancelled), committee (the required
  scorecards are in), decided (the committee may decide before the queue), withdrawn or
  rejected;
- committee: to interviewing (a hold, for more interviews), decided, withdrawn or rejected;
- decided: to interviewing (a hold that supersedes the decision). A decided application is
  not withdrawn or rejected: the decision stands on record;
- withdrawn and rejected are final: nothing leaves them.

Staying where it is is no move, and always allowed: a new decision that supersedes the last
keeps an application decided, and a scorecard that completes no stage keeps it interviewing.
"""

from __future__ import annotations

from collections.abc import Mapping

from .rubric import Loop
from .vocabulary import ApplicationStatus

_A = ApplicationStatus
MOVES: Mapping[ApplicationStatus, frozenset[ApplicationStatus]] = {
    _A.APPLIED: frozenset({_A.INTERVIEWING, _A.COMMITTEE, _A.WITHDRAWN, _A.REJECTED}),
    _A.INTERVIEWING: frozenset({_A.APPLIED, _A.COMMITTEE, _A.DECIDED, _A.WITHDRAWN,
                                _A.REJECTED}),
    _A.COMMITTEE: frozenset({_A.INTERVIEWING, _A.DECIDED, _A.WITHDRAWN, _A.REJECTED}),
    _A.DECIDED: frozenset({_A.INTERVIEWING}),
    _A.WITHDRAWN: frozenset(),
    _A.REJECTED: frozenset(),
}
# Statuses that scorecards and interviews move an application between; later ones are
# people's decisions, which no scorecard or schedule changes.
SCORING_STATUSES = frozenset({_A.APPLIED, _A.INTERVIEWING, _A.COMMITTEE})


class IllegalMove(ValueError):
    """Raised when an application would move between statuses the pipeline does not join."""

    def __init__(self, current: ApplicationStatus, target: ApplicationStatus):
        allowed = sorted(MOVES[current])
        if allowed:
            detail = f"from {current.value} it can become {', '.join(allowed)}"
        else:
            detail = f"{current.value} is final"
        super().__init__(f"An application that is {current.value} cannot become "
                         f"{target.value}: {detail}.")
        self.current, self.target = current, target


def transition(current: ApplicationStatus | str, target: ApplicationStatus | str
               ) -> ApplicationStatus:
    """Return the target status if an application may move there; raise IllegalMove if not."""
    current, target = ApplicationStatus(current), ApplicationStatus(target)
    if target is not current and target not in MOVES[current]:
        raise IllegalMove(current, target)
    return target


def missing_stages(loop: Loop, submitted: Mapping[str, int]) -> list[str]:
    """Return the keys of stages that lack their minimum panel of submitted scorecards."""
    return [stage.key for stage in loop.stages if submitted.get(stage.key, 0) < stage.min_panel]


def status_from_scoring(loop: Loop, submitted: Mapping[str, int], interviewed: bool
                        ) -> ApplicationStatus:
    """Return the status of an application in the loop, from its submitted scorecards per stage.

    interviewed tells whether the application has an interview that is not cancelled.
    """
    if not interviewed:
        return ApplicationStatus.APPLIED
    if not missing_stages(loop, submitted):
        return ApplicationStatus.COMMITTEE
    return ApplicationStatus.INTERVIEWING
