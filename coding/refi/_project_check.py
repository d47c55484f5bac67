"""Check a Project before it is written, and put it in the one form the writer expects.

The canonical form has every GUID lower case without braces, the codebook in
tree order, document text normalised (NFC, ``\\n``) with its codings' offsets
carried over, and every reference checked: a file Heard writes never points at
something it does not define.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable

from coding.errors import CodingError, ErrorCode
from coding.model import Coding, Document, Note, Project
from coding.refi._codes import canonical_codebook
from coding.refi._common import normalise_guid, refuse_duplicates
from coding.text import OffsetMap, as_offset, normalise_with_map


@dataclasses.dataclass(frozen=True)
class _Known:
    """What a coding or a note may refer to, by canonical GUID."""

    documents: dict[str, Document]
    lengths: dict[str, tuple[int, OffsetMap]]
    codes: frozenset[str]
    coders: frozenset[str]


def canonical_project(project: Project) -> Project:
    """Return `project` checked and in canonical form, or raise CodingError naming the problem."""
    codebook = canonical_codebook(project.codebook)
    coders = tuple(
        dataclasses.replace(c, guid=normalise_guid(c.guid, f"coder {c.name!r}"))
        for c in project.coders
    )
    cases = tuple(
        dataclasses.replace(c, guid=normalise_guid(c.guid, f"case {c.name!r}"))
        for c in project.cases
    )
    documents, lengths = _documents(project.documents, {case.guid for case in cases})
    known = _Known(
        documents={d.guid: d for d in documents},
        lengths=lengths,
        codes=frozenset(c.guid for c in codebook.codes),
        coders=frozenset(c.guid for c in coders),
    )
    codings = tuple(_coding(coding, known) for coding in project.codings)
    notes = tuple(_note(note, known) for note in project.notes)
    refuse_duplicates(
        _definitions(
            [("code", c.guid, c.name) for c in codebook.codes],
            [("coder", c.guid, c.name) for c in coders],
            [("case", c.guid, c.name) for c in cases],
            [("document", d.guid, d.name) for d in documents],
            [("coding", c.guid, c.guid) for c in codings],
            [("note", n.guid, n.name) for n in notes],
        )
    )
    return dataclasses.replace(
        project,
        codebook=codebook,
        documents=documents,
        cases=cases,
        coders=coders,
        codings=codings,
        notes=notes,
    )


def _definitions(*groups: list[tuple[str, str, str]]) -> Iterable[tuple[str, str]]:
    for group in groups:
        for kind, guid, label in group:
            yield guid, f"{kind} {label!r}"


def _documents(
    documents: Iterable[Document], case_guids: set[str]
) -> tuple[tuple[Document, ...], dict[str, tuple[int, OffsetMap]]]:
    """Return the documents with canonical GUIDs and normalised text, and each one's offset map."""
    result: list[Document] = []
    maps: dict[str, tuple[int, OffsetMap]] = {}
    for document in documents:
        place = f"document {document.name!r}"
        guid = normalise_guid(document.guid, place)
        case = None if document.case is None else normalise_guid(document.case, place)
        if case is not None and case not in case_guids:
            raise CodingError(ErrorCode.REFERENCE_UNKNOWN, where=place, ref=document.case)
        text, offsets = normalise_with_map(document.text)
        maps[guid] = (len(document.text), offsets)
        result.append(dataclasses.replace(document, guid=guid, case=case, text=text))
    return tuple(result), maps


def _coding(coding: Coding, known: _Known) -> Coding:
    """Return the coding with canonical GUIDs and offsets in its document's normalised text."""
    place = f"coding {coding.guid!r}"
    document = _known(coding.document, known.documents, place)
    code = _known(coding.code, known.codes, place)
    coder = _known(coding.coder, known.coders, place)
    start, end = as_offset(coding.start), as_offset(coding.end)
    if start >= end:
        error = ErrorCode.SPAN_EMPTY if start == end else ErrorCode.SPAN_REVERSED
        raise CodingError(error, where=place, start=start, end=end)
    length, offsets = known.lengths[document]
    if start < 0 or end > length:
        raise CodingError(
            ErrorCode.SELECTION_OUT_OF_RANGE,
            where=place,
            start=start,
            end=end,
            name=known.documents[document].name,
            length=length,
        )
    start, end = offsets.map_span(start, end)
    guid = normalise_guid(coding.guid, place)
    return dataclasses.replace(
        coding, guid=guid, document=document, code=code, coder=coder, start=start, end=end
    )


def _note(note: Note, known: _Known) -> Note:
    place = f"note {note.name!r}"
    targets = known.codes | known.documents.keys()
    target = None if note.target is None else _known(note.target, targets, place)
    author = None if note.author is None else _known(note.author, known.coders, place)
    guid = normalise_guid(note.guid, place)
    return dataclasses.replace(note, guid=guid, target=target, author=author)


def _known(value: str, defined: Collection[str], place: str) -> str:
    """Return `value` as a canonical GUID that is among `defined`, or raise REFERENCE_UNKNOWN."""
    guid = normalise_guid(value, place)
    if guid not in defined:
        raise CodingError(ErrorCode.REFERENCE_UNKNOWN, where=place, ref=value)
    return guid
