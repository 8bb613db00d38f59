"""The scorecard form, generated from a rubric version rather than written per stage."""

from __future__ import annotations

from typing import ClassVar

from flask_wtf import FlaskForm
from wtforms import Form, FormField, IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from ..core.rubric import Rubric
from ..core.scorecard import Answers, RatingAnswer, Review
from ..core.vocabulary import Recommendation

NOT_ASSESSED = "na"
MAX_TEXT = 20_000  # characters per box: pages of notes, well short of a pasted log file
SCORE_CHOICES = [SelectChoice(str(level)) for level in (1, 2, 3, 4)] + [
    SelectChoice(NOT_ASSESSED, "Not assessed")
]


class RatingForm(Form):
    """One competency's rating and evidence; part of a scorecard form."""

    score = RadioField("Rating", choices=SCORE_CHOICES, validators=[Optional()])
    evidence = TextAreaField("Evidence", validators=[Length(max=MAX_TEXT)])


class ScorecardForm(FlaskForm):
    """The fields every scorecard has; subclasses add one rating per competency."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    recommendation = RadioField(
        "Overall recommendation", validators=[Optional()],
        choices=[SelectChoice(r.value, r.label) for r in Recommendation],
    )
    takeaways = TextAreaField("Key takeaways", validators=[Length(max=MAX_TEXT)])
    private_note = TextAreaField("Private note to the hiring committee",
                                 validators=[Length(max=MAX_TEXT)])

    competency_keys: ClassVar[tuple[str, ...]] = ()

    def rating(self, key: str) -> FormField:
        """Return the subform of a competency."""
        return self[field_name(key)]

    def answers(self) -> Answers:
        """Return what the form holds as plain answers."""
        ratings = {}
        for key in self.competency_keys:
            subform = self.rating(key)
            score = subform["score"].data
            ratings[key] = RatingAnswer(
                score=int(score) if score and score != NOT_ASSESSED else None,
                not_assessed=score == NOT_ASSESSED,
                evidence=(subform["evidence"].data or "").strip(),
            )
        recommendation = self.recommendation.data
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
                self.rating(problem.field[0])[problem.field[1]].errors.append(problem.message)
            else:
                self[problem.field[0]].errors.append(problem.message)

    def error_links(self) -> list[tuple[str, str]]:
        """Return (element id, message) for every error, in the order of the form."""
        links: list[tuple[str, str]] = []
        ratings = [self.rating(key) for key in self.competency_keys]
        rest = [field for field in self if not isinstance(field, FormField)]
        for field in (*ratings, *rest):  # the order of the page
            for sub in (list(field) if isinstance(field, FormField) else [field]):
                # A radio group is reached through its first option.
                target = f"{sub.id}-0" if isinstance(sub, RadioField) else sub.id
                links += [(target, str(message)) for message in sub.errors]
        return links

    @classmethod
    def data_from(cls, answers: Answers, version: int) -> dict:
        """Return the initial data that shows these answers in a form."""
        data: dict = {
            "version": version,
            "recommendation": answers.recommendation.value if answers.recommendation else None,
            "takeaways": answers.takeaways,
            "private_note": answers.private_note,
        }
        for key in cls.competency_keys:
            answer = answers.rating(key)
            score = NOT_ASSESSED if answer.not_assessed else answer.score
            data[field_name(key)] = {"score": str(score) if score else None,
                                     "evidence": answer.evidence}
        return data


class AmendmentFields(FlaskForm):
    """What an amendment adds to the scorecard form: why it is made."""

    reason = TextAreaField("Why are you amending it?", validators=[
        DataRequired(message="Say why you are amending the submitted scorecard."),
        Length(max=2000),
    ])


def field_name(competency_key: str) -> str:
    """Return the form field name of a competency (prefixed, so it never meets a fixed field)."""
    return f"rating-{competency_key}"


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
    fields = {field_name(c.key): FormField(RatingForm, label=c.title)
              for c in rubric.competencies}
    cls = type(f"ScorecardForm_{rubric.key}", bases,
               {**fields, "competency_keys": tuple(c.key for c in rubric.competencies)})
    _classes[(version_hash, amending)] = cls
    return cls
