"""The schema comes from Alembic: `upgrade head` gives exactly the models' schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from survey import create_app
from survey.extensions import db
from tests.conftest import database_url

# Alembic cannot reflect an index on expressions: it is compared by hand below.
EXPRESSION_INDEXES = {"uq_memo_one_per_target"}


def _not_an_expression_index(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_upgrade_head_matches_the_models(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "HEARD_DATABASE_URL": database_url(tmp_path)})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(directory=app.extensions["migrate"].directory)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "include_object": _not_an_expression_index},
            )
            differences = compare_metadata(context, db.metadata)
            tables = set(inspect(connection).get_table_names())
        db.engine.dispose()
    assert differences == []
    assert {table.name for table in db.metadata.sorted_tables} <= tables


def test_upgrading_from_the_first_revision_keeps_studies_and_records_their_version(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "HEARD_DATABASE_URL": database_url(tmp_path)})
    directory = app.extensions["migrate"].directory
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(directory=directory, revision="0001")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO instrument_version (id, instrument_key, version_label, content_hash,"
                " source, created_on) VALUES (1, 'x', '1', 'abc', 'yaml', '2026-01-02')"
            )
            connection.exec_driver_sql(
                "INSERT INTO study (id, slug, title, status, instrument_version_id, resume_enabled,"
                " draft_lifetime_hours, disclosure_threshold, withdrawn_count, created_on)"
                " VALUES (1, 'old', 'Old study', 'open', 1, true, 24, 10, 3, '2026-01-02')"
            )
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            study = connection.exec_driver_sql(
                "SELECT slug, withdrawn_count, retention_days FROM study"
            ).one()
            versions = connection.exec_driver_sql(
                "SELECT study_id, instrument_version_id FROM study_version"
            ).all()
        db.engine.dispose()
    assert tuple(study) == ("old", 3, 730)
    assert [tuple(v) for v in versions] == [(1, 1)]


def test_the_migrated_schema_keeps_one_memo_per_coder_and_target(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "HEARD_DATABASE_URL": database_url(tmp_path)})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(directory=app.extensions["migrate"].directory)
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO instrument_version (id, instrument_key, version_label, content_hash,"
                " source, created_on) VALUES (1, 'x', '1', 'abc', 'yaml', '2026-01-02')"
            )
            connection.exec_driver_sql(
                "INSERT INTO study (id, slug, title, status, instrument_version_id, resume_enabled,"
                " draft_lifetime_hours, disclosure_threshold, withdrawn_count, created_on,"
                " retention_days) VALUES (1, 'old', 'Old', 'open', 1, true, 24, 10, 0,"
                " '2026-01-02', 730)"
            )
            connection.exec_driver_sql(
                "INSERT INTO coder (id, public_id, study_id, kind, name, collapse_distressing)"
                " VALUES (1, 'c', 1, 'imported', 'A', false)"
            )
        memo = (
            "INSERT INTO memo (public_id, study_id, target, coder_id, text, updated_at)"
            " VALUES ('{}', 1, 'study', 1, 'x', '2026-01-02 00:00:00')"
        )
        with db.engine.begin() as connection:
            connection.exec_driver_sql(memo.format("m1"))
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.exec_driver_sql(memo.format("m2"))
        db.engine.dispose()
