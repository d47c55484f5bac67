"""Every respondent response carries the privacy and security headers."""

from __future__ import annotations

import base64
import hashlib

import lxml.html
import pytest

from survey import create_app
from tests.factories import add_study
from tests.survey.journey import Respondent


@pytest.fixture
def pages(app, client):
    """Responses of every kind of respondent page, keyed by a name."""
    add_study(app)
    person = Respondent(client, "tiny")
    seen = {"landing": person.get("/s/tiny")}
    seen["safety"] = person.post()
    seen["consent"] = person.post()
    seen["question"] = person.post(data={"choice": "agree"})
    seen["error"] = person.answer({"contact_kind": "not-a-choice"})
    seen["resume"] = client.get("/s/tiny/resume")
    seen["withdraw"] = client.get("/s/tiny/withdraw")
    seen["unknown study"] = client.get("/s/nowhere")
    seen["exit"] = client.get("/x")
    return seen


def test_every_page_has_the_headers(pages):
    for name, response in pages.items():
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        for rule in (
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert rule in csp, (name, rule)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, name
        assert headers["Referrer-Policy"] == "no-referrer", name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["Cache-Control"] == "no-store", name


def test_inline_styles_are_exactly_what_the_policy_allows(pages):
    # Respondent pages carry their stylesheet inline (one round trip fewer on a slow
    # network); the browser applies a <style> only if its SHA-256 is in style-src.
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "survey" / "static" / "heard.css").read_text()
    for name, response in pages.items():
        if response.status_code == 303:
            continue
        document = lxml.html.fromstring(response.get_data(as_text=True))
        styles = [element.text or "" for element in document.iter("style")]
        assert styles == [css], (name, "the page should carry heard.css, whole, once")
        assert not document.xpath("//@style"), (name, "style attributes are blocked by the CSP")
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in response.headers["Content-Security-Policy"].split(";")
        )
        allowed = policy["style-src"].split()
        for text in styles:
            digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, name
        assert allowed == ["'self'", f"'sha256-{digest}'"], "one hash: nothing else inline"


def test_status_codes_say_what_happened(pages):
    assert pages["landing"].status_code == 200
    assert pages["error"].status_code == 400
    assert pages["unknown study"].status_code == 404
    assert pages["exit"].status_code == 303


def test_the_session_cookie_is_httponly_and_strict(pages):
    cookie = pages["landing"].headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # development runs over plain HTTP on loopback


def test_production_cookies_are_secure_with_the_host_prefix(tmp_path):
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "HEARD_ENV": "production",
            "HEARD_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    response = app.test_client().get("/x")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
