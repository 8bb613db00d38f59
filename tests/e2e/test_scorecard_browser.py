"""The scorecard pages in a real browser: keyboard use, autosave, independence, accessibility."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, expect

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import Interview, Scorecard, ScorecardRevision, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

# What a whole scorecard says, in the order of the form: (competency, score, evidence).
RATINGS = [
    ("understanding", "3", "Restated the task and asked about empty input & huge lists."),
    ("approach", "4", "Compared a sort with a heap, chose the heap: O(n log k) time."),
    ("code", "2", "One off-by-one bug at the <end> of the window, not found."),
    ("testing", "na", "We ran out of time before testing."),
]
RECOMMENDATION = "hire"
TAKEAWAYS = "Careful thinker; naïve about tests. Would pair well with the platform team."
PRIVATE_NOTE = "Mentioned a competing offer that expires on Friday."


@pytest.fixture
def interviewer(make_user) -> User:
    """Return an interviewer who can sign in."""
    return make_user(Role.INTERVIEWER, email="ana@example.com", password=PASSWORD,
                     name="Ana Souza")


@pytest.fixture
def scorecard(interviewer: User, make_interview) -> Scorecard:
    """Return the interviewer's blank scorecard of a coding interview that has taken place."""
    interview = make_interview(panel=[interviewer], stage="coding")
    return interview.scorecards[0]


def sign_in_as(page: Page, user: User) -> None:
    """Sign in through the sign-in page."""
    page.goto("/sign-in")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def score_option(page: Page, competency: str, value: str) -> Locator:
    """Return one radio button of a competency's rating."""
    return page.locator(f'input[name="rating-{competency}-score"][value="{value}"]')


def evidence_box(page: Page, competency: str) -> Locator:
    """Return the evidence box of a competency."""
    return page.locator(f'textarea[name="rating-{competency}-evidence"]')


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until the target has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


def choose_by_keyboard(page: Page, group: str, value: str) -> None:
    """Tab into a radio group that has no choice yet, and pick a value with Space and arrows."""
    options = page.locator(f'input[type="radio"][name="{group}"]')
    tab_to(page, options.first)
    page.keyboard.press("Space")
    values = options.evaluate_all("radios => radios.map(radio => radio.value)")
    for _ in range(values.index(value)):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f'input[name="{group}"][value="{value}"]')).to_be_checked()


def type_into(page: Page, box: Locator, text: str) -> None:
    """Tab to a text box and type into it."""
    tab_to(page, box)
    page.keyboard.type(text)


def fill_whole_scorecard(page: Page) -> None:
    """Answer every question on an open scorecard form by clicking and filling."""
    for competency, score, evidence in RATINGS:
        score_option(page, competency, score).check()
        evidence_box(page, competency).fill(evidence)
    page.locator(f'input[name="recommendation"][value="{RECOMMENDATION}"]').check()
    page.get_by_label("Key takeaways").fill(TAKEAWAYS)


def expect_whole_scorecard_in_form(page: Page) -> None:
    """Check that the form shows every answer of RATINGS and the texts typed after them."""
    for competency, score, evidence in RATINGS:
        expect(score_option(page, competency, score)).to_be_checked()
        expect(evidence_box(page, competency)).to_have_value(evidence)
    expect(page.locator(f'input[name="recommendation"][value="{RECOMMENDATION}"]')) \
        .to_be_checked()
    expect(page.get_by_label("Key takeaways")).to_have_value(TAKEAWAYS)
    expect(page.get_by_label("Private note to the hiring committee")).to_have_value(PRIVATE_NOTE)


def test_an_interviewer_fills_a_whole_scorecard_by_keyboard(page: Page, interviewer, scorecard):
    sign_in_as(page, interviewer)
    page.goto("/interviews")
    page.get_by_role("link", name=re.compile(r"^Fill in scorecard for")).click()
    expect(page.get_by_role("heading", name="Your scorecard", level=1)).to_be_visible()

    for competency, score, evidence in RATINGS:
        choose_by_keyboard(page, f"rating-{competency}-score", score)
        type_into(page, evidence_box(page, competency), evidence)
    choose_by_keyboard(page, "recommendation", RECOMMENDATION)
    type_into(page, page.get_by_label("Key takeaways"), TAKEAWAYS)
    type_into(page, page.get_by_label("Private note to the hiring committee"), PRIVATE_NOTE)
    tab_to(page, page.get_by_role("button", name="Save draft"))
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("Draft saved at")

    page.reload()
    expect_whole_scorecard_in_form(page)

    tab_to(page, page.get_by_role("button", name="Submit scorecard"))
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("Scorecard submitted. Thank you.")
    expect(page.get_by_role("heading", name="Your scorecard", level=1)).to_be_visible()
    expect(page.locator("main form, main textarea, main input")).to_have_count(0)
    ratings = page.get_by_role("table")
    for _, _, evidence in RATINGS:
        expect(ratings).to_contain_text(evidence)
    expect(page.get_by_role("main")).to_contain_text(TAKEAWAYS)
    expect(page.get_by_role("main")).to_contain_text(PRIVATE_NOTE)


def test_typed_evidence_is_saved_without_pressing_a_button(page: Page, interviewer, scorecard):
    sign_in_as(page, interviewer)
    page.goto(f"/scorecards/{scorecard.id}")
    evidence_box(page, "approach").press_sequentially("Chose a heap and said why.")

    status = page.locator("#save-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text(re.compile(r"^Draft saved at "))
    page.reload()
    expect(evidence_box(page, "approach")).to_have_value("Chose a heap and said why.")


def test_a_co_panelists_scorecard_stays_hidden_until_the_interviewers_own_is_in(
        page: Page, interviewer, make_user, make_interview, submit):
    colleague = make_user(Role.INTERVIEWER, name="Ben Okafor")
    interview: Interview = make_interview(panel=[interviewer, colleague], stage="coding")
    theirs = next(s for s in interview.scorecards if s.interviewer_id == colleague.id)
    submit(theirs, {"understanding": 3, "approach": 3, "code": 3, "testing": 3})
    theirs.ratings[0].evidence = "Ben saw the candidate draw the sliding window first."
    theirs.private_note = "Ben's note for the committee only."
    db.session.commit()
    interview_url, their_url = f"/interviews/{interview.id}", f"/scorecards/{theirs.id}"

    sign_in_as(page, interviewer)
    page.goto(interview_url)
    expect(page.get_by_role("main")).to_contain_text(
        "You see the other panelists' scorecards here once yours is submitted")
    expect(page.get_by_text("Ben saw the candidate")).to_have_count(0)
    response = page.goto(their_url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("Not Found")
    expect(page.get_by_text("Ben saw the candidate")).to_have_count(0)

    page.goto(interview_url)
    page.get_by_role("link", name="Fill in your scorecard").click()
    fill_whole_scorecard(page)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator(".flashes")).to_contain_text("Scorecard submitted.")

    page.goto(interview_url)
    bens = page.get_by_role("region", name=re.compile(r"^Ben Okafor"))
    expect(bens).to_contain_text("Ben saw the candidate draw the sliding window first.")
    expect(page.get_by_text("Ben's note for the committee only.")).to_have_count(0)
    assert page.goto(their_url).status == 200


def test_the_error_summary_takes_the_focus_and_leads_to_each_field(
        page: Page, interviewer, scorecard):
    sign_in_as(page, interviewer)
    page.goto(f"/scorecards/{scorecard.id}")
    page.get_by_role("button", name="Submit scorecard").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    # Testing is optional; the three required ratings and the recommendation are missing.
    expect(summary.get_by_role("heading")).to_have_text("There are 4 problems")
    links = summary.get_by_role("link")
    expect(links).to_have_count(4)
    for link in links.all():
        target = link.get_attribute("href")
        link.click()
        expect(page.locator(target)).to_be_focused()


def test_a_double_click_on_submit_submits_once(page: Page, interviewer, scorecard):
    scorecard_id = scorecard.id
    sign_in_as(page, interviewer)
    page.goto(f"/scorecards/{scorecard_id}")
    fill_whole_scorecard(page)
    form_posts = []
    page.on("request", lambda request: form_posts.append(request) if request.method == "POST"
            and request.url.endswith(f"/scorecards/{scorecard_id}") else None)
    # On a slow connection the second click lands while the first post is on its way; on a
    # fast one Chromium would fold two submissions of one page into one by itself.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 300, "downloadThroughput": -1, "uploadThroughput": -1})

    page.get_by_role("button", name="Submit scorecard").dblclick(delay=100)
    expect(page.locator(".flashes")).to_contain_text("Scorecard submitted. Thank you.")
    assert len(form_posts) == 1
    db.session.expire_all()
    revisions = db.session.scalar(
        sa.select(sa.func.count()).select_from(ScorecardRevision)
        .where(ScorecardRevision.scorecard_id == scorecard_id))
    assert revisions == 1


def _sign_in_page(page: Page, user: User, scorecard: Scorecard) -> None:
    page.goto("/sign-in")


def _my_interviews(page: Page, user: User, scorecard: Scorecard) -> None:
    sign_in_as(page, user)
    page.goto("/interviews")


def _scorecard_form(page: Page, user: User, scorecard: Scorecard) -> None:
    sign_in_as(page, user)
    page.goto(f"/scorecards/{scorecard.id}")


def _scorecard_form_with_errors(page: Page, user: User, scorecard: Scorecard) -> None:
    _scorecard_form(page, user, scorecard)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator("#error-summary")).to_be_focused()


def _submitted_scorecard(page: Page, user: User, scorecard: Scorecard) -> None:
    _scorecard_form(page, user, scorecard)
    fill_whole_scorecard(page)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator(".flashes")).to_contain_text("Scorecard submitted.")


def _interview_page(page: Page, user: User, scorecard: Scorecard) -> None:
    _submitted_scorecard(page, user, scorecard)
    page.goto(f"/interviews/{scorecard.interview_id}")


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
@pytest.mark.parametrize("open_page", [
    _sign_in_page, _my_interviews, _scorecard_form, _scorecard_form_with_errors,
    _submitted_scorecard, _interview_page,
], ids=lambda open_page: open_page.__name__.strip("_").replace("_", "-"))
def test_pages_have_no_serious_accessibility_problems(page: Page, axe_js, interviewer,
                                                      scorecard, open_page):
    open_page(page, interviewer, scorecard)
    page.add_script_tag(path=axe_js)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results["violations"] if violation["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


def test_the_keyboard_focus_is_visible(page: Page, interviewer, scorecard):
    sign_in_as(page, interviewer)
    page.goto(f"/scorecards/{scorecard.id}")
    for target in (score_option(page, "understanding", "1"),
                   page.get_by_role("button", name="Save draft")):
        tab_to(page, target)
        focus_visible, style, width = target.evaluate("""element => {
            const outline = getComputedStyle(element);
            return [element.matches(':focus-visible'), outline.outlineStyle,
                    parseFloat(outline.outlineWidth)];
        }""")
        assert focus_visible
        assert style != "none"
        assert width > 0
