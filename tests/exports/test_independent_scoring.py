"""Exports leave out the applications on which the person exporting still owes a scorecard.

Independent scoring outranks role: an HR user or an admin who sits on a panel and has not
submitted sees none of that application's ratings, scores or outcomes, in any format and
through any channel, until their own scorecard is in. The command line, run by operators
with no user, exports everything.
"""

import pytest

from scorecards.core.vocabulary import Role, ScorecardStatus
from scorecards.extensions import db

from .conftest import READERS, read_csv, run

OWED = "Zoë Ångström"  # the decided application of the record, where the exporter sits


@pytest.fixture(params=[(Role.HR, ScorecardStatus.DRAFT), (Role.ADMIN, ScorecardStatus.DRAFT),
                        (Role.HR, ScorecardStatus.NOT_STARTED)],
                ids=["hr-draft", "admin-draft", "hr-not-started"])
def exporter(request, record, make_user, make_interview):
    """Return (a user who owes a scorecard on the decided application, that scorecard)."""
    role, status = request.param
    decided, _, _ = record
    user = make_user(role, Role.INTERVIEWER)
    (card,) = make_interview(decided, stage="design", panel=[user]).scorecards
    card.status = status
    db.session.commit()
    return user, card


def candidates(kind: str, fmt: str, data: bytes) -> list[str]:
    return [row["candidate"] for row in READERS[fmt](data)]


@pytest.mark.parametrize("kind", ["applications", "ratings"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_a_download_leaves_out_what_the_exporter_owes_a_scorecard_on(exporter, sign_in, kind,
                                                                     fmt):
    user, _ = exporter
    data = sign_in(user).get(f"/hr/exports/{kind}.{fmt}", buffered=True).data
    found = candidates(kind, fmt, data)
    assert OWED not in found
    assert "Grace Hopper" in found  # the rest is all there


@pytest.mark.parametrize("kind", ["applications", "ratings"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_the_api_export_leaves_out_what_the_caller_owes_a_scorecard_on(exporter, client, kind,
                                                                       fmt):
    from scorecards.api.services import issue_token

    user, _ = exporter
    response = client.get(f"/api/v1/exports/{kind}?format={fmt}", buffered=True,
                          headers={"Authorization": f"Bearer {issue_token(user)}"})
    assert response.status_code == 200
    found = candidates(kind, fmt, response.data)
    assert OWED not in found
    assert "Grace Hopper" in found


@pytest.mark.parametrize("kind", ["applications", "ratings"])
def test_a_workbook_prepared_in_the_background_leaves_it_out_too(exporter, sign_in, kind):
    user, _ = exporter
    client = sign_in(user)
    started = client.post("/hr/exports/", data={"kind": kind, "format": "xlsx"})
    assert started.status_code == 303
    download = client.get(started.headers["Location"] + "/download", buffered=True)
    assert download.status_code == 200
    found = candidates(kind, "xlsx", download.data)
    assert OWED not in found
    assert "Grace Hopper" in found


def test_the_application_comes_back_once_the_exporter_has_submitted(exporter, sign_in, submit):
    user, card = exporter
    submit(card, {"understanding": 3, "approach": 3, "code": 3, "testing": 3})
    data = sign_in(user).get("/hr/exports/applications.csv", buffered=True).data
    assert OWED in [row["candidate"] for row in read_csv(data)]


def test_an_hr_user_who_owes_nothing_exports_every_application(record, make_user, sign_in):
    data = sign_in(make_user(Role.HR)).get("/hr/exports/ratings.csv", buffered=True).data
    assert OWED in [row["candidate"] for row in read_csv(data)]


def test_the_command_line_exports_everything(exporter):
    assert OWED in [row["candidate"] for row in read_csv(run("applications", "csv"))]
    assert OWED in [row["candidate"] for row in read_csv(run("ratings", "csv"))]


def test_the_export_page_says_what_is_left_out(exporter, sign_in):
    user, _ = exporter
    page = sign_in(user).get("/hr/exports/").text
    assert "1 application you still owe a scorecard on is left out" in page
