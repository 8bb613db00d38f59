"""Rubrics and interview loops as validated, immutable data.

A rubric is the form for one interview stage: a 4-level behaviourally anchored scale and
4-6 competencies, each with what to probe and an anchor for every level. A loop lists the
stages of a hiring process in order, each with its rubric, weight and minimum panel size.
Both come from YAML files; this module parses them into frozen models and reports every
problem as ``file:line: field: message``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from .scale import HIGHEST, LEVELS, LOWEST
from .sources import Path, Problem, Source, SourceError, load_source
from .vocabulary import Outcome, Recommendation

Slug = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=64)
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# Anchors must say what the interviewer saw the candidate do. Words that only grade
# ("good", "weak") give interviewers nothing to match evidence against.
MIN_ANCHOR_WORDS = 8
VAGUE_WORDS = frozenset(
    "good bad great poor excellent weak strong average ok okay fine solid nice terrible "
    "outstanding adequate mediocre decent".split()
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Level(_Frozen):
    """One step of the rating scale: a short label and what it means."""

    label: Text
    meaning: Text


class Competency(_Frozen):
    """One thing a stage assesses, with the behaviour that earns each level."""

    key: Slug
    title: Text
    probe: Text
    questions: tuple[Text, ...] = Field(min_length=1)
    weight: float = Field(gt=0)
    required: bool = True
    must_pass: float | None = Field(default=None, ge=LOWEST, le=HIGHEST)
    anchors: dict[int, Text]


class Rubric(_Frozen):
    """The form for one interview stage."""

    key: Slug
    title: Text
    stage: Text
    purpose: Text
    scale: dict[int, Level]
    competencies: tuple[Competency, ...] = Field(min_length=4, max_length=6)

    def competency(self, key: str) -> Competency:
        """Return the competency with this key, raising KeyError if there is none."""
        for competency in self.competencies:
            if competency.key == key:
                return competency
        raise KeyError(key)

    @property
    def content_hash(self) -> str:
        """Return the hash that identifies this rubric's content, whatever its formatting."""
        return content_hash(self)


class Stage(_Frozen):
    """One interview of a loop: which rubric it uses and how much it counts."""

    key: Slug
    title: Text
    round: Text
    rubric: Slug
    weight: float = Field(gt=0)
    min_panel: int = Field(default=1, ge=1, le=12)


Score = Annotated[float, Field(ge=LOWEST, le=HIGHEST)]


class Veto(_Frozen):
    """A recommendation that, from enough panelists of the named stages, settles the outcome.

    A panelist's recommendation counts when it is the named one or further from hire (a
    strong no hire counts toward a no-hire veto).
    """

    recommendation: Recommendation
    outcome: Outcome
    # Files must name the stages (see _loop_checks); None, every stage, is what a veto meant
    # in loop versions stored before vetoes were scoped, which are read as they were.
    stages: tuple[Slug, ...] | None = Field(default=None, min_length=1)
    panelists: int = Field(default=1, ge=1, le=12)

    def applies_at(self, stage: str) -> bool:
        """Tell whether a recommendation at this stage counts toward the veto."""
        return self.stages is None or stage in self.stages

    @model_validator(mode="after")
    def _decides(self) -> Veto:
        if self.outcome is Outcome.INCOMPLETE:
            raise ValueError("a veto must lead to a decision, not to 'incomplete'")
        return self


class MustPass(_Frozen):
    """A bar that a competency's panel mean must reach, beyond the rubric's own bars."""

    stage: Slug
    competency: Slug
    bar: Score


class Uncertainty(_Frozen):
    """How sure a score is: the interval around it and where its spread comes from."""

    # The share of the time the interval should hold the score a much larger panel would give.
    confidence: float = Field(default=0.9, ge=0.5, le=0.99)
    # The spread between panelists' stage scores assumed where neither the panel (one
    # panelist) nor the rubric's past panels tell it.
    prior_spread: float = Field(default=0.5, gt=0, le=3)
    # How many panelists' worth the rubric's past spread counts beside a panel's own spread.
    prior_weight: float = Field(default=3, ge=0, le=50)


class Policy(_Frozen):
    """How a loop turns its panels' scores into a recommended outcome."""

    strong_hire_at: Score = 3.4
    hire_at: Score = 2.8
    strong_no_hire_below: Score = 1.8
    vetoes: tuple[Veto, ...] = ()
    must_pass: tuple[MustPass, ...] = ()
    # None: every stage of the loop is required before a recommendation.
    required_stages: tuple[Slug, ...] | None = None
    # Decide on scores with each interviewer's calibration offset removed, not the raw ones.
    use_calibrated: bool = False
    # How many panelists of a stage must rate each required competency (1-4, not "not
    # assessed") before the stage counts as complete.
    min_ratings: int = Field(default=1, ge=1, le=12)
    uncertainty: Uncertainty = Uncertainty()

    @model_validator(mode="after")
    def _ordered(self) -> Policy:
        if not self.strong_no_hire_below <= self.hire_at <= self.strong_hire_at:
            raise ValueError("thresholds must satisfy strong_no_hire_below <= hire_at <= "
                             "strong_hire_at")
        return self


class Loop(_Frozen):
    """A hiring process: its stages in the order candidates meet them."""

    key: Slug
    title: Text
    description: Text | None = None
    stages: tuple[Stage, ...] = Field(min_length=1)
    policy: Policy = Policy()

    @property
    def required_stages(self) -> tuple[Stage, ...]:
        """Return the stages that must be complete before the loop recommends an outcome."""
        wanted = self.policy.required_stages
        return tuple(s for s in self.stages if wanted is None or s.key in wanted)

    def stage(self, key: str) -> Stage:
        """Return the stage with this key, raising KeyError if there is none."""
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)

    @property
    def content_hash(self) -> str:
        """Return the hash that identifies this loop's content, whatever its formatting."""
        return content_hash(self)


def content_hash(model: BaseModel) -> str:
    """Return a SHA-256 of the model's canonical JSON."""
    canonical = json.dumps(model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class Catalog:
    """The rubrics and loops read from a set of files, by key."""

    rubrics: dict[str, Rubric] = field(default_factory=dict)
    loops: dict[str, Loop] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # key -> file it came from


class RubricError(Exception):
    """Raised when data files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def is_loop_file(name: str) -> bool:
    """Tell whether a file holds a loop: loops live in a folder named ``loops``."""
    return "loops" in re.split(r"[\\/]", name)[:-1]


def parse_catalog(
    files: Mapping[str, str], known_rubrics: Iterable[str] = ()
) -> tuple[Catalog, list[Problem]]:
    """Parse rubric and loop files given as name -> text; return what is valid and all problems.

    Loops may name the rubrics among the files and those in known_rubrics.
    """
    catalog = Catalog()
    problems: list[Problem] = []
    loop_sources: list[tuple[Source, Loop]] = []
    broken_rubrics: set[object] = set()
    for name in sorted(files):
        kind = Loop if is_loop_file(name) else Rubric
        try:
            source = load_source(files[name], name)
        except SourceError as error:
            problems.extend(error.problems)
            continue
        model, found = _validate(source, kind)
        problems.extend(found)
        if model is None:
            # A broken rubric is reported once, in its own file, not again by every loop
            # that names it.
            if kind is Rubric and isinstance(source.data, dict):
                broken_rubrics.add(source.data.get("key"))
            continue
        bucket = catalog.loops if kind is Loop else catalog.rubrics
        if model.key in bucket:
            first = catalog.files[f"{kind.__name__}:{model.key}"]
            problems.append(source.problem(("key",), f"duplicate {kind.__name__.lower()} key "
                                                     f"'{model.key}' (also in {first})"))
            continue
        bucket[model.key] = model
        catalog.files[f"{kind.__name__}:{model.key}"] = name
        if kind is Loop:
            loop_sources.append((source, model))
    rubric_keys = set(catalog.rubrics) | set(known_rubrics) | broken_rubrics
    for source, loop in loop_sources:
        for i, stage in enumerate(loop.stages):
            if stage.rubric not in rubric_keys:
                problems.append(source.problem(("stages", i, "rubric"),
                                               f"unknown rubric '{stage.rubric}'"))
        problems += [source.problem(path, message)
                     for path, message in _policy_checks(loop, catalog.rubrics)]
    return catalog, sorted(problems)


def _policy_checks(loop: Loop, rubrics: Mapping[str, Rubric]) -> list[tuple[Path, str]]:
    """Check that a loop's policy names only its own stages and that its rules can be met."""
    policy = loop.policy
    stages = {stage.key: stage for stage in loop.stages}
    found: list[tuple[Path, str]] = []
    for i, key in enumerate(policy.required_stages or ()):
        if key not in stages:
            found.append((("policy", "required_stages", i), f"unknown stage '{key}'"))
    for i, veto in enumerate(policy.vetoes):
        for j, key in enumerate(veto.stages or ()):
            if key not in stages:
                found.append((("policy", "vetoes", i, "stages", j), f"unknown stage '{key}'"))
    for i, bar in enumerate(policy.must_pass):
        stage = stages.get(bar.stage)
        if stage is None:
            found.append((("policy", "must_pass", i, "stage"), f"unknown stage '{bar.stage}'"))
            continue
        rubric = rubrics.get(stage.rubric)
        if rubric is None:
            continue
        competency = next((c for c in rubric.competencies if c.key == bar.competency), None)
        if competency is None:
            found.append((("policy", "must_pass", i, "competency"),
                          f"rubric '{rubric.key}' has no competency '{bar.competency}'"))
        elif not competency.required:
            found.append((("policy", "must_pass", i, "competency"),
                          f"'{bar.competency}' is optional in rubric '{rubric.key}', so panels "
                          "may leave it unrated and the bar could never be passed; make it "
                          "required or drop the bar"))
    for stage in loop.required_stages:
        if policy.min_ratings > stage.min_panel:
            found.append((("policy", "min_ratings"),
                          f"{policy.min_ratings} ratings per required competency is more than "
                          f"stage '{stage.key}' asks of its panel (min_panel {stage.min_panel})"))
    return found


def load_catalog(files: Mapping[str, str], known_rubrics: Iterable[str] = ()) -> Catalog:
    """Parse files into a catalog, raising RubricError if any of them has a problem."""
    catalog, problems = parse_catalog(files, known_rubrics)
    if problems:
        raise RubricError(problems)
    return catalog


def _validate(source: Source, kind: type[Rubric] | type[Loop]):
    data = source.data
    if not isinstance(data, dict):
        return None, [source.problem((), f"expected a mapping with the {kind.__name__.lower()}'s "
                                          "fields at the top level")]
    checks = _rubric_checks(data) if kind is Rubric else _loop_checks(data)
    problems = [source.problem(path, message) for path, message in checks]
    try:
        model = kind.model_validate(data)
    except ValidationError as error:
        problems += [_problem_from(source, detail) for detail in error.errors()
                     if not _explained_by_items(detail)]
        model = None
    return (None if problems else model), problems


_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "required field is missing",
}


def _explained_by_items(detail: Any) -> bool:
    """Tell whether a length error only counts items that failed (and are reported) anyway."""
    if detail["type"] not in ("too_short", "too_long") or not isinstance(detail["input"], list):
        return False
    ctx = detail.get("ctx", {})
    return ctx.get("min_length", 0) <= len(detail["input"]) <= ctx.get("max_length", 10**9)


def _problem_from(source: Source, detail: Any) -> Problem:
    path: Path = tuple(part for part in detail["loc"] if part != "[key]")
    message = _MESSAGES.get(detail["type"]) or detail["msg"].removeprefix("Value error, ")
    if detail["type"] in ("too_short", "too_long"):
        ctx = detail.get("ctx", {})
        bound = ctx.get("min_length") if detail["type"] == "too_short" else ctx.get("max_length")
        side = "at least" if detail["type"] == "too_short" else "at most"
        return source.problem(path, f"needs {side} {bound} items, found {len(detail['input'])}")
    if detail["type"] not in _MESSAGES and "input" in detail and not isinstance(
        detail["input"], dict | list
    ):
        message += f" (got {detail['input']!r})"
    return source.problem(path, message)


# The checks below read the raw document, so they report alongside pydantic's shape errors
# instead of waiting for the shape to be fixed first.


def _rubric_checks(data: dict) -> list[tuple[Path, str]]:
    found = _level_checks(("scale",), data.get("scale"), "scale level")
    competencies = data.get("competencies")
    if not isinstance(competencies, list):
        return found
    found += _duplicate_keys("competencies", competencies, "competency")
    for i, competency in enumerate(competencies):
        if not isinstance(competency, dict):
            continue
        if competency.get("must_pass") is not None and competency.get("required") is False:
            found.append((("competencies", i), "a must-pass competency must be required: an "
                                               "optional one may go unrated, and a bar nobody "
                                               "rated can never be passed"))
        anchors = competency.get("anchors")
        found += _level_checks(("competencies", i, "anchors"), anchors, "anchor")
        for level, text in (anchors or {}).items() if isinstance(anchors, dict) else ():
            problem = _vague_anchor(text) if isinstance(text, str) else None
            if problem:
                found.append((("competencies", i, "anchors", level), problem))
    return found


def _loop_checks(data: dict) -> list[tuple[Path, str]]:
    stages = data.get("stages")
    found = _duplicate_keys("stages", stages, "stage") if isinstance(stages, list) else []
    policy = data.get("policy")
    vetoes = policy.get("vetoes") if isinstance(policy, dict) else None
    for i, veto in enumerate(vetoes if isinstance(vetoes, list) else ()):
        if isinstance(veto, dict) and "stages" not in veto:
            found.append((("policy", "vetoes", i), "name the stages the veto applies to "
                                                   "(stages: [...])"))
    return found


def _duplicate_keys(name: str, items: list, what: str) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    seen: dict[object, int] = {}
    for i, item in enumerate(items):
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(key, str):
            continue
        if key in seen:
            found.append(((name, i, "key"), f"duplicate {what} key '{key}' "
                                            f"(also {name}[{seen[key]}])"))
        seen.setdefault(key, i)
    return found


def _level_checks(path: Path, levels: object, what: str) -> list[tuple[Path, str]]:
    if not isinstance(levels, dict):
        return []
    found: list[tuple[Path, str]] = []
    missing = [level for level in LEVELS if level not in levels]
    if missing:
        found.append((path, f"missing {what} for level {', '.join(map(str, missing))}"))
    for level in levels:
        if level not in LEVELS:
            found.append(((*path, level),
                          f"level {level!r} is outside the scale {LOWEST}-{HIGHEST}"))
    return found


def _vague_anchor(text: str) -> str | None:
    words = re.findall(r"[\w'-]+", text.lower())
    if len(words) < MIN_ANCHOR_WORDS:
        return (f"anchor has only {len(words)} word(s); describe the behaviour an interviewer "
                f"would observe in at least {MIN_ANCHOR_WORDS}")
    if len([w for w in words if w not in VAGUE_WORDS]) < MIN_ANCHOR_WORDS // 2:
        return "anchor only grades (good/bad); describe observable behaviour instead"
    return None


def stage_rubrics(loop: Loop, used: Mapping[str, Rubric],
                  newest: Callable[[str], Rubric | None]) -> dict[str, Rubric]:
    """Return the rubric that scores each stage: the version its interview used, else the newest.

    A stage nobody has interviewed for yet is read with the rubric its interview would get
    today; a rubric never stored leaves its stage out.
    """
    found = {}
    for stage in loop.stages:
        rubric = used[stage.key] if stage.key in used else newest(stage.rubric)
        if rubric is not None:
            found[stage.key] = rubric
    return found
