"""Coding over the redacted rendition stores raw offsets; exports and imports map both ways."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from coding import refi
from coding.text import codepoints_to_utf16
from survey.extensions import db
from survey.models import AuditEvent, Segment
from tests.factories import form_token
from tests.survey.coding.helpers import (
    BASE,
    add_code,
    code_span,
    coder,
    coding_study,
    segment_rows,
    sync,
    text_of,
)
from tests.survey.coding.test_exchange_import import _upload

RAW = "🙂 My name is Zebulon Quartermaine and the police did not believe me."
SHOWN = "🙂 My name is [NAME-1] and the police did not believe me."
OTHER = "The officer listened and found me a place to stay."


def _study(app):
    study_id = coding_study(app, [RAW, OTHER])
    docs = {text: guid for guid, text in sync(app, study_id)}
    return study_id, docs[RAW], add_code(app, study_id, "Police"), coder(app, study_id)


def _apply(person, guid: str, code: str, **form: str):
    data = {"csrf_token": form_token(person.client), "code": code, **form}
    return person.client.post(f"{BASE}/documents/{guid}/codings", data=data)


def test_the_document_text_is_the_rendition_and_codings_are_drawn_over_it(app):
    study_id, guid, code, analyst = _study(app)
    code_span(app, study_id, analyst.user_id, guid, RAW.index("Zebulon"), len(RAW) - 1, code)
    page = analyst.client.get(f"{BASE}/documents/{guid}").get_data(as_text=True)
    assert text_of(page) == SHOWN
    assert "[NAME-1] and the police did not believe me</blockquote>" in page
    assert f"characters {SHOWN.index('[NAME-1]')}–{len(SHOWN) - 1}" in page


def test_a_browser_selection_over_the_rendition_is_stored_raw(app):
    study_id, guid, code, analyst = _study(app)
    start = codepoints_to_utf16(SHOWN, SHOWN.index("the police"))
    end = codepoints_to_utf16(SHOWN, SHOWN.index("the police") + len("the police"))
    response = _apply(analyst, guid, code, start=str(start), end=str(end), units="utf16")
    assert response.status_code == 303
    [(_, _, _, first, last, _, _)] = segment_rows(app, study_id)
    assert RAW[first:last] == "the police"


def test_selecting_part_of_a_placeholder_codes_the_whole_original(app):
    study_id, guid, code, analyst = _study(app)
    at = SHOWN.index("[NAME-1]")
    _apply(analyst, guid, code, start=str(at + 2), end=str(at + 12), units="codepoints")
    [(_, _, _, first, last, _, _)] = segment_rows(app, study_id)
    assert RAW[first:last] == "Zebulon Quartermaine and"


def test_typed_words_are_found_in_the_rendition_not_the_raw_text(app):
    study_id, guid, code, analyst = _study(app)
    hidden = _apply(analyst, guid, code, how="words", words="Zebulon")
    assert hidden.status_code == 400
    assert "not in this answer" in hidden.get_data(as_text=True)
    assert _apply(analyst, guid, code, how="words", words="is [NAME-1] and").status_code == 303
    [(_, _, _, first, last, _, _)] = segment_rows(app, study_id)
    assert RAW[first:last] == "is Zebulon Quartermaine and"


def test_coding_the_whole_answer_covers_the_raw_text(app):
    study_id, guid, code, analyst = _study(app)
    _apply(analyst, guid, code, how="whole")
    [(_, _, _, first, last, _, _)] = segment_rows(app, study_id)
    assert (first, last) == (0, len(RAW))


def test_search_hits_on_a_placeholder_are_coded_on_the_raw_name(app):
    study_id, guid, code, analyst = _study(app)
    assert "kwic-hit" not in analyst.client.get(f"{BASE}/search?q=Quartermaine").get_data(
        as_text=True
    )
    page = analyst.client.get(f"{BASE}/search?q=NAME-1").get_data(as_text=True)
    assert "kwic-hit" in page
    key = f"{guid}:{SHOWN.index('NAME-1')}"
    data = {"csrf_token": form_token(analyst.client), "q": "NAME-1", "code": code, "hit": key}
    assert analyst.client.post(f"{BASE}/search", data=data).status_code == 303
    [(_, _, _, first, last, _, _)] = segment_rows(app, study_id)
    assert RAW[first:last] == "Zebulon Quartermaine"


def test_the_grid_and_code_view_show_the_rendition(app):
    study_id, guid, code, analyst = _study(app)
    code_span(app, study_id, analyst.user_id, guid, 0, len(RAW), code)
    for path in (f"{BASE}/grid/story", f"{BASE}/codes/{code}"):
        page = analyst.client.get(path).get_data(as_text=True)
        assert "[NAME-1]" in page and "Zebulon" not in page, path


def _lead_export(app):
    study_id, guid, code, analyst = _study(app)
    lead = coder(app, study_id, role="researcher")
    code_span(app, study_id, analyst.user_id, guid, RAW.index("the police"), len(RAW) - 1, code)
    code_span(app, study_id, lead.user_id, guid, 2, RAW.index(" and"), code)
    return study_id, guid, lead, lead.client.get(f"{BASE}/export/project").data


def test_the_project_export_holds_the_rendition_with_codings_drawn_over_it(app):
    _, guid, _, data = _lead_export(app)
    project = refi.read_qdpx(data)
    [document] = [d for d in project.documents if d.guid == guid]
    assert document.text == SHOWN
    spans = sorted(document.text[c.start : c.end] for c in project.codings)
    assert spans == ["My name is [NAME-1]", "the police did not believe me"]


def test_a_redacted_export_imported_again_lands_on_the_same_raw_spans(app):
    study_id, _, lead, data = _lead_export(app)
    before = segment_rows(app, study_id)
    project = refi.read_qdpx(data)
    with app.app_context():  # a new start: the codings come back only from the file
        for segment in db.session.scalars(select(Segment)):
            db.session.delete(segment)
        db.session.commit()
    response = _upload(lead.client, "project", refi.write_qdpx(project), "round.qdpx")
    assert response.status_code == 303
    after = segment_rows(app, study_id)
    assert [(r[1], r[3], r[4]) for r in after] == [(r[1], r[3], r[4]) for r in before]


def test_a_data_stewards_raw_export_is_audited_with_the_choice(app):
    study_id, _, _, _ = _lead_export(app)
    steward = coder(app, study_id, role="data_steward")
    data = steward.client.get(f"{BASE}/export/project?text=raw").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sources = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".txt")]
    assert RAW in sources
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    details = [json.loads(e.detail) for e in events if e.action == "coding.export"]
    assert details[-1] == {"export": "project-qdpx", "rows": 2, "text": "raw"}


def test_only_data_stewards_may_export_raw_text(app):
    study_id, _, lead, _ = _lead_export(app)
    assert lead.client.get(f"{BASE}/export/project?text=raw").status_code == 404
    assert lead.client.get(f"{BASE}/export/project?text=other").status_code == 404
    page = lead.client.get(f"{BASE}/exchange").get_data(as_text=True)
    assert 'value="raw"' not in page
    steward_page = coder(app, study_id, role="admin").client.get(f"{BASE}/exchange")
    assert 'value="raw"' in steward_page.get_data(as_text=True)
