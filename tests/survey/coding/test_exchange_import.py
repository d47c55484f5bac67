"""Importing codebooks (.csv, .qdc) and projects (.qdpx): merges, round trips, hostile files."""

from __future__ import annotations

import dataclasses
import html
import io
import zipfile

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from coding import refi
from coding.model import Coder as LibCoder
from coding.model import Coding, Document, Note, new_guid
from survey.extensions import db, write_transaction
from survey.models import Code, Coder, CodingDocument, Memo, Response, Segment
from tests.factories import form_token
from tests.survey.coding.helpers import BASE, add_code, code_span, coder, coding_study, sync
from tests.survey.studio import post

COUNTED = (Code, Coder, CodingDocument, Segment, Memo)
EXAMPLE = "data/refi-qda/examples/refi15_annexA1_codebook.qdc"


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def _upload(client, which: str, data: bytes, name: str):
    """Post a file to an import, encoded in memory (the test client leaks a spooled file)."""
    form = {"csrf_token": form_token(client), "file": FileStorage(io.BytesIO(data), filename=name)}
    boundary, body = encode_multipart(form)
    return client.post(
        f"{BASE}/import/{which}",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _codes(app) -> dict[str, Code]:
    with app.app_context():
        return {c.name: c for c in db.session.scalars(select(Code))}


@pytest.fixture
def lead_study(app):
    """A tiny study with two codes and a researcher leading its coding."""
    study_id = coding_study(app)
    add_code(app, study_id, "Fear", codable=False)
    return study_id, coder(app, study_id, role="researcher")


def test_a_codebook_csv_adds_new_codes_updates_matched_ones_and_deletes_nothing(app, lead_study):
    study_id, lead = lead_study
    keep = add_code(app, study_id, "Kept as it was")
    csv = (
        b"name,path,definition,kind\r\n"
        b"Fear,Fear,Being afraid.,category\r\n"
        b"Of the police,Fear/Of the police,Afraid of officers.,code\r\n"
    )
    response = _upload(lead.client, "codebook", csv, "codebook.csv")
    assert response.status_code == 303
    page = lead.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Codes added: “Fear/Of the police”." in page
    assert "Codes updated: “Fear (definition)”." in page
    codes = _codes(app)
    assert codes["Fear"].definition == "Being afraid."
    assert codes["Of the police"].parent_id == codes["Fear"].id
    assert codes["Kept as it was"].public_id == keep


def test_a_renamed_code_is_matched_by_its_guid(app, lead_study):
    study_id, lead = lead_study
    guid = add_code(app, study_id, "Dbet")
    csv = f"guid,name\r\n{guid},Debt\r\n".encode()
    assert _upload(lead.client, "codebook", csv, "fix.csv").status_code == 303
    assert _codes(app)["Debt"].public_id == guid
    assert "Dbet" not in _codes(app)


def test_the_specification_s_example_codebook_imports(app, lead_study, shared):
    _, lead = lead_study
    data = (shared / EXAMPLE).read_bytes()
    assert _upload(lead.client, "codebook", data, "example.qdc").status_code == 303
    codes = _codes(app)
    assert codes["Economy"].definition == "Anything about jobs or taxes or business"
    assert codes["Economy"].colour.upper() == "#FFFF00"
    assert not codes["Topics"].codable
    assert codes["Economy"].public_id == "d7aa29da-519b-4946-9b90-253b6db8fd0a"


def test_importing_the_same_codebook_twice_changes_nothing_the_second_time(app, lead_study, shared):
    _, lead = lead_study
    data = (shared / EXAMPLE).read_bytes()
    _upload(lead.client, "codebook", data, "example.qdc")
    before = {name: (c.parent_id, c.definition, c.position) for name, c in _codes(app).items()}
    response = _upload(lead.client, "codebook", data, "example.qdc")
    page = lead.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "nothing changed" in page
    assert {n: (c.parent_id, c.definition, c.position) for n, c in _codes(app).items()} == before


def test_an_analyst_cannot_import(app, lead_study):
    study_id, _ = lead_study
    analyst = coder(app, study_id)
    response = _upload(analyst.client, "codebook", b"name\r\nX\r\n", "x.csv")
    assert response.status_code == 404
    assert "X" not in _codes(app)


def test_a_codebook_that_breaks_the_rules_is_refused_with_its_row(app, lead_study):
    _, lead = lead_study
    csv = b"name,colour\r\nDebt,red\r\n"
    response = _upload(lead.client, "codebook", csv, "bad.csv")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "row 2:" in page and "CODE_COLOUR_INVALID" in page and "Nothing was imported" in page
    assert "Debt" not in _codes(app)


def _project_export(app):
    """Return (study id, lead, analyst, docs, codes, .qdpx bytes) of a coded tiny study."""
    study_id = coding_study(app)
    docs = sync(app, study_id)
    fear = add_code(app, study_id, "Fear")
    lead = coder(app, study_id, role="researcher")
    analyst = coder(app, study_id)
    code_span(app, study_id, analyst.user_id, docs[0][0], 0, 4, fear)
    return study_id, lead, analyst, docs, fear, lead.client.get(f"{BASE}/export/project").data


def test_codings_made_in_another_tool_land_on_the_right_answers(app):
    _, lead, _, docs, fear, data = _project_export(app)
    project = refi.read_qdpx(data)
    nvivo = LibCoder(new_guid(), "NVivo user")
    target = docs[2][0]
    coding = Coding(new_guid(), target, fear, nvivo.guid, 5, 12)
    changed = dataclasses.replace(
        project, coders=(*project.coders, nvivo), codings=(*project.codings, coding)
    )
    response = _upload(lead.client, "project", refi.write_qdpx(changed), "from-nvivo.qdpx")
    assert response.status_code == 303
    with app.app_context():
        segment = db.session.scalar(select(Segment).where(Segment.public_id == coding.guid))
        assert segment.document.public_id == target
        assert segment.document.text[5:12] == docs[2][1][5:12]
        assert (segment.coder.name, segment.coder.kind, segment.coder.user_id) == (
            "NVivo user",
            "imported",
            None,
        )
        assert db.session.scalar(select(func.count()).select_from(Segment)) == 2


def test_new_codings_under_a_staff_member_s_name_go_to_an_imported_coder(app):
    _, lead, analyst, docs, fear, data = _project_export(app)
    project = refi.read_qdpx(data)
    [staff] = [c for c in project.coders if c.name == analyst.email]
    coding = Coding(new_guid(), docs[1][0], fear, staff.guid, 0, 3)
    changed = dataclasses.replace(project, codings=(*project.codings, coding))
    assert _upload(lead.client, "project", refi.write_qdpx(changed), "p.qdpx").status_code == 303
    with app.app_context():
        segment = db.session.scalar(select(Segment).where(Segment.public_id == coding.guid))
        assert (segment.coder.name, segment.coder.kind, segment.coder.user_id) == (
            f"{analyst.email} (imported)",
            "imported",
            None,
        )
        mine = (
            select(func.count()).select_from(Segment).join(Coder).where(Coder.user_id.is_not(None))
        )
        assert db.session.scalar(mine) == 1  # the analyst's own coding, untouched


def test_importing_the_same_project_twice_changes_nothing(app):
    _, lead, _, _, _, data = _project_export(app)
    before = _counts(app)
    first = _upload(lead.client, "project", data, "p.qdpx")
    second = _upload(lead.client, "project", data, "p.qdpx")
    assert first.status_code == second.status_code == 303
    assert _counts(app) == before
    page = lead.client.get(second.headers["Location"]).get_data(as_text=True)
    assert "nothing changed" in page


def test_an_answer_withdrawn_since_the_export_does_not_come_back(app):
    _, lead, _, docs, _, data = _project_export(app)
    with app.app_context(), write_transaction(db.session):
        document = db.session.scalar(
            select(CodingDocument).where(CodingDocument.public_id == docs[0][0])
        )
        db.session.delete(db.session.get(Response, document.case.response_id))
    response = _upload(lead.client, "project", data, "old.qdpx")
    page = lead.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 document in the file is not among this study’s answers and was left out" in page
    with app.app_context():
        texts = set(db.session.scalars(select(CodingDocument.text)))
        assert docs[0][1] not in texts
        assert db.session.scalar(select(func.count()).select_from(Segment)) == 0


def test_text_from_another_tool_is_left_out_with_its_codings_and_memos(app):
    _, lead, _, _, fear, data = _project_export(app)
    project = refi.read_qdpx(data)
    outside = Document(new_guid(), "Interview 1", "We worked every night.")
    note = Note(new_guid(), "About the interview.", target=outside.guid)
    coding = Coding(new_guid(), outside.guid, fear, project.coders[0].guid, 0, 2)
    changed = dataclasses.replace(
        project,
        documents=(*project.documents, outside),
        codings=(*project.codings, coding),
        notes=(*project.notes, note),
    )
    before = _counts(app)
    response = _upload(lead.client, "project", refi.write_qdpx(changed), "more.qdpx")
    assert response.status_code == 303
    assert _counts(app) == before


def test_a_matched_answer_whose_text_changed_is_skipped_with_its_codings_and_said(app):
    # Was refused outright; a redacted export means the text is now compared with the raw
    # text and the rendition, and a document equal to neither is skipped with a message.
    _, lead, _, docs, fear, data = _project_export(app)
    project = refi.read_qdpx(data)
    edited = tuple(
        dataclasses.replace(d, text=d.text + " Added.") if d.guid == docs[3][0] else d
        for d in project.documents
    )
    nvivo = LibCoder(new_guid(), "NVivo user")
    coding = Coding(new_guid(), docs[3][0], fear, nvivo.guid, 0, 3)
    changed = dataclasses.replace(
        project,
        documents=edited,
        coders=(*project.coders, nvivo),
        codings=(*project.codings, coding),
    )
    before = _counts(app)
    response = _upload(lead.client, "project", refi.write_qdpx(changed), "e.qdpx")
    assert response.status_code == 303
    page = lead.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "was skipped with its codings and memos" in page
    assert _counts(app) == before


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    b'<Code guid="d7aa29da-519b-4946-9b90-253b6db8fd0a" name="&b;" isCodable="true"/>'
    b"</Codes></CodeBook>"
)
HOSTILE = {
    "zip bomb": ("project", "bomb.qdpx", _zip({"project.qde": b"\0" * (30 * 1024 * 1024)})),
    "path traversal": (
        "project",
        "climb.qdpx",
        _zip({"../../etc/evil.txt": b"x", "project.qde": b"<Project/>"}),
    ),
    "XML entity": ("codebook", "entity.qdc", ENTITY),
    "over the limit": ("codebook", "big.csv", b"name\r\n" + b"x" * 2_000_000),
    "not a zip": ("project", "plain.qdpx", b"This is not a zip file at all."),
    "Latin-1 CSV": ("codebook", "latin.csv", "name\r\nPeur, café\r\n".encode("latin-1")),
    "wrong kind": ("codebook", "notes.txt", b"name\r\nX\r\n"),
}
SAID = {
    "zip bomb": "ZIP_TOO_LARGE",
    "path traversal": "ZIP_UNSAFE_MEMBER",
    "XML entity": "XML_FORBIDDEN",
    "over the limit": "FILE_TOO_LARGE",
    "not a zip": "ZIP_INVALID",
    "Latin-1 CSV": "CSV_UNREADABLE",
    "wrong kind": "FILE_TYPE",
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=lambda case: case.replace(" ", "-"))
def test_a_hostile_upload_gets_a_clear_message_and_changes_nothing(app, lead_study, case):
    _, lead = lead_study
    before = _counts(app)
    which, name, data = HOSTILE[case]
    response = _upload(lead.client, which, data, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page and SAID[case] in page
    assert "Traceback" not in page
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("which", "name", "expected"),
    [
        ("codebook", "notes.txt", "a .csv or .qdc file"),
        ("codebook", "study.qdpx", "a .csv or .qdc file"),
        ("project", "codebook.qdc", "a .qdpx file"),
    ],
)
def test_a_file_of_another_kind_is_named_and_the_kinds_that_fit_are_said(
    app, lead_study, which, name, expected
):
    _, lead = lead_study
    response = _upload(lead.client, which, b"name\r\nX\r\n", name)
    assert response.status_code == 400
    said = f"{name!r} is not a file Heard can import here: use {expected}."
    assert said in html.unescape(response.get_data(as_text=True))
    assert "X" not in _codes(app)


def test_a_file_over_the_limit_is_refused_with_its_real_size(app, lead_study):
    _, lead = lead_study
    response = _upload(lead.client, "project", b"PK" + b"x" * 1_999_998, "big.qdpx")
    assert response.status_code == 400
    assert "The file is 2000000 bytes; the limit is 1048576 bytes." in response.get_data(
        as_text=True
    )


def test_an_import_without_a_file_asks_for_one(app, lead_study):
    _, lead = lead_study
    response = post(lead.client, f"{BASE}/import/project", {})
    assert response.status_code == 400
    assert "Choose a file to import." in response.get_data(as_text=True)


def test_an_import_without_the_csrf_token_is_refused(app, lead_study):
    _, lead = lead_study
    data = {"file": (io.BytesIO(b"name\r\nX\r\n"), "x.csv")}
    response = lead.client.post(f"{BASE}/import/codebook", data=data)
    assert response.status_code == 400
    assert "X" not in _codes(app)


def test_the_command_line_exports_and_imports(app, runner, tmp_path):
    _, _, _, _, _, _ = _project_export(app)
    out = tmp_path / "tiny.qdpx"
    result = runner.invoke(args=["coding", "export", "tiny", "--format", "qdpx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert refi.read_qdpx(out.read_bytes()).codings
    matrix = tmp_path / "m.csv"
    args = ["coding", "export", "tiny", "--format", "matrix-csv", "--values", "counts"]
    assert runner.invoke(args=[*args, "--out", str(matrix)]).exit_code == 0
    assert matrix.read_text().startswith("case_id,code_fear")
    again = runner.invoke(args=["coding", "import", "tiny", str(out)])
    assert again.exit_code == 0, again.output
    assert "0 coding(s) added (1 already there)" in again.output


def test_the_command_line_refuses_a_bad_file_with_exit_2(app, runner, tmp_path):
    coding_study(app)
    bad = tmp_path / "bad.qdc"
    bad.write_bytes(ENTITY)
    result = runner.invoke(args=["coding", "import", "tiny", str(bad)])
    assert result.exit_code == 2
    assert "XML_FORBIDDEN" in result.output and "Nothing was imported." in result.output


def _with_notes(app, *notes_of):
    """Return (lead, .qdpx bytes) of the exported tiny study plus the notes made by `notes_of`."""
    _, lead, _, _, fear, data = _project_export(app)
    project = refi.read_qdpx(data)
    nvivo = LibCoder(new_guid(), "NVivo user")
    notes = tuple(make(fear, nvivo) for make in notes_of)
    changed = dataclasses.replace(
        project, coders=(*project.coders, nvivo), notes=(*project.notes, *notes)
    )
    return lead, refi.write_qdpx(changed)


def _memo_texts(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(select(Memo.target, Coder.name, Memo.text).outerjoin(Coder))
        return sorted((target, name or "", words) for target, name, words in rows)


def test_two_notes_by_one_user_on_one_code_become_one_memo_with_both_texts(app):
    lead, data = _with_notes(
        app,
        lambda code, user: Note(new_guid(), "Often about the police.", code, user.guid),
        lambda code, user: Note(new_guid(), "Check answer 3 again.", code, user.guid),
    )
    response = _upload(lead.client, "project", data, "two-notes.qdpx")
    assert response.status_code == 303
    page = lead.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 memos added." in page
    assert _memo_texts(app) == [
        ("code", "NVivo user", "Often about the police.\n\nCheck answer 3 again.")
    ]


def test_two_project_notes_without_an_author_become_one_memo(app):
    lead, data = _with_notes(
        app,
        lambda code, user: Note(new_guid(), "Coded in two rounds."),
        lambda code, user: Note(new_guid(), "Round two used the new codebook."),
    )
    assert _upload(lead.client, "project", data, "project-notes.qdpx").status_code == 303
    assert _memo_texts(app) == [
        ("study", "", "Coded in two rounds.\n\nRound two used the new codebook.")
    ]


def test_importing_joined_notes_again_changes_nothing(app):
    lead, data = _with_notes(
        app,
        lambda code, user: Note(new_guid(), "Often about the police.", code, user.guid),
        lambda code, user: Note(new_guid(), "Check answer 3 again.", code, user.guid),
        lambda code, user: Note(new_guid(), "Coded in two rounds."),
        lambda code, user: Note(new_guid(), "Round two used the new codebook."),
    )
    _upload(lead.client, "project", data, "notes.qdpx")
    before, memos = _counts(app), _memo_texts(app)
    again = _upload(lead.client, "project", data, "notes.qdpx")
    assert again.status_code == 303
    assert (_counts(app), _memo_texts(app)) == (before, memos)
    assert "nothing changed" in lead.client.get(again.headers["Location"]).get_data(as_text=True)
