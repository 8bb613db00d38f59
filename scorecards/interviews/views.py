"""Pages of the interviewer: my interviews, an interview's panel, the scorecard form, the kit."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, gettext, ngettext
from flask_login import current_user, login_required

from ..auth.views import keeps_text
from ..authz import Action, can, require
from ..catalog.services import rubric_of
from ..core.rubric import Rubric
from ..core.scorecard import Answers, Contradiction, Review, find_contradiction
from ..core.vocabulary import ScorecardStatus
from ..languages import when
from ..models import Scorecard, utcnow
from ..paging import requested_page
from ..templating import recommendation_label
from . import services
from .forms import (
    MAX_REASON,
    MAX_TEXT,
    NEAR_LIMIT,
    ScorecardForm,
    ShownForm,
    characters,
    field_name,
)
from .rendering import RECOMMENDATIONS, differences, rating_parts
from .services import ScorecardClosed, StaleScorecard, SubmissionNotOpen

bp = Blueprint("interviews", __name__)

PAGE_SIZE = 50  # past interviews a page, and upcoming ones shown
SUBMIT_BUTTON = "submit-scorecard"  # the id of the form's submit button


@bp.get("/interviews")
@login_required
def mine():
    """List the signed-in user's interviews with the state of each scorecard."""
    window = timedelta(hours=current_app.config["SCORECARD_OVERDUE_HOURS"])
    found = requested_page(lambda after, before: services.my_interviews(
        current_user, utcnow(), window, PAGE_SIZE, after=after, before=before),
        "your latest interviews")
    return render_template("interviews/mine.html", found=found,
                           window_hours=window.total_seconds() / 3600)


@bp.get("/interviews/<int:interview_id>")
@login_required
def interview(interview_id: int):
    """Show an interview, and the panel's scorecards once the user's own is in."""
    found = services.load_interview(interview_id) or abort(404)
    require(current_user, Action.VIEW, found)
    mine = next((s for s in found.scorecards if s.interviewer_id == current_user.id), None)
    others = [s for s in found.scorecards
              if s is not mine and can(current_user, Action.VIEW, s)]
    return render_template(
        "interviews/interview.html", interview=found, mine=mine, others=others,
        rubric=rubric_of(found.rubric_version), answers_of=services.answers_of,
        private_notes={s.id for s in others if can(current_user, Action.VIEW_PRIVATE_NOTE, s)})


@bp.route("/scorecards/<int:scorecard_id>", methods=["GET", "POST"])
@login_required
@keeps_text
def scorecard(scorecard_id: int):
    """Show the scorecard form to its author, or the scorecard to whoever may read it."""
    scorecard, candidate = _load(scorecard_id, Action.VIEW)
    if not can(current_user, Action.EDIT, scorecard):
        if request.method == "POST" and scorecard.status == ScorecardStatus.WITHDRAWN:
            # Withdrawn while its author had the form open: what they sent comes back to copy.
            return _show(scorecard, candidate, unsaved=_posted(scorecard).answers(),
                         status=409)
        return _show(scorecard, candidate)
    if request.method == "GET":
        if scorecard.status == ScorecardStatus.SUBMITTED:
            return _show(scorecard, candidate)
        return _render_form(scorecard, candidate, _stored(scorecard), scorecard.version)
    form = _posted(scorecard)
    if not form.validate():
        return _render_form(scorecard, candidate, form.shown(),
                            form.version or scorecard.version, status=400,
                            **_still_merging(scorecard, form))
    if request.form.get("action") == "restore":
        return _render_form(scorecard, candidate, form.shown(), form.version, notice=gettext(
            "Your text is back. It is not saved yet: save the draft or submit it."))
    return _save_or_submit(scorecard, candidate, form)


def _save_or_submit(scorecard: Scorecard, candidate: str, form: ScorecardForm):
    action, version = request.form.get("action"), form.version
    answers = form.merged(services.answers_of(scorecard)) if form.merging else form.answers()
    try:
        if action not in ("submit", "confirm"):
            services.save_draft(current_user, scorecard, answers, version)
            flash(gettext("Draft saved %(time)s.", time=when(utcnow())), "success")
            return redirect(url_for(".scorecard", scorecard_id=scorecard.id))
        result = services.submit(current_user, scorecard, answers, version,
                                 confirmed=action == "confirm")
    except (StaleScorecard, ScorecardClosed):
        return _conflict(scorecard.id, form)
    except SubmissionNotOpen as refused:
        return _not_open(scorecard, candidate, form, refused)
    if result.done:
        flash(gettext("Scorecard submitted. It was already in: nothing changed.")
              if result.repeated else gettext("Scorecard submitted. Thank you."), "success")
        return redirect(url_for(".scorecard", scorecard_id=scorecard.id))
    form.show_review(result.review)
    # The answers were kept as a draft, so the form continues from the new version; a merge
    # after a conflict shows what was kept.
    return _render_form(scorecard, candidate, _shown(form, answers), scorecard.version,
                        review=result.review, answers=answers,
                        status=422 if result.review.problems else 200)


@bp.route("/scorecards/<int:scorecard_id>/amend", methods=["GET", "POST"])
@login_required
@keeps_text
def amend(scorecard_id: int):
    """Amend a submitted scorecard, with the reason kept beside the new revision."""
    scorecard, candidate = _load(scorecard_id, Action.AMEND)
    if request.method == "GET":
        return _render_form(scorecard, candidate, _stored(scorecard), scorecard.version,
                            amending=True)
    form = _posted(scorecard, amending=True)
    if request.form.get("action") == "restore" or not form.validate():
        return _render_form(scorecard, candidate, form.shown(),
                            form.version or scorecard.version, amending=True,
                            status=200 if form.errors == {} else 400,
                            **_still_merging(scorecard, form))
    answers = form.merged(services.answers_of(scorecard)) if form.merging else form.answers()
    try:
        result = services.amend(current_user, scorecard, answers, form.version,
                                form.reason, confirmed=request.form.get("action") == "confirm")
    except StaleScorecard:
        return _conflict(scorecard.id, form)
    if result.done:
        flash(gettext("Amendment saved as revision %(number)s.",
                      number=len(scorecard.revisions)), "success")
        return redirect(url_for(".scorecard", scorecard_id=scorecard.id))
    form.show_review(result.review)
    return _render_form(scorecard, candidate, _shown(form, answers), form.version,
                        review=result.review, answers=answers, amending=True,
                        status=422 if result.review.problems else 200)


@bp.post("/scorecards/<int:scorecard_id>/draft")
@login_required
def autosave(scorecard_id: int):
    """Save a draft from the page's script and answer in JSON."""
    scorecard = services.load_for_saving(scorecard_id) or abort(404)
    if scorecard.status == ScorecardStatus.WITHDRAWN and can(current_user, Action.VIEW, scorecard):
        return jsonify(error=gettext(
            "Not saved: this scorecard was withdrawn, as the interview was cancelled or you "
            "left its panel. Press Save draft to get a copy of your text.")), 409
    require(current_user, Action.EDIT, scorecard)
    form = _posted(scorecard)
    if not form.validate():
        return jsonify(error=gettext("Not saved: %(reason)s", reason=_first_error(form))), 400
    try:
        saved = services.save_draft(current_user, scorecard, form.answers(), form.version)
    except StaleScorecard as stale:
        return jsonify(error=gettext(
            "Not saved: this scorecard changed in another tab or on another device. Press "
            "Save draft to compare the two versions and choose what to keep."),
            version=stale.current.version), 409
    except ScorecardClosed:
        return jsonify(error=gettext("Not saved: this scorecard was submitted elsewhere.")), 409
    return jsonify(version=saved.version, saved_at=saved.saved_at.isoformat())


@bp.get("/scorecards/<int:scorecard_id>/kit")
@login_required
def kit(scorecard_id: int):
    """Show the interview kit: each competency to probe, with its questions, timer and notes."""
    scorecard, candidate = _load(scorecard_id, Action.VIEW)
    if scorecard.status != ScorecardStatus.WITHDRAWN:  # only its author may see a withdrawn one
        require(current_user, Action.EDIT, scorecard)
    if scorecard.status in (ScorecardStatus.SUBMITTED, ScorecardStatus.WITHDRAWN):
        flash(gettext("This scorecard is closed, so its interview kit is too."), "info")
        return redirect(url_for(".scorecard", scorecard_id=scorecard.id))
    rubric = services.rubric_for(scorecard)
    interview_minutes = current_app.config["INTERVIEW_MINUTES"]
    return render_template(
        "interviews/kit.html", scorecard=scorecard, interview=scorecard.interview,
        candidate=candidate, rubric=rubric, answers=services.answers_of(scorecard),
        interview_minutes=interview_minutes, field_name=field_name,
        minutes=services.minutes_per_competency(rubric, interview_minutes))


@bp.post("/scorecards/<int:scorecard_id>/notes")
@login_required
def kit_notes(scorecard_id: int):
    """Save the interview kit's notes as evidence in the draft, and answer in JSON."""
    scorecard = services.load_scorecard(scorecard_id) or abort(404)
    if scorecard.status == ScorecardStatus.WITHDRAWN and can(current_user, Action.VIEW, scorecard):
        return jsonify(error=gettext(
            "Not saved: this scorecard was withdrawn, as the interview was cancelled or you "
            "left its panel. Your notes are still here: copy them to keep them.")), 409
    require(current_user, Action.EDIT, scorecard)
    form = _posted(scorecard)
    if not form.validate():
        return jsonify(error=gettext("Not saved: %(problem)s", problem=_first_error(form))), 400
    try:
        saved = services.save_notes(current_user, scorecard, form.evidence_sent(), form.version)
    except StaleScorecard as stale:
        return jsonify(error=gettext(
            "Not saved: this scorecard changed in another tab or on another device. Your "
            "notes are still here."), version=stale.current.version), 409
    except ScorecardClosed:
        return jsonify(error=gettext(
            "Not saved: this scorecard was submitted elsewhere. Your notes are still here: "
            "copy them to keep them.")), 409
    return jsonify(version=saved.version, saved_at=saved.saved_at.isoformat())


def _load(scorecard_id: int, action: Action) -> tuple[Scorecard, str]:
    scorecard, candidate = services.load_page(scorecard_id) or abort(404)
    require(current_user, action, scorecard)
    return scorecard, candidate


def _posted(scorecard: Scorecard, amending: bool = False) -> ScorecardForm:
    titles = {c.key: c.title for c in services.rubric_for(scorecard).competencies}
    return ScorecardForm(titles, request.form, amending)


def _shown(form: ScorecardForm, answers: Answers) -> ShownForm:
    """Return the form showing the answers kept (merged after a conflict), with its errors."""
    shown = form.shown()
    if answers == form.answers():
        return shown
    return ShownForm({name: replace(kept, errors=shown.errors(name)) for name, kept
                      in ShownForm.of_answers(answers).fields.items()}
                     | {name: shown.fields[name] for name in ("version", "reason")
                        if name in shown.fields}, shown.links)


def _stored(scorecard: Scorecard) -> ShownForm:
    # A page load shows what is stored; no form object is needed until something is posted.
    return ShownForm.of_answers(services.answers_of(scorecard))


def _still_merging(scorecard: Scorecard, form: ScorecardForm) -> dict:
    """Return the comparison to show again when a post resolving a conflict is refused."""
    if not form.merging:
        return {}
    return {"differences": differences(services.rubric_for(scorecard), form.answers(),
                                       services.answers_of(scorecard)),
            "kept": form.kept_stored()}


def _first_error(form: ScorecardForm) -> str:
    return next((errors[0] for errors in form.errors.values() if errors),
                gettext("check the form."))


def _conflict(scorecard_id: int, form: ScorecardForm):
    """Hand the user's text back beside the copy that another tab or device stored."""
    current, candidate = services.load_page(scorecard_id)
    submitted = current.status == ScorecardStatus.SUBMITTED
    if submitted and not can(current_user, Action.AMEND, current):
        return _show(current, candidate, unsaved=form.answers(), status=409)
    message = gettext(
        "This scorecard was submitted %(time)s from another tab or device. What you sent was "
        "not saved; it is in the form below. For each field that differs, choose which version "
        "to keep, give a reason, and save the amendment; or leave this page to keep the "
        "submitted copy.", time=when(current.submitted_at)) if submitted else gettext(
        "This scorecard was saved %(time)s from another tab or device. What you sent was not "
        "saved; it is in the form below. For each field that differs, choose which version to "
        "keep, then save.", time=when(current.updated_at))
    if submitted and not form.amending:
        form = _posted(current, amending=True)
    stored = services.answers_of(current)
    return _render_form(current, candidate, form.shown(), current.version, conflict=message,
                        differences=differences(services.rubric_for(current), form.answers(),
                                                stored),
                        amending=submitted, status=409)


def _not_open(scorecard: Scorecard, candidate: str, form: ScorecardForm,
              refused: SubmissionNotOpen):
    """Say why the scorecard was not submitted, beside the button, with the answers kept."""
    shown = form.shown()
    too_early = refused.too_early
    reason = gettext("Not submitted: the interview starts %(starts)s, and its scorecard can be "
                     "submitted from %(opens)s. Your answers are saved as a draft.",
                     starts=when(too_early.starts_at), opens=when(too_early.opens_at))
    return _render_form(scorecard, candidate,
                        replace(shown, links=(*shown.links, (SUBMIT_BUTTON, reason))),
                        refused.version, status=409)


def _render_form(scorecard: Scorecard, candidate: str, form: ShownForm, version: int, *,
                 review: Review | None = None, answers: Answers | None = None,
                 notice: str | None = None, conflict: str | None = None,
                 differences=None, kept: set[str] = frozenset(), amending: bool = False,
                 status: int = 200):
    rubric = services.rubric_for(scorecard)
    ratings = rating_parts(scorecard.interview.rubric_version.content_hash, rubric, form)
    too_early = None if amending else services.submission_not_open(scorecard, utcnow())
    found = find_contradiction(rubric, answers) if review and review.warnings else None
    return render_template(
        "interviews/scorecard_form.html", scorecard=scorecard, form=form, version=version,
        interview=scorecard.interview, candidate=candidate, rubric=rubric, review=review,
        warning=_contradiction_text(found) if found else None,
        blocked=bool(review and review.problems), notice=notice, conflict=conflict,
        differences=differences, kept=kept, amending=amending, too_early=too_early, ratings=ratings,
        recommendations=RECOMMENDATIONS, counted=_counted(rubric, form, amending),
        refused=status == 400,  # the post was refused whole: nothing of it is saved
    ), status


def _contradiction_text(found: Contradiction) -> str:
    """Return the core's contradiction in words for the person who made it."""
    values = {"mean": format_decimal(round(found.mean, 1)), "against": found.against,
              "recommendation": recommendation_label(found.recommendation.value)}
    if found.ratings_low:
        return ngettext(
            "Your one rating is %(mean)s, 1 or 2, but your recommendation is "
            "%(recommendation)s.",
            "Your ratings average %(mean)s and %(against)s of your %(num)s ratings are 1 or 2, "
            "but your recommendation is %(recommendation)s.", found.rated, **values)
    return ngettext(
        "Your one rating is %(mean)s, 3 or 4, but your recommendation is "
        "%(recommendation)s.",
        "Your ratings average %(mean)s and %(against)s of your %(num)s ratings are 3 or 4, "
        "but your recommendation is %(recommendation)s.", found.rated, **values)


def _counted(rubric: Rubric, form: ShownForm,
             amending: bool) -> dict[str, tuple[int, str, bool]]:
    """Return each text box's limit, its count once near it, and whether it is over it."""
    limits = {f"{field_name(c.key)}-evidence": MAX_TEXT for c in rubric.competencies} | {
        "takeaways": MAX_TEXT, "private_note": MAX_TEXT} | (
        {"reason": MAX_REASON} if amending else {})
    # Sent by a browser, a line break is two characters, as the server counts them.
    return {name: (limit, characters(length, limit) if length >= limit * NEAR_LIMIT else "",
                   length > limit)
            for name, limit in limits.items()
            for length in [len(form.value(name) or "")]}


def _show(scorecard: Scorecard, candidate: str, unsaved=None, status: int = 200):
    return render_template(
        "interviews/scorecard.html", scorecard=scorecard, interview=scorecard.interview,
        candidate=candidate,
        rubric=services.rubric_for(scorecard), answers=services.answers_of(scorecard),
        mine=scorecard.interviewer_id == current_user.id,
        show_private=can(current_user, Action.VIEW_PRIVATE_NOTE, scorecard),
        show_history=can(current_user, Action.VIEW_HISTORY, scorecard),
        can_amend=can(current_user, Action.AMEND, scorecard), unsaved=unsaved,
        answers_from=Answers.from_document,
    ), status
