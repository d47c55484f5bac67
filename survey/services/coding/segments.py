"""Apply and remove codes on spans of documents, memos and flags on segments, and undo.

The span rules live in the library (`coding.segments`): the same coder
applying the same code to overlapping or touching text gets one segment
covering the union. Here they are applied to rows: load the coder's
segments of that code in that document as library codings, let the library
work, then write back the difference, all in one write transaction with the
log entry that lets it be undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding import model
from coding import segments as spans
from coding.errors import CodingError
from survey.extensions import write_transaction
from survey.models import Code, Coder, CodingDocument, Segment, Study, User
from survey.models.coding import new_guid
from survey.services.answers import clean_text
from survey.services.coding import log
from survey.services.coding.coders import coder_for
from survey.services.coding.errors import ChangedSince, NotFound, NothingToUndo, Refused


@dataclass(frozen=True)
class Target:
    """A span to code: a document's GUID and code-point offsets [start, end)."""

    document: str
    start: int
    end: int


def _documents(session: Session, study: Study, guids: Iterable[str]) -> dict[str, CodingDocument]:
    wanted = set(guids)
    found = {
        d.public_id: d
        for d in session.scalars(
            select(CodingDocument).where(
                CodingDocument.study_id == study.id, CodingDocument.public_id.in_(wanted)
            )
        )
    }
    if len(found) != len(wanted):
        raise NotFound("document")
    return found


def codable_codes(session: Session, study: Study, guids: Sequence[str]) -> list[Code]:
    """Return the codes `guids` of `study`; refuse categories and unknown codes."""
    if not guids:
        raise Refused("Choose at least one code.")
    codes = session.scalars(
        select(Code).where(Code.study_id == study.id, Code.public_id.in_(set(guids)))
    ).all()
    if len(codes) != len(set(guids)):
        raise NotFound("code")
    for code in codes:
        if not code.codable:
            raise Refused(
                f"“{code.name}” is a category: it groups codes and cannot be applied to text.",
                "CODE_NOT_CODABLE",
            )
    return sorted(codes, key=lambda c: c.position)


def _existing(session: Session, document: CodingDocument, code: Code, coder: Coder):
    return session.scalars(
        select(Segment).where(
            Segment.document_id == document.id,
            Segment.code_id == code.id,
            Segment.coder_id == coder.id,
        )
    ).all()


def _write_back(session, rows: Sequence[Segment], result: Iterable[model.Coding], ids: dict):
    """Make the rows of one (document, code, coder) equal the library's `result`."""
    by_guid = {row.public_id: row for row in rows}
    kept = {c.guid for c in result}
    for row in rows:
        if row.public_id not in kept:
            session.delete(row)
    session.flush()
    after = []
    for coding in result:
        row = by_guid.get(coding.guid)
        if row is None:
            row = Segment(public_id=coding.guid, **ids)
            session.add(row)
        row.start, row.end = coding.start, coding.end
        row.memo, row.distressing = coding.memo, coding.distressing
        after.append(row)
    session.flush()
    return after


def _apply_one(session, document, code, coder, target: Target, memo: str, distressing: bool):
    try:
        spans.check_span(document.length, target.start, target.end)
    except CodingError as error:
        raise Refused.from_coding_error(error) from error
    rows = _existing(session, document, code, coder)
    existing = tuple(log.as_coding(r) for r in rows)
    new = model.Coding(
        guid=new_guid(),
        document=document.public_id,
        code=code.public_id,
        coder=coder.public_id,
        start=target.start,
        end=target.end,
        memo=memo,
        distressing=distressing,
    )
    result = spans.add_coding(existing, new)
    if set(result) == set(existing):
        return [], []
    before = [log.state_of(r) for r in rows]
    ids = {"document_id": document.id, "code_id": code.id, "coder_id": coder.id}
    after = _write_back(session, rows, result, ids)
    return before, [log.state_of(r) for r in after]


def _apply_all(session, study, coder, pairs, memo: str, distressing: bool):
    """Apply each (Target, code GUID) pair; return the before and after states."""
    documents = _documents(session, study, (target.document for target, _ in pairs))
    codes = {c.public_id: c for c in codable_codes(session, study, [g for _, g in pairs])}
    return [
        _apply_one(
            session, documents[target.document], codes[guid], coder, target, memo, distressing
        )
        for target, guid in pairs
    ]


def _combine(steps) -> tuple[list, list]:
    """Return one action's (before, after) from its steps' (before, after) states.

    `before` holds each segment that existed before the action, as it was
    then; `after` holds each segment the action left, as it is now. A
    segment made by one step and changed by a later one is only in `after`.
    """
    before: dict[str, log.SegmentState] = {}
    current: dict[str, log.SegmentState] = {}
    made: set[str] = set()
    for step_before, step_after in steps:
        for state in step_before:
            if state.public_id not in current and state.public_id not in made:
                before.setdefault(state.public_id, state)
            current.pop(state.public_id, None)
        for state in step_after:
            current[state.public_id] = state
            if state.public_id not in before:
                made.add(state.public_id)
    return list(before.values()), list(current.values())


def apply_codes(
    session: Session,
    actor: User,
    study: Study,
    targets: Sequence[Target],
    code_guids: Sequence[str],
    *,
    memo: str = "",
    distressing: bool = False,
    action: str = "apply",
) -> int:
    """Apply every code in `code_guids` to every target span as `actor`; return segments changed.

    One write transaction and one log entry, however many spans: undo takes
    back the whole action ("code all these hits" included).
    """
    if not targets:
        raise Refused("There is nothing to code.")
    if not code_guids:
        raise Refused("Choose at least one code.")
    pairs = [(target, guid) for target in targets for guid in dict.fromkeys(code_guids)]
    memo = clean_text(memo)
    with write_transaction(session):
        coder = coder_for(session, study, actor)
        _lock(session, coder)
        before, after = _combine(_apply_all(session, study, coder, pairs, memo, distressing))
        if before or after:
            log.record(session, study, actor, action, before, after, spans=len(targets))
    return len(after)


def _lock(session: Session, coder: Coder) -> None:
    """Serialise one coder's changes (two tabs at once) on PostgreSQL; SQLite already does."""
    session.execute(select(Coder.id).where(Coder.id == coder.id).with_for_update())


def own_segment(session: Session, study: Study, actor: User, public_id: str) -> Segment:
    """Return `actor`'s segment `public_id` on `study`; anything else is NotFound."""
    segment = session.scalar(
        select(Segment)
        .join(Coder, Coder.id == Segment.coder_id)
        .where(Segment.public_id == public_id, Coder.study_id == study.id)
    )
    if segment is None or segment.coder.user_id != actor.id:
        raise NotFound(public_id)
    return segment


def _remove_one(session, study, actor, public_id: str, start: int | None, end: int | None):
    """Remove `actor`'s segment or a part of it; return the before and after states."""
    segment = own_segment(session, study, actor, public_id)
    _lock(session, segment.coder)
    rows = _existing(session, segment.document, segment.code, segment.coder)
    try:
        result = spans.remove_span(tuple(log.as_coding(r) for r in rows), public_id, start, end)
    except CodingError as error:
        raise Refused.from_coding_error(error) from error
    before = [log.state_of(r) for r in rows]
    ids = {
        "document_id": segment.document_id,
        "code_id": segment.code_id,
        "coder_id": segment.coder_id,
    }
    after = _write_back(session, rows, result, ids)
    return before, [log.state_of(r) for r in after]


def remove_segment(
    session: Session,
    actor: User,
    study: Study,
    public_id: str,
    start: int | None = None,
    end: int | None = None,
) -> None:
    """Remove `actor`'s segment, or only the part [start, end) of it."""
    with write_transaction(session):
        before, after = _remove_one(session, study, actor, public_id, start, end)
        log.record(session, study, actor, "remove", before, after)


def change_codes(
    session: Session,
    actor: User,
    study: Study,
    *,
    add: Sequence[tuple[Target, str]] = (),
    remove: Sequence[str] = (),
    action: str = "grid",
) -> int:
    """Remove `actor`'s segments `remove` and apply the (Target, code GUID) pairs `add`.

    One write transaction and one log entry, so one undo takes back the
    whole change (a grid save, for instance). Returns how many segments
    changed.
    """
    if not add and not remove:
        return 0
    with write_transaction(session):
        steps = [_remove_one(session, study, actor, g, None, None) for g in dict.fromkeys(remove)]
        if add:
            coder = coder_for(session, study, actor)
            steps += _apply_all(session, study, coder, list(add), "", False)
        before, after = _combine(steps)
        if before or after:
            log.record(session, study, actor, action, before, after, spans=len(add))
    return len({s.public_id for s in before} | {s.public_id for s in after})


def update_segment(
    session: Session,
    actor: User,
    study: Study,
    public_id: str,
    *,
    memo: str | None = None,
    distressing: bool | None = None,
) -> None:
    """Change the memo or the distressing flag of `actor`'s segment."""
    with write_transaction(session):
        segment = own_segment(session, study, actor, public_id)
        before = [log.state_of(segment)]
        if memo is not None:
            segment.memo = clean_text(memo)
        if distressing is not None:
            segment.distressing = distressing
        session.flush()
        action = "memo" if memo is not None else "distressing"
        log.record(session, study, actor, action, before, [log.state_of(segment)])


def _matches(session: Session, study: Study, state: log.SegmentState) -> bool:
    segment = session.scalar(select(Segment).where(Segment.public_id == state.public_id))
    return (
        segment is not None
        and segment.coder.study_id == study.id
        and (log.state_of(segment) == state)
    )


def _occupied(session: Session, state: log.SegmentState, ids: dict[str, int]) -> bool:
    """Return True when restoring `state` would overlap or touch a segment there now."""
    found = session.scalar(
        select(Segment.id).where(
            (Segment.public_id == state.public_id)
            | (
                (Segment.document_id == ids["document_id"])
                & (Segment.code_id == ids["code_id"])
                & (Segment.coder_id == ids["coder_id"])
                & (Segment.start <= state.end)
                & (Segment.end >= state.start)
            )
        )
    )
    return found is not None


def undo_last(session: Session, actor: User, study: Study) -> str:
    """Undo `actor`'s most recent coding action on `study`; return what it was."""
    with write_transaction(session):
        entry = log.last_undoable(session, study, actor)
        if entry is None:
            raise NothingToUndo()
        _lock(session, coder_for(session, study, actor))
        before, after = log.states(entry, "before"), log.states(entry, "after")
        if not all(_matches(session, study, s) for s in after):
            raise ChangedSince(entry.action)
        for state in after:
            session.delete(
                session.scalar(select(Segment).where(Segment.public_id == state.public_id))
            )
        session.flush()
        for state in before:
            ids = log.resolve_ids(session, study, state)
            if ids is None or _occupied(session, state, ids):
                # Its document was withdrawn or its code deleted since, or the
                # same coder has that code on that text again: not ours to undo.
                raise ChangedSince(entry.action)
            session.add(
                Segment(
                    public_id=state.public_id,
                    start=state.start,
                    end=state.end,
                    memo=state.memo,
                    distressing=state.distressing,
                    **ids,
                )
            )
        session.flush()
        undo = log.record(session, study, actor, "undo", after, before, undone=entry.action)
        undo.undoes_id = entry.id
    return entry.action
