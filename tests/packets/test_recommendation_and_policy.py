"""The packet prints the committee page's recommendation block and the policy in force."""

from __future__ import annotations

import io
import re

import jinja2.meta
from flask import current_app
from pypdf import PdfReader

from scorecards.committee.services import candidate_summary
from scorecards.core.explanation import recommendation_block
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.packets.services import (
    TEMPLATES,
    candidate_context,
    candidate_packet,
    fingerprint,
)

INJECTION = '<img src="file:///etc/passwd">'


def words(pdf: bytes) -> str:
    """Return the text of a PDF with its line breaks and spacing made single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(
        io.BytesIO(pdf)).pages).split())


def test_the_packet_shows_the_recommendation_block_of_the_summary_page(app, ready):
    text = words(candidate_packet(None, ready.id).data)
    summary = candidate_summary(None, ready.id).summary
    for needle in (
            "Recommended: Hire",
            "Borderline: the overall score 3.00 could be anywhere from 2.63 to 3.37 (90% "
            "interval), which includes the hire threshold 2.75.",
            "Decided by Thresholds: Overall score 3.00 is at or above the hire threshold 2.75",
            "What would change it",
            "Coding, Approach: Ana Souza's rating 3 as 2 would make it no hire.",
            "Disagreements to discuss",
            "Design: Ben Carter (hire) recommend hire, Chen Wei (no hire) no hire."):
        assert needle in text, needle
    for reason in summary.reasons:  # every rule, in policy order
        assert reason.message in text
    positions = [text.index(reason.message) for reason in summary.reasons]
    assert positions == sorted(positions)


def test_the_page_and_the_packet_print_the_block_from_the_same_values(app, ready, make_user,
                                                                      sign_in):
    found = candidate_summary(None, ready.id)
    context = candidate_context(found, private_notes=True)
    assert context["block"] == recommendation_block(found.summary, found.loop.policy)
    html = sign_in(make_user(Role.COMMITTEE)).get(f"/committee/applications/{ready.id}").text
    text = words(candidate_packet(None, ready.id).data)
    hint = "Every rule that bears on the outcome, in the order the policy applies them;"
    assert hint in html
    assert hint in text


def test_the_summary_table_gives_each_stage_score_its_standard_error(app, ready):
    text = words(candidate_packet(None, ready.id).data)
    assert "Coding 1 of 1 3.00 ± 0.50" in text
    assert "Design 2 of 2 3.00 ± 0.22" in text
    assert "Design: this panel's spread, blended with the rubric's past panels." in text


def test_the_appendix_prints_the_policy_in_force_in_plain_words(app, ready):
    text = words(candidate_packet(None, ready.id).data)
    appendix = text[text.index("Appendix: the decision policy in force"):]
    for needle in (
            "The policy of the opening's loop (Test loop), as stored with the opening.",
            "The rules apply in this order: a veto wins over everything;",
            # The stages: weight, minimum panel, whether required.
            "Coding Technical interview Coding exercise 1.0 1 Yes",
            "Design Onsite Design exercise 2.0 2 Yes",
            "One panelist recommending strong no hire at any stage makes the outcome strong "
            "no hire, whatever the scores.",
            "Each required competency of a required stage needs a rating (1-4) from at least "
            "one panelist;",
            "Coding, Approach: the panel mean must reach 2.5 (set by the rubric).",
            "Design, Code quality: the panel mean must reach 2 (set by the loop).",
            "Strong hire: an overall score of 3.5 or more.", "Hire: 2.75 or more.",
            "No hire: below 2.75.", "Strong no hire: below 1.75.",
            "which counts as 3 panelists' worth",
            "a spread of 0.5 points is assumed in its place.",
            "gives a 90% interval",
            "Appendix: rubric versions used"):
        assert needle in appendix, needle


def test_text_people_wrote_stays_text_in_the_block(app, ready, make_user, sign_in):
    coding = next(i for i in ready.interviews if i.stage_key == "coding")
    coding.scorecards[0].interviewer.name = INJECTION  # named in the flip
    db.session.commit()
    text = words(candidate_packet(None, ready.id).data)
    assert f"Coding, Approach: {INJECTION}'s rating 3 as 2 would make it no hire." in text
    html = sign_in(make_user(Role.COMMITTEE)).get(f"/committee/applications/{ready.id}").text
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;&#39;s rating 3 as 2" in html
    assert INJECTION not in html


def test_every_template_a_packet_is_laid_out_with_is_part_of_its_fingerprint(app):
    environment = current_app.jinja_env
    seen, waiting = set(), ["packets/candidate.html", "packets/meeting.html"]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        source = environment.loader.get_source(environment, name)[0]
        waiting += jinja2.meta.find_referenced_templates(environment.parse(source))
    assert seen <= set(TEMPLATES)
    assert "_macros/recommendation.html" in seen


def test_the_fingerprint_covers_the_block_and_the_policy(app, ready):
    context = candidate_context(candidate_summary(None, ready.id), private_notes=True)
    key = fingerprint(context)
    moved_policy = {**context["policy"], "thresholds": ["Hire: 3 or more."]}
    assert fingerprint({**context, "policy": moved_policy}) != key
    fewer_flips = {**context["block"], "flips": []}
    assert fingerprint({**context, "block": fewer_flips}) != key
    assert re.fullmatch(r"[0-9a-f]{16}", key)
