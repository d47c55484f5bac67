"""A study whose instrument is an interview guide: topics, notes, saved as a transcript."""

from __future__ import annotations

from sqlalchemy import select

from instruments import load_library
from survey.extensions import db
from survey.models import CodingCase, CodingDocument, WebSession
from survey.models.coding import TranscriptTurn
from tests.factories import add_study
from tests.survey.interview.helpers import count, interviewer
from tests.survey.studio import post

GUIDE = "/interview/guide-study/guide"


def _guide_study(app) -> int:
    return add_study(app, load_library("police-response-interview"), slug="guide-study")


def test_the_guide_shows_each_topic_with_prompts_follow_ups_and_a_notes_box(app):
    client, _ = interviewer(app, _guide_study(app))

    page = client.get(GUIDE).get_data(as_text=True)

    assert "Can you tell me about the first time you met the police?" in page
    assert "What made you feel more safe, or less safe?" in page
    assert '<label for="note-first_contact">' in page
    assert "This part is about immigration." in page


def test_kept_notes_stay_in_the_session_and_store_nothing(app):
    client, _ = interviewer(app, _guide_study(app))

    post(client, GUIDE, {"action": "keep", "note-first_contact": "<b>Met at a station</b>"})

    page = client.get(GUIDE).get_data(as_text=True)
    assert "&lt;b&gt;Met at a station&lt;/b&gt;" in page
    assert count(app, CodingDocument) == 0


def test_kept_notes_are_sealed_in_the_session_row(app):
    client, _ = interviewer(app, _guide_study(app))

    post(client, GUIDE, {"action": "keep", "note-first_contact": "Zebraquartz at a station"})

    with app.app_context():
        rows = db.session.scalars(select(WebSession.data)).all()
    assert any("hs1:" in row for row in rows)
    assert not any("Zebraquartz" in row for row in rows)
    assert "Zebraquartz at a station" in client.get(GUIDE).get_data(as_text=True)


def test_saving_notes_makes_a_transcript_of_an_anonymous_case_with_a_turn_per_topic(app):
    client, member = interviewer(app, _guide_study(app))
    notes = {"note-first_contact": "Met at a station.", "note-change": "Listen first."}

    response = post(client, GUIDE, {"action": "save", **notes})

    assert response.status_code == 303
    with app.app_context():
        document = db.session.scalars(select(CodingDocument)).one()
        case = db.session.get(CodingCase, document.case_id)
        turns = db.session.scalars(select(TranscriptTurn).order_by(TranscriptTurn.position)).all()
        assert document.kind == "transcript" and document.name.startswith("Interview notes ")
        assert case.response_id is None and member.email not in document.text
        assert [(t.speaker, document.text[t.start : t.end]) for t in turns] == [
            ("The first time you met the police", "Met at a station."),
            ("What should change", "Listen first."),
        ]
    assert "Met at a station" not in client.get(GUIDE).get_data(as_text=True)


def test_saving_without_notes_says_so(app):
    client, _ = interviewer(app, _guide_study(app))

    response = post(client, GUIDE, {"action": "save", "note-first_contact": "  "})

    assert response.status_code == 400
    assert "no notes to save" in response.get_data(as_text=True)


def test_notes_over_the_limit_are_refused_with_a_message(app):
    client, _ = interviewer(app, _guide_study(app))

    response = post(client, GUIDE, {"action": "save", "note-change": "x" * 20_001})

    assert response.status_code == 400
    assert "shorten them" in response.get_data(as_text=True)
    assert count(app, CodingDocument) == 0


def test_a_guide_study_lists_the_guide_and_cannot_start_a_question_interview(app):
    client, _ = interviewer(app, _guide_study(app))

    assert "Open the interview guide" in client.get("/interview/guide-study").get_data(as_text=True)
    assert post(client, "/interview/guide-study/start", {"language": "en"}).status_code == 404


def test_a_survey_study_has_no_guide_page(app):
    client, _ = interviewer(app, add_study(app))

    assert client.get("/interview/tiny/guide").status_code == 404


def test_a_guide_study_has_no_respondent_pages(app, client):
    from instruments import load_library
    from tests.factories import add_study

    add_study(app, load_library("police-response-interview"), slug="guide")

    response = client.get("/s/guide")

    assert response.status_code == 404


def test_the_interview_list_leads_to_adding_a_transcript(app):
    from tests.factories import add_study
    from tests.survey.interview.helpers import interviewer

    add_study(app)
    client, _ = interviewer(app, 1)

    page = client.get("/interview/tiny").get_data(as_text=True)

    assert 'href="/coding/tiny/transcripts/new"' in page
    assert client.get("/coding/tiny/transcripts/new").status_code == 200
