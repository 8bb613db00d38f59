"""Problem details (RFC 9457) for every error the API answers with, as application/problem+json.

The blueprint's handlers cover errors raised in its views; app-wide handlers for 404 and 405
cover what routing refuses before any view runs, for paths under the API only, and leave the
site's own error pages to everything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Flask, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.exceptions import HTTPException

from ..core.errors import Conflict, DomainError, Forbidden, Invalid, NotVisible, kind_of
from ..timestamps import Timestamp

PROBLEM_JSON = "application/problem+json"
BLANK = "about:blank"
INVALID = "urn:scorecards:problem:invalid-request"


class FieldProblem(BaseModel):
    """What is wrong with one field of a request."""

    field: str = Field(description="Dotted path of the field, e.g. ratings.approach.score.")
    message: str
    location: str | None = Field(default=None, description="body, query or path.")


class Problem(BaseModel):
    """An error, described as RFC 9457 problem details."""

    model_config = ConfigDict(title="Problem")

    type: str = Field(default=BLANK, description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblem] | None = Field(
        default=None, description="Each field that is wrong, for invalid requests.")
    current_version: int | None = Field(
        default=None, description="The scorecard's stored version, for a stale save.")
    warnings: list[str] | None = Field(
        default=None, description="What needs confirming before a scorecard is submitted.")
    interview_starts_at: Timestamp | None = Field(
        default=None, description="When the interview starts, for a scorecard submitted "
        "before then.")
    submission_opens_at: Timestamp | None = Field(
        default=None, description="The earliest time the scorecard can be submitted.")


class ApiProblem(Exception):
    """Raised in a view to answer with a problem."""

    def __init__(self, status: int, detail: str, *, type: str = BLANK,
                 errors: Iterable[FieldProblem] | None = None, headers: dict | None = None,
                 **extra: Any):
        super().__init__(detail)
        self.problem = Problem(type=type, title=HTTPStatus(status).phrase, status=status,
                               detail=detail, errors=list(errors) if errors is not None else None,
                               **extra)
        self.headers = headers or {}


def invalid(status: int, detail: str, error: ValidationError, location: str) -> ApiProblem:
    """Return the problem of a request that failed validation, naming every field."""
    return ApiProblem(status, detail, type=INVALID, errors=[
        FieldProblem(field=".".join(str(part) for part in e["loc"]) or f"({location})",
                     message=e["msg"], location=location)
        for e in error.errors(include_url=False)])


def problem_response(problem: Problem, headers: dict | None = None):
    """Return a Flask response carrying the problem."""
    response = jsonify(problem.model_dump(mode="json", exclude_none=True))
    response.status_code = problem.status
    response.content_type = PROBLEM_JSON
    response.headers.update(headers or {})
    return response


def http_problem(error: HTTPException):
    """Return the problem response of an HTTP error (aborts, routing, size limits)."""
    status = error.code or 500
    headers = {}
    if status == 405:
        headers["Allow"] = ", ".join(sorted(getattr(error, "valid_methods", None) or ()))
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    detail = _DETAILS.get(status, error.description)
    return problem_response(Problem(title=HTTPStatus(status).phrase, status=status,
                                    detail=detail), headers)


# The status of an API answer to what a service refused.
_DOMAIN_STATUS = {NotVisible: 404, Forbidden: 403, Conflict: 409, Invalid: 422, DomainError: 422}


def domain_problem(error: DomainError):
    """Return the problem response of what a service refused, naming the field it concerns."""
    status = _DOMAIN_STATUS[kind_of(error)]
    if status == 404:  # what is not the user's to see looks exactly like what does not exist
        return problem_response(Problem(title=HTTPStatus(status).phrase, status=status,
                                        detail=_DETAILS[404]))
    errors = None
    if error.field:
        errors = [FieldProblem(field=error.field, message=error.message, location="body")]
    return problem_response(Problem(title=HTTPStatus(status).phrase, status=status,
                                    detail=error.message or None, errors=errors))


def register(bp: Blueprint) -> None:
    """Answer every error of the blueprint, and routing errors under its prefix, as problems."""
    bp.register_error_handler(ApiProblem, lambda e: problem_response(e.problem, e.headers))
    bp.register_error_handler(DomainError, domain_problem)
    bp.register_error_handler(HTTPException, http_problem)
    prefix = (bp.url_prefix or "") + "/"

    @bp.record_once
    def _routing_errors(state) -> None:
        app: Flask = state.app
        site = app.error_handler_spec[None][None].get(HTTPException)

        def routing_error(error: HTTPException):
            if request.path.startswith(prefix) or request.path == prefix.rstrip("/"):
                return http_problem(error)
            return site(error) if site is not None else error

        for code in (404, 405):
            app.register_error_handler(code, routing_error)


_DETAILS = {
    401: "Send a valid API token: Authorization: Bearer TOKEN.",
    404: "There is nothing here, or it is not yours to see.",
    405: "This address does not accept that method; see the Allow header.",
    413: "The body is too large.",
    500: "Something went wrong on our side. It has been logged; please try again.",
}
