"""REFI-QDA codebooks (.qdc): the specification's example, Heard's layout, lossless round trips."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from coding.errors import CodingError
from coding.model import DEFAULT_COLOUR, Code, Codebook
from coding.refi import read_qdc, validate_codebook_xml, write_qdc
from coding.refi._descriptions import (
    CODE_FIELDS,
    compose_code_description,
    compose_selection_description,
    parse_code_description,
    parse_selection_description,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared" / "data" / "refi-qda"
SPEC_EXAMPLE = SHARED / "examples" / "refi15_annexA1_codebook.qdc"
NS = "{urn:QDA-XML:codebook:1.0}"

# Characters XML 1.0 can hold, with the ones that make escaping and offsets hard.
XML_CHARS = st.characters(
    exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
) | st.sampled_from("\n\t\r&<>\"'🙂\u0301\u05d0")
xml_text = st.text(XML_CHARS, max_size=12)
guids = st.uuids(version=4).map(str)


@st.composite
def codebooks(draw: st.DrawFn, code_guids: list[str] | None = None) -> Codebook:
    """Codebooks in tree order: each code goes under one of the codes on the current path."""
    codes: list[Code] = []
    path: list[str] = []
    for guid in (
        draw(st.lists(guids, unique=True, max_size=6)) if code_guids is None else code_guids
    ):
        depth = draw(st.integers(0, len(path)))
        parent = path[depth - 1] if depth else None
        path = [*path[:depth], guid]
        fields = draw(st.fixed_dictionaries(dict.fromkeys(CODE_FIELDS, xml_text)))
        colour = draw(st.sampled_from(["#5B6770", "#1f77b4", "#ABCDEF"]))
        codable = draw(st.booleans())
        codes.append(Code(guid, draw(xml_text), parent, codable, colour=colour, **fields))
    return Codebook(tuple(codes))


def shared_schema(name: str) -> etree.XMLSchema:
    """Return the schema `name` from the shared folder, or skip the test when it is absent."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is not here: the shared REFI-QDA schemas are absent")
    return etree.XMLSchema(etree.parse(str(path)))


TOP = "5215cc69-b628-4e02-afb9-9beeaee55808"
CHILD = "d7aa29da-519b-4946-9b90-253b6db8fd0a"
OTHER = "0dcef2f5-e55c-49da-8c33-9b0803c7aeb4"


def sample_codebook() -> Codebook:
    return Codebook(
        (
            Code(TOP, "Control & <coercion>", codable=False, definition="Being 'controlled'"),
            Code(
                CHILD,
                "Documents held 🛂",
                parent=TOP,
                definition="Passport kept by someone else.\n\nWhen to use:",
                when_to_use="Any ID kept back",
                when_not_to_use='Lost documents ("I lost it")',
                example="أخذوا جواز سفري",
                colour="#ff7f0e",
            ),
            Code(OTHER, "Cafe\u0301 q\u0307", colour="#ABC"),
        )
    )


def test_the_specification_example_codebook_imports() -> None:
    if not SPEC_EXAMPLE.exists():
        pytest.skip(f"{SPEC_EXAMPLE} is not here: the shared REFI-QDA examples are absent")
    codebook = read_qdc(SPEC_EXAMPLE.read_bytes())
    assert [code.name for code in codebook.codes] == [
        "Topics",
        "Economy",
        "Health care",
        "Values",
        "Conservatives",
        "Liberals",
    ]
    topics, economy = codebook.codes[0], codebook.codes[1]
    assert topics.guid == "5215cc69-b628-4e02-afb9-9beeaee55808" and not topics.codable
    assert economy.definition == "Anything about jobs or taxes or business"
    assert economy.colour == "#ffff00" and economy.codable
    assert codebook.codes[3].colour == DEFAULT_COLOUR


def test_the_specification_example_survives_a_round_trip_through_heard() -> None:
    if not SPEC_EXAMPLE.exists():
        pytest.skip("the shared REFI-QDA examples are absent")
    first = write_qdc(read_qdc(SPEC_EXAMPLE.read_bytes()))
    assert write_qdc(read_qdc(first)) == first


def test_a_written_codebook_follows_the_shared_and_the_shipped_schema() -> None:
    data = write_qdc(sample_codebook())
    schema = shared_schema("Codebook-mrt2019.xsd")
    assert schema.validate(etree.fromstring(data)), schema.error_log
    validate_codebook_xml(data)


def test_export_import_export_gives_the_same_bytes() -> None:
    first = write_qdc(sample_codebook())
    assert write_qdc(read_qdc(first)) == first


def test_a_codebook_comes_back_field_for_field() -> None:
    expected = dataclasses.replace(
        sample_codebook(),
        codes=(
            *sample_codebook().codes[:2],
            dataclasses.replace(sample_codebook().codes[2], colour="#AABBCC"),
        ),
    )
    assert read_qdc(write_qdc(sample_codebook())) == expected


def test_codes_are_nested_under_their_parent() -> None:
    root = etree.fromstring(write_qdc(sample_codebook()))
    top = root.find(f"{NS}Codes/{NS}Code")
    assert top.get("isCodable") == "false"
    assert [c.get("guid") for c in top.findall(f"{NS}Code")] == [CHILD]


def test_a_child_listed_before_its_parent_is_still_written_under_it() -> None:
    top, child, other = sample_codebook().codes
    data = write_qdc(Codebook((child, other, top)))
    assert [c.guid for c in read_qdc(data).codes] == [OTHER, TOP, CHILD]


def test_guidance_is_written_as_labelled_paragraphs_other_tools_can_read() -> None:
    root = etree.fromstring(write_qdc(sample_codebook()))
    description = root.find(f".//{NS}Code[@guid='{CHILD}']/{NS}Description").text
    assert description == (
        "Passport kept by someone else.\n\n\\When to use:\n\n"
        "When to use:\nAny ID kept back\n\n"
        'When not to use:\nLost documents ("I lost it")\n\n'
        "Example:\nأخذوا جواز سفري"
    )


def test_another_tools_plain_description_becomes_the_definition() -> None:
    xml = (
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="'
        + CHILD.encode()
        + b'" name="Debt" isCodable="1" color="#F00"><Description>Owing money.\nExample: a loan'
        b"</Description></Code></Codes></CodeBook>"
    )
    code = read_qdc(xml).codes[0]
    assert code.definition == "Owing money.\nExample: a loan"
    assert (code.example, code.colour, code.codable) == ("", "#FF0000", True)


code_field = st.lists(
    st.sampled_from(
        ["", "\n", "When to use:", "\\When to use:", "Example:", "When not to use:", "x"]
    )
    | st.text(XML_CHARS, max_size=5),
    max_size=6,
).map("".join)


@given(st.fixed_dictionaries(dict.fromkeys(CODE_FIELDS, code_field)))
def test_any_definition_and_guidance_survive_the_description_layout(fields: dict[str, str]) -> None:
    assert parse_code_description(compose_code_description(fields)) == fields


@given(code_field, st.booleans())
def test_any_memo_and_warning_survive_the_selection_layout(memo: str, distressing: bool) -> None:
    assert parse_selection_description(compose_selection_description(memo, distressing)) == (
        memo,
        distressing,
    )


@settings(max_examples=60, deadline=None)
@given(codebooks().filter(lambda codebook: codebook.codes))
def test_a_generated_codebook_is_valid_and_round_trips_byte_for_byte(codebook: Codebook) -> None:
    data = write_qdc(codebook)
    validate_codebook_xml(data)
    back = read_qdc(data)
    assert back == codebook
    assert write_qdc(back) == data


@pytest.mark.parametrize(
    ("codes", "error"),
    [
        ((), "SCHEMA_INVALID"),
        ((Code(TOP, "A", parent=OTHER),), "CODE_PARENT_UNKNOWN"),
        ((Code(TOP, "A", parent=CHILD), Code(CHILD, "B", parent=TOP)), "CODE_CYCLE"),
        ((Code(TOP, "A", colour="blue"),), "CODE_COLOUR_INVALID"),
        ((Code("42", "A"),), "GUID_INVALID"),
        ((Code(TOP, "A"), Code(TOP.upper(), "B")), "GUID_DUPLICATED"),
        ((Code(TOP, "A", definition="bell \x07"),), "CHARACTER_NOT_ALLOWED"),
        ((Code(TOP, "nul \x00"),), "CHARACTER_NOT_ALLOWED"),
        ((Code(TOP, "half \ud83d"),), "CHARACTER_NOT_ALLOWED"),
    ],
)
def test_a_codebook_that_cannot_be_exchanged_is_refused(
    codes: tuple[Code, ...], error: str
) -> None:
    with pytest.raises(CodingError) as caught:
        write_qdc(Codebook(codes))
    assert caught.value.code == error


def test_a_refused_character_is_named_with_the_code_it_is_in() -> None:
    with pytest.raises(CodingError, match=r"code 'Fear' \(description\).*U\+0007"):
        write_qdc(Codebook((Code(TOP, "Fear", example="bell \x07"),)))


def codes_xml(*codes: str) -> bytes:
    return ("<CodeBook><Codes>" + "".join(codes) + "</Codes></CodeBook>").encode()


@pytest.mark.parametrize(
    ("xml", "error"),
    [
        (b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>', "SCHEMA_INVALID"),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', "SCHEMA_INVALID"),
        (codes_xml("<Code name='x' isCodable='true'/>"), "SCHEMA_INVALID"),
        (codes_xml(f"<Code guid='{TOP}' isCodable='true'/>"), "SCHEMA_INVALID"),
        (codes_xml(f"<Code guid='{TOP}' name='x' isCodable='maybe'/>"), "SCHEMA_INVALID"),
        (codes_xml("<Code guid='{abc}' name='x'/>"), "GUID_INVALID"),
        (
            codes_xml(
                f"<Code guid='{TOP}' name='a'/>", f"<Code guid='{{{TOP.upper()}}}' name='b'/>"
            ),
            "GUID_DUPLICATED",
        ),
    ],
)
def test_a_codebook_file_that_is_not_one_is_refused(xml: bytes, error: str) -> None:
    with pytest.raises(CodingError) as caught:
        read_qdc(xml)
    assert caught.value.code == error


def test_nested_codes_from_another_tool_keep_their_parents() -> None:
    xml = (
        f"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code guid='{TOP.upper()}' name='a' "
        f"isCodable='false'><Code guid='{{{CHILD}}}' name='b' isCodable='true'/></Code></Codes>"
        "</CodeBook>"
    ).encode()
    codes = read_qdc(xml, name="From NVivo")
    assert [(c.guid, c.parent) for c in codes.codes] == [(TOP, None), (CHILD, TOP)]
    assert codes.name == "From NVivo"
