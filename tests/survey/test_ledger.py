"""A restore never brings back a withdrawn response or a purged study (the withdrawal ledger).

One rich study (tests/survey/rich_study.py) is built and backed up once for the
module. Then its response is withdrawn, the backup restored, the study purged
and the same backup restored again; every table is snapshotted at each step.
What a restore must leave is what the withdrawal (or the purge) left, table by
table. On PostgreSQL (HEARD_TEST_DATABASE_URL) the same runs go through
pg_dump and pg_restore.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select, text

from survey.extensions import db, write_transaction
from survey.models import CodingDocument, Response, Study, StudyKey
from survey.models.studies import today
from survey.services import attempts, ledger, ledger_replay, responses
from tests.conftest import make_app
from tests.survey import ledger_oracle, rich_study
from tests.survey.rich_study import PHRASE, Rich
from tests.survey.test_backup import services_missing


@dataclass(frozen=True)
class Restored:
    """The snapshots and command results of the module's runs, in the order they happened."""

    app: Flask
    runner: FlaskCliRunner
    rich: Rich
    backup: Path
    before: dict[str, set[tuple]]
    withdrawn: dict[str, set[tuple]]
    ledger_rows: list[tuple]  # the forgotten table as stored, after the withdrawal
    first: Result  # restore after the withdrawal
    after_first: dict[str, set[tuple]]
    purged: dict[str, set[tuple]]
    second: Result  # restore after the purge
    after_second: dict[str, set[tuple]]


def _withdraw(app: Flask, rich: Rich) -> None:
    """Withdraw the rich study's response through the service the withdrawal page calls."""
    with app.app_context():
        study = db.session.get(Study, rich.study_id)
        limits = attempts.Limits(secret_key=app.config["SECRET_KEY"])
        responses.withdraw(db.session, study, PHRASE, limits)
        db.session.remove()


def _expire(app: Flask, study_id: int) -> None:
    """Close the study 31 days ago with 30 days' retention: `heard purge` takes it."""
    with app.app_context(), write_transaction(db.session):
        study = db.session.get(Study, study_id)
        study.closes_on, study.retention_days = today() - dt.timedelta(days=31), 30


def _raw_ledger(app: Flask) -> list[tuple]:
    with app.app_context():
        rows = [tuple(row) for row in db.session.execute(text("SELECT * FROM forgotten"))]
        db.session.remove()
    return rows


def _restore(runner: FlaskCliRunner, path: Path) -> Result:
    return runner.invoke(args=["restore", str(path), "--yes"])


@pytest.fixture(scope="module")
def restored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Restored]:
    """Back up, withdraw, restore; then expire, purge, restore the same backup again."""
    folder = tmp_path_factory.mktemp("ledger")
    app = make_app(folder)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and not shutil.which(
        "pg_dump"
    ):
        services_missing("pg_dump is not installed (apt-get install postgresql-client)")
    rich = rich_study.build(app)
    runner = app.test_cli_runner()
    before = rich_study.snapshot(app)
    made = runner.invoke(args=["backup", "--out", str(folder / "old.backup")])
    assert made.exit_code == 0, made.output
    _withdraw(app, rich)
    withdrawn, ledger_rows = rich_study.snapshot(app), _raw_ledger(app)
    first = _restore(runner, folder / "old.backup")
    after_first = rich_study.snapshot(app)
    _expire(app, rich.study_id)
    purge = runner.invoke(args=["purge"])
    assert purge.exit_code == 0, purge.output
    purged = rich_study.snapshot(app)
    second = _restore(runner, folder / "old.backup")
    yield Restored(
        app, runner, rich, folder / "old.backup", before, withdrawn, ledger_rows,
        first, after_first, purged, second, rich_study.snapshot(app),
    )  # fmt: skip
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_backup_really_held_the_response_that_was_then_withdrawn(restored):
    assert (restored.rich.withdrawn,) in restored.before["response"]
    assert (restored.rich.withdrawn,) not in restored.withdrawn["response"]


def test_a_restore_after_a_withdrawal_leaves_every_table_as_the_withdrawal_left_it(restored):
    assert restored.first.exit_code == 0, restored.first.output
    for table, rows in restored.withdrawn.items():
        assert restored.after_first[table] == rows, table


def test_the_restore_says_how_many_it_deleted_again_and_nothing_more(restored):
    output = restored.first.output
    assert "deleted again 1 withdrawn response(s) and purged again 0 studies" in output
    assert restored.rich.withdrawn not in output
    assert restored.rich.withdrawn not in restored.second.output


def test_the_withdrawn_documents_are_gone_again_and_the_others_are_intact(restored):
    table = "coding_document"
    documents = len(restored.before[table]) - len(restored.rich.documents)
    assert len(restored.after_first[table]) == documents
    assert len(restored.after_first["response"]) == len(restored.before["response"]) - 1


def test_a_restore_after_a_purge_purges_the_study_again(restored):
    assert restored.second.exit_code == 0, restored.second.output
    assert "purged again 1 study" in restored.second.output
    for table, rows in restored.purged.items():
        if table != "audit_event":  # the second purge is audited like the first
            assert restored.after_second[table] == rows, table
    with restored.app.app_context():
        study = db.session.get(Study, restored.rich.study_id)
        keys = db.session.scalar(
            select(func.count()).select_from(StudyKey).where(StudyKey.study_id == study.id)
        )
        db.session.remove()
    assert (study.status, study.purged_on, keys) == ("closed", today(), 0)


def test_the_other_study_keeps_its_responses_through_both_restores(restored):
    other = restored.rich.other_id
    with restored.app.app_context():
        left = db.session.scalar(
            select(func.count()).select_from(Response).where(Response.study_id == other)
        )
        texts = db.session.scalar(
            select(func.count()).select_from(CodingDocument).where(CodingDocument.study_id == other)
        )
        db.session.remove()
    assert (left, texts) == (len(rich_study.OTHER_STORIES), len(rich_study.OTHER_STORIES))


def test_the_ledger_holds_a_keyed_digest_and_the_day_never_the_id_in_clear(restored):
    secret_key = restored.app.config["SECRET_KEY"]
    expected = ledger_oracle.digest(secret_key, f"response:{restored.rich.withdrawn}")
    assert len(restored.ledger_rows) == 1
    digest, on = restored.ledger_rows[0]
    assert digest == expected
    assert str(on).startswith(today().isoformat())
    assert restored.rich.withdrawn not in repr(restored.ledger_rows)


def test_the_digest_of_another_response_or_under_another_key_does_not_match(restored):
    secret_key = restored.app.config["SECRET_KEY"]
    others = [rid for (rid,) in restored.withdrawn["response"]]
    digests = {row[0] for row in restored.ledger_rows}
    assert others
    assert not digests & {ledger.response_digest(secret_key, rid) for rid in others}
    assert ledger.response_digest("another key", restored.rich.withdrawn) not in digests
    assert ledger.response_digest(secret_key, restored.rich.withdrawn) in digests


def test_a_restore_that_cannot_forget_again_says_so_and_a_second_restore_finishes(
    restored, monkeypatch
):
    pending = Path(restored.app.instance_path) / ledger.PENDING_FILE

    def broken(session, secret_key, found):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ledger_replay, "replay", broken)
    failed = _restore(restored.runner, restored.backup)
    assert failed.exit_code == 1
    assert "STILL HOLDS WITHDRAWN ANSWERS" in failed.output
    assert "heard restore" in failed.output and "Traceback" not in failed.output
    assert pending.exists()
    monkeypatch.undo()
    again = _restore(restored.runner, restored.backup)
    assert again.exit_code == 0, again.output
    assert "purged again 1 study" in again.output
    assert not pending.exists()
    assert rich_study.snapshot(restored.app)["response"] == restored.purged["response"]
