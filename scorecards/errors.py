"""Error pages: every failure answers with a page that says what went wrong, never a traceback."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc
from werkzeug.exceptions import HTTPException, default_exceptions

from .api.errors import Problem, problem_response
from .auth.views import posted_to_text_keeper, rescue_text, wants_json
from .core.errors import Conflict, DomainError, Forbidden, Invalid, NotVisible, kind_of
from .extensions import db
from .languages import N_

RETRY_AFTER_SECONDS = 10
# What SQLAlchemy raises when the database cannot be reached or answer in time (a server down
# or restarting, a connection cut, the pool exhausted, SQLite's file locked or missing).
UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError, exc.TimeoutError)


def init_app(app: Flask) -> None:
    """Render HTTP errors, CSRF failures and crashes with the error template.

    Flask logs an unhandled exception with its traceback and hands this handler a 500. A
    database that cannot be reached is a 503 instead, answered without touching the database.
    """
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    for error in UNAVAILABLE:
        app.register_error_handler(error, _database_unavailable)


def _http_error(error: HTTPException):
    response = error.get_response()
    # A description given where the error was raised says more than the generic one.
    custom = error.description != type(error).description
    message = error.description if custom else _MESSAGES.get(error.code, error.description)
    if (error.code or 500) >= 500:
        _discard_transaction()
    try:
        # Translated here, inside the try: choosing the language may read the signed-in user.
        body = render_template("errors/error.html", code=error.code,
                               title=_(_TITLES.get(error.code, error.name)), message=_(message))
    except exc.SQLAlchemyError:
        # The page's header names the signed-in user; without a database, leave it out.
        _discard_transaction()
        body = _standalone(error.code, error.name, message)
    response.set_data(body)
    response.content_type = "text/html; charset=utf-8"
    return response


# The status of a page that answers what a service refused.
_DOMAIN_STATUS = {NotVisible: 404, Forbidden: 403, Conflict: 409, Invalid: 400, DomainError: 400}


def _domain_error(error: DomainError):
    status = _DOMAIN_STATUS[kind_of(error)]
    # What is not the user's to see looks exactly like what does not exist.
    description = None if status == 404 else error.message or None
    return _http_error(default_exceptions[status](description=description))


def _database_unavailable(error: Exception):
    current_app.logger.warning("Answered 503, the database is unavailable: %s", error)
    _discard_transaction()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.blueprint == "api" or request.path.startswith("/api/") or wants_json():
        return problem_response(Problem(title="Service Unavailable", status=503,
                                        detail=_MESSAGES[503]), headers)
    return _standalone(503, "Service Unavailable", _MESSAGES[503]), 503, headers


def _standalone(code: int | None, title: str, message: str) -> str:
    # Straight from the environment: context processors would load the signed-in user.
    template = current_app.jinja_env.get_template("errors/standalone.html")
    return template.render(code=code, title=title, message=message, request=request)


def _discard_transaction() -> None:
    # A failed statement leaves the session unusable until rolled back; a dead connection may
    # fail the rollback too, and then there is nothing left to keep.
    try:
        db.session.rollback()
    except exc.SQLAlchemyError:
        db.session.close()


def _csrf_error(error: CSRFError):
    if wants_json():
        return jsonify(error="The form expired. Reload the page to save again; "
                             "your text is still on it."), 400
    if posted_to_text_keeper():
        return rescue_text(expired_form=True)
    message = _("This form expired or was sent from somewhere else. Go back, reload the page "
                "and send it again; your text is still in the form you came from.")
    return render_template("errors/error.html", code=400, title=_("Form expired"),
                           message=message), 400


_MESSAGES = {
    400: N_("The request could not be understood. Check what you sent and try again."),
    403: N_("You are not allowed to do that."),
    404: N_("There is nothing here. The address may be mistyped, or the page is not yours to "
            "see."),
    405: N_("This address does not accept that kind of request."),
    413: N_("What you sent is too large."),
    500: N_("Something went wrong on our side. It has been logged; please try again."),
    503: N_("The service is unavailable for a moment: its database does not answer. Try again in "
          "a few seconds; if you were sending a form, your text is still in the page you came "
          "from."),
}
# The titles of the error pages people most often meet, translated where shown.
_TITLES = {
    400: N_("Bad Request"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    409: N_("Conflict"),
    413: N_("Request Entity Too Large"),
    429: N_("Too Many Requests"),
    500: N_("Internal Server Error"),
}
