"""The API's route table and the OpenAPI 3.1 document generated from it.

Each route is declared once, with ``Api.operation``: its method and path, a summary, the
pydantic models of its query, body and answers, and the problems it may answer with. The
same declaration parses and validates the request, serialises the answer and describes the
operation in ``/api/v1/openapi.json``, so the document cannot drift from the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from .errors import PROBLEM_JSON, ApiProblem, FieldProblem, Problem, invalid

MAX_ID = 2**31 - 1  # ids are PostgreSQL integers
OCTET_STREAM = "application/octet-stream"
_CONVERTER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Binary:
    """An answer that is a file rather than JSON: one or more media types.

    The document offers application/octet-stream beside them, first: generated clients
    (openapi-python-client among them) hand back bytes for it, where a PDF or workbook type
    they do not know would be left out and a text type read as text. A request that
    prefers it (Accept: application/octet-stream) gets the same bytes under that type.
    """

    mimetypes: tuple[str, ...]
    description: str

    @staticmethod
    def negotiate(mimetype: str) -> str:
        """Return the type to send a file of this type as: its own, or octet-stream if asked."""
        own = mimetype.partition(";")[0].strip()
        if request.accept_mimetypes.best_match([own, OCTET_STREAM]) == OCTET_STREAM:
            return OCTET_STREAM
        return mimetype


Answer = type[BaseModel] | Binary | None  # None: no content (204)


@dataclass(frozen=True)
class Operation:
    """One route of the API, as the document describes it."""

    method: str
    rule: str
    endpoint: str
    summary: str
    description: str | None
    tag: str
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    answers: Mapping[int, Answer]
    problems: tuple[int, ...]
    public: bool = False
    problem_models: Mapping[int, type[Problem]] = field(default_factory=dict)

    @property
    def path_parameters(self) -> list[tuple[str, str]]:
        """Return (name, converter) of each parameter in the path."""
        return [(m["name"], m["converter"] or "string") for m in _CONVERTER.finditer(self.rule)]


@dataclass
class Api:
    """The routes of a blueprint, declared with their models, and the document of them."""

    blueprint: Blueprint
    title: str
    version: str
    description: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)  # name: description, in order
    contact: Mapping[str, str] = field(default_factory=dict)
    license: Mapping[str, str] = field(default_factory=dict)
    operations: list[Operation] = field(default_factory=list)
    public: set[str] = field(default_factory=set)  # endpoints open without a token

    def operation(self, method: str, rule: str, *, summary: str, tag: str,
                  answers: Mapping[int, Answer], query: type[BaseModel] | None = None,
                  body: type[BaseModel] | None = None, problems: tuple[int, ...] = (),
                  problem_models: Mapping[int, type[Problem]] | None = None,
                  public: bool = False) -> Callable:
        """Register a view for method and rule, parsing its query and body with the models.

        The view receives the path parameters, then ``query`` and ``body`` as model
        instances when declared. It returns a model (answered with the first status of
        ``answers``), a (model, status) pair or a ready Response. ``problem_models`` names
        the Problem subtype of a status whose problem carries members of its own.
        """
        if tag not in self.tags:
            raise ValueError(f"Tag '{tag}' of {method} {rule} is not among the API's tags; "
                             f"declare it with a description in Api(tags=...).")

        def decorator(view: Callable) -> Callable:
            operation = Operation(
                method=method.upper(), rule=rule, endpoint=view.__name__, summary=summary,
                description=_description(view), tag=tag, query=query, body=body,
                answers=answers,
                problems=_problems_of(problems + tuple(problem_models or ()), body, query,
                                      public, rule),
                public=public, problem_models=dict(problem_models or {}))
            status = next(iter(answers))

            @wraps(view)
            def handle(**path: Any) -> Response:
                _check_ids(path)
                if query is not None:
                    path["query"] = _parse_query(query)
                if body is not None:
                    path["body"] = _parse_body(body)
                return _respond(view(**path), status)

            self.blueprint.add_url_rule(rule, endpoint=view.__name__, view_func=handle,
                                        methods=[operation.method])
            self.operations.append(operation)
            if public:
                self.public.add(view.__name__)
            return handle

        return decorator

    def is_public(self, endpoint: str | None) -> bool:
        """Tell whether the endpoint (as Flask names it) is open without a token."""
        return (endpoint or "").rpartition(".")[2] in self.public

    def document(self) -> dict[str, Any]:
        """Return the OpenAPI 3.1 document of every declared operation."""
        models = _models(self.operations)
        refs, schemas = models_json_schema(
            [(model, mode) for model, mode in models],
            ref_template="#/components/schemas/{model}")
        components = schemas.get("$defs", {})
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            paths.setdefault(self._path(op.rule), {})[op.method.lower()] = \
                self._describe(op, refs, components)
        for op in self.operations:  # query models are parameters, not components
            if op.query is not None:
                components.pop(_name(refs[(op.query, "validation")]), None)
        info = {"title": self.title, "version": self.version, "description": self.description}
        if self.contact:
            info["contact"] = dict(self.contact)
        if self.license:
            info["license"] = dict(self.license)
        return {
            "openapi": "3.1.0",
            "info": info,
            # Relative to where the document is served: every path below is absolute.
            "servers": [{"url": "/", "description": "The server that serves this document."}],
            "tags": [{"name": name, "description": description}
                     for name, description in self.tags.items()],
            "paths": paths,
            "components": {
                "schemas": dict(sorted(components.items())),
                "securitySchemes": {"bearer": {
                    "type": "http", "scheme": "bearer",
                    "description": "A token from `flask users token EMAIL`."}},
            },
            "security": [{"bearer": []}],
        }

    def _path(self, rule: str) -> str:
        prefix = self.blueprint.url_prefix or ""
        return prefix + _CONVERTER.sub(lambda m: "{" + m["name"] + "}", rule)

    def _describe(self, op: Operation, refs: dict, components: dict) -> dict[str, Any]:
        described: dict[str, Any] = {"operationId": op.endpoint, "summary": op.summary,
                                     "tags": [op.tag]}
        if op.description:
            described["description"] = op.description
        parameters = [{"name": name, "in": "path", "required": True,
                       "schema": _path_schema(converter)}
                      for name, converter in op.path_parameters]
        if op.query is not None:
            schema = components[_name(refs[(op.query, "validation")])]
            required = set(schema.get("required", ()))
            for name, prop in schema["properties"].items():
                parameter = {"name": name, "in": "query", "required": name in required,
                             "schema": _parameter_schema(prop)}
                if "description" in prop:
                    parameter["description"] = prop["description"]
                if prop.get("deprecated"):
                    parameter["deprecated"] = True
                parameters.append(parameter)
        if parameters:
            described["parameters"] = parameters
        if op.body is not None:
            described["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": refs[(op.body, "validation")]}}}
        responses: dict[str, Any] = {}
        for status, answer in op.answers.items():
            responses[str(status)] = _answer(status, answer, refs)
        for status in op.problems:
            problem = refs[(op.problem_models.get(status, Problem), "serialization")]
            responses[str(status)] = {"description": HTTPStatus(status).phrase,
                                      "content": {PROBLEM_JSON: {"schema": problem}}}
            if status == 401:
                responses["401"]["headers"] = {"WWW-Authenticate": {
                    "description": "Bearer", "schema": {"type": "string"}}}
            if status == 429:
                responses["429"]["headers"] = {"Retry-After": {
                    "description": "Seconds to wait before trying again",
                    "schema": {"type": "integer"}}}
        described["responses"] = responses
        if op.public:
            described["security"] = []
        return described


def _description(view: Callable) -> str | None:
    paragraphs = (view.__doc__ or "").strip().split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines())
                       for p in paragraphs if p.strip()) or None


def _problems_of(declared: tuple[int, ...], body, query, public: bool, rule: str) -> tuple:
    """Return the problem statuses of an operation: the declared ones and the usual ones."""
    usual = set(declared) | {500}
    if not public:
        usual |= {401, 404, 429}  # 429: too many refused tokens from the caller's address
    if "<" in rule:
        usual.add(404)
    if query is not None:
        usual.add(400)
    if body is not None:
        usual |= {400, 413, 415, 422}
    return tuple(sorted(usual))


def _models(operations: list[Operation]) -> list[tuple[type[BaseModel], str]]:
    models: dict[tuple[type[BaseModel], str], None] = {(Problem, "serialization"): None}
    for op in operations:
        if op.query is not None:
            models[(op.query, "validation")] = None
        if op.body is not None:
            models[(op.body, "validation")] = None
        for answer in op.answers.values():
            if isinstance(answer, type):
                models[(answer, "serialization")] = None
        for model in op.problem_models.values():
            models[(model, "serialization")] = None
    return list(models)


def _name(ref: dict) -> str:
    return ref["$ref"].rpartition("/")[2]


def _path_schema(converter: str) -> dict[str, Any]:
    if converter == "int":
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return {"type": "string"}


def _parameter_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """Return a query parameter's schema: absent is how a query says null."""
    schema = {k: v for k, v in prop.items() if k not in ("description", "title")}
    options = [o for o in schema.pop("anyOf", ()) if o != {"type": "null"}]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options
    if schema.get("default", 0) is None:
        del schema["default"]
    return schema


def _answer(status: int, answer: Answer, refs: dict) -> dict[str, Any]:
    description = HTTPStatus(status).phrase
    if answer is None:
        return {"description": description}
    if isinstance(answer, Binary):
        binary = {"schema": {"type": "string", "format": "binary"}}
        return {"description": f"{answer.description} Sent as {OCTET_STREAM} to a request "
                               f"whose Accept header prefers it.", "content": {
            mimetype: binary for mimetype in (OCTET_STREAM, *answer.mimetypes)}}
    return {"description": description,
            "content": {"application/json": {"schema": refs[(answer, "serialization")]}}}


def _check_ids(path: dict[str, Any]) -> None:
    """Answer 404 for ids no row can have (the database would refuse to compare them)."""
    for value in path.values():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            abort(404)


def _parse_query(model: type[BaseModel]) -> BaseModel:
    arguments = {name: request.args.get(name) for name in request.args}
    try:
        return model.model_validate(arguments)
    except ValidationError as error:
        raise invalid(400, "The query parameters are not valid.", error, "query") from None


def _parse_body(model: type[BaseModel]) -> BaseModel:
    if not request.is_json:
        raise ApiProblem(415, "Send the body as JSON, with Content-Type: application/json.")
    data = request.get_data()
    try:
        return model.model_validate_json(data)
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise ApiProblem(400, "The body is not valid JSON.", errors=[
                FieldProblem(field="", message=e["msg"]) for e in error.errors()]) from None
        if any(not e["loc"] for e in error.errors()):
            raise ApiProblem(400, "The body must be a JSON object.") from None
        raise invalid(422, "The body is not valid.", error, "body") from None


def _respond(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, tuple):
        result, status = result
    if result is None:
        return Response(status=status)
    response = jsonify(result.model_dump(mode="json"))
    response.status_code = status
    return response
