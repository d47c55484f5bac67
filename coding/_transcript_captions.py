"""Read WebVTT (.vtt) and SubRip (.srt) captions as a transcript of speaker turns.

A cue is a time line (``00:00:01.000 --> 00:00:04.000``; SubRip writes
``00:00:01,000``) and the lines of text after it. The speaker is a WebVTT
voice tag (``<v Alice>``; several in one cue make several parts) or a speaker
label at the start of the cue text (``ALICE:``, ``[Alice]``, or the
researcher's pattern), with the same rules as plain text; a cue without one
continues the speaker before. Formatting tags (``<i>``, ``<b>``, ``<c.x>``,
``<font>``, inline times, SubRip's ``{\\an8}``) are removed and character
references decoded; the lines of a cue are joined with spaces (they are only
where the captions wrapped). Consecutive cues of the same speaker become one
turn from the first cue's start to the last cue's end; cues with no speaker
at all stay one turn each.

The transcript text is written from the turns, one paragraph each:
``Alice: words`` (or just the words), so offsets point at the words.

Examples
--------
>>> vtt = "WEBVTT\\n\\n00:01.000 --> 00:02.500\\n<v Ana>Hello <i>there</i>\\n\\n"
>>> vtt += "00:03.000 --> 00:04.000\\n<v Ana>again"
>>> text, turns = read_captions(vtt, "vtt")
>>> text
'Ana: Hello there again'
>>> turns[0]
Turn(start=5, end=22, speaker='Ana', time_start_ms=1000, time_end_ms=4000)
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from coding._transcript_labels import Label, parse_line, parse_time
from coding._transcript_model import Turn
from coding._transcript_plain import accepted_labels
from coding.errors import CodingError, ErrorCode

EXAMPLES = {"vtt": "00:00:01.000 --> 00:00:04.000", "srt": "00:00:01,000 --> 00:00:04,000"}
_CUE_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"[ \t]*({_CUE_TIME})[ \t]*-->[ \t]*({_CUE_TIME})(?:[ \t].*)?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")


@dataclass
class _Part:
    """Some cue text, its speaker (a voice, a label or None) and the cue's times."""

    speaker: str | None
    label: Label | None
    words: str
    full: str  # the words with any label, for when the label is refused
    start_ms: int
    end_ms: int


def looks_like_captions(text: str) -> str | None:
    """Return ``"vtt"`` or ``"srt"`` if clean `text` is captions, else None.

    Examples
    --------
    >>> looks_like_captions("1\\n00:00:01,000 --> 00:00:02,000\\nHi"), looks_like_captions("Hi")
    ('srt', None)
    """
    first = text.split("\n", 1)[0]
    if first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t")):
        return "vtt"
    head = text.split("\n", 2)[:2]
    if any(_TIMING.fullmatch(line) for line in head):
        return "srt"
    return None


def read_captions(
    text: str, kind: str, pattern: re.Pattern[str] | None = None
) -> tuple[str, list[Turn]]:
    """Return the transcript text written from the cues of `text`, and its turns.

    Examples
    --------
    >>> read_captions("1\\n00:00:01,000 --> 00:00:02,000\\nR: Yes.", "srt")[0]
    'R: Yes.'
    """
    parts = _parts(text, kind, pattern)
    if not parts:
        raise CodingError(ErrorCode.TRANSCRIPT_NO_CUES, kind=kind.upper(), example=EXAMPLES[kind])
    _settle_speakers(parts)
    return _write(_merge(parts))


def _parts(text: str, kind: str, pattern: re.Pattern[str] | None) -> list[_Part]:
    parts: list[_Part] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        block_start = index
        while index < len(lines) and lines[index].strip():
            index += 1
        block = lines[block_start:index]
        index += 1
        if not block or block[0].startswith(_SKIPPED_BLOCKS) or block[0].startswith("WEBVTT"):
            continue
        timing = next((i for i, line in enumerate(block) if "-->" in line), None)
        if timing is None:
            continue
        match = _TIMING.fullmatch(block[timing])
        if match is None:
            raise CodingError(
                ErrorCode.TRANSCRIPT_CUE_TIME_INVALID,
                where=f"line {block_start + timing + 1}",
                value=block[timing][:80],
                example=EXAMPLES[kind],
            )
        times = (parse_time(match.group(1)), parse_time(match.group(2)))
        parts.extend(_cue_parts("\n".join(block[timing + 1 :]), times, pattern))
    return parts


def _cue_parts(
    payload: str, times: tuple[int, int], pattern: re.Pattern[str] | None
) -> list[_Part]:
    pieces: list[tuple[str | None, str]] = []
    voices = list(_VOICE.finditer(payload))
    if not voices or voices[0].start() > 0:
        pieces.append((None, payload[: voices[0].start() if voices else len(payload)]))
    for number, voice in enumerate(voices):
        end = voices[number + 1].start() if number + 1 < len(voices) else len(payload)
        pieces.append((" ".join(voice.group(1).split()), payload[voice.end() : end]))
    parts = []
    for speaker, raw in pieces:
        words = unicodedata.normalize("NFC", " ".join(html.unescape(_TAG.sub("", raw)).split()))
        label, full = None, words
        if speaker is None and words:
            label = parse_line(words, pattern)
            words = words[label.words :] if label.speaker else words
        if words:
            parts.append(_Part(speaker, label, words, full, *times))
    return parts


def _settle_speakers(parts: list[_Part]) -> None:
    """Give each part its speaker: its voice, an accepted label, or the speaker before."""
    accepted = accepted_labels([part.label for part in parts if part.label is not None])
    previous: str | None = None
    for part in parts:
        label = part.label
        if part.speaker is None and label is not None and label.speaker is not None:
            if label.speaker in accepted.get(label.kind, ()):
                part.speaker = label.speaker
            else:  # a refused label is part of the words again
                part.words = part.full
        part.speaker = part.speaker or previous
        previous = part.speaker


def _merge(parts: list[_Part]) -> list[_Part]:
    merged: list[_Part] = []
    for part in parts:
        last = merged[-1] if merged else None
        if last is not None and part.speaker is not None and part.speaker == last.speaker:
            last.words = f"{last.words} {part.words}"
            last.end_ms = part.end_ms
        else:
            merged.append(
                _Part(part.speaker, None, part.words, part.words, part.start_ms, part.end_ms)
            )
    return merged


def _write(parts: list[_Part]) -> tuple[str, list[Turn]]:
    chunks: list[str] = []
    turns: list[Turn] = []
    offset = 0
    for part in parts:
        prefix = f"{part.speaker}: " if part.speaker else ""
        start = offset + len(prefix)
        turns.append(Turn(start, start + len(part.words), part.speaker, part.start_ms, part.end_ms))
        chunk = prefix + part.words
        chunks.append(chunk)
        offset += len(chunk) + 2
    return "\n\n".join(chunks), turns
