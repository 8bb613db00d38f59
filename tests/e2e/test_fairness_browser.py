"""Self-identification in a real browser: HR sends the link; the candidate answers, no account."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.fairness import services
from scorecards.models import SelfIdentification
from tests.conftest import PASSWORD
from tests.e2e.test_analytics_browser import assert_accessible
from tests.e2e.test_scorecard_browser import sign_in_as

pytestmark = pytest.mark.e2e


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
def test_hr_sends_the_link_and_the_candidate_answers_with_the_keyboard(
        page: Page, app, axe_js, make_user, make_application):
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD)
    application = make_application("Ada Lovelace")
    sign_in_as(page, hr)
    page.goto(f"/hr/applications/{application.id}")
    page.get_by_role("button", name="Send the self-identification link").click()
    expect(page.locator(".flashes")).to_contain_text("It works once")
    # The mail's link: made again here, as the candidate would receive it.
    tokens = []
    with app.test_request_context():
        services.send_link(hr, application.candidate_id,
                           lambda token: tokens.append(token) or token)
    page.context.clear_cookies()  # the candidate has no account

    page.goto(f"/self-identification/{tokens[0]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Voluntary self-identification")
    assert_accessible(page, axe_js)
    sex = page.get_by_role("group", name="Sex")
    sex.get_by_role("radio", name="Skip this question").focus()
    page.keyboard.press("ArrowDown")  # Female
    expect(sex.get_by_role("radio", name="Female")).to_be_checked()
    page.get_by_role("group", name="Race or ethnicity").get_by_role(
        "radio", name="Prefer not to say").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(page, axe_js)
    db.session.expire_all()
    assert dict(db.session.execute(sa.select(SelfIdentification.item,
                                             SelfIdentification.answer)).all()) == {
        "sex": "female", "race_ethnicity": "prefer_not_to_say"}
    page.goto(f"/self-identification/{tokens[0]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
def test_a_fairness_reviewer_reads_the_report_of_a_loop(page: Page, axe_js, make_user,
                                                        make_application, make_interview):
    reviewer = make_user(Role.FAIRNESS, email="fay@example.com", password=PASSWORD)
    for answer, count, interviewed in (("male", 30, 18), ("female", 20, 5)):
        for n in range(count):
            application = make_application()
            db.session.add(SelfIdentification(candidate_id=application.candidate_id,
                                              item="sex", answer=answer, source="import"))
            if n < interviewed:
                make_interview(application)
    db.session.commit()
    sign_in_as(page, reviewer)
    page.get_by_role("link", name="Fairness").click()
    page.get_by_label("Opening or loop").select_option(label="Test loop")
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator("main")).to_contain_text("counted never yet")
    page.get_by_role("button", name="Count again now").click()
    expect(page.get_by_role("status")).to_contain_text(
        "being counted again")
    screening = page.locator("#step-screening").locator("xpath=..")
    expect(screening).to_contain_text("adverse impact")
    expect(screening.get_by_role("row", name="Female")).to_contain_text("0.42")
    # A 25% rate fills a quarter of its bar: SVG attributes, which the CSP allows, not a style.
    bar = screening.get_by_role("row", name="Female").locator(".rate-bar rect")
    assert bar.bounding_box()["width"] == pytest.approx(0.25 * 96, abs=1)
    assert_accessible(page, axe_js)
    page.get_by_role("link", name="Scores by group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scores by group")
    expect(page.locator("main")).to_contain_text("Too little data to compare groups")
    assert_accessible(page, axe_js)
