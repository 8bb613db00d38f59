"""How packets are laid out: in parts on several cores, numbered as one, and without leaks."""

import gc
import io
import os
import re
from pathlib import Path

import pytest
import tinycss2
from flask import current_app
from pypdf import PdfReader

from scorecards.committee.services import candidate_summary
from scorecards.packets import render as packet_render
from scorecards.packets import services
from scorecards.packets.services import candidate_context, fingerprint


@pytest.fixture
def documents(app, ready):
    """Return the ready packet's HTML whole and in two parts, and the app's static folder."""
    context = candidate_context(candidate_summary(None, ready.id), True)
    html, parts = services._documents(context, fingerprint(context), 2)
    return html, parts, Path(current_app.static_folder)


@pytest.fixture
def ready(make_user, make_application, make_interview, submit, monkeypatch):
    """Return an application with both stages scored, small enough to be cut only if told."""
    monkeypatch.setattr(services, "SPLIT_FROM_PANELISTS", 2)
    application = make_application("Åsa Söderström 王小明 🎉")
    panel = [make_user(name=n) for n in ("Ana Souza", "سارة العلي", "Ben Carter", "Chen Wei")]
    coding = make_interview(application, stage="coding", panel=panel[:1])
    design = make_interview(application, stage="design", panel=panel[1:])
    for scorecard in (*coding.scorecards, *design.scorecards):
        submit(scorecard, {"understanding": 3, "approach": 4, "code": 2, "testing": None})
    return application


def page_texts(pdf: bytes) -> list[str]:
    # The parts and the whole may be made a minute apart.
    return [re.sub(r"\d+ \w+ \d{4}, \d\d:\d\d UTC", "TIME", page.extract_text())
            for page in PdfReader(io.BytesIO(pdf)).pages]


def outline(pdf: bytes) -> list[tuple[int, str, int, object]]:
    reader, entries = PdfReader(io.BytesIO(pdf)), []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title, reader.get_destination_page_number(item),
                                item.top))
    walk(reader.outline, 0)
    return entries


def test_a_packet_laid_out_in_parts_has_the_pages_of_the_whole(documents):
    html, parts, static = documents
    assert len(parts) == 2  # the cover, summary and coding; then design and the appendix
    whole = packet_render.render(html, static)
    joined = packet_render.render(html, static, parts)
    assert joined.pages == whole.pages == len(PdfReader(io.BytesIO(joined.pdf)).pages)
    assert page_texts(joined.pdf) == page_texts(whole.pdf)
    for number, text in enumerate(page_texts(joined.pdf), start=1):
        assert f"Page {number} of {whole.pages}" in text
        assert "Åsa Söderström 王小明 🎉 · Confidential" in text
    assert outline(joined.pdf) == outline(whole.pdf)
    assert [title for _, title, _, _ in outline(joined.pdf)][-4:] == [
        "Coding", "Design", "Appendix: the decision policy in force",
        "Appendix: rubric versions used"]
    reader, original = PdfReader(io.BytesIO(joined.pdf)), PdfReader(io.BytesIO(whole.pdf))
    assert dict(reader.metadata) == dict(original.metadata)
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_the_candidate_packet_is_laid_out_in_parts_when_it_is_big_enough(app, ready,
                                                                        monkeypatch):
    calls = []
    side_by_side = packet_render._render_side_by_side
    monkeypatch.setattr(packet_render, "_render_side_by_side",
                        lambda *args: calls.append(args) or side_by_side(*args))
    text = "\n".join(page_texts(services.candidate_packet(None, ready.id).data))
    assert len(calls) == 1
    assert "Page 1 of" in text
    assert "Appendix: rubric versions used" in text


@pytest.mark.parametrize(("workers", "threshold"), [(1, 2), (None, 99)])
def test_a_small_packet_or_one_core_lays_out_the_packet_whole(app, ready, monkeypatch, workers,
                                                              threshold):
    app.config["PACKET_WORKERS"] = workers
    monkeypatch.setattr(services, "SPLIT_FROM_PANELISTS", threshold)
    monkeypatch.setattr(packet_render, "_render_side_by_side",
                        lambda *args: pytest.fail("laid out in parts"))
    assert services.candidate_packet(None, ready.id).data.startswith(b"%PDF")


def _numbers_nothing(html, static_dir, link):
    link.send(("pdf", packet_render.render(html, static_dir).pdf))


def _dies(html, static_dir, link):
    os._exit(3)


@pytest.mark.parametrize("part", [_numbers_nothing, _dies],
                         ids=["weasyprint-changed", "part-died"])
def test_parts_that_fail_are_laid_out_whole_instead(documents, monkeypatch, caplog, part):
    html, parts, static = documents
    monkeypatch.setattr(packet_render, "_lay_out_part", part)
    rendered = packet_render.render(html, static, parts)
    assert page_texts(rendered.pdf) == page_texts(packet_render.render(html, static).pdf)
    assert "Laying out the packet in one process" in caplog.text


@pytest.mark.parametrize("enabled", [True, False])
def test_rendering_leaves_the_garbage_collector_as_it_found_it(documents, enabled):
    html, _, static = documents
    (gc.enable if enabled else gc.disable)()
    try:
        packet_render.render(html, static)
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_a_render_collects_its_own_garbage(documents):
    html, _, static = documents
    packet_render.render(html, static)  # fills WeasyPrint's caches
    gc.disable()  # so that nothing but the render itself collects
    try:
        gc.collect()
        before = len(gc.get_objects())
        for _ in range(3):
            packet_render.render(html, static)
        assert len(gc.get_objects()) - before < 1_000  # a render makes some 100,000 objects
    finally:
        gc.enable()


@pytest.mark.parametrize("value", [
    'Åsa "Söderström"', "王小明 🎉", "back\\slash", "</style><script>alert(1)</script>",
    "line\nbreak", "semi; } @page { color: red", "plain name", ""])
def test_a_running_header_value_stays_one_css_string(value):
    css = str(services._css_string(value))
    assert re.fullmatch(r'"[A-Za-z0-9 \\]*"', css)
    (token,) = tinycss2.parse_component_value_list(css)
    assert token.type == "string"
    assert token.value == value


def stage(title: str, panelists: int, ratings: int = 4) -> dict:
    return {"title": title, "panelists": [{"ratings": [{}] * ratings}] * panelists}


@pytest.mark.parametrize(("stages", "cores", "cuts"), [
    ([stage("a", 4), stage("b", 4), stage("c", 4), stage("d", 4)], 2, [2]),
    ([stage("a", 4), stage("b", 4), stage("c", 4), stage("d", 4)], 1, []),
    ([stage("a", 8), stage("b", 0), stage("c", 0), stage("d", 8)], 2, [3]),
    ([stage("a", 2), stage("b", 2)], 2, []),  # too small to be worth a second process
    ([stage("a", 16)], 2, []),  # nowhere to cut but before the first stage
    ([stage(c, 4) for c in "abcdef"], 3, [1, 4]),
])
def test_a_packet_is_cut_only_where_a_stage_starts_a_page(stages, cores, cuts):
    assert services._cuts({"stages": stages}, cores) == cuts
