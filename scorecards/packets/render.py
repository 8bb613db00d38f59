"""Turn packet HTML into tagged, accessible PDF safely, with WeasyPrint's public API only.

The HTML is built from plain, escaped values, and WeasyPrint may fetch nothing but the app's
own static files: evidence text such as ``<img src="file:///etc/passwd">`` is text, and even
a URL that slipped into markup would be refused here rather than read.

Every packet is a PDF/UA-1 file: tagged (its structure tree follows the HTML's headings,
tables and lists), with the document language, XMP metadata and a title the reader shows.
A packet made of several documents (a committee meeting's contents and candidates) is laid
out document by document and written once from all their pages, so that tags, links,
metadata and the outline are the whole file's.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pikepdf
import pydyf
from weasyprint import HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Packets refer to the app's files by this made-up origin; nothing else is ever fetched.
APP_ORIGIN = "https://scorecards.invalid/"
# PDF/UA-1 makes WeasyPrint tag the PDF and write the XMP identification, the language and
# DisplayDocTitle. WeasyPrint 70 writes one variant per file, so PDF/A is not claimed too.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


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


# One render at a time in a process: the documents share one font configuration (Pango and
# Fontconfig state), which WeasyPrint does not promise to be safe across threads; and its
# Python holds the GIL anyway, so threads would only take turns.
_turn = threading.Lock()
_fonts: dict[int, FontConfiguration] = {}


def _font_config() -> FontConfiguration:
    """Return the process's font configuration, made once and kept warm between packets.

    WeasyPrint would otherwise load Fontconfig and start an empty Pango font map for every
    document, measuring every font and glyph afresh. It is kept per process id so that a
    server forking its workers after a render does not share open font files with them.
    """
    if os.getpid() not in _fonts:
        _fonts[os.getpid()] = FontConfiguration()
    return _fonts[os.getpid()]


def lay_out(html: str, static_dir: Path) -> Document:
    """Return the laid-out pages of one HTML document, ready to be written alone or with others."""
    with _turn:
        return HTML(string=html, base_url=APP_ORIGIN,
                    url_fetcher=StaticOnlyFetcher(static_dir)).render(
                        font_config=_font_config(), **PDF_OPTIONS)


def write(documents: Sequence[Document], languages: Sequence[str | None] = ()) -> bytes:
    """Return one PDF of the documents' pages in order, with the first one's metadata.

    languages, when given, are the languages of the documents' top headings (h1) in order,
    None where the heading is in the document's language; each such heading's structure
    element is marked with its own, so that a screen reader reads a name as its language.
    """
    first = documents[0]
    whole = first if len(documents) == 1 else first.copy(
        [page for document in documents for page in document.pages])
    with _turn:
        return whole.write_pdf(finisher=_marking_languages(languages), **PDF_OPTIONS)


def _marking_languages(languages: Sequence[str | None]) -> Callable | None:
    """Return a finisher that sets /Lang on the H1 structure elements, or None if none differ.

    WeasyPrint tags each h1 as one H1 element, in document order, but writes no language of
    an element's own. If the headings found are not the ones expected (an h1 split across
    pages, say), nothing is marked rather than the wrong heading.
    """
    if not any(languages):
        return None

    def finish(document: Document, pdf: pydyf.PDF) -> None:
        headings = [item for item in pdf.objects if isinstance(item, dict)
                    and item.get("Type") == "/StructElem" and item.get("S") == "/H1"]
        if len(headings) != len(languages):
            return
        for heading, language in zip(headings, languages, strict=True):
            if language:
                heading["Lang"] = pydyf.String(language)
    return finish


def page_count(pdf: bytes) -> int:
    """Return how many pages a PDF has."""
    # qpdf reads only the page tree; pypdf parses every object of the stream holding the
    # catalog first, which in a tagged packet is thousands of structure elements (0.3 s).
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def render(html: str, static_dir: Path, languages: Sequence[str | None] = ()) -> Rendered:
    """Return the PDF of one HTML document (languages as write() takes them)."""
    document = lay_out(html, static_dir)
    return Rendered(write([document], languages), len(document.pages))
