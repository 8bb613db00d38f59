"""What an interviewer's scorecard says, and the rules a submission must meet.

Plain data in, plain data out: the form, the API and the tests all describe a scorecard as
``Answers`` and ask ``review_submission`` whether it may be submitted, and
``too_early_to_submit`` whether the interview has started.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .rubric import Rubric
from .scale import HIGHEST, LOW, LOWEST, on_scale
from .vocabulary import OWED_STATUSES, Recommendation, ScorecardStatus

# Scores at which a rating needs written evidence: the extremes are the ones a committee
# questions, and the ones most prone to halo effects.
EVIDENCE_REQUIRED_FOR = frozenset({LOWEST, HIGHEST})

FieldPath = tuple[str, ...]


@dataclass(frozen=True)
class RatingAnswer:
    """An interviewer's answer for one competency: a score, not assessed, or nothing yet."""

    score: int | None = None
    not_assessed: bool = False
    evidence: str = ""

    def __post_init__(self) -> None:
        if self.score is not None and not on_scale(self.score):
            raise ValueError(f"score {self.score} is outside the scale {LOWEST}-{HIGHEST}")
        if self.score is not None and self.not_assessed:
            raise ValueError("a rating cannot be both scored and not assessed")

    @property
    def answered(self) -> bool:
        """Tell whether the interviewer chose a score or marked the competency not assessed."""
        return self.score is not None or self.not_assessed

    @property
    def is_blank(self) -> bool:
        """Tell whether there is nothing at all to keep."""
        return not self.answered and not self.evidence


@dataclass(frozen=True)
class Answers:
    """Everything an interviewer puts on a scorecard."""

    ratings: dict[str, RatingAnswer] = field(default_factory=dict)
    recommendation: Recommendation | None = None
    takeaways: str = ""
    private_note: str = ""

    def rating(self, key: str) -> RatingAnswer:
        """Return the answer for a competency, blank when there is none."""
        return self.ratings.get(key, RatingAnswer())

    def to_document(self) -> dict[str, Any]:
        """Return the answers as JSON-ready data, leaving out blank ratings."""
        return {
            "ratings": {
                key: {"score": r.score, "not_assessed": r.not_assessed, "evidence": r.evidence}
                for key, r in sorted(self.ratings.items()) if not r.is_blank
            },
            "recommendation": self.recommendation.value if self.recommendation else None,
            "takeaways": self.takeaways,
            "private_note": self.private_note,
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Answers:
        """Return answers from data written by to_document."""
        recommendation = document.get("recommendation")
        return cls(
            ratings={key: RatingAnswer(**value) for key, value in document["ratings"].items()},
            recommendation=Recommendation(recommendation) if recommendation else None,
            takeaways=document.get("takeaways", ""),
            private_note=document.get("private_note", ""),
        )


@dataclass(frozen=True)
class Problem:
    """Something that stops a submission, tied to the field it is about.

    The message is in English (the API's words); kind, subject and score let a page word the
    same problem in its reader's language.
    """

    field: FieldPath
    message: str
    kind: str = ""  # one of PROBLEM_KINDS
    subject: str = ""  # the competency's title, where the problem is about one
    score: int | None = None  # the rating that needs evidence


# What can stop a submission: a required competency neither rated nor marked not assessed, one
# marked not assessed without saying why, a rating at either end without evidence, and no
# overall recommendation.
UNRATED, NO_REASON, NO_EVIDENCE, NO_RECOMMENDATION = (
    "unrated", "not_assessed_without_reason", "rating_without_evidence", "no_recommendation")
PROBLEM_KINDS = (UNRATED, NO_REASON, NO_EVIDENCE, NO_RECOMMENDATION)


@dataclass(frozen=True)
class Review:
    """What stands between a scorecard and its submission."""

    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Tell whether the scorecard may be submitted (warnings do not stop it)."""
        return not self.problems


def review_submission(rubric: Rubric, answers: Answers) -> Review:
    """Return the problems that block submitting these answers, and the warnings to show."""
    problems: list[Problem] = []
    for competency in rubric.competencies:
        answer = answers.rating(competency.key)
        has_evidence = bool(answer.evidence.strip())
        if not answer.answered and competency.required:
            problems.append(Problem((competency.key, "score"),
                                    f"{competency.title}: choose a rating, or 'Not assessed' "
                                    "with the reason in the evidence box.",
                                    UNRATED, competency.title))
        elif answer.not_assessed and competency.required and not has_evidence:
            problems.append(Problem((competency.key, "evidence"),
                                    f"{competency.title}: say in the evidence box why it was "
                                    "not assessed.", NO_REASON, competency.title))
        elif answer.score in EVIDENCE_REQUIRED_FOR and not has_evidence:
            problems.append(Problem((competency.key, "evidence"),
                                    f"{competency.title}: a rating of {answer.score} needs "
                                    "evidence: write what the candidate said or did.",
                                    NO_EVIDENCE, competency.title, answer.score))
    if answers.recommendation is None:
        problems.append(Problem(("recommendation",), "Choose an overall recommendation.",
                                NO_RECOMMENDATION))
    warning = contradiction(rubric, answers)
    return Review(tuple(problems), (warning,) if warning else ())


@dataclass(frozen=True)
class Contradiction:
    """A recommendation that runs against most of the ratings, with the numbers that show it."""

    recommendation: Recommendation
    against: int  # ratings on the other half of the scale from the recommendation
    rated: int  # ratings with a score
    mean: float  # the average of the scores

    @property
    def ratings_low(self) -> bool:
        """Tell whether the ratings lean low (against a strong hire) rather than high."""
        return self.recommendation is Recommendation.STRONG_HIRE

    @property
    def message(self) -> str:
        """Return the warning in words, naming the numbers."""
        if self.ratings_low:
            return (f"You recommend strong hire, but {self.against} of your {self.rated} "
                    "ratings are 1 or 2. Check the recommendation, or submit as it is if it "
                    "stands.")
        return (f"You recommend strong no hire, but {self.against} of your {self.rated} ratings "
                "are 3 or 4. Check the recommendation, or submit as it is if it stands.")


def find_contradiction(rubric: Rubric, answers: Answers) -> Contradiction | None:
    """Return the contradiction when the recommendation runs against most of the ratings."""
    scores = [answers.rating(c.key).score for c in rubric.competencies]
    scores = [score for score in scores if score is not None]
    if not scores or answers.recommendation is None:
        return None
    low = sum(score in LOW for score in scores)
    high = len(scores) - low
    mean = sum(scores) / len(scores)
    if answers.recommendation is Recommendation.STRONG_HIRE and low * 2 > len(scores):
        return Contradiction(answers.recommendation, low, len(scores), mean)
    if answers.recommendation is Recommendation.STRONG_NO_HIRE and high * 2 > len(scores):
        return Contradiction(answers.recommendation, high, len(scores), mean)
    return None


def contradiction(rubric: Rubric, answers: Answers) -> str | None:
    """Return a warning when the recommendation runs against most of the ratings."""
    found = find_contradiction(rubric, answers)
    return None if found is None else found.message


def display_status(status: ScorecardStatus, scheduled_at: datetime, now: datetime,
                   overdue_after: timedelta, cancelled: bool = False) -> str:
    """Return the status to show: the stored one, or "overdue" once the window has passed.

    Only a scorecard still owed is ever overdue; the scorecards of a cancelled interview
    (never a submitted one) show as "cancelled".
    """
    if cancelled and status is not ScorecardStatus.SUBMITTED:
        return "cancelled"
    # A difference of two times never overflows; a time plus the window does, for an
    # interview stored at the end of the calendar.
    if status in OWED_STATUSES and now - scheduled_at >= overdue_after:
        return "overdue"
    return status.value


@dataclass(frozen=True)
class TooEarly:
    """Why a scorecard cannot be submitted yet: its interview has not started."""

    starts_at: datetime  # the interview's scheduled start
    opens_at: datetime  # the earliest time its scorecards may be submitted

    @property
    def message(self) -> str:
        """Return the reason in words, naming both times."""
        return (f"The interview starts {_when(self.starts_at)}, and its scorecard can be "
                f"submitted from {_when(self.opens_at)}.")


def too_early_to_submit(scheduled_at: datetime, now: datetime,
                        early: timedelta) -> TooEarly | None:
    """Return why a scorecard of an interview at scheduled_at cannot be submitted now, or None.

    A scorecard judges an interview that took place, so it is submitted once the interview
    has started; early allows a margin before the start (a call that began a little early).
    Drafts are not bound by this: notes may be taken at any time.
    """
    # Compared as a difference of two times, which never leaves the calendar, so that an
    # interview stored at year 1 or 9999 still answers.
    if scheduled_at - now <= early:
        return None
    return TooEarly(scheduled_at, scheduled_at - early)


def _when(value: datetime) -> str:
    # As the pages write times ("Tue 24 Nov 2026, 14:00 UTC"); the core cannot use their filter.
    return f"{value:%a} {value.day} {value:%b %Y, %H:%M} UTC"
