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
    expect(page.locator(".flashes")).to_contain_text("Draft saved")

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

    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Saved \d\d:\d\d( [AP]M)?$"))
    # A routine save is shown, not spoken.
    expect(page.locator("#status-announce")).to_have_attribute("role", "status")
    expect(page.locator("#status-announce")).to_have_text("")
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


def _form_mid_page(page: Page, user: User, scorecard: Scorecard) -> None:
    _scorecard_form(page, user, scorecard)
    score_option(page, "understanding", "3").check()
    evidence_box(page, "code").focus()
    expect(page.locator("#status-bar")).to_be_in_viewport()


def _counter_near_the_limit(page: Page, user: User, scorecard: Scorecard) -> None:
    _scorecard_form(page, user, scorecard)
    evidence_box(page, "code").fill("x" * 20_412)
    expect(page.locator("#rating-code-evidence-counter")).to_have_text(OVER)
    expect(page.locator("#save-status")).to_have_text(re.compile("^Not saved: Evidence for"))


def _warning_alone(page: Page, user: User, scorecard: Scorecard) -> None:
    _scorecard_form(page, user, scorecard)
    contradict(page, complete=True)
    expect(page.locator("#warnings")).to_be_focused()


def _warning_with_problems(page: Page, user: User, scorecard: Scorecard) -> None:
    _scorecard_form(page, user, scorecard)
    contradict(page, complete=False)
    expect(page.locator("#error-summary")).to_be_focused()


def _conflict_page(page: Page, user: User, scorecard: Scorecard) -> None:
    _scorecard_form(page, user, scorecard)
    other = page.context.new_page()
    other.goto(f"/scorecards/{scorecard.id}")
    save_from_other_tab(other)
    evidence_box(page, "code").fill("Phone: readable, one helper per step.")
    score_option(page, "code", "3").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#conflict")).to_be_focused()


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
    _form_mid_page, _counter_near_the_limit, _warning_alone, _warning_with_problems,
    _conflict_page, _submitted_scorecard, _interview_page,
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


OVER = "20,412 of 20,000 characters: over the limit, shorten it to save"
LOW = [("understanding", "1", "Never asked about inputs."), ("approach", "2", "Brute force only."),
       ("code", "2", "Hard to follow.")]


def contradict(page: Page, complete: bool) -> None:
    """Rate low, recommend strong hire, and submit; leave the code rating out unless complete."""
    for competency, score, evidence in LOW:
        if complete or competency != "code":
            score_option(page, competency, score).check()
        evidence_box(page, competency).fill(evidence)
    page.locator('input[name="recommendation"][value="strong_hire"]').check()
    page.get_by_role("button", name="Submit scorecard").click()


def save_from_other_tab(other: Page) -> None:
    """Change the code evidence in a second tab and wait for its autosave."""
    evidence_box(other, "code").fill("Laptop: one off-by-one bug.")
    expect(other.locator("#save-status")).to_have_text(re.compile(r"^Saved "))


def in_view_above_the_bar(page: Page, target: Locator) -> bool:
    """Tell whether an element comes to lie in the window, above the status bar."""
    page.wait_for_function("""([element, bar]) => {
        const box = element.getBoundingClientRect(), barBox = bar.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= barBox.top + 1;
    }""", arg=[target.element_handle(), page.locator("#status-bar").element_handle()],
        timeout=2_000)
    return True


@pytest.mark.parametrize("width", [1280, 390])
def test_the_status_bar_stays_in_view_and_counts_down_while_rating(
        page: Page, interviewer, scorecard, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in_as(page, interviewer)
    page.goto(f"/scorecards/{scorecard.id}")
    bar, left = page.locator("#status-bar"), page.locator("#progress")
    expect(left).to_have_text(re.compile(
        r"3 of 3 required competencies left to rate\s+Recommendation missing"))

    for done, (competency, _, evidence) in enumerate(RATINGS[:3], start=1):
        tab_to(page, score_option(page, competency, "1"), limit=200)
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")  # moves the choice on to 2
        remaining = 3 - done
        expect(left).to_contain_text(f"{remaining} of 3 required competencies left to rate"
                                     if remaining else "All required competencies rated")
        expect(bar).to_be_in_viewport()
        type_into(page, evidence_box(page, competency), evidence)
        assert in_view_above_the_bar(page, evidence_box(page, competency))
    expect(page.locator("#status-announce")).to_have_text(
        "All required competencies rated. Recommendation missing")
    page.locator('input[name="recommendation"][value="hire"]').check()
    expect(left).to_have_text("All required competencies rated")
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Saved \d\d:\d\d( [AP]M)?$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_counter_shows_near_the_limit_and_speaks_at_thresholds(page: Page, interviewer,
                                                                 scorecard):
    sign_in_as(page, interviewer)
    page.goto(f"/scorecards/{scorecard.id}")
    box, counter = evidence_box(page, "code"), page.locator("#rating-code-evidence-counter")
    box.fill("x" * 15_000)
    expect(counter).to_be_hidden()
    box.fill("x" * 15_999 + "\n")  # a line break counts two, as the browser sends it
    expect(counter).to_have_text("16,001 of 20,000 characters")
    expect(counter).to_be_visible()
    expect(page.locator("#status-announce")).to_have_text(
        "Evidence for Code quality: 16,001 of 20,000 characters")
    box.press("End")
    box.press_sequentially("yy")  # within the same band: nothing more is said
    expect(counter).to_have_text("16,003 of 20,000 characters")
    expect(page.locator("#status-announce")).to_have_text(
        "Evidence for Code quality: 16,001 of 20,000 characters")
    assert "rating-code-evidence-counter" in box.get_attribute("aria-describedby")

    box.fill("x" * 20_412)
    expect(counter).to_have_text(OVER)
    expect(page.locator("#status-announce")).to_have_text(
        "Evidence for Code quality is over the limit: 20,412 of 20,000 characters")
    expect(page.locator("#save-status")).to_have_text(
        "Not saved: Evidence for Code quality is 20,412 characters; the limit is 20,000.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text(
        "Evidence for Code quality is 20,412 characters; the limit is 20,000.")
    expect(box).to_have_value("x" * 20_412)
    expect(counter).to_have_text(OVER)


def test_a_contradiction_alone_offers_to_change_or_submit(page: Page, interviewer, scorecard):
    sign_in_as(page, interviewer)
    page.goto(f"/scorecards/{scorecard.id}")
    contradict(page, complete=True)
    warning = page.locator("#warnings")
    expect(warning).to_be_focused()
    expect(warning).to_contain_text("Your ratings average 1.7 and 3 of your 3 ratings are 1 or "
                                    "2, but your recommendation is Strong hire.")
    expect(page.locator("#recommendation-warning")).to_be_visible()
    strong_hire = page.locator('input[name="recommendation"][value="strong_hire"]')
    expect(strong_hire).to_have_attribute("aria-invalid", "true")

    warning.get_by_role("link", name="Change my recommendation").click()
    expect(strong_hire).to_be_focused()
    page.keyboard.press("ArrowUp")  # to hire
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator(".flashes")).to_contain_text("Scorecard submitted. Thank you.")


def test_a_contradiction_is_submitted_with_its_recommendation_once_confirmed(
        page: Page, interviewer, scorecard):
    sign_in_as(page, interviewer)
    page.goto(f"/scorecards/{scorecard.id}")
    contradict(page, complete=True)
    page.get_by_role("button", name="Submit with this recommendation").click()
    expect(page.locator(".flashes")).to_contain_text("Scorecard submitted. Thank you.")
    expect(page.get_by_role("main")).to_contain_text("Strong hire")


def test_a_contradiction_with_problems_asks_to_fix_them_first(page: Page, interviewer,
                                                              scorecard):
    sign_in_as(page, interviewer)
    page.goto(f"/scorecards/{scorecard.id}")
    contradict(page, complete=False)
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#warnings")).to_contain_text("Fix the problems listed above first.")
    expect(page.get_by_role("button", name=re.compile("with this recommendation"))) \
        .to_have_count(0)
    expect(page.get_by_text(re.compile("as it is"))).to_have_count(0)


def test_two_tabs_in_conflict_are_merged_field_by_field(page: Page, interviewer, scorecard):
    sign_in_as(page, interviewer)
    page.goto(f"/scorecards/{scorecard.id}")
    other = page.context.new_page()
    other.goto(f"/scorecards/{scorecard.id}")
    score_option(other, "code", "2").check()
    save_from_other_tab(other)

    evidence_box(page, "code").fill("Phone: readable, one helper per step.")
    page.get_by_label("Key takeaways").fill("Phone takeaways.")
    expect(page.locator("#save-status")).to_have_text(re.compile(
        "^Not saved: this scorecard changed in another tab"))
    expect(page.locator("#status-announce")).to_have_text(re.compile("^Not saved:"))
    page.get_by_role("button", name="Save draft").click()

    expect(page.locator("#conflict")).to_be_focused()
    differences = page.locator("fieldset.difference")
    expect(differences).to_have_count(3)  # the code rating and evidence, and the takeaways
    evidence = page.get_by_role("group", name="Evidence for Code quality").filter(
        has=page.locator(".version"))
    expect(evidence.locator(".version-mine")).to_contain_text("Phone: readable")
    expect(evidence.locator(".version-stored")).to_contain_text("Laptop: one off-by-one bug.")
    expect(page.get_by_label("Keep yours: Evidence for Code quality")).to_be_checked()
    page.get_by_label("Keep the stored one: Rating for Code quality").check()
    page.get_by_role("button", name="Save the draft with these choices").click()
    expect(page.locator(".flashes")).to_contain_text("Draft saved")

    expect(score_option(page, "code", "2")).to_be_checked()
    expect(evidence_box(page, "code")).to_have_value("Phone: readable, one helper per step.")
    expect(page.get_by_label("Key takeaways")).to_have_value("Phone takeaways.")
    other.reload()
    expect(evidence_box(other, "code")).to_have_value("Phone: readable, one helper per step.")
