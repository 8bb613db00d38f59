"""What every request must be before a view sees it: ids the database can hold, storable text.

Checked once here for every page and API route, so no view has to remember: an id beyond the
database's integer range matches no route (a 404), a NUL character or an unpaired surrogate
anywhere in the path, the query or a form is refused with a 400, and a file, which nothing
takes, with a 415. The API's JSON bodies are checked field by field by its schemas, so its
answer (a 422) can name the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import Flask, render_template, request
from werkzeug.routing import IntegerConverter

from .api.errors import Problem, problem_response
from .paging import MAX_ID

MAX_PAGE = 100_000  # far beyond any list's last page; keeps an offset a small number
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_UNSTORABLE_MESSAGE = ("The request holds a NUL character or a broken Unicode character, which "
                       "cannot be stored. Remove it and send the request again.")
_FILES_MESSAGE = "Nothing here takes files. Send the form without the attached file."


def digits_up_to(limit: int) -> str:
    """Return a regular expression for the decimal numbers 0 to limit, without leading zeros."""
    top = str(limit)
    shorter = [r"0", rf"[1-9]\d{{0,{len(top) - 2}}}"] if len(top) > 1 else []
    lowest = [1 if i == 0 and len(top) > 1 else 0 for i in range(len(top))]
    same = [f"{top[:i]}[{lowest[i]}-{int(digit) - 1}]" + rf"\d{{{len(top) - i - 1}}}"
            for i, digit in enumerate(top) if int(digit) > lowest[i]]
    return "(?:" + "|".join([*shorter, *same, top]) + ")"


class IdConverter(IntegerConverter):
    """An int in a URL that fits the database's integer columns; a larger one matches nothing.

    The bound is in the pattern, not only in the conversion: Werkzeug weighs a route's methods
    before converting, so a number refused only there would be a 405 where a route has others.
    """

    regex = digits_up_to(MAX_ID)

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ID, signed: bool = False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Bound every <int:...> in a route to the id range, and refuse unstorable characters."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_check_request)


def page_number(name: str = "page") -> int:
    """Return the page number the query asks for, 1 when it names none or no sensible one."""
    value = request.args.get(name, 1, type=int)
    return min(max(value, 1), MAX_PAGE)


def _check_request():
    # PostgreSQL stores no NUL in text and no encoding holds a lone surrogate; nobody types
    # either, so the request is refused whole rather than failing half-way in the database.
    texts: list[Iterable[str]] = [(request.path,), _pairs(request.args)]
    if request.mimetype in _FORMS:
        texts.append(_pairs(request.form))
    if any(_UNSTORABLE.search(text) for group in texts for text in group):
        return _refuse(400, "Bad Request", _UNSTORABLE_MESSAGE)
    if request.mimetype == "multipart/form-data" and request.files:
        return _refuse(415, "Unsupported Media Type", _FILES_MESSAGE)
    return None


def _refuse(status: int, title: str, message: str):
    if request.blueprint == "api" or request.path.startswith("/api/"):
        return problem_response(Problem(title=title, status=status, detail=message))
    return render_template("errors/error.html", code=status, title=title,
                           message=message), status


def _pairs(values) -> Iterable[str]:
    for key, value in values.items(multi=True):
        yield key
        yield value
