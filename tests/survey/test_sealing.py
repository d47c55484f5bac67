"""Encryption at rest: respondents' words are sealed with their study's key wherever stored."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import StatementError

from survey import create_app, sealing
from survey.extensions import db, write_transaction
from survey.models import Answer, Code, CodingDocument, Memo, Study, StudyKey
from survey.models.sealed import PlaintextWrite
from survey.sealing import SealingError
from survey.services import keys
from tests.conftest import TEST_DATABASE_URL, make_app
from tests.factories import add_study
from tests.survey.coding.helpers import coder
from tests.survey.journey import Respondent, step_path
from tests.survey.test_journey import EVERYTHING

SENTINEL = "Zebraquartz Mollivant"
PG = TEST_DATABASE_URL.startswith("postgresql")


def _respond(app, slug: str = "tiny", story: str = SENTINEL) -> None:
    """Answer the tiny study through the respondent pages, with `story` as the free text."""
    person = Respondent(app.test_client(), slug)
    person.begin()
    for token, data in EVERYTHING:
        assert person.path == step_path(slug, token), person.html
        if token == "page/about":
            data = {**data, "story": story}
        person.answer(data or {})
    person.submit()
    assert "Thank you. We have your answers." in person.html


def _same_database(app, **config) -> object:
    """Return a second app on `app`'s database and instance folder (no tables dropped)."""
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": app.instance_path,
            "HEARD_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            **config,
        }
    )


def _raw_rows(app, sql: str) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(text(sql))]


def _raw(app, sql: str) -> list:
    return [row[0] for row in _raw_rows(app, sql)]


@pytest.fixture
def answered(app):
    """The tiny study with one response whose story is the sentinel."""
    add_study(app)
    _respond(app)
    return app


def test_free_text_is_stored_sealed_and_reads_back_while_choices_stay_plain(answered):
    [story] = _raw(answered, "SELECT value FROM answer WHERE item_id = 'story'")
    [choice] = _raw(answered, "SELECT value FROM answer WHERE item_id = 'contact_kind'")
    [document] = _raw(answered, "SELECT text FROM coding_document")
    assert story.startswith(sealing.PREFIX) and document.startswith(sealing.PREFIX)
    assert choice == '"found"'
    with answered.app_context():
        values = dict(db.session.execute(select(Answer.item_id, Answer.value)).all())
        assert values["story"] == f'"{SENTINEL}"'
        assert db.session.scalar(select(CodingDocument.text)) == SENTINEL


def test_memos_are_sealed_too(answered):
    analyst = coder(answered, 1)
    with answered.app_context(), write_transaction(db.session):
        db.session.add(Memo(study_id=1, target="study", text=f"Someone said {SENTINEL}."))
    assert analyst.client.get("/coding/tiny").status_code == 200
    [memo] = _raw(answered, "SELECT text FROM memo")
    assert memo.startswith(sealing.PREFIX) and SENTINEL not in memo


def test_codebook_examples_which_quote_answers_are_sealed(answered):
    with answered.app_context(), write_transaction(db.session):
        db.session.add(Code(study_id=1, name="Fear", example=SENTINEL, definition="Afraid."))
    [(example, definition)] = _raw_rows(answered, "SELECT example, definition FROM code")
    assert example.startswith(sealing.PREFIX) and definition.startswith(sealing.PREFIX)
    with answered.app_context():
        assert db.session.scalar(select(Code.example)) == SENTINEL


@pytest.mark.skipif(PG, reason="the SQLite file is checked on the SQLite run")
def test_the_sentinel_is_in_no_byte_of_the_sqlite_database_files(answered):
    folder = Path(answered.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent
    with answered.app_context():
        db.engine.dispose()
    files = sorted(folder.glob("heard.db*"))
    contents = b"".join(path.read_bytes() for path in files)
    # The scan reads real rows: a closed answer, which is not sealed, is found.
    assert b'"found"' in contents
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        assert SENTINEL.encode(encoding) not in contents, [p.name for p in files]


@pytest.mark.skipif(not PG, reason="the PostgreSQL dump is checked on the PostgreSQL run")
def test_the_sentinel_is_in_no_byte_of_a_postgresql_dump(answered):
    if shutil.which("pg_dump") is None:
        if os.environ.get("HEARD_REQUIRE_SERVICES") == "1":
            pytest.fail("pg_dump is not installed")
        pytest.skip("pg_dump is not installed")
    url = answered.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg", "postgresql")
    dump = subprocess.run(["pg_dump", url], capture_output=True, check=True, timeout=120).stdout
    assert b'"found"' in dump
    assert SENTINEL.encode() not in dump


def test_a_wrong_master_key_opens_nothing_and_says_so(answered, tmp_path):
    other = _same_database(answered, HEARD_DATA_KEY=sealing.encode_key(sealing.new_secret()))
    result = other.test_cli_runner().invoke(args=["keys", "status"])
    assert result.exit_code == 1
    assert "do not open: tiny" in result.output
    page = coder(other, 1).client.get("/coding/tiny/documents")
    body = page.get_data(as_text=True)
    assert page.status_code in (503, 404) and SENTINEL not in body
    with other.app_context(), pytest.raises(SealingError, match="is not configured"):
        db.session.scalar(select(CodingDocument.text))


def test_rotating_the_key_file_rewraps_every_data_key_and_retires_the_old_key(answered):
    instance = Path(answered.instance_path)
    old = (instance / sealing.KEY_FILE).read_text()
    result = answered.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert (instance / sealing.KEY_FILE).read_text() != old
    [retired] = instance.glob("data_key.old-*")
    assert retired.read_text() == old and not (instance / sealing.NEXT_KEY_FILE).exists()
    fresh = _same_database(answered)
    with fresh.app_context():
        assert db.session.scalar(select(CodingDocument.text)) == SENTINEL
    stale = _same_database(answered, HEARD_DATA_KEY=old.strip())
    with stale.app_context(), pytest.raises(SealingError):
        db.session.scalar(select(CodingDocument.text))


def test_rotating_with_heard_data_key_prints_the_new_key_once(tmp_path):
    first = sealing.encode_key(sealing.new_secret())
    app = make_app(tmp_path, HEARD_DATA_KEY=first)
    add_study(app)
    _respond(app)
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    new = result.output.splitlines()[1].strip()
    assert new != first and len(sealing.decode_keys(new, "printed")) == 1
    with _same_database(app, HEARD_DATA_KEY=new).app_context():
        assert db.session.scalar(select(CodingDocument.text)) == SENTINEL
    with _same_database(app, HEARD_DATA_KEY=first).app_context(), pytest.raises(SealingError):
        db.session.scalar(select(CodingDocument.text))


def test_a_rotation_interrupted_after_rewrapping_still_opens_with_the_next_key_file(answered):
    instance = Path(answered.instance_path)
    secret = sealing.new_secret()
    sealing.write_key_file(instance / sealing.NEXT_KEY_FILE, secret)
    with answered.app_context():
        from survey.keyring import active

        assert keys.rewrap(db.session, active(), sealing.master_key(secret)) == 1
    restarted = _same_database(answered)
    with restarted.app_context():
        assert db.session.scalar(select(CodingDocument.text)) == SENTINEL
    result = restarted.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert (instance / sealing.KEY_FILE).read_text().strip() == sealing.encode_key(secret)


def test_destroying_a_study_key_makes_only_that_study_unreadable(app):
    add_study(app)
    add_study(app, slug="other")
    _respond(app)
    _respond(app, "other", story="Other words")
    with app.app_context():
        from survey.keyring import active

        tiny = db.session.scalar(select(Study.id).where(Study.slug == "tiny"))
        with write_transaction(db.session):
            assert keys.destroy(db.session, active(), tiny)
        assert db.session.scalar(select(StudyKey.id).where(StudyKey.study_id == tiny)) is None
    with _same_database(app).app_context():
        texts = db.session.execute(
            select(CodingDocument.text).where(CodingDocument.study_id != tiny)
        ).scalars()
        assert list(texts) == ["Other words"]
        with pytest.raises(SealingError, match="no longer exists"):
            db.session.scalar(select(CodingDocument.text).where(CodingDocument.study_id == tiny))


def test_words_written_in_clear_to_a_sealed_column_are_refused(app):
    add_study(app)
    with app.app_context(), pytest.raises(StatementError) as caught:
        db.session.execute(
            insert(Memo).values(study_id=1, target="study", text="in clear", public_id="m1")
        )
    assert isinstance(caught.value.orig, PlaintextWrite)


def test_a_command_that_reads_words_with_a_wrong_key_says_so_in_one_line(answered, tmp_path):
    other = _same_database(answered, HEARD_DATA_KEY=sealing.encode_key(sealing.new_secret()))
    out = tmp_path / "out.csv"
    result = other.test_cli_runner().invoke(
        args=["coding", "export", "tiny", "--format", "qdpx", "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert "The data key is missing or wrong" in result.output
    assert "Traceback" not in result.output and SENTINEL not in result.output
