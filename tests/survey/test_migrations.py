"""The schema comes from Alembic: `upgrade head` gives exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from survey import create_app
from survey.extensions import db
from tests.conftest import database_url


def test_upgrade_head_matches_the_models(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "HEARD_DATABASE_URL": database_url(tmp_path)})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(directory=app.extensions["migrate"].directory)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
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
