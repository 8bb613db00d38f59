"""Every route, fed hostile input by every kind of user, answers without a server error.

Hypothesis drives each route of the app's URL map (pages and API alike) with ids beyond the
database's range, NUL characters, unpaired surrogates, huge strings, spreadsheet formulas,
HTML, out-of-range dates and odd content types, signed in (and with an API token) as an
interviewer on the seeded panel, a committee member, HR or an admin. A 5xx, a traceback in a
page or an exception out of a view fails the test. Derandomized and limited to a few examples
a route, so a run is the same every time and takes seconds; the API's documented shapes are
checked apart, by schemathesis (tests/api/test_openapi_conformance.py).
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecards.api.services import issue_token
from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.jobs import services as jobs

# A route; about 700 requests in all. SCORECARDS_FUZZ_EXAMPLES=200 digs deeper, for minutes.
EXAMPLES = int(os.environ.get("SCORECARDS_FUZZ_EXAMPLES", "10"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))

HOSTILE_TEXT = [
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfff", "x" * 100_000, "=1+2", "+cmd|' /C calc'!A0",
    "-2+3", "@SUM(A1:A2)", "\t=1", "<script>alert(1)</script>", "\"><img src=x onerror=1>",
    "' OR 1=1 --", "../../etc/passwd", "%00", "\u202egnp.exe", "😀" * 50, "null", "[]", "{}",
    "true", "NaN", "1e309", "-1", "0", "2147483648", "9223372036854775808",
    "99999999999999999999", "9999-12-31", "0001-01-01", "2024-02-30", "10000-01-01",
    "9999-12-31T23:59:59", "2024-01-01T00:00:00+99:00", "hire", "strong_no_hire", "applied",
    "applications", "ratings", "csv", "xlsx", "jsonl", "test-opening", "test-loop", "coding",
]
HOSTILE_IDS = [0, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 10**20]
FIELDS = [
    "version", "action", "takeaways", "private_note", "recommendation", "reason", "rationale",
    "final_outcome", "confirm", "title", "key", "loop", "team", "name", "email", "phone",
    "location", "source", "referrer", "stage", "scheduled_at", "panel", "panel_emails", "note",
    "kind", "format", "since", "until", "status", "opening", "password", "remember", "next",
    "page", "after", "cursor", "limit", "offset", "rescued",
    *(f"rating-{key}-{part}" for key in ("understanding", "approach", "code")
      for part in ("score", "evidence")),
]
CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "application/json",
                 "text/plain", "application/xml", "multipart/form-data; boundary=",
                 "application/json; charset=latin-1", "x/y;;=", ""]
ROLES = {"interviewer": (Role.INTERVIEWER,), "committee": (Role.COMMITTEE,),
         "hr": (Role.HR,), "admin": (Role.ADMIN,)}
SLOW = {"packets.packet", "api.packet"}  # a PDF for a real id is a second's work; hostile ids


def _routes(app) -> list[tuple[str, str, str]]:
    """Return (endpoint, method, rule) of every route but the static files."""
    return [(rule.endpoint, method, rule.rule) for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]


@pytest.fixture
def seeded(make_user, make_application, make_interview, submit) -> dict:
    """Seed a pipeline with every kind of row, and return its users, tokens and real ids."""
    users = {name: make_user(*roles, name=f"Fuzz {name}") for name, roles in ROLES.items()}
    other = make_user(Role.INTERVIEWER)
    ada, grace = make_application("Ada Lovelace"), make_application("Grace Hopper")
    coding = make_interview(ada, stage="coding", panel=[users["interviewer"], other])
    design = make_interview(grace, stage="design", panel=[users["interviewer"], other])
    submit(design.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    submit(design.scorecards[1], {"understanding": 4, "approach": 3, "code": 2}, "no_hire")
    grace.status = ApplicationStatus.COMMITTEE
    db.session.commit()
    job = jobs.start(users["hr"], "export", "Export of applications (CSV)",
                     {"kind": "applications", "format": "csv", "filters": {}})
    ids = {ada.id, grace.id, ada.candidate_id, coding.id, design.id, job.id,
           *(s.id for s in (*coding.scorecards, *design.scorecards))}
    return {"users": users, "ids": sorted(ids),
            "tokens": {name: issue_token(user, "fuzz") for name, user in users.items()}}


def _encode(text: str) -> str:
    """Percent-encode text for a URL, unpaired surrogates and all, as a hostile client would."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _texts() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=30))


def _request(seeded: dict, rule: str, slow: bool) -> st.SearchStrategy[dict]:
    ids = st.sampled_from(HOSTILE_IDS if slow else HOSTILE_IDS + seeded["ids"])
    names = re.findall(r"<(?:(\w+):)?(\w+)>", rule)
    path = st.tuples(*(ids.map(str) if converter == "int" else _texts().map(_encode)
                       for converter, _ in names))
    pairs = st.lists(st.tuples(st.one_of(st.sampled_from(FIELDS), _texts()), _texts()),
                     max_size=6)
    return st.fixed_dictionaries({
        "who": st.sampled_from(sorted(ROLES)), "path": path, "query": pairs, "body": pairs,
        "content_type": st.sampled_from(CONTENT_TYPES)})


def _url(rule: str, values: tuple[str, ...], query: list[tuple[str, str]]) -> str:
    parts = iter(values)
    path = re.sub(r"<(?:\w+:)?\w+>", lambda _: next(parts), rule)
    return path + "?" + "&".join(f"{_encode(k)}={_encode(v)}" for k, v in query)


def _body(pairs: list[tuple[str, str]], content_type: str) -> dict:
    if content_type.startswith("application/json"):
        return {"data": json.dumps(dict(pairs)), "content_type": content_type}
    if content_type == "multipart/form-data":  # the client builds it, so text must encode
        return {"data": {k.encode("utf-8", "replace").decode(): v.encode("utf-8", "replace")
                         .decode() for k, v in pairs}, "content_type": content_type}
    body = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs).encode()
    return {"data": body, "content_type": content_type}


def _exercise(client, seeded: dict, endpoint: str, method: str, rule: str) -> None:
    @SETTINGS
    @given(case=_request(seeded, rule, endpoint in SLOW))
    def run(case: dict) -> None:
        with client.session_transaction() as session:
            session["_user_id"] = seeded["users"][case["who"]].get_id()
            session["_fresh"] = True
        kwargs = {} if method == "GET" else _body(case["body"], case["content_type"])
        response = client.open(_url(rule, case["path"], case["query"]), method=method,
                               headers={"Authorization": f"Bearer {seeded['tokens'][case['who']]}"},
                               buffered=True, **kwargs)
        where = f"{method} {rule} as {case['who']}"
        assert response.status_code < 500, where
        assert b"Traceback" not in response.data, where

    run()


def test_no_route_answers_hostile_input_with_a_server_error(app, client, seeded):
    routes = _routes(app)
    assert len(routes) > 60
    # The cases run signed in, as each kind of user: a session the app refused would leave
    # every page fuzzed as an anonymous visitor only.
    for user in seeded["users"].values():
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
        assert client.get("/interviews").status_code == 200
    for endpoint, method, rule in routes:
        _exercise(client, seeded, endpoint, method, rule)
