"""Versions: each response keeps its version; the studio lists versions and what changed."""

from __future__ import annotations

import copy

import pytest
import yaml
from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer, InstrumentVersion, Response
from tests.factories import instrument_yaml, make_staff, sign_in
from tests.survey.journey import Respondent, step_path
from tests.survey.studio import post, team_study, text

STUDY = "/studio/studies/tiny"
OLD_LABEL = "How did you meet the police?"
NEW_LABEL = "How did you first meet the police?"


def second_version() -> str:
    """Return v2 of the tiny instrument: one question reworded, one removed, one added."""
    document = yaml.safe_load(instrument_yaml(version="2"))
    about = document["sections"][0]["items"]
    about[0]["label"] = NEW_LABEL
    del about[1]  # the story
    document["sections"][2]["items"].append(
        {"id": "safe", "type": "yes_no", "label": "Did you feel safe?"}
    )
    return yaml.safe_dump(document, sort_keys=False)


@pytest.fixture
def researcher(app, client):
    """`client`, signed in as researcher@example.org on the tiny study's team."""
    member = make_staff(app, "researcher", email="researcher@example.org")
    team_study(app, member.id)
    sign_in(client, member.email, member.password)
    return client


def publish(researcher, source: str) -> None:
    """Save `source` as the draft and publish it."""
    post(researcher, f"{STUDY}/edit", {"source": source})
    assert post(researcher, f"{STUDY}/publish").status_code == 303


def version_label_of_responses(app) -> list[str]:
    """Return the version label each response points at."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(InstrumentVersion.version_label).join(
                    Response, Response.instrument_version_id == InstrumentVersion.id
                )
            )
        )


def test_someone_who_started_on_v1_still_answers_v1_after_v2_is_published(app, researcher):
    person = Respondent(app.test_client(), "tiny")
    person.begin()
    assert OLD_LABEL in person.html

    publish(researcher, second_version())
    person.get(step_path("tiny", "page/about"))

    assert OLD_LABEL in person.html and NEW_LABEL not in person.html
    person.answer({"contact_kind": "found", "story": "Kept in v1."})
    while "/check" not in person.path:
        person.answer({})
    person.submit()
    assert "Thank you. We have your answers." in person.html
    with app.app_context():
        items = set(db.session.scalars(select(Answer.item_id)))
    assert "story" in items and "safe" not in items
    assert version_label_of_responses(app) == ["1"]


def test_a_new_respondent_gets_the_newest_version(app, researcher):
    publish(researcher, second_version())

    person = Respondent(app.test_client(), "tiny")
    person.begin()

    assert NEW_LABEL in person.html
    assert version_label_of_responses(app) == ["2"]


def test_someone_coming_back_with_a_phrase_keeps_their_version(app, researcher):
    person = Respondent(app.test_client(), "tiny")
    person.begin()
    person.answer({"contact_kind": "called"}, action="save")
    phrase = person.phrase()
    publish(researcher, second_version())

    later = Respondent(app.test_client(), "tiny")
    later.get("/s/tiny/resume")
    later.post(data={"phrase": phrase})

    assert OLD_LABEL in later.html


def test_the_versions_page_lists_each_publication_with_who_published_it(app, researcher):
    publish(researcher, second_version())

    page = text(researcher.get(f"{STUDY}/versions"))

    assert "researcher@example.org" in page
    assert "(what new respondents get)" in page
    assert page.count("<tr><td>") == 2


def test_the_versions_page_shows_what_changed_between_two_versions(app, researcher):
    publish(researcher, second_version())

    page = text(researcher.get(f"{STUDY}/versions?old=1&new=2"))

    assert "From version 1 to version 2" in page
    added = page.split("Questions added")[1].split("</dd>")[0]
    removed = page.split("Questions removed")[1].split("</dd>")[0]
    changed = page.split("Questions changed")[1].split("</dd>")[0]
    assert "safe" in added and "story" in removed
    assert "contact_kind" in changed and "(changed: label)" in changed


def test_the_draft_is_compared_with_the_published_version_by_default(app, researcher):
    post(researcher, f"{STUDY}/edit", {"source": second_version()})

    page = text(researcher.get(f"{STUDY}/versions"))

    assert "From version 1 to the draft" in page
    assert "Questions removed" in page


def test_top_level_and_section_changes_are_listed(app, researcher):
    document = yaml.safe_load(instrument_yaml(version="2", estimated_minutes=5))
    changed = copy.deepcopy(document)
    changed["sections"][1]["title"] = "Difficult things"
    publish(researcher, yaml.safe_dump(changed, sort_keys=False))

    page = text(researcher.get(f"{STUDY}/versions?old=1&new=2"))

    assert "Study-wide fields changed" in page and "estimated_minutes" in page
    assert "Sections changed" in page and "(changed: title)" in page


def test_an_unknown_version_is_a_clear_404(app, researcher):
    response = researcher.get(f"{STUDY}/versions?old=1&new=7")

    assert response.status_code == 404
    assert "There is no such version to compare" in text(response)


def test_two_identical_versions_have_no_differences(app, researcher):
    page = text(researcher.get(f"{STUDY}/versions?old=1&new=1"))

    assert "No differences" in page
