"""Error pages: every failure answers with a page that says what went wrong, never a traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .auth.views import posted_to_text_keeper, rescue_text, wants_json


def init_app(app: Flask) -> None:
    """Render HTTP errors, CSRF failures and crashes with the error template.

    Flask logs an unhandled exception with its traceback and hands this handler a 500.
    """
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


def _http_error(error: HTTPException):
    response = error.get_response()
    # A description given where the error was raised says more than the generic one.
    custom = error.description != type(error).description
    message = error.description if custom else _MESSAGES.get(error.code, error.description)
    body = render_template("errors/error.html", code=error.code, title=error.name,
                           message=message)
    response.set_data(body)
    response.content_type = "text/html; charset=utf-8"
    return response


def _csrf_error(error: CSRFError):
    if wants_json():
        return jsonify(error="The form expired. Reload the page to save again; "
                             "your text is still on it."), 400
    if posted_to_text_keeper():
        return rescue_text(expired_form=True)
    message = ("This form expired or was sent from somewhere else. Go back, reload the page "
               "and send it again; your text is still in the form you came from.")
    return render_template("errors/error.html", code=400, title="Form expired",
                           message=message), 400


_MESSAGES = {
    400: "The request could not be understood. Check what you sent and try again.",
    403: "You are not allowed to do that.",
    404: "There is nothing here. The address may be mistyped, or the page is not yours to see.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is too large.",
    500: "Something went wrong on our side. It has been logged; please try again.",
}
