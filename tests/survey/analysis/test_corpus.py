"""The corpus analysts read: redacted text with placeholders blanked, offsets mapped both ways."""

from __future__ import annotations

from flask import Flask

from survey.extensions import db
from survey.models import Study
from survey.services.analysis import corpus
from tests.survey.coding.helpers import coding_study

NAMED = "My name is Amara and my phone is 07700 900123. They kept my passport."


def _corpus(app: Flask, study_id: int, **filters: object) -> list[corpus.CorpusDocument]:
    with app.app_context():
        return corpus.study_corpus(db.session, db.session.get(Study, study_id), **filters)


def test_a_name_and_a_phone_never_reach_the_analysts_text(app: Flask) -> None:
    (document,) = _corpus(app, coding_study(app, [NAMED]))
    assert "Amara" not in document.text
    assert "07700" not in document.text
    assert "NAME" not in document.text and "[" not in document.text
    assert "They kept my passport." in document.text


def test_blanked_text_keeps_the_renditions_offsets(app: Flask) -> None:
    (document,) = _corpus(app, coding_study(app, [NAMED]))
    assert len(document.text) == len(document.rendition.text)
    at = document.text.index("passport")
    raw = document.to_raw(at, at + len("passport"))
    assert NAMED[raw[0] : raw[1]] == "passport"
    assert document.from_raw(*raw) == (at, at + len("passport"))


def test_each_document_carries_its_case_attributes_and_language(app: Flask) -> None:
    (document,) = _corpus(app, coding_study(app, ["We were paid nothing."]))
    assert document.attributes["arrested"] == "No"
    assert document.language == "en"
    assert document.item_id == "story" and document.kind == "answer"
    assert document.turns == ()


def test_a_question_filter_keeps_only_its_answers(app: Flask) -> None:
    study_id = coding_study(app, ["First answer here.", "Second answer here."])
    assert len(_corpus(app, study_id, item_id="story")) == 2
    assert _corpus(app, study_id, item_id="nothing") == []


def test_closed_items_are_the_questions_that_are_not_free_text(app: Flask) -> None:
    study_id = coding_study(app, ["An answer."])
    with app.app_context():
        items = dict(corpus.closed_items(db.session.get(Study, study_id)))
    assert "arrested" in items and "story" not in items
