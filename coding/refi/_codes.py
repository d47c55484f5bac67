"""The code tree as REFI-QDA writes it, in a ``.qdc`` and inside a project: ``<Codes><Code>``."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from lxml import etree

from coding.errors import CodingError, ErrorCode
from coding.model import DEFAULT_COLOUR, Code, Codebook
from coding.refi._common import (
    child_text,
    children,
    local,
    normalise_guid,
    refuse_duplicates,
    required,
    required_guid,
    sub,
    where,
)
from coding.refi._descriptions import compose_code_description, parse_code_description

_COLOUR = re.compile(r"#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def canonical_codebook(codebook: Codebook) -> Codebook:
    """Return `codebook` checked for writing: canonical GUIDs, every parent before its children.

    Raises CodingError for a malformed GUID, an unknown parent, a cycle or a
    colour that is not ``#RRGGBB`` / ``#RGB``.
    """
    codes = [_canonical_code(code) for code in codebook.codes]
    refuse_duplicates((code.guid, f"code {code.name!r}") for code in codes)
    known = {code.guid for code in codes}
    for code in codes:
        if code.parent is not None and code.parent not in known:
            raise CodingError(ErrorCode.CODE_PARENT_UNKNOWN, parent=code.parent, name=code.name)
    ordered = _preorder(codes)
    if len(ordered) != len(codes):
        stuck = next(code for code in codes if code not in ordered)
        raise CodingError(ErrorCode.CODE_CYCLE, name=stuck.name, parent=stuck.parent)
    return dataclasses.replace(codebook, codes=tuple(ordered))


def _canonical_code(code: Code) -> Code:
    place = f"code {code.name!r}"
    colour = canonical_colour(code.colour)
    if colour is None:
        raise CodingError(ErrorCode.CODE_COLOUR_INVALID, where=place, value=code.colour)
    parent = None if code.parent is None else normalise_guid(code.parent, place)
    guid = normalise_guid(code.guid, place)
    return dataclasses.replace(code, guid=guid, parent=parent, colour=colour)


def _preorder(codes: Sequence[Code]) -> list[Code]:
    """Return the codes reachable from the top in tree order, siblings in their given order."""
    under: dict[str | None, list[Code]] = {}
    for code in codes:
        under.setdefault(code.parent, []).append(code)
    ordered: list[Code] = []
    stack = list(reversed(under.get(None, [])))
    while stack:
        code = stack.pop()
        ordered.append(code)
        stack.extend(reversed(under.get(code.guid, [])))
    return ordered


def append_codes(
    parent: etree._Element, codebook: Codebook, note_refs: Mapping[str, list[str]] | None = None
) -> etree._Element:
    """Append ``<Codes>`` with the (canonical) codebook's tree under `parent`; return it.

    `note_refs` maps a code's GUID to the GUIDs of the notes about it (a
    project's ``<NoteRef>``; a ``.qdc`` has none).
    """
    codes_element = sub(parent, "Codes", "codebook")
    elements: dict[str | None, etree._Element] = {None: codes_element}
    for code in codebook.codes:  # canonical: a parent always comes first
        place = f"code {code.name!r}"
        element = sub(
            elements[code.parent],
            "Code",
            place,
            guid=code.guid,
            name=code.name,
            isCodable="true" if code.codable else "false",
            color=code.colour,
        )
        description = compose_code_description(dataclasses.asdict(code))
        if description:
            sub(element, "Description", f"{place} (description)", text=description)
        for note in (note_refs or {}).get(code.guid, []):
            sub(element, "NoteRef", place, targetGUID=note)
        elements[code.guid] = element
    return codes_element


def read_codes(
    codes_element: etree._Element, file: str
) -> tuple[list[Code], list[tuple[str, str]]]:
    """Return the codes under ``<Codes>`` (each parent first) and ``(note, code)`` NoteRef pairs."""
    codes: list[Code] = []
    note_refs: list[tuple[str, str]] = []
    for element in codes_element.iter():
        if local(element) != "Code":
            continue
        code = _read_code(element, file)
        codes.append(code)
        note_refs.extend(
            (required_guid(ref, "targetGUID", file), code.guid)
            for ref in children(element, "NoteRef")
        )
    return codes, note_refs


def _read_code(element: etree._Element, file: str) -> Code:
    above = element.getparent()
    parent = required_guid(above, "guid", file) if local(above) == "Code" else None
    codable = element.get("isCodable", "true").strip().lower()
    if codable not in _BOOLEANS:
        detail = f"isCodable is {codable!r}, not true or false"
        raise CodingError(ErrorCode.SCHEMA_INVALID, where=where(file, element), detail=detail)
    fields = parse_code_description(child_text(element, "Description") or "")
    return Code(
        guid=required_guid(element, "guid", file),
        name=required(element, "name", file),
        parent=parent,
        codable=_BOOLEANS[codable],
        colour=canonical_colour(element.get("color")) or DEFAULT_COLOUR,
        **fields,
    )


def canonical_colour(value: object) -> str | None:
    """Return a colour as ``#RRGGBB`` (expanding ``#RGB``, keeping the case), or None.

    Examples
    --------
    >>> canonical_colour("#fa0"), canonical_colour("#5B6770"), canonical_colour("red")
    ('#ffaa00', '#5B6770', None)
    """
    match = _COLOUR.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    digits = match.group(1)
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)
