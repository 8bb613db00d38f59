"""The shapes of the API's requests and answers, as pydantic models.

Request bodies forbid unknown fields, so a misspelt field is an error rather than silently
ignored. Text never holds NUL characters (PostgreSQL cannot store them), and times carry an
offset: a naive time is refused rather than guessed. Answers write every time one way
(scorecards.timestamps): RFC 3339 in UTC with Z and whole seconds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from ..core import scale
from ..core.rubric import Rubric
from ..core.scorecard import Answers, RatingAnswer
from ..core.vocabulary import (
    ApplicationStatus,
    FinalOutcome,
    JobStatus,
    OpeningStatus,
    Outcome,
    Recommendation,
    Role,
    ScorecardStatus,
    Source,
)
from ..exports.services import EARLIEST_DAY, LATEST_DAY
from ..hr.services import search
from ..hr.services.scheduling import MAX_NOTE, InterviewChange
from ..hr.services.search import MAX_PAGE as SEARCH_PAGE
from ..hr.services.search import MAX_QUERY, SEARCH
from ..models import (
    HIRE_OUTCOME_NOTE_MAX,
    Application,
    Candidate,
    Decision,
    Interview,
    Opening,
    RubricVersion,
    Scorecard,
    User,
)
from ..paging import decode_cursor, decode_key
from ..timestamps import Timestamp
from ..users.services import MAX_SEARCH as MAX_USER_SEARCH
from ..users.services import USERS
from .errors import Problem
from .services import APPLICATIONS, OPENINGS

MAX_TEXT = 20_000  # as the scorecard form: pages of notes, short of a pasted log file
MAX_ID = 2**31 - 1
MAX_PAGE = 200


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range once converted to UTC") from None


def text(max_length: int, min_length: int = 0) -> type[str]:
    """Return the type of a text field of at most max_length characters."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length),  # type: ignore
                     AfterValidator(_no_nul)]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Instant = Annotated[AwareDatetime, AfterValidator(_in_utc),
                    Field(strict=True, description="RFC 3339 date and time with an offset, e.g. "
                                      "2025-03-01T14:00:00+01:00.")]
Key = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_no_nul)]


class Body(BaseModel):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class Query(BaseModel):
    """Query parameters; parameters not described are ignored."""

    model_config = ConfigDict(extra="ignore")


# Openings.


class OpeningIn(Body):
    """A new opening."""

    key: Key = Field(description="Lower-case letters, digits and hyphens, e.g. backend-payments.")
    title: text(200, 1)
    loop: Key = Field(description="The key of the stored loop the opening interviews with.")
    team: text(200) | None = None
    hiring_manager: text(254) | None = Field(
        None, description="The email of a user, copied on reminders of scorecards long overdue.")
    hr_contact: text(254) | None = Field(
        None, description="The email of a user, copied on those reminders when the opening has "
                          "no hiring manager.")


class OpeningOut(BaseModel):
    """An opening (job requisition)."""

    id: int
    key: str
    title: str
    team: str | None
    loop: str
    loop_version: int
    status: OpeningStatus
    created_at: Timestamp

    @classmethod
    def of(cls, opening: Opening) -> OpeningOut:
        """Return the answer describing an opening."""
        return cls(id=opening.id, key=opening.key, title=opening.title, team=opening.team,
                   loop=opening.loop_version.key, loop_version=opening.loop_version.version,
                   status=opening.status, created_at=opening.created_at)


class OpeningsQuery(Query):
    """Paging of the openings list."""

    limit: int = Field(default=100, ge=1, le=MAX_PAGE)
    cursor: text(64) | None = Field(default=None,
                                    description="next_cursor of the previous page.")

    @field_validator("cursor")
    @classmethod
    def _known_cursor(cls, value: str | None) -> str | None:
        if value is not None:
            decode_key(OPENINGS, value, (datetime, int))
        return value


class OpeningList(BaseModel):
    """A page of the openings, newest first."""

    items: list[OpeningOut]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on "
                                                "the last one.")


# Candidates.


class CandidateIn(Body):
    """A new candidate's personal data."""

    name: text(200, 1)
    email: text(254) | None = None
    phone: text(40) | None = None
    location: text(200) | None = None


class CandidateConflict(Problem):
    """The problem of a new candidate whose email a candidate on file has already."""

    model_config = ConfigDict(title="CandidateConflict")  # not Problem's: its own class
    candidate_id: int = Field(description="The candidate on file with this email.")


class ApplicationRef(BaseModel):
    """An application as a candidate's record lists it."""

    id: int
    opening: str
    status: ApplicationStatus


class CandidateOut(BaseModel):
    """A candidate; after erasure only the anonymous shell remains."""

    id: int
    name: str
    email: str | None
    phone: str | None
    location: str | None
    created_at: Timestamp
    erased_at: Timestamp | None
    applications: list[ApplicationRef]

    @classmethod
    def of(cls, candidate: Candidate) -> CandidateOut:
        """Return the answer describing a candidate and their applications."""
        return cls(id=candidate.id, name=candidate.name, email=candidate.email,
                   phone=candidate.phone, location=candidate.location,
                   created_at=candidate.created_at, erased_at=candidate.erased_at,
                   applications=[ApplicationRef(id=a.id, opening=a.opening.key, status=a.status)
                                 for a in candidate.applications])


class CandidatesQuery(Query):
    """What to search for among the candidates, and the page."""

    q: text(MAX_QUERY, 1) = Field(description=(
        "Words of a name, an email or an opening's title: each must match a whole word, "
        "the last may be the start of one; accents and case do not matter. With an @, the "
        "start of an email (or all of it)."))
    limit: int = Field(default=50, ge=1, le=SEARCH_PAGE)
    cursor: text(64) | None = Field(default=None,
                                    description="next_cursor of the previous page.")

    @field_validator("cursor")
    @classmethod
    def _known_cursor(cls, value: str | None) -> str | None:
        if value is not None:
            decode_cursor(SEARCH, value)
        return value


class ApplicationFound(ApplicationRef):
    """An application of a candidate found, with its opening's title."""

    opening_title: str


class CandidateFound(BaseModel):
    """A candidate a search found, with their applications, newest first."""

    id: int
    name: str
    email: str | None
    applications: list[ApplicationFound]

    @classmethod
    def of(cls, found: search.FoundCandidate) -> CandidateFound:
        """Return the answer describing a candidate found."""
        return cls(id=found.id, name=found.name, email=found.email, applications=[
            ApplicationFound(id=a.id, opening=a.opening_key, opening_title=a.opening_title,
                             status=a.status) for a in found.applications])


class CandidatePage(BaseModel):
    """A page of the candidates a search found, newest first."""

    items: list[CandidateFound]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on "
                                                "the last one.")


# Applications.


class ApplicationIn(Body):
    """A candidate applying to an opening."""

    candidate_id: Id
    opening: Key = Field(description="The opening's key.")
    source: Source
    referrer: text(200) | None = Field(default=None, description="Required for a referral.")
    applied_at: Instant | None = None


class ApplicationOut(BaseModel):
    """An application of a candidate to an opening."""

    id: int
    candidate_id: int
    candidate: str
    opening: str
    source: Source
    referrer: str | None
    status: ApplicationStatus
    applied_at: Timestamp
    updated_at: Timestamp
    closed_at: Timestamp | None

    @classmethod
    def of(cls, application: Application) -> ApplicationOut:
        """Return the answer describing an application."""
        return cls(id=application.id, candidate_id=application.candidate_id,
                   candidate=application.candidate.name, opening=application.opening.key,
                   source=application.source, referrer=application.referrer,
                   status=application.status, applied_at=application.applied_at,
                   updated_at=application.updated_at, closed_at=application.closed_at)


class ApplicationPage(BaseModel):
    """A page of applications, oldest first."""

    items: list[ApplicationOut]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on "
                                                "the last one.")


# The deepest page the deprecated offset reaches.
MAX_OFFSET = 10_000


class ApplicationsQuery(Query):
    """Filters and paging of the application list."""

    opening: Key | None = Field(default=None, description="An opening's key.")
    status: ApplicationStatus | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    cursor: text(64) | None = Field(default=None,
                                    description="next_cursor of the previous page.")
    # Skipping rows costs the database a scan of every row skipped (seconds a million deep);
    # a cursor costs the same on every page.
    offset: int | None = Field(default=None, ge=0, le=MAX_OFFSET,
                               json_schema_extra={"deprecated": True},
                               description=f"Deprecated: page with cursor instead. Rows to "
                                           f"skip, at most {MAX_OFFSET:,}; not with cursor.")

    @field_validator("cursor")
    @classmethod
    def _known_cursor(cls, value: str | None) -> str | None:
        if value is not None:
            decode_cursor(APPLICATIONS, value)
        return value

    @field_validator("offset")
    @classmethod
    def _one_way_of_paging(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and info.data.get("cursor") is not None:
            raise ValueError("give cursor or offset, not both")
        return value


# Interviews.


class InterviewIn(Body):
    """An interview to schedule for one stage of the application's loop."""

    stage: Key = Field(description="The key of a stage of the opening's loop.")
    scheduled_at: Instant = Field(description="RFC 3339 date and time with an offset, within "
                                  "five years of now (before or after).")
    panel: list[text(254, 1)] = Field(min_length=1, max_length=20,
                                      description="The interviewers' emails.")


class PanelSeat(BaseModel):
    """One interviewer of a panel, with the scorecard they fill in."""

    scorecard_id: int
    interviewer: str = Field(description="The interviewer's email.")
    status: ScorecardStatus = Field(description="withdrawn: a draft kept for its author "
                                    "after the interview was cancelled or they left the panel; "
                                    "it counts nowhere.")


class InterviewOut(BaseModel):
    """A scheduled interview and its panel."""

    id: int
    application_id: int
    stage: str
    scheduled_at: Timestamp
    panel: list[PanelSeat] = Field(description="Every scorecard of the interview, withdrawn "
                                   "ones included.")
    cancelled_at: Timestamp | None = None
    note: str | None = Field(default=None, description="HR's note on the interview.")

    @classmethod
    def of(cls, interview: Interview) -> InterviewOut:
        """Return the answer describing an interview and its panel's scorecards."""
        return cls(**_interview_fields(interview))


def _interview_fields(interview: Interview) -> dict:
    return {"id": interview.id, "application_id": interview.application_id,
            "stage": interview.stage_key, "scheduled_at": interview.scheduled_at,
            "panel": [PanelSeat(scorecard_id=s.id, interviewer=s.interviewer.email,
                                status=s.status) for s in interview.scorecards],
            "cancelled_at": interview.cancelled_at, "note": interview.note}


# Interviews: moving, changing the panel, cancelling, annotating.


class InterviewChangeIn(Body):
    """A new time for an interview, a new panel, or both; what is left out stays as it is."""

    scheduled_at: Instant | None = Field(default=None, description=(
        "RFC 3339 date and time with an offset, within five years of now. Refused (409) once "
        "a scorecard of the interview is submitted."))
    panel: list[text(254, 1)] | None = Field(default=None, min_length=1, max_length=20,
                                             description=(
        "The interviewers' emails: the whole panel as it is to be. Someone left out keeps a "
        "draft as withdrawn and loses a scorecard not started; one who submitted cannot be "
        "left out (409)."))


class NoteIn(Body):
    """HR's short note on an interview."""

    note: text(MAX_NOTE) | None = Field(description="Empty or null removes the note.")


class InterviewChanged(InterviewOut):
    """An interview after a change, and what the change did."""

    moved_from: Timestamp | None = Field(description="The time before a move; null if not moved.")
    added: list[str] = Field(description="Emails of new panelists, each with a new scorecard.")
    restored: list[str] = Field(description="Emails of panelists back on the panel, with the "
                                "draft withdrawn from them.")
    withdrawn: list[str] = Field(description="Emails of panelists whose draft this change "
                                 "withdrew: kept for them to read, counted nowhere.")
    removed: list[str] = Field(description="Emails of panelists taken off with a scorecard not "
                               "started, which was deleted.")
    application_status: ApplicationStatus

    @classmethod
    def of_change(cls, change: InterviewChange) -> InterviewChanged:
        """Return the answer describing an interview after a change."""
        interview = change.interview

        def emails(users) -> list[str]:
            return [user.email for user in users]

        return cls(**_interview_fields(interview), moved_from=change.moved_from,
                   added=emails(change.added), restored=emails(change.restored),
                   withdrawn=emails(change.withdrawn), removed=emails(change.removed),
                   application_status=interview.application.status)


# Scorecards.


class RatingIn(Body):
    """One competency's rating: a score of 1 to 4, or null when not assessed."""

    score: Annotated[int, Field(ge=scale.LOWEST, le=scale.HIGHEST)] | None = Field(
        description="1-4, or null for not assessed.")
    evidence: text(MAX_TEXT) = ""


class ScorecardDraft(Body):
    """A scorecard's answers, saved as a draft; competencies left out are unanswered."""

    version: Id = Field(description="The version the answers started from.")
    ratings: dict[Key, RatingIn] = Field(default_factory=dict,
                                         description="By competency key.")
    recommendation: Recommendation | None = None
    takeaways: text(MAX_TEXT) = ""
    private_note: text(MAX_TEXT) = ""

    def answers(self) -> Answers:
        """Return the answers as the services take them: null scores are not assessed."""
        return Answers(
            ratings={key: RatingAnswer(score=r.score, not_assessed=r.score is None,
                                       evidence=r.evidence.strip())
                     for key, r in self.ratings.items()},
            recommendation=self.recommendation, takeaways=self.takeaways.strip(),
            private_note=self.private_note.strip())


class SubmitIn(Body):
    """Submit the scorecard's stored answers."""

    version: Id
    confirm_warnings: bool = Field(default=False, description="Submit despite warnings.")


class RatingOut(BaseModel):
    """One competency's rating on a scorecard."""

    score: int | None
    not_assessed: bool
    evidence: str


class ScorecardOut(BaseModel):
    """An interviewer's scorecard."""

    id: int
    interview_id: int
    application_id: int
    stage: str
    interviewer: str = Field(description="The interviewer's email.")
    status: ScorecardStatus
    version: int
    rubric: str
    rubric_version: int
    ratings: dict[str, RatingOut]
    recommendation: Recommendation | None
    takeaways: str
    private_note: str | None = Field(description="Null unless the caller may read it.")
    updated_at: Timestamp
    submitted_at: Timestamp | None

    @classmethod
    def of(cls, scorecard: Scorecard, private_note: bool) -> ScorecardOut:
        """Return the answer describing a scorecard, with its private note if it may be read."""
        interview, version = scorecard.interview, scorecard.interview.rubric_version
        return cls(
            id=scorecard.id, interview_id=interview.id, application_id=interview.application_id,
            stage=interview.stage_key, interviewer=scorecard.interviewer.email,
            status=scorecard.status, version=scorecard.version, rubric=version.key,
            rubric_version=version.version,
            ratings={r.competency_key: RatingOut(score=r.score, not_assessed=r.not_assessed,
                                                 evidence=r.evidence)
                     for r in sorted(scorecard.ratings, key=lambda r: r.competency_key)},
            recommendation=scorecard.recommendation, takeaways=scorecard.takeaways,
            private_note=scorecard.private_note if private_note else None,
            updated_at=scorecard.updated_at, submitted_at=scorecard.submitted_at)


class ScorecardSaved(BaseModel):
    """Where a draft save left the scorecard."""

    id: int
    status: ScorecardStatus
    version: int
    saved_at: Timestamp


class ScorecardSubmitted(BaseModel):
    """A submitted scorecard."""

    id: int
    status: ScorecardStatus
    version: int
    submitted_at: Timestamp | None
    repeated: bool = Field(description="True when it was submitted before: nothing changed.")


# The committee.


class CompetencySummary(BaseModel):
    """How the panel rated one competency of a stage."""

    key: str
    title: str
    weight: float
    count: int
    mean: float | None
    min: int | None
    max: int | None
    spread: int | None
    must_pass: float | None
    required: bool = Field(description="A stage is complete only when this is rated.")


class StageSummary(BaseModel):
    """A stage's score, how sure it is, and its competencies."""

    key: str
    title: str
    weight: float
    score: float | None
    standard_error: float | None = Field(
        description="Standard error of the score, from the spread between panelists.")
    error_source: str | None = Field(description=(
        "Where the spread behind the standard error comes from: panel, history (this "
        "rubric's past panels), assumed (the policy's figure), or the panel's blended with "
        "one of the other two."))
    submitted: int
    min_panel: int
    competencies: list[CompetencySummary]


class ReasonOut(BaseModel):
    """A rule that bears on the outcome, in policy order."""

    rule: str = Field(description="veto, incomplete, not_assessed, must_pass or threshold")
    decisive: bool = Field(description="True for the rule(s) that settled the outcome.")
    message: str
    stage: str | None
    competency: str | None


class UncertaintyOut(BaseModel):
    """How sure the overall score the outcome was decided on is."""

    standard_error: float
    low: float
    high: float
    threshold: str | None = Field(description=(
        "The policy threshold (strong_hire_at, hire_at, strong_no_hire_below) inside the "
        "interval, nearest the score; null when none is."))
    confidence: float = Field(description="How often the interval holds the score (0.9).")


class FlipOut(BaseModel):
    """One rating that, moved by one point, would change the outcome."""

    model_config = ConfigDict(serialize_by_alias=True, populate_by_name=True)

    stage: str
    competency: str
    interviewer_id: int
    before: int = Field(alias="from")
    after: int = Field(alias="to")
    outcome: Outcome
    message: str


class DisagreementOut(BaseModel):
    """Something the panel disagrees on."""

    kind: str
    stage: str
    competency: str | None
    message: str


class SummaryOut(BaseModel):
    """The recommended outcome of an application, and why."""

    application_id: int
    outcome: Outcome
    borderline: bool = Field(description=(
        "The outcome was decided by a threshold that lies inside the score's interval."))
    overall: float | None
    calibrated_overall: float | None
    decided_on: str
    uncertainty: UncertaintyOut | None
    stages: list[StageSummary]
    reasons: list[ReasonOut]
    flips: list[FlipOut] = Field(description=(
        "The single ratings that, moved by one point, would change the outcome: at most "
        "five, those that move the score least first."))
    disagreements: list[DisagreementOut]


class DecisionIn(Body):
    """The committee's decision."""

    final_outcome: FinalOutcome
    rationale: text(MAX_TEXT, 1)


class DecisionOut(BaseModel):
    """A recorded decision, beside the outcome recommended when it was made."""

    id: int
    application_id: int
    final_outcome: FinalOutcome
    recommended_outcome: Outcome
    rationale: str
    decided_by: str
    decided_at: Timestamp
    supersedes: int | None

    @classmethod
    def of(cls, decision: Decision) -> DecisionOut:
        """Return the answer describing a decision."""
        return cls(id=decision.id, application_id=decision.application_id,
                   final_outcome=decision.final_outcome,
                   recommended_outcome=decision.recommended_outcome,
                   rationale=decision.rationale, decided_by=decision.decided_by.email,
                   decided_at=decision.decided_at, supersedes=decision.supersedes_id)


# Rubrics.


class ScaleLevel(BaseModel):
    """One level of a rubric's rating scale."""

    score: int = Field(description="The score a rating gives for this level, 1-4.")
    label: str
    meaning: str


class Anchor(BaseModel):
    """What a candidate was seen to do that earns one level of a competency."""

    score: int
    behaviour: str


class CompetencyOut(BaseModel):
    """One competency a rubric assesses."""

    key: str = Field(description="The key a scorecard's ratings are given by.")
    title: str
    probe: str = Field(description="What the interviewer probes for.")
    questions: list[str]
    weight: float
    required: bool = Field(description="A stage is complete only when this is rated.")
    must_pass: float | None = Field(description="The panel mean this competency must reach "
                                    "for a hire; null when it has no bar of its own.")
    anchors: list[Anchor] = Field(description="One per level of the scale, lowest first.")


class RubricOut(BaseModel):
    """A stored version of a rubric: its scale and competencies, with their anchors."""

    key: str
    version: int = Field(description="Stored versions never change; a scorecard names the "
                         "version it is scored with (rubric, rubric_version).")
    current_version: int = Field(description="The rubric's newest version, which new "
                                 "interviews use.")
    title: str
    stage: str
    purpose: str
    created_at: Timestamp  # when this version was stored
    scale: list[ScaleLevel] = Field(description="Lowest level first.")
    competencies: list[CompetencyOut]

    @classmethod
    def of(cls, stored: RubricVersion, rubric: Rubric, current_version: int) -> RubricOut:
        """Return the answer describing a stored rubric version and its parsed content."""
        return cls(
            key=stored.key, version=stored.version, current_version=current_version,
            title=rubric.title, stage=rubric.stage, purpose=rubric.purpose,
            created_at=stored.created_at,
            scale=[ScaleLevel(score=score, label=level.label, meaning=level.meaning)
                   for score, level in sorted(rubric.scale.items())],
            competencies=[CompetencyOut(
                key=c.key, title=c.title, probe=c.probe, questions=list(c.questions),
                weight=c.weight, required=c.required, must_pass=c.must_pass,
                anchors=[Anchor(score=score, behaviour=text)
                         for score, text in sorted(c.anchors.items())])
                for c in rubric.competencies])


# Exports.


class ExportFormat(StrEnum):
    """The file formats of exports."""

    CSV = "csv"
    XLSX = "xlsx"
    JSONL = "jsonl"


class ExportFilters(BaseModel):
    """An export's format and filters, alike in a download's query and a job's body."""

    format: ExportFormat = ExportFormat.CSV
    opening: Key | None = Field(default=None, description="An opening's key.")
    since: date | None = Field(default=None, ge=EARLIEST_DAY, le=LATEST_DAY,
                               description="On or after this day (UTC), 1900-01-01 to 2999-12-31.")
    until: date | None = Field(default=None, ge=EARLIEST_DAY, le=LATEST_DAY,
                               description="On or before this day (UTC), at most 2999-12-31.")
    status: ApplicationStatus | None = None


class ExportQuery(ExportFilters, Query):
    """The format and filters of an export."""


class ExportKind(StrEnum):
    """What an export holds: one row per application, or per rating."""

    APPLICATIONS = "applications"
    RATINGS = "ratings"


class ExportJobIn(ExportFilters, Body):
    """An export to prepare in the background: what it holds, its format and filters."""

    kind: ExportKind


class ExportJobOut(BaseModel):
    """Where an export prepared in the background stands, and its file once ready."""

    id: int
    status: JobStatus = Field(description="queued, running, done, failed or expired.")
    finished: bool = Field(description="Whether it has stopped, one way or another.")
    filename: str | None = Field(description="The file's name, once done.")
    size: int | None = Field(description="The file's size in bytes, once done.")
    expires_at: Timestamp | None = Field(description="When the file is deleted.")
    error: str | None = Field(description="Why there is no file, if there is none.")
    file: str | None = Field(description="Where to download the file from, once done.")


# Analytics.


class AgreementQuery(Query):
    """Which rubric's agreement to read, and optionally one competency of it."""

    rubric: text(64, 1) = Field(description="The rubric's key (GET /rubrics/{key}).")
    competency: text(64, 1) | None = Field(
        default=None, description="One competency's key; every competency by default.")


class IntervalOut(BaseModel):
    """A 95% interval."""

    low: float
    high: float


class ReliabilityOut(BaseModel):
    """A reliability (0 to 1) with its bootstrap interval; null where there is too little data."""

    value: float | None
    interval: IntervalOut | None


class VarianceOut(BaseModel):
    """The parts of the spread of scores: candidates', interviewers' and the rest."""

    candidate: float
    rater: float
    residual: float


class AgreementOut(BaseModel):
    """How far interviewers agree on one competency, or on the stage score."""

    competency: str | None = Field(description="The competency's key; null for the stage "
                                   "score (a scorecard's weighted mean of its competencies).")
    title: str
    candidates: int = Field(description="Interviews with a score.")
    paired: int = Field(description="Of them, scored by two interviewers or more.")
    raters: int
    ratings: int
    panel_size: float | None = Field(description="Mean interviewers per candidate scored.")
    variance: VarianceOut | None
    one_rater: ReliabilityOut = Field(description=(
        "Reliability of one interviewer's score: the candidates' share of the variance, an "
        "interviewer's leniency counting as error (the analogue of ICC(1,1) and ICC(2,1))."))
    panel: ReliabilityOut = Field(description=(
        "Reliability of the mean of a panel of panel_size (ICC(1,k), ICC(2,k))."))
    consistency: float | None = Field(description=(
        "Reliability of one interviewer with leniency set aside (ICC(3,1))."))
    alpha: float | None = Field(description="Krippendorff's ordinal alpha (competencies only).")
    band: str | None = Field(description="Cicchetti's (1994) word for one_rater: poor, fair, "
                             "good or excellent.")

    @classmethod
    def of(cls, title: str, fit, band: str | None) -> AgreementOut:
        """Return the answer for one stored agreement fit."""
        def interval(low, high):
            return IntervalOut(low=low, high=high) if low is not None and high is not None \
                else None
        variance = VarianceOut(candidate=fit.candidate_variance, rater=fit.rater_variance,
                               residual=fit.residual_variance) \
            if fit.candidate_variance is not None else None
        return cls(competency=fit.competency_key or None, title=title,
                   candidates=fit.candidates, paired=fit.paired, raters=fit.raters,
                   ratings=fit.ratings, panel_size=fit.panel_size, variance=variance,
                   one_rater=ReliabilityOut(value=fit.one_rater, interval=interval(
                       fit.one_rater_low, fit.one_rater_high)),
                   panel=ReliabilityOut(value=fit.panel, interval=interval(
                       fit.panel_low, fit.panel_high)),
                   consistency=fit.consistency, alpha=fit.alpha, band=band)


class RubricAgreementOut(BaseModel):
    """A rubric's agreement as last fitted, with the window of scorecards it read."""

    rubric: str
    title: str
    window_start: Timestamp | None = Field(description="Null until the first fit.")
    window_end: Timestamp | None
    computed_at: Timestamp | None
    minimum_candidates: int = Field(description="Below this many candidates scored by two "
                                    "interviewers or more, reliabilities are null.")
    stage: AgreementOut | None
    competencies: list[AgreementOut]


class HabitOut(BaseModel):
    """One habit of an interviewer against the rubric's norm, with a 95% interval."""

    value: float | None
    low: float | None
    high: float | None
    norm: float | None
    scorecards: int
    flagged: bool = Field(description="The interval leaves the norm out, on at least ten "
                          "scorecards.")


class QuarterOut(BaseModel):
    """The interviewer's leniency over one quarter of the window."""

    start: Timestamp
    end: Timestamp
    effect: float
    error: float = Field(description="Standard error.")
    scorecards: int


class InterviewerRubricOut(BaseModel):
    """How an interviewer scores with one rubric."""

    rubric: str
    title: str
    scorecards: int
    flags: int
    leniency: HabitOut | None = Field(description=(
        "Rater effect: points above (+) or below (-) an average interviewer, from the "
        "crossed model of candidates and interviewers; the committee's calibration offset."))
    middle: HabitOut | None = Field(description="Share of ratings at the scale's inner levels.")
    spread: HabitOut | None = Field(description="Mean standard deviation within a scorecard.")
    halo: HabitOut | None = Field(description="Mean correlation between competencies.")
    contradictions: HabitOut | None = Field(description=(
        "Share of scorecards whose recommendation goes against most of their ratings."))
    on_time: HabitOut | None = Field(description="Share submitted within the overdue window.")
    median_delay_hours: float | None
    drift: list[QuarterOut] = Field(description="Leniency per quarter, oldest first.")


class InterviewerAnalyticsOut(BaseModel):
    """An interviewer's measurement with every rubric they scored in the window."""

    interviewer_id: int
    name: str
    window_start: Timestamp | None
    window_end: Timestamp | None
    computed_at: Timestamp | None
    rubrics: list[InterviewerRubricOut]


# Fairness.


class SelfIdentificationIn(Body):
    """A candidate's voluntary self-identification, as collected elsewhere: it replaces theirs."""

    answers: dict[text(64, 1), text(64, 1)] = Field(description=(
        "Answer key by question key, from the configured questionnaire (by default sex: "
        "female, male, prefer_not_to_say; race_ethnicity: the EEO-1 categories or "
        "prefer_not_to_say). A question left out is unanswered."))


class SelfIdentificationOut(BaseModel):
    """A candidate's voluntary self-identification: for the fairness role and admins only."""

    candidate_id: int
    answers: dict[str, str]
    answered_at: Timestamp | None


Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-01"])]


class ImpactQuery(Query):
    """Which applications the adverse-impact report covers, grouped by which question."""

    opening: text(64, 1) | None = Field(default=None, description="An opening's key.")
    loop: text(64, 1) | None = Field(default=None, description="A loop's key: every opening "
                                     "interviewing with it. Give an opening or a loop.")
    question: text(64, 1) = Field(default="sex", description="The self-identification "
                                  "question whose answers are the groups.")
    first: Month | None = Field(default=None, alias="from", description=(
        "Applications from this month (UTC); by default 11 months before this one."))
    last: Month | None = Field(default=None, alias="to", description=(
        "Applications until this month, included; by default this one."))


class ImpactGroupOut(BaseModel):
    """One group at one step; withheld groups carry no counts, rates or tests."""

    group: str
    withheld: bool = Field(description="Fewer than 5 reached the step, passed it or did not.")
    reached: int | None
    passed: int | None
    selection_rate: float | None
    impact_ratio: float | None = Field(description="Rate over the highest group's rate.")
    four_fifths_flag: bool | None = Field(description="Impact ratio below 0.8.")
    fisher_p: float | None = Field(description="Fisher's exact test against the highest "
                                   "group, two-sided; null for that group.")
    z: float | None = Field(description="Difference of proportions in pooled standard errors.")


class ImpactStepOut(BaseModel):
    """One step of the process: screening, a stage of the loop, or overall."""

    step: str
    title: str
    groups: list[ImpactGroupOut]


class ImpactOut(BaseModel):
    """The adverse-impact report of an opening or a loop over a period."""

    scope: str
    key: str
    question: str
    first_month: Month = Field(description="The first month of application counted.")
    last_month: Month = Field(description="The last month of application counted.")
    counted_at: Timestamp | None = Field(description="When the oldest count read was made "
                                         "(the counts are made again nightly); null when "
                                         "none was.")
    enough_data: bool = Field(description="Some step has two groups large enough to compare; "
                              "when false, no ratio is shown.")
    steps: list[ImpactStepOut]


class DifferenceOut(BaseModel):
    """One group's scores against the reference group's, on a competency or from an interviewer.

    A group with fewer than 5 scores, or compared with a reference group that has fewer, has
    no figures.
    """

    stage: str
    competency: str | None = Field(description="The competency's key; null on an "
                                   "interviewer's row.")
    interviewer: str | None = Field(description="The interviewer's name; null on a "
                                    "competency's row.")
    group: str
    reference: str
    n: int | None
    mean: float | None
    reference_n: int | None
    reference_mean: float | None
    d: float | None = Field(description="Standardised mean difference against the reference "
                            "group: negative when the group scored lower.")
    d_low: float | None = Field(description="The 95% interval of d (Hedges & Olkin).")
    d_high: float | None
    flagged: bool | None = Field(description="The interval leaves zero out and both groups "
                                 "have 20 scores or more.")


class DifferencesOut(BaseModel):
    """How the scores of a question's groups differ, per competency and interviewer."""

    scope: str
    key: str
    question: str
    first_month: Month
    last_month: Month
    counted_at: Timestamp | None
    reference: str | None = Field(description="The largest group that answered; null when "
                                  "no scored candidate answered (then no rows).")
    differences: list[DifferenceOut]


# Hire outcomes and validity.


class HireOutcomeIn(Body):
    """How a hire turned out; it replaces what was recorded, and null or left out is unknown."""

    rating_6_months: int | None = Field(default=None, description=(
        "The performance rating at 6 months: a position on the configured scale, 1 its lowest "
        "label (by default 1 Well below expectations to 5 Far exceeds expectations)."))
    rating_12_months: int | None = Field(default=None, description=(
        "The performance rating at 12 months, on the same scale."))
    employed_12_months: bool | None = Field(default=None, description=(
        "Still employed 12 months after the hire."))
    note: text(HIRE_OUTCOME_NOTE_MAX) | None = Field(default=None, description=(
        "HR's optional note; never copied into the audit trail, erased with the candidate."))


class HireOutcomeOut(BaseModel):
    """How a hire turned out, as recorded; all null before anything is."""

    application_id: int
    rating_6_months: int | None
    rating_12_months: int | None
    employed_12_months: bool | None
    note: str | None
    scale: list[str] = Field(description="The performance scale's labels, lowest (1) first.")
    recorded_at: Timestamp | None


class ValidityQuery(Query):
    """Which loop and period the validity report covers."""

    loop: text(64, 1) = Field(description="A loop's key: every opening interviewing with it.")
    first: Month | None = Field(default=None, alias="from", description=(
        "Applications from this month (UTC); by default 35 months before this one."))
    last: Month | None = Field(default=None, alias="to", description=(
        "Applications until this month, included; by default this one."))


class ValidityRowOut(BaseModel):
    """One score against one outcome among the hires."""

    outcome: str = Field(description="rating_6_months, rating_12_months or employed_12_months "
                         "(1 yes, 0 no: r is point-biserial).")
    predictor: str = Field(description="overall or score_<stage>.")
    kind: str = Field(description="raw or calibrated.")
    n: int = Field(description="Hires with both the score and the outcome.")
    enough_data: bool = Field(description="n reaches the minimum; below it r is null.")
    r: float | None
    ci_low: float | None = Field(description="95% interval of r by Fisher's z.")
    ci_high: float | None
    hired_sd: float | None
    pool_sd: float | None = Field(description="The score's SD over the loop's scored "
                                  "applications of the period; raw scores only.")
    corrected_r: float | None = Field(description="Thorndike's case II correction for range "
                                      "restriction; null without the pool's SD.")


class ValidityOut(BaseModel):
    """The validity report of a loop over a period. A small n proves nothing."""

    loop: str
    title: str
    first_month: Month
    last_month: Month
    hires: int = Field(description="Hires of the period with an outcome recorded.")
    minimum_n: int
    rows: list[ValidityRowOut]


# Users.


class UserOut(BaseModel):
    """A user account: who, with which roles, and whether it works."""

    id: int
    email: str
    name: str
    roles: list[Role] = Field(description="Every role the user holds, in alphabetical order.")
    active: bool = Field(description="False: the user cannot sign in and no token of theirs "
                         "works.")
    password_set: bool = Field(description="False for an invited user who has not chosen a "
                               "password yet.")
    created_at: Timestamp

    @classmethod
    def of(cls, user: User) -> UserOut:
        """Return the answer describing a user."""
        return cls(id=user.id, email=user.email, name=user.name, roles=sorted(user.roles),
                   active=user.active, password_set=bool(user.password_hash),
                   created_at=user.created_at)


class UsersQuery(Query):
    """What to find among the users, and the page."""

    search: text(MAX_USER_SEARCH) | None = Field(default=None, description=(
        "Part of a name or an email, in any letter case."))
    role: Role | None = Field(default=None, description="Only users holding this role.")
    active: bool | None = Field(default=None, description="Only active (true) or "
                                "deactivated (false) users.")
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    cursor: text(64) | None = Field(default=None,
                                    description="next_cursor of the previous page.")

    @field_validator("cursor")
    @classmethod
    def _known_cursor(cls, value: str | None) -> str | None:
        if value is not None:
            decode_cursor(USERS, value)
        return value


class UserPage(BaseModel):
    """A page of the users, newest first."""

    items: list[UserOut]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on "
                                                "the last one.")


Roles = Annotated[list[Role], Field(min_length=1, max_length=len(Role))]


class UserInviteIn(Body):
    """Someone to invite: an account is made and a mail sent to them."""

    email: text(254, 3) = Field(description="Stored trimmed and in lower case; must be new.")
    name: text(120) = Field(default="", description="Empty: the part of the email before @.")
    roles: Roles


class UserChangeIn(Body):
    """A change to a user; what is left out stays as it is."""

    name: text(120, 1) | None = None
    roles: Roles | None = Field(default=None, description=(
        "Every role the user is to hold. Taking the admin role from the last active admin "
        "is a conflict (409)."))
    active: bool | None = Field(default=None, description=(
        "false deactivates: every session ends and every API token is revoked at once. "
        "Deactivating the last active admin is a conflict (409)."))


class LinkSentOut(BaseModel):
    """A link mailed to a user: it works once, until expires_at."""

    to: str = Field(description="The address it was mailed to.")
    expires_at: Timestamp
