"""Memos on a document, a code and the whole project: one per coder per target, shown to others
unless blind mode hides them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db, write_transaction
from survey.models import AuditEvent, CodingLogEntry, CodingSettings, Memo
from tests.survey.coding.helpers import BASE, add_code, coder, coding_study, sync
from tests.survey.studio import post, text


@pytest.fixture
def study(app):
    """The tiny study, one document's GUID, a code, and two analysts."""
    study_id = coding_study(app)
    document = sync(app, study_id)[0][0]
    fear = add_code(app, study_id, "Fear")
    ann = coder(app, study_id, email="ann@example.org")
    bo = coder(app, study_id, email="bo@example.org")
    return study_id, document, fear, ann, bo


def memos(app) -> list[tuple[str, str]]:
    with app.app_context():
        return sorted(db.session.execute(select(Memo.target, Memo.text)).all())


def test_my_memo_on_a_document_is_kept_once_and_replaced(app, study):
    _, document, _, ann, _ = study
    form = {"target": "document", "guid": document, "next": f"{BASE}/documents/{document}"}
    first = post(ann.client, f"{BASE}/memos", {**form, "text": "Mentions papers."})
    assert first.status_code == 303 and first.headers["Location"] == form["next"]
    post(ann.client, f"{BASE}/memos", {**form, "text": "Mentions papers twice."})
    assert memos(app) == [("document", "Mentions papers twice.")]
    page = text(ann.client.get(f"{BASE}/documents/{document}"))
    assert "Mentions papers twice.</textarea>" in page
    post(ann.client, f"{BASE}/memos", {**form, "text": "  "})
    assert memos(app) == []


def test_memos_on_codes_and_the_project_show_on_the_codebook(app, study):
    _, _, fear, ann, bo = study
    post(ann.client, f"{BASE}/memos", {"target": "code", "guid": fear, "text": "Ann on fear"})
    post(bo.client, f"{BASE}/memos", {"target": "study", "text": "Bo on the project"})
    page = text(ann.client.get(f"{BASE}/codebook"))
    assert "Ann on fear</textarea>" in page  # mine, in its form
    assert '<p class="memo-text">Bo on the project</p>' in page  # someone else's
    assert "Memos (1)" in page


def test_others_memos_are_hidden_in_blind_mode(app, study):
    study_id, document, fear, ann, bo = study
    post(bo.client, f"{BASE}/memos", {"target": "document", "guid": document, "text": "Bo's view"})
    post(bo.client, f"{BASE}/memos", {"target": "code", "guid": fear, "text": "Bo's code note"})
    assert "Bo&#39;s view" in text(ann.client.get(f"{BASE}/documents/{document}"))
    with app.app_context(), write_transaction(db.session):
        db.session.add(CodingSettings(study_id=study_id, blind=True))
    assert "Bo&#39;s view" not in text(ann.client.get(f"{BASE}/documents/{document}"))
    assert "Bo&#39;s code note" not in text(ann.client.get(f"{BASE}/codebook"))
    assert "Bo&#39;s view" in text(bo.client.get(f"{BASE}/documents/{document}"))


def test_writing_a_memo_is_logged_without_its_words(app, study):
    _, document, _, ann, _ = study
    post(
        ann.client,
        f"{BASE}/memos",
        {"target": "document", "guid": document, "text": "Secret words"},
    )
    with app.app_context():
        payloads = db.session.scalars(select(CodingLogEntry.payload)).all()
        details = db.session.scalars(select(AuditEvent.detail)).all()
    assert any(document in p for p in payloads)
    assert not any("Secret words" in p for p in [*payloads, *details])
    page = text(ann.client.get(f"{BASE}/log"))
    assert "Wrote a memo" in page and "Secret words" not in page


def test_bad_memo_targets_are_not_found_and_too_long_is_refused(app, study):
    _, document, _, ann, _ = study
    missing = "00000000-0000-4000-8000-000000000000"
    for form in (
        {"target": "document", "guid": missing, "text": "x"},
        {"target": "code", "guid": missing, "text": "x"},
        {"target": "response", "guid": document, "text": "x"},
    ):
        assert post(ann.client, f"{BASE}/memos", form).status_code == 404
    long = post(
        ann.client, f"{BASE}/memos", {"target": "document", "guid": document, "text": "y" * 10_001}
    )
    assert long.status_code == 400 and "The memo is 10001 characters long" in text(long)
    assert memos(app) == []


def test_a_memo_never_sends_anyone_off_the_coding_pages(app, study):
    _, document, _, ann, _ = study
    home = f"/coding/tiny/documents/{document}"
    for away in (
        "https://example.org/",
        "//example.org/x",
        "/studio/admin/users",
        "/coding/tiny/../../x",
    ):
        form = {"target": "document", "guid": document, "text": "x", "next": away}
        assert post(ann.client, f"{BASE}/memos", form).headers["Location"] == home
