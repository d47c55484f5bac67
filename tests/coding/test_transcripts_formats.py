"""Word, WebVTT and SubRip transcripts: speakers, times, formatting, and what is refused."""

from __future__ import annotations

import doctest
import io
import zipfile

import pytest

import coding._transcript_captions
import coding._transcript_docx
from coding.errors import CodingError
from coding.transcripts import NO_SPEAKERS_WARNING, Transcript, read_transcript

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"


def said(transcript: Transcript) -> list[tuple[str | None, str, int | None, int | None]]:
    """Return each turn as (speaker, the words at its offsets, start ms, end ms)."""
    text = transcript.text
    return [
        (t.speaker, text[t.start : t.end], t.time_start_ms, t.time_end_ms) for t in transcript.turns
    ]


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*content: str) -> str:
    return f"<w:p>{''.join(content)}</w:p>"


def docx(
    body: str,
    *,
    main_type: str = DOCUMENT_TYPE,
    rels: dict[str, str] | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """Return a minimal .docx: `body` inside w:body, `rels` as .rels parts, `extra` members."""
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>'
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}" xmlns:r="{R}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", document)
        for name, relations in (rels or {}).items():
            archive.writestr(name, f'<Relationships xmlns="{PKG}">{relations}</Relationships>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def relation(kind: str, target: str, external: bool = True) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="rId9" Type="{R}/{kind}" Target="{target}"{mode}/>'


@pytest.mark.parametrize(
    "module", [coding._transcript_captions, coding._transcript_docx], ids=lambda m: m.__name__
)
def test_the_examples_in_the_docstrings_hold(module: object) -> None:
    assert doctest.testmod(module).failed == 0


# Word


def test_a_docx_gives_its_paragraphs_speakers_and_times() -> None:
    body = (
        para(run("[00:00:04] Interviewer: Where did you "), run("sleep?"))
        + para(run("Respondent: In the van."), "<w:r><w:br/></w:r>", run("All of us."))
        + para()
        + para(run("And in winter too."))
        + para(run("Interviewer:"), "<w:r><w:tab/></w:r>", run("Thank you."))
    )

    transcript = read_transcript(docx(body), "interview.docx")

    assert said(transcript) == [
        ("Interviewer", "Where did you sleep?", 4000, None),
        ("Respondent", "In the van.\nAll of us.\n\nAnd in winter too.", None, None),
        ("Interviewer", "Thank you.", None, None),
    ]
    assert transcript.warnings == ()


def test_docx_revisions_keep_insertions_and_drop_deletions_and_field_codes() -> None:
    body = para(
        run("R: I was "),
        '<w:del w:id="1" w:author="x"><w:r><w:delText>not </w:delText></w:r></w:del>',
        f'<w:ins w:id="2" w:author="x">{run("never ")}</w:ins>',
        '<w:moveFrom w:id="3" w:author="x">' + run("moved ") + "</w:moveFrom>",
        "<w:r><w:instrText>PAGE</w:instrText></w:r>",
        run("paid."),
    ) + para(run("I: Thank you."))

    transcript = read_transcript(docx(body), "t.docx")

    assert said(transcript) == [
        ("R", "I was never paid.", None, None),
        ("I", "Thank you.", None, None),
    ]


def test_docx_table_cells_are_read_in_order() -> None:
    row = "<w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr>"
    table = "<w:tbl>" + row.format(para(run("I:")), para(run("How old were you?")))
    table += row.format(para(run("R:")), para(run("Sixteen."))) + "</w:tbl>"

    transcript = read_transcript(docx(table), "t.docx")

    assert said(transcript) == [
        ("I", "How old were you?", None, None),
        ("R", "Sixteen.", None, None),
    ]


def test_docx_hyperlinks_keep_their_text_and_drop_their_target() -> None:
    link = '<w:hyperlink r:id="rId9">' + run("the helpline site") + "</w:hyperlink>"
    body = para(run("I: I found "), link, run(".")) + para(run("R: Me too."))
    rels = {"word/_rels/document.xml.rels": relation("hyperlink", "https://tracker.example/x")}

    transcript = read_transcript(docx(body, rels=rels), "t.docx")

    assert said(transcript)[0] == ("I", "I found the helpline site.", None, None)
    assert "tracker.example" not in transcript.text
    assert transcript.warnings == ("The document's links were not followed: their text was kept.",)


def test_docx_textbox_fallback_copies_are_not_read_twice() -> None:
    box = para(run("R: Inside a box."))
    alternate = (
        f"<w:r><mc:AlternateContent><mc:Choice><w:txbxContent>{box}</w:txbxContent></mc:Choice>"
        f"<mc:Fallback><w:txbxContent>{box}</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r>"
    )
    body = para(run("I: Outside."), alternate)

    transcript = read_transcript(docx(body), "t.docx")

    assert [(s, w) for s, w, _, _ in said(transcript)] == [
        ("I", "Outside."),
        ("R", "Inside a box."),
    ]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            docx(para(run("R: hi")), extra={"word/vbaProject.bin": b"\xd0\xcf"}), id="vba"
        ),
        pytest.param(docx(para(run("R: hi")), main_type=MACRO_TYPE), id="docm-content-type"),
    ],
)
def test_a_macro_enabled_docx_is_refused(data: bytes) -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript(data, "t.docx")

    assert caught.value.code == "DOCX_MACROS"
    assert "macro" in str(caught.value)


@pytest.mark.parametrize(
    ("part", "relations"),
    [
        pytest.param(
            "word/_rels/settings.xml.rels",
            relation("attachedTemplate", "http://evil.example/t.dotm"),
            id="attached-template",
        ),
        pytest.param(
            "word/_rels/document.xml.rels",
            relation("oleObject", "file:///C:/secret.xlsx"),
            id="linked-ole-object",
        ),
        pytest.param(
            "word/_rels/webSettings.xml.rels",
            relation("frame", "https://evil.example/frame.html"),
            id="frame",
        ),
    ],
)
def test_a_docx_that_loads_external_content_is_refused(part: str, relations: str) -> None:
    data = docx(para(run("R: hi")), rels={part: relations})

    with pytest.raises(CodingError) as caught:
        read_transcript(data, "t.docx")

    assert caught.value.code == "DOCX_EXTERNAL"
    assert caught.value.where == part


def test_internal_relationships_are_fine() -> None:
    rels = {"word/_rels/document.xml.rels": relation("styles", "styles.xml", external=False)}

    assert said(read_transcript(docx(para(run("hello")), rels=rels), "t.docx"))[0][1] == "hello"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"I: plain text, renamed", "not a zip package", id="text"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ".doc", id="old-doc"),
        pytest.param(b"PK\x03\x04 truncated", "File is not a zip file", id="broken-zip"),
        pytest.param(
            docx(para(run("x")))[:0] + b"PK\x05\x06" + bytes(18),
            "word/document.xml",
            id="empty-zip",
        ),
        pytest.param("I: pasted", "text was given", id="str-not-bytes"),
    ],
)
def test_a_docx_that_is_not_a_word_document_is_refused(data: bytes | str, reason: str) -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript(data, "t.docx")

    assert caught.value.code == "DOCX_INVALID"
    assert reason in str(caught.value)


def test_a_docx_with_a_doctype_is_refused() -> None:
    data = docx(para(run("x")))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/document.xml"] = b'<!DOCTYPE x [<!ENTITY a "b">]>' + parts["word/document.xml"][38:]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)

    with pytest.raises(CodingError) as caught:
        read_transcript(buffer.getvalue(), "t.docx")

    assert caught.value.code == "XML_FORBIDDEN"


def test_a_docx_that_unpacks_too_far_is_refused() -> None:
    huge = para(run("a" * (60 * 1024 * 1024)))

    with pytest.raises(CodingError) as caught:
        read_transcript(docx(huge), "t.docx")

    assert caught.value.code == "ZIP_TOO_LARGE"


def test_an_empty_docx_is_refused() -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript(docx(para() + para(run("  "))), "t.docx")

    assert caught.value.code == "TRANSCRIPT_EMPTY"


# WebVTT

VTT = """WEBVTT - interview 4

NOTE this note is not text
of the transcript

STYLE
::cue { color: yellow }

intro
00:00:01.000 --> 00:00:04.000 align:start
<v Interviewer>How did you <i>come</i> here?</v>

00:00:05.500 --> 00:00:07.000
<v.loud Respondent>By lorry,
at night.

00:00:07.250 --> 00:00:09.250
<v Respondent><b>Nobody</b> told us &amp; we <c.x>waited</c>.

00:01:10.000 --> 00:01:12.000
<v Interviewer>And then?</v><v Respondent>We <00:01:11.000>ran.
"""


def test_a_vtt_gives_voices_times_and_clean_words() -> None:
    transcript = read_transcript(VTT.encode(), "call.vtt")

    assert said(transcript) == [
        ("Interviewer", "How did you come here?", 1000, 4000),
        ("Respondent", "By lorry, at night. Nobody told us & we waited.", 5500, 9250),
        ("Interviewer", "And then?", 70_000, 72_000),
        ("Respondent", "We ran.", 70_000, 72_000),
    ]
    assert transcript.text.startswith("Interviewer: How did you come here?\n\nRespondent: By lorry")
    assert transcript.speakers == ("Interviewer", "Respondent")


def test_a_txt_that_is_really_vtt_is_read_as_vtt() -> None:
    transcript = read_transcript(VTT, "pasted.txt")

    assert said(transcript)[0] == ("Interviewer", "How did you come here?", 1000, 4000)


def test_vtt_without_voices_or_labels_gives_one_turn_per_cue_and_the_warning() -> None:
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nFirst.\n\n00:02.000 --> 00:03.000\nSecond."

    transcript = read_transcript(vtt, "a.vtt")

    assert said(transcript) == [(None, "First.", 1000, 2000), (None, "Second.", 2000, 3000)]
    assert transcript.warnings == (NO_SPEAKERS_WARNING,)


# SubRip

SRT = """1
00:00:01,000 --> 00:00:03,500
INTERVIEWER: <i>Were you</i> paid?

2
00:00:04,000 --> 00:00:06,000
{\\an8}AMINA: No.
<font color="#fff">Never.</font>

3
00:00:06,100 --> 00:00:08,000
Not once.

4
00:00:09,000 --> 00:00:10,000
INTERVIEWER: Thank you.

5
00:00:10,500 --> 00:00:11,000
AMINA: Ok.
"""


def test_an_srt_gives_labelled_speakers_merged_cues_and_times() -> None:
    transcript = read_transcript(SRT.encode("utf-16"), "call.srt")

    assert said(transcript) == [
        ("INTERVIEWER", "Were you paid?", 1000, 3500),
        ("AMINA", "No. Never. Not once.", 4000, 8000),
        ("INTERVIEWER", "Thank you.", 9000, 10_000),
        ("AMINA", "Ok.", 10_500, 11_000),
    ]


def test_a_txt_that_is_really_srt_is_read_as_srt() -> None:
    transcript = read_transcript(SRT.encode(), "notes.txt")

    assert said(transcript)[1] == ("AMINA", "No. Never. Not once.", 4000, 8000)


def test_a_custom_pattern_finds_speakers_in_cues() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\n(Ana) hi\n\n2\n00:00:02,000 --> 00:00:03,000\n(Bo) yo"

    transcript = read_transcript(srt, "a.srt", speaker_pattern=r"\((?P<speaker>\w+)\)")

    assert said(transcript) == [("Ana", "hi", 1000, 2000), ("Bo", "yo", 2000, 3000)]


def test_a_lone_name_label_in_captions_stays_in_the_words() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\nNote: it rained.\n\n"
    srt += "2\n00:00:02,000 --> 00:00:03,000\nYes."

    assert said(read_transcript(srt, "a.srt"))[0] == (None, "Note: it rained.", 1000, 2000)


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        pytest.param(
            "WEBVTT\n\nNOTE nothing else", "a.vtt", "TRANSCRIPT_NO_CUES", id="vtt-no-cues"
        ),
        pytest.param("Just words, no cues.", "a.srt", "TRANSCRIPT_NO_CUES", id="srt-no-cues"),
        pytest.param(
            "1\n00:00:01,000 --> 00:00:02,000\n<i></i>",
            "a.srt",
            "TRANSCRIPT_NO_CUES",
            id="only-tags",
        ),
        pytest.param(
            "1\n00:00:01 --> soon\nhi", "a.srt", "TRANSCRIPT_CUE_TIME_INVALID", id="bad-time"
        ),
    ],
)
def test_captions_without_usable_cues_are_refused(data: str, filename: str, code: str) -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript(data, filename)

    assert caught.value.code == code


def test_a_bad_cue_time_says_which_line() -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript("WEBVTT\n\n00:00.000 --> 00:01.000\nok\n\n1:2 --> 3\nno", "a.vtt")

    assert caught.value.where == "line 6"
    assert "'1:2 --> 3' is not like 00:00:01.000 --> 00:00:04.000" in str(caught.value)


def test_a_docx_over_the_size_limit_is_refused_before_it_is_opened() -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript(docx(para(run("R: hi"))), "t.docx", max_bytes=100)

    assert caught.value.code == "FILE_TOO_LARGE"
