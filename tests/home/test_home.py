"""The home page: each role's cards, their counts and first rows, one query a card."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from scorecards.core.errors import NotVisible
from scorecards.core.vocabulary import ApplicationStatus, JobStatus, Role, ScorecardStatus
from scorecards.extensions import db
from scorecards.home import services
from scorecards.hr.services.reminders import overdue_count
from scorecards.models import Decision, Job, Opening, OpeningContacts, utcnow

WINDOW = timedelta(hours=24)  # the app's default SCORECARD_OVERDUE_HOURS
RATIONALE = "The panel saw clear, consistent evidence across every stage."
CARDS = {"owed": Role.INTERVIEWER, "next": Role.INTERVIEWER, "awaiting": Role.COMMITTEE,
         "decisions": Role.COMMITTEE, "hr": Role.HR, "users": Role.ADMIN, "jobs": Role.ADMIN}


def ago(**span) -> datetime:
    """Return a time that far in the past (a negative span is the future)."""
    return datetime.now(UTC) - timedelta(**span)


def cards(html: str) -> list[str]:
    """Return the ids of the page's cards, in their order."""
    return re.findall(r'<section class="card[^"]*" aria-labelledby="[^"]+" id="([^"]+)"', html)


def card(html: str, card_id: str) -> str:
    """Return the markup of one card."""
    found = re.search(rf'<section class="card[^"]*" [^>]*id="{card_id}">(.*?)\n</section>', html,
                      re.S)
    assert found, f"no card {card_id}"
    return found.group(1)


@contextmanager
def statements() -> Iterator[list[str]]:
    """Collect the SQL statements sent meanwhile."""
    sent: list[str] = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def queries(call: Callable[[], object]) -> int:
    """Return how many statements a call sends once its caches are warm."""
    call()
    with statements() as sent:
        call()
    return len(sent)


@pytest.fixture
def make_opening(catalog) -> Callable[..., Opening]:
    """Return a function that opens another opening on the test loop."""

    def make(key: str) -> Opening:
        made = Opening(key=key, title=key.replace("-", " ").capitalize(), loop_version=catalog)
        db.session.add(made)
        db.session.commit()
        return made

    return make


@pytest.fixture
def owing(make_user, make_application, make_interview):
    """Return Ana, who owes scorecards overdue, due and for interviews to come, and the rest."""
    ana = make_user(Role.INTERVIEWER, name="Ana Souza")
    late = make_interview(make_application("Olga Late"), stage="design", panel=[ana],
                          when=ago(hours=30))
    draft = make_interview(make_application("Otto Later"), panel=[ana], when=ago(days=3))
    draft.scorecards[0].status = ScorecardStatus.DRAFT
    due = make_interview(make_application("Dora Due"), panel=[ana], when=ago(hours=2))
    soon = make_interview(make_application("Uma Upcoming"), panel=[ana], when=ago(hours=-20))
    # Nothing is owed on a cancelled interview or a closed application.
    cancelled = make_interview(make_application("Carl Cancelled"), panel=[ana],
                               when=ago(days=2))
    cancelled.cancelled_at, cancelled.cancelled_by = utcnow(), ana
    closed = make_interview(make_application("Rita Rejected"), panel=[ana], when=ago(days=2))
    closed.application.status = ApplicationStatus.REJECTED
    db.session.commit()
    return ana, late, draft, due, soon


def test_the_title_is_plain_text(make_user, sign_in):
    html = sign_in(make_user(Role.INTERVIEWER)).get("/").text
    assert "<title>Home · Scorecards</title>" in html


@pytest.mark.parametrize(("roles", "shown"), [
    ((Role.INTERVIEWER,), ["owed", "next"]),
    ((Role.COMMITTEE,), ["awaiting", "decisions"]),
    ((Role.HR,), ["hr"]),
    ((Role.ADMIN,), ["users", "jobs"]),
    ((Role.ADMIN, Role.HR, Role.COMMITTEE, Role.INTERVIEWER),
     ["owed", "next", "awaiting", "decisions", "hr", "users", "jobs"]),
    ((Role.FAIRNESS,), []),
])
def test_each_role_sees_its_cards_only_the_interviewers_first(make_user, sign_in, roles, shown):
    html = sign_in(make_user(*roles)).get("/").text
    assert cards(html) == shown


def test_an_interviewer_sees_overdue_and_due_apart_with_how_late(owing, sign_in):
    ana, late, draft, due, soon = owing
    html = sign_in(ana).get("/").text
    owed = card(html, "owed")
    overdue, rest = owed.split('id="due-title"')
    assert re.search(r'Overdue <span class="count">2</span>', overdue)
    # Oldest first, each linked to its scorecard, with how far past the window.
    assert overdue.index("Otto Later") < overdue.index("Olga Late")
    assert f'href="/scorecards/{draft.scorecards[0].id}"' in overdue
    assert "Overdue by 2 days" in overdue
    assert "Overdue by 6 h" in overdue
    assert "Draft" in overdue
    assert "Not started" in overdue
    assert re.search(r'Due <span class="count">1</span>', rest)
    assert "Dora Due" in rest
    assert f'href="/scorecards/{due.scorecards[0].id}"' in rest
    for gone in ("Carl Cancelled", "Rita Rejected", "Uma Upcoming"):
        assert gone not in owed
    upcoming = card(html, "next")
    assert "Uma Upcoming" in upcoming
    assert f'href="/interviews/{soon.id}"' in upcoming
    assert "Olga Late" not in upcoming


def test_the_overdue_split_is_the_rule_hr_and_the_metrics_count(owing, app):
    ana = owing[0]
    found = services.owed(ana, utcnow(), WINDOW)
    assert (found.overdue.count, found.due.count, found.upcoming.count) == (2, 1, 1)
    assert found.overdue.count == overdue_count(utcnow(), WINDOW)


def test_the_interviewers_lists_are_bounded_but_counted(make_user, make_interview, app):
    ana = make_user(Role.INTERVIEWER)
    for hours in range(services.SHOWN + 2):
        make_interview(panel=[ana], when=ago(hours=30 + hours))
    found = services.owed(ana, utcnow(), WINDOW)
    assert found.overdue.count == services.SHOWN + 2
    assert len(found.overdue.rows) == services.SHOWN


def test_an_interviewer_who_owes_nothing_is_told_so(make_user, make_interview, submit,
                                                     sign_in):
    ben = make_user(Role.INTERVIEWER)
    done = make_interview(panel=[ben], when=ago(days=2))
    submit(done.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    html = sign_in(ben).get("/").text
    assert "Nothing owed: every scorecard of yours is in." in card(html, "owed")
    assert "No interviews are scheduled for you." in card(html, "next")


def test_the_committee_sees_the_queue_it_may_decide_and_recent_decisions(
        ready, make_user, make_application, make_interview, sign_in):
    johan = make_user(Role.COMMITTEE, name="Johan Berg")
    # Johan still owes a scorecard on this one: the queue leaves it out for him.
    own = make_application("Own Panel")
    make_interview(own, panel=[johan], when=ago(days=2))
    own.status = ApplicationStatus.COMMITTEE
    decided = make_application("Dina Decided")
    db.session.add(Decision(application=decided, recommended_outcome="hire", explanation={},
                            final_outcome="no_hire", rationale=RATIONALE, decided_by=johan))
    decided.status = ApplicationStatus.DECIDED
    db.session.commit()
    html = sign_in(johan).get("/").text
    waiting = card(html, "awaiting")
    assert re.search(r'Waiting for a decision <span class="count">1</span>', waiting)
    assert f'href="/committee/applications/{ready.id}"' in waiting
    assert "Own Panel" not in waiting
    assert 'href="/committee/"' in waiting
    recent = card(html, "decisions")
    assert f'href="/committee/applications/{decided.id}"' in recent
    assert "No hire" in recent
    assert "Johan Berg" in recent
    assert "Dina Decided" not in waiting


def test_hr_sees_their_openings_or_all_when_they_answer_for_none(
        make_user, make_application, make_interview, make_opening, sign_in, app):
    alma = make_user(Role.HR, name="Alma HR")
    other = make_opening("other-opening")
    theirs = make_interview(make_application("On Theirs"), panel=[make_user()],
                            when=ago(days=2))
    elsewhere = make_application("Elsewhere")
    elsewhere.opening = other
    make_interview(elsewhere, panel=[make_user()], when=ago(days=2))
    db.session.commit()
    everything = sign_in(alma).get("/").text
    assert "On all openings." in everything
    assert re.search(r'Overdue scorecards <span class="count">2</span>', everything)
    db.session.add(OpeningContacts(opening_id=theirs.application.opening_id,
                                   hr_contact_id=alma.id))
    db.session.commit()
    scoped = sign_in(alma).get("/").text
    assert "On the 1 opening you are the HR contact of." in scoped
    assert re.search(r'Overdue scorecards <span class="count">1</span>', scoped)
    assert "On Theirs" in scoped
    assert "Elsewhere" not in scoped
    assert f'href="/hr/interviews/{theirs.id}"' in scoped
    assert 'href="/hr/overdue"' in scoped


def test_hr_sees_who_waits_for_a_first_interview_and_what_is_new(
        make_user, make_application, make_interview, app):
    alma = make_user(Role.HR)
    # Scheduled: no longer waiting; cancelled back to applied: waiting again.
    busy = make_application("Ivo Interviewing")
    make_interview(busy, panel=[make_user()])
    busy.status = ApplicationStatus.INTERVIEWING
    old = make_application("Old Application")
    old.applied_at = old.updated_at = ago(days=10)
    newer = make_application("Nina Newer")
    newer.updated_at = ago(days=1)
    make_application("Rex Rejected").status = ApplicationStatus.REJECTED
    db.session.commit()
    scope = services.hr_openings(alma)
    waiting = services.to_schedule(scope)
    assert waiting.count == 2
    assert [r.candidate for r in waiting.rows] == ["Old Application", "Nina Newer"]
    new = services.new_applications(scope, utcnow())
    assert new.count == 3  # the rejected one arrived too
    assert [r.candidate for r in new.rows] == ["Rex Rejected", "Nina Newer", "Ivo Interviewing"]


def test_admins_see_users_and_jobs_counted(make_user, sign_in, app):
    admin = make_user(Role.ADMIN, password="a long enough password")
    make_user(Role.INTERVIEWER)  # invited: no password, no single sign-on yet
    make_user(Role.INTERVIEWER, active=False)
    now = utcnow()
    for status, finished in ((JobStatus.QUEUED, None), (JobStatus.QUEUED, None),
                             (JobStatus.RUNNING, None), (JobStatus.FAILED, now),
                             (JobStatus.FAILED, now - timedelta(days=2)), (JobStatus.DONE, now)):
        db.session.add(Job(kind="export", title="An export", requested_by=admin, status=status,
                           finished_at=finished))
    db.session.commit()
    assert services.user_counts(admin) == services.UserCounts(1, 1, 1)
    assert services.job_counts(admin, now) == services.JobCounts(2, 1, 1)
    html = sign_in(admin).get("/").text
    assert 'href="/admin/users/"' in card(html, "users")
    assert "<dt>Failed in the last day</dt><dd>1</dd>" in card(html, "jobs")


@pytest.mark.parametrize(("call", "role"), [
    (lambda user: services.awaiting_decision(user), Role.COMMITTEE),
    (lambda user: services.recent_decisions(user), Role.COMMITTEE),
    (lambda user: services.hr_openings(user), Role.HR),
    (lambda user: services.user_counts(user), Role.ADMIN),
    (lambda user: services.job_counts(user, utcnow()), Role.ADMIN),
])
def test_a_card_is_refused_to_whoever_lacks_its_role(make_user, app, call, role):
    with pytest.raises(NotVisible):
        call(make_user(Role.INTERVIEWER))
    call(make_user(role))


def test_each_card_is_one_query(owing, ready, make_user, app):
    boss = make_user(Role.INTERVIEWER, Role.COMMITTEE, Role.HR, Role.ADMIN)
    now = utcnow()
    assert queries(lambda: services.owed(owing[0], now, WINDOW)) == 1
    assert queries(lambda: services.awaiting_decision(boss)) == 1
    assert queries(lambda: services.recent_decisions(boss)) == 1
    assert queries(lambda: services.hr_openings(boss)) == 1  # the HR cards' scope, once
    assert queries(lambda: services.overdue_on(None, now, WINDOW)) == 1
    assert queries(lambda: services.to_schedule(None)) == 1
    assert queries(lambda: services.new_applications(None, now)) == 1
    assert queries(lambda: services.user_counts(boss)) == 1
    assert queries(lambda: services.job_counts(boss, now)) == 1


def test_the_page_sends_as_many_queries_whatever_the_rows(make_user, make_interview, sign_in):
    boss = make_user(Role.INTERVIEWER, Role.COMMITTEE, Role.HR, Role.ADMIN)
    client = sign_in(boss)

    def page() -> int:
        return queries(lambda: client.get("/"))

    make_interview(panel=[boss], when=ago(days=2))
    few = page()
    for days in range(3, 10):
        make_interview(panel=[boss, make_user()], when=ago(days=days))
    assert page() == few



def test_a_count_past_the_cap_reads_as_a_floor(make_application, make_user, sign_in,
                                                monkeypatch):
    monkeypatch.setattr(services, "COUNT_CAP", 2)
    for _ in range(4):
        make_application()
    found = services.new_applications(None, utcnow())
    assert (found.count, found.figure, len(found.rows)) == (3, "2+", 4)
    html = sign_in(make_user(Role.HR)).get("/").text
    assert re.search(r'New in the last 7 days <span class="count">2\+</span>', html)


def test_the_overdue_count_stops_at_the_cap_and_keeps_the_oldest_first(
        make_user, make_interview, monkeypatch, app):
    monkeypatch.setattr(services, "COUNT_CAP", 2)
    for days in (2, 4, 3):
        make_interview(panel=[make_user(name=f"Late {days} days")], when=ago(days=days))
    found = services.overdue_on(None, utcnow(), WINDOW)
    assert (found.count, found.figure) == (3, "2+")
    assert [row.interviewer for row in found.rows] == ["Late 4 days", "Late 3 days", "Late 2 days"]
