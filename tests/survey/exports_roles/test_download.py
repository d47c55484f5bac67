"""The studio export page: who may download what, the reason, the audit, CSRF, nothing kept."""

from __future__ import annotations

import tempfile

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import User
from tests.factories import csrf_token, make_staff, sign_in
from tests.survey.exports_roles.helpers import (
    PLANTED,
    SLUG,
    export_events,
    make_documents,
    member,
    respond,
    voices_study,
    zip_members,
)

PAGE = f"/studio/studies/{SLUG}/export"
REASON = "Ethics board asked for an audit of the redaction"


@pytest.fixture
def study_id(app) -> int:
    """The study with two responses, one of them naming someone."""
    study_id = voices_study(app, disclosure_threshold=5)
    respond(app, study_id, {"age": 30, "story": PLANTED})
    respond(app, study_id, {"age": 40, "story": "We slept in the van."})
    make_documents(app, study_id)
    return study_id


def _post(client, **form):
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    return client.post(PAGE, data={"csrf_token": token, "format": "csv", **form})


@pytest.mark.parametrize("role", ["admin", "researcher", "analyst", "data_steward"])
def test_people_who_may_export_get_the_deidentified_zip(app, study_id, role):
    response = _post(member(app, study_id, role))
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert 'filename="voices-deidentified-csv.zip"' in response.headers["Content-Disposition"]
    assert sorted(zip_members(response.data)) == [
        "voices-deidentified.csv",
        "voices-deidentified_codebook.csv",
        "voices-deidentified_codebook.html",
    ]


def test_an_interviewer_gets_404_for_the_page_and_the_download(app, study_id):
    client = member(app, study_id, "interviewer")
    assert client.get(PAGE).status_code == 404
    token = csrf_token(client.get(f"/studio/studies/{SLUG}").get_data(as_text=True))
    assert client.post(PAGE, data={"csrf_token": token, "format": "csv"}).status_code == 404
    assert export_events(app) == []


def test_an_analyst_not_on_the_team_gets_404(app, study_id):
    person = make_staff(app, "analyst")
    client = app.test_client()
    sign_in(client, person.email, person.password)
    assert client.get(PAGE).status_code == 404


@pytest.mark.parametrize("role", ["analyst", "researcher"])
def test_asking_for_the_full_export_without_the_permission_is_404(app, study_id, role):
    client = member(app, study_id, role)
    assert "role-full" not in client.get(PAGE).text
    assert _post(client, role="full", reason=REASON).status_code == 404
    assert export_events(app) == []


def test_a_data_steward_downloads_the_full_export_with_a_reason_that_is_audited(app, study_id):
    client = member(app, study_id, "data_steward")
    assert 'id="role-full"' in client.get(PAGE).text
    response = _post(client, role="full", reason=REASON)
    assert response.status_code == 200
    assert PLANTED in zip_members(response.data)["voices-full.csv"].decode()
    with app.app_context():
        steward = db.session.scalar(select(User.id).where(User.role == "data_steward"))
    assert export_events(app) == [
        (steward, {"format": "csv", "role": "full", "rows": 2, "reason": REASON})
    ]


def test_the_deidentified_export_is_audited_without_a_reason(app, study_id):
    _post(member(app, study_id, "analyst"), format="sav")
    [(actor, detail)] = export_events(app)
    assert actor is not None
    assert detail == {"format": "sav", "role": "deidentified", "rows": 2}


@pytest.mark.parametrize("reason", ["", "   ", "because"])
def test_the_full_export_without_a_real_reason_shows_the_page_again(app, study_id, reason):
    response = _post(member(app, study_id, "data_steward"), role="full", reason=reason)
    assert response.status_code == 400
    assert "Say why you need the full export, in at least 10 characters" in response.text
    assert export_events(app) == []


def test_a_long_reason_is_kept_to_200_characters(app, study_id):
    _post(member(app, study_id, "admin"), role="full", reason="x" * 500)
    [(_, detail)] = export_events(app)
    assert detail["reason"] == "x" * 200


def test_an_unknown_format_shows_the_page_again(app, study_id):
    response = _post(member(app, study_id, "analyst"), format="pdf")
    assert response.status_code == 400
    assert "Choose one of the formats listed." in response.text


def test_exporting_a_study_nobody_completed_says_so(app):
    client = member(app, voices_study(app), "analyst")
    response = _post(client)
    assert response.status_code == 400
    assert "Nobody has completed this study yet" in response.text
    assert export_events(app) == []


def test_the_download_needs_the_form_token(app, study_id):
    client = member(app, study_id, "data_steward")
    response = client.post(PAGE, data={"format": "csv", "role": "full", "reason": REASON})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert export_events(app) == []


def test_no_export_file_is_left_on_disk_after_the_download(app, study_id, tmp_path, monkeypatch):
    folder = tmp_path / "temporary"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    response = _post(member(app, study_id, "analyst"), format="xlsx")
    assert response.status_code == 200 and response.data
    response.close()
    assert list(folder.iterdir()) == []


def test_the_study_pages_link_to_the_export_only_for_people_who_may_export(app, study_id):
    overview = f"/studio/studies/{SLUG}"
    assert PAGE in member(app, study_id, "analyst").get(overview).text
    assert PAGE not in member(app, study_id, "interviewer").get(overview).text
