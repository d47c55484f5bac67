"""Defects a review found: undo onto re-made codings, NUL in typed text, encoded "..", lead-only
codebook surgery."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Memo, Segment, Study, User
from survey.services.coding import codebook, segments
from survey.services.coding.errors import ChangedSince
from survey.web.coding.views_documents import local_next
from tests.survey.coding.helpers import BASE, add_code, coder, coding_study, sync
from tests.survey.studio import post


def _as(app, user_id, function, *args, **kwargs):
    with app.app_context():
        user, study = db.session.get(User, user_id), db.session.scalar(select(Study))
        return function(db.session, user, study, *args, **kwargs)


def test_undo_refuses_to_restore_a_coding_where_the_same_one_is_again(app):
    study_id = coding_study(app)
    fear, afraid = add_code(app, study_id, "Fear"), add_code(app, study_id, "Afraid")
    lead = coder(app, study_id, role="researcher")
    [(doc, _), *_] = sync(app, study_id)
    target = segments.Target(doc, 0, 5)
    _as(app, lead.user_id, segments.apply_codes, [target], [fear])
    _as(app, lead.user_id, segments.apply_codes, [target], [afraid])
    with app.app_context():
        fear_segment = db.session.scalar(
            select(Segment.public_id).join(Segment.code).where(Segment.code.has(name="Fear"))
        )
    _as(app, lead.user_id, segments.remove_segment, fear_segment)
    _as(app, lead.user_id, codebook.merge_code, afraid, fear)  # 0-5 is Fear again

    with pytest.raises(ChangedSince):
        _as(app, lead.user_id, segments.undo_last)

    response = post(lead.client, f"{BASE}/undo")
    assert response.status_code in (303, 400)


@pytest.mark.parametrize(
    ("path", "field"),
    [("memos", "text"), ("codebook/new", "definition")],
)
def test_nul_and_control_characters_are_removed_from_typed_text(app, path, field):
    study_id = coding_study(app)
    analyst = coder(app, study_id)
    form = {"target": "study", "name": "Fresh", "kind": "code", field: "a\x00b\x07c\nd"}

    response = post(analyst.client, f"{BASE}/{path}", form)

    assert response.status_code == 303
    with app.app_context():
        stored = (
            db.session.scalar(select(Memo.text))
            if path == "memos"
            else (db.session.scalar(select(codebook.Code.definition)))
        )
    assert stored == "abc\nd"


def test_a_segment_memo_keeps_no_nul(app):
    study_id = coding_study(app)
    code = add_code(app, study_id, "Fear")
    analyst = coder(app, study_id)
    [(doc, _), *_] = sync(app, study_id)
    _as(app, analyst.user_id, segments.apply_codes, [segments.Target(doc, 0, 3)], [code],
        memo="x\x00y")  # fmt: skip
    with app.app_context():
        assert db.session.scalar(select(Segment.memo)) == "xy"


@pytest.mark.parametrize(
    "value",
    [
        "/coding/tiny/%2e%2e/%2e%2e/studio/admin",
        "/coding/tiny/%2E%2E/x",
        "/coding/tiny/a/%2F/b",
        "https://elsewhere.example/coding/tiny/x",
        "//elsewhere.example/coding/tiny/x",
    ],
)
def test_next_never_leaves_the_studys_coding_pages(value):
    assert local_next("tiny", value, "/home") == "/home"


def test_next_keeps_a_plain_coding_path():
    assert local_next("tiny", "/coding/tiny/codes?page=2#c-1", "/home") == (
        "/coding/tiny/codes?page=2#c-1"
    )


def test_an_analyst_cannot_merge_split_or_delete_codes(app):
    study_id = coding_study(app)
    fear, afraid = add_code(app, study_id, "Fear"), add_code(app, study_id, "Afraid")
    analyst = coder(app, study_id)

    merged = post(analyst.client, f"{BASE}/codebook/{afraid}/merge",
                  {"target": fear, "confirm": "yes"})  # fmt: skip
    deleted = post(analyst.client, f"{BASE}/codebook/{afraid}/delete", {"segments": "remove"})
    page = analyst.client.get(f"{BASE}/codebook").get_data(as_text=True)

    assert merged.status_code == deleted.status_code == 404
    assert f"/codebook/{afraid}/delete" not in page
    assert f"/codebook/{afraid}/split" not in page


def test_a_memo_imported_without_an_author_is_shown_to_every_coder(app):
    from survey.extensions import write_transaction
    from survey.models import CodingSettings

    study_id = coding_study(app)
    with app.app_context(), write_transaction(db.session):
        db.session.add(Memo(study_id=study_id, target="study", text="Note from NVivo"))
        db.session.add(CodingSettings(study_id=study_id, blind=True))
    analyst = coder(app, study_id)

    page = analyst.client.get(f"{BASE}/codebook").get_data(as_text=True)

    assert "Note from NVivo" in page and "Imported (no author)" in page


def test_saving_a_memo_unchanged_writes_nothing_to_the_log(app):
    from survey.models import CodingLogEntry

    study_id = coding_study(app)
    analyst = coder(app, study_id)
    for _ in range(2):
        post(analyst.client, f"{BASE}/memos", {"target": "study", "text": "Same words"})
    with app.app_context():
        actions = list(db.session.scalars(select(CodingLogEntry.action)))
    assert actions == ["note"]
