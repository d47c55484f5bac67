"""Withdrawing an interviewed response deletes its transcripts, turns, codings and memos."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import (
    CodingDocument,
    CodingLogEntry,
    Memo,
    Segment,
    Study,
    TranscriptTurn,
    User,
)
from survey.services.coding import documents, memos, segments
from tests.survey.coding.helpers import SLUG, add_code, coder, coding_study
from tests.survey.coding.transcript_files import TXT, add_transcript, interviewed, stored
from tests.survey.journey import Respondent

PHRASE = "apple river candle mountain violet"


@pytest.fixture
def study_id(app) -> int:
    """The tiny study, with four completed answers."""
    return coding_study(app)


@pytest.fixture
def lead(app, study_id):
    """A researcher on the study's team."""
    return coder(app, study_id, role="researcher")


def _code_and_memo(app, study_id: int, user_id: int, guid: str) -> None:
    """Code the transcript's second turn (with a memo quoting it) and write a document memo."""
    code = add_code(app, study_id, "Travel")
    turn = next(t for t in stored(app) if t.guid == guid).turns[1]
    with app.app_context():
        study = db.session.get(Study, study_id)
        user = db.session.get(User, user_id)
        target = segments.Target(guid, turn[1], turn[2])
        segments.apply_codes(db.session, user, study, [target], [code], memo="By lorry")
        memos.save_memo(db.session, user, study, "document", guid, "Long journey")


def _row_id(app, guid: str) -> int:
    with app.app_context():
        return db.session.scalar(select(CodingDocument.id).where(CodingDocument.public_id == guid))


def _left(app, document_id: int) -> dict[str, int]:
    """Return how many rows of each kind still belong to the document row `document_id`."""
    columns = {
        "document": CodingDocument.id,
        "turns": TranscriptTurn.document_id,
        "segments": Segment.document_id,
        "memos": Memo.document_id,
    }
    with app.app_context():
        return {
            name: db.session.scalar(select(func.count()).where(column == document_id))
            for name, column in columns.items()
        }


def _withdraw(app) -> str:
    other = Respondent(app.test_client(), SLUG)
    other.get(f"/s/{SLUG}/withdraw")
    other.post(data={"phrase": PHRASE, "confirm": "yes"})
    return other.html


def test_withdrawing_the_response_deletes_its_transcript_turns_codings_and_memos(
    app, study_id, lead
):
    case = interviewed(app, study_id, PHRASE)
    add_transcript(lead.client, "t.txt", TXT, case=case)
    [transcript] = stored(app)
    _code_and_memo(app, study_id, lead.user_id, transcript.guid)
    row = _row_id(app, transcript.guid)
    assert _left(app, row) == {"document": 1, "turns": 2, "segments": 1, "memos": 1}

    page = _withdraw(app)

    assert "Your answers are deleted" in page
    assert stored(app) == []
    assert _left(app, row) == {"document": 0, "turns": 0, "segments": 0, "memos": 0}
    with app.app_context():
        payloads = list(db.session.scalars(select(CodingLogEntry.payload)))
    assert payloads and all("By lorry" not in payload for payload in payloads)


def test_withdrawal_leaves_other_interviews_transcripts_alone(app, study_id, lead):
    case = interviewed(app, study_id, PHRASE)
    add_transcript(lead.client, "mine.txt", TXT, case=case)
    add_transcript(lead.client, "anonymous.txt", TXT)
    add_transcript(lead.client, "other.txt", TXT, case=interviewed(app, study_id))
    kept = [t.guid for t in stored(app)][1:]

    _withdraw(app)

    assert [t.guid for t in stored(app)] == kept


def test_forget_response_blanks_log_memos_of_transcript_codings(app, study_id, lead):
    case = interviewed(app, study_id, PHRASE)
    add_transcript(lead.client, "t.txt", TXT, case=case)
    [transcript] = stored(app)
    _code_and_memo(app, study_id, lead.user_id, transcript.guid)

    with app.app_context():
        changed = documents.forget_response(db.session, transcript.response_id)
        db.session.commit()
        payloads = list(db.session.scalars(select(CodingLogEntry.payload)))

    assert changed >= 1
    assert all("By lorry" not in payload for payload in payloads)
