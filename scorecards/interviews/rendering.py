"""The scorecard form's markup, rendered once per rubric version and filled in per request.

Most of the form is the rubric's text: titles, what to probe, example questions and an anchor
for every level of every competency. A request adds only its values: which radio buttons are
checked, the text typed, the token, the version and the URLs. So the form is rendered once
per process, rubric version and purpose with markers where those values go, and cut at the
markers; a request joins the pieces with its own values, escaped as the template would. The
cache never holds user text. A form showing errors or warnings is rendered in full instead:
they change its markup throughout, and they are rare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import current_app, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ..core.rubric import Rubric
from ..core.vocabulary import Recommendation, ScorecardStatus
from ..models import Scorecard
from ..templating import when
from .forms import RATING_PREFIX, SCORE_CHOICES, ShownForm

TEMPLATE = "interviews/_form.html"
CHOICES = tuple(choice.value for choice in SCORE_CHOICES)
RECOMMENDATIONS = tuple((r.value, r.label) for r in Recommendation)
CHECKED = Markup(" checked")
_MARKER = re.compile("\x00([^\x00]*)\x00")
_SEP = "\x01"


@dataclass(frozen=True)
class Filled:
    """What one request shows in the form: its fields, and the page's own values by name."""

    form: ShownForm
    given: dict[str, str] = field(default_factory=dict)
    warned: bool = False  # the submission was held back by warnings, to confirm

    @classmethod
    def of(cls, scorecard: Scorecard, form: ShownForm, version: int, *, amending: bool = False,
           warned: bool = False) -> Filled:
        """Return what the scorecard's page shows in its form."""
        view = "interviews.amend" if amending else "interviews.scorecard"
        given = {"action_url": url_for(view, scorecard_id=scorecard.id),
                 "csrf_token": generate_csrf(), "version": str(version)}
        if amending:
            given["cancel_url"] = url_for("interviews.scorecard", scorecard_id=scorecard.id)
        else:
            given["autosave_url"] = url_for("interviews.autosave", scorecard_id=scorecard.id)
            given["save_status"] = (f"Draft last saved {when(scorecard.updated_at)}."
                                    if scorecard.status == ScorecardStatus.DRAFT else "")
        return cls(form, given, warned)

    def text(self, name: str) -> str:
        """Return the text shown for a name, unescaped."""
        if name in self.given:
            return self.given[name]
        return self.form.value(name) or ""

    def checked(self, name: str, value: str) -> str:
        """Return the attribute that checks a radio button when its value is the one shown."""
        return CHECKED if self.form.value(name) == value else ""

    def errors(self, name: str) -> tuple[str, ...]:
        """Return the messages shown beside a field."""
        return self.form.errors(name)


class _Marked:
    """Stands in for Filled while the form is rendered for the cache: marks where values go."""

    warned = False

    def __init__(self) -> None:
        self.slots: list[tuple[str, ...]] = []  # in the order of the markup

    def text(self, name: str) -> Markup:
        return self._mark(name)

    def checked(self, name: str, value: str) -> Markup:
        return self._mark(name, value)

    def errors(self, name: str) -> tuple[str, ...]:
        return ()

    def _mark(self, *slot: str) -> Markup:
        self.slots.append(slot)
        # Names and values come from the template, never from a request.
        return Markup(f"\x00{_SEP.join(slot)}\x00")  # noqa: S704


@dataclass(frozen=True)
class _Cut:
    """The form's markup cut at its markers: static pieces around the slots between them."""

    pieces: tuple[str, ...]
    slots: tuple[tuple[str, ...], ...]  # (name,) for text, (name, value) for a radio button

    def fill(self, filled: Filled) -> Markup:
        """Return the form showing this request's values."""
        out = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out.append(escape(filled.text(slot[0])) if len(slot) == 1
                       else filled.checked(*slot))
            out.append(piece)
        return Markup("".join(out))  # noqa: S704  (rendered markup, and values escaped above)


# None: the form cannot be cut (see _cut), so it is rendered in full every time.
_cuts: dict[tuple[int, str, bool], _Cut | None] = {}


def scorecard_form(scorecard: Scorecard, rubric: Rubric, form: ShownForm, version: int, *,
                   amending: bool = False, warned: bool = False) -> Markup:
    """Return the markup of the scorecard's form showing these values and errors."""
    filled = Filled.of(scorecard, form, version, amending=amending, warned=warned)
    if warned or form.links:
        return render_in_full(rubric, amending, filled)
    # Keyed by id and hash: SQLite hands the id of a deleted row out again.
    rubric_version = scorecard.interview.rubric_version
    key = (rubric_version.id, rubric_version.content_hash, amending)
    if key not in _cuts or current_app.jinja_env.auto_reload:
        _cuts[key] = _cut(rubric, amending)
    cut = _cuts[key]
    return render_in_full(rubric, amending, filled) if cut is None else cut.fill(filled)


def render_in_full(rubric: Rubric, amending: bool, filled: Filled | _Marked) -> Markup:
    """Return the form rendered by its template alone, without the cache."""
    macro = current_app.jinja_env.get_template(TEMPLATE).module.scorecard_form
    return macro(rubric, RATING_PREFIX, CHOICES, RECOMMENDATIONS, amending, filled)


def _cut(rubric: Rubric, amending: bool) -> _Cut | None:
    """Render the form with markers and cut it at them; None if the cut is not clean."""
    marked = _Marked()
    parts = _MARKER.split(render_in_full(rubric, amending, marked))
    pieces, slots = tuple(parts[0::2]), tuple(tuple(s.split(_SEP)) for s in parts[1::2])
    if list(slots) != marked.slots:
        return None  # the rubric's own text holds a NUL, which the markers cannot tell apart
    return _Cut(pieces, slots)
