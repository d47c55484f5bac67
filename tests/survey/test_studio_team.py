"""A study's team: researchers add existing staff by email and remove them; all audited."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_staff, sign_in
from tests.survey.studio import audit_actions, post, team_emails, team_study, text

TEAM = "/studio/studies/tiny/team"


@pytest.fixture
def lead(app):
    """The researcher who leads the tiny study (lead@example.org), on its team."""
    member = make_staff(app, "researcher", email="lead@example.org")
    team_study(app, member.id)
    return member


@pytest.fixture
def researcher(app, client, lead):
    """`client`, signed in as the lead."""
    sign_in(client, lead.email, lead.password)
    return client


def test_the_team_page_lists_the_members_with_their_roles(app, researcher):
    page = text(researcher.get(TEAM))

    assert "lead@example.org" in page and "(you)" in page and "researcher" in page


def test_adding_an_existing_account_puts_it_on_the_team_and_is_audited(app, researcher):
    make_staff(app, "analyst", email="analyst@example.org")

    response = post(researcher, TEAM, {"email": " Analyst@Example.org "})

    assert response.status_code == 303
    assert team_emails(app, "tiny") == ["analyst@example.org", "lead@example.org"]
    detail = {"member": "analyst@example.org", "role": "analyst"}
    assert ("study.team.add", json.dumps(detail, sort_keys=True)) in audit_actions(app)


def test_a_new_member_then_sees_the_study(app, researcher):
    analyst = make_staff(app, "analyst", email="analyst@example.org")
    client = app.test_client()
    sign_in(client, analyst.email, analyst.password)
    assert client.get("/studio/studies/tiny").status_code == 404

    post(researcher, TEAM, {"email": analyst.email})

    assert client.get("/studio/studies/tiny").status_code == 200
    assert "A tiny survey" in text(client.get("/studio/"))


@pytest.mark.parametrize(
    ("email", "words"),
    [
        ("nobody@example.org", "There is no active staff account"),
        ("lead@example.org", "on the team already"),
        ("", "There is no active staff account"),
    ],
)
def test_adding_someone_who_cannot_be_added_says_why(app, researcher, email, words):
    response = post(researcher, TEAM, {"email": email})

    assert response.status_code == 400
    assert words in text(response)
    assert team_emails(app, "tiny") == ["lead@example.org"]


def test_removing_a_member_takes_them_off_and_is_audited(app, researcher):
    colleague = make_staff(app, "researcher", email="colleague@example.org")
    post(researcher, TEAM, {"email": colleague.email})

    response = post(researcher, f"{TEAM}/{colleague.public_id}/remove")

    assert response.status_code == 303
    assert team_emails(app, "tiny") == ["lead@example.org"]
    assert any(action == "study.team.remove" for action, _ in audit_actions(app))


def test_the_last_researcher_cannot_be_removed(app, researcher, lead):
    response = post(researcher, f"{TEAM}/{lead.public_id}/remove")

    assert response.status_code == 400
    assert "Someone on the team must be able to manage it" in text(response)
    assert team_emails(app, "tiny") == ["lead@example.org"]


def test_removing_yourself_when_someone_else_leads_takes_you_to_your_studies(app, researcher, lead):
    post(researcher, TEAM, {"email": make_staff(app, "researcher").email})

    response = post(researcher, f"{TEAM}/{lead.public_id}/remove")

    assert response.headers["Location"] == "/studio/"
    assert researcher.get("/studio/studies/tiny").status_code == 404


def test_removing_someone_not_on_the_team_says_so(app, researcher):
    outsider = make_staff(app, "researcher")

    response = post(researcher, f"{TEAM}/{outsider.public_id}/remove")

    assert response.status_code == 400
    assert "not on the team" in text(response)


def test_an_analyst_on_the_team_cannot_change_it(app, researcher, staff):
    analyst = make_staff(app, "analyst", email="analyst@example.org")
    post(researcher, TEAM, {"email": analyst.email})
    client = app.test_client()
    sign_in(client, analyst.email, analyst.password)

    response = post(client, TEAM, {"email": "lead@example.org"})
    removal = post(client, f"{TEAM}/{analyst.public_id}/remove")

    assert response.status_code == removal.status_code == 404
    assert team_emails(app, "tiny") == ["analyst@example.org", "lead@example.org"]
