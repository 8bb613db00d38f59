"""The interview kit in a real browser: notes that save and survive, timers, Score now, sizes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from scorecards.core.vocabulary import Role
from scorecards.models import Interview, Scorecard, User
from tests.conftest import PASSWORD
from tests.e2e.test_scorecard_browser import evidence_box, score_option, sign_in_as

pytestmark = pytest.mark.e2e

NOTES = {
    "understanding": ("Notes on Problem understanding",
                      "Asked about empty input & duplicate keys before coding."),
    "approach": ("Notes on Approach", "Compared a heap with a sort; chose the heap, O(n log k)."),
}
LATE_NOTE = ("code", "Notes on Code quality", "Small functions, one <off-by-one> fixed.")
SAVED = re.compile(r"^Saved \d\d:\d\d UTC$")
# Phones, tablets either way up, a laptop.
SIZES = [(390, 844), (768, 1024), (1024, 768), (1280, 800)]


@pytest.fixture
def interviewer(make_user) -> User:
    """Return an interviewer who can sign in."""
    return make_user(Role.INTERVIEWER, email="ana@example.com", password=PASSWORD,
                     name="Ana Souza")


@pytest.fixture
def interview(interviewer: User, make_interview) -> Interview:
    """Return a coding interview on the interviewer's panel that is under way."""
    return make_interview(panel=[interviewer], stage="coding")


def open_kit(page: Page, interviewer: User, interview: Interview) -> None:
    """Sign in and open the kit from the interview's page."""
    sign_in_as(page, interviewer)
    page.goto(f"/interviews/{interview.id}")
    page.get_by_role("link", name="Open the interview kit").click()
    expect(page.get_by_role("heading", name="Interview kit", level=1)).to_be_visible()


def test_notes_taken_in_the_kit_become_the_evidence_the_scorecard_is_submitted_with(
        page: Page, interviewer, interview):
    open_kit(page, interviewer, interview)
    status = page.locator("#kit-save-status")
    for label, text in NOTES.values():
        page.get_by_label(label).press_sequentially(text, delay=5)
    expect(status).to_have_text(SAVED)

    page.reload()
    for label, text in NOTES.values():
        expect(page.get_by_label(label)).to_have_value(text)

    timer = page.get_by_role("group", name="Timer for Problem understanding")
    page.get_by_role("button", name="Start timer for Problem understanding").click()
    expect(timer.locator(".kit-elapsed")).to_have_text(re.compile(r"^00:0[1-9]$"))
    page.get_by_role("button", name="Pause timer for Problem understanding").click()
    expect(page.get_by_role("button", name="Start timer for Problem understanding")) \
        .to_be_focused()
    paused_at = timer.locator(".kit-elapsed").text_content()
    page.wait_for_timeout(1200)
    expect(timer.locator(".kit-elapsed")).to_have_text(paused_at)
    expect(page.locator("#kit-announce")).to_have_text(
        f"Timer for Problem understanding paused at {paused_at}.")
    page.reload()  # the timer is kept in the tab, as the notes are kept in the draft
    expect(page.get_by_role("group", name="Timer for Problem understanding")
           .locator(".kit-elapsed")).to_have_text(paused_at)

    # Typed just before Score now: the pending save is sent before the form opens.
    key, label, text = LATE_NOTE
    page.get_by_label(label).fill(text)
    page.get_by_role("link", name="Score now").click()
    expect(page.get_by_role("heading", name="Your scorecard", level=1)).to_be_visible()
    for competency, (_, note) in NOTES.items():
        expect(evidence_box(page, competency)).to_have_value(note)
    expect(evidence_box(page, key)).to_have_value(text)

    for competency, score in (("understanding", "3"), ("approach", "4"), ("code", "3"),
                              ("testing", "na")):
        score_option(page, competency, score).check()
    evidence_box(page, "testing").fill("We ran out of time before testing.")
    page.locator('input[name="recommendation"][value="hire"]').check()
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator(".flashes")).to_contain_text("Scorecard submitted. Thank you.")
    ratings = page.get_by_role("table")
    for _, note in NOTES.values():
        expect(ratings).to_contain_text(note)
    expect(ratings).to_contain_text(text)

    page.goto(f"/interviews/{interview.id}")
    expect(page.get_by_role("link", name="View your scorecard")).to_be_visible()
    expect(page.get_by_role("link", name="Open the interview kit")).to_have_count(0)


def test_a_stale_save_keeps_the_notes_in_the_box_and_says_so(page: Page, interviewer, interview):
    open_kit(page, interviewer, interview)
    scorecard: Scorecard = interview.scorecards[0]
    # Another tab saves the scorecard form meanwhile, moving the version on.
    other = page.context.new_page()
    other.goto(f"/scorecards/{scorecard.id}")
    evidence_box(other, "code").fill("From the other tab.")
    other.get_by_role("button", name="Save draft").click()
    expect(other.locator(".flashes")).to_contain_text("Draft saved")
    other.close()

    box = page.get_by_label("Notes on Code quality")
    box.press_sequentially("Typed in the kit.", delay=5)
    conflict = page.get_by_role("alert")
    expect(conflict).to_contain_text("changed in another tab or on another device")
    expect(page.locator("#kit-save-status")).to_have_text(
        "Not saved. Your notes are still in the boxes.")
    expect(box).to_be_focused()  # typing goes on where it was
    box.press_sequentially(" More.")
    expect(box).to_have_value("Typed in the kit. More.")

    # Score now does not leave notes behind: it stays, and leads to the reason.
    page.get_by_role("link", name="Score now").click()
    expect(conflict).to_be_focused()
    expect(page.get_by_role("heading", name="Interview kit", level=1)).to_be_visible()

    page.get_by_role("button", name="Save my notes over the other copy").click()
    expect(page.locator("#kit-save-status")).to_have_text(SAVED)
    expect(conflict).to_be_hidden()
    page.reload()
    expect(page.get_by_label("Notes on Code quality")).to_have_value("Typed in the kit. More.")


def test_a_timer_is_announced_every_few_minutes_and_when_its_time_is_up(
        page: Page, app, interviewer, interview):
    app.config["INTERVIEW_MINUTES"] = 48  # 12 minutes for each of the 4 competencies
    page.clock.install()
    open_kit(page, interviewer, interview)
    timer = page.get_by_role("group", name="Timer for Approach")
    announced = page.locator("#kit-announce")
    expect(timer).to_contain_text("of about 12:00")
    page.get_by_role("button", name="Start timer for Approach").click()
    expect(announced).to_have_text("Timer for Approach started.")
    page.clock.run_for("01:30")
    expect(timer.locator(".kit-elapsed")).to_have_text(re.compile(r"^01:3\d$"))
    expect(announced).to_have_text("Timer for Approach started.")  # not every second
    page.clock.run_for("03:30")
    expect(announced).to_have_text("Approach: 5 minutes.")
    expect(timer).not_to_have_class(re.compile("kit-over"))
    page.clock.run_for("07:00")
    expect(timer.locator(".kit-elapsed")).to_have_text(re.compile(r"^12:0\d$"))
    expect(announced).to_have_text("Approach: the suggested 12 minutes are up.")
    expect(timer).to_have_class(re.compile("kit-over"))
    # Starting the next section pauses this one.
    page.get_by_role("button", name="Start timer for Code quality").click()
    paused_at = timer.locator(".kit-elapsed").text_content()
    page.clock.run_for("00:10")
    expect(timer.locator(".kit-elapsed")).to_have_text(paused_at)
    expect(page.get_by_role("group", name="Timer for Code quality").locator(".kit-elapsed")) \
        .to_have_text(re.compile(r"^00:1\d$"))


def test_notes_typed_offline_stay_and_are_saved_when_the_connection_returns(
        page: Page, interviewer, interview):
    open_kit(page, interviewer, interview)
    page.context.set_offline(True)
    box = page.get_by_label("Notes on Testing")
    box.fill("Listed boundary cases.")
    status = page.locator("#kit-save-status")
    expect(status).to_have_text("Not saved: retrying. Your notes are still here.")
    expect(box).to_have_value("Listed boundary cases.")
    page.context.set_offline(False)
    expect(status).to_have_text(SAVED, timeout=15_000)
    page.reload()
    expect(page.get_by_label("Notes on Testing")).to_have_value("Listed boundary cases.")


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda value: str(value))
@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
def test_the_kit_fits_the_screen_without_sideways_scroll_and_passes_axe(
        page: Page, axe_js, interviewer, interview, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_kit(page, interviewer, interview)
    page.get_by_label("Notes on Approach").fill("A note, so the save state shows.")
    expect(page.locator("#kit-save-status")).to_have_text(SAVED)
    page.get_by_role("button", name="Start timer for Approach").click()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{overflow}px of sideways scroll at {width}px"
    for button in page.locator(".kit button:visible, .kit a.button").all():
        box = button.bounding_box()
        assert box["height"] >= 44, button.text_content()
        assert box["width"] >= 44, button.text_content()
    page.add_script_tag(path=axe_js)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    problems = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]]
    assert not problems, "\n".join(problems)
