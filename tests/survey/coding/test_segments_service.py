"""The coding services: apply, remove, undo, as two people using them would find them.

Overlapping codings of one code by one coder become one; sending the same
form twice codes once; two coders at once each keep their own; undo restores
exactly what was there, and refuses when someone has changed it since; a
withdrawn response takes its documents and codings with it.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select

from survey.extensions import db
from survey.models import CodingCase, CodingDocument, CodingLogEntry, Response, Segment, Study, User
from survey.services.coding import codebook, segments
from survey.services.coding.errors import ChangedSince, NothingToUndo, Refused
from survey.services.coding.segments import Target
from tests.survey.coding.helpers import add_code, coder, coding_study, segment_rows, sync


@pytest.fixture
def setting(app):
    """The tiny study with its four stories, one code, and two analysts on the team."""
    study_id = coding_study(app)
    documents = sync(app, study_id)
    fear = add_code(app, study_id, "Fear")
    ann, bo = (
        coder(app, study_id, email="ann@example.org"),
        coder(app, study_id, email="bo@example.org"),
    )
    return study_id, documents, fear, ann, bo


def run(app, study_id, user_id, action, *args, **kwargs):
    """Call a coding service as the account `user_id`."""
    with app.app_context():
        study = db.session.get(Study, study_id)
        user = db.session.get(User, user_id)
        return action(db.session, user, study, *args, **kwargs)


def apply(app, study_id, user_id, document, start, end, *codes, **kwargs):
    """Apply `codes` to [start, end) of `document` as `user_id`; return segments changed."""
    target = [Target(document, start, end)]
    return run(app, study_id, user_id, segments.apply_codes, target, list(codes), **kwargs)


def log_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CodingLogEntry))


def test_overlapping_and_touching_codings_of_one_code_become_one(app, setting):
    study_id, documents, fear, ann, _ = setting
    document = documents[0][0]
    apply(app, study_id, ann.user_id, document, 0, 10, fear, memo="first")
    apply(app, study_id, ann.user_id, document, 20, 25, fear)
    apply(app, study_id, ann.user_id, document, 8, 20, fear, memo="second")
    rows = segment_rows(app, study_id)
    assert [(r[3], r[4], r[5]) for r in rows] == [(0, 25, "first\n\nsecond")]


def test_sending_the_same_coding_twice_codes_once(app, setting):
    study_id, documents, fear, ann, _ = setting
    document = documents[0][0]
    assert apply(app, study_id, ann.user_id, document, 3, 9, fear) == 1
    entries = log_count(app)
    assert apply(app, study_id, ann.user_id, document, 3, 9, fear) == 0
    assert len(segment_rows(app, study_id)) == 1
    assert log_count(app) == entries, "a repeat that changed nothing is not logged"


def test_two_coders_coding_the_same_words_at_once_each_keep_their_own(app, setting):
    study_id, documents, fear, ann, bo = setting
    document = documents[1][0]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def code(user_id: int) -> None:
        try:
            start.wait()
            for _ in range(5):
                apply(app, study_id, user_id, document, 0, 12, fear)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=code, args=(u.user_id,)) for u in (ann, bo)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    rows = segment_rows(app, study_id)
    assert sorted(r[2] for r in rows) == ["ann@example.org", "bo@example.org"]
    assert {(r[3], r[4]) for r in rows} == {(0, 12)}


def test_a_category_cannot_be_applied_and_nothing_is_stored(app, setting):
    study_id, documents, _, ann, _ = setting
    group = add_code(app, study_id, "Police", codable=False)
    with pytest.raises(Refused) as refused:
        apply(app, study_id, ann.user_id, documents[0][0], 0, 4, group)
    assert refused.value.code == "CODE_NOT_CODABLE"
    assert segment_rows(app, study_id) == []


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [(5, 5, "SPAN_EMPTY"), (9, 2, "SPAN_REVERSED"), (0, 10_000, "SPAN_OUT_OF_RANGE")],
)
def test_bad_spans_are_refused_with_their_code(app, setting, start, end, code):
    study_id, documents, fear, ann, _ = setting
    with pytest.raises(Refused) as refused:
        apply(app, study_id, ann.user_id, documents[0][0], start, end, fear)
    assert refused.value.code == code
    assert segment_rows(app, study_id) == []


def test_undo_restores_exactly_what_was_there(app, setting):
    study_id, documents, fear, ann, _ = setting
    document = documents[0][0]
    apply(app, study_id, ann.user_id, document, 0, 10, fear, memo="kept words")
    before = segment_rows(app, study_id)
    apply(app, study_id, ann.user_id, document, 5, 30, fear, distressing=True)
    assert segment_rows(app, study_id) != before
    assert run(app, study_id, ann.user_id, segments.undo_last) == "apply"
    assert segment_rows(app, study_id) == before  # same GUID, span, memo and flag


def test_undo_takes_back_a_removal_a_memo_and_a_distressing_mark(app, setting):
    study_id, documents, fear, ann, _ = setting
    apply(app, study_id, ann.user_id, documents[0][0], 2, 12, fear, memo="m")
    original = segment_rows(app, study_id)
    guid = original[0][0]
    run(app, study_id, ann.user_id, segments.update_segment, guid, memo="changed")
    run(app, study_id, ann.user_id, segments.update_segment, guid, distressing=True)
    run(app, study_id, ann.user_id, segments.remove_segment, guid)
    assert segment_rows(app, study_id) == []
    undone = [run(app, study_id, ann.user_id, segments.undo_last) for _ in range(3)]
    assert undone == ["remove", "distressing", "memo"]
    assert segment_rows(app, study_id) == original


def test_undo_refuses_when_someone_else_has_changed_it_since(app, setting):
    study_id, documents, fear, ann, bo = setting
    afraid = add_code(app, study_id, "Afraid")
    apply(app, study_id, ann.user_id, documents[0][0], 0, 10, afraid)
    # Bo merges "Afraid" into "Fear": Ann's coding now carries another code.
    run(app, study_id, bo.user_id, codebook.merge_code, afraid, fear)
    after_merge = segment_rows(app, study_id)
    with pytest.raises(ChangedSince):
        run(app, study_id, ann.user_id, segments.undo_last)
    assert segment_rows(app, study_id) == after_merge
    assert [r[1] for r in after_merge] == ["Fear"]


def test_nobody_undoes_anyone_elses_action(app, setting):
    study_id, documents, fear, ann, bo = setting
    apply(app, study_id, ann.user_id, documents[0][0], 0, 10, fear)
    with pytest.raises(NothingToUndo):
        run(app, study_id, bo.user_id, segments.undo_last)
    assert len(segment_rows(app, study_id)) == 1


def test_withdrawing_a_response_removes_its_documents_and_codings(app, setting):
    study_id, documents, fear, ann, _ = setting
    document, _ = documents[0]
    apply(app, study_id, ann.user_id, document, 0, 10, fear)
    apply(app, study_id, ann.user_id, documents[1][0], 0, 5, fear)
    with app.app_context():
        response_id = db.session.scalar(
            select(CodingCase.response_id)
            .join(CodingDocument, CodingDocument.case_id == CodingCase.id)
            .where(CodingDocument.public_id == document)
        )
        db.session.execute(delete(Response).where(Response.id == response_id))
        db.session.commit()
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(CodingDocument)
                .where(CodingDocument.public_id == document)
            )
            == 0
        )
        assert db.session.scalar(select(func.count()).select_from(Segment)) == 1
    # Undoing the coding of the withdrawn answer cannot bring it back.
    run(app, study_id, ann.user_id, segments.undo_last)  # the second coding: undone
    with pytest.raises(ChangedSince):
        run(app, study_id, ann.user_id, segments.undo_last)
    assert segment_rows(app, study_id) == []
