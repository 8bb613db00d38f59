"""Erasure cannot be outrun: work that read a candidate before they were erased keeps nothing.

Each test erases at the worst moment, deterministically: a receiver of the signal sent just
before a packet is cached or a job's file is stored runs the erasure to its end in another
thread (another session, as another request or process would) before the work goes on.
"""

import io
import json
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from scorecards.core.vocabulary import JobStatus, Role
from scorecards.extensions import db
from scorecards.jobs import runner
from scorecards.jobs import services as jobs
from scorecards.jobs.kinds import ERASED_MEANWHILE
from scorecards.models import AuditEvent, Job, JobChunk
from scorecards.packets.services import candidate_packet, packet_rendered
from scorecards.privacy.services import erase_candidate

SECRET = "Ada Lovelace"


def erase_elsewhere(app, candidate_id: int) -> None:
    """Erase the candidate in a thread of its own, and wait until it has committed."""
    failed = []

    def work():
        with app.app_context():
            try:
                erase_candidate(None, candidate_id)
            except Exception as error:  # reported below, in the test's thread
                failed.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the erasure did not finish"
    assert not failed, failed


def once(action):
    """Return a signal receiver that runs action the first time only."""
    done = []

    def receive(sender, **kwargs):
        if not done:
            done.append(kwargs)
            action()

    return receive


def nothing_personal_left(cache: Path) -> None:
    for path in cache.glob("*"):
        assert SECRET.encode() not in path.read_bytes(), path
    stored = b"".join(db.session.scalars(sa.select(JobChunk.data)))
    assert SECRET.encode() not in stored
    errors = " ".join(e or "" for e in db.session.scalars(sa.select(Job.error)))
    assert SECRET not in errors
    details = json.dumps(list(db.session.scalars(sa.select(AuditEvent.details))))
    assert SECRET not in details


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_packet_laid_out_while_its_candidate_is_erased_is_never_cached(app, ready, config):
    cache = Path(config["PACKET_CACHE_DIR"])
    erase = once(lambda: erase_elsewhere(app, ready.candidate_id))
    with packet_rendered.connected_to(erase):
        packet = candidate_packet(None, ready.id)
    db.session.expire_all()
    assert list(cache.glob("*.pdf")) == []
    # The packet handed out is made again from what is stored now.
    assert SECRET not in pdf_text(packet.data)
    assert "Erased candidate" in pdf_text(packet.data)
    nothing_personal_left(cache)


def test_a_packet_of_a_candidate_not_erased_is_cached_as_before(app, ready, config):
    with packet_rendered.connected_to(once(lambda: None)):
        packet = candidate_packet(None, ready.id)
    assert SECRET in pdf_text(packet.data)
    assert len(list(Path(config["PACKET_CACHE_DIR"]).glob("*.pdf"))) == 1


@pytest.mark.parametrize(("kind", "title", "params"), [
    ("meeting_packet", "Committee packets", {"opening": "test-opening", "format": "pdf"}),
    ("export", "Export of applications (Excel)",
     {"kind": "applications", "format": "xlsx", "filters": {}}),
])
def test_a_job_running_when_its_candidate_is_erased_stores_nothing(
        app, ready, config, make_user, kind, title, params):
    user = make_user(Role.COMMITTEE, Role.HR)
    erase = once(lambda: erase_elsewhere(app, ready.candidate_id))
    with runner.job_storing.connected_to(erase):
        job = jobs.start(user, kind, title, params)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.FAILED
    assert job.error == ERASED_MEANWHILE
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobChunk)) == 0
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "candidate.erased"))
    assert event.details["jobs_cancelled"] == 1
    nothing_personal_left(Path(config["PACKET_CACHE_DIR"]))


def test_a_queued_job_that_may_hold_the_candidate_is_cancelled_and_never_runs(
        app, ready, make_user, make_application):
    user = make_user(Role.COMMITTEE, Role.HR)
    queued = [Job(kind="meeting_packet", title="Packets", requested_by=user,
                  params={"opening": "test-opening", "format": "zip"}),
              Job(kind="export", title="Export", requested_by=user,
                  params={"kind": "ratings", "format": "xlsx", "filters": {}}),
              Job(kind="meeting_packet", title="Elsewhere", requested_by=user,
                  params={"opening": "another-opening", "format": "zip"})]
    db.session.add_all(queued)
    db.session.commit()
    ids = [job.id for job in queued]
    erase_candidate(None, ready.candidate_id)
    for job_id in ids:
        runner.run(job_id)
    db.session.expire_all()
    packets, export, elsewhere = (db.session.get(Job, job_id) for job_id in ids)
    assert [packets.status, export.status] == [JobStatus.FAILED, JobStatus.FAILED]
    assert packets.error == export.error == ERASED_MEANWHILE
    assert SECRET not in ERASED_MEANWHILE
    # A packet of another opening cannot hold them: it runs (and finds nothing pending).
    assert elsewhere.status == JobStatus.FAILED
    assert "There is no opening 'another-opening'" in elsewhere.error
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobChunk)) == 0
