"""Undo through the pages, and the coding log: who did what, when and where, never the words."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from survey.extensions import db
from survey.models import CodingCase, CodingDocument, Response
from tests.survey.coding.helpers import (
    BASE,
    add_code,
    code_span,
    coder,
    coding_study,
    segment_rows,
    sync,
)
from tests.survey.studio import post, text


@pytest.fixture
def study(app):
    """The tiny study, its documents as (GUID, text), a code and an analyst."""
    study_id = coding_study(app)
    documents = sync(app, study_id)
    fear = add_code(app, study_id, "Fear")
    return study_id, documents, fear, coder(app, study_id, email="ann@example.org")


def test_undo_takes_back_a_coding_and_returns_to_the_document(app, study):
    study_id, documents, fear, ann = study
    guid = documents[0][0]
    here = f"{BASE}/documents/{guid}"
    post(ann.client, f"{here}/codings", {"code": fear, "how": "whole"})
    assert len(segment_rows(app, study_id)) == 1
    undone = post(ann.client, f"{BASE}/undo", {"next": here})
    assert undone.status_code == 303 and undone.headers["Location"] == here
    assert segment_rows(app, study_id) == []
    assert "Undone: coded text." in text(ann.client.get(here))


def test_undo_works_end_to_end_for_remove_memo_and_distressing(app, study):
    study_id, documents, fear, ann = study
    guid = documents[0][0]
    post(ann.client, f"{BASE}/documents/{guid}/codings", {"code": fear, "how": "whole"})
    original = segment_rows(app, study_id)
    segment = original[0][0]
    post(ann.client, f"{BASE}/segments/{segment}", {"memo": "A memo"})
    post(ann.client, f"{BASE}/segments/{segment}", {"distressing": "yes"})
    post(ann.client, f"{BASE}/segments/{segment}/remove")
    assert segment_rows(app, study_id) == []
    post(ann.client, f"{BASE}/undo")
    assert segment_rows(app, study_id)[0][5:] == ("A memo", True)
    post(ann.client, f"{BASE}/undo")
    assert segment_rows(app, study_id)[0][5:] == ("A memo", False)
    post(ann.client, f"{BASE}/undo")
    assert segment_rows(app, study_id) == original


def test_undo_never_sends_anyone_off_the_coding_pages(app, study):
    study_id, documents, fear, ann = study
    for away in ("https://example.org/", "//example.org", "/coding/other/log", "javascript:x"):
        code_span(app, study_id, ann.user_id, documents[0][0], 0, 5, fear)
        response = post(ann.client, f"{BASE}/undo", {"next": away})
        assert response.headers["Location"] == f"{BASE}/log"


def test_nothing_to_undo_is_a_message(app, study):
    _, _, _, ann = study
    response = post(ann.client, f"{BASE}/undo")
    assert response.status_code == 400
    assert "You have no coding action left to undo." in text(response)


def test_undo_after_someone_else_changed_it_is_refused_with_a_message(app, study):
    study_id, documents, fear, ann = study
    afraid = add_code(app, study_id, "Afraid")
    code_span(app, study_id, ann.user_id, documents[0][0], 0, 5, afraid)
    bo = coder(app, study_id, role="researcher", email="bo@example.org")  # merging is the lead's
    post(bo.client, f"{BASE}/codebook/{afraid}/merge", {"target": fear, "confirm": "yes"})
    response = post(ann.client, f"{BASE}/undo")
    assert response.status_code == 400
    assert "has been changed since" in text(response)
    assert [r[1] for r in segment_rows(app, study_id)] == ["Fear"]


def test_the_log_shows_my_actions_with_undo_for_the_latest_and_never_the_words(app, study):
    study_id, documents, fear, ann = study
    guid, words = documents[0]
    post(ann.client, f"{BASE}/documents/{guid}/codings", {"code": fear, "how": "whole"})
    [row] = segment_rows(app, study_id)
    post(ann.client, f"{BASE}/segments/{row[0]}", {"memo": "My private memo"})
    page = text(ann.client.get(f"{BASE}/log"))
    assert "Coded text" in page and "Changed a segment’s memo" in page
    assert "Your latest action that can be undone: <strong>Changed a segment’s memo" in page
    assert f'href="/coding/tiny/documents/{guid}"' in page and "<td>Fear</td>" in page
    assert words not in page and "My private memo" not in page
    post(ann.client, f"{BASE}/undo")
    page = text(ann.client.get(f"{BASE}/log"))
    assert "Undid: changed a segment’s memo" in page
    assert '<span class="status">undone</span>' in page


def test_an_analyst_sees_only_their_own_actions_and_the_lead_sees_everyones(app, study):
    study_id, documents, fear, ann = study
    bo = coder(app, study_id, email="bo@example.org")
    lead = coder(app, study_id, role="researcher", email="lead@example.org")
    code_span(app, study_id, ann.user_id, documents[0][0], 0, 5, fear)
    code_span(app, study_id, bo.user_id, documents[1][0], 0, 5, fear)
    mine = text(ann.client.get(f"{BASE}/log"))
    assert documents[0][0] in mine and documents[1][0] not in mine
    everyone = text(lead.client.get(f"{BASE}/log"))
    assert "ann@example.org" in everyone and "bo@example.org" in everyone
    assert "Every coding action on this study" in everyone
    assert "You have nothing left to undo." in everyone


def test_the_leads_log_is_paged(app, study):
    study_id, documents, fear, _ = study
    lead = coder(app, study_id, role="researcher", email="lead@example.org")
    for start in range(0, 51):
        code_span(app, study_id, lead.user_id, documents[3][0], start, start + 1, fear)
        post(lead.client, f"{BASE}/undo")
    first = text(lead.client.get(f"{BASE}/log"))
    assert first.count("<tr") == 51  # the header row and fifty actions
    second = text(lead.client.get(f"{BASE}/log?page=3"))
    assert second.count("<tr") == 3 and 'rel="prev"' in second


def test_codebook_edits_are_logged_but_not_undone(app, study):
    _, _, fear, ann = study
    form = {"name": "Fear of harm", "kind": "code", "parent": "", "colour": "#1f77b4"}
    post(ann.client, f"{BASE}/codebook/{fear}", form)
    assert "Edited a code" in text(ann.client.get(f"{BASE}/log"))
    response = post(ann.client, f"{BASE}/undo")
    assert response.status_code == 400
    assert "You have no coding action left to undo." in text(response)


def test_the_log_names_answers_by_case_and_withdrawn_ones_as_such(app, study):
    study_id, documents, fear, ann = study
    kept, gone = documents[0][0], documents[1][0]
    code_span(app, study_id, ann.user_id, kept, 0, 5, fear)
    code_span(app, study_id, ann.user_id, gone, 0, 5, fear)
    with app.app_context():
        case = db.session.scalar(
            select(CodingCase.public_id)
            .join(CodingDocument, CodingDocument.case_id == CodingCase.id)
            .where(CodingDocument.public_id == kept)
        )
        response_id = db.session.scalar(
            select(CodingCase.response_id)
            .join(CodingDocument, CodingDocument.case_id == CodingCase.id)
            .where(CodingDocument.public_id == gone)
        )
        db.session.execute(delete(Response).where(Response.id == response_id))
        db.session.commit()
    page = text(ann.client.get(f"{BASE}/log"))
    assert f"case <code>{case[:8]}</code>" in page
    assert "a withdrawn answer" in page and gone not in page


def test_every_workspace_route_is_not_found_for_those_who_may_not_code(app, study):
    study_id, documents, fear, ann = study
    guid = documents[0][0]
    code_span(app, study_id, ann.user_id, guid, 0, 5, fear)
    segment = segment_rows(app, study_id)[0][0]
    gets = [
        "documents",
        f"documents/{guid}",
        "codebook",
        "codebook/new",
        f"codebook/{fear}",
        f"codebook/{fear}/split",
        f"codebook/{fear}/delete",
        "colours.css",
        "log",
    ]
    posts = [
        (f"documents/{guid}/codings", {"code": fear, "how": "whole"}),
        (f"segments/{segment}", {"memo": "x"}),
        (f"segments/{segment}/remove", {}),
        ("undo", {}),
        ("memos", {"target": "document", "guid": guid, "text": "x"}),
        ("preferences/distressing", {"collapse": "yes"}),
        ("codebook/new", {"name": "New", "kind": "code"}),
        (f"codebook/{fear}", {"name": "Renamed", "kind": "code"}),
        (f"codebook/{fear}/merge", {"target": fear, "confirm": "yes"}),
        (f"codebook/{fear}/delete", {"segments": "remove"}),
    ]
    steward = coder(app, study_id, role="data_steward")
    outsider = coder(app, None, role="researcher")  # may code, but not on this team
    for person in (steward, outsider):
        for path in gets:
            assert person.client.get(f"{BASE}/{path}").status_code == 404, path
        for path, form in posts:
            assert post(person.client, f"{BASE}/{path}", form).status_code == 404, path
    anonymous = app.test_client()
    for path in gets:
        assert anonymous.get(f"{BASE}/{path}").status_code == 302, path
    assert len(segment_rows(app, study_id)) == 1
