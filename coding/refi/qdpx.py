"""Read and write REFI-QDA projects (``.qdpx``): a zip of ``project.qde`` and ``sources/``.

:func:`write_qdpx` checks the project (GUIDs, references, offsets, characters),
writes ``project.qde`` and one UTF-8, LF-only ``sources/<GUID>.txt`` per
document, validates the XML against the REFI-QDA schema and zips it with fixed
timestamps, so the same project always gives the same bytes.

:func:`read_qdpx` reads a ``.qdpx`` from Heard or another tool in memory,
within :class:`~coding.refi.safe_zip.ZipLimits`; :func:`read_qdpx_report` also
returns warnings about what could not be brought over. docs/refi-qda.md has
the mapping.
"""

from __future__ import annotations

import io
import zipfile

from coding.errors import CodingError, ErrorCode
from coding.model import Project
from coding.refi._common import serialise
from coding.refi._project_check import canonical_project
from coding.refi._project_read import QdpxImport, read_project
from coding.refi._project_write import build_project
from coding.refi.safe_xml import parse_xml, validate_project_xml
from coding.refi.safe_zip import Archive, ZipLimits

PROJECT_MEMBER = "project.qde"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def write_qdpx(project: Project) -> bytes:
    """Return `project` as a ``.qdpx`` archive whose ``project.qde`` follows the REFI-QDA schema.

    Parameters
    ----------
    project : Project
        The project; document text that is not NFC with ``\\n`` line endings
        is normalised, and its codings' offsets carried over.

    Returns
    -------
    bytes
        The zip; the same project always gives the same bytes.

    Raises
    ------
    CodingError
        For a malformed or duplicated GUID, a reference to something the
        project does not hold, an offset that is not a whole number, outside
        its text or selecting nothing, a bad colour or code tree, or a
        character XML 1.0 cannot hold in a name, memo or note
        (``CHARACTER_NOT_ALLOWED``: Heard refuses rather than drops it).

    Examples
    --------
    >>> from coding.model import Code, Codebook, Coder, Coding, Document
    >>> pay = Code(guid="d7aa29da-519b-4946-9b90-253b6db8fd0a", name="Pay")
    >>> project = Project(
    ...     name="Pilot",
    ...     codebook=Codebook(codes=(pay,)),
    ...     documents=(Document(guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4", name="R1",
    ...                         text="They kept my wages."),),
    ...     coders=(Coder(guid="12365523-1035-4afa-9e7b-281fe0bc51c5", name="A"),),
    ...     codings=(Coding(guid="7c108712-b650-4892-ac0b-fc9a10190c3b",
    ...                     document="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4",
    ...                     code="d7aa29da-519b-4946-9b90-253b6db8fd0a",
    ...                     coder="12365523-1035-4afa-9e7b-281fe0bc51c5", start=13, end=18),),
    ... )
    >>> data = write_qdpx(project)
    >>> back = read_qdpx(data)
    >>> back.documents[0].text[back.codings[0].start:back.codings[0].end]
    'wages'
    >>> write_qdpx(back) == data
    True
    """
    canonical = canonical_project(project)
    root, sources = build_project(canonical)
    xml = serialise(root)
    validate_project_xml(xml)
    return _zip([(PROJECT_MEMBER, xml), *sources])


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    """Return a deflated zip of `members` with fixed times and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def read_qdpx(data: bytes, *, limits: ZipLimits | None = None) -> Project:
    """Return the project in a ``.qdpx`` from Heard or another tool.

    Parameters
    ----------
    data : bytes
        The archive's bytes.
    limits : ZipLimits, optional
        Size, member and ratio limits (default: the module constants of
        :mod:`coding.refi.safe_zip`).

    Returns
    -------
    Project
        GUIDs in canonical form, text normalised with offsets carried over.
        Non-text sources are left out: use :func:`read_qdpx_report` to say so.

    Raises
    ------
    CodingError
        For anything unsafe or wrong in the archive or its XML (see
        docs/refi-qda.md for the list); never another exception.

    Examples
    --------
    >>> read_qdpx(b"not a zip")
    Traceback (most recent call last):
    ...
    coding.errors.CodingError: This is not a readable .qdpx (zip) file: File is not a zip file.
    """
    return read_qdpx_report(data, limits=limits).project


def read_qdpx_report(data: bytes, *, limits: ZipLimits | None = None) -> QdpxImport:
    """Return the project in a ``.qdpx`` and warnings about what was left out.

    Examples
    --------
    >>> read_qdpx_report(_zip([("project.qde", b'<Project xmlns="urn:QDA-XML:project:1.0" '
    ...                                      b'name="Empty"/>')])).project.name
    'Empty'
    """
    archive = Archive(data, limits)
    member = archive.find(PROJECT_MEMBER)
    if member is None:
        raise CodingError(ErrorCode.PROJECT_MISSING)
    xml = archive.read(member)
    root = parse_xml(xml, where=member, max_bytes=archive.limits.member_bytes)
    return read_project(root, archive)
