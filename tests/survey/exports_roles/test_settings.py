"""Export settings: every bad value gets a message naming its item; saving is audited by name."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Study
from survey.services.exports.settings import (
    ExportSettingsInvalid,
    check_settings,
    load_settings,
)
from survey.services.studies import instrument_of
from tests.factories import csrf_token
from tests.survey.exports_roles.helpers import SLUG, member, voices_study

PAGE = f"/studio/studies/{SLUG}/export/settings"


def _check(app, study_id: int, quasi: dict, free_text: str = "redacted") -> dict[str, str]:
    with app.app_context():
        instrument = instrument_of(db.session.get(Study, study_id).instrument_version)
        with pytest.raises(ExportSettingsInvalid) as refused:
            check_settings({"free_text": free_text, "quasi_identifiers": quasi}, instrument)
        return refused.value.errors


@pytest.mark.parametrize(
    ("quasi", "field", "words"),
    [
        ({"nonsense": {"how": "keep"}}, "qi__nonsense", "no such item"),
        ({"story": {"how": "keep"}}, "qi__story", "no such item"),
        ({"age": {"how": "bands", "bands": [18, 35, 25]}}, "qi__age", "must go up"),
        ({"age": {"how": "bands", "bands": [18, "old"]}}, "qi__age", "must be numbers"),
        ({"age": {"how": "bands", "bands": [18.5]}}, "qi__age", "whole numbers"),
        ({"age": {"how": "bands", "bands": []}}, "qi__age", "band edges"),
        ({"country": {"how": "groups", "groups": {"xx": "Asia"}}}, "qi__country", "'xx'"),
        ({"country": {"how": "groups", "groups": {"uk": " "}}}, "qi__country", "no name"),
        ({"country": {"how": "bands", "bands": [1]}}, "qi__country", "choose one of"),
        ({"arrived": {"how": "month"}}, "qi__arrived", "choose one of"),
    ],
)
def test_a_bad_setting_gets_a_message_naming_its_item(app, quasi, field, words):
    errors = _check(app, voices_study(app), quasi)
    name = field.removeprefix("qi__")
    assert list(errors) == [field]
    assert errors[field].startswith(f"{name}: ")
    assert words in errors[field]


def test_an_unknown_free_text_choice_is_refused(app):
    errors = _check(app, voices_study(app), {}, free_text="raw")
    assert errors == {"free_text": "free_text: choose redacted or withheld."}


def test_every_bad_setting_is_reported_at_once(app):
    quasi = {"age": {"how": "bands", "bands": [2, 1]}, "country": {"how": "year"}}
    assert set(_check(app, voices_study(app), quasi)) == {"qi__age", "qi__country"}


def _post(client, form: dict):
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    return client.post(PAGE, data={"csrf_token": token, **form})


def test_the_settings_page_saves_and_audits_each_change_by_name(app):
    study_id = voices_study(app)
    client = member(app, study_id, "data_steward")
    form = {
        "free_text": "withheld",
        "qi__age": "bands",
        "detail__age": "18, 25, 35",
        "qi__country": "groups",
        "detail__country": "uk = Europe; ng = Africa",
    }
    assert _post(client, form).status_code == 303
    with app.app_context():
        settings = load_settings(db.session.get(Study, study_id))
        events = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "study.export_settings")
        ).all()
    assert settings.free_text == "withheld"
    assert settings.quasi["age"].bands == (18, 25, 35)
    assert settings.quasi["country"].groups == {"uk": "Europe", "ng": "Africa"}
    assert sorted(json.loads(e)["setting"] for e in events) == ["age", "country", "free_text"]
    assert all("Europe" not in e for e in events)


def test_the_settings_page_shows_bad_bands_again_with_a_message(app):
    client = member(app, voices_study(app), "researcher")
    response = _post(client, {"qi__age": "bands", "detail__age": "18, twenty"})
    assert response.status_code == 400
    assert "age: band edges must be numbers, and &#39;twenty&#39; is not one." in response.text
    assert 'value="18, twenty"' in response.text


@pytest.mark.parametrize("role", ["analyst", "interviewer"])
def test_people_who_may_not_change_the_settings_get_404(app, role):
    client = member(app, voices_study(app), role)
    assert client.get(PAGE).status_code == 404
