"""The panel picker with the keyboard only: type to find, arrows and Enter to add, a chip's
Remove button to take someone off; and the schedule form's problems, all at once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, expect

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import Interview
from tests.conftest import PASSWORD
from tests.e2e.test_scorecard_browser import sign_in_as

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("SCORECARDS_SHOTS")  # a folder to keep pictures of the pages in


def serious_problems(page: Page, axe_js: Path) -> list[str]:
    """Return axe-core's serious and critical findings on the page as it is now."""
    page.add_script_tag(path=axe_js)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} at " + ", ".join(" ".join(n["target"]) for n in v["nodes"])
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def fits(page: Page) -> bool:
    """Tell whether the page's content fits its width: wide tables scroll in their own boxes."""
    return page.evaluate("() => { const main = document.querySelector('main');"
                         " return main.scrollWidth <= main.clientWidth; }")


def tab_to(page: Page, target: Locator, presses: int = 4, key: str = "Tab") -> None:
    """Press Tab until the target has the focus, as someone without a mouse does."""
    for _ in range(presses):
        page.keyboard.press(key)
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{presses} presses of {key} did not reach {target}")


def shoot(page: Page, name: str) -> None:
    """Keep a picture of the page to look at, when SCORECARDS_SHOTS names a folder."""
    if SHOTS:
        Path(SHOTS).mkdir(exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"hr-{name}.png"), full_page=True)


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
@pytest.mark.parametrize("width", [1280, 390])
def test_hr_schedules_an_interview_with_the_keyboard_only(page: Page, axe_js, make_user,
                                                          make_application, width):
    page.set_viewport_size({"width": width, "height": 900})
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD, name="Priya Nair")
    make_user(Role.INTERVIEWER, email="ana@example.com", name="Ana Souza")
    anders = make_user(Role.INTERVIEWER, email="anders@example.com", name="Anders Berg")
    make_user(Role.INTERVIEWER, email="ben@example.com", name="Ben Carter")
    application = make_application("Grace Hopper")
    sign_in_as(page, hr)
    page.goto(f"/hr/applications/{application.id}")

    stage = page.get_by_label("Stage")
    stage.focus()
    page.keyboard.press("ArrowDown")  # from Coding to Design
    expect(stage).to_have_value("design")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Date and time (UTC)")).to_be_focused()
    # Chromium lays the field out in the system's locale, here month, day, year, hours,
    # minutes and AM or PM, moving on from each part once it is typed in full.
    page.keyboard.type("112020261000A", delay=30)
    expect(page.get_by_label("Date and time (UTC)")).to_have_value("2026-11-20T10:00")

    find = page.get_by_role("combobox", name="Add a panelist")
    tab_to(page, find)
    expect(page.locator(".panel-empty")).to_have_text("Nobody is on the panel yet.")
    page.keyboard.type("an")
    options = page.get_by_role("listbox", name="Interviewers found").get_by_role("option")
    expect(options).to_have_text(["Ana Souza (ana@example.com)",
                                  "Anders Berg (anders@example.com)"])
    expect(find).to_have_attribute("aria-expanded", "true")
    assert not serious_problems(page, axe_js)  # with the list of matches open
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(find).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    page.keyboard.press("Enter")  # adds Anders; does not submit the form
    status = page.locator("[data-status]")
    expect(status).to_have_text("Anders Berg added to the panel. 1 on the panel.")
    expect(page.get_by_role("button", name="Remove Anders Berg")).to_be_visible()
    expect(find).to_have_value("")
    expect(find).to_be_focused()

    page.keyboard.type("ben")
    expect(options).to_have_text(["Ben Carter (ben@example.com)"])
    page.keyboard.press("Enter")  # the first match, without arrows
    expect(status).to_have_text("Ben Carter added to the panel. 2 on the panel.")
    page.keyboard.type("an")
    expect(options).to_have_text(["Ana Souza (ana@example.com)"])  # Anders is on the panel
    page.keyboard.press("Escape")
    expect(options).to_have_count(0)
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")

    page.keyboard.press("Shift+Tab")  # back from the search box to the last chip's button
    remove_ben = page.get_by_role("button", name="Remove Ben Carter")
    expect(remove_ben).to_be_focused()
    assert not serious_problems(page, axe_js)  # with chips
    shoot(page, f"picker-{width}")
    page.keyboard.press("Enter")
    expect(remove_ben).to_have_count(0)
    expect(status).to_have_text("Ben Carter removed from the panel. 1 on the panel.")
    expect(page.get_by_role("button", name="Remove Anders Berg")).to_be_focused()
    assert fits(page)  # no sideways scroll

    tab_to(page, page.get_by_role("button", name="Schedule the interview"))
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("with 1 panelist")
    db.session.expire_all()
    interview = db.session.scalar(sa.select(Interview))
    assert interview.stage_key == "design"
    assert [s.interviewer_id for s in interview.scorecards] == [anders.id]


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
@pytest.mark.parametrize("width", [1280, 390])
def test_an_empty_schedule_form_comes_back_with_every_problem_named(page: Page, axe_js,
                                                                    make_user, make_application,
                                                                    width):
    page.set_viewport_size({"width": width, "height": 900})
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD, name="Priya Nair")
    application = make_application("Grace Hopper")
    sign_in_as(page, hr)
    page.goto(f"/hr/applications/{application.id}")
    page.get_by_role("button", name="Schedule the interview").click()

    expect(page.locator(".refused")).to_contain_text("The interview was not scheduled.")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()  # autofocus brings it into view
    expect(summary.get_by_role("link")).to_have_text([
        "Give the date and time of the interview.",
        "Name at least one interviewer for the panel."])
    assert not serious_problems(page, axe_js)
    assert fits(page)
    shoot(page, f"schedule-errors-{width}")
    summary.get_by_role("link", name="Give the date and time").click()
    expect(page.get_by_label("Date and time (UTC)")).to_be_focused()

    page.goto(page.url)  # the address the form posted to, visited: never a 405
    expect(page.get_by_role("heading", name="Grace Hopper")).to_be_visible()


def test_someone_taken_off_by_mistake_is_offered_again_even_if_deactivated(
        page: Page, make_user, make_interview):
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD, name="Priya Nair")
    gone = make_user(Role.INTERVIEWER, email="ana.gone@example.com", name="Ana Gone")
    kept = make_user(Role.INTERVIEWER, email="ben@example.com", name="Ben Carter")
    interview = make_interview(panel=[gone, kept])
    gone.active = False  # left the company after the interview was set
    db.session.commit()
    sign_in_as(page, hr)
    page.goto(f"/hr/interviews/{interview.id}")

    remove = page.get_by_role("button", name="Remove Ana Gone")
    remove.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-status]")).to_have_text(
        "Ana Gone removed from the panel. 1 on the panel.")
    expect(page.get_by_role("button", name="Remove Ben Carter")).to_be_focused()
    find = page.get_by_role("combobox", name="Add a panelist")
    find.focus()
    page.keyboard.type("ana")  # the search finds no active Ana; the page remembers her
    options = page.get_by_role("listbox", name="Interviewers found").get_by_role("option")
    expect(options).to_have_text(["Ana Gone (ana.gone@example.com)"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Remove Ana Gone")).to_be_visible()
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".flashes")).to_contain_text("Nothing changed")


def test_a_search_dropped_by_emptying_the_box_never_speaks_over_what_came_after(
        page: Page, make_user, make_interview):
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD, name="Priya Nair")
    make_user(Role.INTERVIEWER, email="anders@example.com", name="Anders Berg")
    ben = make_user(Role.INTERVIEWER, email="ben@example.com", name="Ben Carter")
    cho = make_user(Role.INTERVIEWER, email="cho@example.com", name="Cho Lee")
    interview = make_interview(panel=[ben, cho])
    page.clock.install()  # the search waits for a pause in typing: the test says when it ends
    sign_in_as(page, hr)
    page.goto(f"/hr/interviews/{interview.id}")

    find = page.get_by_role("combobox", name="Add a panelist")
    find.focus()
    page.keyboard.type("an")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")  # emptied before the pause ended: nothing to ask
    page.keyboard.press("Shift+Tab")
    remove_cho = page.get_by_role("button", name="Remove Cho Lee")
    expect(remove_cho).to_be_focused()
    page.keyboard.press("Enter")
    status = page.locator("[data-status]")
    expect(status).to_have_text("Cho Lee removed from the panel. 1 on the panel.")
    page.clock.run_for(1000)  # well past the pause
    expect(status).to_have_text("Cho Lee removed from the panel. 1 on the panel.")
    expect(find).to_have_attribute("aria-expanded", "false")
