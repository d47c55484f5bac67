"""Merge an imported codebook into a study's codebook: match, add, update; never delete.

A code of the file is matched by its GUID (a code of this study), else by its
path: the same name (after NFC and case folding, as sibling names are
compared) under the same, already matched, parent. A matched code takes the
file's name and place, and the fields of its entry the file fills in (an
empty definition, or the default colour, leaves what is there: tools that
drop those fields do not wipe them). Whether it is a code or a category is
never changed by an import, since a code in use cannot become a category.
Unmatched codes are added, after their siblings. The merged codebook is
checked with the library's rules (`coding.codebook.validate_codebook`)
before anything is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding import model as lib
from coding.codebook import clean_name, name_key, validate_codebook
from coding.errors import CodingError
from survey.models import Code, Study
from survey.services.coding.exchange import codebook_of
from survey.services.errors import ServiceError

ENTRY_FIELDS = ("definition", "when_to_use", "when_not_to_use", "example")
NAMESPACE = uuid.UUID("1c8d3e0a-7f4b-4c55-b0a2-3e9d6f1a2b7c")


@dataclass(frozen=True)
class Problem:
    """One problem with an uploaded file: what, where, and its stable code."""

    message: str
    where: str | None = None
    code: str | None = None


class ImportRefused(ServiceError):
    """The file cannot be imported; nothing was changed. `problems` says why."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in self.problems))

    @classmethod
    def from_coding_error(cls, error: CodingError) -> ImportRefused:
        """Return the refusal for one library error, keeping where it is."""
        return cls([Problem(error.error.message(**error.values), error.where, error.code)])


@dataclass
class ImportSummary:
    """What an import changed, for the person and the audit log."""

    kind: str
    codes_added: list[str] = field(default_factory=list)
    codes_updated: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    codes_unchanged: int = 0
    documents_matched: int = 0
    documents_left_out: int = 0
    coders_added: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_present: int = 0
    codings_left_out: int = 0
    notes_added: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Return True when the import changed anything at all."""
        counts = (self.codings_added, self.notes_added)
        return bool(self.codes_added or self.codes_updated or self.coders_added or any(counts))


def local_guid(session: Session, model: type, study: Study, guid: str) -> str:
    """Return the GUID to store for `guid`: itself when free, else one derived from it."""
    owner = session.scalar(select(model.study_id).where(model.public_id == guid))
    if owner is None or owner == study.id:
        return guid
    return str(uuid.uuid5(NAMESPACE, f"{study.id}:{guid}"))


def _changes(old: lib.Code, new: lib.Code, parent: str | None) -> dict[str, object]:
    """Return the fields of `old` that the file's `new` changes."""
    changes: dict[str, object] = {}
    name = clean_name(new.name)
    if name != old.name:
        changes["name"] = name
    if parent != old.parent:
        changes["parent"] = parent
    for key in ENTRY_FIELDS:
        value = getattr(new, key)
        if value and value != getattr(old, key):
            changes[key] = value
    colour = new.colour.upper()
    if colour != lib.DEFAULT_COLOUR.upper() and colour != old.colour.upper():
        changes["colour"] = new.colour
    return changes


def _match(guid: str, code: lib.Code, parent: str | None, merged, taken) -> str | None:
    """Return the GUID of the code `code` is, by GUID or else by path; None for a new code.

    `guid` is the file's GUID as this study would store it (see `local_guid`).
    """
    if guid in merged and guid not in taken:
        return guid
    key = name_key(code.name)
    for guid, other in merged.items():
        if other.parent == parent and name_key(other.name) == key and guid not in taken:
            return guid
    return None


def _tree(merged: dict[str, lib.Code], late: list[str]) -> list[lib.Code]:
    """Return the merged codes depth first; moved and new codes after their siblings."""
    latecomers = set(late)
    order = [g for g in merged if g not in latecomers] + late
    children: dict[str | None, list[str]] = {}
    for guid in order:
        children.setdefault(merged[guid].parent, []).append(guid)
    ordered: list[lib.Code] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        guid = stack.pop()
        ordered.append(merged[guid])
        stack.extend(reversed(children.get(guid, [])))
    return ordered


def _plan(session: Session, study: Study, incoming: lib.Codebook, summary):
    """Return the merged codes in tree order and {file GUID: local GUID}; fill the summary."""
    merged = {code.guid: code for code in codebook_of(session, study).codes}
    existing = set(merged)
    mapping: dict[str, str] = {}
    late: list[str] = []
    changed: dict[str, tuple[str, ...]] = {}
    for code in incoming.codes:
        parent = mapping.get(code.parent) if code.parent else None
        candidate = local_guid(session, Code, study, code.guid)
        local = _match(candidate, code, parent, merged, set(mapping.values()))
        if local is None:
            local = candidate if candidate not in merged else lib.new_guid()
            merged[local] = replace(code, guid=local, name=clean_name(code.name), parent=parent)
            late.append(local)
        else:
            changes = _changes(merged[local], code, parent)
            merged[local] = replace(merged[local], **changes)
            if changes:
                changed[local] = tuple(changes)
            if "parent" in changes:
                late.append(local)
        mapping[code.guid] = local
    book = lib.Codebook(tuple(_tree(merged, late)))
    summary.codes_added = [book.path(g) for g in mapping.values() if g not in existing]
    summary.codes_updated = [(book.path(g), fields) for g, fields in changed.items()]
    summary.codes_unchanged = len(set(mapping.values()) & existing) - len(changed)
    return book, mapping


def _write(session: Session, study: Study, book: lib.Codebook) -> dict[str, Code]:
    """Make the study's code rows match `book` (adding and updating, never deleting)."""
    rows = {
        row.public_id: row for row in session.scalars(select(Code).where(Code.study_id == study.id))
    }
    positions: dict[str | None, int] = {}
    for code in book.codes:
        row = rows.get(code.guid)
        if row is None:
            row = rows[code.guid] = Code(
                public_id=code.guid, study_id=study.id, codable=code.codable
            )
            session.add(row)
        row.parent_id = rows[code.parent].id if code.parent else None
        row.name = code.name
        row.colour = code.colour
        for key in ENTRY_FIELDS:
            setattr(row, key, getattr(code, key))
        row.position = positions.get(code.parent, 0)
        positions[code.parent] = row.position + 1
        session.flush()
    return rows


def merge_codebook(
    session: Session, study: Study, incoming: lib.Codebook, summary
) -> dict[str, Code]:
    """Merge `incoming` into the study's codebook (in the caller's transaction).

    Returns {GUID in the file: the study's code row}; raises `ImportRefused`
    with every problem of the merged codebook, before writing anything.
    """
    book, mapping = _plan(session, study, incoming, summary)
    problems = validate_codebook(book)
    if problems:
        raise ImportRefused(Problem(p.error.message(**p.values), p.where, p.code) for p in problems)
    rows = _write(session, study, book)
    return {guid: rows[local] for guid, local in mapping.items()}
