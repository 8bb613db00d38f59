"""Turn packet HTML into PDF safely, and several packets at once on every core.

The HTML is built from plain, escaped values, and WeasyPrint may fetch nothing but the app's
own static files: evidence text such as ``<img src="file:///etc/passwd">`` is text, and even
a URL that slipped into markup would be refused here rather than read.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Packets refer to the app's files by this made-up origin; nothing else is ever fetched.
APP_ORIGIN = "https://scorecards.invalid/"


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


def render(html: str, static_dir: Path) -> Rendered:
    """Return the PDF of one HTML document."""
    document = HTML(string=html, base_url=APP_ORIGIN,
                    url_fetcher=StaticOnlyFetcher(static_dir)).render()
    return Rendered(document.write_pdf(), len(document.pages))


def render_many(htmls: Sequence[str], static_dir: Path, workers: int | None = None
                ) -> list[Rendered]:
    """Return the PDFs of several documents, rendered in parallel on the machine's cores."""
    workers = min(len(htmls), workers or os.cpu_count() or 1)
    if workers <= 1:
        return [render(html, static_dir) for html in htmls]
    # Forked workers start with WeasyPrint already imported, instead of paying for it again.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        return list(pool.map(render, htmls, [static_dir] * len(htmls)))


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
