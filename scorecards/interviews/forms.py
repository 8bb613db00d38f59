"""The scorecard form, generated from a rubric version: read from a post, shown with its errors.

Each competency has a score (a level, "Not assessed" or nothing) and an evidence box; then
come the overall recommendation, the notes and, when amending, the reason. The page renders
the form with its own template, and its script posts it several times a minute while people
type, so a post is read here field by field: binding a WTForms field per input cost more
than the rest of an autosave (bench/scorecard_page.py). The messages are WTForms' own, and
the token is checked with Flask-WTF's validate_csrf, as a FlaskForm checks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.datastructures import MultiDict
from wtforms import ValidationError

from ..core.scale import LEVELS
from ..core.scorecard import Answers, RatingAnswer, Review
from ..core.vocabulary import Recommendation

NOT_ASSESSED = "na"
MAX_TEXT = 20_000  # characters per box: pages of notes, well short of a pasted log file
MAX_REASON = 2_000
LEVEL_CHOICES = tuple((level, str(level)) for level in LEVELS)  # (level, the field's value)
SCORE_VALUES = frozenset({*(value for _, value in LEVEL_CHOICES), NOT_ASSESSED})
RECOMMENDATION_CHOICES = tuple((r.value, r.label) for r in Recommendation)
_RECOMMENDATION_VALUES = frozenset(value for value, _ in RECOMMENDATION_CHOICES)
_NOTES = ("takeaways", "private_note")

REQUIRED = "This field is required."
NOT_A_NUMBER = "Not a valid integer value."
NOT_A_CHOICE = "Not a valid choice."
NO_REASON = "Say why you are amending the submitted scorecard."


def _too_long(limit: int) -> str:
    return f"Field cannot be longer than {limit} characters."


@dataclass(frozen=True)
class Shown:
    """One field as the page shows it: the value to put back and the messages beside it."""

    value: str | None = None
    errors: tuple[str, ...] = ()


BLANK = Shown()


@dataclass(frozen=True)
class ShownForm:
    """What the scorecard form shows: each field's value and errors, and the error summary."""

    fields: dict[str, Shown] = field(default_factory=dict)  # by field name
    links: tuple[tuple[str, str], ...] = ()  # (element id, message), in the order of the page

    def value(self, name: str) -> str | None:
        """Return the value shown in a field."""
        return self.fields.get(name, BLANK).value

    def errors(self, name: str) -> tuple[str, ...]:
        """Return the messages shown beside a field."""
        return self.fields.get(name, BLANK).errors

    @classmethod
    def of_answers(cls, answers: Answers) -> ShownForm:
        """Return the form showing stored answers, without errors."""
        fields = {}
        for key, answer in answers.ratings.items():
            score = NOT_ASSESSED if answer.not_assessed else answer.score
            fields[f"{field_name(key)}-score"] = Shown(str(score) if score else None)
            fields[f"{field_name(key)}-evidence"] = Shown(answer.evidence)
        recommendation = answers.recommendation.value if answers.recommendation else None
        return cls(fields | {"recommendation": Shown(recommendation),
                             "takeaways": Shown(answers.takeaways),
                             "private_note": Shown(answers.private_note)})


class ScorecardForm:
    """A posted scorecard form: what each field holds, and what is wrong with it."""

    def __init__(self, competency_keys: Sequence[str], formdata: MultiDict,
                 amending: bool = False):
        self.competency_keys = tuple(competency_keys)
        self.amending = amending
        self.formdata = formdata
        self.data: dict[str, str | None] = {name: formdata.get(name)
                                            for name in self.field_names()}
        self.errors: dict[str, list[str]] = {}

    def field_names(self) -> list[str]:
        """Return the names of the form's fields in the order of the page."""
        ratings = [f"{field_name(key)}-{part}" for key in self.competency_keys
                   for part in ("score", "evidence")]
        return [*ratings, "version", "recommendation", *_NOTES,
                *(["reason"] if self.amending else [])]

    def validate(self) -> bool:
        """Check the token and every field; return whether the form holds no error.

        A bad token raises CSRFError, which the app answers as it answers CSRFProtect.
        """
        if current_app.config["WTF_CSRF_ENABLED"]:
            try:
                validate_csrf(self.formdata.get("csrf_token"))
            except ValidationError as refused:
                raise CSRFError(refused.args[0]) from None
        version = (self.data["version"] or "").strip()
        if not version.isascii() or not version.isdigit():
            self.errors["version"] = [NOT_A_NUMBER if version else REQUIRED]
        scores = [f"{field_name(key)}-score" for key in self.competency_keys]
        for name, allowed in [(name, SCORE_VALUES) for name in scores] + [
                ("recommendation", _RECOMMENDATION_VALUES)]:
            value = self.data[name]
            # Blank is no choice, as WTForms' Optional() has it; anything else must match.
            if value is not None and value.strip() and value not in allowed:
                self.errors[name] = [NOT_A_CHOICE]
        texts = [f"{field_name(key)}-evidence" for key in self.competency_keys]
        for name in (*texts, *_NOTES):
            if len(self.data[name] or "") > MAX_TEXT:
                self.errors[name] = [_too_long(MAX_TEXT)]
        if self.amending and not self.reason.strip():
            self.errors["reason"] = [NO_REASON]
        elif self.amending and len(self.reason) > MAX_REASON:
            self.errors["reason"] = [_too_long(MAX_REASON)]
        return not self.errors

    @property
    def version(self) -> int | None:
        """Return the version the form was loaded at, if the post holds a valid one."""
        version = (self.data["version"] or "").strip()
        return int(version) if version.isascii() and version.isdigit() else None

    @property
    def reason(self) -> str:
        """Return the reason given for an amendment, as typed."""
        return self.data.get("reason") or ""

    def answers(self) -> Answers:
        """Return what the form holds as plain answers."""
        ratings = {}
        for key in self.competency_keys:
            name = field_name(key)
            score = (self.data[f"{name}-score"] or "").strip()
            ratings[key] = RatingAnswer(
                score=int(score) if score and score != NOT_ASSESSED else None,
                not_assessed=score == NOT_ASSESSED,
                evidence=(self.data[f"{name}-evidence"] or "").strip(),
            )
        recommendation = (self.data["recommendation"] or "").strip()
        return Answers(
            ratings=ratings,
            recommendation=Recommendation(recommendation) if recommendation else None,
            takeaways=(self.data["takeaways"] or "").strip(),
            private_note=(self.data["private_note"] or "").strip(),
        )

    def evidence_sent(self) -> dict[str, str]:
        """Return the evidence of each competency whose box the post holds, by key."""
        return {key: (self.data[f"{field_name(key)}-evidence"] or "").strip()
                for key in self.competency_keys
                if self.data[f"{field_name(key)}-evidence"] is not None}

    def show_review(self, review: Review) -> None:
        """Attach the problems of a review to the fields they are about."""
        for problem in review.problems:
            key = problem.field[0]
            name = f"{field_name(key)}-{problem.field[1]}" if key in self.competency_keys \
                else key
            self.errors.setdefault(name, []).append(problem.message)

    def error_links(self) -> list[tuple[str, str]]:
        """Return (element id, message) for every error, in the order of the page."""
        links: list[tuple[str, str]] = []
        for name in self.field_names():
            # A radio group is reached through its first option.
            radio = name == "recommendation" or name.endswith("-score")
            links += [(f"{name}-0" if radio else name, message)
                      for message in self.errors.get(name, ())]
        return links

    def shown(self) -> ShownForm:
        """Return what the page shows of this form: the values sent back and their errors."""
        fields = {name: Shown(self.data[name], tuple(self.errors.get(name, ())))
                  for name in self.field_names()}
        return ShownForm(fields, tuple(self.error_links()))


RATING_PREFIX = "rating-"


def field_name(competency_key: str) -> str:
    """Return the form field name of a competency (prefixed, so it never meets a fixed field).

    Its rating and evidence are the fields named this plus "-score" and "-evidence".
    """
    return f"{RATING_PREFIX}{competency_key}"
