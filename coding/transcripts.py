"""Read interview transcripts (.txt, pasted text, .docx, .vtt, .srt) into speaker turns.

:func:`read_transcript` gives a :class:`Transcript`: its text in Heard's form
(NFC, ``\\n`` line endings, trailing spaces trimmed, no byte order mark) and
its :class:`Turn` s, each with the code-point offsets of the spoken words
(not the speaker label), the speaker as written and the times the file
gives. :func:`segments` cuts it into spans for coding and analysis units.
The rules for each format, speaker style and limit are in
``docs/transcripts.md``; the readers are ``coding._transcript_*``.

Examples
--------
>>> t = read_transcript("[00:00:05] Interviewer: How long were you there?\\nR: Two years.")
>>> [(turn.speaker, t.text[turn.start : turn.end], turn.time_start_ms) for turn in t.turns]
[('Interviewer', 'How long were you there?', 5000), ('R', 'Two years.', None)]
>>> t.speakers
('Interviewer', 'R')
"""

from __future__ import annotations

import re
from typing import Literal

from coding._transcript_captions import looks_like_captions, read_captions
from coding._transcript_docx import read_docx
from coding._transcript_labels import compile_speaker_pattern
from coding._transcript_model import Transcript, Turn
from coding._transcript_plain import read_plain
from coding._transcript_text import clean, decode, refuse_binary
from coding.errors import CodingError, ErrorCode
from coding.units import split_sentences

__all__ = ["MAX_BYTES", "Transcript", "Turn", "read_transcript", "segments"]

MAX_BYTES = 5_000_000
FORMATS = {".txt": "txt", ".text": "txt", ".docx": "docx", ".vtt": "vtt", ".srt": "srt"}
EXPECTED = "a .txt, .docx, .vtt or .srt file, or pasted text"
NO_SPEAKERS_WARNING = (
    "No speakers were found, so each paragraph is a turn without a speaker. If the file "
    "marks speakers in another way, give a speaker pattern and read it again."
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def read_transcript(
    data: bytes | str,
    filename: str = "pasted.txt",
    *,
    speaker_pattern: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Transcript:
    """Return the transcript in `data`, read by its file name's extension (and by its content).

    Parameters
    ----------
    data : bytes or str
        The file's bytes, or pasted text.
    filename : str
        The uploaded file's name; its extension picks the format (``.txt``,
        ``.docx``, ``.vtt``, ``.srt``). A ``.txt`` (or pasted text) that is
        really WebVTT or SubRip is read as such.
    speaker_pattern : str, optional
        A regular expression with a named group ``speaker``, matched at the
        start of each line (or cue), used instead of the built-in label styles.
    max_bytes : int
        The largest input accepted.

    Returns
    -------
    Transcript

    Raises
    ------
    CodingError
        ``FILE_TYPE``, ``FILE_TOO_LARGE``, ``TRANSCRIPT_EMPTY``,
        ``TRANSCRIPT_ENCODING``, ``TRANSCRIPT_BINARY``,
        ``TRANSCRIPT_PATTERN_INVALID``, ``TRANSCRIPT_NO_CUES``,
        ``TRANSCRIPT_CUE_TIME_INVALID``, ``DOCX_INVALID``, ``DOCX_MACROS``,
        ``DOCX_EXTERNAL`` or a ``ZIP_`` code, with a message for the person.

    Examples
    --------
    >>> srt = "1\\n00:00:01,000 --> 00:00:02,000\\nANA: Hi.\\n\\n"
    >>> srt += "2\\n00:00:02,500 --> 00:00:03,000\\nANA: Ok."
    >>> t = read_transcript(srt.encode(), "call.srt")
    >>> t.text, t.turns[0].time_end_ms
    ('ANA: Hi. Ok.', 3000)
    >>> read_transcript("Just one paragraph.").warnings == (NO_SPEAKERS_WARNING,)
    True
    """
    kind = _kind(data, filename)
    pattern = None if speaker_pattern is None else compile_speaker_pattern(speaker_pattern)
    if kind == "docx":
        raw, warnings = _docx(data, max_bytes)
    else:
        raw, warnings = decode(data, max_bytes=max_bytes)
    text = clean(raw)
    if kind == "txt":
        kind = looks_like_captions(text) or kind
    if kind in ("vtt", "srt"):
        text, turns = read_captions(text, kind, pattern)
    else:
        turns = read_plain(text, pattern)
    return _transcript(text, turns, warnings)


def _kind(data: bytes | str, filename: str) -> str:
    suffix = "." + filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    kind = FORMATS.get(suffix)
    if kind is None:
        raise CodingError(ErrorCode.FILE_TYPE, name=filename[:100], expected=EXPECTED)
    if kind == "docx" and isinstance(data, str):
        detail = "text was given, not the document's bytes"
        raise CodingError(ErrorCode.DOCX_INVALID, detail=detail)
    return kind


def _docx(data: bytes | str, max_bytes: int) -> tuple[str, tuple[str, ...]]:
    assert isinstance(data, bytes | bytearray | memoryview)
    if len(data) > max_bytes:
        raise CodingError(ErrorCode.FILE_TOO_LARGE, size=len(data), limit=max_bytes)
    text, warnings = read_docx(bytes(data))
    refuse_binary(text)
    return text, warnings


def _transcript(text: str, turns: list[Turn], warnings: tuple[str, ...]) -> Transcript:
    speakers = tuple(dict.fromkeys(t.speaker for t in turns if t.speaker is not None))
    if not speakers:
        warnings = (*warnings, NO_SPEAKERS_WARNING)
    if not turns:
        raise CodingError(ErrorCode.TRANSCRIPT_EMPTY)
    return Transcript(text=text, turns=tuple(turns), speakers=speakers, warnings=warnings)


def segments(
    transcript: Transcript, by: Literal["turn", "paragraph"] = "turn", max_chars: int = 2000
) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of `transcript` for coding and analysis units, in order.

    With ``by="turn"``, one span per turn; with ``by="paragraph"``, one per
    paragraph (blank-line separated) of each turn. A turn longer than
    `max_chars` is cut at its paragraph breaks, and a paragraph longer than
    that at sentence ends (see :func:`coding.units.split_sentences`), then at
    spaces, packing as many sentences (or words) into a span as fit; a single
    word longer than `max_chars` is cut where it must be.
    Spans never include a speaker label, nor whitespace at either end.

    Parameters
    ----------
    transcript : Transcript
    by : {"turn", "paragraph"}
    max_chars : int
        The longest span, in code points (at least 1).

    Returns
    -------
    list of (int, int)
        Code point offsets into ``transcript.text``, start inclusive, end
        exclusive, non-overlapping and in order.

    Examples
    --------
    >>> t = read_transcript("I: Why?\\nR: One. Two.\\n\\nThree.")
    >>> [t.text[a:b] for a, b in segments(t)]
    ['Why?', 'One. Two.\\n\\nThree.']
    >>> [t.text[a:b] for a, b in segments(t, by="paragraph")]
    ['Why?', 'One. Two.', 'Three.']
    >>> [t.text[a:b] for a, b in segments(t, max_chars=10)]
    ['Why?', 'One. Two.', 'Three.']
    """
    if by not in ("turn", "paragraph"):
        raise ValueError(f"unknown unit {by!r}; choose 'turn' or 'paragraph'")
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise ValueError(f"max_chars must be a whole number of at least 1, not {max_chars!r}")
    text = transcript.text
    spans: list[tuple[int, int]] = []
    for turn in transcript.turns:
        if by == "turn" and turn.end - turn.start <= max_chars:
            spans.append((turn.start, turn.end))
            continue
        for start, end in _paragraphs(text, turn.start, turn.end):
            spans.extend(_fit(text, start, end, max_chars))
    return spans


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, position = [], start
    for match in _PARAGRAPH_BREAK.finditer(text, start, end):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, end))
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()]


def _fit(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Return `start`-`end` as one span if it fits, else its sentences packed (then words)."""
    if end - start <= max_chars:
        return [(start, end)]
    pieces = []
    for a, b in split_sentences(text[start:end]):
        a, b = _strip(text, start + a, start + b)
        pieces.extend(_words(text, a, b, max_chars) if b - a > max_chars else [(a, b)])
    return _pack([p for p in pieces if p[0] < p[1]], max_chars)


def _words(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    pieces = []
    for match in re.finditer(r"\S+", text[start:end]):
        a, b = start + match.start(), start + match.end()
        pieces.extend((i, min(i + max_chars, b)) for i in range(a, b, max_chars))
    return pieces


def _pack(pieces: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Join consecutive pieces while the joined span stays within `max_chars`."""
    packed: list[tuple[int, int]] = []
    for start, end in pieces:
        if packed and end - packed[-1][0] <= max_chars:
            packed[-1] = (packed[-1][0], end)
        else:
            packed.append((start, end))
    return packed


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
