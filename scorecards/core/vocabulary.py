"""The words of the hiring domain that code, database and pages share."""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        """Return the value as people write it."""
        return self.value.replace("_", " ").capitalize()


class Role(_Labelled):
    """What a user may do; a user may hold several roles."""

    INTERVIEWER = "interviewer"
    COMMITTEE = "committee"
    HR = "hr"
    ADMIN = "admin"
    FAIRNESS = "fairness"  # reads self-identification and the adverse-impact reports

    @property
    def label(self) -> str:
        """Return the role as people write it."""
        names = {"hr": "HR", "committee": "Hiring committee", "fairness": "Fairness review"}
        return names.get(self.value, self.value.capitalize())


class Recommendation(_Labelled):
    """The overall recommendation an interviewer gives, weakest first."""

    STRONG_NO_HIRE = "strong_no_hire"
    NO_HIRE = "no_hire"
    HIRE = "hire"
    STRONG_HIRE = "strong_hire"


class Outcome(_Labelled):
    """What the decision engine recommends for an application."""

    STRONG_NO_HIRE = "strong_no_hire"
    NO_HIRE = "no_hire"
    HIRE = "hire"
    STRONG_HIRE = "strong_hire"
    INCOMPLETE = "incomplete"


class FinalOutcome(_Labelled):
    """What the hiring committee decides."""

    HIRE = "hire"
    NO_HIRE = "no_hire"
    HOLD = "hold"


class Source(_Labelled):
    """How an application reached the company."""

    REFERRAL = "referral"
    APPLIED = "applied"
    SOURCED = "sourced"


class ApplicationStatus(_Labelled):
    """Where an application is in the pipeline."""

    APPLIED = "applied"
    INTERVIEWING = "interviewing"
    COMMITTEE = "committee"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"


class ScorecardStatus(_Labelled):
    """How far an interviewer is with a scorecard."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    # A draft kept for its author after its interview was cancelled or they left the panel:
    # shown to nobody else, owed by nobody, counted nowhere.
    WITHDRAWN = "withdrawn"


# A panelist who holds a scorecard in one of these states still owes it, and so sees
# nobody else's scores for that application (independent scoring outranks role).
OWED_STATUSES = (ScorecardStatus.NOT_STARTED, ScorecardStatus.DRAFT)


class JobStatus(_Labelled):
    """Where a background job (a committee packet, a large export) has got to."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"  # done, and its file since deleted

    @property
    def label(self) -> str:
        """Return the state as its requester would put it."""
        return {"queued": "Waiting", "running": "Being prepared", "done": "Ready",
                "failed": "Failed", "expired": "Deleted"}[self.value]


class OpeningStatus(_Labelled):
    """Whether an opening takes new applications."""

    OPEN = "open"
    CLOSED = "closed"
