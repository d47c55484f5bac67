"""Read ``<Sources>``: text sources become documents, their selections become codings.

Source text is normalised (NFC, ``\\n``) and every selection is carried over
with :func:`coding.text.normalise_with_map`: NVivo and MAXQDA count ``\\r\\n``
as two code points, so a selection after two CRLF lines moves back two places.
ATLAS.ti counts ``\\r\\n`` as one: a project whose ``origin`` names ATLAS.ti is
read that way. A selection that starts or ends inside ``\\r\\n`` or inside a
composed character is widened to the whole character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

from coding.errors import CodingError, ErrorCode
from coding.model import Coding, Document
from coding.refi._common import (
    child,
    child_text,
    children,
    derived_guid,
    local,
    optional_guid,
    required,
    required_guid,
    where,
)
from coding.refi._descriptions import parse_selection_description
from coding.refi.safe_zip import Archive
from coding.text import OffsetMap, normalise_with_map

FILE = "project.qde"
IMPORTED_CODER = derived_guid("imported coder")
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")
_INTERNAL = "internal://"


@dataclass
class SourcesRead:
    """What ``<Sources>`` held, with the references still to be checked against the rest."""

    documents: list[Document] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)
    note_targets: list[tuple[str, str]] = field(default_factory=list)  # (note, document)
    sources: set[str] = field(default_factory=set)  # every source GUID, text or not
    definitions: list[tuple[str, str]] = field(default_factory=list)  # (guid, place)
    references: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, guid, place)
    warnings: list[str] = field(default_factory=list)


def read_sources(
    sources: etree._Element | None, archive: Archive | None, crlf_is_one: bool
) -> SourcesRead:
    """Return the documents and codings of ``<Sources>`` (None when there is none)."""
    read = SourcesRead()
    for element in [] if sources is None else sources:
        kind = local(element)
        if not kind:
            continue
        guid = required_guid(element, "guid", FILE)
        read.sources.add(guid)
        read.definitions.append((guid, where(FILE, element)))
        if kind == "TextSource":
            _read_text_source(element, guid, archive, crlf_is_one, read)
        else:
            name = element.get("name", guid)
            read.warnings.append(
                f"The {kind} {name!r} was not imported: Heard codes text only, so its "
                "codings and notes were left out."
            )
    return read


def _read_text_source(
    element: etree._Element,
    guid: str,
    archive: Archive | None,
    crlf_is_one: bool,
    read: SourcesRead,
) -> None:
    name = element.get("name", "")
    raw = source_text(element, archive, name)
    if crlf_is_one:
        raw = raw.replace("\r\n", "\n")
    text, offsets = normalise_with_map(raw)
    read.documents.append(Document(guid=guid, name=name, text=text))
    read.note_targets.extend((note, guid) for note in _note_refs(element, read))
    for selection in children(element, "PlainTextSelection"):
        _read_selection(selection, guid, name, len(raw), offsets, read)
    for coding in children(element, "Coding"):
        if not text:
            read.warnings.append(f"A coding of the empty source {name!r} was left out.")
            continue
        span = (0, len(text), "", False, None)
        read.codings.append(_coding(coding, guid, span, read))


def source_text(element: etree._Element, archive: Archive | None, name: str) -> str:
    """Return a TextSource's (or Note's) plain text: inline, or from ``internal://`` in the zip."""
    inline = child_text(element, "PlainTextContent")
    if inline is not None:
        return inline
    path = element.get("plainTextPath")
    if path is None:
        detail = "it has neither plainTextPath nor PlainTextContent (only plain text is read)"
        raise CodingError(
            ErrorCode.SOURCE_UNREADABLE, where=where(FILE, element), name=name, detail=detail
        )
    if not path.casefold().startswith(_INTERNAL) or archive is None:
        detail = f"its text is outside the archive ({path!r}): export it with the sources embedded"
        raise CodingError(
            ErrorCode.SOURCE_UNREADABLE, where=where(FILE, element), name=name, detail=detail
        )
    relative = path[len(_INTERNAL) :]
    member = archive.find("sources/" + relative) or archive.find("sources/" + unquote(relative))
    if member is None:
        raise CodingError(
            ErrorCode.SOURCE_MISSING, where=where(FILE, element), name=name, path=path
        )
    return _decode(archive.read(member), name, member)


def _decode(data: bytes, name: str, member: str) -> str:
    """Return UTF-8 text without a byte-order mark, or raise SOURCE_UNREADABLE."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        detail = f"its text is not UTF-8 (byte {error.start} is {data[error.start]:#04x})"
        raise CodingError(
            ErrorCode.SOURCE_UNREADABLE, where=member, name=name, detail=detail
        ) from None


def _read_selection(
    selection: etree._Element,
    document: str,
    name: str,
    length: int,
    offsets: OffsetMap,
    read: SourcesRead,
) -> None:
    """Read one PlainTextSelection: each of its Codings becomes a coding of the same span."""
    place = where(FILE, selection)
    read.definitions.append((required_guid(selection, "guid", FILE), place))
    start, end = (_position(selection, attribute) for attribute in ("startPosition", "endPosition"))
    if start >= end:
        error = ErrorCode.SPAN_EMPTY if start == end else ErrorCode.SPAN_REVERSED
        raise CodingError(error, where=place, start=start, end=end)
    if start < 0 or end > length:
        raise CodingError(
            ErrorCode.SELECTION_OUT_OF_RANGE,
            where=place,
            start=start,
            end=end,
            name=name,
            length=length,
        )
    memo, distressing = parse_selection_description(child_text(selection, "Description") or "")
    codings = children(selection, "Coding")
    if not codings and memo:
        read.warnings.append(f"A selection in {name!r} had a memo but no code; it was left out.")
    user = optional_guid(selection, "creatingUser", FILE)
    if user is not None:
        read.references.append(("user", user, place))
    span = (*offsets.map_span(start, end), memo, distressing, user)
    read.codings.extend(_coding(coding, document, span, read) for coding in codings)
    for element in (selection, *codings):
        read.note_targets.extend((note, document) for note in _note_refs(element, read))


def _position(selection: etree._Element, attribute: str) -> int:
    value = required(selection, attribute, FILE)
    if _INTEGER.fullmatch(value) is None:
        raise CodingError(ErrorCode.OFFSET_NOT_INTEGER, where=where(FILE, selection), value=value)
    return int(value)


def _coding(
    element: etree._Element,
    document: str,
    span: tuple[int, int, str, bool, str | None],
    read: SourcesRead,
) -> Coding:
    """Return the Coding element as a coding of `span` (start, end, memo, distressing, user)."""
    place = where(FILE, element)
    start, end, memo, distressing, selection_user = span
    guid = required_guid(element, "guid", FILE)
    read.definitions.append((guid, place))
    code_ref = child(element, "CodeRef")
    if code_ref is None:
        raise CodingError(ErrorCode.SCHEMA_INVALID, where=place, detail="<Coding> has no <CodeRef>")
    code = required_guid(code_ref, "targetGUID", FILE)
    read.references.append(("code", code, place))
    coder = optional_guid(element, "creatingUser", FILE) or selection_user
    if coder is not None:
        read.references.append(("user", coder, place))
    return Coding(
        guid=guid,
        document=document,
        code=code,
        coder=coder or IMPORTED_CODER,
        start=start,
        end=end,
        memo=memo,
        distressing=distressing,
    )


def _note_refs(element: etree._Element, read: SourcesRead) -> list[str]:
    """Return the notes `element` refers to, recording the references to check."""
    notes = []
    for ref in children(element, "NoteRef"):
        notes.append(required_guid(ref, "targetGUID", FILE))
        read.references.append(("note", notes[-1], where(FILE, ref)))
    return notes
