"""Helpers for the interview tests: interviewers on a study's team, starting an interview."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.extensions import db, write_transaction
from survey.models import Membership
from tests.factories import StaffMember, make_staff, sign_in
from tests.survey.studio import post


def interviewer(
    app: Flask, study_id: int, role: str = "interviewer"
) -> tuple[FlaskClient, StaffMember]:
    """Return a signed-in client of a new account with `role`, on the study's team."""
    member = make_staff(app, role)
    if role != "admin":
        with app.app_context(), write_transaction(db.session):
            db.session.add(Membership(user_id=member.id, study_id=study_id))
    client = app.test_client()
    sign_in(client, member.email, member.password)
    return client, member


def start(client: FlaskClient, slug: str, language: str = "en", second: str = "") -> str:
    """Start an interview on `slug`; return the response id from the consent page's address."""
    response = post(
        client, f"/interview/{slug}/start", {"language": language, "second_language": second}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert location.endswith("/consent")
    return location.split("/")[-2]


def count(app: Flask, model) -> int:
    """Return how many rows `model` has."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))
