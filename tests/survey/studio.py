"""Helpers for the studio's tests: studies with a team, posts with the session's CSRF token."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from survey.extensions import db, write_transaction
from survey.models import Answer, AuditEvent, Membership, Response, Study, User
from tests.factories import add_study, form_token, instrument_yaml, tiny_instrument


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs: Any) -> TestResponse:
    """POST `data` to `path` with the CSRF token of `client`'s session."""
    return client.post(path, data={"csrf_token": form_token(client), **(data or {})}, **kwargs)


def team_study(
    app: Flask, *members: int, slug: str = "tiny", draft: str | None = None, **fields: Any
) -> int:
    """Create a published study with `members` (account ids) on its team and `draft` as draft."""
    study_id = add_study(app, tiny_instrument(), slug=slug, draft_source=draft, **fields)
    with app.app_context(), write_transaction(db.session):
        for user_id in members:
            db.session.add(Membership(user_id=user_id, study_id=study_id))
    return study_id


def edited_yaml(**overrides: Any) -> str:
    """Return the tiny instrument's YAML with a new version label and `overrides`."""
    return instrument_yaml(version="2", **overrides)


def study_row(app: Flask, slug: str) -> Study | None:
    """Return the study at `slug` (detached), or None."""
    with app.app_context():
        return db.session.scalar(select(Study).where(Study.slug == slug))


def team_emails(app: Flask, slug: str) -> list[str]:
    """Return the email addresses on the team of the study at `slug`, sorted."""
    with app.app_context():
        return sorted(
            db.session.scalars(
                select(User.email)
                .join(Membership, Membership.user_id == User.id)
                .join(Study, Study.id == Membership.study_id)
                .where(Study.slug == slug)
            )
        )


def audit_actions(app: Flask) -> list[tuple[str, str]]:
    """Return every audit event as (action, detail JSON), oldest first."""
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
        )
        return [(action, detail) for action, detail in rows]


def respondent_rows(app: Flask) -> tuple[int, int]:
    """Return how many response and answer rows exist."""
    with app.app_context():
        responses = db.session.scalar(select(func.count()).select_from(Response))
        answers = db.session.scalar(select(func.count()).select_from(Answer))
        return responses, answers


def text(response: TestResponse) -> str:
    """Return a response's body as text."""
    return response.get_data(as_text=True)
