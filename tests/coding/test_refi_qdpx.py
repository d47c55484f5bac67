"""REFI-QDA projects (.qdpx): what Heard writes, what it reads back, and what other tools send."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from coding.errors import CodingError
from coding.model import Case, Code, Codebook, Coder, Coding, Document, Note, Project
from coding.refi import read_qdpx, read_qdpx_report, validate_project_xml, write_qdpx
from coding.text import normalise
from tests.coding.test_refi_qdc import (
    REPO,
    SHARED,
    XML_CHARS,
    codebooks,
    guids,
    shared_schema,
    xml_text,
)

SHIPPED = REPO / "coding" / "refi" / "schemas"
NS = "{urn:QDA-XML:project:1.0}"

CODER = "a6af52ee-9481-45c1-8745-7882f7c96b4f"
CATEGORY = "ef9a6ec6-2932-445a-b6c1-2f1ad62f77e2"
WAGES = "a4adbde9-e1d5-4121-838b-b98424db875f"
FEAR = "d7aa29da-519b-4946-9b90-253b6db8fd0a"
CASE = "cfa8d792-cb7c-4b26-8572-9c28e289bbab"
ANSWER = "3262b96a-bd4c-49c1-9349-9e36296853f4"
RTL = "8b9846a9-a2fc-4182-9387-3474f3a3934d"
CODING = "687bb0d5-59ea-46e6-92ff-4f9bf7fd9fee"
SOURCE = "0dcef2f5-e55c-49da-8c33-9b0803c7aeb4"
SELECTION = "7c108712-b650-4892-ac0b-fc9a10190c3b"

ANSWER_TEXT = 'They said "go" & I <went> 🙂.\nq\u0307 naïve \x0b end'
RTL_TEXT = "שָׁלוֹם, مرحبا 漢字 👩‍👩‍👧"


def sample_project() -> Project:
    """A project with emoji, combining marks, RTL, XML-special and control characters."""
    codes = (
        Code(CATEGORY, "Exploitation & <control>", codable=False, definition="Umbrella 'term'"),
        Code(
            WAGES,
            "Wages withheld",
            parent=CATEGORY,
            definition="Pay kept back.",
            when_to_use="Any mention of pay.\nWhen to use:",
            example='"He kept my wages" 🙂',
            colour="#1F77B4",
        ),
        Code(FEAR, "خوف / fear", definition="Being afraid.\n\nExample:\nnot a label"),
    )
    case = Case(CASE, "R-001", {"age_band": "25-34", "region": "prefer_not_to_say"})
    documents = (
        Document(ANSWER, "R-001 / q_story", ANSWER_TEXT, case=CASE, question="q_story"),
        Document(RTL, "Interview \u05d0", RTL_TEXT, kind="transcript"),
    )
    codings = (
        Coding(CODING, ANSWER, WAGES, CODER, 5, 9, memo="Said twice.\n<b>&amp;</b>"),
        Coding(SELECTION, RTL, FEAR, CODER, 0, 6, distressing=True),
        Coding(
            SOURCE, ANSWER, FEAR, CODER, 0, len(ANSWER_TEXT), memo="Content warning: distressing"
        ),
    )
    notes = (
        Note("9c00bc8f-83d2-4094-a32b-4a0c99b45cdb", "About wages", target=WAGES, author=CODER),
        Note("db88cf96-8c84-4874-99cf-4621be3d41e5", "Project memo\r\nline 2", name=""),
        Note("12365523-1035-4afa-9e7b-281fe0bc51c5", "On R-001 🙂", target=ANSWER, name="Doc"),
    )
    return Project(
        name='Pilot "A" & <B>',
        codebook=Codebook(codes),
        documents=documents,
        cases=(case,),
        coders=(Coder(CODER, "Ana María"), Coder(FEAR[:-1] + "f", "Consensus", kind="consensus")),
        codings=codings,
        notes=notes,
        description="Heard pilot, wave 1.",
    )


def zip_members(members: dict[str, bytes | str]) -> bytes:
    """Return a zip holding `members` (text is written as UTF-8)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
    return buffer.getvalue()


def project_xml(body: str, origin: str = "NVivo") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="Imported" origin="{origin}">'
        f"{body}</Project>"
    )


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def same_project(a: Project, b: Project) -> bool:
    """Return True when two projects hold the same things (codings in any order)."""
    key = lambda p: dataclasses.replace(p, codings=tuple(sorted(p.codings, key=str)))  # noqa: E731
    return key(a) == key(b)


@pytest.mark.parametrize("name", ["Project-mrt2019.xsd", "Codebook-mrt2019.xsd"])
def test_the_shipped_schemas_are_the_official_ones(name: str) -> None:
    if not (SHARED / name).exists():
        pytest.skip("the shared REFI-QDA schemas are absent")
    assert (SHIPPED / name).read_bytes() == (SHARED / name).read_bytes()


def test_an_export_follows_the_shared_and_the_shipped_schema() -> None:
    xml = members_of(write_qdpx(sample_project()))["project.qde"]
    shared = shared_schema("Project-mrt2019.xsd")
    assert shared.validate(etree.fromstring(xml)), shared.error_log
    validate_project_xml(xml)


def test_an_export_holds_project_qde_and_one_lf_utf8_text_per_document() -> None:
    data = write_qdpx(sample_project())
    members = members_of(data)
    assert list(members) == ["project.qde", f"sources/{ANSWER}.txt", f"sources/{RTL}.txt"]
    assert members[f"sources/{ANSWER}.txt"].decode("utf-8") == ANSWER_TEXT
    root = etree.fromstring(members["project.qde"])
    paths = [s.get("plainTextPath") for s in root.iter(f"{NS}TextSource")]
    assert paths == [f"internal://{ANSWER}.txt", f"internal://{RTL}.txt"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_export_import_export_gives_the_same_bytes() -> None:
    first = write_qdpx(sample_project())
    assert write_qdpx(read_qdpx(first)) == first


def test_import_gives_back_everything_heard_exported() -> None:
    assert same_project(read_qdpx(write_qdpx(sample_project())), sample_project())


def test_a_segment_memo_and_content_warning_travel_in_the_selection_description() -> None:
    root = etree.fromstring(members_of(write_qdpx(sample_project()))["project.qde"])
    descriptions = {
        s.get("startPosition") + "-" + s.get("endPosition"): s.findtext(f"{NS}Description")
        for s in root.iter(f"{NS}PlainTextSelection")
    }
    assert descriptions["5-9"] == "Said twice.\n<b>&amp;</b>"
    assert descriptions["0-6"] == "Content warning: distressing"
    assert descriptions[f"0-{len(ANSWER_TEXT)}"] == "\\Content warning: distressing"


def test_questions_and_kinds_are_sets_of_sources() -> None:
    root = etree.fromstring(members_of(write_qdpx(sample_project()))["project.qde"])
    sets = {
        s.get("name"): [m.get("targetGUID") for m in s.iter(f"{NS}MemberSource")]
        for s in root.iter(f"{NS}Set")
    }
    assert sets == {
        "Kind: answer": [ANSWER],
        "Kind: transcript": [RTL],
        "Question: q_story": [ANSWER],
    }


def test_a_project_without_documents_has_no_empty_sets() -> None:
    project = dataclasses.replace(sample_project(), documents=(), codings=(), cases=(), notes=())
    data = write_qdpx(project)
    root = etree.fromstring(members_of(data)["project.qde"])
    assert root.find(f"{NS}Sets") is None and root.find(f"{NS}Sources") is None
    assert read_qdpx(data) == project


def test_case_attributes_are_text_variables() -> None:
    root = etree.fromstring(members_of(write_qdpx(sample_project()))["project.qde"])
    variables = {v.get("name"): v.get("typeOfVariable") for v in root.iter(f"{NS}Variable")}
    assert variables == {"age_band": "Text", "region": "Text"}
    case = root.find(f"{NS}Cases/{NS}Case")
    assert [v.findtext(f"{NS}TextValue") for v in case.iter(f"{NS}VariableValue")] == [
        "25-34",
        "prefer_not_to_say",
    ]
    assert [r.get("targetGUID") for r in case.iter(f"{NS}SourceRef")] == [ANSWER]


def test_decomposed_crlf_text_is_normalised_on_export_and_codings_follow() -> None:
    text = "Line one\r\nNai\u0308ve fear"
    project = dataclasses.replace(
        sample_project(),
        documents=(Document(ANSWER, "R", text),),
        cases=(),
        notes=(),
        codings=(Coding(CODING, ANSWER, FEAR, CODER, 17, 21),),
    )
    back = read_qdpx(write_qdpx(project))
    document, coding = back.documents[0], back.codings[0]
    assert document.text == "Line one\nNaïve fear"
    assert document.text[coding.start : coding.end] == "fear"


def test_a_memo_with_a_character_xml_cannot_hold_is_refused_with_its_place() -> None:
    project = sample_project()
    bad = dataclasses.replace(project.codings[0], memo="tab\tok but vertical tab \x0b is not")
    with pytest.raises(CodingError) as caught:
        write_qdpx(dataclasses.replace(project, codings=(bad,)))
    assert caught.value.code == "CHARACTER_NOT_ALLOWED"
    assert "U+000B" in str(caught.value) and CODING in str(caught.value)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"code": "e6c3b6f2-1111-4a4a-9a9a-000000000000"}, "REFERENCE_UNKNOWN"),
        ({"coder": "e6c3b6f2-1111-4a4a-9a9a-000000000000"}, "REFERENCE_UNKNOWN"),
        ({"document": "e6c3b6f2-1111-4a4a-9a9a-000000000000"}, "REFERENCE_UNKNOWN"),
        ({"start": 5, "end": 500}, "SELECTION_OUT_OF_RANGE"),
        ({"start": -1}, "SELECTION_OUT_OF_RANGE"),
        ({"start": 9}, "SPAN_EMPTY"),
        ({"start": 10}, "SPAN_REVERSED"),
        ({"start": True}, "OFFSET_NOT_INTEGER"),
        ({"end": 9.0}, "OFFSET_NOT_INTEGER"),
        ({"guid": "not-a-guid"}, "GUID_INVALID"),
        ({"guid": WAGES}, "GUID_DUPLICATED"),
    ],
)
def test_a_coding_heard_cannot_export_is_refused(change: dict, code: str) -> None:
    project = sample_project()
    bad = dataclasses.replace(project.codings[0], **change)
    with pytest.raises(CodingError) as caught:
        write_qdpx(dataclasses.replace(project, codings=(bad,)))
    assert caught.value.code == code


def test_a_note_by_an_unknown_author_is_refused() -> None:
    project = sample_project()
    note = dataclasses.replace(project.notes[0], author="e6c3b6f2-1111-4a4a-9a9a-000000000000")
    with pytest.raises(CodingError) as caught:
        write_qdpx(dataclasses.replace(project, notes=(note,)))
    assert caught.value.code == "REFERENCE_UNKNOWN" and "note 'Memo'" in str(caught.value)


def test_upper_case_and_braced_guids_are_written_in_canonical_form() -> None:
    project = sample_project()
    shouting = dataclasses.replace(
        project,
        coders=(Coder("{" + CODER.upper() + "}", "Ana María"), project.coders[1]),
        codings=tuple(dataclasses.replace(c, coder=CODER.upper()) for c in project.codings),
        notes=tuple(
            dataclasses.replace(n, author=n.author and n.author.upper()) for n in project.notes
        ),
    )
    assert write_qdpx(shouting) == write_qdpx(project)


# What other tools send.

NVIVO_TEXT = "Day one\r\nDay two\r\nI felt fear"
CODEBOOK_XML = (
    f'<CodeBook><Codes><Code guid="{{{FEAR.upper()}}}" name="Fear" isCodable="true"/>'
    "</Codes></CodeBook>"
)
USERS_XML = f'<Users><User guid="{CODER.upper()}" name="NVivo user"/></Users>'


def selection_xml(start: int, end: int, user: str = CODER.upper()) -> str:
    return (
        f'<PlainTextSelection guid="{SELECTION}" startPosition="{start}" endPosition="{end}" '
        f'creatingUser="{user}"><Description>Said quietly</Description>'
        f'<Coding guid="{CODING}" creatingUser="{user}">'
        f'<CodeRef targetGUID="{FEAR}"/></Coding></PlainTextSelection>'
    )


def nvivo_qdpx(source_body: str = "", text: bytes | str = NVIVO_TEXT, **extra: bytes) -> bytes:
    body = (
        USERS_XML + CODEBOOK_XML + f'<Sources><TextSource guid="{SOURCE.upper()}" name="Interview" '
        f'plainTextPath="internal://{SOURCE.upper()}.txt">{source_body}</TextSource></Sources>'
    )
    return zip_members(
        {"PROJECT.QDE": project_xml(body), f"Sources/{SOURCE.upper()}.txt": text, **extra}
    )


def test_an_nvivo_selection_after_two_crlf_lines_lands_on_the_same_words() -> None:
    # NVivo counts each \r\n as two: "Day one\r\n" (9) + "Day two\r\n" (9) +
    # "I felt " (7) puts "fear" at 25-29; in Heard's LF text it is 23-27.
    project = read_qdpx(nvivo_qdpx(selection_xml(25, 29)))
    document, coding = project.documents[0], project.codings[0]
    assert document.text == "Day one\nDay two\nI felt fear"
    assert (coding.start, coding.end) == (23, 27)
    assert document.text[coding.start : coding.end] == "fear"


def test_an_atlas_ti_project_counts_crlf_as_one() -> None:
    data = nvivo_qdpx(selection_xml(23, 27))
    members = members_of(data)
    members["PROJECT.QDE"] = members["PROJECT.QDE"].replace(b'"NVivo"', b'"ATLAS.ti 23"')
    project = read_qdpx(zip_members(members))
    assert project.documents[0].text[project.codings[0].start : project.codings[0].end] == "fear"


def test_an_import_finds_folders_and_files_whatever_their_case_and_canonicalises_guids() -> None:
    project = read_qdpx(nvivo_qdpx(selection_xml(25, 29)))
    assert project.documents[0].guid == SOURCE
    assert project.codebook.codes[0].guid == FEAR
    assert project.codings[0].coder == CODER and project.codings[0].code == FEAR
    assert project.coders == (Coder(CODER, "NVivo user", kind="imported"),)
    assert project.codings[0].memo == "Said quietly"


def test_a_source_with_inline_text_is_read_and_normalised() -> None:
    inline = "<PlainTextContent>Cafe\u0301 talk</PlainTextContent>" + selection_xml(6, 10)
    body = (
        USERS_XML
        + CODEBOOK_XML
        + f'<Sources><TextSource guid="{SOURCE}" name="Inline">{inline}</TextSource></Sources>'
    )
    project = read_qdpx(zip_members({"project.qde": project_xml(body)}))
    document, coding = project.documents[0], project.codings[0]
    assert document.text == "Café talk"
    assert document.text[coding.start : coding.end] == "talk"
    assert document.kind == "transcript" and document.question is None


def test_a_source_outside_the_archive_is_refused_with_a_clear_message() -> None:
    body = f'<Sources><TextSource guid="{SOURCE}" name="Linked" plainTextPath="absolute://C:/x.txt"/></Sources>'
    with pytest.raises(CodingError) as caught:
        read_qdpx(zip_members({"project.qde": project_xml(body)}))
    assert caught.value.code == "SOURCE_UNREADABLE"
    assert "outside the archive" in str(caught.value) and "'Linked'" in str(caught.value)


def test_a_utf8_byte_order_mark_is_not_part_of_the_text() -> None:
    project = read_qdpx(
        nvivo_qdpx(selection_xml(25, 29), text=b"\xef\xbb\xbf" + NVIVO_TEXT.encode())
    )
    assert project.documents[0].text.startswith("Day one")
    assert project.documents[0].text[23:27] == "fear"


def test_a_coding_without_a_user_is_given_to_an_imported_coder() -> None:
    selection = selection_xml(25, 29).replace(f' creatingUser="{CODER.upper()}"', "")
    project = read_qdpx(nvivo_qdpx(selection))
    assert project.coders[-1].kind == "imported"
    assert project.codings[0].coder == project.coders[-1].guid
    assert write_qdpx(read_qdpx(write_qdpx(project))) == write_qdpx(project)


def test_a_pdf_source_is_left_out_with_a_warning() -> None:
    pdf = f'<PDFSource guid="{RTL}" name="Scan" path="internal://scan.pdf"/>'
    data = nvivo_qdpx(selection_xml(25, 29))
    members = members_of(data)
    members["PROJECT.QDE"] = members["PROJECT.QDE"].replace(
        b"</Sources>", pdf.encode() + b"</Sources>"
    )
    report = read_qdpx_report(zip_members(members))
    assert [d.name for d in report.project.documents] == ["Interview"]
    assert len(report.warnings) == 1 and "'Scan'" in report.warnings[0]


def test_a_code_applied_to_a_whole_source_becomes_a_coding_of_all_its_text() -> None:
    whole = (
        f'<Coding guid="{CODING}" creatingUser="{CODER}"><CodeRef targetGUID="{FEAR}"/></Coding>'
    )
    project = read_qdpx(nvivo_qdpx(whole))
    coding = project.codings[0]
    assert (coding.start, coding.end) == (0, len(project.documents[0].text))


def test_notes_keep_what_they_are_about() -> None:
    project = read_qdpx(write_qdpx(sample_project()))
    assert [(n.name, n.target) for n in project.notes] == [
        ("Memo", WAGES),
        ("", None),
        ("Doc", ANSWER),
    ]
    assert project.notes[1].text == "Project memo\r\nline 2"


# Generated projects.

doc_text = st.text(XML_CHARS | st.sampled_from("\x0b\x00"), max_size=30).map(normalise)


def draw_codings(
    draw: st.DrawFn, pool: list[str], documents: list[Document], codes: tuple, coders: list
) -> list[Coding]:
    codable = [d for d in documents if d.text]
    codings = []
    for guid in pool if codable and codes else []:
        document = draw(st.sampled_from(codable))
        start = draw(st.integers(0, len(document.text) - 1))
        end = draw(st.integers(start + 1, len(document.text)))
        code, coder = draw(st.sampled_from(codes)), draw(st.sampled_from(coders))
        memo, distressing = draw(xml_text), draw(st.booleans())
        codings.append(
            Coding(guid, document.guid, code.guid, coder.guid, start, end, memo, distressing)
        )
    return codings


@st.composite
def projects(draw: st.DrawFn) -> Project:
    """Small projects whose GUIDs are all different, drawn from one pool."""
    pool = iter(draw(st.lists(guids, unique=True, min_size=20, max_size=20)))
    take = lambda most, least=0: [next(pool) for _ in range(draw(st.integers(least, most)))]  # noqa: E731
    codebook = draw(codebooks(take(5)))
    kinds = st.sampled_from(["person", "consensus", "imported"])
    coders = [Coder(g, draw(xml_text), draw(kinds)) for g in take(2, 1)]
    attributes = st.dictionaries(xml_text, xml_text, max_size=2)
    cases = [Case(g, draw(xml_text), draw(attributes)) for g in take(2)]
    case_of = st.sampled_from([None, *(c.guid for c in cases)])
    question, kind = st.sampled_from([None, "q1", "q 2"]), st.sampled_from(["answer", "transcript"])
    documents = [
        Document(g, draw(xml_text), draw(doc_text), draw(case_of), draw(question), draw(kind))
        for g in take(3)
    ]
    codings = draw_codings(draw, take(4), documents, codebook.codes, coders)
    target = st.sampled_from(
        [None, *(c.guid for c in codebook.codes), *(d.guid for d in documents)]
    )
    author = st.sampled_from([None, coders[0].guid])
    notes = [Note(g, draw(xml_text), draw(target), draw(author), draw(xml_text)) for g in take(2)]
    return Project(
        draw(xml_text),
        codebook,
        *map(tuple, (documents, cases, coders, codings, notes)),
        draw(xml_text),
    )


GENERATED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@GENERATED
@given(projects())
def test_a_generated_project_exports_valid_xml_and_round_trips_byte_for_byte(
    project: Project,
) -> None:
    data = write_qdpx(project)
    xml = members_of(data)["project.qde"]
    validate_project_xml(xml)
    if (SHARED / "Project-mrt2019.xsd").exists():
        assert shared_schema("Project-mrt2019.xsd").validate(etree.fromstring(xml))
    back = read_qdpx(data)
    assert same_project(back, project)
    assert write_qdpx(back) == data


@pytest.mark.parametrize(
    "module",
    [
        "coding.refi",
        "coding.refi.qdc",
        "coding.refi.qdpx",
        "coding.refi.safe_xml",
        "coding.refi.safe_zip",
        "coding.refi._common",
        "coding.refi._codes",
        "coding.refi._descriptions",
    ],
)
def test_the_docstring_examples_hold(module: str) -> None:
    assert doctest.testmod(importlib.import_module(module)).failed == 0
