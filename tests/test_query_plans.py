"""Every list, queue and page behind a budget is served by an index, on PostgreSQL's own plans.

A small generated year (bench/year.py) is loaded into a database of its own and analysed;
each service runs as its page calls it, and every statement it sent is explained with the
same parameters. Sequential scans are turned off for the explaining transaction: on tables
this small the planner would rightly prefer them, so a Seq Scan that remains means that no
index can serve the query at all. Each query also names the index meant to serve its filter
and order, so that dropping that index fails here even when another one could stand in.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from scorecards import create_app
from scorecards.api import services as api
from scorecards.committee import services as committee
from scorecards.extensions import db
from scorecards.hr.services import candidates, openings, panelists, reminders
from scorecards.interviews import services as interviews
from scorecards.jobs import services as jobs
from scorecards.models import Application, Opening, Scorecard, User
from scorecards.trail import services as trail

SERVER = os.environ.get("SCORECARDS_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not SERVER.startswith("postgresql"),
    reason="query plans are PostgreSQL's: set SCORECARDS_TEST_DATABASE_URL to a server")

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "year.py"
END = datetime(2026, 6, 1, tzinfo=UTC)
# The tables that grow with the year; a sequential scan of any of them fails a query.
BIG = {"applications", "candidates", "interviews", "scorecards", "ratings",
       "scorecard_revisions", "audit_events", "decisions", "jobs"}
WINDOW = timedelta(hours=48)


@pytest.fixture(scope="module")
def year_app() -> Iterator:
    """Return an app on a database holding a small generated year, analysed, dropped after."""
    spec = importlib.util.spec_from_file_location("bench_year", SCRIPT)
    year = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = year  # its dataclasses look their module up by name
    spec.loader.exec_module(year)
    url = sa.make_url(SERVER).set(database=f"scorecards_plans_{uuid.uuid4().hex[:12]}")
    url = url.render_as_string(hide_password=False)
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    try:
        year.generate(url, 0.002, 7, END, out=io.StringIO())
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                          "SECRET_KEY": "test", "RATELIMIT_STORAGE_URI": "memory://"})
        with app.app_context():
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}"'
                                       " WITH (FORCE)"))
        admin.dispose()


def statements_of(call: Callable[[], object]) -> list[tuple[str, object]]:
    """Run call and return the statements it sent, with their parameters."""
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
        db.session.rollback()
    return sent


def plan_of(statement: str, parameters) -> dict:
    """Return PostgreSQL's plan of a statement, with sequential scans turned off."""
    with db.engine.connect() as connection, connection.begin() as transaction:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        found = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}",
                                           parameters).scalar_one()
        transaction.rollback()
    return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]


def nodes(plan: dict) -> Iterator[dict]:
    """Yield every node of a plan."""
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def seq_scans(plan: dict) -> set[str]:
    """Return the big tables that a plan reads from end to end."""
    return {node["Relation Name"] for node in nodes(plan)
            if node["Node Type"] == "Seq Scan" and node["Relation Name"] in BIG}


def indexes_used(plan: dict) -> set[str]:
    """Return the indexes a plan reads."""
    return {node["Index Name"] for node in nodes(plan) if "Index Name" in node}


def _someone(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _heaviest() -> User:
    busiest = (sa.select(Scorecard.interviewer_id).group_by(Scorecard.interviewer_id)
               .order_by(sa.func.count().desc(), Scorecard.interviewer_id).limit(1))
    return db.session.get(User, db.session.scalar(busiest))


def _opening() -> Opening:
    biggest = (sa.select(Application.opening_id).group_by(Application.opening_id)
               .order_by(sa.func.count().desc(), Application.opening_id).limit(1))
    return db.session.get(Opening, db.session.scalar(biggest))


def _second_page(list_page: Callable[..., object]) -> object:
    """Return the second page of a list, as the page's Older link asks for it."""
    return list_page(after=list_page().after)


def _pipeline():
    opening = _opening()
    _second_page(lambda **cursor: openings.applications(opening, limit=5, **cursor))


def _my_interviews():
    user = _heaviest()
    _second_page(lambda **cursor: interviews.my_interviews(user, END, WINDOW, 5, **cursor).past)


def _queue():
    member = _someone("committee-0001@bench.example")
    _second_page(lambda **cursor: committee.queue(member, 2, **cursor))


def _decided():
    member = _someone("committee-0001@bench.example")
    _second_page(lambda **cursor: committee.decided(member, 5, **cursor))


def _overdue():
    _second_page(lambda **cursor: reminders.overdue_scorecards(END, WINDOW, limit=3, **cursor))


def _panel_picker():
    panelists.search_panelists(_someone("hr-0001@bench.example"), "ana")


def _jobs():
    _second_page(lambda **cursor: jobs.jobs_of(_someone("hr-0001@bench.example"), 5, **cursor))


def _trail():
    admin = _someone("admin-0001@bench.example")
    _second_page(lambda **cursor: trail.events(admin, 5, **cursor))


def _api_applications():
    admin, opening = _someone("admin-0001@bench.example"), _opening()
    first = api.applications(admin, opening=opening.key, limit=5)
    api.applications(admin, opening=opening.key, limit=5, cursor=first.next_cursor)


def _summary_and_pages():
    decided = db.session.scalar(sa.select(Application.id).where(Application.status == "decided")
                                .order_by(Application.id).limit(1))
    committee.candidate_summary(None, decided)
    application = candidates.load_application(decided)
    candidates.other_applications(application)
    scorecard = db.session.scalar(sa.select(Scorecard.id).order_by(Scorecard.id.desc()).limit(1))
    interviews.load_page(scorecard)


# Each service, and the indexes that serve it (beside primary keys): one of each set at least.
QUERIES = {
    "pipeline": (_pipeline, [{"ix_applications_opening_id_applied_at_id"}]),
    "my interviews": (_my_interviews, [{"ix_scorecards_interviewer_id_interview_id",
                                        "ix_scorecards_interviewer_id_status"}]),
    "committee queue": (_queue, [{"ix_applications_status_updated_at_id",
                                  "ix_applications_status"}]),
    "decided": (_decided, [{"uq_decisions_supersedes_id"}]),
    "overdue": (_overdue, [{"ix_scorecards_owed_interview_at"}]),
    # A small year has a few dozen users, where going through the interviewers' roles is the
    # better plan; among the year's 2,160 the prefix indexes (ix_users_name_prefix and
    # ix_users_email_prefix) serve it.
    "panel picker": (_panel_picker, []),
    "audit trail": (_trail, [{"pk_audit_events"}]),
    "prepared files": (_jobs, [{"ix_jobs_requested_by_id_created_at_id"}]),
    # A small year has three openings, where walking the ids is the better plan; at full
    # scale ix_applications_opening_id_id serves it.
    "api applications": (_api_applications, []),
    "summary and pages": (_summary_and_pages, [{"ix_interviews_application_id"},
                                               {"uq_scorecards_interview_id_interviewer_id"}]),
}


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_of_a_list_or_page_reads_the_big_tables_through_an_index(year_app, name):
    call, meant = QUERIES[name]
    sent = statements_of(call)
    assert sent, f"{name} sent no statement"
    used = set()
    for statement, parameters in sent:
        plan = plan_of(statement, parameters)
        assert not seq_scans(plan), (
            f"{name}: no index serves {sorted(seq_scans(plan))} in\n{statement}")
        used |= indexes_used(plan)
    for served_by in meant:
        assert served_by & used, f"{name} is served by none of {sorted(served_by)}: {sorted(used)}"
