"""The competencies of the scorecard form, with the rubric's text rendered once per state.

Most of the form is the rubric's text: each competency's title, what to probe, example
questions, and a radio button, label and anchor for every level. A request changes only
which button is checked and whether the rating shows errors, so these parts are rendered
once per process, language, rubric version and state by the macros of interviews/_rubric_text.html,
and the form is rendered around them on every request. The only request value that picks a
state is the choice shown, and one that is no choice shows none checked, as the form itself
would: the cache holds rubric text alone, in at most thirteen states per competency.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale, gettext
from markupsafe import Markup

from ..core.rubric import Competency, Rubric
from ..core.scorecard import Answers, RatingAnswer
from .forms import (
    LEVEL_CHOICES,
    NOT_ASSESSED,
    RECOMMENDATION_CHOICES,
    SCORE_VALUES,
    ShownForm,
    evidence_label,
    field_name,
    note_label,
)

TEMPLATE = "interviews/_rubric_text.html"
# (element id, value, label) of each recommendation's radio button.
RECOMMENDATIONS = tuple((f"recommendation-{index}", value, label)
                        for index, (value, label) in enumerate(RECOMMENDATION_CHOICES))
# By the language, the rubric version's content hash, the competency, and the part with its
# state: the rubric's text is as written, the words around it are in the reader's language.
_rendered: dict[tuple, Markup] = {}


@dataclass(frozen=True)
class RatingPart:
    """One competency's part of the form as a request shows it."""

    competency: Competency
    name: str  # the fieldset's id
    score_id: str
    evidence_id: str
    intro: Markup  # title, what to probe, example questions
    choices: Markup  # the radio buttons, the shown one checked
    score_errors: tuple[str, ...]
    evidence_errors: tuple[str, ...]
    evidence: str
    rated: bool  # a level or "Not assessed" is chosen


def rating_parts(version_hash: str, rubric: Rubric, form: ShownForm) -> list[RatingPart]:
    """Return each competency's part of the form showing these values and errors."""
    if current_app.jinja_env.auto_reload:  # templates are being edited: render them afresh
        _rendered.clear()
    parts = []
    for competency in rubric.competencies:
        name = field_name(competency.key)
        score_errors = form.errors(f"{name}-score")
        chosen = form.value(f"{name}-score")
        chosen = chosen if chosen in SCORE_VALUES else None
        parts.append(RatingPart(
            competency, name, f"{name}-score", f"{name}-evidence",
            _rendered_once((version_hash, competency.key), "intro", competency),
            _rendered_once((version_hash, competency.key, chosen, bool(score_errors)),
                           "choices", f"{name}-score", LEVEL_CHOICES, NOT_ASSESSED,
                           rubric.scale, competency.anchors, chosen, bool(score_errors)),
            score_errors, form.errors(f"{name}-evidence"), form.value(f"{name}-evidence") or "",
            chosen is not None))
    return parts


@dataclass(frozen=True)
class Difference:
    """A field on which the person's version and the stored one differ, as the page shows it."""

    name: str  # the form field's name; its choice is posted as "keep-" + name
    label: str
    mine: str
    stored: str
    text: bool  # free text, shown with its line breaks


def differences(rubric: Rubric, mine: Answers, stored: Answers) -> list[Difference]:
    """Return the fields whose values differ between two versions, in the order of the page."""
    found = []
    for competency in rubric.competencies:
        name, ours, theirs = (field_name(competency.key), mine.rating(competency.key),
                              stored.rating(competency.key))
        if (ours.score, ours.not_assessed) != (theirs.score, theirs.not_assessed):
            found.append(Difference(
                f"{name}-score", gettext("Rating for %(competency)s", competency=competency.title),
                _score(rubric, ours), _score(rubric, theirs), False))
        if ours.evidence != theirs.evidence:
            found.append(Difference(f"{name}-evidence", evidence_label(competency.title),
                                    ours.evidence, theirs.evidence, True))
    if mine.recommendation != stored.recommendation:
        found.append(Difference("recommendation", gettext("Overall recommendation"),
                                _recommendation(mine), _recommendation(stored), False))
    for name in ("takeaways", "private_note"):
        if getattr(mine, name) != getattr(stored, name):
            found.append(Difference(name, note_label(name), getattr(mine, name),
                                    getattr(stored, name), True))
    return found


def _score(rubric: Rubric, answer: RatingAnswer) -> str:
    if answer.not_assessed:
        return gettext("Not assessed")
    if answer.score is None:
        return gettext("No rating")
    return gettext("%(level)s: %(label)s", level=answer.score,
                   label=rubric.scale[answer.score].label)


def _recommendation(answers: Answers) -> str:
    labels = dict(RECOMMENDATION_CHOICES)
    return labels[answers.recommendation.value] if answers.recommendation \
        else gettext("No recommendation")


def _rendered_once(key: tuple, macro: str, *args) -> Markup:
    """Return what a macro of the template renders from these arguments, rendered once."""
    key = (str(get_locale()), *key)
    markup = _rendered.get(key)
    if markup is None:
        module = current_app.jinja_env.get_template(TEMPLATE).module
        markup = _rendered[key] = getattr(module, macro)(*args)
    return markup
