"""The API answers as its OpenAPI document says, for requests generated from that document.

Schemathesis generates requests for every operation over a seeded database and checks that
no answer is a server error, that every status and content type is documented, and that
every body matches its schema. Derandomized, so a run is the same every time.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks
from schemathesis.specs.openapi import checks as openapi_checks

from scorecards.api.services import issue_token
from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db

CHECKS = [checks.not_a_server_error, openapi_checks.response_schema_conformance,
          openapi_checks.status_code_conformance, openapi_checks.content_type_conformance]
# For requests that break the document: refused with a 4xx, never a server error.
NEGATIVE_CHECKS = [checks.not_a_server_error, openapi_checks.negative_data_rejection,
                   openapi_checks.content_type_conformance]
EXAMPLES = 25
NEGATIVE_EXAMPLES = 10  # an operation; tests/test_fuzz.py sends hostile values besides
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


def isolated(app) -> Callable:
    """Return the app as a WSGI callable that runs each request in a context of its own.

    As the suite's test client does: without it, every request would share the test's app
    context and database session. The body is read before the context ends.
    """
    def wsgi(environ, start_response):
        def run():
            body = app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                getattr(body, "close", lambda: None)()

        return contextvars.Context().run(run)

    return wsgi


@pytest.fixture
def seeded(make_user, make_application, make_interview, submit) -> dict:
    """Seed applications at every step, and return tokens and ids to call with."""
    ana = make_user(Role.INTERVIEWER, email="ana@example.com")
    ben = make_user(Role.INTERVIEWER, email="ben@example.com")
    ada, grace, _ = (make_application(name) for name in ("Ada Lovelace", "Grace Hopper",
                                                         "Barbara Liskov"))
    coding = make_interview(ada, stage="coding", panel=[ana, ben])
    submit(coding.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    design = make_interview(grace, stage="design", panel=[ana, ben])
    submit(design.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    submit(design.scorecards[1], {"understanding": 4, "approach": 3, "code": 2}, "no_hire")
    grace.status = ApplicationStatus.COMMITTEE
    db.session.commit()
    return {
        "hr": issue_token(make_user(Role.HR, email="hana@example.com"), "seed"),
        "committee": issue_token(make_user(Role.COMMITTEE, email="johan@example.com"), "seed"),
        "author": issue_token(ben, "seed"),
        "draft_id": coding.scorecards[1].id,
        "decided_id": grace.id,
    }


def _exercise(operation, token: str, mode: GenerationMode = GenerationMode.POSITIVE,
              **fixed) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    positive = mode is GenerationMode.POSITIVE

    @settings(SETTINGS, max_examples=EXAMPLES if positive else NEGATIVE_EXAMPLES)
    @given(case=operation.as_strategy(mode, **fixed))
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS if positive else NEGATIVE_CHECKS,
                               headers=headers)

    run()


@pytest.fixture
def schema(app):
    """Return the API's schema as served, bound to the app."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", isolated(app))


def test_every_operation_answers_as_documented(schema, seeded):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10
    for operation in operations:
        if operation.method.upper() == "DELETE":
            continue  # erasure changes the seeded data under the other operations
        _exercise(operation, seeded["hr"])


def test_every_operation_refuses_what_its_document_forbids(schema, seeded):
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "DELETE":
            _exercise(operation, seeded["hr"], GenerationMode.NEGATIVE)


def test_an_authors_scorecard_saves_answer_as_documented(schema, seeded):
    path = "/api/v1/scorecards/{scorecard_id}"
    fixed = {"path_parameters": {"scorecard_id": seeded["draft_id"]}}
    _exercise(schema[path]["PUT"], seeded["author"], **fixed)
    _exercise(schema[path + "/submit"]["POST"], seeded["author"], **fixed)


def test_the_committees_summary_and_decision_answer_as_documented(schema, seeded):
    path = "/api/v1/applications/{application_id}"
    fixed = {"path_parameters": {"application_id": seeded["decided_id"]}}
    _exercise(schema[path + "/summary"]["GET"], seeded["committee"], **fixed)
    _exercise(schema[path + "/decision"]["POST"], seeded["committee"], **fixed)


def test_erasure_answers_as_documented(schema, seeded):
    _exercise(schema["/api/v1/candidates/{candidate_id}"]["DELETE"], seeded["hr"])


def test_the_interview_routes_answer_as_documented(schema, seeded, make_user, make_interview):
    """On an interview with a draft and one not pinned, as well as on random ones."""
    ana = make_user(Role.INTERVIEWER, email="chen@example.com")
    interview = make_interview(panel=[ana])
    path = "/api/v1/interviews/{interview_id}"
    fixed = {"path_parameters": {"interview_id": interview.id}}
    for operation in (schema[path]["GET"], schema[path]["PATCH"],
                      schema[path + "/note"]["PUT"], schema[path + "/cancel"]["POST"]):
        _exercise(operation, seeded["hr"], **fixed)
