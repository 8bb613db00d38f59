"""Background jobs: started from the pages, run once, stored in chunks, shown only to their
requester, failing with a message, expiring, and pruned."""

import io
import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from scorecards.core.vocabulary import ApplicationStatus, JobStatus, Role
from scorecards.extensions import db
from scorecards.jobs import kinds as job_kinds
from scorecards.jobs import runner, services
from scorecards.models import Job, JobChunk, utcnow
from scorecards.packets.services import candidate_packet


@pytest.fixture
def member(make_user, sign_in):
    """Return a committee member and a client signed in as them."""
    user = make_user(Role.COMMITTEE, name="Carla Mendes")
    return user, sign_in(user)


@pytest.fixture
def kinds():
    """Register kinds of job for a test, and forget them afterwards."""
    added = []

    def add(name, work):
        job_kinds.kind(name)(work)
        added.append(name)

    yield add
    for name in added:
        job_kinds.KINDS.pop(name)


def chunks_of(job_id):
    return db.session.scalar(sa.select(sa.func.count()).where(JobChunk.job_id == job_id))


def test_the_committee_prepares_a_meeting_packet_and_downloads_it(ready, member):
    user, client = member
    response = client.post("/committee/openings/test-opening/packet", data={"format": "pdf"})
    assert response.status_code == 303
    job = db.session.scalar(sa.select(Job))
    assert response.headers["Location"] == f"/files/{job.id}"
    assert (job.kind, job.status, job.requested_by_id) == ("meeting_packet", "done", user.id)
    assert job.params == {"opening": "test-opening", "format": "pdf",
                          "application_ids": [ready.id]}
    page = client.get(f"/files/{job.id}").text
    assert "Ready: packets-test-opening.pdf" in page
    assert client.get(f"/files/{job.id}/status.json").json == {"status": "done",
                                                                "finished": True}
    download = client.get(f"/files/{job.id}/download", buffered=True)
    assert download.headers["Content-Disposition"] == \
        'attachment; filename="packets-test-opening.pdf"'
    assert int(download.headers["Content-Length"]) == len(download.data) == job.size
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(download.data)).pages)
    assert "Ada Lovelace" in text
    assert "Contents" in text
    assert "Committee packets: Backend Engineer, Test (one PDF)" in client.get("/files/").text


def test_nobody_else_sees_a_job_or_its_file(ready, member, make_user, sign_in):
    _, client = member
    client.post("/committee/openings/test-opening/packet", data={"format": "zip"})
    job_id = db.session.scalar(sa.select(Job.id))
    other = sign_in(make_user(Role.COMMITTEE, Role.HR, Role.ADMIN))
    for path in ("", "/status.json", "/download"):
        assert other.get(f"/files/{job_id}{path}").status_code == 404
    assert "You have not asked for any file yet." in other.get("/files/").text
    assert other.get("/files/999999").status_code == 404


def test_only_the_committee_starts_meeting_packets(ready, make_user, sign_in):
    for role in (Role.INTERVIEWER, Role.HR, Role.ADMIN):
        client = sign_in(make_user(role))
        assert client.post("/committee/openings/test-opening/packet",
                           data={"format": "pdf"}).status_code == 404
    member = sign_in(make_user(Role.COMMITTEE))
    assert member.post("/committee/openings/nope/packet", data={"format": "pdf"}
                       ).status_code == 404
    assert member.post("/committee/openings/test-opening/packet", data={"format": "exe"}
                       ).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


def test_an_opening_with_nothing_pending_fails_with_a_reason(ready, member):
    _, client = member
    ready.status = ApplicationStatus.DECIDED
    db.session.commit()
    response = client.post("/committee/openings/test-opening/packet", data={"format": "pdf"},
                           follow_redirects=True)
    assert "No application of this opening awaits a decision now" in response.text
    assert 'role="alert"' in response.text
    assert client.get(f"/files/{db.session.scalar(sa.select(Job.id))}/download"
                      ).status_code == 404


def test_independent_scoring_holds_when_the_job_runs(ready, make_user, make_interview,
                                                     sign_in):
    owing = make_user(Role.INTERVIEWER, Role.COMMITTEE)
    make_interview(ready, stage="coding", panel=[owing])
    client = sign_in(owing)
    client.post("/committee/openings/test-opening/packet", data={"format": "pdf"})
    job = db.session.scalar(sa.select(Job))
    assert job.status == JobStatus.FAILED  # the only pending application is not theirs to see
    assert chunks_of(job.id) == 0


def test_a_file_is_stored_in_chunks_and_read_back_whole(app, make_user, kinds):
    data = os.urandom(10_500)
    kinds("blob", lambda job, actor: job_kinds.Output("blob.bin", "application/octet-stream",
                                                     [data[:7], data[7:6000], data[6000:]]))
    app.config["JOB_CHUNK_BYTES"] = 1000
    job = services.start(make_user(Role.HR), "blob", "A blob", {})
    assert (job.status, job.size) == (JobStatus.DONE, len(data))
    assert chunks_of(job.id) == 11
    assert b"".join(services.file_chunks(job)) == data


def test_an_empty_file_is_still_a_file(app, make_user, kinds):
    kinds("empty", lambda job, actor: job_kinds.Output("empty.txt", "text/plain", []))
    job = services.start(make_user(Role.HR), "empty", "Nothing", {})
    assert (job.status, job.size, b"".join(services.file_chunks(job))) == ("done", 0, b"")


def test_a_job_that_breaks_fails_with_a_message_and_leaves_no_half_file(app, make_user, kinds):
    def broken(job, actor):
        def chunks():
            yield b"x" * 5000
            raise RuntimeError("disk on fire")
        return job_kinds.Output("broken.bin", "application/octet-stream", chunks())

    kinds("broken", broken)
    kinds("refused", lambda job, actor: (_ for _ in ()).throw(job_kinds.JobError("Not today.")))
    app.config["JOB_CHUNK_BYTES"] = 1000
    user = make_user(Role.HR)
    job = services.start(user, "broken", "Broken", {})
    assert job.status == JobStatus.FAILED
    assert "Something went wrong while preparing the file" in job.error
    assert "disk on fire" not in job.error  # internals go to the log, not to the page
    assert chunks_of(job.id) == 0
    assert services.start(user, "refused", "Refused", {}).error == "Not today."


def test_a_job_delivered_twice_runs_once(app, make_user, kinds):
    runs = []
    kinds("count", lambda job, actor: runs.append(job.id) or job_kinds.Output("a", "text/plain",
                                                                                [b"a"]))
    job = services.start(make_user(Role.HR), "count", "Count", {})
    runner.run(job.id)
    runner.run(999999)
    assert runs == [job.id]


def test_a_job_that_outruns_its_time_counts_as_failed(app, make_user, kinds):
    kinds("slow", lambda job, actor: job_kinds.Output("a", "text/plain", [b"a"]))
    app.config["JOBS_BACKEND"] = "rq"
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    job = services.start(make_user(Role.HR), "slow", "Slow", {})
    assert job.status == JobStatus.FAILED
    assert "job queue could not be reached" in job.error
    job.status, job.error = JobStatus.RUNNING, None
    job.created_at = utcnow() - timedelta(seconds=app.config["JOB_TIMEOUT_SECONDS"] + 1)
    assert services.state(job) is JobStatus.FAILED
    assert "did not finish in time" in services.problem(job)


def test_a_file_expires_and_pruning_deletes_it(app, make_user, kinds, runner, config, member):
    kinds("note", lambda job, actor: job_kinds.Output("note.txt", "text/plain", [b"hello"]))
    user, client = member
    job = services.start(user, "note", "A note", {})
    job.expires_at = utcnow() - timedelta(minutes=1)
    old = services.start(user, "note", "An old note", {})
    old.created_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert services.state(job) is JobStatus.EXPIRED
    assert client.get(f"/files/{job.id}/download").status_code == 404
    assert "The file has been deleted" in client.get(f"/files/{job.id}").text
    cache = Path(config["PACKET_CACHE_DIR"])
    cache.mkdir()
    (cache / "1-stale.pdf").write_bytes(b"%PDF")
    (cache / "2-fresh.pdf").write_bytes(b"%PDF")
    month_ago = time.time() - 31 * 24 * 3600
    os.utime(cache / "1-stale.pdf", (month_ago, month_ago))
    db.session.commit()
    job_id, old_id = job.id, old.id
    db.session.remove()
    result = runner.invoke(args=["jobs", "prune", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 expired job file(s), 1 old job(s) and 1 cached packet(s)" in result.output
    assert db.session.get(Job, job_id).status == JobStatus.EXPIRED
    assert chunks_of(job_id) == 0
    assert db.session.get(Job, old_id) is None
    assert [p.name for p in cache.iterdir()] == ["2-fresh.pdf"]


def test_a_cache_hit_counts_as_use_for_pruning(app, ready, config):
    first = candidate_packet(None, ready.id)
    (path,) = Path(config["PACKET_CACHE_DIR"]).glob("*.pdf")
    os.utime(path, (0, 0))
    assert candidate_packet(None, ready.id).data == first.data
    assert path.stat().st_mtime > time.time() - 60


def test_the_thread_backend_runs_jobs_beside_the_request(app, make_user, kinds):
    kinds("note", lambda job, actor: job_kinds.Output("note.txt", "text/plain", [b"hello"]))
    app.config["JOBS_BACKEND"] = "thread"
    job = services.start(make_user(Role.HR), "note", "A note", {})
    deadline = time.monotonic() + 30
    while job.status in (JobStatus.QUEUED, JobStatus.RUNNING) and time.monotonic() < deadline:
        time.sleep(0.05)
        db.session.refresh(job)
    assert job.status == JobStatus.DONE
    assert b"".join(services.file_chunks(job)) == b"hello"


def test_the_files_list_is_paged_newest_first_and_shows_only_ones_own(app, make_user,
                                                                      sign_in, monkeypatch):
    from scorecards.jobs import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    owner, other = make_user(), make_user()
    start = utcnow() - timedelta(days=1)
    for n in range(3):
        db.session.add(Job(kind="export", title=f"File {n}", requested_by=owner,
                           status=JobStatus.FAILED, created_at=start + timedelta(hours=n)))
    db.session.add(Job(kind="export", title="Someone else's", requested_by=other,
                       status=JobStatus.FAILED, created_at=start))
    db.session.commit()
    client = sign_in(owner)
    first = client.get("/files/").text
    assert first.index("File 2") < first.index("File 1")
    assert "File 0" not in first
    older = re.search(r'href="([^"]*after=[^"]*)" rel="next"', first)
    second = client.get(older[1].replace("&amp;", "&")).text
    assert "File 0" in second
    assert "Someone else" not in first + second
    assert client.get("/files/?before=bm9wZQ").status_code == 400
