"""The committee in a real browser: from the queue to a recorded decision, accessibly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.models import Decision
from tests.conftest import PASSWORD
from tests.e2e.test_scorecard_browser import sign_in_as

pytestmark = pytest.mark.e2e


@pytest.fixture
def member(make_user):
    """Return a committee member who can sign in."""
    return make_user(Role.COMMITTEE, email="johan@example.com", password=PASSWORD,
                     name="Johan Berg")


@pytest.fixture
def ready(make_user, make_application, make_interview, submit):
    """Return an application with every required scorecard in."""
    application = make_application("Grace Hopper")
    coding = make_interview(application, stage="coding", panel=[make_user(name="Ana Souza")])
    design = make_interview(application, stage="design",
                            panel=[make_user(name="Ben Carter"), make_user(name="Chen Wei")])
    for scorecard in (*coding.scorecards, *design.scorecards):
        submit(scorecard, {"understanding": 3, "approach": 4, "code": 3})
    application.status = ApplicationStatus.COMMITTEE
    db.session.commit()
    return application


def test_a_committee_member_goes_from_the_queue_to_a_recorded_decision(page: Page, member,
                                                                       ready):
    sign_in_as(page, member)
    page.locator("header nav").get_by_role("link", name="Committee").click()
    page.get_by_role("link", name="Grace Hopper").click()
    expect(page.get_by_role("heading", name="Recommended: Hire")).to_be_visible()
    page.get_by_label("Hire", exact=True).check()
    page.get_by_label("Rationale").fill("Consistent evidence of careful design across stages.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".flashes")).to_contain_text("Decision recorded.")
    expect(page.locator(".decisions")).to_contain_text("Consistent evidence of careful design")
    db.session.expire_all()
    assert db.session.scalar(sa.select(Decision.final_outcome)) == "hire"


SHORT = "Looks fine."
ENOUGH = "Consistent evidence of careful design across stages."


def refuse_then_record(page: Page, ready) -> None:
    """Record a decision with too short a rationale, check where that leaves the reader."""
    page.goto(f"/committee/applications/{ready.id}")
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("Hire", exact=True).check()
    page.get_by_label("Rationale").fill(SHORT)
    page.get_by_role("button", name="Record decision").click()
    problem = page.locator("#error-summary")
    expect(problem).to_contain_text("Give the rationale in at least 20 characters")
    expect(problem).to_be_focused()
    expect(problem).to_be_in_viewport()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    expect(page.get_by_label("Rationale")).to_be_in_viewport()
    # The page says so at its top too, and leads back to the form.
    expect(page.locator(".refused[role=alert]")).to_contain_text(
        "The decision was not recorded.")
    expect(page.get_by_label("Rationale")).to_have_value(SHORT)
    page.get_by_label("Rationale").fill(ENOUGH)
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".flashes")).to_contain_text("Decision recorded.")
    expect(page.locator(".decisions")).to_contain_text(ENOUGH)


def test_a_refused_decision_brings_the_reader_to_its_problem_at_the_form(page: Page, member,
                                                                         ready):
    sign_in_as(page, member)
    refuse_then_record(page, ready)
    db.session.expire_all()
    assert db.session.scalars(sa.select(Decision.rationale)).all() == [ENOUGH]


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_scripts_a_refused_decision_still_brings_its_problem_into_view(page: Page,
                                                                               member, ready):
    sign_in_as(page, member)
    refuse_then_record(page, ready)


def serious_problems(page: Page, axe_js) -> list[str]:
    """Return what axe-core finds seriously or critically wrong with the page."""
    page.add_script_tag(path=axe_js)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} at " + ", ".join(" ".join(n["target"]) for n in v["nodes"])
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
@pytest.mark.parametrize("path", ["/committee/", "/committee/applications/{id}",
                                  "/committee/decided"])
def test_committee_pages_have_no_serious_accessibility_problems(page: Page, axe_js, member,
                                                                ready, path):
    sign_in_as(page, member)
    page.goto(path.format(id=ready.id))
    serious = serious_problems(page, axe_js)
    assert not serious, "\n".join(serious)


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
def test_a_refused_decision_and_the_decided_list_have_no_serious_accessibility_problems(
        page: Page, axe_js, member, ready):
    sign_in_as(page, member)
    page.goto(f"/committee/applications/{ready.id}")
    page.get_by_label("Hire", exact=True).check()
    page.get_by_label("Rationale").fill(SHORT)
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#error-summary")).to_be_focused()
    page.locator("details.panel-card >> nth=1").locator("summary").click()  # open one more
    assert not serious_problems(page, axe_js)
    page.get_by_label("Rationale").fill(ENOUGH)
    page.get_by_role("button", name="Record decision").click()
    page.get_by_role("link", name="Committee", exact=True).click()
    page.get_by_role("link", name="Decided", exact=True).click()
    expect(page.get_by_role("row", name="Grace Hopper")).to_contain_text("Johan Berg")
    serious = serious_problems(page, axe_js)
    assert not serious, "\n".join(serious)


def test_a_scorecard_opens_and_closes_from_the_keyboard(page: Page, member, ready):
    sign_in_as(page, member)
    page.goto(f"/committee/applications/{ready.id}")
    cards = page.locator("details.panel-card")
    expect(cards).to_have_count(3)
    closed = cards.nth(1)
    assert closed.get_attribute("open") is None
    expect(closed.get_by_role("table")).to_be_hidden()
    closed.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(closed.get_by_role("table")).to_be_visible()
    page.keyboard.press("Space")
    expect(closed.get_by_role("table")).to_be_hidden()


def test_a_committee_member_downloads_the_packet_from_the_summary(page: Page, member, ready,
                                                                  tmp_path):
    sign_in_as(page, member)
    page.goto(f"/committee/applications/{ready.id}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the packet (PDF)").click()
    saved = tmp_path / "packet.pdf"
    download.value.save_as(saved)
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "Grace Hopper" in text
    assert "Chen Wei" in text


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
def test_the_meeting_packet_is_prepared_in_the_background_and_waits_for_its_reader(
        page: Page, app, axe_js, member, ready, tmp_path):
    app.config["JOBS_BACKEND"] = "thread"  # as under `make run`: the page has to wait for it
    sign_in_as(page, member)
    page.goto("/committee/")
    page.get_by_role("button", name="One PDF with contents").click()
    expect(page.get_by_role("heading", name="Committee packets: Backend Engineer, Test")
           ).to_be_visible()
    download_link = page.get_by_role("link", name="Download packets-test-opening.pdf")
    expect(download_link).to_be_visible(timeout=30_000)  # the page notices when it is ready
    with page.expect_download() as download:
        download_link.click()
    saved = tmp_path / "meeting.pdf"
    download.value.save_as(saved)
    from pypdf import PdfReader

    assert "Grace Hopper" in "".join(p.extract_text() for p in PdfReader(saved).pages)
    for path in (page.url, "/files/"):
        page.goto(path)
        page.add_script_tag(path=axe_js)
        results = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [f"{v['id']}: {v['help']}" for v in results["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert not serious, "\n".join(serious)
