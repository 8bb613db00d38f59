"""The export page and downloads: who may use them, what they send, how they refuse.

Downloads stream; buffered=True reads the stream while the request is still open.
"""

import html

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import AuditEvent, Job

from .conftest import read_csv, read_jsonl, read_xlsx


@pytest.fixture
def hr(make_user, sign_in):
    """Return a client signed in as HR, and the HR user."""
    user = make_user(Role.HR, name="Hanna Reyes")
    return sign_in(user), user


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN])
def test_hr_and_admins_download_every_kind_in_every_format(record, make_user, sign_in, role):
    client = sign_in(make_user(role))
    for kind in ("applications", "ratings"):
        for fmt, read in (("csv", read_csv), ("xlsx", read_xlsx), ("jsonl", read_jsonl)):
            response = client.get(f"/hr/exports/{kind}.{fmt}", buffered=True)
            assert response.status_code == 200
            assert response.headers["Content-Disposition"] == \
                f'attachment; filename="{kind}.{fmt}"'
            assert response.headers["Cache-Control"] == "private, no-store"
            assert len(read(response.data)) == (3 if kind == "applications" else 14)


def test_a_download_streams_with_the_mimetype_of_its_format(record, hr):
    client, _ = hr
    assert client.get("/hr/exports/ratings.csv", buffered=True).mimetype == "text/csv"
    assert client.get("/hr/exports/ratings.jsonl", buffered=True).mimetype == \
        "application/x-ndjson"
    assert client.get("/hr/exports/ratings.xlsx", buffered=True).mimetype == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_download_applies_the_filters_of_the_query_string_and_records_them(record, hr):
    client, user = hr
    response = client.get("/hr/exports/applications.csv?opening=test-opening&status=decided"
                          "&since=2024-03-01&until=&", buffered=True)
    assert [row["candidate"] for row in read_csv(response.data)] == ["Zoë Ångström"]
    assert "applications-test-opening-decided-from-2024-03-01.csv" in \
        response.headers["Content-Disposition"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export.created"))
    assert event.actor_id == user.id
    assert event.details == {"kind": "applications", "format": "csv", "filters": {
        "opening": "test-opening", "status": "decided", "since": "2024-03-01"}}


@pytest.mark.parametrize(("url", "message"), [
    ("/hr/exports/applications.csv?opening=nope", "There is no opening &#39;nope&#39;."),
    ("/hr/exports/ratings.csv?status=hired", "There is no application status &#39;hired&#39;"),
    ("/hr/exports/ratings.csv?since=2024-02-01&until=2024-01-01", "is after the end date"),
    ("/hr/exports/ratings.csv?since=yesterday", "The start date &#39;yesterday&#39; is not"),
    ("/hr/exports/ratings.pdf", "There is no format &#39;pdf&#39;"),
    ("/hr/exports/people.csv", "There is no export of &#39;people&#39;"),
])
def test_a_bad_request_gets_a_page_that_says_what_is_wrong(record, hr, url, message):
    client, _ = hr
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.text
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "export.created")) is None


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE])
def test_interviewers_and_the_committee_find_no_exports(record, make_user, sign_in, role):
    client = sign_in(make_user(role))
    assert client.get("/hr/exports/").status_code == 404
    assert client.get("/hr/exports/ratings.csv").status_code == 404
    assert client.get("/hr/exports/ratings.csv?opening=nope").status_code == 404
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "export.created")) is None


def test_signed_out_visitors_are_sent_to_sign_in(client, app):
    response = client.get("/hr/exports/ratings.csv")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_the_page_offers_every_kind_format_opening_and_status(record, hr):
    client, _ = hr
    html = client.get("/hr/exports/").text
    for text in ('value="applications"', 'value="ratings"', 'value="xlsx"', 'value="jsonl"',
                 'value="test-opening"', 'value="withdrawn"', 'type="date" name="since"'):
        assert text in html


def test_the_page_form_leads_to_the_download_without_blank_filters(hr):
    client, _ = hr
    response = client.post("/hr/exports/", data={
        "kind": "ratings", "format": "csv", "opening": "", "status": "decided", "since": "",
        "until": "2024-05-01"})
    assert response.status_code == 303
    assert response.headers["Location"] == \
        "/hr/exports/ratings.csv?until=2024-05-01&status=decided"


def test_a_workbook_from_the_page_is_prepared_in_the_background(record, hr):
    client, user = hr
    response = client.post("/hr/exports/", data={"kind": "ratings", "format": "xlsx"})
    assert response.status_code == 303
    job = db.session.scalar(sa.select(Job))
    assert response.headers["Location"] == f"/files/{job.id}"
    assert (job.requested_by_id, job.status, job.filename) == (user.id, "done", "ratings.xlsx")
    assert "Download ratings.xlsx" in client.get(response.headers["Location"]).text
    prepared = read_xlsx(client.get(f"/files/{job.id}/download", buffered=True).data)
    assert len(prepared) == 14
    assert prepared == read_xlsx(client.get("/hr/exports/ratings.xlsx", buffered=True).data)


@pytest.mark.parametrize(("form", "message"), [
    ({"kind": "ratings", "format": "pdf"}, "There is no format 'pdf'"),
    ({"kind": "ratings", "format": "xlsx", "since": "May 1st"}, "The start date 'May 1st'"),
    ({"kind": "ratings", "format": "xlsx", "opening": "nope"}, "There is no opening 'nope'"),
])
def test_a_bad_choice_on_the_page_says_what_is_wrong_and_starts_nothing(hr, form, message):
    client, _ = hr
    response = client.post("/hr/exports/", data=form)
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert f'value="{form["kind"]}" checked' in response.text  # what was chosen stays chosen
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0
