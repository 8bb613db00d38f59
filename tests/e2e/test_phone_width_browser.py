"""Every page a person uses, at a phone's width: none scrolls sideways, none fails axe badly.

Each role signs in once, in one browser context 390 px wide, and visits its pages in turn. Set
SCORECARDS_SHOTS to a folder to keep a screenshot of each page at 390 and at 1280 px.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from scorecards import audit
from scorecards.core.vocabulary import ApplicationStatus, JobStatus, Role, Source
from scorecards.extensions import db
from scorecards.fairness import services as fairness_services
from scorecards.models import Decision, Job, JobChunk, SelfIdentification
from scorecards.users import services as user_services
from tests.conftest import PASSWORD
from tests.e2e.test_scorecard_browser import sign_in_as

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Every page, by who reads it; {names} are filled from the data that `fill` makes.
PAGES: dict[str, list[str]] = {
    "visitor": [
        "/sign-in",
        "/account/{invitation}",
        "/self-identification/{self_identification}",
        "/self-identification/thanks",
    ],
    "interviewer": [
        "/",
        "/interviews",
        "/interviews/{draft_interview}",
        "/scorecards/{draft}",
        "/scorecards/{draft}/kit",
        "/scorecards/{submitted}",
        "/scorecards/{submitted}/amend",
        "/analytics/interviewers/{interviewer}",
        "/account/notifications",
        "/account/settings",
    ],
    "committee": [
        "/",
        "/committee/",
        "/committee/decided",
        "/committee/applications/{ready}",
        "/committee/applications/{decided}",
        "/files/",
        "/files/{committee_job}",
    ],
    "hr": [
        "/",
        "/hr/",
        "/hr/openings/test-opening",
        "/hr/openings/test-opening?status=committee",
        "/hr/openings/test-opening/report",
        "/hr/applications/{ready}",
        "/hr/applications/{decided}",
        "/hr/interviews/{draft_interview}",
        "/hr/overdue",
        "/hr/search",
        "/hr/search?q=Maximiliana",
        "/hr/exports/",
        "/hr/candidates/{candidate}/erase",
        "/analytics/agreement",
        "/analytics/interviewers",
        "/analytics/interviewers/{interviewer}",
        "/analytics/rubrics/test-coding",
        "/files/",
        "/files/{hr_job}",
    ],
    "admin": [
        "/",
        "/admin/users/",
        "/admin/users/invite",
        "/admin/users/{interviewer}",
        "/audit/",
        "/files/{admin_job}",
    ],
    "fairness": [
        "/fairness/impact",
        "/fairness/impact?scope=opening:test-opening&question=sex",
        "/fairness/scores",
        "/fairness/scores?scope=loop:test-loop&question=sex",
        "/fairness/validity",
        "/fairness/validity?loop=test-loop",
    ],
}

# GET routes that are not pages to read: probes, data for scripts, files, hand-offs elsewhere.
NOT_PAGES = {
    "static", "home.favicon", "home.health", "home.ready", "observability.metrics_page",
    "hr.interviewers",  # the panel picker's JSON
    "jobs.status", "jobs.download", "exports.download", "hr.report_csv", "packets.packet",
    "fairness.impact_csv", "fairness.scores_csv", "fairness.validity_csv",
    "auth.sso_start", "auth.sso_callback",  # redirects to and from the identity provider
}

AXE_RUN = "async () => await axe.run(document, {resultTypes: ['violations']})"
WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# The elements that stick out past the window's right edge from a parent that does not.
STICKING_OUT = """() => [...document.body.querySelectorAll("*")].filter(element =>
    element.getBoundingClientRect().right > window.innerWidth + 1
    && element.parentElement.getBoundingClientRect().right <= window.innerWidth + 1
  ).slice(0, 3).map(element => element.tagName.toLowerCase()
    + (element.className && typeof element.className === "string"
       ? "." + element.className.trim().split(/\\s+/).join(".") : "")
    + ` (${Math.round(element.getBoundingClientRect().right)} px)`)"""


def test_the_phone_width_pages_are_every_page_a_person_reads(app: Flask):
    adapter = app.url_map.bind("localhost")
    visited = {adapter.match(re.sub(r"\{\w+\}", "1", path).partition("?")[0])[0]
               for paths in PAGES.values() for path in paths}
    # An endpoint named *_form answers a visit to a form's address with a redirect to the page
    # that holds the form (tests/test_form_addresses.py): it has no page of its own.
    pages = {rule.endpoint for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.endpoint.startswith("api.")
             and not rule.endpoint.endswith("_form")} - NOT_PAGES
    assert pages - visited == set(), "pages no role visits at a phone's width"


@pytest.fixture
def made(app: Flask, make_user, make_application, make_interview, submit) -> dict[str, object]:
    """Make people, an opening with candidates at every step, interviews, decisions and files."""
    now = datetime.now(UTC)
    people = {role.value: make_user(role, email=f"{role.value}@example.com", password=PASSWORD,
                                    name=name)
              for role, name in ((Role.INTERVIEWER, "Ana Souza"), (Role.COMMITTEE, "Johan Berg"),
                                 (Role.HR, "Priya Nair"), (Role.ADMIN, "Ada Admin"),
                                 (Role.FAIRNESS, "Fay Okafor"))}
    ana, ben = people["interviewer"], make_user(name="Bartholomew Featherstonehaugh-Smythe")
    long_named = make_application("Maximiliana Featherstonehaugh-Rodriguez de la Cruz")
    long_named.candidate.email = "maximiliana.featherstonehaugh-rodriguez@university-example.org"
    draft_interview = make_interview(long_named, panel=[ana, ben], when=now - timedelta(days=3))
    submitted = make_interview(stage="design", panel=[ana]).scorecards[0]
    submit(submitted, {"understanding": 3, "approach": 4, "code": 2}, "hire")
    submit(draft_interview.scorecards[1], {"understanding": 2, "approach": 3, "code": 3},
           "no_hire")

    ready = make_application("Ada Lovelace", source=Source.REFERRAL, referrer="Grace Hopper")
    for stage, panel in (("coding", [ana]), ("design", [ben, people["committee"]])):
        for scorecard in make_interview(ready, stage=stage, panel=panel).scorecards:
            submit(scorecard, {"understanding": 4, "approach": 3, "code": 3}, "hire")
    ready.status = ApplicationStatus.COMMITTEE
    decided = make_application("Katherine Johnson")
    for scorecard in make_interview(decided, panel=[ben]).scorecards:
        submit(scorecard, {"understanding": 4, "approach": 4, "code": 4}, "strong_hire")
    decided.status = ApplicationStatus.DECIDED
    db.session.add(Decision(application=decided, recommended_outcome="hire", explanation={},
                            final_outcome="hire", rationale="Strong on every competency.",
                            decided_by=people["committee"]))
    for n, answer in enumerate(("female", "male", "female", "male", "decline")):
        other = make_application(f"Candidate Number {n} Withanotherverylongsurname")
        db.session.add(SelfIdentification(candidate_id=other.candidate_id, item="sex",
                                          answer=answer, source="import"))
    audit.record(people["admin"], "application.closed", decided, status="decided")
    jobs = {}
    for role in ("committee", "hr", "admin"):
        job = Job(kind="export", title="Applications, Backend Engineer, Test",
                  requested_by=people[role], status=JobStatus.DONE, filename="applications.xlsx",
                  mimetype="application/vnd.ms-excel", size=4, finished_at=now,
                  expires_at=now + timedelta(hours=1))
        db.session.add(job)
        db.session.flush()
        db.session.add(JobChunk(job_id=job.id, seq=0, data=b"file"))
        jobs[f"{role}_job"] = job.id
    db.session.commit()
    with app.test_request_context():
        self_identification = fairness_services.send_link(
            people["hr"], long_named.candidate_id, lambda token: token).url
        invited = user_services.invite(people["admin"], "nia@example.com", "Nia Park",
                                       [Role.COMMITTEE], lambda token: token)
    return {"people": people, "draft_interview": draft_interview.id,
            "draft": draft_interview.scorecards[0].id, "submitted": submitted.id,
            "interviewer": ana.id, "ready": ready.id, "decided": decided.id,
            "candidate": long_named.candidate_id, "self_identification": self_identification,
            "invitation": invited.url, **jobs}


@pytest.mark.parametrize("role", PAGES)
def test_no_page_scrolls_sideways_at_a_phones_width_nor_has_serious_accessibility_problems(
        browser: Browser, browser_context_args: dict, axe_js: Path, made: dict, role: str):
    context = browser.new_context(**browser_context_args, viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    if role != "visitor":
        sign_in_as(page, made["people"][role])
    problems = []
    for path in PAGES[role]:
        url = path.format(**made)
        answer = page.goto(url)
        if answer.status != 200:
            problems.append(f"{url}: answered {answer.status}")
            continue
        scroll_width, width = page.evaluate(WIDTHS)
        if scroll_width > width:
            problems.append(f"{url}: {scroll_width} px wide in a {width} px window; sticking "
                            f"out: {', '.join(page.evaluate(STICKING_OUT))}")
        problems += [f"{url}: {problem}" for problem in _serious(page, axe_js)]
        _keep_screenshots(page, role, url)
    context.close()
    assert not problems, "\n".join(problems)


def _serious(page: Page, axe_js: Path) -> list[str]:
    page.add_script_tag(path=axe_js)
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(" ".join(node["target"]) for node in v["nodes"])
            for v in page.evaluate(AXE_RUN)["violations"]
            if v["impact"] in ("serious", "critical")]


def _keep_screenshots(page: Page, role: str, url: str) -> None:
    folder = os.environ.get("SCORECARDS_SHOTS")
    if not folder:
        return
    name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.screenshot(path=Path(folder) / f"{role}-{name}-{size['width']}.png", full_page=True)
    page.set_viewport_size(PHONE)
