"""The self-identification questionnaire: its questions and their allowed answers, from a file.

The default is the US set (questionnaires/us-eeo-1.yaml); SELF_IDENTIFICATION_FILE names
another for other countries. Each question may be skipped and must offer
"prefer_not_to_say", so that answering is never forced.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import current_app
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT = Path(__file__).parent / "questionnaires" / "us-eeo-1.yaml"
PREFER_NOT_TO_SAY = "prefer_not_to_say"
KEY = r"^[a-z][a-z0-9_]*$"


class Option(BaseModel):
    """One allowed answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=KEY, max_length=64)
    label: str = Field(min_length=1, max_length=200)


class Item(BaseModel):
    """One question and its answers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=KEY, max_length=64)
    question: str = Field(min_length=1, max_length=200)
    options: tuple[Option, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _answers_are_unique_and_can_be_declined(self) -> Item:
        keys = [option.key for option in self.options]
        if len(set(keys)) != len(keys):
            raise ValueError(f"question {self.key!r} repeats an answer key")
        if PREFER_NOT_TO_SAY not in keys:
            raise ValueError(f"question {self.key!r} must offer {PREFER_NOT_TO_SAY!r}")
        return self

    @property
    def allowed(self) -> tuple[str, ...]:
        """Return the keys of the allowed answers, in order."""
        return tuple(option.key for option in self.options)


class Questionnaire(BaseModel):
    """A set of self-identification questions, as a file declares it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    title: str = Field(min_length=1, max_length=200)
    purpose: str = Field(min_length=1)
    items: tuple[Item, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _questions_are_unique(self) -> Questionnaire:
        keys = [item.key for item in self.items]
        if len(set(keys)) != len(keys):
            raise ValueError("a question key appears twice")
        return self

    def item(self, key: str) -> Item | None:
        """Return the question with this key, if any."""
        return next((item for item in self.items if item.key == key), None)

    def problems(self, answers: dict[str, str]) -> dict[str, str]:
        """Return, per question key, why an answer is refused: unknown question or answer."""
        found = {}
        for key, value in answers.items():
            item = self.item(key)
            if item is None:
                found[key] = (f"no question {key!r}; the questions are "
                              f"{', '.join(i.key for i in self.items)}")
            elif value not in item.allowed:
                found[key] = (f"{value!r} is not an answer to {key!r}; the answers are "
                              f"{', '.join(item.allowed)}")
        return found


class QuestionnaireError(ValueError):
    """Raised when a questionnaire file cannot be read; the message says where and why."""


@cache
def load(path: str | Path = DEFAULT) -> Questionnaire:
    """Return the questionnaire a file declares, checked; raise QuestionnaireError."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Questionnaire.model_validate(document)
    except (OSError, yaml.YAMLError) as error:
        raise QuestionnaireError(f"{path}: {error}") from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}"
                             for e in error.errors(include_url=False))
        raise QuestionnaireError(f"{path}: {problems}") from None


def configured() -> Questionnaire:
    """Return the configured questionnaire (SELF_IDENTIFICATION_FILE, the US set by default)."""
    return load(current_app.config.get("SELF_IDENTIFICATION_FILE") or DEFAULT)
