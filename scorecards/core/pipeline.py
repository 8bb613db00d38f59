"""Where an application stands, derived from its interviews."""

from __future__ import annotations

from collections.abc import Mapping

from .rubric import Loop
from .vocabulary import ApplicationStatus


def missing_stages(loop: Loop, submitted: Mapping[str, int]) -> list[str]:
    """Return the keys of stages that lack their minimum panel of submitted scorecards."""
    return [stage.key for stage in loop.stages if submitted.get(stage.key, 0) < stage.min_panel]


def status_from_scoring(loop: Loop, submitted: Mapping[str, int], interviewed: bool
                        ) -> ApplicationStatus:
    """Return the status of an application in the loop, from its submitted scorecards per stage."""
    if not interviewed:
        return ApplicationStatus.APPLIED
    if not missing_stages(loop, submitted):
        return ApplicationStatus.COMMITTEE
    return ApplicationStatus.INTERVIEWING
