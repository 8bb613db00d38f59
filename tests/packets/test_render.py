"""How packets are written: tagged PDF/UA-1, numbered as one file, linked, on public APIs."""

import ast
import gc
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
import tinycss2
from flask import current_app
from pypdf import PdfReader

from scorecards.core.vocabulary import ApplicationStatus
from scorecards.extensions import db
from scorecards.models import Opening
from scorecards.packets import render as packet_render
from scorecards.packets import services
from scorecards.packets.services import candidate_packet, meeting_packet, name_language

PACKAGE = Path(services.__file__).resolve().parent.parent
NAMES = ("山田はなこ", "김민준", "Åsa Söderström 王小明 🎉")


@pytest.fixture
def meeting(make_user, make_application, make_interview, submit):
    """Return the opening's key and its three applications at the committee, in id order."""
    applications = []
    for number, name in enumerate(NAMES):
        application = make_application(name)
        panel = [make_user(name=f"Panelist {number} {n}") for n in range(2)]
        coding = make_interview(application, stage="coding", panel=panel[:1])
        design = make_interview(application, stage="design", panel=panel[1:])
        for scorecard in (*coding.scorecards, *design.scorecards):
            submit(scorecard, {"understanding": 3, "approach": 4, "code": 2, "testing": None})
        application.status = ApplicationStatus.COMMITTEE
        applications.append(application)
    db.session.commit()
    return db.session.scalar(sa.select(Opening.key)), applications


def reader_of(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pdfinfo(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "packet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout


def outline(reader: PdfReader) -> list:
    """Return the outline as (title, page index, [children]) entries."""
    def walk(items):
        entries = []
        for item in items:
            if isinstance(item, list):
                title, page, _ = entries[-1]
                entries[-1] = (title, page, walk(item))
            else:
                entries.append((item.title, reader.get_destination_page_number(item), []))
        return entries
    return walk(reader.outline)


def struct_elements(reader: PdfReader, kind: str) -> list:
    """Return the structure elements of one kind (H1, Link, ...) in document order."""
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == f"/{kind}":
                found.append(node)
            kids = node.get("/K", [])
            for kid in kids if isinstance(kids, list) else [kids]:
                if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                    walk(kid)
    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("kind", ["candidate", "meeting"])
def test_packets_are_tagged_pdf_ua_with_language_and_metadata(app, meeting, tmp_path, kind):
    key, applications = meeting
    pdf = (candidate_packet(None, applications[0].id) if kind == "candidate"
           else meeting_packet(None, key, as_zip=False)).data
    info = pdfinfo(pdf, tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert re.search(r"^Creator:\s+Scorecards$", info, re.MULTILINE)
    reader = reader_of(pdf)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data()
    assert re.search(rb'pdfuaid:part="1"', xmp)
    title = ("Hiring committee packet: 山田はなこ" if kind == "candidate"
             else "Hiring committee packets: Backend Engineer, Test")
    assert reader.metadata.title == title
    assert title.encode() in xmp  # dc:title, which a PDF/UA reader shows
    assert reader.metadata.creator == "Scorecards"
    assert reader.metadata.author == "Scorecards"


def test_every_page_of_the_meeting_packet_is_numbered_as_the_whole_file(app, meeting):
    key, _ = meeting
    reader = reader_of(meeting_packet(None, key, as_zip=False).data)
    total = len(reader.pages)
    numbers = [re.findall(r"Page (\d+) of (\d+)", page.extract_text()) for page in reader.pages]
    assert numbers == [[(str(number), str(total))] for number in range(1, total + 1)]


def test_the_contents_link_to_the_page_they_cite_where_each_candidate_begins(app, meeting):
    key, applications = meeting
    reader = reader_of(meeting_packet(None, key, as_zip=False).data)
    contents = reader.pages[0]
    cited = [int(page) for page in re.findall(r"page (\d+) \(", contents.extract_text())]
    targets = []
    for annotation in contents["/Annots"]:
        annotation = annotation.get_object()
        assert annotation["/Subtype"] == "/Link"
        destination = reader.named_destinations[annotation["/Dest"]]
        targets.append(reader.get_destination_page_number(destination) + 1)
    assert targets == cited
    assert len(cited) == len(applications)
    for application, page in zip(applications, cited, strict=True):
        text = reader.pages[page - 1].extract_text()
        assert application.candidate.name in text.replace("\n", " ")
        assert f"Page {page} of" in text
    assert len(struct_elements(reader, "Link")) == len(applications)  # tagged as links too


def test_the_outline_lists_the_contents_then_each_candidate_once_with_their_sections(
        app, meeting):
    key, _ = meeting
    entries = outline(reader_of(meeting_packet(None, key, as_zip=False).data))
    assert [title for title, _, _ in entries] == ["Contents", *NAMES]
    for _, page, sections in entries[1:]:
        titles = [title for title, _, _ in sections]
        assert titles[:2] == ["Recommendation", "Final decision"]
        assert titles[-1] == "Appendix: rubric versions used"
        assert not set(titles) & {"Contents", *NAMES}  # a name is never its own child
        assert all(section_page >= page for _, section_page, _ in sections)


def test_a_name_is_marked_and_drawn_in_its_own_language_where_its_script_tells_it(
        app, meeting, tmp_path):
    key, _ = meeting
    pdf = meeting_packet(None, key, as_zip=False).data
    headings = struct_elements(reader_of(pdf), "H1")
    # The opening's title, then each candidate's name; a Han-only name says no language.
    assert [heading.get("/Lang") for heading in headings] == [None, "ja", "ko", None]
    path = tmp_path / "meeting.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout
    for family in ("Noto-Sans-CJK-JP", "Noto-Sans-CJK-KR", "Noto-Sans-CJK-SC"):
        assert family in fonts


def test_each_data_cell_is_tagged_with_its_row_and_column_headers(app, meeting):
    _, applications = meeting
    reader = reader_of(candidate_packet(None, applications[0].id).data)
    ids = {str(header["/ID"]) for header in struct_elements(reader, "TH")}
    cells = struct_elements(reader, "TD")
    headed_rows = 0
    for cell in cells:
        headers = [str(header) for header in cell["/A"]["/Headers"]]
        row = cell["/P"].get_object()
        headed = any(kid.get_object().get("/S") == "/TH" for kid in row["/K"])
        headed_rows += headed
        # The column's header, and the row's (a stage, a competency) where it has one.
        assert len(headers) == (2 if headed else 1)
        assert set(headers) <= ids
    assert headed_rows >= 16  # the summary's stages and every panelist's competencies


@pytest.mark.parametrize(("name", "language"), [
    ("山田はなこ", "ja"), ("タナカ ヒロ", "ja"), ("ｽｽﾞｷ", "ja"), ("田中 ユウコ", "ja"),
    ("김민준", "ko"), ("Kim 민준", "ko"),
    ("王小明", None), ("山田太郎", None), ("王・小明", None), ("ジョン・スミス", "ja"),
    ("Åsa Söderström", None), ("سارة العلي", None),
    ("", None),
])
def test_the_language_of_a_name_comes_from_a_script_only_one_language_writes(name, language):
    assert name_language(name) == language


def test_the_meeting_packet_tells_its_progress_step_by_step(app, meeting):
    key, applications = meeting
    steps = []
    meeting_packet(None, key, as_zip=False, progress=lambda done, total: steps.append(
        (done, total)))
    # Three candidates rendered for the cache, three laid out into the file, the file written.
    assert steps == [(done, 7) for done in range(1, 8)]
    steps.clear()
    meeting_packet(None, key, as_zip=False, progress=lambda *step: steps.append(step))
    assert steps == [(done, 4) for done in range(1, 5)]  # all three cached now


def test_the_meeting_packet_is_built_from_the_cached_candidates(app, meeting, monkeypatch):
    key, applications = meeting
    for application in applications:
        candidate_packet(None, application.id)
    monkeypatch.setattr(packet_render, "render", lambda *args: pytest.fail("rendered again"))
    assert meeting_packet(None, key, as_zip=True).data.startswith(b"PK")
    assert meeting_packet(None, key, as_zip=False).data.startswith(b"%PDF")


def test_no_module_uses_a_private_part_of_weasyprint():
    public = {"weasyprint", "weasyprint.text.fonts", "weasyprint.urls"}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("weasyprint"):
                assert node.module in public, f"{path}: from {node.module} import"
                assert not any(alias.name.startswith("_") for alias in node.names), path
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("weasyprint"):
                        assert alias.name in public, f"{path}: import {alias.name}"
            elif isinstance(node, ast.Assign):  # no patching of a library module's function
                for target in node.targets:
                    assert "weasyprint" not in ast.unparse(target), f"{path}: patches WeasyPrint"


@pytest.mark.parametrize("enabled", [True, False])
def test_rendering_leaves_the_garbage_collector_as_it_found_it(app, meeting, enabled):
    key, _ = meeting
    (gc.enable if enabled else gc.disable)()
    try:
        meeting_packet(None, key, as_zip=False)
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_a_lone_document_counts_its_own_pages(app):
    html = ("<html lang='en'><title>t</title><style>{}</style><p>one</p>"
            "<p style='break-before: page'>two</p></html>").format(
        current_app.jinja_env.get_template("packets/_running.css").render(
            running=services._running("Title", None, "f")))
    rendered = packet_render.render(html, Path(current_app.static_folder))
    assert rendered.pages == 2
    texts = [page.extract_text() for page in reader_of(rendered.pdf).pages]
    assert ["Page 1 of 2" in texts[0], "Page 2 of 2" in texts[1]] == [True, True]


@pytest.mark.parametrize("value", [
    'Åsa "Söderström"', "王小明 🎉", "back\\slash", "</style><script>alert(1)</script>",
    "line\nbreak", "semi; } @page { color: red", "plain name", ""])
def test_a_running_header_value_stays_one_css_string(value):
    css = str(services._css_string(value))
    assert re.fullmatch(r'"[A-Za-z0-9 \\]*"', css)
    (token,) = tinycss2.parse_component_value_list(css)
    assert token.type == "string"
    assert token.value == value


def test_a_packets_page_count_is_read_from_its_file(app, meeting):
    _, applications = meeting
    pdf = candidate_packet(None, applications[0].id).data
    assert packet_render.page_count(pdf) == len(reader_of(pdf).pages) >= 4
