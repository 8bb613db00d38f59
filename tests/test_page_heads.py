"""What every page's head says: a plain-text title, "<Page> · Scorecards", and the site's icon."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db

TEMPLATES = Path(__file__).parents[1] / "templates"
TITLE_BLOCK = re.compile(r"{%-?\s*block title\s*-?%}(.*?){%-?\s*endblock", re.S)
PAGES = [
    "/", "/interviews", "/interviews/{interview}", "/scorecards/{scorecard}",
    "/scorecards/{scorecard}/kit", "/account/settings", "/committee/", "/committee/decided",
    "/committee/applications/{application}", "/hr/", "/hr/openings/test-opening",
    "/hr/openings/test-opening/report", "/hr/applications/{application}",
    "/hr/interviews/{interview}", "/hr/overdue", "/hr/search", "/hr/search?q=Ada",
    "/hr/exports/", "/hr/candidates/{candidate}/erase", "/analytics/agreement",
    "/analytics/interviewers", "/analytics/rubrics/test-coding", "/files/", "/admin/users/",
    "/admin/users/invite", "/admin/users/{user}", "/audit/", "/fairness/impact",
    "/fairness/scores", "/fairness/validity", "/account/notifications", "/no-such-page",
]


def title_of(html: str) -> str:
    """Return the text of the page's <title> as sent, entities and all."""
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found, "the page has no <title>"
    return found[1]


def templates_with_a_title() -> list:
    return [path for path in sorted(TEMPLATES.rglob("*.html"))
            if "block title" in path.read_text() and path.name != "base.html"]


@pytest.mark.parametrize("template", templates_with_a_title(),
                         ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_a_templates_title_block_holds_text_not_markup(template: Path):
    for block in TITLE_BLOCK.findall(template.read_text()):
        assert "<" not in block
        assert block.strip()


def test_every_page_that_extends_the_base_names_itself():
    nameless = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
                if '{% extends "base.html" %}' in path.read_text()
                and "block title" not in path.read_text()]
    assert nameless == []


@pytest.fixture
def everyone(sign_in, make_user, ready, make_interview):
    """Sign in as someone with every role, with an application ready for the committee."""
    person = make_user(Role.INTERVIEWER, Role.COMMITTEE, Role.HR, Role.ADMIN, Role.FAIRNESS)
    interview = make_interview(ready, panel=[person])
    ready.status = ApplicationStatus.COMMITTEE
    db.session.commit()
    sign_in(person)
    return {"interview": interview.id, "scorecard": interview.scorecards[0].id,
            "application": ready.id, "candidate": ready.candidate_id, "user": person.id}


@pytest.mark.parametrize("path", PAGES)
def test_a_pages_title_is_plain_text_naming_the_page_then_the_site(client, everyone, path):
    answer = client.get(path.format(**everyone))
    assert answer.status_code in (200, 404), answer.status_code
    page, separator, site = title_of(answer.text).partition(" · ")
    assert (separator, site) == (" · ", "Scorecards")
    assert "<" not in page
    assert page.strip() == page != ""


def test_the_icon_is_linked_from_every_page_and_served(client, everyone):
    page = client.get("/interviews").text
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon, "no icon link in the page's head"
    with client.get(icon[1]) as served:
        assert served.status_code == 200
        assert served.mimetype == "image/svg+xml"
        assert served.data.lstrip().startswith(b"<svg")


def test_the_old_icon_address_leads_to_the_icon_signed_in_or_not(client, sign_in, make_user):
    for _ in ("signed out", "signed in"):
        answer = client.get("/favicon.ico")
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/static/favicon.svg"
        with client.get(answer.headers["Location"]) as icon:
            assert icon.mimetype == "image/svg+xml"
        sign_in(make_user())
