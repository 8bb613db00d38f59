"""Finding a candidate in a real browser: typing into HR's search box, reaching the application."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from scorecards.core.vocabulary import Role
from tests.conftest import PASSWORD
from tests.e2e.test_scorecard_browser import sign_in_as

pytestmark = pytest.mark.e2e


def test_hr_types_a_name_without_its_accents_and_opens_the_application(page: Page, make_user,
                                                                       make_application):
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD)
    application = make_application("Åsa Öberg")
    make_application("Anna Svensson")
    sign_in_as(page, hr)
    page.goto("/hr/")

    page.get_by_role("searchbox", name="Find a candidate").fill("asa ob")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Candidates matching")).to_be_visible()
    results = page.get_by_role("table")
    expect(results.get_by_role("rowheader", name="Åsa Öberg")).to_be_visible()
    expect(results).not_to_contain_text("Anna Svensson")
    expect(page.get_by_role("searchbox", name="Find a candidate")).to_have_value("asa ob")

    results.get_by_role("link", name="application of Åsa Öberg").click()
    expect(page).to_have_url(f"/hr/applications/{application.id}")
    expect(page.get_by_role("heading", name="Åsa Öberg")).to_be_visible()


def test_an_empty_search_says_what_to_type_beside_the_box(page: Page, make_user):
    sign_in_as(page, make_user(Role.HR, email="priya@example.com", password=PASSWORD))
    page.goto("/hr/overdue")
    page.get_by_role("button", name="Search").click()
    box = page.get_by_role("searchbox", name="Find a candidate")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_contain_text("Type a name, an email or an opening")


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
@pytest.mark.parametrize("path", ["/hr/search", "/hr/search?q=candidate", "/hr/search?q=",
                                  "/hr/search?q=nobody"])
def test_the_search_pages_have_no_serious_accessibility_problems(page: Page, axe_js, make_user,
                                                                 make_application, path):
    sign_in_as(page, make_user(Role.HR, email="priya@example.com", password=PASSWORD))
    make_application()
    page.goto(path)
    page.add_script_tag(path=axe_js)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']}: {v['help']} at " + ", ".join(" ".join(n["target"]) for n in v["nodes"])
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(serious)
