"""A study with everything a respondent's words can end up in, and snapshots of every table.

`build(app)` makes the tiny study with 24 made-up answers and one more
response, `withdrawn`, whose words ("Zorblax took my passport...") are
everywhere: its answer document and an interview transcript on its case,
codings by two coders with memos, memos of every kind (one quoting it on
another answer, one on the study, one on a code), a code example quoting it,
the coding log, an interview event, a topic fit and a suggestion job that
read it (and an earlier fit that did not), browser sessions and a counter of
wrong phrases. A second study, `other`, has answers, a memo and a fit of its
own, which nothing here may touch.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from survey.extensions import db, write_transaction
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    AttemptWindow,
    Code,
    CodingCase,
    CodingDocument,
    DocumentTopics,
    InterviewEvent,
    Memo,
    Response,
    Study,
    User,
    WebSession,
)
from survey.models.studies import today
from survey.services import phrases
from survey.services.coding import memos, segments
from tests.factories import add_study
from tests.survey.analysis.helpers import coder_id, documents_by_theme, start, text_study
from tests.survey.coding.helpers import Coder, add_code, code_span, coder, respond, sync
from tests.survey.coding.transcript_files import TXT, add_transcript

SENTINEL = "Zorblax"
WITHDRAWN = f"{SENTINEL} took my passport and sold me to the farm boss. Call me on 07700 900123."
QUOTE = "took my passport and sold me to the farm"
PHRASE = "apple river candle mountain violet"
STUDY_MEMO = f"Themes so far. {QUOTE.upper()}! Debt bondage is common."
STUDY_MEMO_STRUCK = "Themes so far. [withdrawn]! Debt bondage is common."
SEGMENT_MEMO = f"Compare: '{QUOTE}'. Same pattern here."
SEGMENT_MEMO_STRUCK = "Compare: '[withdrawn]'. Same pattern here."
CODE_MEMO = "No quote here: only my own thoughts about travel."
EXAMPLE = f"For example: “{QUOTE} boss”."
EXAMPLE_STRUCK = "For example: “[withdrawn]”."
OTHER_STORIES = ("The officer listened to me.", f"A different study, about {SENTINEL}s.")


@dataclass(frozen=True)
class Rich:
    """What `build` made: ids a test needs to look things up."""

    study_id: int
    other_id: int
    withdrawn: str  # the response to withdraw
    documents: tuple[str, ...]  # its documents' GUIDs (answer, transcript)
    lead: Coder
    analyst: Coder
    travel: str  # the code quoted in its example
    early_fit: int  # a topic fit that ran before the response existed
    fit: int  # a topic fit that read it
    suggestions: int  # a suggestion job on its question
    other_fit: int  # a fit of the other study


def build(app: Flask) -> Rich:
    """Make both studies with everything described above; return their ids."""
    study_id = text_study(app, 24)
    lead = coder(app, study_id, role="researcher")
    analyst = coder(app, study_id)
    by_theme = documents_by_theme(app, study_id, 24)
    early = start(app, study_id, "topics", {"item_id": "story", "n_topics": 3, "seed": 1})[0]
    withdrawn, case = withdrawn_response(app, study_id)
    add_transcript(lead.client, "t.txt", TXT, case=case)
    documents = _documents_of(app, case)
    travel = _codings(app, study_id, lead, analyst, by_theme, documents)
    _memos(app, study_id, lead, analyst, travel, documents[0], by_theme["police"][0])
    fit = start(app, study_id, "topics", {"item_id": "story", "n_topics": 3, "seed": 2})[0]
    params = {"item_id": "story", "coder_id": coder_id(app, study_id, lead.user_id)}
    suggestions = start(app, study_id, "suggestions", params)[0]
    other_id, other_fit = _other_study(app)
    _sessions_and_counters(app, study_id)
    return Rich(
        study_id,
        other_id,
        withdrawn,
        tuple(documents),
        lead,
        analyst,
        travel,
        early,
        fit,
        suggestions,
        other_fit,
    )


def withdrawn_response(app: Flask, study_id: int) -> tuple[str, str]:
    """Add the interviewed response to withdraw (phrase, pause event); return (id, case GUID)."""
    response_id = respond(app, study_id, WITHDRAWN)
    with app.app_context(), write_transaction(db.session):
        response = db.session.get(Response, response_id)
        response.mode = "interviewer"
        response.withdrawal_hash = phrases.hash_phrase(
            PHRASE, secret_key=app.config["SECRET_KEY"], purpose=phrases.WITHDRAW
        )
        db.session.add(InterviewEvent(response_id=response_id, kind="pause", reason="distress"))
    sync(app, study_id)
    with app.app_context():
        case = db.session.scalar(
            select(CodingCase.public_id).where(CodingCase.response_id == response_id)
        )
    return response_id, case


def _documents_of(app: Flask, case: str) -> list[str]:
    """Return the GUIDs of a case's documents: the answer first, then the transcript."""
    with app.app_context():
        rows = db.session.execute(
            select(CodingDocument.public_id, CodingDocument.kind)
            .join(CodingCase, CodingCase.id == CodingDocument.case_id)
            .where(CodingCase.public_id == case)
            .order_by(CodingDocument.kind)
        )
        return [guid for guid, _ in rows]


def _codings(app, study_id, lead, analyst, by_theme, documents) -> str:
    """Code the withdrawn words (both coders, with memos) and enough answers to train on."""
    travel = add_code(app, study_id, "Travel")
    for theme in ("wages", "papers"):
        code = add_code(app, study_id, theme.capitalize())
        for guid in by_theme[theme][:6]:
            code_span(app, study_id, lead.user_id, guid, 0, 5, code)
    answer, transcript = documents
    _apply(app, study_id, lead.user_id, answer, 0, 20, travel, memo="By lorry, at night")
    _apply(app, study_id, analyst.user_id, answer, 8, 30, travel)
    _apply(app, study_id, analyst.user_id, transcript, 0, 10, travel)
    police = by_theme["police"][0]
    _apply(app, study_id, analyst.user_id, police, 0, 6, travel, memo=SEGMENT_MEMO)
    with app.app_context(), write_transaction(db.session):
        code = db.session.scalar(select(Code).where(Code.public_id == travel))
        code.example = EXAMPLE
    return travel


def _apply(app, study_id, user_id, document, start, end, code, memo="") -> None:
    with app.app_context():
        study = db.session.get(Study, study_id)
        user = db.session.get(User, user_id)
        target = segments.Target(document, start, end)
        segments.apply_codes(db.session, user, study, [target], [code], memo=memo)


def _memos(app, study_id, lead, analyst, travel, answer, police) -> None:
    """Write a study memo quoting the words, a code memo, and memos on two documents."""
    with app.app_context():
        study = db.session.get(Study, study_id)
        me, them = db.session.get(User, lead.user_id), db.session.get(User, analyst.user_id)
        memos.save_memo(db.session, me, study, "study", None, STUDY_MEMO)
        memos.save_memo(db.session, them, study, "code", travel, CODE_MEMO)
        memos.save_memo(db.session, me, study, "document", answer, "About this answer")
        memos.save_memo(db.session, them, study, "document", police, SEGMENT_MEMO)


def _other_study(app: Flask) -> tuple[int, int]:
    """Make the other study: two answers, a study memo and a finished fit of its own."""
    other_id = add_study(app, slug="other")
    for story in OTHER_STORIES:
        respond(app, other_id, story)
    sync(app, other_id)
    with app.app_context(), write_transaction(db.session):
        db.session.add(Memo(study_id=other_id, target="study", text=f"On {SENTINEL}s."))
        job = AnalysisJob(study_id=other_id, kind="topics", status="done", progress=100)
        db.session.add(job)
        db.session.flush()
        db.session.add(AnalysisResult(job_id=job.id, result_json='{"kind": "topics"}'))
        for document_id in db.session.scalars(
            select(CodingDocument.id).where(CodingDocument.study_id == other_id)
        ):
            db.session.add(
                DocumentTopics(job_id=job.id, document_id=document_id, weights_json="[1]")
            )
        return other_id, job.id


def _sessions_and_counters(app: Flask, study_id: int) -> None:
    """Add browser sessions (respondents of both studies; a staff one with guide notes)."""
    notes = {"tiny": {"topic-1": f"{SENTINEL} said so"}, "other": {"topic-1": "kept"}}
    with app.app_context(), write_transaction(db.session):
        db.session.add(WebSession(id="a" * 64, data='{"study": "tiny"}', expires_on=_far()))
        db.session.add(WebSession(id="b" * 64, data='{"study": "other"}', expires_on=_far()))
        db.session.add(
            WebSession(
                id="c" * 64,
                data=json.dumps({"_user_id": "x", "interview_guide_notes": notes}),
                expires_on=_far(),
            )
        )
        db.session.add(AttemptWindow(key=f"withdraw:{study_id}", window=1, count=1))


def _far() -> dt.date:
    return today() + dt.timedelta(days=2)


def snapshot(app: Flask) -> dict[str, set[tuple]]:
    """Return the primary keys of every row of every table, by table name."""
    with app.app_context():
        found = {}
        for table in db.metadata.sorted_tables:
            columns = list(table.primary_key.columns)
            found[table.name] = {tuple(row) for row in db.session.execute(select(*columns))}
        return found


def row_ids(app: Flask, model: type, *where) -> set[tuple]:
    """Return the primary keys of the rows of `model` matching `where`."""
    with app.app_context():
        columns = list(model.__table__.primary_key.columns)
        return {tuple(row) for row in db.session.execute(select(*columns).where(*where))}
