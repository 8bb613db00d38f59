"""The scorecard form, generated from a rubric version rather than written per stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..core.rubric import LEVELS, Rubric
from ..core.scorecard import Answers, RatingAnswer, Review
from ..core.vocabulary import Recommendation

NOT_ASSESSED = "na"
MAX_TEXT = 20_000  # characters per box: pages of notes, well short of a pasted log file
LEVEL_CHOICES = tuple((level, str(level)) for level in LEVELS)  # (level, the field's value)
SCORE_CHOICES = [SelectChoice(value) for _, value in LEVEL_CHOICES] + [
    SelectChoice(NOT_ASSESSED, "Not assessed")
]
RECOMMENDATION_CHOICES = [SelectChoice(r.value, r.label) for r in Recommendation]


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


class ScorecardForm(FlaskForm):
    """The fields every scorecard has; subclasses add one rating per competency."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    recommendation = RadioField(
        "Overall recommendation", validators=[Optional()],
        choices=RECOMMENDATION_CHOICES,
    )
    takeaways = TextAreaField("Key takeaways", validators=[Length(max=MAX_TEXT)])
    private_note = TextAreaField("Private note to the hiring committee",
                                 validators=[Length(max=MAX_TEXT)])

    competency_keys: ClassVar[tuple[str, ...]] = ()

    def rating(self, key: str) -> tuple[RadioField, TextAreaField]:
        """Return the score and evidence fields of a competency."""
        name = field_name(key)
        return self[f"{name}-score"], self[f"{name}-evidence"]

    def answers(self) -> Answers:
        """Return what the form holds as plain answers."""
        ratings = {}
        for key in self.competency_keys:
            score, evidence = (bound.data for bound in self.rating(key))
            score = (score or "").strip()  # blank passes Optional(): it means nothing chosen
            ratings[key] = RatingAnswer(
                score=int(score) if score and score != NOT_ASSESSED else None,
                not_assessed=score == NOT_ASSESSED,
                evidence=(evidence or "").strip(),
            )
        recommendation = (self.recommendation.data or "").strip()
        return Answers(
            ratings=ratings,
            recommendation=Recommendation(recommendation) if recommendation else None,
            takeaways=(self.takeaways.data or "").strip(),
            private_note=(self.private_note.data or "").strip(),
        )

    def show_review(self, review: Review) -> None:
        """Attach the problems of a review to the fields they are about."""
        for problem in review.problems:
            if problem.field[0] in self.competency_keys:
                score, evidence = self.rating(problem.field[0])
                bound = score if problem.field[1] == "score" else evidence
            else:
                bound = self[problem.field[0]]
            bound.errors.append(problem.message)

    def error_links(self) -> list[tuple[str, str]]:
        """Return (element id, message) for every error, in the order of the form."""
        links: list[tuple[str, str]] = []
        ratings = [bound for key in self.competency_keys for bound in self.rating(key)]
        rest = [bound for bound in self if not bound.name.startswith(RATING_PREFIX)]
        for bound in (*ratings, *rest):  # the order of the page
            # A radio group is reached through its first option.
            target = f"{bound.id}-0" if isinstance(bound, RadioField) else bound.id
            links += [(target, str(message)) for message in bound.errors]
        return links

    def shown(self) -> ShownForm:
        """Return what the page shows of this form: the values sent back and their errors."""
        fields = {bound.name: Shown(bound.data, tuple(str(message) for message in bound.errors))
                  for bound in self}
        return ShownForm(fields, tuple(self.error_links()))


class AmendmentFields(FlaskForm):
    """What an amendment adds to the scorecard form: why it is made."""

    reason = TextAreaField("Why are you amending it?", validators=[
        DataRequired(message="Say why you are amending the submitted scorecard."),
        Length(max=2000),
    ])


RATING_PREFIX = "rating-"


def field_name(competency_key: str) -> str:
    """Return the form field name of a competency (prefixed, so it never meets a fixed field).

    Its rating and evidence are the fields named this plus "-score" and "-evidence".
    """
    return f"{RATING_PREFIX}{competency_key}"


# Building a form class costs far more than filling one; rubric versions never change, so
# each is built once per process and per purpose.
_classes: dict[tuple[str, bool], type[ScorecardForm]] = {}


def scorecard_form_class(version_hash: str, rubric: Rubric,
                         amending: bool = False) -> type[ScorecardForm]:
    """Return the form class for a rubric version, built on first use."""
    cached = _classes.get((version_hash, amending))
    if cached is not None:
        return cached
    bases = (ScorecardForm, AmendmentFields) if amending else (ScorecardForm,)
    # Two plain fields per competency rather than a subform: the names are the same, and a
    # subform is a whole form to build on every post.
    fields = {}
    for competency in rubric.competencies:
        name = field_name(competency.key)
        fields[f"{name}-score"] = RadioField("Rating", choices=SCORE_CHOICES,
                                             validators=[Optional()])
        fields[f"{name}-evidence"] = TextAreaField("Evidence", validators=[Length(max=MAX_TEXT)])
    cls = type(f"ScorecardForm_{rubric.key}", bases,
               {**fields, "competency_keys": tuple(c.key for c in rubric.competencies)})
    _classes[(version_hash, amending)] = cls
    return cls
