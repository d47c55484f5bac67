"""A study's codebook in the database: read it as a tree, and add, edit, merge, split, delete.

The rules are the library's (`coding.codebook`): each change loads the
codebook (and the codings it touches) as library objects, lets the library
check and make the change, and writes the difference back, all in one write
transaction that re-reads everything first. Two people editing at once
therefore see each other's finished changes, never half of one: merging into
a code someone has just deleted, or renaming onto a sibling's new name, is
refused with the library's message.

Codebook edits go into the coding log (they cannot be undone there) and the
audit log (GUIDs and counts only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coding import codebook as rules
from coding import model
from coding.errors import CodingError
from survey.extensions import write_transaction
from survey.models import Code, Memo, Segment, Study, User
from survey.services import audit
from survey.services.answers import clean_text
from survey.services.coding import log
from survey.services.coding.errors import NotFound, Refused

ENTRY_FIELDS = ("definition", "when_to_use", "when_not_to_use", "example")
MAX_FIELD = 5_000


@dataclass(frozen=True)
class CodeFields:
    """What a person typed for a code: its name, parent (GUID or None), kind, entry and colour."""

    name: str
    parent: str | None = None
    codable: bool = True
    definition: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    example: str = ""
    colour: str = model.DEFAULT_COLOUR

    def entry(self) -> dict[str, object]:
        """Return the fields the library sets besides name and parent."""
        values = {name: clean_text(getattr(self, name)) for name in ENTRY_FIELDS}
        return {**values, "codable": self.codable, "colour": self.colour}


def rows(session: Session, study: Study) -> list[Code]:
    """Return the codes of `study` in tree order: depth first, siblings by position."""
    codes = session.scalars(
        select(Code).where(Code.study_id == study.id).order_by(Code.position, Code.id)
    ).all()
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    ordered: list[Code] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        code = stack.pop()
        ordered.append(code)
        stack.extend(reversed(children.get(code.id, [])))
    return ordered


def as_codebook(codes: Sequence[Code]) -> model.Codebook:
    """Return rows (in tree order) as the library's codebook."""
    guids = {code.id: code.public_id for code in codes}
    return model.Codebook(
        tuple(
            model.Code(
                guid=code.public_id,
                name=code.name,
                parent=guids.get(code.parent_id) if code.parent_id else None,
                codable=code.codable,
                definition=code.definition,
                when_to_use=code.when_to_use,
                when_not_to_use=code.when_not_to_use,
                example=code.example,
                colour=code.colour,
            )
            for code in codes
        )
    )


def paths(session: Session, study: Study) -> dict[str, str]:
    """Return {code GUID: path from the top ("Fear/of the police")} for `study`."""
    return rules.code_paths(as_codebook(rows(session, study)))


def code_row(session: Session, study: Study, guid: str) -> Code:
    """Return the code `guid` of `study`, or raise NotFound."""
    code = session.scalar(select(Code).where(Code.public_id == guid, Code.study_id == study.id))
    if code is None:
        raise NotFound(guid)
    return code


def uses(session: Session, code: Code, coder_ids: set[int] | None = None) -> int:
    """Return how many segments carry `code`: every coder's, or only those of `coder_ids`."""
    query = select(func.count()).where(Segment.code_id == code.id)
    if coder_ids is not None:
        query = query.where(Segment.coder_id.in_(coder_ids))
    return session.scalar(query) or 0


def _refuse(error: CodingError) -> Refused:
    return Refused.from_coding_error(error)


def _check_lengths(fields: CodeFields) -> None:
    for name in ENTRY_FIELDS:
        if len(getattr(fields, name)) > MAX_FIELD:
            label = name.replace("_", " ")
            raise Refused(f"The {label} is too long: the limit is {MAX_FIELD} characters.")


def _segments(session: Session, codes: Iterable[Code]) -> list[Segment]:
    ids = [code.id for code in codes]
    return list(session.scalars(select(Segment).where(Segment.code_id.in_(ids))))


@dataclass
class _Loaded:
    """The rows a change starts from, and the library project made of them."""

    codes: dict[str, Code]
    segments: dict[str, Segment]
    project: model.Project


def _load(session: Session, study: Study, involved: Iterable[str] = ()) -> _Loaded:
    """Load the codebook, and the segments of the codes `involved`, inside a transaction."""
    ordered = rows(session, study)
    codes = {code.public_id: code for code in ordered}
    touched = [codes[guid] for guid in involved if guid in codes]
    segments = {s.public_id: s for s in _segments(session, touched)}
    codings = tuple(log.as_coding(s) for s in segments.values())
    project = model.Project(study.slug, as_codebook(ordered), codings=codings)
    return _Loaded(codes, segments, project)


def _known(loaded: _Loaded, guid: str) -> Code:
    if guid not in loaded.codes:
        raise NotFound(guid)
    return loaded.codes[guid]


def _write_codes(session: Session, study: Study, loaded: _Loaded, after: model.Codebook):
    """Make the code rows match `after` (new codes added, parents and places set)."""
    places: dict[str | None, int] = {}
    for code in after.codes:
        row = loaded.codes.get(code.guid)
        if row is None:
            row = Code(public_id=code.guid, study_id=study.id)
            session.add(row)
            loaded.codes[code.guid] = row
        row.parent_id = loaded.codes[code.parent].id if code.parent else None
        row.name, row.codable, row.colour = code.name, code.codable, code.colour
        for name in ENTRY_FIELDS:
            setattr(row, name, getattr(code, name))
        row.position = places[code.parent] = places.get(code.parent, -1) + 1
        session.flush()


def _write_codings(session: Session, loaded: _Loaded, after: Sequence[model.Coding]):
    """Make the loaded segments match `after`; return the changed ones' states before and after."""
    kept = {coding.guid: coding for coding in after}
    before, changed = [], []
    for guid, segment in loaded.segments.items():
        if guid not in kept:
            before.append(log.state_of(segment))
            session.delete(segment)
    session.flush()
    for guid, coding in kept.items():
        segment = loaded.segments[guid]
        state = log.state_of(segment)
        new = replace(state, code=coding.code, memo=coding.memo, distressing=coding.distressing)
        if new != state:
            segment.code_id = loaded.codes[coding.code].id
            segment.memo, segment.distressing = coding.memo, coding.distressing
            before.append(state)
            changed.append(new)
    session.flush()
    return before, changed


def _delete_codes(session: Session, loaded: _Loaded, after: model.Codebook) -> None:
    remaining = {code.guid for code in after.codes}
    for guid in reversed(list(loaded.codes)):
        if guid not in remaining:
            session.delete(loaded.codes[guid])
            session.flush()


def _move_memos(session: Session, source: Code, target: Code) -> None:
    """Give `source`'s memos to `target`; a coder with a memo on both keeps one, joined."""
    held = {m.coder_id: m for m in session.scalars(select(Memo).where(Memo.code_id == target.id))}
    for memo in session.scalars(select(Memo).where(Memo.code_id == source.id)).all():
        if memo.coder_id in held:
            mine = held[memo.coder_id]
            mine.text = "\n\n".join(t for t in (mine.text, memo.text) if t.strip())
            session.delete(memo)
        else:
            memo.code_id = target.id
    session.flush()


def _apply(session, study, loaded: _Loaded, after: model.Project):
    """Write a library result back: codes, then codings, then the codes that went."""
    _write_codes(session, study, loaded, after.codebook)
    changed = _write_codings(session, loaded, after.codings)
    _delete_codes(session, loaded, after.codebook)
    return changed


def _record(session, study, actor, action, code: Code, changed=((), ()), **detail) -> None:
    before, after = changed
    log.record(session, study, actor, action, before, after, code=code.public_id, **detail)
    audit.record(session, actor, f"coding.{action}", code, study=study.slug, **detail)


def lock_codebook(session: Session, study: Study) -> None:
    """Take the study's codebook lock for this transaction (names are checked, then written).

    SQLite already writes one transaction at a time (BEGIN IMMEDIATE); on
    PostgreSQL two people adding the same name at once would both pass the
    check, so each codebook change first locks the study's row.
    """
    session.execute(select(Study.id).where(Study.id == study.id).with_for_update())


def add_code(session: Session, actor: User, study: Study, fields: CodeFields) -> Code:
    """Add a code or a category to `study`'s codebook; return it."""
    _check_lengths(fields)
    with write_transaction(session):
        lock_codebook(session, study)
        loaded = _load(session, study)
        try:
            after, code = rules.add_code(
                loaded.project.codebook, fields.name, fields.parent, **fields.entry()
            )
        except CodingError as error:
            raise _refuse(error) from error
        _write_codes(session, study, loaded, after)
        row = loaded.codes[code.guid]
        _record(session, study, actor, "code_add", row, codable=code.codable)
    return row


def edit_code(session: Session, actor: User, study: Study, guid: str, fields: CodeFields) -> Code:
    """Rename, move and rewrite the entry of a code; refuse what the codebook rules forbid."""
    _check_lengths(fields)
    with write_transaction(session):
        lock_codebook(session, study)
        loaded = _load(session, study)
        row = _known(loaded, guid)
        if not fields.codable and row.codable and uses(session, row):
            raise Refused(
                f"“{row.name}” is applied to text, so it cannot become a category: the "
                "study lead can merge or delete it instead.",
                "CODE_IN_USE",
            )
        book = loaded.project.codebook
        try:
            if fields.parent != book.by_guid()[guid].parent:
                book = rules.move_code(book, guid, fields.parent)
            book = rules.update_code(book, guid, name=fields.name, **fields.entry())
        except CodingError as error:
            raise _refuse(error) from error
        _write_codes(session, study, loaded, book)
        _record(session, study, actor, "code_edit", row)
    return row


def merge_code(session: Session, actor: User, study: Study, source: str, target: str) -> int:
    """Merge code `source` into `target`: its segments, subcodes and memos follow; return moved."""
    with write_transaction(session):
        lock_codebook(session, study)
        loaded = _load(session, study, (source, target))
        source_row = _known(loaded, source)
        target_row = loaded.codes.get(target)
        if target_row is None:
            raise Refused(
                "The code to merge into no longer exists: someone may have just deleted it. "
                "Choose another.",
                "CODE_UNKNOWN",
            )
        try:
            after = rules.merge_codes(loaded.project, source, target)
        except CodingError as error:
            raise _refuse(error) from error
        _move_memos(session, source_row, target_row)
        moved = sum(1 for s in loaded.segments.values() if s.code_id == source_row.id)
        changed = _apply(session, study, loaded, after)
        _record(
            session, study, actor, "code_merge", target_row, changed, source=source, moved=moved
        )
    return moved


def split_code(
    session: Session,
    actor: User,
    study: Study,
    guid: str,
    names: Sequence[str],
    assign: Mapping[str, int],
) -> list[Code]:
    """Make new codes under `guid` and move the segments `assign` names to them; return them."""
    if not names:
        raise Refused("Name at least one new code.", "CODE_NAME_EMPTY")
    with write_transaction(session):
        lock_codebook(session, study)
        loaded = _load(session, study, (guid,))
        row = _known(loaded, guid)
        try:
            after, created = rules.split_code(loaded.project, guid, list(names), dict(assign))
        except CodingError as error:
            raise _refuse(error) from error
        changed = _apply(session, study, loaded, after)
        _record(
            session, study, actor, "code_split", row, changed, parts=len(created), moved=len(assign)
        )
        return [loaded.codes[code.guid] for code in created]


def delete_code(
    session: Session, actor: User, study: Study, guid: str, segments: str = "refuse"
) -> int:
    """Delete a code; its segments are refused, removed, or moved to the code `segments`."""
    with write_transaction(session):
        lock_codebook(session, study)
        involved = (guid,) if segments in ("refuse", "remove") else (guid, segments)
        loaded = _load(session, study, involved)
        row = _known(loaded, guid)
        target = None if segments in ("refuse", "remove") else loaded.codes.get(segments)
        if segments not in ("refuse", "remove") and target is None:
            raise Refused(
                "The code to move the segments to no longer exists: choose another.",
                "CODE_UNKNOWN",
            )
        count = sum(1 for s in loaded.segments.values() if s.code_id == row.id)
        try:
            after = rules.delete_code(loaded.project, guid, segments)
        except CodingError as error:
            raise _refuse(error) from error
        if target is not None:
            _move_memos(session, row, target)
        changed = _apply(session, study, loaded, after)
        how = "moved" if target is not None else "removed"
        _record(session, study, actor, "code_delete", row, changed, segments=how, count=count)
    return count


def fields_of(session: Session, code: Code) -> CodeFields:
    """Return a code's current fields, to fill its edit form."""
    parent = session.get(Code, code.parent_id) if code.parent_id else None
    return CodeFields(
        name=code.name,
        parent=parent.public_id if parent else None,
        codable=code.codable,
        definition=code.definition,
        when_to_use=code.when_to_use,
        when_not_to_use=code.when_not_to_use,
        example=code.example,
        colour=code.colour,
    )


def split_from_form(
    session: Session,
    actor: User,
    study: Study,
    guid: str,
    names: Sequence[str],
    choices: Mapping[str, str],
) -> list[Code]:
    """Split a code as its form asks: `names` of the new codes (blanks skipped) and, by
    segment GUID, "keep" or the number of the new code it goes to (0 for the first)."""
    named = [i for i, name in enumerate(names) if name.strip()]
    index = {i: j for j, i in enumerate(named)}
    assign: dict[str, int] = {}
    for segment, choice in choices.items():
        if choice in ("", "keep"):
            continue
        if not choice.isdigit() or int(choice) >= len(names):
            raise Refused("Choose a new code for each segment, or keep it where it is.")
        if int(choice) not in index:
            raise Refused(
                f"Give new code {int(choice) + 1} a name, or move no segment to it.",
                "CODE_NAME_EMPTY",
            )
        assign[segment] = index[int(choice)]
    return split_code(session, actor, study, guid, [names[i] for i in named], assign)
