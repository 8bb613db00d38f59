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
from flask_babel import get_locale
from markupsafe import Markup

from ..core.rubric import Competency, Rubric
from .forms import (
    LEVEL_CHOICES,
    NOT_ASSESSED,
    RECOMMENDATION_CHOICES,
    SCORE_VALUES,
    ShownForm,
    field_name,
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
            score_errors, form.errors(f"{name}-evidence"), form.value(f"{name}-evidence") or ""))
    return parts


def _rendered_once(key: tuple, macro: str, *args) -> Markup:
    """Return what a macro of the template renders from these arguments, rendered once."""
    key = (str(get_locale()), *key)
    markup = _rendered.get(key)
    if markup is None:
        module = current_app.jinja_env.get_template(TEMPLATE).module
        markup = _rendered[key] = getattr(module, macro)(*args)
    return markup
