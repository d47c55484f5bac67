"""Kind pages for every error: never a traceback, always a way to get help."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, current_app, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from survey.extensions import db
from survey.sealing import SealingError
from survey.services.errors import (
    AlreadySubmitted,
    ResponseNotFound,
    ResumeNotOffered,
    StudyClosed,
    StudyNotFound,
)
from survey.services.messages import N_, Message
from survey.web.respond.context import render

log = logging.getLogger(__name__)
STAFF_BLUEPRINTS = ("auth", "studio", "coding", "analysis", "interview")

MESSAGES = {
    400: (N_("Something in that page was not right"), N_("Please go back and try again.")),
    403: (N_("You cannot see this page"), N_("You do not have permission to see this page.")),
    404: (N_("Page not found"), N_("Check the web address, or start again from the study’s link.")),
    405: (N_("That did not work"), N_("Please go back and try again.")),
    410: (
        N_("This study is closed"),
        N_("It is no longer taking answers. Thank you for your interest."),
    ),
    413: (
        N_("That was too much to send at once"),
        N_("Please make your answer shorter and try again."),
    ),
    429: (N_("Too many tries"), N_("Please wait a few minutes and try again.")),
    500: (
        N_("Sorry, something went wrong"),
        N_("Your earlier answers are safe. Please try again later."),
    ),
}


def _page(status: int, title: Message | None = None, body: Message | None = None):
    default_title, default_body = MESSAGES.get(status, MESSAGES[400])
    return render(
        "error.html", None, status=status, title=title or default_title, body=body or default_body
    )


SERVICE_PAGES: dict[type[Exception], tuple[int, Message | None, Message | None]] = {
    StudyNotFound: (404, N_("Study not found"), N_("Check the web address you were given.")),
    StudyClosed: (410, None, None),
    ResumeNotOffered: (
        404,
        N_("Saving is not offered"),
        N_("This study does not offer saving and coming back."),
    ),
    ResponseNotFound: (
        409,
        N_("Your session has ended"),
        N_(
            "If you saved your answers, use your phrase to carry on. Otherwise, start again "
            "from the study’s link."
        ),
    ),
    AlreadySubmitted: (
        200,
        N_("Your answers were already sent"),
        N_("Thank you. Your answers were received once and are kept once."),
    ),
}
"""The page each service error becomes: status, title and body (None: the status's default)."""


def _http_error(error: HTTPException):
    if error.code == 413 and request.blueprint in STAFF_BLUEPRINTS:
        limit = current_app.config["HEARD_UPLOAD_MAX_BYTES"] / 1_048_576
        return _page(
            413,
            N_("That file is too large"),
            N_("Upload a file of at most %(size)s MB.", size=format(limit, "g")),
        )
    return _page(error.code or 500)


def _csrf_error(error: CSRFError):
    if request.blueprint in STAFF_BLUEPRINTS:
        return _page(
            400, N_("This page has expired"), N_("Go back, reload the page and try again.")
        )
    return _page(
        400,
        N_("This page has expired"),
        N_("Your answers on earlier pages are kept. Go back to the study’s link to carry on."),
    )


def _service_error(error: Exception):
    status, title, body = SERVICE_PAGES[type(error)]
    return _page(status, title, body)


def _sealing_error(error: SealingError):
    # The message names key ids, never content: the operator needs it to fix the key.
    log.error("Sealed text cannot be opened on %s: %s", request.url_rule, error)
    if request.blueprint in STAFF_BLUEPRINTS:
        return _page(
            503,
            N_("The study's data cannot be opened"),
            N_(
                "The data key is missing or wrong, so nothing was shown. An administrator must "
                "set HEARD_DATA_KEY or restore the instance key file (run: heard keys status)."
            ),
        )
    return _page(503, *MESSAGES[500])


def _refuse_nul():
    """Refuse a NUL character in the path or the query string before any view runs.

    No id, slug or query value holds one, and PostgreSQL refuses it in text, so
    such a request names nothing (404) or is not a link a page made (400).
    Typed form text is left to the forms, which keep it sealed or remove
    control characters (a pasted NUL must not cost a person what they wrote).
    """
    if "\x00" in request.path:
        return _page(404)
    if any("\x00" in name or "\x00" in value for name, value in request.args.items(multi=True)):
        return _page(400)
    return None


def _data_error(error: DataError):
    # A backstop for NUL that `_refuse_nul` does not look at (an id in a form or a JSON
    # body): PostgreSQL refuses it in text, and an id with NUL in it names nothing.
    if "NUL" in str(error.orig):
        db.session.rollback()
        return _page(404 if "\x00" in request.path else 400)
    return _unexpected(error)


def _unexpected(error: Exception):
    # The type and the frames only: an exception's message can quote what was answered.
    log.error(
        "Unexpected %s on %s %s\n%s",
        type(error).__name__,
        request.method,
        request.url_rule,
        "".join(traceback.format_tb(error.__traceback__)),
    )
    return _page(500)


def register_error_pages(app: Flask) -> None:
    """Turn HTTP errors and service errors into kind pages with support details."""
    app.before_request(_refuse_nul)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    for exception in SERVICE_PAGES:
        app.register_error_handler(exception, _service_error)
    app.register_error_handler(SealingError, _sealing_error)
    app.register_error_handler(DataError, _data_error)
    app.register_error_handler(Exception, _unexpected)
