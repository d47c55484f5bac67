"""Withdrawal deletes the response and everything derived from it, and nothing else.

One rich study is built once for the module (tests/survey/rich_study.py),
every table is snapshotted, the response is withdrawn through the service the
withdrawal page calls, and every table is snapshotted again. The rows
expected to go are worked out independently, by plain queries on the
foreign keys, before the withdrawal. The audit log names the response too
(its interview's short id, its case and documents): those events stay, but
no row of any table may still hold one of its identifiers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import or_, select, update

from survey.extensions import db, write_transaction
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    Answer,
    AuditEvent,
    Code,
    CodeSuggestion,
    CodingCase,
    CodingDocument,
    CodingLogEntry,
    DocumentTopics,
    InterviewEvent,
    Memo,
    Redaction,
    Response,
    Segment,
    Study,
    TranscriptTurn,
    User,
)
from survey.services import attempts, audit, responses
from survey.services.coding import reading
from survey.services.interview import short_id
from tests.conftest import make_app
from tests.survey import ledger_oracle, rich_study
from tests.survey.coding.helpers import add_code
from tests.survey.rich_study import (
    CODE_MEMO,
    EXAMPLE_STRUCK,
    PHRASE,
    SEGMENT_MEMO,
    SEGMENT_MEMO_STRUCK,
    SENTINEL,
    STUDY_MEMO_STRUCK,
    Rich,
    row_ids,
)


@dataclass(frozen=True)
class Withdrawal:
    """The rich study, the tables before and after the withdrawal, and the rows meant to go."""

    app: Flask
    rich: Rich
    before: dict[str, set[tuple]]
    after: dict[str, set[tuple]]
    expected_gone: dict[str, set[tuple]]
    coders: int  # coders who coded the withdrawn words
    other_response: str  # a response of the same study that stays
    identifiers: tuple[str, ...]  # the withdrawn response's id, short id, case and documents
    held_before: dict[str, int]  # rows holding one of them before the withdrawal, by table


def _expected_gone(app: Flask, rich: Rich) -> dict[str, set[tuple]]:
    """Return, by table, the rows of the response and of what was derived from it."""
    rid = rich.withdrawn
    with app.app_context():
        cases = select(CodingCase.id).where(CodingCase.response_id == rid)
        docs = list(
            db.session.scalars(select(CodingDocument.id).where(CodingDocument.case_id.in_(cases)))
        )
    jobs = [rich.fit, rich.suggestions]  # the fit and the suggestions that read its answer
    return {
        "response": {(rid,)},
        "answer": row_ids(app, Answer, Answer.response_id == rid),
        "submission": {(rid,)},
        "interview_event": row_ids(app, InterviewEvent, InterviewEvent.response_id == rid),
        "coding_case": row_ids(app, CodingCase, CodingCase.response_id == rid),
        "coding_document": {(d,) for d in docs},
        "transcript_turn": row_ids(app, TranscriptTurn, TranscriptTurn.document_id.in_(docs)),
        "redaction": row_ids(app, Redaction, Redaction.document_id.in_(docs)),
        "segment": row_ids(app, Segment, Segment.document_id.in_(docs)),
        "memo": row_ids(app, Memo, Memo.document_id.in_(docs)),
        "analysis_result": row_ids(app, AnalysisResult, AnalysisResult.job_id.in_(jobs)),
        "analysis_document_topics": row_ids(
            app,
            DocumentTopics,
            or_(DocumentTopics.job_id.in_(jobs), DocumentTopics.document_id.in_(docs)),
        ),
        "code_suggestion": row_ids(
            app,
            CodeSuggestion,
            or_(CodeSuggestion.job_id.in_(jobs), CodeSuggestion.document_id.in_(docs)),
        ),
    }


def _coders(app: Flask, segments: set[tuple]) -> int:
    """Return how many coders made the segments `segments` (primary keys)."""
    with app.app_context():
        ids = [segment_id for (segment_id,) in segments]
        return len(set(db.session.scalars(select(Segment.coder_id).where(Segment.id.in_(ids)))))


AT = dt.datetime(2025, 3, 4, 14, 32, 7)  # every audit event's time before the withdrawal


def _audited(app: Flask, rich: Rich) -> tuple[str, tuple[str, ...]]:
    """Add the audit events an interview and a reading leave; return the ids that matter.

    Returns another response's id, and the withdrawn response's identifiers:
    its id, short id, case GUID and document GUIDs.

    Interviews of the withdrawn response and of another one on the same study,
    and a read of the withdrawn answer (the transcript's upload is audited by
    the rich study already, naming its case).
    """
    with app.app_context(), write_transaction(db.session):
        study = db.session.get(Study, rich.study_id)
        lead = db.session.get(User, rich.lead.user_id)
        other = db.session.scalar(
            select(Response.id).where(Response.study_id == study.id, Response.id != rich.withdrawn)
        )
        for action in ("interview.start", "interview.pause", "interview.submit"):
            audit.record(db.session, lead, action, study, response=short_id(rich.withdrawn))
        audit.record(db.session, lead, "interview.start", study, response=short_id(other))
        document = db.session.scalar(
            select(CodingDocument).where(CodingDocument.public_id == rich.documents[0])
        )
        reading.note_view(db.session, lead, study, "raw_text", document)
        db.session.execute(update(AuditEvent).values(at=AT))
        case = db.session.scalar(
            select(CodingCase.public_id).where(CodingCase.response_id == rich.withdrawn)
        )
    return other, (rich.withdrawn, short_id(rich.withdrawn), case, *rich.documents)


@pytest.fixture(scope="module")
def withdrawal(tmp_path_factory) -> Iterator[Withdrawal]:
    """Build the rich study, withdraw the response by its phrase, and keep both snapshots."""
    app = make_app(tmp_path_factory.mktemp("withdrawal"))
    rich = rich_study.build(app)
    add_code(app, rich.study_id, QUOTED_NAME)  # a code named with the respondent's words
    other_response, identifiers = _audited(app, rich)
    before = rich_study.snapshot(app)
    held_before = _rows_holding(app, identifiers)
    expected = _expected_gone(app, rich)
    coders = _coders(app, expected["segment"])
    with app.app_context():
        study = db.session.get(Study, rich.study_id)
        limits = attempts.Limits(secret_key=app.config["SECRET_KEY"])
        responses.withdraw(db.session, study, PHRASE, limits)
    after = rich_study.snapshot(app)
    yield Withdrawal(
        app, rich, before, after, expected, coders, other_response, identifiers, held_before
    )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_study_really_had_everything_before(withdrawal):
    gone = withdrawal.expected_gone
    for table in ("answer", "interview_event", "transcript_turn", "segment", "memo"):
        assert gone[table], f"the rich study has no {table} rows of the response"
    assert len(gone["coding_document"]) == 2  # its answer and a transcript
    assert withdrawal.coders == 2
    assert gone["analysis_result"] and gone["analysis_document_topics"] and gone["code_suggestion"]


def test_in_every_table_the_responses_rows_and_only_them_are_gone(withdrawal):
    secret_key = withdrawal.app.config["SECRET_KEY"]
    ledger_row = (ledger_oracle.digest(secret_key, f"response:{withdrawal.rich.withdrawn}"),)
    for table, rows in withdrawal.before.items():
        expected = rows - withdrawal.expected_gone.get(table, set())
        if table == "forgotten":
            expected |= {ledger_row}  # the withdrawal ledger's one row, a keyed digest
        assert withdrawal.after[table] == expected, table


def test_the_other_study_is_untouched(withdrawal):
    app, other = withdrawal.app, withdrawal.rich.other_id
    with app.app_context():
        memo = db.session.scalar(select(Memo.text).where(Memo.study_id == other))
        job = db.session.get(AnalysisJob, withdrawal.rich.other_fit)
        texts = list(
            db.session.scalars(select(CodingDocument.text).where(CodingDocument.study_id == other))
        )
    assert memo == f"On {SENTINEL}s."
    assert (job.status, job.error) == ("done", None)
    assert len(texts) == 2


QUOTED_NAME = f"“{rich_study.QUOTE}”"


def _memo(app: Flask, study_id: int, target: str) -> str:
    with app.app_context():
        return db.session.scalar(
            select(Memo.text).where(Memo.study_id == study_id, Memo.target == target)
        )


def test_a_memo_quoting_the_words_loses_only_the_quote(withdrawal):
    app, study_id = withdrawal.app, withdrawal.rich.study_id

    assert _memo(app, study_id, "study") == STUDY_MEMO_STRUCK
    assert _memo(app, study_id, "document") == SEGMENT_MEMO_STRUCK  # on another answer
    assert _memo(app, study_id, "code") == CODE_MEMO  # quoted nothing: unchanged


def test_a_code_named_with_the_withdrawn_words_loses_them(withdrawal):
    with withdrawal.app.app_context():
        names = set(db.session.scalars(select(Code.name)))
    assert QUOTED_NAME not in names
    assert "“[withdrawn]”" in names


def test_a_segment_memo_on_another_answer_and_the_code_example_lose_the_quote(withdrawal):
    with withdrawal.app.app_context():
        memos = set(db.session.scalars(select(Segment.memo).where(Segment.memo != "")))
        example = db.session.scalar(
            select(Code.example).where(Code.public_id == withdrawal.rich.travel)
        )
    assert memos == {SEGMENT_MEMO_STRUCK}
    assert example == EXAMPLE_STRUCK


def test_the_coding_log_keeps_no_memo_of_the_withdrawn_words(withdrawal):
    with withdrawal.app.app_context():
        payloads = list(db.session.scalars(select(CodingLogEntry.payload)))
    memos = {
        state["memo"]
        for payload in map(json.loads, payloads)
        for key in ("before", "after")
        for state in payload.get(key, [])
    }
    assert "By lorry, at night" not in memos and SEGMENT_MEMO not in memos
    assert SEGMENT_MEMO_STRUCK in memos  # struck like the live segment, so undo still matches
    assert not any(SENTINEL in payload for payload in payloads)


def test_fits_that_read_the_answer_are_removed_and_say_why_and_an_earlier_fit_stays(withdrawal):
    with withdrawal.app.app_context():
        jobs = {
            job.id: (job.status, (job.error or "").split(":")[0])
            for job in db.session.scalars(select(AnalysisJob))
        }
    rich = withdrawal.rich
    assert jobs[rich.fit] == jobs[rich.suggestions] == ("failed", "jobs.withdrawn")
    assert jobs[rich.early_fit] == ("done", "")
    assert (rich.early_fit,) in withdrawal.after["analysis_job"]


def test_the_withdrawal_is_counted_and_nothing_else_about_it_is_kept(withdrawal):
    with withdrawal.app.app_context():
        study = db.session.get(Study, withdrawal.rich.study_id)
        assert study.withdrawn_count == 1
    assert withdrawal.after["audit_event"] == withdrawal.before["audit_event"]


def test_the_analysis_pages_say_results_were_removed_without_saying_whose(withdrawal):
    client = withdrawal.rich.lead.client
    slug = "tiny"

    overview = client.get(f"/analysis/{slug}").get_data(as_text=True)
    fits = client.get(f"/analysis/{slug}/topics").get_data(as_text=True)

    assert "2 analysis results were removed because a respondent withdrew" in overview
    assert "removed: a respondent withdrew" in fits
    assert withdrawal.rich.withdrawn not in overview + fits


def test_the_rich_study_named_the_response_in_the_audit_log_before(withdrawal):
    assert all(len(identifier) >= 8 for identifier in withdrawal.identifiers)
    # Else the scan below would prove nothing about these tables.
    assert {"audit_event", "coding_log", "response", "coding_case"} <= set(withdrawal.held_before)


def _rows_holding(app: Flask, identifiers: tuple[str, ...]) -> dict[str, int]:
    """Return, by table, how many rows hold one of `identifiers` in any column (any case)."""
    wanted = [identifier.lower() for identifier in identifiers]
    found: dict[str, int] = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                text = " ".join(str(value) for value in row).lower()
                if any(identifier in text for identifier in wanted):
                    found[table.name] = found.get(table.name, 0) + 1
    return found


def test_no_row_of_any_table_holds_an_identifier_of_the_withdrawn_response(withdrawal):
    assert _rows_holding(withdrawal.app, withdrawal.identifiers) == {}


def _audit(app: Flask) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(
                AuditEvent.actor_id,
                AuditEvent.action,
                AuditEvent.object_id,
                AuditEvent.detail,
                AuditEvent.at,
            ).order_by(AuditEvent.id)
        )
        return [(actor, action, obj, json.loads(d), at) for actor, action, obj, d, at in rows]


def test_its_audit_events_keep_who_what_and_the_day_and_lose_which_and_when(withdrawal):
    lead, day = withdrawal.rich.lead.user_id, dt.datetime.combine(AT.date(), dt.time())
    events = _audit(withdrawal.app)
    interviews = [e for e in events if e[1].startswith("interview.")]
    read = [e for e in events if e[1] == "coding.read_text" and e[3].get("view") == "raw_text"]
    added = [e for e in events if e[1] == "coding.transcript_added"]

    assert [e[:3] for e in interviews] == [
        (lead, "interview.start", "tiny"),
        (lead, "interview.pause", "tiny"),
        (lead, "interview.submit", "tiny"),
        (lead, "interview.start", "tiny"),
    ]
    assert [(e[3], e[4]) for e in interviews[:3]] == [({"response": "deleted"}, day)] * 3
    assert [(e[2], e[4]) for e in read + added] == [("deleted", day)] * 2
    assert added[0][3]["case"] == "deleted" and added[0][3]["turns"] > 0


def test_the_audit_events_of_a_response_that_stays_keep_its_short_id_and_the_second(withdrawal):
    other = short_id(withdrawal.other_response)
    kept = [e for e in _audit(withdrawal.app) if e[3].get("response") == other]
    assert [(e[1], e[4]) for e in kept] == [("interview.start", AT)]
