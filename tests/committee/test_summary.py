"""The committee's queue, a candidate's summary and the recorded decision."""

import re
from html import unescape

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from scorecards.committee.services import candidate_summary
from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.models import AuditEvent, Decision

RATIONALE = "The panel saw clear, consistent evidence across every stage."


def text(html: str) -> str:
    """Return the words of a page as a reader sees them, tags and spacing aside."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([.,;:)])", r"\1", words)


def items(html: str, list_class: str) -> list[str]:
    """Return the text of each item of the list with this class."""
    found = re.search(rf'<(ol|ul) class="{list_class}">(.*?)</\1>', html, re.S)
    assert found, list_class
    return [text(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", found.group(2), re.S)]


@pytest.fixture
def member(make_user, sign_in):
    """Return a client signed in as a committee member."""
    return sign_in(make_user(Role.COMMITTEE, name="Johan Berg"))


def test_the_queue_lists_applications_ready_for_a_decision(ready, member, make_application):
    make_application("Still Interviewing")
    html = member.get("/committee/").text
    assert "Ada Lovelace" in html
    assert "Still Interviewing" not in html
    assert "Hire" in html
    assert "Borderline" in html  # 3.00 with an interval of 2.63 to 3.37 around the bar 2.75


def test_the_summary_shows_scores_reasons_disagreements_and_every_scorecard(ready, member):
    html = member.get(f"/committee/applications/{ready.id}").text
    assert "Recommended: Hire" in html
    # Coding 3.00; design (3 + 6 + 4.5) / 4.5 = 3.00; overall 3.00.
    assert "Overall score 3.00 is at or above the hire threshold 2.75" in html
    assert "Design, Problem understanding: ratings range from 2 to 4 (Ben Carter 4, Chen Wei 2)." \
        in html
    assert "Design: Ben Carter (hire) recommend hire, Chen Wei (no hire) no hire." in html
    for name in ("Ana Souza", "Ben Carter", "Chen Wei"):
        assert f": {name}" in html
    assert "Calibration:" in html


def test_the_recommendation_says_it_is_borderline_and_how_close_the_threshold_is(ready,
                                                                               member):
    page = text(member.get(f"/committee/applications/{ready.id}").text)
    assert "Recommended: Hire Borderline: the overall score 3.00 could be anywhere from 2.63 " \
        "to 3.37 (90% interval), which includes the hire threshold 2.75." in page


def test_every_reason_is_listed_in_policy_order_with_the_decisive_one_labelled(ready, member):
    html = member.get(f"/committee/applications/{ready.id}").text
    reasons = candidate_summary(None, ready.id).summary.reasons
    shown = items(html, "reasons")
    assert len(shown) == len(reasons) == 4
    for line, reason in zip(shown, reasons, strict=True):
        assert line.endswith(reason.message)
        # Marked in words, not by colour alone.
        assert line.startswith("Decided by ") == reason.decisive
    assert shown[-1].startswith("Decided by Thresholds: Overall score 3.00")
    assert shown[0] == "Must-pass bar: Coding, Approach: mean 3.00 meets the must-pass bar 2.5."


def test_the_summary_shows_what_would_change_the_outcome(ready, member):
    html = member.get(f"/committee/applications/{ready.id}").text
    assert "What would change it" in html
    assert items(html, "flips") == [
        "Coding, Approach: Ana Souza's rating 3 as 2 would make it no hire."]


def test_each_stage_score_carries_its_standard_error_and_its_source(ready, member):
    html = member.get(f"/committee/applications/{ready.id}").text
    page = text(html)
    assert "Coding 1.0 1 of 1 3.00 ± 0.50 assumed" in page
    assert "Design 2.0 2 of 2 3.00 ± 0.22 panel and history" in page
    assert 'title="Standard error, from this panel&#39;s spread, blended with the ' \
        'rubric&#39;s past panels"' in html
    assert "panel and history This panel's spread, blended with the rubric's past panels." \
        in page


def test_each_scorecard_folds_away_and_only_the_first_stage_starts_open(ready, member):
    html = member.get(f"/committee/applications/{ready.id}").text
    cards = re.findall(r"<details class=\"panel-card\"[^>]*>\s*<summary><h3[^>]*>([^<]*)</h3>",
                       html)
    opened = re.findall(r"<details class=\"panel-card\"[^>]* open>\s*<summary><h3[^>]*>([^<]*)<",
                        html)
    assert cards == ["Coding: Ana Souza", "Design: Ben Carter", "Design: Chen Wei"]
    assert opened == ["Coding: Ana Souza"]


def test_a_link_at_the_top_leads_to_the_decision_form(ready, member):
    html = member.get(f"/committee/applications/{ready.id}").text
    link = html.index('<a class="button" href="#decide">Record the decision</a>')
    assert link < html.index('id="recommended"') < html.index('<h2 id="decide">')


def test_a_refused_decision_says_so_at_the_top_and_brings_the_form_with_its_problem_forward(
        ready, member):
    response = member.post(f"/committee/applications/{ready.id}",
                           data={"final_outcome": "hire", "rationale": "Looks fine."})
    assert response.status_code == 400
    html = response.text
    top = re.search(r'<div class="refused" role="alert">(.*?)</div>', html, re.S)
    assert top is not None
    assert text(top.group(1)) == "The decision was not recorded. See what to change at the form."
    assert 'href="#error-summary"' in top.group(1)
    assert html.index('role="alert"') < html.index("<h1>")
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert html.index('<h2 id="decide">') < summary.start() < html.index("<form method=\"post\"")
    assert 'id="error-summary" autofocus' in summary.group(0)  # in view without scripts
    assert "Give the rationale in at least 20 characters (11 so far)." in text(summary.group(1))
    assert "committee.js" in html  # and focused by the page's own script
    # Posted to an address without a fragment, which would take the focus away again.
    assert f'<form method="post" action="/committee/applications/{ready.id}"' in html
    assert ">Looks fine.</textarea>" in html  # nothing typed is lost
    assert "<title>Not recorded: " in html


def test_a_page_with_no_decision_refused_has_no_alert(ready, member):
    html = member.get(f"/committee/applications/{ready.id}").text
    assert 'class="refused"' not in html
    assert "error-summary" not in html


def test_the_summary_runs_the_same_number_of_queries_whatever_the_panel_size(
        make_user, make_application, make_interview, submit, member):
    def panel_of(size: int) -> int:
        application = make_application()
        interview = make_interview(application, stage="design",
                                   panel=[make_user() for _ in range(size)])
        for scorecard in interview.scorecards:
            submit(scorecard, {"understanding": 3, "approach": 3, "code": 2})
        return application.id

    def queries(application_id: int) -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert member.get(f"/committee/applications/{application_id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    small, large = panel_of(2), panel_of(7)
    queries(small)  # warm the caches of parsed rubrics
    assert queries(small) == queries(large)


def test_recording_a_decision_keeps_the_recommendation_and_closes_the_application(ready,
                                                                                  member):
    response = member.post(f"/committee/applications/{ready.id}",
                           data={"final_outcome": "hire", "rationale": RATIONALE})
    assert response.status_code == 302
    decision = db.session.scalar(sa.select(Decision))
    assert (decision.final_outcome, decision.recommended_outcome) == ("hire", "hire")
    assert [r["rule"] for r in decision.explanation["reasons"] if r["decisive"]] == ["threshold"]
    db.session.expire_all()
    assert ready.status == ApplicationStatus.DECIDED
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "decision.recorded")) is not None
    waiting, recent = member.get("/committee/").text.split('id="recent-title"')
    assert "Ada Lovelace" not in waiting
    assert "Ada Lovelace" in recent  # under Recently decided, not in the queue


def test_a_decision_against_the_recommendation_needs_a_longer_rationale(ready, member):
    short = member.post(f"/committee/applications/{ready.id}",
                        data={"final_outcome": "no_hire", "rationale": RATIONALE})
    assert short.status_code == 400
    assert "departs from the recommendation (hire)" in short.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0
    longer = RATIONALE + " The split on problem understanding worried us: we want more signal."
    assert member.post(f"/committee/applications/{ready.id}",
                       data={"final_outcome": "no_hire", "rationale": longer}).status_code == 302


def test_a_changed_decision_is_a_new_record_that_supersedes_the_last(ready, member):
    url = f"/committee/applications/{ready.id}"
    member.post(url, data={"final_outcome": "hire", "rationale": RATIONALE})
    member.post(url, data={"final_outcome": "hold", "rationale": RATIONALE + " " * 5 + "x" * 90})
    first, second = db.session.scalars(sa.select(Decision).order_by(Decision.id)).all()
    assert second.supersedes_id == first.id
    assert first.final_outcome == "hire"
    db.session.expire_all()
    assert ready.status == ApplicationStatus.INTERVIEWING  # held for more interviews


@pytest.mark.parametrize("data", [{"final_outcome": "maybe", "rationale": RATIONALE},
                                  {"final_outcome": "hire", "rationale": "  "},
                                  {"rationale": RATIONALE}])
def test_a_bad_decision_form_is_refused_with_a_message(ready, member, data):
    response = member.post(f"/committee/applications/{ready.id}", data=data)
    assert response.status_code == 400
    assert 'id="error-summary"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.HR])
def test_only_the_committee_decides(ready, make_user, sign_in, role):
    client = sign_in(make_user(role))
    response = client.post(f"/committee/applications/{ready.id}",
                           data={"final_outcome": "hire", "rationale": RATIONALE})
    assert response.status_code == 404
    assert client.get("/committee/").status_code == 404


def test_hr_reads_the_summary_but_gets_no_decision_form(ready, make_user, sign_in):
    html = sign_in(make_user(Role.HR)).get(f"/committee/applications/{ready.id}").text
    assert "Recommended: Hire" in html
    assert "Record the decision" not in html


def test_a_committee_member_who_owes_a_scorecard_sees_nothing_of_the_candidate(
        ready, make_user, make_interview, sign_in):
    member = make_user(Role.COMMITTEE, Role.INTERVIEWER)
    make_interview(ready, stage="coding", panel=[member])
    client = sign_in(member)
    assert client.get(f"/committee/applications/{ready.id}").status_code == 404
    assert "Ada Lovelace" not in client.get("/committee/").text


def test_an_unknown_application_is_404(member):
    assert member.get("/committee/applications/999999").status_code == 404


def test_an_application_reaches_the_queue_once_its_required_scorecards_are_in(
        make_user, make_application, make_interview, sign_in):
    from tests.interviews.conftest import COMPLETE, form

    application = make_application("Barbara Liskov")
    ana, ben, chen = make_user(), make_user(), make_user()
    (coding,) = make_interview(application, stage="coding", panel=[ana]).scorecards
    design = make_interview(application, stage="design", panel=[ben, chen]).scorecards
    steps = [(ana, coding), (ben, design[0]), (chen, design[1])]
    for number, (who, scorecard) in enumerate(steps, start=1):
        sign_in(who).post(f"/scorecards/{scorecard.id}",
                          data=form(1, action="submit", **COMPLETE))
        db.session.expire_all()
        expected = ApplicationStatus.COMMITTEE if number == 3 else ApplicationStatus.INTERVIEWING
        assert application.status == expected
    committee = sign_in(make_user(Role.COMMITTEE))
    assert "Barbara Liskov" in committee.get("/committee/").text
