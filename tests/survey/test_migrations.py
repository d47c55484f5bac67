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
