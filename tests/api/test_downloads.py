"""Every download is named by one Content-Disposition that keeps the person's name.

Packets (page and API), prepared files, exports and HR's report all answer with RFC 6266's
filename* (UTF-8) beside an ASCII filename, and the header parses back to the whole name.
"""

from __future__ import annotations

import email.message
import email.utils

import pytest
from werkzeug.http import parse_options_header

from scorecards.core.vocabulary import Role
from scorecards.downloads import ascii_name, content_disposition
from scorecards.extensions import db

NAMES = ["Åsa Söderström", "山田 花子", "Zoë O'Brien-Łukasz"]


def filename_of(header: str) -> str:
    """Return the file name that werkzeug and the email package both read from the header.

    A reader that knows filename* (RFC 6266) takes the name from it; the plain filename is
    for those that do not.
    """
    disposition, options = parse_options_header(header)
    assert disposition == "attachment"
    message = email.message.Message()
    message["Content-Disposition"] = header
    extended = [value for key, value in message.get_params(header="content-disposition")
                if key == "filename" and isinstance(value, tuple)]
    by_email = (email.utils.collapse_rfc2231_value(extended[-1]) if extended
                else message.get_filename())
    assert options["filename"] == by_email, "werkzeug and email read the same name"
    return by_email


@pytest.mark.parametrize("name", NAMES)
def test_the_header_parses_back_to_the_whole_name(name):
    header = content_disposition(f"packet-{name}-3.pdf")
    assert header.isascii()
    assert filename_of(header) == f"packet-{name}-3.pdf"


def test_the_ascii_fallback_keeps_what_ascii_can_say():
    assert ascii_name("packet-Åsa Söderström-3.pdf") == "packet-Asa-Soderstrom-3.pdf"
    assert ascii_name("packet-山田 花子-8.pdf") == "packet-8.pdf"
    assert ascii_name("山田.pdf") == "download.pdf"
    assert 'filename="packet-Asa-Soderstrom-3.pdf"' in content_disposition(
        "packet-Åsa Söderström-3.pdf")


def test_a_plain_name_has_no_filename_star():
    assert content_disposition("applications.csv") == 'attachment; filename="applications.csv"'


@pytest.mark.parametrize("unsafe", ['a"b.csv', "a\r\nSet-Cookie: x=1.csv", "../../etc/passwd",
                                    "a\\b.csv"])
def test_a_name_never_breaks_the_header_or_names_a_path(unsafe):
    header = content_disposition(unsafe)
    assert "\r" not in header
    assert "\n" not in header
    name = filename_of(header)
    assert "/" not in name
    assert "\\" not in name
    assert '"' not in name


@pytest.mark.parametrize("name", NAMES[:2])
def test_a_packet_keeps_the_candidates_name_on_the_page_and_through_the_api(
        ready, make_user, sign_in, as_user, name):
    ready.candidate.name = name
    db.session.commit()
    member = make_user(Role.COMMITTEE)
    expected = f"packet-{name}-{ready.id}.pdf"
    page = sign_in(member).get(f"/committee/applications/{ready.id}/packet.pdf")
    assert filename_of(page.headers["Content-Disposition"]) == expected
    api = as_user(member).get(f"/api/v1/applications/{ready.id}/packet.pdf")
    assert filename_of(api.headers["Content-Disposition"]) == expected
    assert api.data.startswith(b"%PDF")


def test_exports_reports_and_prepared_files_answer_through_the_same_header(
        make_application, make_user, sign_in, as_user):
    make_application("Åsa Söderström")
    hr = make_user(Role.HR)
    client = sign_in(hr)
    export = client.get("/hr/exports/applications.csv", buffered=True)
    assert export.headers["Content-Disposition"] == content_disposition("applications.csv")
    report = client.get("/hr/openings/test-opening/report.csv")
    assert report.headers["Content-Disposition"] == content_disposition(
        "test-opening-report.csv")
    prepared = client.post("/hr/exports/", data={"kind": "ratings", "format": "xlsx"})
    download = client.get(prepared.headers["Location"] + "/download", buffered=True)
    assert download.headers["Content-Disposition"] == content_disposition("ratings.xlsx")
    api = as_user(hr).get("/api/v1/exports/ratings?format=jsonl")
    assert api.headers["Content-Disposition"] == content_disposition("ratings.jsonl")
