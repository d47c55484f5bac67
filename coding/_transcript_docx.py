"""Read the text of a Word (.docx) transcript safely, with no Word library.

A .docx is a zip of XML parts. It is opened with the bounded reader of
:mod:`coding.refi.safe_zip` (limits on size, members and compression ratio;
nothing touches the disk) and its XML parsed with :func:`coding.refi.safe_xml.parse_xml`
(no DOCTYPE, no entities, no network). Refused before any text is read:

- a file that is not a zip (an old binary .doc, a renamed PDF);
- macros: a ``vbaProject.bin`` part, or a macro-enabled content type (.docm);
- external content: any relationship with ``TargetMode="External"`` except a
  hyperlink, in any part (an attached template on a server, a linked OLE
  object, a frame, a linked picture, a sub-document), since opening such a
  document in Word fetches it. A hyperlink is only a link: its text is kept
  and its target dropped.

The text is the body's paragraphs in order (table cells' paragraphs in cell
order), runs joined, ``w:tab`` as a tab and ``w:br``/``w:cr`` as a line
break; tracked deletions and moved-away text are left out, insertions kept,
and field codes and fallback copies of drawings skipped. Headers, footers,
footnotes and comments are not read. Paragraphs are separated by a blank
line, so each is a paragraph of the transcript.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from coding.errors import CodingError, ErrorCode
from coding.refi.safe_xml import parse_xml
from coding.refi.safe_zip import Archive, ZipLimits

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOCX_LIMITS = ZipLimits(total_bytes=100 * 1024 * 1024, member_bytes=50 * 1024 * 1024, members=2000)
HYPERLINK_WARNING = "The document's links were not followed: their text was kept."
_SKIPPED = frozenset(
    {W + "del", W + "moveFrom", W + "instrText", W + "delText", MC + "Fallback", W + "p"}
)
_BREAKS = {W + "tab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_docx(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Return the text of the .docx `data` (paragraphs separated by blank lines) and warnings.

    Examples
    --------
    >>> import io, zipfile
    >>> body = '<w:p><w:r><w:t>R: Yes</w:t></w:r></w:p>'
    >>> xml = f'<w:document xmlns:w="{W[1:-1]}"><w:body>{body}</w:body></w:document>'
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as docx:
    ...     docx.writestr("word/document.xml", xml)
    >>> read_docx(buffer.getvalue())
    ('R: Yes', ())
    """
    archive = _open(data)
    _refuse_macros(archive)
    links = _refuse_external(archive)
    member = archive.find("word/document.xml")
    if member is None:
        raise CodingError(ErrorCode.DOCX_INVALID, detail="it has no word/document.xml part")
    root = parse_xml(archive.read(member), where=member)
    paragraphs = [_paragraph_text(p) for p in _paragraphs(root)]
    text = "\n\n".join(p for p in paragraphs if p.strip())
    return text, (HYPERLINK_WARNING,) if links else ()


def _open(data: bytes) -> Archive:
    if data.startswith(_OLE_MAGIC):
        detail = "it is an older binary Word file (.doc): save it as .docx"
        raise CodingError(ErrorCode.DOCX_INVALID, detail=detail)
    if not data.startswith(b"PK"):
        raise CodingError(ErrorCode.DOCX_INVALID, detail="it is not a zip package")
    try:
        return Archive(data, DOCX_LIMITS)
    except CodingError as error:
        if error.error is not ErrorCode.ZIP_INVALID:
            raise
        raise CodingError(ErrorCode.DOCX_INVALID, detail=error.values["detail"]) from None


def _refuse_macros(archive: Archive) -> None:
    for name in archive.names():
        if name.rsplit("/", 1)[-1].casefold() in ("vbaproject.bin", "vbadata.xml"):
            raise CodingError(ErrorCode.DOCX_MACROS, detail=f"the part {name!r}")
    types = archive.find("[Content_Types].xml")
    if types is not None and b"macroenabled" in archive.read(types).lower():
        detail = "its content type is macro-enabled, as in a .docm"
        raise CodingError(ErrorCode.DOCX_MACROS, detail=detail)


def _refuse_external(archive: Archive) -> bool:
    """Refuse external relationships other than hyperlinks; return True if there are links."""
    links = False
    for name in archive.names():
        if not name.casefold().endswith(".rels"):
            continue
        for relation in parse_xml(archive.read(name), where=name).iter(REL + "Relationship"):
            if relation.get("TargetMode", "").casefold() != "external":
                continue
            kind = relation.get("Type", "").rsplit("/", 1)[-1]
            if kind == "hyperlink":
                links = True
                continue
            detail = f"a {kind or 'link'} at {relation.get('Target', '')[:100]!r}"
            raise CodingError(ErrorCode.DOCX_EXTERNAL, where=name, detail=detail)
    return links


def _paragraphs(element: etree._Element) -> Iterator[etree._Element]:
    """Yield the paragraphs under `element` in document order, outside skipped parts."""
    for child in element:
        if child.tag == W + "p":
            yield child
        if isinstance(child.tag, str) and (child.tag == W + "p" or child.tag not in _SKIPPED):
            yield from _paragraphs(child)


def _paragraph_text(paragraph: etree._Element) -> str:
    pieces: list[str] = []
    _collect(paragraph, pieces)
    return "".join(pieces)


def _collect(element: etree._Element, pieces: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == W + "t":
            pieces.append(child.text or "")
        elif tag in _BREAKS:
            pieces.append(_BREAKS[tag])
        else:
            _collect(child, pieces)
