"""The committee's Decided list: the decisions in force, newest first, a page at a time."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import event

from scorecards.committee import views
from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.models import Decision

RATIONALE = "The panel saw clear, consistent evidence across every stage."


@pytest.fixture
def johan(make_user):
    """Return a committee member."""
    return make_user(Role.COMMITTEE, name="Johan Berg")


@pytest.fixture
def member(johan, sign_in):
    """Return a client signed in as the committee member."""
    return sign_in(johan)


@pytest.fixture
def decide(johan):
    """Return a function that records a decision on an application, superseding the last."""

    def record(application, final: str = "hire", recommended: str = "hire") -> Decision:
        previous = application.decisions[-1] if application.decisions else None
        decision = Decision(application=application, recommended_outcome=recommended,
                            explanation={}, final_outcome=final, rationale=RATIONALE,
                            decided_by=johan, supersedes=previous)
        application.status = ApplicationStatus.DECIDED
        db.session.add(decision)
        db.session.commit()
        return decision

    return record


def rows(html: str) -> list[list[str]]:
    """Return the cells of each row of the page's table, as text."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    if body is None:
        return []
    return [[" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]


def names(html: str) -> list[str]:
    return [row[0] for row in rows(html)]


def link(html: str, name: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="\w+">{name}</a>', html)
    return unescape(found.group(1)) if found else None


def test_the_decided_list_shows_each_decision_newest_first_with_who_and_when(
        member, make_application, decide):
    ada, grace = make_application("Ada Lovelace"), make_application("Grace Hopper")
    decide(ada)
    decision = decide(grace, final="no_hire", recommended="hire")
    html = member.get("/committee/decided").text
    assert rows(html) == [
        ["Grace Hopper", "Backend Engineer, Test", "No hire", "Hire", "Yes", "Johan Berg",
         f"{decision.decided_at:%a} {decision.decided_at.day} "
         f"{decision.decided_at:%b %Y, %H:%M} UTC"],
        ["Ada Lovelace", "Backend Engineer, Test", "Hire", "Hire", "No", "Johan Berg",
         rows(html)[1][-1]],
    ]
    assert f'href="/committee/applications/{grace.id}">Grace Hopper</a>' in html
    assert "Against the recommendation" in html


def test_only_the_decision_in_force_is_listed_once_another_supersedes_it(
        member, make_application, decide):
    ada, grace = make_application("Ada Lovelace"), make_application("Grace Hopper")
    decide(ada)
    decide(grace)
    decide(ada, final="hold", recommended="hire")  # the committee changed its mind
    found = rows(member.get("/committee/decided").text)
    assert [(row[0], row[2]) for row in found] == [
        ("Ada Lovelace", "Hold for more interviews (changed)"), ("Grace Hopper", "Hire")]


def test_an_application_the_viewer_still_owes_a_scorecard_on_is_left_out(
        make_user, sign_in, make_application, make_interview, decide, submit):
    ada, grace = make_application("Ada Lovelace"), make_application("Grace Hopper")
    decide(ada)
    decide(grace)
    both = make_user(Role.COMMITTEE, Role.INTERVIEWER)
    make_interview(grace, stage="coding", panel=[both])  # a scorecard not started
    client = sign_in(both)
    assert names(client.get("/committee/decided").text) == ["Ada Lovelace"]
    submit(grace.interviews[0].scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    assert names(client.get("/committee/decided").text) == ["Grace Hopper", "Ada Lovelace"]


def test_the_list_pages_by_cursor_in_both_directions(member, make_application, decide,
                                                     monkeypatch):
    monkeypatch.setattr(views, "DECIDED_PAGE_SIZE", 2)
    applications = [make_application(f"Candidate {n}") for n in range(1, 6)]
    for application in applications:
        decide(application)
    decide(applications[1], final="no_hire")  # Candidate 2 moves to the top, once
    statements = []
    listener = lambda *args: statements.append(args[2:4])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        first = member.get("/committee/decided").text
        second = member.get(link(first, "Older decisions")).text
        third = member.get(link(second, "Older decisions")).text
        back = member.get(link(third, "Newer decisions")).text
        top = member.get(link(back, "Newer decisions")).text
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert names(first) == ["Candidate 2", "Candidate 5"]
    assert link(first, "Newer decisions") is None
    assert names(second) == ["Candidate 4", "Candidate 3"]
    assert names(third) == ["Candidate 1"]
    assert link(third, "Older decisions") is None
    assert names(back) == names(second)
    assert names(top) == names(first)
    assert link(top, "Newer decisions") is None
    # No page skips rows to reach its own (SQLite's LIMIT always comes with an OFFSET, 0).
    assert not [s for s, parameters in statements
                if "OFFSET" in s.upper() and list(parameters)[-1] != 0]


def test_a_page_takes_the_same_queries_however_long_it_is(member, make_application, decide,
                                                         monkeypatch):
    def queries() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert member.get("/committee/decided").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    decide(make_application())
    one = queries()
    for _ in range(6):
        decide(make_application())
    assert queries() == one
    assert one <= 3  # the signed-in user, the page; nothing per row


@pytest.mark.parametrize("cursor", ["after=bm90IGEgY3Vyc29y", "before=%01", "after=ZDA"])
def test_a_cursor_the_list_never_gave_is_refused_with_a_message(member, cursor):
    response = member.get(f"/committee/decided?{cursor}")
    assert response.status_code == 400
    assert "Start again from the newest decisions." in response.text


def test_an_empty_list_says_so(member):
    assert "The committee has not decided on anything you may see yet." in \
        member.get("/committee/decided").text


def test_the_queue_and_the_list_link_to_each_other(member):
    for path in ("/committee/", "/committee/decided"):
        html = member.get(path).text
        assert 'href="/committee/decided"' in html
        assert 'href="/committee/"' in html


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.HR, Role.ADMIN])
def test_only_the_committee_sees_the_decided_list(make_user, sign_in, role):
    assert sign_in(make_user(role)).get("/committee/decided").status_code == 404


def test_the_queue_keeps_a_decided_candidate_in_sight_under_recently_decided(
        member, ready, make_application, decide):
    waiting = member.get("/committee/").text
    assert "Ada Lovelace" in waiting.split('id="recent-title"')[0]
    decide(ready, final="no_hire")
    queue, recent = member.get("/committee/").text.split('id="recent-title"')
    assert "Ada Lovelace" not in queue
    assert f'href="/committee/applications/{ready.id}">Ada Lovelace</a>' in recent
    assert "No hire" in recent
    assert 'href="/committee/decided"' in recent


def test_a_decided_summary_opens_with_a_banner_naming_the_decision(member, ready, decide):
    assert "decision-banner" not in member.get(f"/committee/applications/{ready.id}").text
    decide(ready)
    decision = decide(ready, final="no_hire")
    html = member.get(f"/committee/applications/{ready.id}").text
    banner = re.search(r'<section class="decision-banner decision-no_hire"[^>]*>(.*?)</section>',
                       html, re.S)
    assert banner is not None
    assert html.index("decision-banner") < html.index("Scores by stage")
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", banner.group(1))).split())
    assert text.startswith("Decided: No hire By Johan Berg, ")
    assert f"{decision.decided_at:%H:%M} UTC" in text
    assert "replacing an earlier decision" in text
