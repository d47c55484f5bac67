"""Each study's retention date: set and checked in the settings, shown on the overview."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from survey.extensions import db, write_transaction
from survey.models import Study
from survey.models.studies import today
from survey.services import retention
from tests.factories import make_staff, sign_in
from tests.survey.studio import audit_actions, post, study_row, team_study, text
from tests.survey.test_studio_settings import SETTINGS, VALID

OVERVIEW = "/studio/studies/tiny"
DAY = dt.timedelta(days=1)


@pytest.fixture
def researcher(app, client):
    """`client`, signed in as a researcher on the tiny study's team."""
    member = make_staff(app, "researcher")
    team_study(app, member.id)
    sign_in(client, member.email, member.password)
    return client


def _set(app, **fields) -> None:
    with app.app_context(), write_transaction(db.session):
        study = db.session.query(Study).filter_by(slug="tiny").one()
        for name, value in fields.items():
            setattr(study, name, value)


def save(client, **changes):
    """Post the settings form: the valid values with `changes`."""
    return post(client, SETTINGS, {**VALID, **changes})


def test_a_retention_date_is_saved_and_audited_with_its_value(app, researcher):
    day = today() + dt.timedelta(days=400)

    response = save(researcher, retain_until=day.isoformat())

    assert response.status_code == 303
    assert study_row(app, "tiny").retain_until == day
    events = [json.loads(d) for a, d in audit_actions(app) if a == "study.settings"]
    assert {"setting": "retain_until", "value": day.isoformat()} in events


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ((today() - DAY).isoformat(), "The retention date cannot be in the past"),
        ("2025-02-30", "Enter a date as year-month-day"),
        ("next year", "Enter a date as year-month-day"),
    ],
)
def test_a_retention_date_that_is_not_a_real_future_date_is_refused(
    app, researcher, value, message
):
    response = save(researcher, retain_until=value)

    assert response.status_code == 400
    assert message in text(response)
    assert study_row(app, "tiny").retain_until is None


def test_a_retention_date_before_the_closing_date_is_refused(app, researcher):
    closes = today() + dt.timedelta(days=30)

    response = save(
        researcher, closes_on=closes.isoformat(), retain_until=(closes - DAY).isoformat()
    )

    assert response.status_code == 400
    assert "must be on or after the closing date" in text(response)


def test_a_past_retention_date_left_as_it_was_does_not_block_other_changes(app, researcher):
    yesterday = today() - DAY
    _set(app, retain_until=yesterday)

    response = save(researcher, title="Renamed", retain_until=yesterday.isoformat())

    assert response.status_code == 303
    assert study_row(app, "tiny").title == "Renamed"


def test_the_overview_shows_the_closing_date_plus_the_retention_period(app, researcher):
    closes = today() + dt.timedelta(days=10)
    _set(app, closes_on=closes, retention_days=365)

    page = text(researcher.get(OVERVIEW))

    expected = closes + dt.timedelta(days=365)
    assert f"Kept until <strong>{expected.isoformat()}</strong>" in page
    assert "the closing date plus 365 days" in page


def test_a_set_retention_date_wins_over_the_closing_date(app, researcher):
    day = today() + dt.timedelta(days=100)
    _set(app, closes_on=today(), retain_until=day)

    page = text(researcher.get(OVERVIEW))

    assert f"Kept until <strong>{day.isoformat()}</strong> (the date set in the settings)" in page


def test_without_a_closing_date_the_pages_say_plainly_there_is_no_retention_date(app, researcher):
    overview = text(researcher.get(OVERVIEW))
    settings = text(researcher.get(SETTINGS))

    for page in (overview, settings):
        assert "No retention date yet, because the study has no closing date" in page
    assert "deletes the study’s responses and everything made from them" in settings


def test_a_purged_study_says_so_and_cannot_be_reopened(app, researcher):
    _set(app, status="closed", purged_on=today() - DAY)

    page = text(researcher.get(OVERVIEW))
    refused = post(researcher, f"{OVERVIEW}/reopen")

    assert f"Deleted on {(today() - DAY).isoformat()}" in page
    assert "Reopen the study" not in page
    assert refused.status_code == 409
    assert study_row(app, "tiny").status == "closed"


@pytest.mark.parametrize(("days_ago", "due"), [(0, False), (1, True)])
def test_a_study_is_purged_only_once_its_retention_date_has_passed(app, days_ago, due):
    team_study(app)
    _set(app, retain_until=today() - dt.timedelta(days=days_ago))

    with app.app_context():
        found = [s.slug for s in retention.due_studies(db.session)]

    assert found == (["tiny"] if due else [])


def test_the_purge_command_with_nothing_due_deletes_no_study_data(app, runner):
    team_study(app)

    result = runner.invoke(args=["purge"])

    assert result.exit_code == 0
    assert "No study is past its retention date" in result.output
    assert study_row(app, "tiny").purged_on is None
