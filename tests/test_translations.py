"""The translations are complete, consistent with their sources, and what the app reads."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from scorecards.languages import LANGUAGES

CATALOGUE = Path(__file__).parents[1] / "scorecards" / "translations"
TRANSLATED = [code for code in LANGUAGES if code != next(iter(LANGUAGES))]


def _po(language: str):
    with (CATALOGUE / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def _template():
    with (CATALOGUE / "messages.pot").open("rb") as file:
        return read_po(file)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_marked_for_translation_is_translated(language):
    po = _po(language)
    untranslated = [message.id for message in _template() if message.id and (
        message.id not in po or not all(po[message.id].string if message.pluralizable
                                        else [po[message.id].string])
        or po[message.id].fuzzy)]
    assert untranslated == [], "run `make translations-extract`, translate, `make translations`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language):
    problems = [(message.id, [str(error) for error in errors])
                for message, errors in _po(language).check()]
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_compiled_catalogue_is_the_po_compiled(language):
    compiled = BytesIO()
    write_mo(compiled, _po(language))
    committed = (CATALOGUE / language / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert committed == compiled.getvalue(), "run `make translations` and commit the .mo"


def test_the_language_names_offered_have_a_catalogue_or_are_the_source_language():
    assert {path.name for path in CATALOGUE.iterdir() if path.is_dir()} == set(TRANSLATED)


def test_the_template_catalogue_holds_every_string_the_sources_mark(tmp_path):
    extracted = tmp_path / "messages.pot"
    root = CATALOGUE.parents[1]
    # The command of `make translations-extract`, writing elsewhere.
    CommandLineInterface().run(
        ["pybabel", "--quiet", "extract", "-F", str(root / "babel.cfg"), "-k", "_l", "-k", "N_",
         "-o", str(extracted), str(root / "scorecards"), str(root / "templates"),
         str(root / "templates" / "_macros")])
    with extracted.open("rb") as file:
        marked = {message.id for message in read_po(file) if message.id}
    catalogued = {message.id for message in _template() if message.id}
    assert sorted(marked - catalogued, key=str) == [], "run `make translations-extract`"
