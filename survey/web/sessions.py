"""Flask sessions kept on the server, so ending one (quick exit) is certain.

The cookie carries only a random token. Sessions are written only when their
content changes, and an emptied session is deleted on the server.
"""

from __future__ import annotations

import secrets

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from survey.extensions import db
from survey.services import web_sessions


class ServerSession(CallbackDict, SessionMixin):
    """Session data plus the token it is stored under."""

    def __init__(self, initial: dict | None = None, token: str | None = None) -> None:
        def on_update(self: ServerSession) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.token = token
        self.previous_token: str | None = None
        # The cookie's token even when it named no live session (say, an expired one).
        self.presented_token: str | None = token
        self.modified = False

    def rotate(self) -> None:
        """Move the data to a new token (after login), so an old cookie is worth nothing."""
        if self.token:
            self.previous_token = self.token
        self.token = None
        self.modified = True

    def end(self) -> None:
        """Forget everything; the server copy is deleted when the response is sent."""
        self.clear()
        self.modified = True


class ServerSessionInterface(SessionInterface):
    """Keep session data in the database, keyed by the hash of the cookie's token."""

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        """Load the session named by the request's cookie, or start an empty one."""
        token = request.cookies.get(self.get_cookie_name(app))
        if token and len(token) <= 100:
            data = web_sessions.load_session(db.session, token)
            if data is not None:
                return ServerSession(data, token)
            fresh = ServerSession()
            fresh.presented_token = token  # so ending it (quick exit) deletes an expired row
            return fresh
        return ServerSession()

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        """Store a changed session and set its cookie; delete an emptied one."""
        name = self.get_cookie_name(app)
        options = {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "httponly": True,
            "samesite": self.get_cookie_samesite(app),
        }
        if session.previous_token:
            web_sessions.end_session(db.session, session.previous_token)
            session.previous_token = None
        if not session.modified:
            return
        if not session:
            ended = session.token or session.presented_token
            if ended:
                web_sessions.end_session(db.session, ended)
                response.delete_cookie(name, **options)
            return
        token = session.token or secrets.token_urlsafe(32)
        idle_days = app.config["HEARD_SESSION_IDLE_DAYS"]
        web_sessions.save_session(db.session, token, dict(session), idle_days=idle_days)
        response.vary.add("Cookie")
        response.set_cookie(name, token, **options)
