"""REST API routes: each loads, authorizes through authz, calls a service and answers JSON."""

from __future__ import annotations

import io
from functools import cache
from http import HTTPStatus
from importlib import resources
from itertools import chain
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    send_from_directory,
    stream_with_context,
    url_for,
)

from ..analytics import services as analytics
from ..authz import Action, Area, can, require
from ..catalog.services import rubric_of, rubric_version
from ..committee.services import DecisionRefused, candidate_summary, record_decision
from ..core.variance import MIN_CANDIDATES
from ..core.vocabulary import JobStatus
from ..downloads import content_disposition
from ..exports import jobs as export_jobs
from ..exports.services import ExportError, ExportFilter, export
from ..extensions import csrf, db
from ..fairness import differences as fairness_differences
from ..fairness import reports as fairness_reports
from ..fairness import services as fairness
from ..fairness import validity as fairness_validity
from ..hr.services import candidates, openings, outcomes, scheduling, search
from ..hr.services.fields import PipelineError
from ..interviews import services as interviews
from ..interviews.services import ScorecardClosed, StaleScorecard, SubmissionNotOpen
from ..jobs import services as jobs
from ..models import Candidate, Interview, Scorecard, utcnow
from ..packets.services import candidate_packet
from ..privacy.services import erase_candidate
from ..proxy import external_url
from ..users import services as accounts
from . import errors, services
from .auth import api_user, identify
from .errors import ApiProblem, FieldProblem, problem_response
from .openapi import Api, Binary
from .schemas import (
    AgreementOut,
    AgreementQuery,
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    ApplicationsQuery,
    CandidateConflict,
    CandidateFound,
    CandidateIn,
    CandidateOut,
    CandidatePage,
    CandidatesQuery,
    DecisionIn,
    DecisionOut,
    DifferenceOut,
    DifferencesOut,
    ExportJobIn,
    ExportJobOut,
    ExportQuery,
    HireOutcomeIn,
    HireOutcomeOut,
    ImpactGroupOut,
    ImpactOut,
    ImpactQuery,
    ImpactStepOut,
    InterviewChanged,
    InterviewChangeIn,
    InterviewerAnalyticsOut,
    InterviewerRubricOut,
    InterviewIn,
    InterviewOut,
    LinkSentOut,
    NoteIn,
    OpeningIn,
    OpeningList,
    OpeningOut,
    OpeningsQuery,
    QuarterOut,
    RubricAgreementOut,
    RubricOut,
    ScorecardDraft,
    ScorecardOut,
    ScorecardSaved,
    ScorecardSubmitted,
    SelfIdentificationIn,
    SelfIdentificationOut,
    SubmitIn,
    SummaryOut,
    UserChangeIn,
    UserInviteIn,
    UserOut,
    UserPage,
    UsersQuery,
    ValidityOut,
    ValidityQuery,
    ValidityRowOut,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, never cookies: nothing for a forged cross-site request to ride on.
csrf.exempt(bp)
errors.register(bp)

api = Api(bp, title="Scorecards API", version="1", description=(
    "Structured-interview scorecards: openings, candidates, applications, interviews, "
    "scorecards, rubrics, the committee's summary and decision, packets and exports. Errors "
    "are RFC 9457 problem details. Every time in an answer is RFC 3339 in UTC with Z and "
    "whole seconds (2026-10-14T04:42:08Z); times sent carry an offset. The reference is "
    "browsable at /api/v1/docs."),
    tags={
        "openings": "Job requisitions, each interviewing with a stored loop.",
        "candidates": "People and their personal data, found by name, email or opening; "
                      "deleting one erases it.",
        "applications": "A candidate applying to an opening, and its interviews.",
        "interviews": "Moving, re-staffing, cancelling and annotating interviews.",
        "scorecards": "Each interviewer's ratings, saved as drafts and submitted.",
        "rubrics": "The stored rubric versions scorecards are rated with.",
        "committee": "The recommended outcome, the decision and the PDF packet.",
        "exports": "Applications and ratings as CSV, XLSX or JSON lines: streamed, or for "
                   "large exports prepared as a job to poll and download.",
        "fairness": "Voluntary self-identification: imported by HR, read only by the "
                    "fairness role and admins, every read audited.",
        "analytics": "Agreement between interviewers and each interviewer's scoring habits, "
                     "as the last fit of the measurement models found them.",
        "users": "User accounts, for admins: finding, inviting, changing roles, "
                 "deactivating and password resets; every change audited.",
    },
    # The team running the service answers for it; the document comes with no licence to
    # reuse the service's data or code.
    contact={"name": "The Scorecards team of this organisation"},
    license={"name": "Proprietary", "identifier": "LicenseRef-Proprietary"})

STALE = "urn:scorecards:problem:stale-scorecard"
NOT_SUBMITTABLE = "urn:scorecards:problem:not-submittable"
NOT_OPEN = "urn:scorecards:problem:submission-not-open"
REFUSED = "urn:scorecards:problem:refused"
CANDIDATE_EXISTS = "urn:scorecards:problem:candidate-exists"
INTERVIEW_CONFLICT = "urn:scorecards:problem:interview-{reason}"  # see InterviewConflict
EXPORT_TOO_LARGE = "urn:scorecards:problem:export-too-large"
EXPORT_MIMETYPES = ("text/csv", "application/x-ndjson",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.before_request
def _authenticate() -> None:
    if not api.is_public(request.endpoint):
        identify()


@bp.get("/openapi.json")
def openapi():
    """Answer the OpenAPI 3.1 document of this API."""
    return jsonify(_document())


@cache
def _document() -> dict:
    return api.document()


# The reference page: Swagger UI, whose files ship in the flask-swagger-ui package (only its
# files are used, not its blueprint, whose page starts Swagger UI from an inline script).
SWAGGER_UI = Path(str(resources.files("flask_swagger_ui").joinpath("dist")))
SWAGGER_UI_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "LICENSE"})
ASSET_MAX_AGE = 24 * 3600  # the files change only when the package is upgraded


@bp.get("/docs")
def docs():
    """Show the API reference, rendered in the browser from the OpenAPI document."""
    return render_template("api/docs.html")


@bp.get("/docs/assets/<name>")
def docs_asset(name: str):
    """Send one of Swagger UI's files, from the installed package."""
    if name not in SWAGGER_UI_FILES:
        abort(404)
    return send_from_directory(SWAGGER_UI, name, max_age=ASSET_MAX_AGE,
                               mimetype="text/plain" if name == "LICENSE" else None)


api.public.update({"openapi", "docs", "docs_asset"})


def _refused(error: ValueError) -> ApiProblem:
    field = getattr(error, "field", None)
    return ApiProblem(422, str(error), type=REFUSED, errors=[
        FieldProblem(field=field, message=str(error), location="body")] if field else None)


# Openings.


@api.operation("GET", "/openings", summary="List the openings", tag="openings",
               query=OpeningsQuery, answers={200: OpeningList})
def list_openings(query: OpeningsQuery):
    """Newest first, a page at a time; for HR, admins and the committee."""
    if not services.may_list_applications(api_user()):
        abort(404)
    page = services.openings(limit=query.limit, cursor=query.cursor)
    return OpeningList(items=[OpeningOut.of(o) for o in page.items],
                       next_cursor=page.next_cursor)


@api.operation("POST", "/openings", summary="Create an opening", tag="openings",
               body=OpeningIn, answers={201: OpeningOut})
def create_opening(body: OpeningIn):
    """For HR and admins; the opening interviews with the newest version of the loop."""
    try:
        opening = openings.create_opening(api_user(), body.key, body.title, body.loop, body.team,
                                          hiring_manager=body.hiring_manager,
                                          hr_contact=body.hr_contact)
    except PipelineError as error:
        raise _refused(error) from None
    return OpeningOut.of(opening)


# Candidates.


@api.operation("POST", "/candidates", summary="Add a candidate", tag="candidates",
               body=CandidateIn, answers={201: CandidateOut},
               problem_models={409: CandidateConflict})
def add_candidate(body: CandidateIn):
    """For HR and admins. The email is stored trimmed and in lower case.

    An email that a candidate on file has already, compared without case, is refused with
    409: the problem's candidate_id names that candidate, to apply rather than add again.
    Erased candidates keep no email, so they never match.
    """
    try:
        candidate = candidates.add_candidate(api_user(), body.name, body.email, body.phone,
                                     body.location)
    except candidates.CandidateExists as exists:
        return _candidate_exists(exists)
    except PipelineError as error:
        raise _refused(error) from None
    return CandidateOut.of(candidate)


def _candidate_exists(exists: candidates.CandidateExists) -> Response:
    # ApiProblem carries only the members every problem has; this one names the candidate.
    return problem_response(CandidateConflict(
        type=CANDIDATE_EXISTS, title=HTTPStatus.CONFLICT.phrase, status=409, detail=str(exists),
        errors=[FieldProblem(field="email", message=f"candidate {exists.candidate_id} has "
                             "this email", location="body")],
        candidate_id=exists.candidate_id))


@api.operation("GET", "/candidates", summary="Find candidates", tag="candidates",
               query=CandidatesQuery, answers={200: CandidatePage})
def find_candidates(query: CandidatesQuery):
    """For HR and admins: candidates by name, email or the title of an opening applied to.

    Newest first, a page at a time. Each word of q must match a whole word of the
    candidate's name or email or of an opening's title they applied to, the last word may be
    the start of one, and accents and case do not matter. A q with an @ finds the emails
    that begin with it. Erased candidates are never found.
    """
    try:
        page = search.search_candidates(api_user(), query.q, limit=query.limit,
                                        cursor=query.cursor)
    except search.SearchError as error:
        raise ApiProblem(400, str(error), type=errors.INVALID, errors=[
            FieldProblem(field=error.field, message=str(error), location="query")]) from None
    return CandidatePage(items=[CandidateFound.of(c) for c in page.candidates],
                         next_cursor=page.next_cursor)


@api.operation("GET", "/candidates/<int:candidate_id>", summary="Read a candidate",
               tag="candidates", answers={200: CandidateOut})
def get_candidate(candidate_id: int):
    """For HR and admins: personal data and applications."""
    require(api_user(), Action.VIEW, Area.PIPELINE)
    return CandidateOut.of(db.session.get(Candidate, candidate_id) or abort(404))


@api.operation("DELETE", "/candidates/<int:candidate_id>", summary="Erase a candidate",
               tag="candidates", answers={204: None})
def erase(candidate_id: int):
    """Erase the candidate's personal data and what was written about them; scores stay."""
    try:
        erase_candidate(api_user(), candidate_id)
    except LookupError:
        abort(404)
    return None, 204


# Applications.


@api.operation("GET", "/applications", summary="List applications", tag="applications",
               query=ApplicationsQuery, answers={200: ApplicationPage})
def list_applications(query: ApplicationsQuery):
    """Oldest first, a page at a time; leaves out applications the caller owes a scorecard on."""
    actor = api_user()
    if not services.may_list_applications(actor):
        abort(404)
    page = services.applications(actor, opening=query.opening, status=query.status,
                                 limit=query.limit, cursor=query.cursor, offset=query.offset)
    return ApplicationPage(items=[ApplicationOut.of(a) for a in page.items],
                           next_cursor=page.next_cursor)


@api.operation("POST", "/applications", summary="Apply a candidate to an opening",
               tag="applications", body=ApplicationIn, answers={201: ApplicationOut})
def create_application(body: ApplicationIn):
    """For HR and admins."""
    actor = api_user()
    require(actor, Action.VIEW, Area.PIPELINE)
    candidate = db.session.get(Candidate, body.candidate_id)
    opening = openings.opening_by_key(body.opening)
    missing = [FieldProblem(field=name, message=f"there is no {name.replace('_id', '')} "
                            f"{value}", location="body")
               for name, value, found in (("candidate_id", body.candidate_id, candidate),
                                          ("opening", body.opening, opening)) if found is None]
    if missing:
        raise ApiProblem(422, "The application names what does not exist.", errors=missing)
    try:
        application = candidates.apply(actor, candidate, opening, body.source, body.referrer,
                               body.applied_at)
    except PipelineError as error:
        raise _refused(error) from None
    return ApplicationOut.of(application)


@api.operation("GET", "/applications/<int:application_id>", summary="Read an application",
               tag="applications", answers={200: ApplicationOut})
def get_application(application_id: int):
    """For those who oversee it: the committee, HR and admins not owing a scorecard on it."""
    application = candidates.load_application(application_id) or abort(404)
    require(api_user(), Action.VIEW, application)
    return ApplicationOut.of(application)


@api.operation("POST", "/applications/<int:application_id>/interviews",
               summary="Schedule an interview", tag="applications", body=InterviewIn,
               answers={201: InterviewOut})
def schedule_interview(application_id: int, body: InterviewIn):
    """For HR and admins; each panelist gets a scorecard, listed in the answer."""
    actor = api_user()
    application = candidates.load_application(application_id) or abort(404)
    require(actor, Action.MANAGE, application)
    try:
        panel = scheduling.find_interviewers(body.panel)
        interview = scheduling.schedule_interview(actor, application, body.stage,
                                                  body.scheduled_at, panel)
    except PipelineError as error:
        raise _refused(error) from None
    return InterviewOut.of(interview)


# Interviews: reading, moving, changing the panel, cancelling, annotating.


def _interview(interview_id: int) -> Interview:
    interview = scheduling.load_interview(interview_id) or abort(404)
    require(api_user(), Action.MANAGE, interview.application)
    return interview


def _conflict(error: scheduling.InterviewConflict) -> ApiProblem:
    return ApiProblem(409, str(error), type=INTERVIEW_CONFLICT.format(reason=error.reason),
                      errors=[FieldProblem(field=error.field, message=str(error),
                                           location="body")] if error.field else None)


@api.operation("GET", "/interviews/<int:interview_id>", summary="Read an interview",
               tag="interviews", answers={200: InterviewOut})
def get_interview(interview_id: int):
    """For HR and admins: its time, note, whether it was cancelled, and every panel seat."""
    return InterviewOut.of(_interview(interview_id))


@api.operation("PATCH", "/interviews/<int:interview_id>",
               summary="Move an interview or change its panel", tag="interviews",
               body=InterviewChangeIn, answers={200: InterviewChanged}, problems=(409,))
def change_interview(interview_id: int, body: InterviewChangeIn):
    """For HR and admins; one transaction: all of it is stored, or nothing.

    A submitted scorecard pins its interview: moving it, or leaving out a panelist who
    submitted, is a conflict (409), as is changing a cancelled interview or one of a closed
    application. The answer names whose drafts were withdrawn.
    """
    interview = _interview(interview_id)
    if body.scheduled_at is None and body.panel is None:
        raise ApiProblem(422, "Give scheduled_at, panel or both.", errors=[
            FieldProblem(field=name, message="give this, the other or both", location="body")
            for name in ("scheduled_at", "panel")])
    try:
        panel = None if body.panel is None else scheduling.find_interviewers(
            body.panel, scheduling.seated(interview))
        change = scheduling.change_interview(api_user(), interview,
                                             scheduled_at=body.scheduled_at, panel=panel)
    except scheduling.InterviewConflict as conflict:
        raise _conflict(conflict) from None
    except PipelineError as error:
        raise _refused(error) from None
    return InterviewChanged.of_change(change)


@api.operation("POST", "/interviews/<int:interview_id>/cancel", summary="Cancel an interview",
               tag="interviews", answers={200: InterviewChanged}, problems=(409,))
def cancel_interview(interview_id: int):
    """For HR and admins: the interview stays on record, cancelled, and counts no more.

    Its panel's drafts are withdrawn (named in withdrawn), and the application's status is
    worked out again. An interview with a submitted scorecard is not cancelled (409).
    Cancelling a cancelled interview changes nothing and answers 200.
    """
    try:
        change = scheduling.cancel_interview(api_user(), _interview(interview_id))
    except scheduling.InterviewConflict as conflict:
        raise _conflict(conflict) from None
    return InterviewChanged.of_change(change)


@api.operation("PUT", "/interviews/<int:interview_id>/note", summary="Annotate an interview",
               tag="interviews", body=NoteIn, answers={200: InterviewOut})
def annotate_interview(interview_id: int, body: NoteIn):
    """For HR and admins: any interview takes a note, pinned or cancelled."""
    try:
        interview = scheduling.annotate_interview(api_user(), _interview(interview_id),
                                                  body.note)
    except PipelineError as error:
        raise _refused(error) from None
    return InterviewOut.of(interview)


# Scorecards.


def _scorecard(scorecard_id: int, action: Action) -> Scorecard:
    scorecard = interviews.load_scorecard(scorecard_id) or abort(404)
    require(api_user(), action, scorecard)
    return scorecard


@api.operation("GET", "/scorecards/<int:scorecard_id>", summary="Read a scorecard",
               tag="scorecards", answers={200: ScorecardOut})
def get_scorecard(scorecard_id: int):
    """For its author; a co-panelist once their own is submitted; the committee, HR, admins.

    The private note is null unless the caller may read it.
    """
    scorecard = _scorecard(scorecard_id, Action.VIEW)
    return ScorecardOut.of(scorecard, can(api_user(), Action.VIEW_PRIVATE_NOTE, scorecard))


@api.operation("PUT", "/scorecards/<int:scorecard_id>", summary="Save a scorecard's draft",
               tag="scorecards", body=ScorecardDraft, answers={200: ScorecardSaved},
               problems=(409,))
def save_draft(scorecard_id: int, body: ScorecardDraft):
    """For its author. A save from an older version than the stored one is refused (409)."""
    scorecard = _scorecard(scorecard_id, Action.EDIT)
    known = {c.key for c in interviews.rubric_for(scorecard).competencies}
    unknown = sorted(set(body.ratings) - known)
    if unknown:
        raise ApiProblem(422, f"Unknown competencies: {', '.join(unknown)}. This scorecard's "
                         f"rubric has {', '.join(sorted(known))}.", errors=[
                             FieldProblem(field=f"ratings.{key}", message="not a competency of "
                                          "this scorecard's rubric", location="body")
                             for key in unknown])
    try:
        saved = interviews.save_draft(api_user(), scorecard, body.answers(), body.version)
    except StaleScorecard as stale:
        raise _stale(stale.current) from None
    except ScorecardClosed:
        raise ApiProblem(409, "The scorecard is submitted; a draft cannot be saved over it.",
                         type=STALE, current_version=scorecard.version) from None
    return ScorecardSaved(id=scorecard_id, status=scorecard.status, version=saved.version,
                          saved_at=saved.saved_at)


@api.operation("POST", "/scorecards/<int:scorecard_id>/submit",
               summary="Submit a scorecard", tag="scorecards", body=SubmitIn,
               answers={200: ScorecardSubmitted}, problems=(409,))
def submit_scorecard(scorecard_id: int, body: SubmitIn):
    """Submit the stored answers. Submitting again changes nothing and answers 200.

    When the answers may not be submitted (422), the problems name each field, and the
    answers are kept as a draft at the version given as current_version. Before the
    interview starts, less a margin of a few minutes, the answer is 409 naming
    interview_starts_at and submission_opens_at, and nothing changes.
    """
    actor = api_user()
    scorecard = _scorecard(scorecard_id, Action.EDIT)
    try:
        result = interviews.submit(actor, scorecard, interviews.answers_of(scorecard),
                                   body.version, confirmed=body.confirm_warnings)
    except StaleScorecard as stale:
        raise _stale(stale.current) from None
    except SubmissionNotOpen as refused:
        too_early = refused.too_early
        raise ApiProblem(409, f"{too_early.message} Nothing was changed.", type=NOT_OPEN,
                         current_version=refused.version,
                         interview_starts_at=too_early.starts_at,
                         submission_opens_at=too_early.opens_at) from None
    if not result.done:
        review = result.review
        detail = ("The scorecard cannot be submitted yet." if review.problems else
                  "Confirm the warnings to submit: send confirm_warnings true.")
        raise ApiProblem(422, detail, type=NOT_SUBMITTABLE, current_version=scorecard.version,
                         warnings=list(review.warnings) or None, errors=[
                             FieldProblem(field=".".join(p.field), message=p.message,
                                          location="scorecard") for p in review.problems])
    return ScorecardSubmitted(id=scorecard_id, status=scorecard.status,
                              version=scorecard.version, submitted_at=scorecard.submitted_at,
                              repeated=result.repeated)


def _stale(current: Scorecard) -> ApiProblem:
    return ApiProblem(409, f"The scorecard changed since the version you started from; it is at "
                      f"version {current.version} ({current.status}). Nothing was saved.",
                      type=STALE, current_version=current.version)


# Rubrics.


@api.operation("GET", "/rubrics/<key>", summary="Read a rubric's current version",
               tag="rubrics", answers={200: RubricOut})
def get_rubric(key: str):
    """For anyone with a token: the version new interviews use.

    With its scale, its competencies and their anchors. The competency keys are those a
    scorecard's ratings are given by.
    """
    return _rubric(key, None)


@api.operation("GET", "/rubrics/<key>/versions/<int:version>",
               summary="Read a stored version of a rubric", tag="rubrics",
               answers={200: RubricOut})
def get_rubric_version(key: str, version: int):
    """For anyone with a token: the version a scorecard names as rubric_version."""
    return _rubric(key, version)


def _rubric(key: str, version: int | None) -> RubricOut:
    stored, current = rubric_version(key, version) or abort(404)
    return RubricOut.of(stored, rubric_of(stored), current)


# The committee.


@api.operation("GET", "/applications/<int:application_id>/summary",
               summary="Read an application's recommended outcome", tag="committee",
               answers={200: SummaryOut})
def summary(application_id: int):
    """For the committee, HR and admins: outcome, scores, reasons and disagreements."""
    found = candidate_summary(api_user(), application_id) or abort(404)
    return SummaryOut(application_id=application_id, **found.summary.to_document())


@api.operation("POST", "/applications/<int:application_id>/decision",
               summary="Record the committee's decision", tag="committee", body=DecisionIn,
               answers={201: DecisionOut})
def decide(application_id: int, body: DecisionIn):
    """For committee members who owe no scorecard on it; a new decision supersedes the last."""
    try:
        decision = record_decision(api_user(), application_id, body.final_outcome,
                                   body.rationale)
    except LookupError:
        abort(404)
    except DecisionRefused as refused:
        raise ApiProblem(422, str(refused), type=REFUSED) from None
    return DecisionOut.of(decision)


@api.operation("GET", "/applications/<int:application_id>/packet.pdf",
               summary="Download the committee's PDF packet", tag="committee",
               answers={200: Binary(("application/pdf",), "The packet.")})
def packet(application_id: int):
    """For the committee, HR and admins; private notes only for whoever may read them all."""
    found = candidate_packet(api_user(), application_id) or abort(404)
    response = send_file(io.BytesIO(found.data), mimetype=Binary.negotiate(found.mimetype),
                         etag=found.fingerprint)
    response.headers["Content-Disposition"] = content_disposition(found.filename)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# Exports.


def _export(kind: str, query: ExportQuery) -> Response:
    filters = ExportFilter(opening=query.opening, since=query.since, until=query.until,
                           status=query.status.value if query.status else None)
    try:
        if export_jobs.too_large(api_user(), kind, query.format.value, filters):
            raise ApiProblem(400, f"This export holds more than "
                             f"{current_app.config['EXPORT_JOB_ROWS']:,} rows, too many for one "
                             "answer: prepare it with POST /api/v1/export-jobs, then download "
                             "its file.", type=EXPORT_TOO_LARGE)
        found = export(api_user(), kind, query.format.value, filters)
    except ExportError as error:
        raise ApiProblem(400, str(error)) from None
    chunks = iter(found.chunks)
    first = next(chunks, b"")  # fail before the status line is sent, not halfway through
    response = Response(stream_with_context(chain([first], chunks)),
                        mimetype=Binary.negotiate(found.mimetype))
    response.headers["Content-Disposition"] = content_disposition(found.filename)
    return response


@api.operation("GET", "/exports/applications", summary="Export applications",
               tag="exports", query=ExportQuery,
               answers={200: Binary(EXPORT_MIMETYPES, "One row per application, streamed.")})
def export_applications(query: ExportQuery):
    """For HR and admins: scores, recommended and final outcomes."""
    return _export("applications", query)


@api.operation("GET", "/exports/ratings", summary="Export ratings", tag="exports",
               query=ExportQuery,
               answers={200: Binary(EXPORT_MIMETYPES, "One row per rating, streamed.")})
def export_ratings(query: ExportQuery):
    """For HR and admins: every rating of every submitted scorecard."""
    return _export("ratings", query)


@api.operation("POST", "/export-jobs", summary="Prepare an export in the background",
               tag="exports", body=ExportJobIn, answers={202: ExportJobOut})
def start_export_job(body: ExportJobIn):
    """For HR and admins, for exports of any size; poll the job, then download its file."""
    filters = ExportFilter(opening=body.opening, since=body.since, until=body.until,
                           status=body.status.value if body.status else None)
    try:
        job = export_jobs.prepare(api_user(), body.kind.value, body.format.value, filters)
    except ExportError as error:
        raise ApiProblem(400, str(error)) from None
    return _export_job(job), 202


@api.operation("GET", "/export-jobs/<int:job_id>", summary="See how an export job stands",
               tag="exports", answers={200: ExportJobOut})
def export_job(job_id: int):
    """Only the job's requester sees it."""
    return _export_job(export_jobs.export_job_of(api_user(), job_id) or abort(404))


@api.operation("GET", "/export-jobs/<int:job_id>/file", summary="Download an export job's file",
               tag="exports", problems=(409,),
               answers={200: Binary(EXPORT_MIMETYPES, "The prepared file.")})
def export_job_file(job_id: int):
    """Answers 409 while the file is being prepared, or once it failed or expired."""
    job = export_jobs.export_job_of(api_user(), job_id) or abort(404)
    if jobs.state(job) is not JobStatus.DONE:
        raise ApiProblem(409, jobs.problem(job) or "The file is still being prepared; ask "
                         "again once the job's status is done.")
    response = Response(stream_with_context(jobs.file_chunks(job)),
                        mimetype=Binary.negotiate(job.mimetype))
    response.headers["Content-Disposition"] = content_disposition(job.filename)
    response.headers["Content-Length"] = str(job.size)
    return response


def _export_job(job) -> ExportJobOut:
    state = jobs.state(job)
    done = state is JobStatus.DONE
    return ExportJobOut(
        id=job.id, status=state, finished=state not in (JobStatus.QUEUED, JobStatus.RUNNING),
        filename=job.filename if done else None, size=job.size if done else None,
        expires_at=job.expires_at if done else None, error=jobs.problem(job),
        file=url_for("api.export_job_file", job_id=job.id) if done else None)


# Analytics.


@api.operation("GET", "/analytics/agreement", summary="Read a rubric's agreement",
               tag="analytics", query=AgreementQuery, answers={200: RubricAgreementOut})
def agreement(query: AgreementQuery):
    """For HR and admins: reliabilities of one interviewer and of a panel, with intervals.

    From every scorecard submitted in the window, as the last fit found them. An unknown
    rubric or competency is a 404.
    """
    try:
        report = analytics.agreement_report(api_user(), query.rubric, query.competency)
    except LookupError as error:
        abort(404, description=str(error).capitalize() + ".")
    rubric = report.rubrics[0]
    return RubricAgreementOut(
        rubric=rubric.key, title=rubric.title, window_start=report.window_start,
        window_end=report.window_end, computed_at=report.computed_at,
        minimum_candidates=MIN_CANDIDATES,
        stage=AgreementOut.of("Stage score", rubric.stage, analytics.band(
            rubric.stage.one_rater)) if rubric.stage and query.competency is None else None,
        competencies=[AgreementOut.of(title, fit, analytics.band(fit.one_rater))
                      for title, fit in rubric.competencies])


@api.operation("GET", "/analytics/interviewers/<int:interviewer_id>",
               summary="Read an interviewer's scoring habits", tag="analytics",
               answers={200: InterviewerAnalyticsOut})
def interviewer_analytics(interviewer_id: int):
    """For HR and admins, and for interviewers about themselves: leniency, drift and habits."""
    report = analytics.interviewer_report(api_user(), interviewer_id)
    return InterviewerAnalyticsOut(
        interviewer_id=report.interviewer.id, name=report.interviewer.name,
        window_start=report.window_start, window_end=report.window_end,
        computed_at=report.computed_at,
        rubrics=[InterviewerRubricOut(
            rubric=found.key, title=found.title, scorecards=found.scorecards, flags=found.flags,
            median_delay_hours=found.figures.get("median_delay_hours"),
            drift=[QuarterOut(start=p.start, end=p.end, effect=p.effect, error=p.error,
                              scorecards=p.scorecards) for p in found.drift],
            **{name: found.figures.get(name) for name in (
                "leniency", "middle", "spread", "halo", "contradictions", "on_time")})
            for found in report.rubrics])


# Fairness.


@api.operation("PUT", "/candidates/<int:candidate_id>/self-identification",
               summary="Import a candidate's self-identification", tag="fairness",
               body=SelfIdentificationIn, answers={204: None})
def import_self_identification(candidate_id: int, body: SelfIdentificationIn):
    """For HR and admins: answers collected elsewhere replace the candidate's.

    HR may write them but never read them back. A question or answer the questionnaire does
    not have is a 422 naming the allowed ones; nothing is stored then.
    """
    try:
        fairness.record_answers(api_user(), candidate_id, body.answers, "import")
    except fairness.AnswersRefused as refused:
        raise ApiProblem(422, "Some answers are not in the questionnaire.",
                         type=errors.INVALID, errors=[
                             FieldProblem(field=f"answers.{key}", message=why, location="body")
                             for key, why in sorted(refused.problems.items())]) from None
    return None, 204


@api.operation("GET", "/candidates/<int:candidate_id>/self-identification",
               summary="Read a candidate's self-identification", tag="fairness",
               answers={200: SelfIdentificationOut})
def read_self_identification(candidate_id: int):
    """For the fairness role and admins only; every read is audited."""
    found = fairness.read_answers(api_user(), candidate_id)
    return SelfIdentificationOut(candidate_id=found.candidate_id, answers=found.answers,
                                 answered_at=found.answered_at)


@api.operation("GET", "/fairness/adverse-impact", summary="Read the adverse-impact report",
               tag="fairness", query=ImpactQuery, answers={200: ImpactOut})
def adverse_impact(query: ImpactQuery):
    """For the fairness role and admins: selection by group at each step, small groups withheld.

    Each step on its own (screening, each stage, overall), the impact ratio against the
    group with the highest rate, the four-fifths flag, Fisher's exact and Z tests. A group
    with fewer than 5 who reached a step, passed it or did not has no counts.
    """
    try:
        report = fairness_reports.impact_report(
            api_user(), opening=query.opening, loop=query.loop, item=query.question,
            **_months(query))
    except fairness_reports.ReportRefused as refused:
        raise ApiProblem(400, str(refused).capitalize() + ".", type=errors.INVALID) from None
    steps: dict[str, list] = {}
    for row in fairness_reports.report_rows(report):
        step, group, reached, passed, rate, ratio, adverse, p, z = row
        steps.setdefault(step, []).append(ImpactGroupOut(
            group=group, withheld=reached is None, reached=reached, passed=passed,
            selection_rate=rate, impact_ratio=ratio, four_fifths_flag=adverse, fisher_p=p,
            z=z))
    return ImpactOut(scope=report.scope, key=report.key, question=report.item.key,
                     first_month=report.first, last_month=report.last,
                     counted_at=report.as_of,
                     enough_data=report.enough,
                     steps=[ImpactStepOut(step=step.key, title=step.title,
                                          groups=steps.get(step.key, []))
                            for step in report.steps])


def _months(query: ImpactQuery) -> dict[str, str]:
    """Return the months a fairness report covers: those asked for, or the last twelve."""
    months, problem = fairness_reports.months_asked(query.first or "", query.last or "",
                                                    utcnow())
    if problem:
        raise ApiProblem(400, problem, type=errors.INVALID)
    return months


@api.operation("GET", "/fairness/score-differences",
               summary="Read how groups' scores differ, per competency and interviewer",
               tag="fairness", query=ImpactQuery, answers={200: DifferencesOut})
def score_differences(query: ImpactQuery):
    """For the fairness role and admins: d of each group against the largest, with intervals.

    Per competency (each application's mean over its panel) and per interviewer (each
    scorecard's mean rating). Flagged only when the 95% interval leaves zero out and both
    groups have 20 scores or more; a group with fewer than 5 has no figures.
    """
    try:
        report = fairness_differences.score_differences(
            api_user(), opening=query.opening, loop=query.loop, item=query.question,
            **_months(query))
    except fairness_reports.ReportRefused as refused:
        raise ApiProblem(400, str(refused).capitalize() + ".", type=errors.INVALID) from None
    rows = [DifferenceOut(**dict(zip(fairness_differences.CSV_HEADER, row, strict=True)))
            for row in fairness_differences.difference_rows(report)]
    return DifferencesOut(scope=report.scope, key=report.key, question=report.item.key,
                          first_month=report.first, last_month=report.last,
                          counted_at=report.as_of, reference=report.reference,
                          differences=rows)


# Hire outcomes and validity.


@api.operation("PUT", "/applications/<int:application_id>/hire-outcome",
               summary="Record how a hire turned out", tag="applications",
               body=HireOutcomeIn, answers={204: None})
def record_hire_outcome(application_id: int, body: HireOutcomeIn):
    """For HR and admins: replaces the recorded outcome of an application decided hire.

    An application whose decision in force is not hire, or a rating off the configured
    scale, is a 422 naming the field and the allowed values; nothing is stored then.
    """
    outcomes.record_outcome(api_user(), application_id, **body.model_dump())
    return None, 204


@api.operation("GET", "/applications/<int:application_id>/hire-outcome",
               summary="Read how a hire turned out", tag="applications",
               answers={200: HireOutcomeOut})
def read_hire_outcome(application_id: int):
    """For HR and admins: the recorded outcome, all null before anything is recorded."""
    found = outcomes.read_outcome(api_user(), application_id)
    return HireOutcomeOut(
        application_id=application_id, scale=list(outcomes.performance_scale()),
        **{name: getattr(found, name) if found else None for name in outcomes.FIELDS},
        recorded_at=found.recorded_at if found else None)


@api.operation("GET", "/fairness/validity", summary="Read the validity report", tag="fairness",
               query=ValidityQuery, answers={200: ValidityOut})
def validity(query: ValidityQuery):
    """For the fairness role and admins: how well a loop's scores predict hires' outcomes.

    Per outcome, score (overall and each stage) and kind (raw, calibrated): n, Pearson r with
    its 95% interval, and Thorndike's case II correction where the pool's spread is known.
    Below the minimum n, r is null: a small n proves nothing.
    """
    months, problem = fairness_reports.months_asked(query.first or "", query.last or "",
                                                    utcnow(), span=fairness_validity.DEFAULT_MONTHS)
    if problem:
        raise ApiProblem(400, problem, type=errors.INVALID)
    try:
        report = fairness_validity.validity_report(api_user(), loop=query.loop, **months)
    except fairness_reports.ReportRefused as refused:
        raise ApiProblem(400, str(refused).capitalize() + ".", type=errors.INVALID) from None
    names = ("outcome", "predictor", "kind", "n", "r", "ci_low", "ci_high", "hired_sd",
             "pool_sd", "corrected_r")
    return ValidityOut(
        loop=report.loop, title=report.title, first_month=report.first,
        last_month=report.last,
        hires=report.hires, minimum_n=fairness_validity.MIN_PAIRS,
        rows=[ValidityRowOut(**dict(zip(names, row, strict=True)),
                             enough_data=row[3] >= fairness_validity.MIN_PAIRS)
              for row in fairness_validity.report_rows(report)])


# Users.


def _account_link(token: str) -> str:
    return external_url("users.account_link", token=token)


@api.operation("GET", "/users", summary="Find users", tag="users", query=UsersQuery,
               answers={200: UserPage})
def list_users(query: UsersQuery):
    """For admins: newest first, a page at a time, by part of a name or email, role, state."""
    page = accounts.users(api_user(), search=query.search or "", role=query.role,
                          active=query.active, limit=query.limit, after=query.cursor)
    return UserPage(items=[UserOut.of(u) for u in page.rows], next_cursor=page.after)


@api.operation("GET", "/users/<int:user_id>", summary="Read a user", tag="users",
               answers={200: UserOut})
def get_user(user_id: int):
    """For admins."""
    return UserOut.of(accounts.user(api_user(), user_id))


@api.operation("POST", "/users", summary="Invite a user", tag="users", body=UserInviteIn,
               answers={201: UserOut}, problems=(409,))
def invite_user(body: UserInviteIn):
    """For admins: makes the account and mails the person an invitation.

    With password sign-in on, the mail carries a single-use link to choose a password, working
    for INVITATION_DAYS; with it off, it says to sign in with single sign-on. An email already
    taken is refused (422, naming the field); a mail that could not go is a conflict (409),
    and then no account is made.
    """
    sent = accounts.invite(api_user(), body.email, body.name, body.roles, _account_link)
    return UserOut.of(accounts.user(api_user(), sent.user_id))


@api.operation("PATCH", "/users/<int:user_id>", summary="Change a user", tag="users",
               body=UserChangeIn, answers={200: UserOut}, problems=(409,))
def change_user(user_id: int, body: UserChangeIn):
    """For admins; one transaction: all of it is stored, or nothing.

    Deactivating ends every session of the user and revokes every API token at once;
    reactivating leaves revoked tokens revoked. Changing roles takes effect on the user's next
    request. Leaving no active admin (deactivating the last, or taking their admin role) is a
    conflict (409).
    """
    if body.name is None and body.roles is None and body.active is None:
        raise ApiProblem(422, "Give name, roles or active.", errors=[
            FieldProblem(field=name, message="give at least one of these", location="body")
            for name in ("name", "roles", "active")])
    return UserOut.of(accounts.change(api_user(), user_id, roles=body.roles,
                                      active=body.active, name=body.name))


@api.operation("POST", "/users/<int:user_id>/password-reset",
               summary="Mail a user a password reset link", tag="users",
               answers={202: LinkSentOut}, problems=(409,))
def reset_password(user_id: int):
    """For admins: a single-use link to choose a new password, working PASSWORD_RESET_HOURS.

    Older links of the user stop working. A deactivated user, password sign-in turned off or
    a mail that could not go is a conflict (409).
    """
    sent = accounts.send_password_reset(api_user(), user_id, _account_link)
    return LinkSentOut(to=sent.to, expires_at=sent.expires_at), 202
