"""The export and import page, REFI-QDA exports and the round trip through a fresh study."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import zipfile

import pandas as pd
import pytest
from lxml import etree
from sqlalchemy import select

from coding import refi
from coding.codebook_csv import read_codebook_csv
from survey.extensions import db, write_transaction
from survey.models import (
    AuditEvent,
    Coder,
    CodingCase,
    CodingDocument,
    CodingSettings,
    Memo,
    Study,
    User,
)
from survey.services.coding import exchange
from tests.conftest import make_app
from tests.factories import signed_in
from tests.survey.coding.helpers import BASE, add_code, code_span, coder, coding_study, sync
from tests.survey.studio import post

FORMATS = ("NVivo", "ATLAS.ti", "MAXQDA", "QualCoder", "R", "Stata")


def _coded(app):
    """Return (study id, lead, analyst, documents) with codes, two coders' codings and a memo."""
    study_id = coding_study(app)
    docs = sync(app, study_id)
    fear = add_code(app, study_id, "Fear", codable=False)
    police = add_code(app, study_id, "Of the police", parent=fear)
    debt = add_code(app, study_id, "Debt")
    lead = coder(app, study_id, role="researcher")
    analyst = coder(app, study_id)
    code_span(app, study_id, analyst.user_id, docs[0][0], 0, 4, police)
    code_span(app, study_id, analyst.user_id, docs[1][0], 2, 9, police, debt)
    code_span(app, study_id, lead.user_id, docs[1][0], 0, 9, debt)
    with app.app_context(), write_transaction(db.session):
        author = db.session.scalar(select(Coder).where(Coder.user_id == analyst.user_id))
        db.session.add(Memo(study_id=study_id, target="study", coder_id=author.id, text="Pilot."))
    return study_id, lead, analyst, docs


def test_the_page_explains_every_format_and_what_opens_it(app):
    study_id = coding_study(app)
    analyst = coder(app, study_id)
    page = analyst.client.get(f"{BASE}/exchange")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert all(name in text for name in FORMATS)
    assert "/export/segments?format=xlsx" in text and "/export/matrix?values=counts" in text
    assert "/export/project" not in text  # the whole project is the lead's
    assert 'action="/coding/tiny/import/codebook"' not in text


def test_the_lead_sees_the_project_export_and_the_import_forms(app):
    study_id = coding_study(app)
    lead = coder(app, study_id, role="researcher")
    text = lead.client.get(f"{BASE}/exchange").get_data(as_text=True)
    assert "/export/project" in text
    assert 'enctype="multipart/form-data"' in text and 'name="csrf_token"' in text
    assert '<label for="project-file">' in text


@pytest.mark.parametrize(
    "path",
    [
        "/exchange",
        "/export/segments",
        "/export/matrix",
        "/export/codebook",
    ],
)
def test_data_stewards_and_people_off_the_team_get_not_found(app, path):
    # The whole project is the one export a data steward may take (redacted or raw):
    # tests/survey/coding/test_redacted_exports.py.
    study_id = coding_study(app)
    steward = coder(app, study_id, role="data_steward")
    outsider = coder(app, None, role="researcher")
    assert steward.client.get(BASE + path).status_code == 404
    assert outsider.client.get(BASE + path).status_code == 404


def test_an_analyst_cannot_export_the_whole_project(app):
    study_id = coding_study(app)
    analyst = coder(app, study_id)
    assert analyst.client.get(f"{BASE}/export/project").status_code == 404


def test_an_administrator_off_the_team_may_export_the_project(app):
    coding_study(app)
    admin = signed_in(app, "admin")
    response = admin.get(f"{BASE}/export/project")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="tiny.qdpx"'


def _validate(xml: bytes, shared, schema: str) -> None:
    xsd = shared / "data" / "refi-qda" / schema
    if not xsd.exists():
        pytest.skip(f"{xsd} is not there")
    etree.XMLSchema(etree.parse(str(xsd))).assertValid(etree.fromstring(xml))


def test_the_project_export_validates_against_the_refi_qda_schema(app, shared):
    _, lead, _, docs = _coded(app)
    data = lead.client.get(f"{BASE}/export/project").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        _validate(archive.read("project.qde"), shared, "Project-mrt2019.xsd")
        texts = {archive.read(n).decode() for n in names if n.startswith("sources/")}
    assert {text for _, text in docs} == texts


def test_the_codebook_qdc_export_validates_and_reads_back(app, shared):
    _, lead, _, _ = _coded(app)
    response = lead.client.get(f"{BASE}/export/codebook?format=qdc")
    assert response.headers["Content-Disposition"] == 'attachment; filename="tiny-codebook.qdc"'
    _validate(response.data, shared, "Codebook-mrt2019.xsd")
    book = refi.read_qdc(response.data)
    assert [book.path(code.guid) for code in book.codes] == ["Fear", "Fear/Of the police", "Debt"]


def test_the_codebook_csv_export_reads_back_as_the_same_codebook(app):
    study_id, _, analyst, _ = _coded(app)
    data = analyst.client.get(f"{BASE}/export/codebook?format=csv").data
    with app.app_context():
        expected = exchange.codebook_of(db.session, db.session.get(Study, study_id))
    assert read_codebook_csv(data).codes == expected.codes


def test_a_project_export_is_audited_and_recorded_as_a_view_of_raw_text(app):
    _, lead, _, _ = _coded(app)
    lead.client.get(f"{BASE}/export/project")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    details = {e.action: json.loads(e.detail) for e in events}
    assert details["coding.export"] == {"export": "project-qdpx", "rows": 4, "text": "redacted"}
    assert details["coding.read_text"] == {"rows": 4, "view": "export:project-qdpx"}


def test_an_export_whose_audit_fails_leaves_no_record_of_reading_either(app, monkeypatch):
    study_id, lead, _, _ = _coded(app)
    write = exchange.audit.record

    def failing(session, actor, action, *args, **detail):
        if action == "coding.export":
            raise RuntimeError("the audit could not be written")
        return write(session, actor, action, *args, **detail)

    monkeypatch.setattr(exchange.audit, "record", failing)
    with app.app_context():
        study = db.session.get(Study, study_id)
        user = db.session.get(User, lead.user_id)
        with pytest.raises(RuntimeError):
            exchange.record_export(db.session, user, study, "segments-csv", 3, raw=True)
        db.session.rollback()
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "coding.read_text" not in actions  # both records or neither: one transaction


def test_in_blind_mode_a_coder_s_project_holds_only_their_own_codings_and_memos(app):
    study_id, lead, analyst, _ = _coded(app)
    with app.app_context(), write_transaction(db.session):
        db.session.add(CodingSettings(study_id=study_id, blind=True))
    with app.app_context():
        study = db.session.get(Study, study_id)
        mine = exchange.project_for(db.session, study, db.session.get(User, lead.user_id))
        theirs = exchange.project_for(db.session, study, db.session.get(User, analyst.user_id))
    assert len(mine.codings) == 4 and len(mine.coders) == 2  # the lead sees everyone's
    assert [c.name for c in theirs.coders] == [analyst.email]
    assert len(theirs.codings) == 3 and len(theirs.notes) == 1


@contextlib.contextmanager
def _fresh_app(path):
    """Yield an app on a fresh, empty database (another Heard, or the same one started over)."""
    app = make_app(path)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _as_imported(project):
    """Return `project` as another Heard holds it after the import: its people are imported."""
    return dataclasses.replace(
        project, coders=tuple(dataclasses.replace(c, kind="imported") for c in project.coders)
    )


def _with_the_same_answers(app, project) -> None:
    """Give a fresh tiny study the answers of `project` (as a restored database would)."""
    study_id = coding_study(app, [])
    with app.app_context(), write_transaction(db.session):
        cases = {}
        for case in project.cases:
            cases[case.guid] = CodingCase(
                public_id=case.guid, study_id=study_id, attributes_json=json.dumps(case.attributes)
            )
            db.session.add(cases[case.guid])
        for document in project.documents:
            db.session.add(
                CodingDocument(
                    public_id=document.guid,
                    study_id=study_id,
                    case=cases.get(document.case),
                    kind=document.kind,
                    item_id=document.question,
                    name=document.name,
                    text=document.text,
                    length=len(document.text),
                )
            )


def _import_into_fresh_study(path, data: bytes, answers: bool = True) -> tuple[bytes, str]:
    """Import a .qdpx into a fresh study in a fresh database; return its export and summary."""
    with _fresh_app(path) as app:
        if answers:
            _with_the_same_answers(app, refi.read_qdpx(data))
        else:
            coding_study(app, [])
        lead = coder(app, 1, role="researcher")
        upload = {"file": (io.BytesIO(data), "project.qdpx")}
        response = post(lead.client, f"{BASE}/import/project", upload)
        assert response.status_code == 303, response.get_data(as_text=True)
        said = lead.client.get(response.headers["Location"]).get_data(as_text=True)
        return lead.client.get(f"{BASE}/export/project").data, said


def test_export_import_into_a_fresh_study_and_export_again_gives_the_same_project(app, tmp_path):
    _, lead, _, _ = _coded(app)
    first = lead.client.get(f"{BASE}/export/project").data
    second, _ = _import_into_fresh_study(tmp_path / "second", first)
    third, said = _import_into_fresh_study(tmp_path / "third", second)
    assert refi.read_qdpx(second) == _as_imported(refi.read_qdpx(first))
    assert third == second  # from then on, byte for byte
    assert "4 codings added (0 already here)" in said and "Imported coders added" in said


def test_a_study_without_those_answers_takes_no_text_from_the_file(app, tmp_path):
    _, lead, _, _ = _coded(app)
    first = lead.client.get(f"{BASE}/export/project").data
    exported, said = _import_into_fresh_study(tmp_path / "empty", first, answers=False)
    project = refi.read_qdpx(exported)
    assert project.documents == () and project.codings == ()
    assert [c.path(c.codes[1].guid) for c in [project.codebook]] == ["Fear/Of the police"]
    assert "4 documents in the file are not among this study’s answers" in said


READERS = {
    "qdpx": lambda data: len(refi.read_qdpx(data).codings),
    "qdc": lambda data: len(refi.read_qdc(data).codes),
    "codebook-csv": lambda data: len(read_codebook_csv(data).codes),
    "segments-csv": lambda data: len(pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")),
    "segments-xlsx": lambda data: len(pd.read_excel(io.BytesIO(data))),
    "matrix-csv": lambda data: len(pd.read_csv(io.BytesIO(data))),
}


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("qdpx", 4),
        ("qdc", 3),
        ("codebook-csv", 3),
        ("segments-csv", 4),
        ("segments-xlsx", 4),
        ("matrix-csv", 4),
    ],
)
def test_heard_coding_export_writes_every_format_with_everyone_s_codings(
    app, runner, tmp_path, fmt, expected
):
    _coded(app)
    out = tmp_path / "out"
    result = runner.invoke(args=["coding", "export", "tiny", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert READERS[fmt](out.read_bytes()) == expected


def test_heard_coding_export_of_an_unknown_study_exits_2(app, runner, tmp_path):
    result = runner.invoke(
        args=["coding", "export", "nope", "--format", "qdc", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "No study called 'nope'" in result.output
