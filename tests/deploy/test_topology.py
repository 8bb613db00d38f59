"""The production topology on this machine: a day's work through nginx while parts of it die.

Two gunicorn app servers behind nginx, two RQ workers and the scheduler, on a PostgreSQL and a
Redis of the test's own (tests/deploy/topology.py). Interviewers save drafts and submit through
the proxy, the committee asks for a packet and HR for an export; one app server and one worker
(in the middle of a job) are killed outright. Every write the service acknowledged must be in
the database, and every job must finish: the killed worker's job on the other worker.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis
from rq import Worker

from tests.deploy.topology import METRICS_TOKEN, PUBLIC_URL, Topology, start_topology
from tests.faults.conftest import wait_until

pytestmark = pytest.mark.deploy

DRAFT_SAVES = 24
KILL_APP_AFTER = 8  # saves: the rest go through the app server left
JOB_SECONDS = 150  # the killed worker's job waits about a minute for its heartbeat to lapse


class FormFields(HTMLParser):
    """The fields of a page's forms: hidden values, radio choices and text areas by name."""

    def __init__(self):
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.choices: dict[str, list[str]] = {}
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        """Note each field by its name."""
        found = dict(attrs)
        name = found.get("name")
        if not name:
            return
        if tag == "input" and found.get("type") == "hidden":
            self.hidden[name] = found.get("value") or ""
        elif tag == "input" and found.get("type") == "radio":
            self.choices.setdefault(name, []).append(found.get("value") or "")
        elif tag == "textarea":
            self.texts.append(name)


def _fields(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def topology() -> Iterator[Topology]:
    """Return the running topology, stopped and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="scorecards-deploy-"))
    started = None
    try:
        started = start_topology(folder)
        yield started
    finally:
        if started is not None:
            started.stop()
            started.redis.kill()
            if (started.postgres.data / "postmaster.pid").exists():
                started.postgres.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


def _signed_in(topology: Topology, handle: str) -> requests.Session:
    email = next(address for address in topology.logins if address.startswith(f"{handle}@"))
    browser = requests.Session()
    page = browser.get(f"{topology.proxy_url}/sign-in", timeout=10)
    token = _fields(page.text).hidden["csrf_token"]
    answer = browser.post(f"{topology.proxy_url}/sign-in", timeout=10, allow_redirects=False,
                          data={"email": email, "password": topology.logins[email],
                                "csrf_token": token})
    assert answer.status_code in (302, 303), answer.text[:500]
    return browser


def _token(browser: requests.Session, topology: Topology) -> str:
    return _fields(browser.get(f"{topology.proxy_url}/", timeout=10).text).hidden["csrf_token"]


def _open_scorecards(topology: Topology) -> list[tuple[requests.Session, int, FormFields]]:
    """Return the interviewers' scorecards still open to edit, with their sessions and forms."""
    found = []
    for handle in ("ana", "ben", "chen", "dara", "elif", "femi", "gustav", "hana", "fatima"):
        browser = _signed_in(topology, handle)
        listing = browser.get(f"{topology.proxy_url}/interviews", timeout=10).text
        for scorecard_id in sorted(set(map(int, re.findall(r"/scorecards/(\d+)", listing)))):
            page = browser.get(f"{topology.proxy_url}/scorecards/{scorecard_id}", timeout=10)
            form = _fields(page.text)
            if page.status_code == 200 and "version" in form.hidden and form.texts:
                found.append((browser, scorecard_id, form))
    return found


def _post(browser: requests.Session, url: str, data: dict) -> requests.Response | None:
    """Post through the proxy; None when no answer came (the server died under it)."""
    try:
        return browser.post(url, data=data, timeout=30, allow_redirects=False)
    except requests.RequestException:
        return None


def _job_id(answer: requests.Response) -> int:
    assert answer.status_code == 303, answer.text[:500]
    return int(answer.headers["Location"].rstrip("/").rpartition("/")[2])


def _job_status(topology: Topology, engine: sa.Engine, job_id: int) -> str:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT status FROM jobs WHERE id = :id"),
                                  {"id": job_id}).scalar_one()


def _started_at(engine: sa.Engine, job_id: int):
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT started_at FROM jobs WHERE id = :id"),
                                  {"id": job_id}).scalar_one()


def _busy_worker(topology: Topology) -> str | None:
    with Redis.from_url(topology.redis.url) as connection:
        busy = {worker.pid for worker in Worker.all(connection=connection)
                if worker.get_state() == "busy"}
    return next((name for name, process in topology.processes.items()
                 if name.startswith("worker") and process.popen.pid in busy), None)


def _submit(topology: Topology, browser: requests.Session, scorecard_id: int,
            form: FormFields) -> int | None:
    """Submit a scorecard complete, confirming the review; return its id if it went in."""
    url = f"{topology.proxy_url}/scorecards/{scorecard_id}"
    answers = {**form.hidden, "action": "submit"}
    for name, values in form.choices.items():
        answers[name] = values[-2] if name.endswith("-score") else values[0]
    for name in form.texts:
        answers[name] = "Explained the trade-offs of each design, with numbers."
    answer = _post(browser, url, answers)
    if answer is not None and answer.status_code in (200, 422):  # the review asks to confirm
        answer = _post(browser, url, {**answers, **_fields(answer.text).hidden,
                                      "action": "confirm"})
    # 409: its interview is not over yet, so submitting has not opened.
    return scorecard_id if answer is not None and answer.status_code in (302, 303) else None


@pytest.fixture
def engine(topology: Topology) -> Iterator[sa.Engine]:
    """Return an engine on the topology's database, for the checks."""
    engine = topology.engine()
    yield engine
    engine.dispose()


def test_every_acknowledged_write_stays_and_every_job_finishes_when_parts_die(topology, engine):
    open_scorecards = _open_scorecards(topology)
    assert len(open_scorecards) >= 3, "the demo data has too few open scorecards to work on"

    # A complete scorecard submitted through the proxy: the first whose interview is over.
    submitted_id = next(filter(None, (_submit(topology, *open_scorecard)
                                      for open_scorecard in open_scorecards)), None)
    assert submitted_id is not None, "no open scorecard could be submitted"
    drafting = [entry for entry in open_scorecards if entry[1] != submitted_id]

    # Drafts through the proxy; an app server is killed part of the way.
    versions = {scorecard_id: int(form.hidden["version"]) for _, scorecard_id, form in drafting}
    acknowledged: dict[int, int] = {}  # scorecard -> number of its last acknowledged save
    attempted: dict[int, list[int]] = {scorecard_id: [] for scorecard_id in versions}
    after_kill = saved = 0
    for number in range(DRAFT_SAVES):
        if number == KILL_APP_AFTER:
            topology.processes["app1"].kill()
        browser, scorecard_id, form = drafting[number % len(drafting)]
        data = {**form.hidden, "version": str(versions[scorecard_id]),
                "takeaways": f"deploy draft {number}"}
        attempted[scorecard_id].append(number)
        answer = _post(browser, f"{topology.proxy_url}/scorecards/{scorecard_id}/draft", data)
        if answer is not None and answer.status_code == 409 and "version" in answer.json():
            versions[scorecard_id] = answer.json()["version"]  # an unanswered save went in
            answer = _post(browser, f"{topology.proxy_url}/scorecards/{scorecard_id}/draft",
                           {**data, "version": str(versions[scorecard_id])})
        if answer is not None and answer.status_code == 200:
            versions[scorecard_id] = answer.json()["version"]
            acknowledged[scorecard_id] = number
            saved += 1
            after_kill += number >= KILL_APP_AFTER
    assert after_kill >= DRAFT_SAVES - KILL_APP_AFTER - 1  # the proxy moved to the other server

    # A committee packet; the worker running it is frozen, then killed in the middle of it.
    committee = _signed_in(topology, "committee")
    packet_url = f"{topology.proxy_url}/committee/openings/backend-payments/packet"
    jobs, killed = [], None
    for _ in range(3):
        job_id = _job_id(_post(committee, packet_url, {"csrf_token": _token(committee, topology),
                                                       "format": "pdf"}))
        jobs.append(job_id)
        wait_until(lambda job_id=job_id: _job_status(topology, engine, job_id) != "queued",
                   seconds=30, every=0.02)
        name = _busy_worker(topology)
        if name is None:
            continue
        topology.processes[name].pause()
        if _job_status(topology, engine, job_id) == "running":
            topology.processes[name].kill()
            killed, killed_at, killed_worker = job_id, _started_at(engine, job_id), name
            break
        topology.processes[name].resume()  # it finished first: try again
    assert killed is not None, "no packet job was caught running on a worker"
    hr = _signed_in(topology, "hr")
    jobs.append(_job_id(_post(hr, f"{topology.proxy_url}/hr/exports/",
                              {"csrf_token": _token(hr, topology), "kind": "applications",
                               "format": "xlsx"})))

    # Forwarding headers a client sends are replaced by nginx; links carry the public address.
    overdue = hr.get(f"{topology.proxy_url}/hr/overdue", timeout=10, headers={
        "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https",
        "X-Forwarded-Prefix": "/evil", "X-Forwarded-For": "198.51.100.1"})
    assert overdue.status_code == 200
    assert re.search(re.escape(PUBLIC_URL) + r"/scorecards/\d+", overdue.text)
    assert "evil" not in overdue.text

    # Every job reaches done, the killed worker's through the other worker.
    wait_until(lambda: all(_job_status(topology, engine, job_id) == "done" for job_id in jobs)
               or any(_job_status(topology, engine, job_id) == "failed" for job_id in jobs),
               seconds=JOB_SECONDS, every=0.5)
    assert {job_id: _job_status(topology, engine, job_id) for job_id in jobs} == \
        dict.fromkeys(jobs, "done")
    assert _started_at(engine, killed) > killed_at  # started again, on the other worker
    for job_id in jobs:
        download = hr if job_id == jobs[-1] else committee
        file = download.get(f"{topology.proxy_url}/files/{job_id}/download", timeout=30)
        assert file.status_code == 200
        assert file.content[:4] in (b"%PDF", b"PK\x03\x04")

    # Every acknowledged write is there: a draft holds its last acknowledged save, or a later
    # one whose answer was lost with the server.
    with engine.connect() as connection:
        stored = dict(connection.execute(sa.text(
            "SELECT id, takeaways FROM scorecards WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)), {"ids": list(acknowledged)}).all())
        status = connection.execute(sa.text("SELECT status FROM scorecards WHERE id = :id"),
                                    {"id": submitted_id}).scalar_one()
    for scorecard_id, number in acknowledged.items():
        later = [n for n in attempted[scorecard_id] if n >= number]
        assert stored[scorecard_id] in {f"deploy draft {n}" for n in later}, scorecard_id
    assert status == "submitted"

    # The scheduler holds its lease and does its rounds.
    with engine.connect() as connection:
        lease = connection.execute(sa.text(
            "SELECT holder, expires_at > now() FROM scheduler_leases")).one()
    assert lease[1], f"the scheduler's lease lapsed: {lease}"

    # One scrape through the proxy adds up every process of the machine: both app servers'
    # saves (the killed one's too) and the jobs the workers' work horses ran.
    scraped = requests.get(f"{topology.proxy_url}/metrics", timeout=10,
                           headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert scraped.status_code == 200
    figures = {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
               for family in text_string_to_metric_families(scraped.text)
               for sample in family.samples}
    saves = sum(value for (name, labels), value in figures.items()
                if name == "scorecards_http_request_duration_seconds_count"
                and ("route", "/scorecards/<int:scorecard_id>/draft") in labels
                and ("status", "200") in labels)
    assert saves >= saved
    assert figures[("scorecards_job_duration_seconds_count",
                    (("kind", "export"), ("outcome", "done")))] == 1
    # Everything not killed (the other app server, nginx, the other worker, the scheduler) is
    # still up.
    assert [name for name, process in topology.processes.items()
            if process.popen.poll() is not None] == sorted(["app1", killed_worker])
