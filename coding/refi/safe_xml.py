"""Parse exchange XML without trusting it, and validate it against the shipped REFI-QDA schemas.

An exchange file comes from outside: it may hold a DOCTYPE with entity
declarations (the "billion laughs" expansion, or an external entity reading
``/etc/passwd`` or a URL). Heard refuses any DOCTYPE outright, before and after
parsing, and parses with lxml's entity resolution, DTD loading and network
access all off. A malformed file gives ``XML_INVALID`` with its line; nothing
ever escapes as an lxml traceback.

The schemas are the official REFI-QDA XSDs, shipped in ``coding/refi/schemas``
(see the README there for their MIT licence).
"""

from __future__ import annotations

import threading
from importlib import resources

from lxml import etree

from coding.errors import CodingError, ErrorCode
from coding.refi._common import CODEBOOK_NS, PROJECT_NS

MAX_XML_BYTES = 50 * 1024 * 1024
PROJECT_SCHEMA = "Project-mrt2019.xsd"
CODEBOOK_SCHEMA = "Codebook-mrt2019.xsd"

_DECLARATIONS = ("<!DOCTYPE", "<!ENTITY")
_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")
_schemas = threading.local()  # lxml validators are not shared between threads


def parse_xml(data: bytes, *, where: str, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Return the root element of `data`, refusing DOCTYPEs, entities, malformed and huge XML.

    Parameters
    ----------
    data : bytes
        The XML document, as read from the file.
    where : str
        Where the XML came from, for messages (``"project.qde"``).
    max_bytes : int
        The largest document accepted.

    Returns
    -------
    lxml.etree._Element

    Raises
    ------
    CodingError
        ``FILE_TOO_LARGE``, ``XML_FORBIDDEN`` (a DOCTYPE or entity) or
        ``XML_INVALID`` (not well-formed).

    Examples
    --------
    >>> parse_xml(b"<CodeBook/>", where="x.qdc").tag
    'CodeBook'
    """
    if len(data) > max_bytes:
        raise CodingError(ErrorCode.FILE_TOO_LARGE, where=where, size=len(data), limit=max_bytes)
    _refuse_declarations(bytes(data), where)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(bytes(data), parser)
    except etree.XMLSyntaxError as error:
        raise CodingError(ErrorCode.XML_INVALID, where=where, detail=error.msg) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise CodingError(ErrorCode.XML_FORBIDDEN, where=where, feature="a DOCTYPE declaration")
    if next(root.iter(etree.Entity), None) is not None:
        raise CodingError(ErrorCode.XML_FORBIDDEN, where=where, feature="an entity reference")
    return root


def _refuse_declarations(data: bytes, where: str) -> None:
    """Refuse a DOCTYPE or ENTITY declaration before the parser sees it."""
    for declaration in _DECLARATIONS:
        for encoding in _ENCODINGS:
            if declaration.encode(encoding) in data:
                feature = f"a {declaration[2:]} declaration"
                raise CodingError(ErrorCode.XML_FORBIDDEN, where=where, feature=feature)


def validate_project_xml(xml_bytes: bytes) -> None:
    """Check a ``project.qde`` document against the REFI-QDA project schema.

    Parameters
    ----------
    xml_bytes : bytes
        The document.

    Raises
    ------
    CodingError
        ``SCHEMA_INVALID`` with the line and the schema's message (or any
        error of :func:`parse_xml`).

    Examples
    --------
    >>> validate_project_xml(b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>')
    >>> try:
    ...     validate_project_xml(b'<Project xmlns="urn:QDA-XML:project:1.0"/>')
    ... except CodingError as error:
    ...     print(error.code, error.values["line"])
    SCHEMA_INVALID 1
    """
    _validate(xml_bytes, PROJECT_SCHEMA, PROJECT_NS, "project.qde")


def validate_codebook_xml(xml_bytes: bytes) -> None:
    """Check a ``.qdc`` codebook document against the REFI-QDA codebook schema.

    Examples
    --------
    >>> validate_codebook_xml(
    ...     b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    ...     b'<Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Values" isCodable="false"/>'
    ...     b"</Codes></CodeBook>"
    ... )
    """
    _validate(xml_bytes, CODEBOOK_SCHEMA, CODEBOOK_NS, "codebook")


def _validate(xml_bytes: bytes, schema_name: str, namespace: str, where: str) -> None:
    root = parse_xml(xml_bytes, where=where)
    schema = _schema(schema_name)
    if schema.validate(root):
        return
    error = schema.error_log[0]
    message = error.message.replace(f"{{{namespace}}}", "").rstrip(".")
    raise CodingError(
        ErrorCode.SCHEMA_INVALID,
        where=where,
        detail=f"line {error.line}: {message}",
        line=error.line,
    )


def _schema(name: str) -> etree.XMLSchema:
    """Return the validator for the shipped schema `name`, one per thread."""
    cache = _schemas.__dict__
    if name not in cache:
        data = resources.files("coding.refi").joinpath("schemas", name).read_bytes()
        cache[name] = etree.XMLSchema(parse_xml(data, where=name))
    return cache[name]
