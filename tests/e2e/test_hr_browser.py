"""HR in a real browser: from the opening to a panel, its scorecards, a spreadsheet, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from scorecards import audit
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import Candidate, Interview
from tests.conftest import PASSWORD
from tests.e2e.test_scorecard_browser import sign_in_as

pytestmark = pytest.mark.e2e


def test_hr_runs_an_application_from_the_opening_to_erasure(page: Page, make_user,
                                                            make_application, submit, tmp_path):
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD, name="Priya Nair")
    panelist = make_user(Role.INTERVIEWER, email="ana@example.com", name="Ana Souza")
    make_application("Someone Else")  # the test opening, with an application already
    sign_in_as(page, hr)
    page.get_by_role("link", name="HR").click()
    page.get_by_role("link", name="Backend Engineer, Test").first.click()

    page.get_by_label("Name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_role("button", name="Add the application").click()
    expect(page.get_by_role("heading", name="Grace Hopper")).to_be_visible()

    page.get_by_label("Stage").select_option(value="coding")
    find = page.get_by_role("combobox", name="Add a panelist")
    find.fill("ana")
    page.get_by_role("option", name="Ana Souza (ana@example.com)").click()
    expect(page.get_by_role("button", name="Remove Ana Souza")).to_be_visible()
    page.locator("input[type=datetime-local]").fill("2026-11-20T10:00")
    page.get_by_role("button", name="Schedule the interview").click()
    expect(page.locator(".flashes")).to_be_visible()
    db.session.expire_all()
    interview = db.session.scalar(sa.select(Interview).join(Interview.application)
                                  .join(Candidate).where(Candidate.name == "Grace Hopper"))
    assert [s.interviewer_id for s in interview.scorecards] == [panelist.id]
    submit(interview.scorecards[0], {"understanding": 3, "approach": 3, "code": 4})

    page.reload()
    expect(page.locator("main")).to_contain_text("Submitted")
    page.get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", name="Exports")).to_be_visible()
    with page.expect_download() as download:  # as a link on the exports page would start it
        page.evaluate("""url => { const link = document.createElement("a");
                                  link.href = url; document.body.append(link); link.click(); }""",
                      "/hr/exports/applications.xlsx")
    saved = tmp_path / "applications.xlsx"
    download.value.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))  # read whole, file closed
    assert any("Grace Hopper" in row for row in rows)

    page.goto(f"/hr/candidates/{interview.application.candidate_id}/erase")
    page.get_by_label("I understand that this cannot be undone").check()
    page.get_by_role("button", name="Erase personal data").click()
    expect(page.locator(".flashes")).to_contain_text("The candidate is erased")
    db.session.expire_all()
    assert db.session.get(Candidate, interview.application.candidate_id).email is None


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
def test_hr_picks_a_panel_with_the_keyboard_from_what_they_type(page: Page, axe_js, make_user,
                                                                make_interview):
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD, name="Priya Nair")
    ana = make_user(Role.INTERVIEWER, email="ana@example.com", name="Ana Souza")
    make_user(Role.INTERVIEWER, email="anders@example.com", name="Anders Berg")
    make_user(Role.INTERVIEWER, email="ana.gone@example.com", name="Ana Gone", active=False)
    marked = make_user(Role.INTERVIEWER, email="mark@example.com", name="<b>Mark</b> Up")
    interview = make_interview(panel=[ana])
    sign_in_as(page, hr)
    page.goto(f"/hr/interviews/{interview.id}")
    find = page.get_by_role("combobox", name="Add a panelist")
    expect(page.get_by_role("group", name="Panel")).to_be_visible()
    expect(page.get_by_role("button", name="Remove Ana Souza")).to_be_visible()

    find.press_sequentially("an")
    options = page.get_by_role("listbox", name="Interviewers found").get_by_role("option")
    expect(options).to_have_text(["Anders Berg (anders@example.com)"])  # Ana sits already
    expect(find).to_have_attribute("aria-expanded", "true")
    page.add_script_tag(path=axe_js)  # with the list of matches open
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']}: {v['help']} at " + ", ".join(" ".join(n["target"]) for n in v["nodes"])
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(serious)
    find.press("Escape")
    expect(options).to_have_count(0)
    expect(find).to_have_attribute("aria-expanded", "false")

    find.fill("")
    find.press_sequentially("<b>")
    expect(options).to_have_text(["<b>Mark</b> Up (mark@example.com)"])  # as text, not markup
    find.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    find.press("Enter")  # chooses; it does not submit the form
    expect(page.get_by_role("button", name="Remove <b>Mark</b> Up")).to_be_visible()
    expect(find).to_have_value("")
    expect(page.locator("[data-status]")).to_have_text(
        "<b>Mark</b> Up added to the panel. 2 on the panel.")
    expect(page.locator("b", has_text="Mark")).to_have_count(0)

    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".flashes")).to_contain_text("Added to the panel: <b>Mark</b> Up.")
    db.session.expire_all()
    assert [s.interviewer_id for s in db.session.get(Interview, interview.id).scorecards] == [
        ana.id, marked.id]


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
@pytest.mark.parametrize("path", [
    "/hr/", "/hr/openings/test-opening", "/hr/applications/{application}",
    "/hr/interviews/{interview}", "/hr/overdue",
    "/hr/openings/test-opening/report", "/hr/exports/", "/hr/candidates/{candidate}/erase",
    "/analytics/agreement", "/account/notifications",
])
def test_hr_pages_have_no_serious_accessibility_problems(page: Page, axe_js, make_user,
                                                         make_interview, path):
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD)
    interview = make_interview(panel=[make_user(Role.INTERVIEWER)])
    sign_in_as(page, hr)
    page.goto(path.format(application=interview.application_id, interview=interview.id,
                          candidate=interview.application.candidate_id))
    page.add_script_tag(path=axe_js)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']}: {v['help']} at " + ", ".join(" ".join(n["target"]) for n in v["nodes"])
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(serious)


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
def test_the_audit_trail_has_no_serious_accessibility_problems(page: Page, axe_js, make_user,
                                                               make_application):
    admin = make_user(Role.ADMIN, email="ada@example.com", password=PASSWORD)
    audit.record(admin, "application.closed", make_application(), status="rejected")
    db.session.commit()
    sign_in_as(page, admin)
    page.goto("/audit/")
    expect(page.get_by_role("link", name="Audit trail")).to_have_attribute("aria-current", "page")
    page.add_script_tag(path=axe_js)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']}: {v['help']}" for v in results["violations"]
               if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(serious)


@pytest.mark.parametrize("path", [
    "/hr/", "/hr/openings/test-opening", "/hr/applications/{application}",
    "/hr/interviews/{interview}", "/hr/overdue", "/hr/openings/test-opening/report",
    "/hr/search?q=candidate", "/hr/candidates/{candidate}/erase"])
def test_hr_pages_do_not_scroll_sideways_on_a_phone(page: Page, make_user, make_interview, path):
    page.set_viewport_size({"width": 390, "height": 900})
    hr = make_user(Role.HR, email="priya@example.com", password=PASSWORD)
    overdue = datetime.now(UTC) - timedelta(days=3)
    interview = make_interview(panel=[make_user(Role.INTERVIEWER, name="Ana Souza",
                                                email="ana.souza.longname@example.com")],
                               when=overdue)
    sign_in_as(page, hr)
    page.goto(path.format(application=interview.application_id, interview=interview.id,
                          candidate=interview.application.candidate_id))
    # What is wider than the content column, outside the boxes that wide tables scroll in.
    wider = page.evaluate("""() => {
        const main = document.querySelector("main"), edge = main.getBoundingClientRect().right;
        return [...main.querySelectorAll("*")]
          .filter((e) => !e.closest(".table-scroll") && e.getBoundingClientRect().right > edge + 1)
          .map((e) => `${e.tagName} ${(e.textContent || "").trim().slice(0, 40)}`); }""")
    assert not wider
