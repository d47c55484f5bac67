"""SQLite runs in WAL with foreign keys and a busy timeout; writers queue, never fail."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text, update

from survey.extensions import db, write_transaction
from survey.models import Study
from tests.factories import add_study


@pytest.fixture
def sqlite_app(app):
    """The app, when it runs on SQLite."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite connection settings are tested on SQLite only")
    return app


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_app):
    with sqlite_app.app_context():
        pragmas = {
            name: db.session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 15000}


def test_concurrent_read_then_write_transactions_all_succeed_without_lost_updates(sqlite_app):
    study_id = add_study(sqlite_app)
    errors: list[BaseException] = []
    threads, rounds = 6, 15

    def bump() -> None:
        with sqlite_app.app_context():
            for _ in range(rounds):
                try:
                    with write_transaction(db.session):
                        # Read, then write what was read: under a deferred BEGIN two
                        # writers would both read, then one would fail or lose an update.
                        seen = db.session.scalar(
                            select(Study.withdrawn_count).where(Study.id == study_id)
                        )
                        db.session.execute(
                            update(Study)
                            .where(Study.id == study_id)
                            .values(withdrawn_count=seen + 1)
                        )
                except BaseException as error:
                    errors.append(error)
            db.session.remove()

    workers = [threading.Thread(target=bump) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    with sqlite_app.app_context():
        assert db.session.scalar(select(Study.withdrawn_count)) == threads * rounds


def test_deleting_a_response_cascades_in_the_database(app):
    from survey.models import Answer, Response

    add_study(app)
    with app.app_context():
        with write_transaction(db.session):
            study = db.session.scalar(select(Study))
            response = Response(
                study_id=study.id, instrument_version_id=study.instrument_version_id, language="en"
            )
            db.session.add(response)
            db.session.flush()
            db.session.add(Answer(response_id=response.id, item_id="story", value='"x"'))
        with write_transaction(db.session):
            db.session.execute(text("DELETE FROM response"))
        assert db.session.scalar(select(Answer)) is None
