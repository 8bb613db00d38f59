"""Prometheus metrics: for the scraper with the token only; figures that move with the work."""

from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.jobs import kinds as job_kinds
from scorecards.jobs import services as jobs
from scorecards.models import Job

TOKEN = "scrape-token-0123456789"
ROUTE = "/self-identification/<token>"  # a route with a part that varies
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def config(config):
    return {**config, "METRICS_TOKEN": TOKEN}


def scrape(client) -> dict[tuple[str, tuple], float]:
    answer = client.get("/metrics", headers=AUTH)
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(answer.get_data(as_text=True))
            for sample in family.samples}


def test_there_is_no_metrics_route_without_a_token(app, client):
    app.config["METRICS_TOKEN"] = None
    assert client.get("/metrics", headers=AUTH).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token-0123456789", f"Basic {TOKEN}",
                                    f"Bearer {TOKEN}x", "Bearer"])
def test_a_scraper_without_the_token_is_refused(client, header):
    answer = client.get("/metrics", headers={"Authorization": header} if header else {})
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert "scorecards_" not in answer.get_data(as_text=True)


def test_request_latency_is_counted_by_route_pattern(client, make_application):
    key = ("scorecards_http_request_duration_seconds_count",
           (("method", "GET"), ("route", ROUTE), ("status", "404")))
    before = scrape(client).get(key, 0)
    client.get(ROUTE.replace("<token>", "one-unknown-token"))
    client.get(ROUTE.replace("<token>", "another-unknown-token"))
    after = scrape(client)
    assert after[key] == before + 2
    assert not any("unknown-token" in str(labels) for _name, labels in after)


def test_overdue_scorecards_are_counted(client, make_user, make_interview):
    assert scrape(client)[("scorecards_scorecards_overdue", ())] == 0
    late = datetime.now(UTC) - timedelta(hours=30)
    make_interview(panel=[make_user(), make_user()], when=late)
    make_interview(panel=[make_user()])  # two hours ago: due, not overdue
    assert scrape(client)[("scorecards_scorecards_overdue", ())] == 2


@pytest.fixture
def kinds():
    job_kinds.kind("works")(lambda job, actor: job_kinds.Output("a.txt", "text/plain", [b"a"]))

    def breaks(job, actor):
        raise job_kinds.JobError("It cannot be done.")

    job_kinds.kind("breaks")(breaks)
    yield
    job_kinds.KINDS.pop("works")
    job_kinds.KINDS.pop("breaks")


def test_job_durations_and_failures_are_counted_by_kind(client, make_user, kinds):
    done = ("scorecards_job_duration_seconds_count", (("kind", "works"), ("outcome", "done")))
    failed = ("scorecards_job_failures_total", (("kind", "breaks"),))
    failed_today = ("scorecards_jobs_failed_last_day", (("kind", "breaks"),))
    before = scrape(client)
    hr = make_user(Role.HR)
    jobs.start(hr, "works", "Works", {})
    jobs.start(hr, "works", "Works", {})
    jobs.start(hr, "breaks", "Breaks", {})
    after = scrape(client)
    assert after[done] == before.get(done, 0) + 2
    assert after[failed] == before.get(failed, 0) + 1
    assert after[failed_today] == 1


def test_jobs_waiting_are_counted_by_kind_and_status(app, client, make_user, kinds):
    hr = make_user(Role.HR)
    db.session.add_all([Job(kind="works", title="W", params={}, requested_by=hr),
                        Job(kind="works", title="W", params={}, requested_by=hr,
                            status="running")])
    db.session.commit()
    figures = scrape(client)
    assert figures[("scorecards_jobs_waiting", (("kind", "works"), ("status", "queued")))] == 1
    assert figures[("scorecards_jobs_waiting", (("kind", "works"), ("status", "running")))] == 1
