"""Panel agreement in a real browser: computed on request, then shown with its time."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from scorecards.core.vocabulary import Role
from tests.conftest import PASSWORD
from tests.e2e.test_scorecard_browser import sign_in_as

pytestmark = pytest.mark.e2e


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
def test_hr_computes_panel_agreement_from_the_page_with_the_keyboard(
        page: Page, axe_js, make_user, make_interview, submit):
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD)
    for _ in range(3):
        interview = make_interview(panel=[make_user(), make_user()])
        for scorecard, score in zip(interview.scorecards, (2, 3), strict=True):
            submit(scorecard, {"understanding": score, "approach": 5 - score})
    sign_in_as(page, hr)
    page.goto("/analytics/agreement")
    expect(page.get_by_text("Panel agreement has not been computed yet")).to_be_visible()
    button = page.get_by_role("button", name="Compute now")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("being recomputed")
    page.reload()
    expect(page.get_by_text("Figures as of")).to_be_visible()
    expect(page.get_by_role("row", name="Coding exercise")).to_contain_text("3")
    expect(page.get_by_role("button", name="Recompute now")).to_be_visible()
    page.add_script_tag(path=axe_js)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert not [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]
