"""Small helpers shared by the REFI-QDA readers and writers: GUIDs, names, safe XML text."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from lxml import etree

from coding.errors import CodingError, ErrorCode

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Heard"

# GUIDs Heard derives for things it has no identifier for (a selection, a
# variable, a set) are UUID5 in this namespace, so that writing the same
# project twice gives the same file.
HEARD_NAMESPACE = uuid.UUID("6f1e7c52-3b0a-4d55-9a57-2f0c8e4b7d10")

_GUID = re.compile(
    r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?"
)
# Characters XML 1.0 cannot hold (C0 controls but tab, LF and CR; lone
# surrogates; U+FFFE and U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise_guid(value: object, where: str) -> str:
    """Return `value` as a canonical GUID (lower case, no braces), or raise GUID_INVALID.

    Examples
    --------
    >>> normalise_guid("{5215CC69-B628-4E02-AFB9-9BEEAEE55808}", "here")
    '5215cc69-b628-4e02-afb9-9beeaee55808'
    """
    text = value.strip() if isinstance(value, str) else ""
    match = _GUID.fullmatch(text)
    if match is None or text.startswith("{") != text.endswith("}"):
        raise CodingError(ErrorCode.GUID_INVALID, value=value, where=where)
    return match.group(1).lower()


def derived_guid(*parts: str) -> str:
    """Return the GUID Heard always gives the thing named by `parts`.

    Examples
    --------
    >>> derived_guid("variable", "age") == derived_guid("variable", "age")
    True
    """
    return str(uuid.uuid5(HEARD_NAMESPACE, "\x1f".join(parts)))


def refuse_duplicates(definitions: Iterable[tuple[str, str]]) -> None:
    """Raise GUID_DUPLICATED when two ``(guid, place)`` definitions share a GUID."""
    seen: dict[str, str] = {}
    for guid, place in definitions:
        if guid in seen:
            raise CodingError(ErrorCode.GUID_DUPLICATED, where=f"{seen[guid]}; {place}", value=guid)
        seen[guid] = place


def xml_safe(value: str, where: str) -> str:
    """Return `value` if XML 1.0 can hold it; raise CHARACTER_NOT_ALLOWED naming the character."""
    bad = _NOT_XML.search(value)
    if bad is not None:
        raise CodingError(ErrorCode.CHARACTER_NOT_ALLOWED, where=where, char=_describe(bad.group()))
    return value


def utf8(value: str, where: str) -> bytes:
    """Return `value` as UTF-8; raise CHARACTER_NOT_ALLOWED for a lone surrogate."""
    bad = _SURROGATE.search(value)
    if bad is not None:
        raise CodingError(ErrorCode.CHARACTER_NOT_ALLOWED, where=where, char=_describe(bad.group()))
    return value.encode("utf-8")


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def sub(
    parent: etree._Element, tag: str, where: str, text: str | None = None, **attrs: str
) -> etree._Element:
    """Append a child `tag` in the parent's namespace, with attributes in the order given."""
    namespace = etree.QName(parent).namespace
    child = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    for name, value in attrs.items():
        child.set(name, xml_safe(value, f"{where} ({name})"))
    if text is not None:
        child.text = xml_safe(text, where)
    return child


def local(element: etree._Element) -> str:
    """Return the element's name without its namespace ('' for comments and the like)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Return the direct children called `name`, whatever their namespace."""
    return [child for child in element if local(child) == name]


def child(element: etree._Element, name: str) -> etree._Element | None:
    """Return the first direct child called `name`, or None."""
    found = children(element, name)
    return found[0] if found else None


def child_text(element: etree._Element, name: str) -> str | None:
    """Return the text of the first child `name` ('' when empty), or None when there is none."""
    found = child(element, name)
    return None if found is None else (found.text or "")


def where(file: str, element: etree._Element) -> str:
    """Return a place a person can find: the file, the line and the element."""
    return f"{file}, line {element.sourceline}, <{local(element)}>"


def required(element: etree._Element, attribute: str, file: str) -> str:
    """Return a required attribute, or raise SCHEMA_INVALID saying it is missing."""
    value = element.get(attribute)
    if value is None:
        raise CodingError(
            ErrorCode.SCHEMA_INVALID,
            where=where(file, element),
            detail=f"<{local(element)}> has no {attribute!r} attribute",
        )
    return value


def required_guid(element: etree._Element, attribute: str, file: str) -> str:
    """Return a required GUID attribute in canonical form."""
    return normalise_guid(required(element, attribute, file), where(file, element))


def optional_guid(element: etree._Element, attribute: str, file: str) -> str | None:
    """Return an optional GUID attribute in canonical form, or None."""
    value = element.get(attribute)
    return None if value is None else normalise_guid(value, where(file, element))


def serialise(root: etree._Element) -> bytes:
    """Return the document as indented UTF-8 with an XML declaration, the same bytes every time."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def refuse_root(root: etree._Element, expected: str, file: str) -> None:
    """Raise SCHEMA_INVALID unless the root element is `expected`."""
    if local(root) != expected:
        detail = f"the root element is <{local(root)}>, not <{expected}>"
        raise CodingError(ErrorCode.SCHEMA_INVALID, where=file, detail=detail)


def grandchildren(element: etree._Element, name: str, inner: str) -> list[etree._Element]:
    """Return the `inner` children of the first child `name` (``<Users><User>``), or []."""
    outer = child(element, name)
    return [] if outer is None else children(outer, inner)
