"""Plain-text transcripts: speaker styles, timestamps, encodings, refusals, segments."""

from __future__ import annotations

import codecs
import doctest
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coding._transcript_labels
import coding._transcript_plain
import coding._transcript_text
import coding.transcripts
from coding.errors import CodingError
from coding.transcripts import NO_SPEAKERS_WARNING, Transcript, read_transcript, segments


def said(transcript: Transcript) -> list[tuple[str | None, str, int | None, int | None]]:
    """Return each turn as (speaker, the words at its offsets, start ms, end ms)."""
    text = transcript.text
    return [
        (t.speaker, text[t.start : t.end], t.time_start_ms, t.time_end_ms) for t in transcript.turns
    ]


@pytest.mark.parametrize(
    "module",
    [
        coding.transcripts,
        coding._transcript_labels,
        coding._transcript_plain,
        coding._transcript_text,
    ],
    ids=lambda module: module.__name__,
)
def test_the_examples_in_the_docstrings_hold(module: object) -> None:
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Interviewer: Where did you work?\nRespondent: On a farm.\nFrom May.",
            [("Interviewer", "Where did you work?"), ("Respondent", "On a farm.\nFrom May.")],
            id="roles",
        ),
        pytest.param(
            "I: Were you paid?\nR: No.\nQ: Never?\nA: Once.",
            [("I", "Were you paid?"), ("R", "No."), ("Q", "Never?"), ("A", "Once.")],
            id="letters",
        ),
        pytest.param(
            "Amina: They kept my passport.\nJo: For how long?\nAmina: Two years.",
            [("Amina", "They kept my passport."), ("Jo", "For how long?"), ("Amina", "Two years.")],
            id="names",
        ),
        pytest.param(
            "Maria de Souza: Olá.\nSpeaker 2: Hello.\nMaria de Souza: Sim.\nSpeaker 2: Yes.",
            [
                ("Maria de Souza", "Olá."),
                ("Speaker 2", "Hello."),
                ("Maria de Souza", "Sim."),
                ("Speaker 2", "Yes."),
            ],
            id="names-with-particles-and-numbers",
        ),
        pytest.param(
            "[Interviewer] Are you safe now?\n[Nadia]: Yes, I think so.",
            [("Interviewer", "Are you safe now?"), ("Nadia", "Yes, I think so.")],
            id="brackets",
        ),
        pytest.param(
            "محمد: أخذوا جواز سفري.\nسارة: متى؟\nمحمد: في الشتاء.",
            [("محمد", "أخذوا جواز سفري."), ("سارة", "متى؟"), ("محمد", "في الشتاء.")],
            id="arabic-names",
        ),
        pytest.param(
            "Interviewer:\nTell me about the house.\n\nRespondent:\nIt was cold.\n\nVery cold.",
            [
                ("Interviewer", "Tell me about the house."),
                ("Respondent", "It was cold.\n\nVery cold."),
            ],
            id="label-alone-on-its-line-and-paragraphs-in-a-turn",
        ),
    ],
)
def test_each_speaker_style_gives_the_exact_turns(text: str, expected: list) -> None:
    transcript = read_transcript(text)

    assert [(speaker, words) for speaker, words, _, _ in said(transcript)] == expected
    assert transcript.speakers == tuple(dict.fromkeys(speaker for speaker, _ in expected))
    assert transcript.warnings == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "[00:01:23] I: Hello.\n[00:01:30] R: Hi.",
            [("I", "Hello.", 83_000), ("R", "Hi.", 90_000)],
            id="square-brackets",
        ),
        pytest.param(
            "(00:01:23) I: Hello.\n(1:30) R: Hi.",
            [("I", "Hello.", 83_000), ("R", "Hi.", 90_000)],
            id="round-brackets-and-minutes",
        ),
        pytest.param(
            "00:01:23 I: Hello.\n01:02:03.5 R: Hi.",
            [("I", "Hello.", 83_000), ("R", "Hi.", 3_723_500)],
            id="bare-with-hours",
        ),
        pytest.param(
            "JANE DOE (00:00:07): Hello.\nINTERVIEWER [00:00:09]: Hi.",
            [("JANE DOE", "Hello.", 7_000), ("INTERVIEWER", "Hi.", 9_000)],
            id="time-after-the-name",
        ),
        pytest.param(
            "[00:00:05]\nI: Hello.\nstill me\n[00:00:10]\nR: Hi.",
            [("I", "Hello.\nstill me", 5_000), ("R", "Hi.", 10_000)],
            id="timestamp-lines-give-the-next-turn-its-time",
        ),
        pytest.param(
            "I: Hello.\nR: One.\n[00:02:00] And two.",
            [("I", "Hello.", None), ("R", "One.", None), ("R", "And two.", 120_000)],
            id="an-unlabelled-timestamp-starts-a-turn-of-the-same-speaker",
        ),
    ],
)
def test_timestamps_are_kept_and_left_out_of_the_words(text: str, expected: list) -> None:
    transcript = read_transcript(text)

    assert [(s, w, start) for s, w, start, _ in said(transcript)] == expected
    assert all(t.time_end_ms is None for t in transcript.turns)


@pytest.mark.parametrize(
    "line",
    [
        "It was 10:30 when we left.",
        "See https://example.org for help.",
        "He said: leave now.",
        "[inaudible] we went back.",
        "[Laughs] yes.",
    ],
)
def test_times_links_prose_and_annotations_are_not_speakers(line: str) -> None:
    transcript = read_transcript(f"I: Tell me.\nR: Well.\n{line}\nI: And then?\nR: Nothing.")

    assert said(transcript)[1][:2] == ("R", f"Well.\n{line}")


def test_a_lone_name_label_in_a_role_transcript_is_read_as_words() -> None:
    text = "I: What happened?\nR: They came.\nNote: this was loud.\nI: Then?"

    assert said(read_transcript(text))[1][:2] == ("R", "They came.\nNote: this was loud.")


def test_text_before_the_first_speaker_is_kept_without_a_speaker() -> None:
    text = "Interview 3, recorded at the centre.\n\nSecond note.\n\nI: Hello.\nR: Hi."

    assert [(s, w) for s, w, _, _ in said(read_transcript(text))] == [
        (None, "Interview 3, recorded at the centre."),
        (None, "Second note."),
        ("I", "Hello."),
        ("R", "Hi."),
    ]


def test_no_speakers_gives_one_turn_per_paragraph_and_a_warning() -> None:
    text = "We worked in the field.\nEvery day.\n\n\n[00:03:00] Then we left.\n\nNote: at night."

    transcript = read_transcript(text)

    assert said(transcript) == [
        (None, "We worked in the field.\nEvery day.", None, None),
        (None, "Then we left.", 180_000, None),
        (None, "Note: at night.", None, None),
    ]
    assert transcript.speakers == ()
    assert transcript.warnings == (NO_SPEAKERS_WARNING,)


def test_a_custom_speaker_pattern_replaces_the_built_in_styles() -> None:
    text = "Q. Where?\n>> AMINA << In the kitchen.\nI: not a label now\n>> JO << Why?"

    transcript = read_transcript(text, speaker_pattern=r">> (?P<speaker>[A-Z]+) <<")

    assert [(s, w) for s, w, _, _ in said(transcript)] == [
        (None, "Q. Where?"),
        ("AMINA", "In the kitchen.\nI: not a label now"),
        ("JO", "Why?"),
    ]


def test_a_custom_pattern_runs_after_a_timestamp_prefix() -> None:
    transcript = read_transcript(
        "[00:00:02] -Ana- hi\n-Bo- yo", speaker_pattern=r"-(?P<speaker>\w+)-"
    )

    assert said(transcript) == [("Ana", "hi", 2000, None), ("Bo", "yo", None, None)]


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        pytest.param(r"(?P<speaker>\w+", "not a valid regular expression", id="does-not-compile"),
        pytest.param(r"(\w+):", "named group", id="no-speaker-group"),
        pytest.param(r"(?P<speaker>(\w+ ?)+):", "repeats a part", id="nested-repeat"),
        pytest.param(r"(?P<speaker>(?:a|b*)*)", "repeats a part", id="repeat-in-a-branch"),
        pytest.param("(?P<speaker>a)" + "b" * 200, "the limit is 200", id="too-long"),
    ],
)
def test_an_unusable_speaker_pattern_is_refused(pattern: str, reason: str) -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript("A: b", speaker_pattern=pattern)

    assert caught.value.code == "TRANSCRIPT_PATTERN_INVALID"
    assert reason in str(caught.value)


def test_text_is_normalised_and_offsets_point_into_the_final_text() -> None:
    data = "\ufeff\r\n I: Cafe\u0301?   \r\nR: Oui.\t\rEncore.  \r\n\r\n".encode()

    transcript = read_transcript(data, "interview.txt")

    assert transcript.text == " I: Café?\nR: Oui.\nEncore."
    assert unicodedata.is_normalized("NFC", transcript.text)
    assert [(s, w) for s, w, _, _ in said(transcript)] == [("I", "Café?"), ("R", "Oui.\nEncore.")]


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param("I: Zoë?\nR: Sí.".encode(), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + "I: Zoë?\nR: Sí.".encode(), id="utf-8-bom"),
        pytest.param("I: Zoë?\nR: Sí.".encode("utf-16"), id="utf-16-native-bom"),
        pytest.param(codecs.BOM_UTF16_LE + "I: Zoë?\nR: Sí.".encode("utf-16-le"), id="utf-16-le"),
        pytest.param(codecs.BOM_UTF16_BE + "I: Zoë?\nR: Sí.".encode("utf-16-be"), id="utf-16-be"),
    ],
)
def test_unicode_encodings_with_their_marks_are_read(encoded: bytes) -> None:
    transcript = read_transcript(encoded, "t.txt")

    assert [(s, w) for s, w, _, _ in said(transcript)] == [("I", "Zoë?"), ("R", "Sí.")]
    assert transcript.warnings == ()


def test_windows_1252_is_read_with_a_warning() -> None:
    data = "I: “Où?”\nR: Café – 5 €.".encode("cp1252")

    transcript = read_transcript(data, "old.txt")

    assert [(s, w) for s, w, _, _ in said(transcript)] == [("I", "“Où?”"), ("R", "Café – 5 €.")]
    assert len(transcript.warnings) == 1 and "read as Windows-1252" in transcript.warnings[0]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(bytes(range(256)) * 8, "TRANSCRIPT_BINARY", id="bytes-with-nul"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n" + bytes(range(1, 32)) * 40, "TRANSCRIPT_BINARY", id="png-like"
        ),
        pytest.param(
            b"I: ok\n" + b"\x1b\x07\x08" * 50, "TRANSCRIPT_BINARY", id="control-characters"
        ),
        pytest.param(b"I: \x81\x8d\x8f text", "TRANSCRIPT_ENCODING", id="not-utf8-nor-cp1252"),
        pytest.param(
            codecs.BOM_UTF8 + b"I: \xff\xfe", "TRANSCRIPT_ENCODING", id="bad-after-utf8-bom"
        ),
        pytest.param(codecs.BOM_UTF16_LE + b"\x00\xd8", "TRANSCRIPT_ENCODING", id="lone-surrogate"),
        pytest.param("I: ok\x00R: no", "TRANSCRIPT_BINARY", id="pasted-nul"),
    ],
)
def test_binary_garbled_and_undecodable_input_is_refused(data: bytes | str, code: str) -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript(data, "t.txt")

    assert caught.value.code == code


def test_an_unknown_encoding_names_the_encodings_heard_reads() -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript(b"I: \x81 text", "t.txt")

    assert str(caught.value).startswith("The file is not text in a known encoding (UTF-8, UTF-16)")


@pytest.mark.parametrize("data", [b"", "", b"   \r\n\t\n", codecs.BOM_UTF8, "\ufeff \n"])
def test_an_empty_transcript_is_refused(data: bytes | str) -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript(data, "t.txt")

    assert caught.value.code == "TRANSCRIPT_EMPTY"


@pytest.mark.parametrize("data", [b"I: words\n" * 700_000, "I: words\n" * 700_000])
def test_input_over_the_limit_is_refused_and_says_the_limit(data: bytes | str) -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript(data, "long.txt")

    assert caught.value.code == "FILE_TOO_LARGE"
    assert "6300000 bytes; the limit is 5000000 bytes" in str(caught.value)


def test_the_limit_can_be_set() -> None:
    with pytest.raises(CodingError, match="the limit is 10 bytes"):
        read_transcript("I: eleven by", max_bytes=10)


@pytest.mark.parametrize("filename", ["notes.pdf", "call.doc", "transcript", "x.docm"])
def test_other_file_types_are_refused(filename: str) -> None:
    with pytest.raises(CodingError) as caught:
        read_transcript(b"I: hi", filename)

    assert caught.value.code == "FILE_TYPE"


def test_segments_by_turn_and_by_paragraph_leave_labels_out() -> None:
    transcript = read_transcript("I: Why?\nR: One. Two.\n\nThree.\n\nI: Ok.")

    def texts(spans: list[tuple[int, int]]) -> list[str]:
        return [transcript.text[a:b] for a, b in spans]

    assert texts(segments(transcript)) == ["Why?", "One. Two.\n\nThree.", "Ok."]
    assert texts(segments(transcript, by="paragraph")) == ["Why?", "One. Two.", "Three.", "Ok."]


def test_a_long_turn_is_split_at_paragraphs_then_sentences_then_spaces() -> None:
    long_sentence = " ".join(["word"] * 10)  # 49 characters
    text = f"R: Short one. Another one.\n\nA middle paragraph.\n\n{long_sentence}\n\nEnd."
    transcript = read_transcript(text.replace("R:", "I: Q?\nR:"))

    spans = segments(transcript, max_chars=20)

    assert [transcript.text[a:b] for a, b in spans] == [
        "Q?",
        "Short one.",
        "Another one.",
        "A middle paragraph.",
        "word word word word",
        "word word word word",
        "word word",
        "End.",
    ]


def test_a_word_longer_than_the_limit_is_cut() -> None:
    transcript = read_transcript("abcdefghij")

    assert segments(transcript, max_chars=4) == [(0, 4), (4, 8), (8, 10)]


@pytest.mark.parametrize(
    ("by", "max_chars"), [("sentence", 10), ("turn", 0), ("turn", 2.5), ("turn", True)]
)
def test_segments_refuses_an_unknown_unit_or_limit(by: str, max_chars: object) -> None:
    transcript = read_transcript("A paragraph.")

    with pytest.raises(ValueError, match=r"unit|max_chars"):
        segments(transcript, by=by, max_chars=max_chars)  # type: ignore[arg-type]


# Hypothesis: generated dialogues read back to exactly the words written.
SPEAKERS = st.sampled_from(["Interviewer", "Respondent", "I", "R", "Amina", "Jo Ann", "محمد"])
WORD = st.text(
    alphabet=st.sampled_from([*"abcdeé xyzAZ.,?!'é—", "ü", "ñ", "я", "字", "🙂"]),
    min_size=1,
    max_size=12,
).filter(lambda word: word.strip() and ":" not in word)
LINE = st.lists(WORD, min_size=1, max_size=6).map(lambda ws: " ".join(w.strip() for w in ws))


@settings(max_examples=150, deadline=None)
@given(
    speakers=st.lists(SPEAKERS, min_size=2, max_size=3, unique=True),
    turns=st.lists(st.lists(LINE, min_size=1, max_size=3), min_size=6, max_size=12),
    times=st.booleans(),
)
def test_generated_transcripts_read_back_to_their_words(
    speakers: list[str], turns: list[list[str]], times: bool
) -> None:
    # Each speaker speaks at least twice, so a "Name:" label always counts as a speaker.
    expected = [(speakers[i % len(speakers)], "\n".join(lines)) for i, lines in enumerate(turns)]
    lines = []
    for number, (speaker, words) in enumerate(expected):
        prefix = f"[00:{number:02d}:00] " if times else ""
        lines.append(f"{prefix}{speaker}: {words}")
    expected = [(s, unicodedata.normalize("NFC", w)) for s, w in expected]

    transcript = read_transcript("\n".join(lines))

    assert [(s, w) for s, w, _, _ in said(transcript)] == expected
    previous_end = 0
    for number, turn in enumerate(transcript.turns):
        assert previous_end <= turn.start < turn.end <= len(transcript.text)
        assert turn.time_start_ms == (number * 60_000 if times else None)
        previous_end = turn.end
