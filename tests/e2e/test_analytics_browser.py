"""Measurement in a real browser: fitted on request, agreement, a rubric, interviewers' habits."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.test_scorecard_browser import sign_in_as

pytestmark = pytest.mark.e2e


def assert_accessible(page: Page, axe_js) -> None:
    page.add_script_tag(path=axe_js)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert not [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
def test_hr_fits_the_models_and_reads_agreement_and_habits_with_the_keyboard(
        page: Page, axe_js, make_user, make_interview, submit):
    rng = random.Random(5)
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD)
    people = [make_user(name=f"Interviewer {n}") for n in range(5)]
    now = datetime.now(UTC)
    for number in range(24):  # spread over the year's four quarters
        when = now - timedelta(days=91 * (number % 4) + 1)
        interview = make_interview(panel=rng.sample(people, 2), when=when)
        level = rng.choice((1, 2, 3, 4))
        for scorecard in interview.scorecards:
            submit(scorecard, {key: max(1, min(4, level + rng.choice((-1, 0, 1))))
                               for key in ("understanding", "approach", "code")})
            scorecard.submitted_at = when + timedelta(hours=3)
    db.session.commit()
    sign_in_as(page, hr)
    page.goto("/analytics/agreement")
    expect(page.get_by_text("have not been fitted yet")).to_be_visible()
    button = page.get_by_role("button", name="Fit now")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("being fitted")
    page.reload()
    expect(page.get_by_text("Fitted on the scorecards submitted from")).to_be_visible()
    row = page.get_by_role("row", name="Coding exercise")
    expect(row).to_contain_text("24 (24)")
    expect(row).to_contain_text(" to ")  # the interval
    assert_accessible(page, axe_js)

    page.get_by_role("link", name="Coding exercise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coding exercise")
    expect(page.get_by_role("row", name="Problem understanding")).to_be_visible()
    assert_accessible(page, axe_js)

    page.goto("/analytics/interviewers")
    page.get_by_role("link", name="Interviewer 0").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interviewer 0")
    expect(page.locator("#test-coding-leniency")).to_contain_text("Leniency")
    chart = page.get_by_role("img", name="Leniency by quarter")
    expect(chart).to_be_visible()
    assert chart.locator("circle").count() == 4  # one point a quarter
    assert_accessible(page, axe_js)
