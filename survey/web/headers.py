"""Security and privacy headers on every response, and the respondent pages' inline stylesheet.

Respondent pages carry their stylesheet (static/heard.css) in a `<style>`
element instead of a link: on a slow phone network (1,125 ms a round trip) the
link costs a second round trip before anything shows (bench/slow_network.py).
The CSP allows exactly that text by its SHA-256 hash, never `unsafe-inline`.
Staff pages link it (cached across pages).
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request
from markupsafe import Markup

RESPONDENT_CSS = Path(__file__).resolve().parents[1] / "static" / "heard.css"


def style_hash(text: str) -> str:
    """Return the CSP source (`'sha256-…'`) that allows a `<style>` element holding `text`."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


INLINE_CSS = RESPONDENT_CSS.read_text(encoding="utf-8")
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' {style_hash(INLINE_CSS)}",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def add_security_headers(response: Response) -> Response:
    """Set CSP, no-referrer, nosniff and no-store (static files may be cached)."""
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["X-Frame-Options"] = "DENY"
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    if current_app.config.get("HEARD_ENV") == "production":
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response


def init_headers(app: Flask) -> None:
    """Register the header hook on `app`, and give templates the inline stylesheet."""
    app.after_request(add_security_headers)
    # Reviewed (bandit B704, semgrep): our own static file, read once at start, no
    # user data; its exact text is what the CSP hash allows, so it must not be escaped.
    # nosemgrep: heard-markup-non-literal
    app.jinja_env.globals["inline_css"] = Markup(INLINE_CSS)  # noqa: S704  # nosec B704
