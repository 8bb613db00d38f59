"""Fixtures for driving the app in a real browser.

The test app is served from a thread on a free loopback port, one server per test, so the
browser reads and writes the same per-test database that the factories fill. The browser is
the system's Chromium (Debian's package), not a build that `playwright install` downloads.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch the system's Chromium; without it the browser tests fail and say what to install."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium "
                    "(.ci/run does this)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class LiveServer:
    """A WSGI server for the app on a loopback port, running in a thread of its own."""

    def __init__(self, app: Flask):
        self._app = app
        self._idle = threading.Condition()
        self._in_flight = 0
        self._server = make_server("127.0.0.1", 0, self._counted, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def _counted(self, environ, start_response):
        # Flask runs the view, commits and tears its contexts down inside this call.
        with self._idle:
            self._in_flight += 1
        try:
            return self._app(environ, start_response)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def start(self) -> None:
        """Start serving."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving once the requests under way are answered, and close the socket."""
        self._server.shutdown()
        with self._idle:
            # A request that the browser left behind (an autosave) must not write to the
            # database while the tables are emptied for the next test.
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=10)
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Serve the test app, with CSRF protection on as in production, for one test."""
    # Real pages post real tokens; the in-process tests turn the check off.
    app.config["WTF_CSRF_ENABLED"] = True
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def base_url(live_server: LiveServer) -> str:
    """Return the address of the served app, which page.goto resolves paths against."""
    return live_server.url


@pytest.fixture
def browser_context_args(base_url: str) -> dict:
    """Open each browser context on the served app."""
    return {"base_url": base_url, "locale": "en-GB", "timezone_id": "UTC"}


@pytest.fixture
def axe_js() -> Path:
    """Return the path of axe-core; without it the accessibility tests fail, saying why."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is not installed at {AXE_JS}: `make test` installs it with npm")
    return AXE_JS
