"""Logs as one JSON object a line, each carrying the request or the job it came from.

Every request gets an id: the one a proxy sent in ``X-Request-ID`` when it looks like one,
else a new one. It is returned in the same header, written on every line logged while the
request runs, and handed to any job the request starts, so a job's lines carry it too.
An access line per request names its route, status and time, and the signed-in user by id;
never the query string, a form or a name, which may be a candidate's.

The development server's request lines (werkzeug's logger) go out the same way. Terminal
colour codes, which werkzeug puts in them whatever the output, are taken out of every line
unless it is text for a terminal.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, Response, g, request, session

REQUEST_ID_HEADER = "X-Request-ID"
# An id from outside is kept only if it cannot smuggle anything into a log line.
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
_context: ContextVar[dict[str, object]] = ContextVar("scorecards_log_context", default={})  # noqa: B039 (never mutated)
access_log = logging.getLogger("scorecards.access")
# The loggers whose lines go to standard error in LOG_FORMAT: ours, and the dev server's.
LOGGERS = ("scorecards", "werkzeug")
# A terminal's control sequence (CSI), such as a colour: ESC [ parameters final-letter.
_TERMINAL_CODE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


@contextmanager
def bound(**fields: object) -> Iterator[None]:
    """Add these fields to every line logged inside the block (request_id, job_id...)."""
    token = _context.set({**_context.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


def current(field: str) -> object | None:
    """Return a field bound to the lines logged here now, such as the request id."""
    return _context.get().get(field)


class StandardError(logging.StreamHandler):
    """Write to whatever sys.stderr is when a line is written (a test may have swapped it)."""

    @property
    def stream(self):  # noqa: D102 (the handler's own attribute)
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class PlainText(logging.Filter):
    """Take terminal colour codes out of a record's message, for a file or a log collector."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without colour codes; keep every record."""
        message = record.getMessage()
        if "\x1b" in message:
            record.msg, record.args = _TERMINAL_CODE.sub("", message), None
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as a JSON object: time, level, logger, message and bound fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_context.get(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """Format a record for a person at a terminal, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a line of text, its bound fields after the message."""
        line = super().format(record)
        fields = {**_context.get(), **getattr(record, "fields", {})}
        return line + "".join(f" {key}={value}" for key, value in fields.items())


def init_app(app: Flask) -> None:
    """Send the app's logs to standard error in LOG_FORMAT, and give each request an id."""
    configure(app.config.get("LOG_FORMAT"), app.config.get("LOG_LEVEL", "INFO"))
    app.before_request(_begin)
    app.after_request(_log_access)
    app.teardown_request(_end)


def configure(log_format: str | None, level: str) -> None:
    """Give our loggers and werkzeug's one handler, in JSON or text (None: JSON unless a tty).

    Colour codes stay only in text written to a terminal.
    """
    on_a_terminal = sys.stderr.isatty()
    as_json = log_format == "json" or (log_format is None and not on_a_terminal)
    handler = next((h for h in logging.getLogger("scorecards").handlers
                    if isinstance(h, StandardError)), None) or StandardError()
    handler.setFormatter(JsonFormatter() if as_json else TextFormatter())
    loggers = [logging.getLogger(name) for name in LOGGERS]
    for logger in loggers:
        if handler not in logger.handlers:
            logger.addHandler(handler)
    # On the loggers too, so that a handler werkzeug added itself writes plain text as well.
    for target in (handler, *loggers):
        for plain in [f for f in target.filters if isinstance(f, PlainText)]:
            target.removeFilter(plain)
        if as_json or not on_a_terminal:
            target.addFilter(PlainText())
    logging.getLogger("scorecards").setLevel(level)
    if logging.getLogger("werkzeug").level == logging.NOTSET:
        logging.getLogger("werkzeug").setLevel(logging.INFO)  # its request lines, as it would


def _begin() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _GOOD_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    g.log_context = _context.set({**_context.get(), "request_id": g.request_id})


def _log_access(response: Response) -> Response:
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
        access_log.info("%s %s %s", request.method, _route(), response.status_code, extra={
            "fields": {"method": request.method, "route": _route(), "path": request.path,
                       "status": response.status_code, "duration_ms": round(
                           (time.perf_counter() - g.request_started) * 1000, 1),
                       "user_id": session.get("_user_id", "").partition(".")[0] or None}})
    return response


def _end(_error: BaseException | None) -> None:
    token = g.pop("log_context", None)
    if token is not None:
        try:
            _context.reset(token)
        except ValueError:  # torn down in another context than it began (a streamed reply)
            pass


def _route() -> str:
    """Return the request's route pattern (ids stay out of it), or the path's absence."""
    return request.url_rule.rule if request.url_rule is not None else "(no route)"
