"""A new study from the library, a YAML upload or an XLSForm; bad uploads create nothing."""

from __future__ import annotations

import io
import json

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.factories import form_token, instrument_yaml, make_staff, sign_in
from tests.instruments.xlsform_builders import EN, complete_settings, survey, with_part, workbook
from tests.survey.studio import audit_actions, post, study_row, team_emails, text

NEW = "/studio/studies/new"
MINIMAL_SETTINGS = {"form_title": "Work and safety", "form_id": "work-safety"}


@pytest.fixture
def researcher(app, client):
    """`client`, signed in as a researcher whose email is researcher@example.org."""
    member = make_staff(app, "researcher", email="researcher@example.org")
    sign_in(client, member.email, member.password)
    return client


def upload(client, data: bytes, filename: str, slug: str = "fresh"):
    """Post the new-study form with a file, encoded in memory.

    The test client spools a large multipart body to a temporary file that it
    never closes; encoding it here keeps big uploads from leaking a file.
    """
    form = {"csrf_token": form_token(client), "slug": slug, "source": "upload"}
    form["upload"] = FileStorage(io.BytesIO(data), filename=filename)
    boundary, body = encode_multipart(form)
    return client.post(NEW, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def xlsform(**settings: str) -> bytes:
    """Return a small XLSForm made with openpyxl: two questions, and `settings`."""
    rows = survey(
        ["text", "workplace", "Where did you work?"],
        ["integer", "years", "How many years did you work there?"],
    )
    return workbook(rows, None, settings or complete_settings())


def test_a_study_from_the_library_is_a_draft_with_its_creator_on_the_team(app, researcher):
    form = {"slug": "police-2025", "source": "library", "library": "police-response"}

    response = post(researcher, NEW, form)

    assert response.status_code == 303
    assert response.headers["Location"] == "/studio/studies/police-2025"
    created = study_row(app, "police-2025")
    assert created.status == "draft" and created.draft_source is not None
    assert team_emails(app, "police-2025") == ["researcher@example.org"]
    assert ("study.create", json.dumps({"instrument": "police-response"})) in audit_actions(app)


def test_a_draft_study_is_not_open_to_respondents(app, researcher, client):
    post(
        researcher, NEW, {"slug": "police-2025", "source": "library", "library": "police-response"}
    )

    assert app.test_client().get("/s/police-2025").status_code == 404


def test_a_valid_yaml_upload_creates_a_draft_study(app, researcher):
    response = upload(researcher, instrument_yaml().encode(), "tiny.yaml")

    assert response.status_code == 303
    assert study_row(app, "fresh").draft_source == instrument_yaml()


def test_invalid_yaml_creates_nothing_and_lists_every_problem_with_its_line(app, researcher):
    source = instrument_yaml(title="", estimated_minutes=0)

    response = upload(researcher, source.encode(), "tiny.yaml")

    page = text(response)
    assert response.status_code == 400
    assert study_row(app, "fresh") is None
    assert "EMPTY_TEXT" in page and "ESTIMATED_MINUTES" in page
    assert "tiny.yaml, line 4, title" in page
    assert "tiny.yaml, line 8, estimated_minutes" in page


def test_an_xlsform_with_placeholders_creates_a_draft_that_cannot_be_published(app, researcher):
    response = upload(researcher, xlsform(**MINIMAL_SETTINGS), "form.xlsx")

    assert response.status_code == 303
    assert response.headers["Location"] == "/studio/studies/fresh/edit"
    editor = text(researcher.get("/studio/studies/fresh/edit"))
    assert "XLSFORM_PLACEHOLDER" in editor
    assert "still need your own words" in editor
    refused = post(researcher, "/studio/studies/fresh/publish")
    assert refused.status_code == 409
    assert study_row(app, "fresh").status == "draft"


def test_the_import_warnings_are_shown_once_after_creating(app, researcher):
    upload(researcher, xlsform(**MINIMAL_SETTINGS), "form.xlsx")

    first = text(researcher.get("/studio/studies/fresh/edit"))
    again = text(researcher.get("/studio/studies/fresh/edit"))

    assert "settings row 2" in first and "[XLSFORM_PLACEHOLDER]" in first
    assert "[XLSFORM_PLACEHOLDER]" not in again


def test_a_complete_xlsform_creates_a_draft_with_its_questions(app, researcher):
    upload(researcher, xlsform(), "form.xlsx")

    draft = study_row(app, "fresh").draft_source
    assert "id: workplace" in draft and "id: years" in draft


def test_an_xlsform_with_errors_creates_nothing_and_names_the_sheet_and_row(app, researcher):
    rows = survey(["text", "workplace", "Where?"], ["geopoint", "where", "Where are you?"])

    response = upload(researcher, workbook(rows, None, complete_settings()), "form.xlsx")

    assert response.status_code == 400
    assert "XLSFORM_UNSUPPORTED_TYPE" in text(response)
    assert "survey row 3" in text(response)
    assert study_row(app, "fresh") is None


@pytest.mark.parametrize("name", ["specify_other.xlsx", "yes_or_no_question.xlsx"])
def test_the_shared_xlsforms_that_import_create_draft_studies(app, researcher, shared, name):
    data = (shared / "data" / "xlsform" / name).read_bytes()

    response = upload(researcher, data, name)

    assert response.status_code == 303
    assert study_row(app, "fresh").status == "draft"


def test_a_shared_invalid_xlsform_gives_its_row_and_creates_nothing(app, researcher, shared):
    data = (shared / "data" / "xlsform" / "invalid" / "duplicate_columns.xlsx").read_bytes()

    response = upload(researcher, data, "duplicate_columns.xlsx")

    assert response.status_code == 400
    assert "XLSFORM_DUPLICATE_COLUMN" in text(response)
    assert study_row(app, "fresh") is None


BAD_UPLOADS = [
    ("notes.txt", lambda: b"format: heard-instrument/1\n", "UPLOAD_FILE_TYPE",
     "Only .yaml, .yml, .xlsx and .xls files can be uploaded"),
    ("form.xlsm", lambda: xlsform(), "XLSFORM_MACRO_WORKBOOK", "macros"),
    ("form.xlsx", lambda: with_part(xlsform(), "xl/vbaProject.bin", b"VBA"),
     "XLSFORM_MACRO_WORKBOOK", "macros"),
    ("form.xlsx", lambda: b"type,name,label\ntext,q1,Where?\n", "XLSFORM_FILE_TYPE",
     "not an Excel workbook"),
    ("form.xls", lambda: xlsform(), "XLSFORM_FILE_TYPE", "rename it to .xlsx"),
    ("tiny.yaml", lambda: xlsform(), "FILE_UNREADABLE", "it is a spreadsheet"),
    ("tiny.yaml", lambda: b"format: heard-instrument/1\nid: a\x00b\n", "FILE_UNREADABLE",
     "NUL character on line 2"),
    ("tiny.yaml", lambda: "title: caf\u00e9\n".encode("latin-1"), "FILE_UNREADABLE", "UTF-8"),
    ("tiny.yaml", lambda: b"format: [unclosed\n", "YAML_SYNTAX", "line 2"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "code", "words"), BAD_UPLOADS, ids=lambda v: str(v)[:20])
def test_a_bad_upload_is_refused_with_a_clear_message_and_creates_nothing(
    app, researcher, name, data, code, words
):
    response = upload(researcher, data(), name)

    assert response.status_code == 400
    assert code in text(response) and words in text(response)
    assert study_row(app, "fresh") is None


def test_an_upload_over_the_limit_is_refused_with_both_sizes(app, researcher):
    limit = app.config["HEARD_UPLOAD_MAX_BYTES"]

    response = upload(researcher, b"#" * (limit + 1), "big.yaml")

    assert response.status_code == 400
    assert "DOCUMENT_TOO_LARGE" in text(response)
    assert f"{limit + 1} bytes" in text(response) and f"limit is {limit} bytes" in text(response)


def test_a_workbook_over_the_limit_is_refused_before_it_is_opened(app, researcher):
    limit = app.config["HEARD_UPLOAD_MAX_BYTES"]

    response = upload(researcher, b"PK\x03\x04" + b"0" * limit, "big.xlsx")

    assert response.status_code == 400
    assert "XLSFORM_TOO_LARGE" in text(response)


def test_a_request_far_over_the_limit_gets_a_clear_page_not_an_error(app, researcher):
    response = upload(researcher, b"#" * (3 * 1024 * 1024), "huge.yaml")

    assert response.status_code == 413
    assert "That file is too large" in text(response)
    assert study_row(app, "fresh") is None


def test_no_file_chosen_asks_for_one(app, researcher):
    response = post(researcher, NEW, {"slug": "fresh", "source": "upload"})

    assert response.status_code == 400
    assert "Choose a file to upload." in text(response)


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("", "Choose the web address"),
        ("Police Study", "lower-case letters, digits and hyphens"),
        ("-police", "lower-case letters, digits and hyphens"),
        ("new", "a word the studio uses itself"),
        ("taken", "Another study uses /s/taken already"),
    ],
)
def test_a_bad_slug_is_refused_and_nothing_is_created(app, researcher, slug, words):
    post(researcher, NEW, {"slug": "taken", "source": "library", "library": "police-response"})

    response = post(researcher, NEW, {"slug": slug, "source": "library", "library": "nope"})

    assert response.status_code == 400
    assert words in text(response)
    assert "Choose one of the bundled instruments." in text(response)
    assert len([a for a, _ in audit_actions(app) if a == "study.create"]) == 1


def test_the_form_keeps_what_was_typed_after_a_problem(app, researcher):
    response = post(researcher, NEW, {"slug": "Bad Slug", "source": "library", "library": "x"})

    assert 'value="Bad Slug"' in text(response)


def test_the_front_page_offers_new_study_only_to_those_who_may_create(app, staff):
    assert "New study" in text(staff("researcher").get("/studio/"))
    assert "New study" not in text(staff("analyst").get("/studio/"))


def test_the_language_header_of_an_xlsform_becomes_the_instruments_language(app, researcher):
    rows = survey(["text", "workplace", "Where did you work?"], header=("type", "name", "label"))
    settings = {k: v for k, v in complete_settings().items() if EN not in k}

    upload(researcher, workbook(rows, None, settings), "form.xlsx")

    assert "- en" in study_row(app, "fresh").draft_source
