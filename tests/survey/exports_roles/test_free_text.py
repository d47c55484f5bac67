"""The de-identified export never carries a respondent's raw words; the full export does."""

from __future__ import annotations

import io
import zipfile

import pytest

from survey.extensions import db
from survey.models import Study
from survey.services.exports import FORMATS
from survey.services.exports.download import export_zip
from tests.survey.exports_roles.helpers import (
    PLANTED,
    SECRET_WORDS,
    make_documents,
    read_data,
    respond,
    voices_study,
    zip_members,
)

OTHER = "They kept our papers and we slept in the van."


@pytest.fixture
def study_id(app) -> int:
    """The study with one planted name among ordinary answers (threshold 5)."""
    study_id = voices_study(app, disclosure_threshold=5)
    respond(app, study_id, {"age": 30, "country": "uk", "story": PLANTED})
    respond(app, study_id, {"age": 31, "country": "fr", "story": OTHER})
    respond(app, study_id, {"age": 32, "country": "ng", "story": "!prefer_not_to_say"})
    make_documents(app, study_id)
    return study_id


def _download(app, study_id: int, fmt: str, **options) -> dict[str, bytes]:
    with app.app_context():
        study = db.session.get(Study, study_id)
        download = export_zip(db.session, study, None, fmt, **options)
        with download.file:
            return zip_members(download.file.read())


def _every_byte(files: dict[str, bytes]) -> list[bytes]:
    """Return each file's bytes, and for a workbook (itself a zip) each part's too."""
    found = []
    for name, data in files.items():
        found.append(data)
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as inner:
                found += [inner.read(part) for part in inner.namelist()]
    return found


def _story(files: dict[str, bytes], fmt: str, tmp_path) -> list[str]:
    [name] = [n for n in files if n.endswith(f".{fmt}") and "_codebook" not in n]
    frame = read_data(name, files[name], tmp_path)
    return sorted(str(cell) for cell in frame["story"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_deidentified_export_holds_no_raw_name_in_any_file(app, study_id, fmt):
    files = _download(app, study_id, fmt)
    assert len(files) == 3
    for data in _every_byte(files):
        for word in SECRET_WORDS:
            assert word.encode() not in data
            assert word.encode("utf-16-le") not in data


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_deidentified_export_holds_the_redacted_rendition(app, study_id, fmt, tmp_path):
    stories = _story(_download(app, study_id, fmt), fmt, tmp_path)
    assert "My name is [NAME-1] and I worked in [PLACE-1]." in stories
    assert OTHER in stories


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_full_export_holds_the_words_as_written(app, study_id, fmt, tmp_path):
    files = _download(app, study_id, fmt, full=True, reason="Checking the redaction by hand")
    assert PLANTED in _story(files, fmt, tmp_path)


def test_free_text_is_withheld_when_the_settings_say_so(app, study_id, tmp_path):
    with app.app_context():
        study = db.session.get(Study, study_id)
        study.export_settings_json = '{"free_text": "withheld", "quasi_identifiers": {}}'
        db.session.commit()
    stories = _story(_download(app, study_id, "csv"), "csv", tmp_path)
    assert stories == ["prefer_not_to_say", "withheld", "withheld"]


def test_the_words_of_a_response_that_asked_not_to_be_quoted_are_withheld(app, tmp_path):
    study_id = voices_study(app, disclosure_threshold=5)
    respond(app, study_id, {"story": OTHER})
    respond(app, study_id, {"story": "Please do not quote me on the farm."}, no_quotes=True)
    make_documents(app, study_id)
    stories = _story(_download(app, study_id, "csv"), "csv", tmp_path)
    assert stories == [OTHER, "withheld"]


def test_free_text_without_a_document_is_withheld_rather_than_shown_raw(app, tmp_path):
    study_id = voices_study(app, disclosure_threshold=5)
    respond(app, study_id, {"story": PLANTED})  # no documents made
    stories = _story(_download(app, study_id, "csv"), "csv", tmp_path)
    assert stories == ["withheld"]
