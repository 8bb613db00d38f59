"""Error reports: off by default; when on, they say where it failed, never about whom."""

import gzip
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk

from scorecards import create_app
from scorecards.config import SettingsError
from scorecards.core.vocabulary import Role


class Collector(BaseHTTPRequestHandler):
    """Take what an SDK sends to /api/<project>/envelope/, as a Sentry server would."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # the SDK's choice where brotli is installed
            import brotli

            body = brotli.decompress(body)
        self.server.received.append(body.decode())
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def config(config, sentry_server):
    return {**config, "SENTRY_DSN": f"http://publickey@127.0.0.1:{sentry_server.server_port}/1",
            "SENTRY_ENVIRONMENT": "test", "PROPAGATE_EXCEPTIONS": False}


@pytest.fixture
def app(app):
    yield app
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: nothing is reported by later tests


def events(server) -> list[dict]:
    sentry_sdk.flush(timeout=5)
    found = []
    for envelope in server.received:
        for line in envelope.splitlines():
            if line.startswith("{") and '"exception"' in line:
                found.append(json.loads(line))
    return found


def test_an_unhandled_error_is_reported_without_personal_data(
        app, client, sign_in, make_user, make_application, sentry_server):
    candidate = make_application(name="Zelda Quintero").candidate

    @app.get("/boom")
    def boom():
        secret = candidate.name  # a local variable the report must not carry
        raise RuntimeError(f"it broke for candidate {candidate.id} ({len(secret)})")

    hr = make_user(Role.HR, name="Hanna Reyes")
    sign_in(hr)
    answer = client.get("/boom?q=Zelda+Quintero", headers={"X-Request-ID": "report-12345678",
                                                            "Cookie": "other=Zelda"})
    assert answer.status_code == 500
    (event,) = events(sentry_server)
    (exception,) = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == (
        "RuntimeError", f"it broke for candidate {candidate.id} (14)")
    assert event["environment"] == "test"
    assert event["request"]["url"].endswith("/boom")
    assert event["request"]["headers"]["X-Request-Id"] == "report-12345678"
    for frame in exception["stacktrace"]["frames"]:
        assert "vars" not in frame
        for source in ("pre_context", "context_line", "post_context"):  # code, not data
            frame.pop(source, None)
    sent = json.dumps(event)
    assert set(event["request"]) == {"method", "url", "headers"}
    assert set(event["request"]["headers"]) <= {"User-Agent", "X-Request-Id"}
    for private in ("Zelda", "Quintero", "Hanna", hr.email, "session="):
        assert private not in sent


def test_sql_values_are_withheld_from_a_report():
    from scorecards.observability.reporting import scrub

    event = {"exception": {"values": [{"type": "IntegrityError", "value":
             "duplicate key\n[SQL: INSERT INTO candidates (name) VALUES (%(name)s)]\n"
             "[parameters: {'name': 'Zelda Quintero'}]"}]}}
    scrubbed = scrub(event, {})["exception"]["values"][0]["value"]
    assert "Zelda" not in scrubbed
    assert "[parameters withheld]" in scrubbed
    assert "INSERT INTO candidates" in scrubbed


def test_a_dsn_without_the_sdk_stops_the_app_saying_what_to_install(config, monkeypatch):
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)
    with pytest.raises(SettingsError, match=r"pip install 'scorecards\[sentry\]'"):
        create_app(config)
