"""The scorecard form, generated from a rubric version: read from a post, shown with its errors.

Each competency has a score (a level, "Not assessed" or nothing) and an evidence box; then
come the overall recommendation, the notes and, when amending, the reason. The page renders
the form with its own template, and its script posts it several times a minute while people
type, so a post is read here field by field: binding a WTForms field per input cost more
than the rest of an autosave (bench/scorecard_page.py). Every message names the field it is
about, since it is also read in the error summary, away from its field; the token is checked
with Flask-WTF's validate_csrf, as a FlaskForm checks it.

After a conflict (the scorecard was saved elsewhere), the post also says, for each field
that differs, whether to keep the person's version or the stored one ("keep-" + the field's
name); merged() applies those choices.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from flask import current_app
from flask_babel import format_number, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.datastructures import MultiDict
from wtforms import ValidationError

from ..core import scorecard as rules
from ..core.scale import LEVELS
from ..core.scorecard import Answers, Problem, RatingAnswer, Review
from ..core.vocabulary import Recommendation
from ..templating import RECOMMENDATION_LABELS

NOT_ASSESSED = "na"
MAX_TEXT = 20_000  # characters per box: pages of notes, well short of a pasted log file
MAX_REASON = 2_000
LEVEL_CHOICES = tuple((level, str(level)) for level in LEVELS)  # (level, the field's value)
SCORE_VALUES = frozenset({*(value for _, value in LEVEL_CHOICES), NOT_ASSESSED})
RECOMMENDATION_CHOICES = tuple((r.value, RECOMMENDATION_LABELS[r.value]) for r in Recommendation)
_RECOMMENDATION_VALUES = frozenset(value for value, _ in RECOMMENDATION_CHOICES)
_NOTES = ("takeaways", "private_note")

KEEP_PREFIX = "keep-"  # a conflict's choice of version for a field, "mine" or "stored"
KEEP_MINE, KEEP_STORED = "mine", "stored"
NEAR_LIMIT = 0.8  # a box shows its count of characters from this share of its limit


def note_label(name: str) -> str:
    """Return the label of a note box (takeaways, private_note or reason), as messages name it."""
    return {"takeaways": gettext("Key takeaways"),
            "private_note": gettext("Private note to the hiring committee"),
            "reason": gettext("The reason for amending")}[name]


def evidence_label(title: str) -> str:
    """Return the label of a competency's evidence box."""
    return gettext("Evidence for %(competency)s", competency=title)


def too_long(label: str, length: int, limit: int) -> str:
    """Return the message for a box holding more characters than its limit."""
    return gettext("%(field)s is %(length)s characters; the limit is %(limit)s.",
                   field=label, length=format_number(length), limit=format_number(limit))


def characters(length: int, limit: int) -> str:
    """Return a box's count of characters against its limit, as shown under it."""
    values = {"length": format_number(length), "limit": format_number(limit)}
    if length > limit:
        return gettext("%(length)s of %(limit)s characters: over the limit, shorten it to save",
                       **values)
    return gettext("%(length)s of %(limit)s characters", **values)


def _no_version() -> str:
    return gettext("This page was sent without a valid version number, so nothing was saved. "
                   "Copy your text, then reload the page.")


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

    def __init__(self, titles: Mapping[str, str], formdata: MultiDict, amending: bool = False):
        self.titles = dict(titles)  # each competency's title, by key, in the order of the page
        self.competency_keys = tuple(titles)
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
        if self.version is None:
            self.errors["version"] = [_no_version()]
        for key, title in self.titles.items():
            name = field_name(key)
            # Blank is no choice, as WTForms' Optional() has it; anything else must match.
            if not self._blank_or_one_of(f"{name}-score", SCORE_VALUES):
                self.errors[f"{name}-score"] = [gettext(
                    "Rating for %(competency)s: choose one of the levels shown, or Not "
                    "assessed.", competency=title)]
            self._check_length(f"{name}-evidence", MAX_TEXT, evidence_label, title)
        if not self._blank_or_one_of("recommendation", _RECOMMENDATION_VALUES):
            self.errors["recommendation"] = [gettext(
                "Overall recommendation: choose one of the options shown.")]
        for name in _NOTES:
            self._check_length(name, MAX_TEXT, note_label, name)
        if self.amending and not self.reason.strip():
            self.errors["reason"] = [gettext(
                "Why are you amending it? Say why you are amending the submitted scorecard.")]
        elif self.amending:
            self._check_length("reason", MAX_REASON, note_label, "reason")
        return not self.errors

    def _blank_or_one_of(self, name: str, allowed: frozenset[str]) -> bool:
        value = self.data[name]
        return value is None or not value.strip() or value in allowed

    def _check_length(self, name: str, limit: int, label: Callable[[str], str],
                      of: str) -> None:
        # The label is looked up only for a message: autosaves check every box, often.
        length = len(self.data[name] or "")
        if length > limit:
            self.errors[name] = [too_long(label(of), length, limit)]

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

    def kept_stored(self) -> set[str]:
        """Return the names of the fields for which the post keeps the stored version."""
        return {name for name in self.field_names()
                if self.formdata.get(KEEP_PREFIX + name) == KEEP_STORED}

    @property
    def merging(self) -> bool:
        """Tell whether the post resolves a conflict (it chose a version for some field)."""
        return any(key.startswith(KEEP_PREFIX) for key in self.formdata)

    def merged(self, stored: Answers) -> Answers:
        """Return the answers posted, with the stored value kept where the person chose it."""
        kept = self.kept_stored()

        def keeps_stored(name: str) -> bool:
            return name in kept

        mine = self.answers()
        ratings = {}
        for key in self.competency_keys:
            name, answer, theirs = field_name(key), mine.rating(key), stored.rating(key)
            if keeps_stored(f"{name}-score"):
                answer = replace(answer, score=theirs.score, not_assessed=theirs.not_assessed)
            if keeps_stored(f"{name}-evidence"):
                answer = replace(answer, evidence=theirs.evidence)
            ratings[key] = answer
        return Answers(
            ratings=ratings,
            recommendation=stored.recommendation if keeps_stored("recommendation")
            else mine.recommendation,
            takeaways=stored.takeaways if keeps_stored("takeaways") else mine.takeaways,
            private_note=stored.private_note if keeps_stored("private_note")
            else mine.private_note,
        )

    def show_review(self, review: Review) -> None:
        """Attach the problems of a review to the fields they are about, in the reader's words."""
        for problem in review.problems:
            key = problem.field[0]
            name = f"{field_name(key)}-{problem.field[1]}" if key in self.competency_keys \
                else key
            self.errors.setdefault(name, []).append(problem_text(problem))

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


# The core's problems as a page words them; the core's own English stays the API's.
PROBLEM_TEXT = {
    rules.UNRATED: _l("%(competency)s: choose a rating, or 'Not assessed' with the reason in "
                      "the evidence box."),
    rules.NO_REASON: _l("%(competency)s: say in the evidence box why it was not assessed."),
    rules.NO_EVIDENCE: _l("%(competency)s: a rating of %(score)s needs evidence: write what the "
                          "candidate said or did."),
    rules.NO_RECOMMENDATION: _l("Choose an overall recommendation."),
}


def problem_text(problem: Problem) -> str:
    """Return what stops a submission in the reader's language."""
    text = PROBLEM_TEXT.get(problem.kind)
    if text is None:
        return problem.message
    return str(text) % {"competency": problem.subject, "score": problem.score}
