"""A transcript that cannot be read is refused with a clear message, and nothing is stored."""

from __future__ import annotations

import uuid

import pytest

from tests.survey.coding.helpers import coder, coding_study
from tests.survey.coding.transcript_files import (
    EXTERNAL_DOCX,
    MACRO_DOCX,
    TXT,
    add_transcript,
    counts,
    interviewed,
)


@pytest.fixture
def study_id(app) -> int:
    """The tiny study, with four completed answers."""
    return coding_study(app)


@pytest.fixture
def lead(app, study_id):
    """A researcher on the study's team."""
    return coder(app, study_id, role="researcher")


BAD_FILES = [
    ("binary", "t.txt", b"\x00\x01\x02\x03PK\x03\x04" * 40, "TRANSCRIPT_BINARY"),
    ("garbled", "t.txt", bytes(range(128, 256)) * 4, "TRANSCRIPT_"),
    ("empty file", "t.txt", b"", "TRANSCRIPT_EMPTY"),
    ("blank file", "t.txt", b" \n\r\n\t\n", "TRANSCRIPT_EMPTY"),
    ("wrong type", "interview.pdf", b"%PDF-1.4 Interviewer: hi", "FILE_TYPE"),
    ("no extension", "interview", TXT, "FILE_TYPE"),
    ("not a docx", "t.docx", b"Interviewer: hi\nRespondent: yo\n", "DOCX_INVALID"),
    ("macro docx", "t.docx", MACRO_DOCX, "DOCX_MACROS"),
    ("external docx", "t.docx", EXTERNAL_DOCX, "DOCX_EXTERNAL"),
    ("vtt without cues", "t.vtt", b"WEBVTT\n\nNOTE nothing here\n", "TRANSCRIPT_NO_CUES"),
]


@pytest.mark.parametrize(
    ("filename", "data", "code"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_stored(
    app, lead, filename, data, code
):
    before = counts(app)

    response = add_transcript(lead.client, filename, data, name="Kept name")
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "Nothing was stored" in page
    assert f"<code>{code}" in page
    assert 'value="Kept name"' in page  # what was typed comes back
    assert counts(app) == before


def test_a_file_over_the_limit_is_refused_unread_with_the_limit_in_words(app, lead):
    app.config["HEARD_UPLOAD_MAX_BYTES"] = 2048
    before = counts(app)

    response = add_transcript(lead.client, "t.txt", TXT * 100)
    page = response.get_data(as_text=True)

    assert response.status_code == 413
    assert "The file is too large" in page and "the limit is 2 KB" in page
    assert counts(app) == before


def test_pasted_text_over_the_limit_is_refused(app, lead):
    app.config["HEARD_UPLOAD_MAX_BYTES"] = 1000
    before = counts(app)

    response = add_transcript(lead.client, text="Interviewer: é\n" * 100)

    assert response.status_code == 413
    assert "The pasted text is too large" in response.get_data(as_text=True)
    assert counts(app) == before


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({}, "TRANSCRIPT_EMPTY", "Choose a file to upload, or paste the transcript."),
        ({"text": "  \n\t "}, "TRANSCRIPT_EMPTY", "Choose a file to upload, or paste"),
        ({"text": "A: hi", "name": "x" * 201}, "TRANSCRIPT_NAME", "the limit is 200"),
        ({"text": "A: hi", "name": "a\x07b"}, "TRANSCRIPT_NAME", "one line of visible text"),
        ({"text": "A: hi", "speaker_pattern": "("}, "TRANSCRIPT_PATTERN_INVALID", "not a valid"),
        ({"text": "A: hi", "speaker_pattern": r"(\w+ ?)+"}, "TRANSCRIPT_PATTERN_INVALID", ""),
        ({"text": "A: hi", "speaker_pattern": r"\w+:"}, "TRANSCRIPT_PATTERN_INVALID", "named"),
        ({"text": "A: hi", "case": "not-a-guid"}, "CASE_UNKNOWN", "cannot take a transcript"),
        ({"text": "A: hi", "case": str(uuid.uuid4())}, "CASE_UNKNOWN", ""),
    ],
    ids=[
        "nothing",
        "blank paste",
        "long name",
        "control in name",
        "bad pattern",
        "nested repeat",
        "no speaker group",
        "not a case id",
        "unknown case",
    ],
)
def test_a_bad_form_is_refused_with_its_reason_and_nothing_is_stored(
    app, lead, fields, code, message
):
    before = counts(app)

    response = add_transcript(lead.client, **fields)
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert f"<code>{code}</code>" in page and message in page
    assert counts(app) == before


def test_a_file_and_pasted_text_together_are_refused(app, lead):
    before = counts(app)

    response = add_transcript(lead.client, "t.txt", TXT, text="Interviewer: hello")

    assert response.status_code == 400
    assert "Upload a file or paste the text, not both." in response.get_data(as_text=True)
    assert counts(app) == before


def test_the_case_of_a_self_completed_response_is_refused(app, study_id, lead):
    case = interviewed(app, study_id, mode="self")
    before = counts(app)

    response = add_transcript(lead.client, "t.txt", TXT, case=case)

    assert response.status_code == 400
    assert counts(app) == before


def test_another_studys_case_is_refused(app, study_id, lead):
    from tests.factories import add_study, tiny_instrument

    other = add_study(app, tiny_instrument(), slug="other")
    case = interviewed(app, other)
    before = counts(app)

    response = add_transcript(lead.client, "t.txt", TXT, case=case)

    assert response.status_code == 400
    assert "CASE_UNKNOWN" in response.get_data(as_text=True)
    assert counts(app) == before


def test_a_refused_form_keeps_the_pasted_text_escaped(app, lead):
    hostile = "<script>alert(1)</script>"

    response = add_transcript(lead.client, text=hostile, case="nope")
    page = response.get_data(as_text=True)

    assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_nothing_is_half_stored_when_the_write_fails(app, lead, monkeypatch):
    from survey.services import audit

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    before = counts(app)

    response = add_transcript(lead.client, "t.txt", TXT)

    assert response.status_code == 500
    assert counts(app) == before
