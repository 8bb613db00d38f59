"""PDF packets, opened with a real reader: complete, safe, cached, and only for those allowed."""

import io
import shutil
import subprocess
import zipfile

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.models import Job, Opening, Rating
from scorecards.packets import render as packet_render
from scorecards.packets.services import candidate_packet, meeting_packet

INJECTIONS = ('<img src="file:///etc/passwd">', '<a href="http://169.254.169.254/latest">meta</a>',
              "<script>alert(1)</script>")
NAMES = ("王小明", "سارة العلي", "Åsa Söderström")


@pytest.fixture
def ready(make_user, make_application, make_interview, submit):
    """Return an application with both stages scored, evidence full of hostile text."""
    application = make_application("Åsa Söderström 王小明 🎉")
    panel = [make_user(name=n) for n in (*NAMES, "Ben Carter")]
    coding = make_interview(application, stage="coding", panel=panel[:1])
    design = make_interview(application, stage="design", panel=panel[1:])
    for scorecard in (*coding.scorecards, *design.scorecards):
        submit(scorecard, {"understanding": 3, "approach": 4, "code": 2, "testing": None})
    rating = db.session.scalar(sa.select(Rating).where(Rating.competency_key == "code"))
    rating.evidence = " ".join(INJECTIONS) + " " + "x" * 300 + " 👍🏽"
    application.status = ApplicationStatus.COMMITTEE
    db.session.commit()
    return application


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def outline_titles(pdf: bytes) -> list[str]:
    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title
    return list(walk(PdfReader(io.BytesIO(pdf)).outline))


def test_a_candidate_packet_holds_what_the_summary_shows(app, ready):
    packet = candidate_packet(None, ready.id)
    reader = PdfReader(io.BytesIO(packet.data))
    text = text_of(packet.data)
    pages = len(reader.pages)
    assert pages >= 4  # cover and summary, one page per stage, the appendix
    assert "Åsa Söderström 王小明" in text
    for needle in ("Confidential", f"Page 1 of {pages}", f"Page {pages} of {pages}",
                   "Coding", "Design", *NAMES, "Ben Carter", "Recommendation",
                   "Appendix: rubric versions used", packet.fingerprint):
        assert needle in text, needle
    assert reader.metadata.title == "Hiring committee packet: Åsa Söderström 王小明 🎉"
    assert reader.metadata.author == "Scorecards"
    assert reader.metadata.subject.startswith("Confidential hiring committee packet")
    assert reader.metadata.creation_date is not None
    titles = outline_titles(packet.data)
    for title in ("Recommendation", "Summary", "Coding", "Design",
                  "Appendix: rubric versions used"):
        assert title in titles


def test_a_stage_heading_never_stands_alone_on_a_page(app, make_user, make_application,
                                                     make_interview, submit):
    application = make_application("Grace Hopper")
    interview = make_interview(application, stage="design", panel=[make_user(name="Ben Carter")])
    scorecard = submit(interview.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    for rating in scorecard.ratings:  # a panelist's block longer than what is left of a page
        rating.evidence = "Walked through the failure modes one by one. " * 40
    db.session.commit()
    reader = PdfReader(io.BytesIO(candidate_packet(None, application.id).data))
    texts = [p.extract_text() for p in reader.pages]
    (page,) = [text for text in texts if "Onsite · stage score" in text]  # the stage opens
    assert "Ben Carter" in page  # the stage's first panelist starts under its heading


def test_hostile_text_is_shown_as_text_and_nothing_outside_the_app_is_fetched(app, ready,
                                                                               monkeypatch):
    attempts = []
    original = packet_render.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        attempts.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(packet_render.StaticOnlyFetcher, "fetch", spy)
    text = text_of(candidate_packet(None, ready.id).data).replace("\n", "")
    for injection in INJECTIONS:
        assert injection in text
    assert attempts == []


def test_the_fetcher_serves_only_the_apps_static_files(app, tmp_path):
    (tmp_path / "logo.svg").write_text("<svg/>")
    fetcher = packet_render.StaticOnlyFetcher(tmp_path)
    assert fetcher.fetch(packet_render.APP_ORIGIN + "static/logo.svg").read() == b"<svg/>"
    for url in ("file:///etc/passwd", "http://169.254.169.254/latest",
                packet_render.APP_ORIGIN + "static/../../etc/passwd",
                packet_render.APP_ORIGIN + "static/%2e%2e/%2e%2e/etc/passwd",
                "https://evil.example/static/logo.svg"):
        with pytest.raises(ValueError, match="only the app's own files"):
            fetcher.fetch(url)


def test_a_packet_is_served_from_the_cache_until_its_content_changes(app, ready, monkeypatch):
    first = candidate_packet(None, ready.id)
    calls = []
    monkeypatch.setattr("scorecards.packets.render.render",
                        lambda *args: calls.append(args) or pytest.fail("rendered again"))
    again = candidate_packet(None, ready.id)
    assert again.data == first.data
    assert calls == []
    monkeypatch.undo()
    rating = db.session.scalar(sa.select(Rating).where(Rating.competency_key == "approach"))
    rating.evidence = "Amended evidence"
    db.session.commit()
    changed = candidate_packet(None, ready.id)
    assert changed.fingerprint != first.fingerprint
    assert "Amended evidence" in text_of(changed.data)


def test_the_committee_meeting_packet_has_contents_and_every_candidate(app, ready,
                                                                      make_application,
                                                                      make_interview, make_user,
                                                                      submit):
    second = make_application("Grace Hopper")
    interview = make_interview(second, stage="coding", panel=[make_user(name="Dara O'Neill")])
    submit(interview.scorecards[0], {"understanding": 2, "approach": 2, "code": 2})
    second.status = ApplicationStatus.COMMITTEE
    db.session.commit()
    key = db.session.scalar(sa.select(Opening.key))
    pdf = meeting_packet(None, key, as_zip=False).data
    text = text_of(pdf)
    assert "Contents" in text
    assert "Grace Hopper" in text
    assert "Dara O'Neill" in text
    titles = outline_titles(pdf)
    assert titles[:1] == ["Contents"]
    assert "Grace Hopper" in titles
    assert "Åsa Söderström 王小明 🎉" in titles
    archive = zipfile.ZipFile(io.BytesIO(meeting_packet(None, key, as_zip=True).data))
    assert len(archive.namelist()) == 2
    assert all(name.endswith(".pdf") for name in archive.namelist())


def test_the_cli_writes_a_packet_and_a_zip(app, ready, runner, tmp_path):
    out = tmp_path / "packet.pdf"
    result = runner.invoke(args=["packet", str(ready.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    key = db.session.scalar(sa.select(Opening.key))
    zipped = tmp_path / "meeting.zip"
    result = runner.invoke(args=["packet", "--opening", key, "--pending", "-o", str(zipped)])
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(zipped)


@pytest.mark.parametrize(("args", "message"), [
    (["999999"], "There is no application 999999."),
    (["--opening", "nope", "--pending"], "There is no opening 'nope'."),
    ([], "Give either APPLICATION_ID or --opening KEY --pending."),
    (["--opening", "x"], "add --pending"),
])
def test_the_cli_says_what_is_wrong(app, runner, tmp_path, args, message):
    result = runner.invoke(args=["packet", *args, "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0
    assert message in result.output


def test_the_committee_downloads_packets_and_an_interviewer_who_owes_a_scorecard_cannot(
        ready, make_user, make_interview, sign_in):
    member = sign_in(make_user(Role.COMMITTEE))
    response = member.get(f"/committee/applications/{ready.id}/packet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    key = db.session.scalar(sa.select(Opening.key))
    prepared = member.post(f"/committee/openings/{key}/packet", data={"format": "zip"})
    assert prepared.status_code == 303
    download = member.get(prepared.headers["Location"] + "/download", buffered=True)
    assert download.mimetype == "application/zip"
    owing = make_user(Role.INTERVIEWER, Role.COMMITTEE)
    make_interview(ready, stage="coding", panel=[owing])
    client = sign_in(owing)
    assert client.get(f"/committee/applications/{ready.id}/packet.pdf").status_code == 404
    assert client.get(f"/committee/applications/{ready.id}").status_code == 404


def test_an_interviewer_gets_no_packet(ready, make_user, sign_in):
    client = sign_in(make_user(Role.INTERVIEWER))
    assert client.get(f"/committee/applications/{ready.id}/packet.pdf").status_code == 404
    assert client.post("/committee/openings/test-opening/packet",
                       data={"format": "pdf"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_the_first_page_renders_to_an_image(app, ready, tmp_path):
    pdf = tmp_path / "packet.pdf"
    pdf.write_bytes(candidate_packet(None, ready.id).data)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    (image,) = tmp_path.glob("page*.png")
    assert image.stat().st_size > 5_000


def test_the_committee_pages_link_to_the_packets(ready, make_user, sign_in):
    member = sign_in(make_user(Role.COMMITTEE))
    assert f'href="/committee/applications/{ready.id}/packet.pdf"' in \
        member.get(f"/committee/applications/{ready.id}").text
    queue = member.get("/committee/").text
    assert 'action="/committee/openings/test-opening/packet"' in queue
    assert 'name="format" value="pdf"' in queue
    assert 'name="format" value="zip"' in queue
