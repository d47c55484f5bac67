"""Editing the draft (problems beside their lines), publishing, closing and reopening."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import InstrumentVersion, StudyVersion
from tests.factories import instrument_yaml, make_staff, sign_in
from tests.survey.studio import audit_actions, edited_yaml, post, study_row, team_study, text

STUDY = "/studio/studies/tiny"
BLAMING = [
    {
        "id": "about",
        "title": "About you",
        "items": [
            {"id": "left", "type": "yes_no", "label": "Why didn't you leave sooner?"},
        ],
    }
]


@pytest.fixture
def researcher(app, client):
    """`client`, signed in as a researcher on the tiny study's team (no draft)."""
    member = make_staff(app, "researcher")
    team_study(app, member.id)
    sign_in(client, member.email, member.password)
    return client


def notes_under_line(page: str, number: int) -> str:
    """Return the notes shown under line `number` of the editor's listing ("" if none)."""
    match = re.search(
        rf'<tr id="line-{number}" class="has-notes">.*?</tr>\s*<tr class="notes-row">(.*?)</tr>',
        page,
        re.S,
    )
    return match.group(1) if match else ""


def line_of(source: str, fragment: str) -> int:
    """Return the 1-based line of `source` that holds `fragment`."""
    return next(n for n, line in enumerate(source.split("\n"), 1) if fragment in line)


def published_source(app) -> str:
    """Return the source of the version respondents of the tiny study get."""
    with app.app_context():
        study = study_row(app, "tiny")
        return db.session.get(InstrumentVersion, study.instrument_version_id).source


def test_the_editor_opens_on_the_published_version_when_there_is_no_draft(app, researcher):
    page = text(researcher.get(f"{STUDY}/edit"))

    assert "You are looking at the published version" in page
    assert "id: contact_kind" in page


def test_saving_keeps_an_invalid_draft_and_shows_the_problem_beside_its_line(app, researcher):
    source = edited_yaml().replace("estimated_minutes: 2", "estimated_minutes: 999")

    saved = post(researcher, f"{STUDY}/edit", {"source": source}, follow_redirects=True)

    page = text(saved)
    assert "Draft saved. It does not load yet" in page
    assert study_row(app, "tiny").draft_source == source
    under = notes_under_line(page, line_of(source, "estimated_minutes"))
    assert "ESTIMATED_MINUTES" in under and "whole number from 1 to 240" in under


def test_a_yaml_syntax_error_is_shown_beside_its_line(app, researcher):
    source = edited_yaml() + "  - id: [broken\n"

    page = text(post(researcher, f"{STUDY}/edit", {"source": source}, follow_redirects=True))

    assert "YAML_SYNTAX" in page
    assert "1 error" in page


def test_a_lint_error_is_shown_beside_its_line_with_its_fix(app, researcher):
    source = edited_yaml(sections=BLAMING)

    page = text(post(researcher, f"{STUDY}/edit", {"source": source}, follow_redirects=True))

    under = notes_under_line(page, line_of(source, "Why didn't you leave"))
    assert "BLAME_WORDING" in under
    assert "Fix:" in under
    assert "The lint found 1 error." in page


def test_windows_line_endings_are_saved_as_plain_newlines(app, researcher):
    post(researcher, f"{STUDY}/edit", {"source": edited_yaml().replace("\n", "\r\n")})

    assert study_row(app, "tiny").draft_source == edited_yaml()


def test_editing_a_published_study_makes_a_draft_and_leaves_the_published_version(app, researcher):
    before = published_source(app)

    post(researcher, f"{STUDY}/edit", {"source": edited_yaml(title="A new title")})

    assert published_source(app) == before
    assert "A new title" in study_row(app, "tiny").draft_source
    assert "A new title" not in text(app.test_client().get("/s/tiny"))


def test_publishing_the_draft_makes_it_what_new_respondents_get(app, researcher):
    post(researcher, f"{STUDY}/edit", {"source": edited_yaml(title="A new title")})

    response = post(researcher, f"{STUDY}/publish")

    assert response.status_code == 303
    assert study_row(app, "tiny").draft_source is None
    assert "A new title" in published_source(app)
    assert "A new title" in text(app.test_client().get("/s/tiny"))
    assert any(action == "study.publish" for action, _ in audit_actions(app))


def test_publishing_records_the_version_and_who_published_it(app, researcher):
    post(researcher, f"{STUDY}/edit", {"source": edited_yaml()})
    post(researcher, f"{STUDY}/publish")

    with app.app_context():
        rows = db.session.scalars(select(StudyVersion).order_by(StudyVersion.id)).all()
    assert len(rows) == 2 and rows[0].published_by is None and rows[1].published_by is not None


def test_publishing_is_refused_while_the_lint_finds_an_error(app, researcher):
    post(researcher, f"{STUDY}/edit", {"source": edited_yaml(sections=BLAMING)})

    response = post(researcher, f"{STUDY}/publish")

    assert response.status_code == 409
    assert "The lint found 1 error." in text(response)
    assert study_row(app, "tiny").draft_source is not None
    assert "Why didn" not in published_source(app)


def test_publishing_is_refused_while_the_draft_does_not_load(app, researcher):
    post(researcher, f"{STUDY}/edit", {"source": "format: heard-instrument/1\n"})

    response = post(researcher, f"{STUDY}/publish")

    assert response.status_code == 409
    assert "that stop it loading" in text(response)


def test_the_overview_explains_why_publishing_is_not_possible(app, researcher):
    post(researcher, f"{STUDY}/edit", {"source": edited_yaml(sections=BLAMING)})

    page = text(researcher.get(STUDY))

    assert "Why you cannot publish yet" in page
    assert "/publish" not in page


def test_there_is_nothing_to_publish_without_a_draft(app, researcher):
    response = post(researcher, f"{STUDY}/publish")

    assert response.status_code == 409
    assert "There is no draft to publish" in text(response)


def test_discarding_the_draft_goes_back_to_the_published_version(app, researcher):
    post(researcher, f"{STUDY}/edit", {"source": edited_yaml(title="Thrown away")})

    response = post(researcher, f"{STUDY}/discard")

    assert response.status_code == 303
    assert study_row(app, "tiny").draft_source is None
    assert "Thrown away" not in text(researcher.get(f"{STUDY}/edit"))


def test_closing_stops_answers_and_reopening_takes_them_again(app, researcher):
    closed = post(researcher, f"{STUDY}/close", follow_redirects=True)

    assert "The study is closed" in text(closed)
    assert app.test_client().get("/s/tiny").status_code == 410
    post(researcher, f"{STUDY}/reopen")
    assert app.test_client().get("/s/tiny").status_code == 200


def test_closing_a_closed_study_says_so_clearly(app, researcher):
    post(researcher, f"{STUDY}/close")

    response = post(researcher, f"{STUDY}/close")

    assert response.status_code == 409
    assert "Only an open study can be closed." in text(response)


def test_reopening_an_open_study_says_so_clearly(app, researcher):
    response = post(researcher, f"{STUDY}/reopen")

    assert response.status_code == 409
    assert "Only a closed study can be reopened" in text(response)


def test_publishing_a_draft_of_a_closed_study_keeps_it_closed(app, researcher):
    post(researcher, f"{STUDY}/close")
    post(researcher, f"{STUDY}/edit", {"source": edited_yaml(title="Ready later")})

    post(researcher, f"{STUDY}/publish")

    assert study_row(app, "tiny").status == "closed"
    assert "Ready later" in published_source(app)


def test_the_first_publication_opens_a_draft_study(app, researcher):
    post(
        researcher,
        "/studio/studies/new",
        {"slug": "police", "source": "library", "library": "police-response"},
    )
    assert app.test_client().get("/s/police").status_code == 404

    post(researcher, "/studio/studies/police/publish")

    assert study_row(app, "police").status == "open"
    assert app.test_client().get("/s/police").status_code == 200


def test_the_overview_shows_counts_under_the_threshold_as_fewer_than(app, researcher):
    page = text(researcher.get(STUDY))

    assert page.count("fewer than 10") == 3
    assert "http://localhost/s/tiny" in page


def test_the_editor_escapes_the_instrument_text(app, researcher):
    source = instrument_yaml(title="<script>alert(1)</script>")

    page = text(post(researcher, f"{STUDY}/edit", {"source": source}, follow_redirects=True))

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
