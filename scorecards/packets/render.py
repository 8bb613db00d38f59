"""Turn packet HTML into PDF safely, and several packets (or parts of one) at once on every core.

The HTML is built from plain, escaped values, and WeasyPrint may fetch nothing but the app's
own static files: evidence text such as ``<img src="file:///etc/passwd">`` is text, and even
a URL that slipped into markup would be refused here rather than read.
"""

from __future__ import annotations

import gc
import io
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint.layout
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Packets refer to the app's files by this made-up origin; nothing else is ever fetched.
APP_ORIGIN = "https://scorecards.invalid/"
# How long a part of a packet may take before it is given up and the whole laid out here.
PART_TIMEOUT = 300

logger = logging.getLogger(__name__)


class StaticOnlyFetcher(URLFetcher):
    """A URL fetcher that serves files from one folder and refuses every other URL."""

    def __init__(self, static_dir: Path):
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.static_dir = static_dir.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return one of the app's static files, or refuse the URL."""
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"packets fetch only the app's own files, not {url[:200]}")
        return URLFetcherResponse(url, path.read_bytes())

    def _static_path(self, url: str) -> Path | None:
        if not url.startswith(APP_ORIGIN + "static/"):
            return None
        relative = unquote(urlsplit(url).path).removeprefix("/static/")
        path = (self.static_dir / relative).resolve()
        if not path.is_relative_to(self.static_dir) or not path.is_file():
            return None
        return path


@dataclass(frozen=True)
class Rendered:
    """A rendered PDF and how many pages it has."""

    pdf: bytes
    pages: int


def render(html: str, static_dir: Path, parts: Sequence[str] = ()) -> Rendered:
    """Return the PDF of one HTML document.

    Given parts too (the same document cut where it starts new pages, each part a whole
    document), lay them out side by side in forked processes, one per core, and join them,
    numbering the pages as the whole's; should that fail, lay out the whole here.
    """
    if len(parts) > 1:
        try:
            return _render_side_by_side(parts, static_dir)
        except (_PartFailed, EOFError, OSError) as error:
            logger.warning("Laying out the packet in one process: its parts failed (%s).",
                           error)
    with _turn, _collecting_once():
        document = HTML(string=html, base_url=APP_ORIGIN,
                        url_fetcher=StaticOnlyFetcher(static_dir)).render(
                            font_config=_font_config())
        rendered = Rendered(document.write_pdf(), len(document.pages))
        del document  # garbage now, for the collection on the way out
    return rendered


class _PartFailed(Exception):
    """A part of a packet could not be laid out beside the others."""


def _render_side_by_side(parts: Sequence[str], static_dir: Path) -> Rendered:
    """Return the PDF of a document's parts laid out at once, one forked process each.

    Each process paginates its part, reports how many pages it has, and learns from here
    where its pages fall in the whole, before it makes the running headers (page X of Y).
    """
    context, links, workers, done = get_context("fork"), [], [], False
    try:
        for part in parts:
            ours, theirs = context.Pipe()
            workers.append(context.Process(target=_lay_out_part, daemon=True,
                                           args=(part, static_dir, theirs)))
            with _turn:
                workers[-1].start()
            theirs.close()
            links.append(ours)
        counts = [_receive(link, "pages") for link in links]
        first = 1
        for link, count in zip(links, counts, strict=True):
            link.send((first, sum(counts)))
            first += count
        pdfs = [_receive(link, "pdf") for link in links]
        done = True
    finally:
        for link in links:
            link.close()  # a part still waiting for its numbers stops at once
        for worker in workers:
            if not done:
                worker.kill()
            worker.join()
    return Rendered(_join(pdfs), sum(counts))


def _receive(link, kind: str):
    if not link.poll(PART_TIMEOUT):
        raise _PartFailed(f"no {kind} after {PART_TIMEOUT} s")
    what, value = link.recv()
    if what != kind:  # the numbering hook below never ran: WeasyPrint has changed
        raise _PartFailed(f"{what} came before {kind}")
    return value


def _lay_out_part(html: str, static_dir: Path, link) -> None:
    """Lay out one part in this forked process, number its pages as told, and send its PDF."""
    make_margin_boxes = weasyprint.layout.make_margin_boxes
    numbering: list[int] = []

    # WeasyPrint makes the margin boxes once every page is laid out, from each page's counters
    # (state[1]), "pages" being the part's own count; shift them to the whole's.
    def numbered_margin_boxes(context, page, state):
        counters = dict(state[1])
        if not numbering:
            link.send(("pages", counters["pages"][0]))
            numbering.extend(link.recv())
        first, total = numbering
        counters.update(page=[counters["page"][0] + first - 1], pages=[total])
        return make_margin_boxes(context, page, [state[0], counters, *state[2:]])

    weasyprint.layout.make_margin_boxes = numbered_margin_boxes  # only in this process
    link.send(("pdf", render(html, static_dir).pdf))


def _join(pdfs: Sequence[bytes]) -> bytes:
    """Return the parts of a document as one PDF, with the outline and metadata of the whole.

    The first part opens with the candidate's name, the one top entry of the outline; the
    sections of the later parts go under it as they would in the whole.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer, first_page, top = PdfWriter(), 0, None
    readers = [PdfReader(io.BytesIO(pdf)) for pdf in pdfs]
    for reader in readers:
        writer.append(reader, import_outline=False)
        last = _copy_outline(reader, reader.outline, writer, first_page, top)
        top = top or last
        first_page += len(reader.pages)
    writer.add_metadata(readers[0].metadata)
    if "/Lang" in readers[0].trailer["/Root"]:
        writer.root_object[NameObject("/Lang")] = readers[0].trailer["/Root"]["/Lang"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _copy_outline(reader, items: list, writer, first_page: int, parent):
    """Copy outline entries (a child list follows its entry); return the last entry made."""
    from pypdf.generic import Fit

    last = None
    for item in items:
        if isinstance(item, list):
            _copy_outline(reader, item, writer, first_page, last)
            continue
        fit = (Fit.xyz(item.left, item.top, item.zoom) if item.typ == "/XYZ" else Fit.fit())
        last = writer.add_outline_item(
            title=item.title, page_number=first_page + reader.get_destination_page_number(item),
            parent=parent, fit=fit)
    return last


# One render at a time in a process, and no fork during one. WeasyPrint's Python holds the
# GIL anyway, so threads would only take turns; and a child forked while another thread was
# inside Pango or Fontconfig would inherit a lock that nobody releases.
_turn = threading.Lock()
_fonts: dict[int, FontConfiguration] = {}


def _font_config() -> FontConfiguration:
    """Return the process's font configuration, made once and kept warm between packets.

    WeasyPrint would load Fontconfig and start an empty Pango font map for every document,
    measuring every font and glyph afresh. A forked child makes its own rather than share
    open font files with its parent (that would save it only some 10 ms).
    """
    if os.getpid() not in _fonts:
        _fonts[os.getpid()] = FontConfiguration()
    return _fonts[os.getpid()]


@contextmanager
def _collecting_once() -> Iterator[None]:
    """Collect the garbage of a render once when it ends, not over and over while it runs.

    A packet builds hundreds of thousands of objects that live until it is written, so the
    cyclic collector, left alone, keeps walking them and everything older in the process: a
    fifth of the render time. Meanwhile the older objects are set aside (frozen), so the one
    collection at the end walks only what the render made; then they go back as they were.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.collect()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _take_turns_afresh() -> None:
    """In a forked child, free the turn its parent held while forking."""
    global _turn
    _turn = threading.Lock()


os.register_at_fork(after_in_child=_take_turns_afresh)


def render_many(htmls: Sequence[str], static_dir: Path, workers: int | None = None
                ) -> list[Rendered]:
    """Return the PDFs of several documents, rendered in parallel on the machine's cores."""
    workers = min(len(htmls), workers or os.cpu_count() or 1)
    if workers <= 1:
        return [render(html, static_dir) for html in htmls]
    # Forked workers start with WeasyPrint already imported, instead of paying for it again.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        with _turn:  # the workers are forked as the first document is handed out
            pdfs = pool.map(render, htmls, [static_dir] * len(htmls))
        return list(pdfs)


def merge(parts: Sequence[tuple[str | None, bytes]], metadata: dict[str, str]) -> bytes:
    """Return one PDF of the parts in order; a titled part gets an outline entry of its own."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for title, pdf in parts:
        writer.append(io.BytesIO(pdf), outline_item=title, import_outline=True)
    writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
