"""Read and write REFI-QDA codebooks (``.qdc``).

A ``.qdc`` holds the code tree only: each code's GUID, name, whether it can be
applied (a category cannot), its colour, and one Description, in which Heard
writes the definition and guidance in a labelled layout
(:mod:`coding.refi._descriptions`; docs/refi-qda.md has the table).
"""

from __future__ import annotations

from lxml import etree

from coding.errors import CodingError, ErrorCode
from coding.model import Codebook
from coding.refi._codes import append_codes, canonical_codebook, read_codes
from coding.refi._common import (
    CODEBOOK_NS,
    ORIGIN,
    child,
    refuse_duplicates,
    refuse_root,
    serialise,
)
from coding.refi.safe_xml import MAX_XML_BYTES, parse_xml, validate_codebook_xml

FILE = "codebook"


def write_qdc(codebook: Codebook) -> bytes:
    """Return `codebook` as a ``.qdc`` document, validated against the REFI-QDA schema.

    Parameters
    ----------
    codebook : Codebook
        Codes in any order in which parents are known; they are written as a
        tree, siblings in the codebook's order.

    Returns
    -------
    bytes
        UTF-8 XML; the same codebook always gives the same bytes.

    Raises
    ------
    CodingError
        For an empty codebook (the schema needs at least one code), a bad
        GUID, colour or parent, a cycle, or a character XML cannot hold.

    Examples
    --------
    >>> from coding.model import Code
    >>> data = write_qdc(Codebook(codes=(Code(guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520",
    ...                                       name="Fear", definition="Being afraid."),)))
    >>> read_qdc(data).codes[0].definition
    'Being afraid.'
    """
    canonical = canonical_codebook(codebook)
    if not canonical.codes:
        detail = "a codebook file needs at least one code"
        raise CodingError(ErrorCode.SCHEMA_INVALID, where=FILE, detail=detail)
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", ORIGIN)
    append_codes(root, canonical)
    data = serialise(root)
    validate_codebook_xml(data)
    return data


def read_qdc(data: bytes, *, name: str = "Codebook", max_bytes: int = MAX_XML_BYTES) -> Codebook:
    """Return the codebook in a ``.qdc`` document from Heard or another tool.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    name : str
        The codebook's name (REFI-QDA codebooks carry none).
    max_bytes : int
        The largest file accepted.

    Returns
    -------
    Codebook
        Codes in document order (each parent before its children), GUIDs in
        canonical form; a plain Description becomes the definition.

    Raises
    ------
    CodingError
        For a file too large, a DOCTYPE or entity, malformed XML, a missing
        ``<Codes>``, a code without GUID or name, or a duplicated GUID.

    Examples
    --------
    >>> xml = (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    ...        b'<Code guid="{D7AA29DA-519B-4946-9B90-253B6DB8FD0A}" name="Economy" '
    ...        b'isCodable="true" color="#ffff00"><Description>Jobs</Description></Code>'
    ...        b'</Codes></CodeBook>')
    >>> code = read_qdc(xml).codes[0]
    >>> code.guid, code.definition, code.colour
    ('d7aa29da-519b-4946-9b90-253b6db8fd0a', 'Jobs', '#ffff00')
    """
    root = parse_xml(data, where=FILE, max_bytes=max_bytes)
    refuse_root(root, "CodeBook", FILE)
    codes_element = child(root, "Codes")
    if codes_element is None:
        raise CodingError(ErrorCode.SCHEMA_INVALID, where=FILE, detail="there is no <Codes>")
    codes, _ = read_codes(codes_element, FILE)
    refuse_duplicates((code.guid, f"code {code.name!r}") for code in codes)
    return Codebook(codes=tuple(codes), name=name)
