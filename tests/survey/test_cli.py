"""The `heard` command: init, demo, study create, export, purge."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
import yaml
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from survey import create_app
from survey.extensions import db, write_transaction
from survey.models import InstrumentVersion, Response, Study
from tests.conftest import database_url
from tests.factories import add_study, instrument_yaml
from tests.survey.journey import Respondent


def count(app, model) -> int:
    """Return how many rows `model` has."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def empty_app(tmp_path):
    """An app whose database has no tables yet, as on a fresh machine."""
    app = create_app({"INSTANCE_PATH": str(tmp_path), "HEARD_DATABASE_URL": database_url(tmp_path)})
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_demo_publishes_the_police_response_study_once(empty_app):
    app = empty_app
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert "/s/police-response" in first.output
    assert "already there" in second.output
    assert "Demo findings report added" in first.output, first.output
    assert "Demo findings report already there" in second.output
    with app.app_context():
        study = db.session.scalar(select(Study).where(Study.slug == "police-response"))
        assert (study.slug, study.status) == ("police-response", "open")
        slugs = sorted(db.session.scalars(select(Study.slug)))
    # The second study is the synthetic coding demo (tests/survey/coding/test_demo.py).
    assert slugs == ["coding-demo", "police-response"]


def test_study_create_from_a_file(app, runner, tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(instrument_yaml())
    result = runner.invoke(args=["study", "create", "--instrument", str(path), "--slug", "t1"])
    assert result.exit_code == 0, result.output
    assert "created (a draft)" in result.output


def test_study_create_from_the_library_and_publish(app, runner):
    result = runner.invoke(
        args=["study", "create", "--instrument", "police-response", "--slug", "p2", "--publish"]
    )
    assert result.exit_code == 0, result.output
    assert "created (open)" in result.output


def test_a_malformed_instrument_exits_2_naming_file_line_path_and_code(app, runner, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(instrument_yaml().replace("type: yes_no", "type: yes_or_no", 1))
    result = runner.invoke(args=["study", "create", "--instrument", str(path), "--slug", "b"])
    assert result.exit_code == 2
    assert "broken.yaml:" in result.output
    assert "sections[1].items[0].type" in result.output
    assert "UNKNOWN_TYPE" in result.output
    assert count(app, Study) == count(app, InstrumentVersion) == 0


def test_a_yaml_syntax_error_exits_2_with_nothing_imported(app, runner, tmp_path):
    path = tmp_path / "syntax.yaml"
    path.write_text("title: [unclosed\n")
    result = runner.invoke(args=["study", "create", "--instrument", str(path), "--slug", "s"])
    assert result.exit_code == 2
    assert "YAML_SYNTAX" in result.output
    assert count(app, Study) == 0


def test_a_taken_slug_exits_2(app, runner):
    add_study(app, slug="taken")
    result = runner.invoke(
        args=["study", "create", "--instrument", "police-response", "--slug", "taken"]
    )
    assert result.exit_code == 2
    assert "is taken" in result.output
    assert count(app, Study) == 1


def test_an_unknown_instrument_name_is_a_usage_error(app, runner):
    result = runner.invoke(args=["study", "create", "--instrument", "nothing-here", "--slug", "x"])
    assert result.exit_code == 2
    assert "police-response" in result.output


def test_export_of_an_unknown_study_exits_2(app, runner, tmp_path):
    result = runner.invoke(args=["export", "nope", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2


def test_export_writes_a_codebook_with_codes_and_labels(app, runner, tmp_path):
    add_study(app)
    out = tmp_path / "export.csv"
    assert runner.invoke(args=["export", "tiny", "--out", str(out)]).exit_code == 0
    with (tmp_path / "export_codebook.csv").open() as handle:
        rows = {row["variable"]: row for row in csv.DictReader(handle)}
    assert rows["contact_kind"]["label"] == "How did you meet the police?"
    assert "called=I called them" in rows["contact_kind"]["values"]
    assert "prefer_not_to_say=Prefer not to say" in rows["contact_kind"]["missing"]
    assert rows["help__lawyer"]["type"] == "binary"
    assert rows["charged"]["show_if"] == "arrested == 'yes'"
    assert out.read_text().splitlines()[0].startswith("response_id,")


def test_export_neutralises_spreadsheet_formulas(app, runner, client, tmp_path):
    add_study(app)
    person = Respondent(client, "tiny")
    person.begin()
    person.answer({"story": "=HYPERLINK(1)"})
    person.answer({}, action="skip")
    person.answer({})
    person.submit()
    out = tmp_path / "export.csv"
    runner.invoke(args=["export", "tiny", "--out", str(out)])
    with out.open() as handle:
        [row] = csv.DictReader(handle)
    assert row["story"] == "'=HYPERLINK(1)"


def test_purge_deletes_old_unsaved_drafts_and_keeps_saved_ones(app, runner, client):
    add_study(app)
    for save in (False, True):
        person = Respondent(app.test_client(), "tiny")
        person.begin()
        person.answer({"contact_kind": "found"}, action="save" if save else "continue")
    with app.app_context(), write_transaction(db.session):
        for response in db.session.scalars(select(Response)):
            response.updated_on = dt.date.today() - dt.timedelta(days=2)
    result = runner.invoke(args=["purge"])
    assert "Deleted 1 unsaved draft(s)" in result.output
    with app.app_context():
        [kept] = db.session.scalars(select(Response)).all()
        assert kept.resume_hash is not None


def test_purge_keeps_a_draft_touched_yesterday(app, runner):
    add_study(app)
    person = Respondent(app.test_client(), "tiny")
    person.begin()
    with app.app_context(), write_transaction(db.session):
        db.session.scalar(select(Response)).updated_on = dt.date.today() - dt.timedelta(days=1)
    assert "Deleted 0 unsaved draft(s)" in runner.invoke(args=["purge"]).output


def test_init_creates_the_schema_through_alembic(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        version = db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()
        script = ScriptDirectory.from_config(empty_app.extensions["migrate"].migrate.get_config())
    assert version == script.get_current_head()


def test_new_studies_take_the_configured_draft_lifetime(app, runner):
    app.config["HEARD_DRAFT_LIFETIME_HOURS"] = 48
    runner.invoke(args=["study", "create", "--instrument", "police-response", "--slug", "p3"])
    with app.app_context():
        assert db.session.scalar(select(Study.draft_lifetime_hours)) == 48


def test_publish_refuses_an_instrument_with_lint_errors_and_creates_nothing(app, runner, tmp_path):
    document = yaml.safe_load(instrument_yaml())
    document["sections"][0]["items"].append(
        {"id": "home", "type": "short_text", "label": "Where do you live?"}
    )
    path = tmp_path / "asks-where.yaml"
    path.write_text(yaml.safe_dump(document))

    refused = runner.invoke(
        args=["study", "create", "--instrument", str(path), "--slug", "w1", "--publish"]
    )
    assert refused.exit_code == 1
    assert "DIRECT_IDENTIFIER" in refused.output and "Traceback" not in refused.output
    with app.app_context():
        assert db.session.scalar(select(Study).where(Study.slug == "w1")) is None

    draft = runner.invoke(args=["study", "create", "--instrument", str(path), "--slug", "w1"])
    assert draft.exit_code == 0, draft.output
    with app.app_context():
        assert db.session.scalar(select(Study.status).where(Study.slug == "w1")) == "draft"
