"""`heard purge` deletes the data of studies past their retention date, once, and says what.

The rich study (tests/survey/rich_study.py) closed long enough ago is purged
through the command line; the other study, with no closing date, is not. The
rows expected to go are found by plain queries before the purge; every table
is compared before and after; a second purge changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import or_, select

from survey.extensions import db, write_transaction
from survey.models import (
    AnalysisJob,
    AnalysisResult,
    Answer,
    AttemptWindow,
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
    StudyKey,
    Submission,
    TranscriptTurn,
    WebSession,
)
from survey.models.studies import today
from tests.conftest import make_app
from tests.survey import ledger_oracle, rich_study
from tests.survey.rich_study import SENTINEL, Rich, row_ids


@dataclass(frozen=True)
class Purge:
    """The two runs of `heard purge` (dry run first), and the tables around them."""

    app: Flask
    rich: Rich
    before: dict[str, set[tuple]]
    expected_gone: dict[str, set[tuple]]
    dry: Result
    first: Result
    after: dict[str, set[tuple]]
    second: Result
    after_second: dict[str, set[tuple]]
    logs: str


def _expected_gone(app: Flask, study_id: int) -> dict[str, set[tuple]]:
    """Return, by table, the rows of the study's respondent data (plain queries on its keys)."""
    with app.app_context():
        responses = list(
            db.session.scalars(select(Response.id).where(Response.study_id == study_id))
        )
        docs = list(
            db.session.scalars(select(CodingDocument.id).where(CodingDocument.study_id == study_id))
        )
        jobs = list(
            db.session.scalars(select(AnalysisJob.id).where(AnalysisJob.study_id == study_id))
        )
    return {
        "response": {(r,) for r in responses},
        "answer": row_ids(app, Answer, Answer.response_id.in_(responses)),
        "submission": row_ids(app, Submission, Submission.response_id.in_(responses)),
        "interview_event": row_ids(app, InterviewEvent, InterviewEvent.response_id.in_(responses)),
        "coding_case": row_ids(app, CodingCase, CodingCase.study_id == study_id),
        "coding_document": {(d,) for d in docs},
        "transcript_turn": row_ids(app, TranscriptTurn, TranscriptTurn.document_id.in_(docs)),
        "redaction": row_ids(app, Redaction, Redaction.document_id.in_(docs)),
        "segment": row_ids(app, Segment, Segment.document_id.in_(docs)),
        "memo": row_ids(app, Memo, Memo.study_id == study_id),
        "coding_log": row_ids(app, CodingLogEntry, CodingLogEntry.study_id == study_id),
        "analysis_job": {(j,) for j in jobs},
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
        "web_session": {("a" * 64,)},  # the respondent's session on the study
        "attempt_window": row_ids(app, AttemptWindow, AttemptWindow.key == f"withdraw:{study_id}"),
        "study_key": row_ids(app, StudyKey, StudyKey.study_id == study_id),
    }


def _expire(app: Flask, study_id: int) -> None:
    """Close the study 31 days ago with 30 days' retention: its date was yesterday."""
    with app.app_context(), write_transaction(db.session):
        study = db.session.get(Study, study_id)
        study.closes_on, study.retention_days = today() - dt.timedelta(days=31), 30


@pytest.fixture(scope="module")
def purge(tmp_path_factory) -> Iterator[Purge]:
    """Build the rich study, expire it, and run a dry run, a purge and a second purge."""
    app = make_app(tmp_path_factory.mktemp("purge"))
    rich = rich_study.build(app)
    _expire(app, rich.study_id)
    before = rich_study.snapshot(app)
    expected = _expected_gone(app, rich.study_id)
    runner = app.test_cli_runner()
    handler, survey_log = _Collect(), logging.getLogger("survey")
    level = survey_log.level
    logging.getLogger().addHandler(handler)
    survey_log.setLevel(logging.DEBUG)
    try:
        dry = runner.invoke(args=["purge", "--dry-run"])
        after_dry = rich_study.snapshot(app)
        assert after_dry == before, "a dry run deleted something"
        first = runner.invoke(args=["purge"])
        after = rich_study.snapshot(app)
        second = runner.invoke(args=["purge"])
    finally:
        logging.getLogger().removeHandler(handler)
        survey_log.setLevel(level)
    yield Purge(
        app,
        rich,
        before,
        expected,
        dry,
        first,
        after,
        second,
        rich_study.snapshot(app),
        handler.text,
    )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class _Collect(logging.Handler):
    """Keep every log record's message (from every logger, at every level)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def test_the_study_really_had_everything_before(purge):
    gone = purge.expected_gone
    for table in gone:
        assert gone[table], f"the rich study has no {table} rows"


def test_in_every_table_the_expired_studys_data_and_only_it_is_gone(purge):
    new_audit = purge.after["audit_event"] - purge.before["audit_event"]
    secret_key, study_id = purge.app.config["SECRET_KEY"], purge.rich.study_id
    ledger_row = (ledger_oracle.digest(secret_key, f"study:{study_id}:tiny"),)
    for table, rows in purge.before.items():
        expected = rows - purge.expected_gone.get(table, set())
        if table == "audit_event":
            expected |= new_audit
        if table == "forgotten":
            expected |= {ledger_row}  # the withdrawal ledger's one row, a keyed digest
        assert purge.after[table] == expected, table
    assert len(new_audit) == 1


def test_the_study_stays_as_a_closed_tombstone_with_its_codebook(purge):
    with purge.app.app_context():
        study = db.session.get(Study, purge.rich.study_id)
        query = select(Code.name, Code.example).where(Code.study_id == study.id)
        codes = dict(db.session.execute(query).all())
    assert (study.status, study.purged_on) == ("closed", today())
    assert set(codes) == {"Travel", "Wages", "Papers"}
    assert set(codes.values()) == {""}  # examples are usually quotes: cleared


def test_the_other_study_and_its_sessions_are_untouched(purge):
    with purge.app.app_context():
        other = db.session.get(Study, purge.rich.other_id)
        staff = json.loads(db.session.get(WebSession, "c" * 64).data)
    assert (other.status, other.purged_on) == ("open", None)
    assert staff["interview_guide_notes"] == {"other": {"topic-1": "kept"}}
    assert staff["_user_id"] == "x"


def test_the_purge_reports_counts_per_table_and_the_dry_run_the_same_counts(purge):
    counts = {table: len(rows) for table, rows in purge.expected_gone.items()}
    for table in ("response", "answer", "coding_document", "segment", "memo", "study_key"):
        assert f"{table}={counts[table]}" in purge.first.output
        assert f"{table}={counts[table]}" in purge.dry.output
    assert "'tiny' is past its retention date: deleted" in purge.first.output
    assert "Dry run: nothing was deleted." in purge.dry.output
    assert purge.first.exit_code == purge.dry.exit_code == 0


def test_a_second_purge_changes_nothing_and_says_so(purge):
    assert purge.after_second == purge.after
    assert "No study is past its retention date" in purge.second.output
    assert purge.second.exit_code == 0


def test_the_purge_is_audited_with_counts_and_no_content(purge):
    with purge.app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "study.purge"))
    detail = json.loads(event.detail)
    assert (event.object_id, detail["response"]) == ("tiny", len(purge.expected_gone["response"]))
    assert SENTINEL not in event.detail


def test_nothing_a_respondent_wrote_is_in_the_output_or_the_logs(purge):
    for text in (purge.dry.output, purge.first.output, purge.second.output, purge.logs):
        assert SENTINEL not in text
        assert "passport" not in text
    assert "purge: study tiny: response=" in purge.logs
