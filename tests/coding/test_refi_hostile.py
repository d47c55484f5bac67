"""Hostile exchange files: each is refused with a readable CodingError, never a traceback."""

from __future__ import annotations

import contextlib
import io
import struct
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coding.errors import CodingError
from coding.refi import ZipLimits, read_qdc, read_qdpx, write_qdpx
from tests.coding.test_refi_qdpx import (
    CODER,
    CODING,
    FEAR,
    NVIVO_TEXT,
    SELECTION,
    SOURCE,
    members_of,
    nvivo_qdpx,
    project_xml,
    sample_project,
    selection_xml,
    zip_members,
)

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" name="&lol3;" isCodable="true"/>
</Codes></CodeBook>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>"""


def refused(code: str, call: object, *args: object, **kwargs: object) -> CodingError:
    with pytest.raises(CodingError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    assert caught.value.code == code, str(caught.value)
    return caught.value


def test_a_codebook_with_entity_declarations_is_refused() -> None:
    error = refused("XML_FORBIDDEN", read_qdc, BILLION_LAUGHS)
    assert "DOCTYPE" in str(error)


def test_a_project_reading_a_local_file_through_an_external_entity_is_refused() -> None:
    error = refused("XML_FORBIDDEN", read_qdpx, zip_members({"project.qde": EXTERNAL_ENTITY}))
    assert "root" not in str(error)  # nothing of /etc/passwd comes back


def test_a_doctype_hidden_in_utf16_is_refused() -> None:
    xml = BILLION_LAUGHS.replace(
        b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>'
    )
    refused("XML_FORBIDDEN", read_qdc, xml.decode().encode("utf-16"))


def test_an_undeclared_entity_is_malformed_xml() -> None:
    refused(
        "XML_INVALID", read_qdc, b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0">&boom;</CodeBook>'
    )


def test_malformed_xml_is_refused_with_its_line() -> None:
    error = refused("XML_INVALID", read_qdc, b"<CodeBook>\n<Codes>\n</CodeBook>")
    assert "line 3" in str(error)


def test_deeply_nested_xml_is_refused() -> None:
    xml = b"<CodeBook><Codes>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</Codes></CodeBook>"
    refused("XML_INVALID", read_qdc, xml)


def test_an_oversized_codebook_is_refused_before_parsing() -> None:
    refused(
        "FILE_TOO_LARGE", read_qdc, b"<CodeBook>" + b" " * 2000 + b"</CodeBook>", max_bytes=1000
    )


def test_a_file_that_is_not_a_zip_is_refused() -> None:
    refused("ZIP_INVALID", read_qdpx, b"PK\x03\x04 this is not really a zip")


def test_a_zip_bomb_member_is_refused_by_its_compression_ratio() -> None:
    bomb = zip_members({"project.qde": project_xml(""), "sources/a.txt": b"\0" * (4 * 2**20)})
    body = '<Sources><TextSource guid="{}" name="a" plainTextPath="internal://a.txt"/></Sources>'
    members = members_of(bomb)
    members["project.qde"] = project_xml(body.format(SOURCE)).encode()
    refused("ZIP_TOO_LARGE", read_qdpx, zip_members(members))


def test_a_member_larger_than_the_member_limit_is_refused() -> None:
    data = zip_members({"project.qde": project_xml("") + " " * 5000})
    limits = ZipLimits(member_bytes=4096)
    refused("ZIP_TOO_LARGE", read_qdpx, data, limits=limits)


def test_members_that_together_unpack_past_the_total_limit_are_refused() -> None:
    source = "x" * 3000
    data = nvivo_qdpx(text=source)
    limits = ZipLimits(total_bytes=3400, member_bytes=4000)
    refused("ZIP_TOO_LARGE", read_qdpx, data, limits=limits)


def test_a_member_whose_header_lies_about_its_size_is_caught_while_reading() -> None:
    # The central directory claims the project is 10 bytes; it unpacks to more.
    data = bytearray(zip_members({"project.qde": project_xml("") * 50}))
    central = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 10)
    refused("ZIP_INVALID", read_qdpx, bytes(data))


def test_an_archive_larger_than_the_total_limit_is_refused_unread() -> None:
    refused("FILE_TOO_LARGE", read_qdpx, b"PK" + b"\0" * 1000, limits=ZipLimits(total_bytes=100))


def test_an_archive_with_too_many_members_is_refused() -> None:
    members = {f"sources/{i}.txt": b"" for i in range(30)}
    data = zip_members({"project.qde": project_xml(""), **members})
    refused("ZIP_TOO_MANY_MEMBERS", read_qdpx, data, limits=ZipLimits(members=20))


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "sources/../../evil.txt",
        "/etc/evil",
        "sources\\..\\evil",
        "C:evil",
        "c:/evil",
    ],
)
def test_a_member_name_leading_out_of_the_archive_is_refused(name: str) -> None:
    data = zip_members({"project.qde": project_xml(""), name: b"x"})
    error = refused("ZIP_UNSAFE_MEMBER", read_qdpx, data)
    assert repr(name) in str(error)


def test_two_members_whose_names_differ_only_in_case_are_refused() -> None:
    data = zip_members({"project.qde": project_xml(""), "Project.QDE": project_xml("")})
    refused("ZIP_INVALID", read_qdpx, data)


def test_a_member_compressed_with_bzip2_is_not_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("project.qde", project_xml(""))
    refused("ZIP_INVALID", read_qdpx, buffer.getvalue())


def test_an_encrypted_member_is_refused() -> None:
    data = bytearray(zip_members({"project.qde": project_xml("")}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.index(signature)
        struct.pack_into("<H", data, position + offset, 1)  # the "encrypted" flag
    refused("ZIP_INVALID", read_qdpx, bytes(data))


def test_an_archive_without_project_qde_is_refused() -> None:
    refused("PROJECT_MISSING", read_qdpx, zip_members({"sources/a.txt": b"text"}))


def test_an_archive_whose_project_is_not_a_project_is_refused() -> None:
    data = zip_members({"project.qde": b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'})
    refused("SCHEMA_INVALID", read_qdpx, data)


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (20, 99, "SELECTION_OUT_OF_RANGE"),
        (-3, 4, "SELECTION_OUT_OF_RANGE"),
        (5, 5, "SPAN_EMPTY"),
        (9, 4, "SPAN_REVERSED"),
        ("4.5", 6, "OFFSET_NOT_INTEGER"),
        ("", 6, "OFFSET_NOT_INTEGER"),
    ],
)
def test_a_selection_outside_its_text_or_selecting_nothing_is_refused(
    start: object, end: object, code: str
) -> None:
    error = refused(code, read_qdpx, nvivo_qdpx(selection_xml(start, end)))  # type: ignore[arg-type]
    assert "line" in str(error)


UNKNOWN = "e6c3b6f2-1111-4a4a-9a9a-000000000000"
OTHER = "4b0e3c61-9d7a-4f0e-8f4e-2c6d1a7b9e00"
CASE_WITH_UNKNOWN_SOURCE = (
    f'<Cases><Case guid="{OTHER}"><SourceRef targetGUID="{UNKNOWN}"/></Case></Cases>'
)
SET_WITH_UNKNOWN_SOURCE = (
    f'<Sets><Set guid="{OTHER}" name="Question: q"><MemberSource targetGUID="{UNKNOWN}"/>'
    "</Set></Sets>"
)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (f'<CodeRef targetGUID="{FEAR}"', f'<CodeRef targetGUID="{UNKNOWN}"'),
        (f'creatingUser="{CODER.upper()}"', f'creatingUser="{UNKNOWN}"'),
        ("</Sources>", f"</Sources>{CASE_WITH_UNKNOWN_SOURCE}"),
        ("</Coding>", f'<NoteRef targetGUID="{UNKNOWN}"/></Coding>'),
        ("</Sources>", f"</Sources>{SET_WITH_UNKNOWN_SOURCE}"),
    ],
)
def test_a_reference_to_something_the_file_does_not_define_is_refused(old: str, new: str) -> None:
    data = members_of(nvivo_qdpx(selection_xml(25, 29)))
    assert old.encode() in data["PROJECT.QDE"]
    data["PROJECT.QDE"] = data["PROJECT.QDE"].replace(old.encode(), new.encode(), 1)
    error = refused("REFERENCE_UNKNOWN", read_qdpx, zip_members(data))
    assert UNKNOWN in str(error)


def test_a_case_value_of_an_undeclared_variable_is_refused() -> None:
    case = (
        f'<Cases><Case guid="{UNKNOWN}"><VariableValue><VariableRef targetGUID="{CODING}"/>'
        "<TextValue>x</TextValue></VariableValue></Case></Cases>"
    )
    refused("REFERENCE_UNKNOWN", read_qdpx, zip_members({"project.qde": project_xml(case)}))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (f'<Coding guid="{CODING}"', f'<Coding guid="{FEAR}"'),
        (
            f'PlainTextSelection guid="{SELECTION}"',
            f'PlainTextSelection guid="{{{SOURCE.upper()}}}"',
        ),
    ],
)
def test_a_guid_defined_twice_is_refused(old: str, new: str) -> None:
    data = members_of(nvivo_qdpx(selection_xml(25, 29)))
    data["PROJECT.QDE"] = data["PROJECT.QDE"].replace(old.encode(), new.encode(), 1)
    refused("GUID_DUPLICATED", read_qdpx, zip_members(data))


def test_a_malformed_guid_is_refused() -> None:
    data = members_of(nvivo_qdpx(selection_xml(25, 29)))
    data["PROJECT.QDE"] = data["PROJECT.QDE"].replace(CODING.encode(), b"not-a-guid")
    error = refused("GUID_INVALID", read_qdpx, zip_members(data))
    assert "'not-a-guid'" in str(error)


def test_a_source_that_is_not_utf8_is_refused() -> None:
    error = refused(
        "SOURCE_UNREADABLE", read_qdpx, nvivo_qdpx(text=NVIVO_TEXT.encode("cp1252") + b"\xe9")
    )
    assert "not UTF-8" in str(error)


def test_a_source_file_missing_from_the_archive_is_refused() -> None:
    data = members_of(nvivo_qdpx())
    del data[f"Sources/{SOURCE.upper()}.txt"]
    refused("SOURCE_MISSING", read_qdpx, zip_members(data))


def test_a_source_path_cannot_climb_out_of_the_sources_folder() -> None:
    data = members_of(nvivo_qdpx())
    data["PROJECT.QDE"] = data["PROJECT.QDE"].replace(
        f"internal://{SOURCE.upper()}.txt".encode(), b"internal://../project.qde"
    )
    refused("SOURCE_MISSING", read_qdpx, zip_members(data))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_mangled_project_is_read_or_refused_but_never_crashes(data: st.DataObject) -> None:
    members = members_of(write_qdpx(sample_project()))
    xml = bytearray(members["project.qde"])
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(xml) - 1))
        xml[position : position + data.draw(st.integers(0, 8))] = data.draw(st.binary(max_size=6))
    members["project.qde"] = bytes(xml)
    with contextlib.suppress(CodingError):
        read_qdpx(zip_members(members))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_are_refused_as_a_zip(blob: bytes) -> None:
    with pytest.raises(CodingError):
        read_qdpx(blob)
