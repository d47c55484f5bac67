"""Several coding changes as one action: one log entry, and one undo restores everything."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import CodingLogEntry, Segment, Study, User
from survey.services.coding import segments
from tests.factories import make_staff
from tests.survey.coding.helpers import add_code, coding_study, sync


def _spans(app) -> list[tuple[int, int]]:
    with app.app_context():
        return sorted(tuple(r) for r in db.session.execute(select(Segment.start, Segment.end)))


def _setup(app, stories):
    study_id = coding_study(app, stories)
    code = add_code(app, study_id, "Fear")
    member = make_staff(app, "analyst")
    return study_id, code, member.email


def _call(app, study_id, email, function, *args, **kwargs):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        study = db.session.get(Study, study_id)
        return function(db.session, user, study, *args, **kwargs)


def test_touching_hits_coded_at_once_become_one_segment_that_one_undo_removes(app):
    study_id, code, email = _setup(app, ["aaaa bbbb"])
    [(guid, _)] = sync(app, study_id)
    hits = [segments.Target(guid, 0, 2), segments.Target(guid, 2, 4)]

    _call(app, study_id, email, segments.apply_codes, hits, [code], action="code_hits")
    assert _spans(app) == [(0, 4)]

    assert _call(app, study_id, email, segments.undo_last) == "code_hits"
    assert _spans(app) == []


def test_a_change_that_adds_and_removes_is_one_log_entry_and_one_undo(app):
    study_id, code, email = _setup(app, ["first answer", "second answer"])
    (first, _), (second, _) = sync(app, study_id)
    _call(app, study_id, email, segments.apply_codes, [segments.Target(first, 0, 5)], [code])
    with app.app_context():
        old = db.session.scalar(select(Segment.public_id))
        entries = db.session.scalar(select(func.count()).select_from(CodingLogEntry))

    _call(
        app,
        study_id,
        email,
        segments.change_codes,
        add=[(segments.Target(second, 0, 13), code)],
        remove=[old],
    )
    assert _spans(app) == [(0, 13)]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CodingLogEntry)) == entries + 1

    assert _call(app, study_id, email, segments.undo_last) == "grid"
    with app.app_context():
        rows = db.session.execute(select(Segment.public_id, Segment.start, Segment.end)).all()
    assert [tuple(r) for r in rows] == [(old, 0, 5)]


def test_a_change_that_changes_nothing_writes_no_log_entry(app):
    study_id, _code, email = _setup(app, ["one"])
    assert _call(app, study_id, email, segments.change_codes) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CodingLogEntry)) == 0


def test_the_database_keeps_one_memo_per_coder_and_target(app):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from survey.extensions import write_transaction
    from survey.models import Coder, Memo

    study_id, _code, _ = _setup(app, ["one"])
    with app.app_context():
        coder = Coder(study_id=study_id, kind="imported", name="A")
        db.session.add(coder)
        db.session.commit()
        with pytest.raises(IntegrityError), write_transaction(db.session):
            for _ in range(2):
                db.session.add(Memo(study_id=study_id, target="study", coder_id=coder.id))
                db.session.flush()
