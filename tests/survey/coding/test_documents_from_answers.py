"""A submitted response becomes an anonymous case with one document per free-text answer."""

from __future__ import annotations

import json
import unicodedata

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import CodingCase, CodingDocument, CodingLogEntry, Segment, Study, User
from survey.services.coding import documents, segments
from tests.factories import add_study, make_staff
from tests.survey.coding.helpers import add_code, coding_study, respond, sync
from tests.survey.journey import Respondent
from tests.survey.test_journey import EVERYTHING, answer_everything


@pytest.fixture
def person(app, client) -> Respondent:
    """Someone on the first question page of the tiny study."""
    add_study(app)
    respondent = Respondent(client, "tiny")
    respondent.begin()
    return respondent


def _documents(app) -> list[CodingDocument]:
    with app.app_context():
        return list(db.session.scalars(select(CodingDocument)))


def test_submitting_makes_a_case_and_a_document_of_the_free_text_answer(app, person):
    answer_everything(person)
    person.submit()

    [document] = _documents(app)
    assert document.item_id == "story"
    assert document.text == dict(EVERYTHING)["page/about"]["story"]
    assert document.length == len(document.text)
    with app.app_context():
        case = db.session.get(CodingCase, document.case_id)
        attributes = json.loads(case.attributes_json)
    assert attributes["contact_kind"] == "They found me"
    assert attributes["charged"] == "dont_know"
    assert attributes["help"] == "A place to stay; A lawyer"
    assert "story" not in attributes


def test_a_response_saved_for_later_has_no_document_until_it_is_submitted(app, person):
    person.answer({"contact_kind": "found", "story": "Words not sent yet."})
    assert _documents(app) == []


def test_document_text_is_nfc_with_newline_line_endings(app):
    study_id = add_study(app)
    decomposed = "Cafe\u0301 one\r\ntwo\rthree"
    respond(app, study_id, decomposed)
    sync(app, study_id)

    [document] = _documents(app)
    assert document.text == "Café one\ntwo\nthree"
    assert unicodedata.is_normalized("NFC", document.text)
    assert document.length == 18


@pytest.mark.parametrize("story", [None, "", "   \n  "])
def test_an_empty_or_skipped_answer_is_no_document(app, story):
    study_id = add_study(app)
    respond(app, study_id, story)
    sync(app, study_id)
    assert _documents(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CodingCase)) == 1


def test_sync_makes_documents_once_however_often_it_runs(app):
    study_id = coding_study(app)
    with app.app_context():
        study = db.session.get(Study, study_id)
        assert documents.sync_documents(db.session, study) == 0
    assert len(_documents(app)) == 4


def test_case_ids_are_random_guids_not_row_numbers(app):
    coding_study(app)
    with app.app_context():
        ids = list(db.session.scalars(select(CodingCase.public_id)))
    assert len(set(ids)) == 4
    assert all(len(guid) == 36 and guid.count("-") == 4 for guid in ids)


def test_withdrawing_a_response_deletes_its_documents_and_their_codings(app, person):
    answer_everything(person)
    person.submit()
    phrase = person.phrase()
    [document] = _documents(app)
    code = add_code(app, document.study_id, "Kindness")
    member = make_staff(app, "admin")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == member.email))
        study = db.session.get(Study, document.study_id)
        segments.apply_codes(
            db.session, user, study, [segments.Target(document.public_id, 0, 4)], [code]
        )
        assert db.session.scalar(select(func.count()).select_from(Segment)) == 1

    other = Respondent(app.test_client(), "tiny")
    other.get("/s/tiny/withdraw")
    other.post(data={"phrase": phrase, "confirm": "yes"})

    assert "Your answers are deleted" in other.html
    with app.app_context():
        for model in (CodingCase, CodingDocument, Segment):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_withdrawal_blanks_memos_the_coding_log_kept_for_undo(app, person):
    answer_everything(person)
    person.submit()
    phrase = person.phrase()
    [document] = _documents(app)
    code = add_code(app, document.study_id, "Kindness")
    member = make_staff(app, "admin")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == member.email))
        study = db.session.get(Study, document.study_id)
        target = segments.Target(document.public_id, 0, 4)
        segments.apply_codes(db.session, user, study, [target], [code], memo="They were kind")

    other = Respondent(app.test_client(), "tiny")
    other.get("/s/tiny/withdraw")
    other.post(data={"phrase": phrase, "confirm": "yes"})

    with app.app_context():
        payloads = list(db.session.scalars(select(CodingLogEntry.payload)))
    assert payloads and all("They were kind" not in payload for payload in payloads)
