"""Each role's home page in a real browser: wide and phone-narrow, no sideways scroll, axe-clean."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scorecards.core.vocabulary import ApplicationStatus, JobStatus, Role, ScorecardStatus
from scorecards.extensions import db
from scorecards.models import Decision, Job
from tests.conftest import PASSWORD
from tests.e2e.test_scorecard_browser import sign_in_as

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")  # noqa: S108 (screenshots for people to look at)
WIDTHS = (1280, 390)
RATIONALE = "The panel saw clear, consistent evidence across every stage."


@pytest.fixture
def world(make_user, make_application, make_interview, submit, ready):
    """Fill every card: owed scorecards, a queue, decisions, HR's lists, users and jobs."""
    now = datetime.now(UTC)
    people = {role: make_user(role, email=f"{role.value}@example.com", password=PASSWORD,
                              name=f"Pat {role.label} With A Rather Long Surname-Hyphenated")
              for role in (Role.INTERVIEWER, Role.COMMITTEE, Role.HR, Role.ADMIN)}
    ana = people[Role.INTERVIEWER]
    for hours, name in ((75, "Maximiliana Wolfeschlegelsteinhausenbergerdorff"), (30, "Olga Late"),
                        (3, "Dora Due"), (-20, "Uma Upcoming"), (-50, "Ulf Later")):
        interview = make_interview(make_application(name), stage="design", panel=[ana],
                                   when=now - timedelta(hours=hours))
        if hours == 30:
            interview.scorecards[0].status = ScorecardStatus.DRAFT
    between = make_application("Bea Between")
    submit(make_interview(between, panel=[make_user()]).scorecards[0],
           {"understanding": 3, "approach": 3, "code": 3})
    between.status = ApplicationStatus.INTERVIEWING
    decided = make_application("Dina Decided")
    db.session.add(Decision(application=decided, recommended_outcome="hire", explanation={},
                            final_outcome="hire", rationale=RATIONALE,
                            decided_by=people[Role.COMMITTEE]))
    decided.status = ApplicationStatus.DECIDED
    make_user(Role.INTERVIEWER, active=False)
    for status in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED):
        db.session.add(Job(kind="export", title="An export", requested_by=people[Role.ADMIN],
                           status=status, finished_at=now if status == JobStatus.FAILED else None))
    db.session.commit()
    return people


def assert_axe_clean(page: Page, axe_js: Path) -> None:
    """Fail on any axe-core violation, whatever its impact."""
    page.add_script_tag(path=axe_js)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in results["violations"]] == []


@pytest.mark.browser_context_args(bypass_csp=True)  # axe is injected as an inline script
@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE, Role.HR, Role.ADMIN])
def test_each_roles_home_fits_a_phone_and_a_desktop_and_is_accessible(page: Page, axe_js, world,
                                                                       role):
    sign_in_as(page, world[role])
    SHOTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
        assert page.title() == "Home · Scorecards"
        sideways = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        page.screenshot(path=str(SHOTS / f"home-{role.value}-{width}.png"), full_page=True)
        assert sideways[0] <= sideways[1], f"{width} px wide scrolls sideways: {sideways}"
        assert_axe_clean(page, axe_js)


@pytest.mark.browser_context_args(bypass_csp=True)
def test_a_decided_summary_states_the_decision_at_the_top(page: Page, axe_js, world):
    sign_in_as(page, world[Role.COMMITTEE])
    page.goto("/")
    page.get_by_role("link", name="Dina Decided").click()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        banner = page.locator("#decision-in-force")
        expect(banner).to_contain_text("Decided: Hire")
        expect(banner).to_be_in_viewport()
        page.screenshot(path=str(SHOTS / f"summary-decided-{width}.png"))
        assert_axe_clean(page, axe_js)
