"""A client generated from the served document works: files come back as bytes.

openapi-python-client (what many Python teams generate clients with) builds a client from
the document the server serves, without a warning; the test imports it and, against the app
served on a loopback port, downloads a PDF packet and an export in every format, and reads
a rubric and a duplicate-email conflict through the generated models.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from scorecards.api.services import issue_token
from scorecards.core.vocabulary import Role
from tests.e2e.conftest import LiveServer

PACKAGE = "scorecards_api_client"
# No post hooks: the generator would otherwise run ruff on the code and warn without it.
CONFIG = "post_hooks: []\n"


@pytest.fixture
def served(app):
    """Serve the test app on a loopback port for one test."""
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def generated(served, tmp_path: Path, monkeypatch):
    """Generate a client from the served document, import it and return its package."""
    with urllib.request.urlopen(f"{served.url}/api/v1/openapi.json") as answer:  # noqa: S310
        (tmp_path / "openapi.json").write_bytes(answer.read())
    (tmp_path / "config.yaml").write_text(CONFIG)
    run = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate",
         "--path", str(tmp_path / "openapi.json"), "--output-path", str(tmp_path / "client"),
         "--config", str(tmp_path / "config.yaml")],
        capture_output=True, text=True, timeout=120, check=False)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "warning" not in said.lower(), said
    monkeypatch.syspath_prepend(str(tmp_path / "client"))
    for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
        del sys.modules[name]
    yield importlib.import_module(PACKAGE)
    for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def _client(generated, served, user):
    return generated.AuthenticatedClient(base_url=served.url,
                                         token=issue_token(user, "generated"))


def test_the_generated_client_downloads_a_pdf_packet(generated, served, ready, make_user):
    from scorecards_api_client.api.committee import packet

    client = _client(generated, served, make_user(Role.COMMITTEE))
    found = packet.sync(client=client, application_id=ready.id)
    assert isinstance(found, generated.types.File), found
    assert found.payload.read().startswith(b"%PDF")


def test_the_generated_client_downloads_every_export_format(generated, served, ready,
                                                            make_user):
    from scorecards_api_client.api.exports import export_applications, export_ratings
    from scorecards_api_client.models import ExportFormat

    client = _client(generated, served, make_user(Role.HR))
    files = {fmt: export_ratings.sync(client=client, format_=fmt).payload.read()
             for fmt in ExportFormat}
    rows = list(csv.DictReader(io.StringIO(files[ExportFormat.CSV].decode("utf-8-sig"))))
    assert {row["candidate"] for row in rows} == {"Ada Lovelace"}
    assert len(rows) == 9
    lines = [json.loads(line) for line in files[ExportFormat.JSONL].splitlines()]
    assert [line["competency"] for line in lines] == [row["competency"] for row in rows]
    sheet = openpyxl.load_workbook(io.BytesIO(files[ExportFormat.XLSX]), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows(min_row=2)) == len(rows)
    applications = export_applications.sync(client=client, format_=ExportFormat.CSV)
    assert applications.payload.read().decode("utf-8-sig").startswith("application_id,")


def test_the_generated_models_read_a_rubric_and_a_duplicate_email(generated, served, catalog,
                                                                   make_user):
    from scorecards_api_client.api.candidates import add_candidate
    from scorecards_api_client.api.rubrics import get_rubric
    from scorecards_api_client.models import CandidateConflict, CandidateIn, RubricOut

    client = _client(generated, served, make_user(Role.HR))
    rubric = get_rubric.sync(client=client, key="test-coding")
    assert isinstance(rubric, RubricOut)
    assert [c.key for c in rubric.competencies][:2] == ["understanding", "approach"]
    assert rubric.created_at.tzinfo is not None
    first = add_candidate.sync(client=client, body=CandidateIn(name="Åsa Söderström",
                                                               email="asa@example.org"))
    again = add_candidate.sync(client=client, body=CandidateIn(name="Åsa S.",
                                                               email="ASA@example.org"))
    assert isinstance(again, CandidateConflict), again
    assert again.candidate_id == first.id
