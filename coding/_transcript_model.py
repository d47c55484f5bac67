"""The two values a transcript reading gives: :class:`Turn` and :class:`Transcript`.

They live here, apart from :mod:`coding.transcripts`, so the readers of each
format can build them; import them from :mod:`coding.transcripts`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    """One speaker turn: where its words are in the transcript text, who spoke, when.

    `start` and `end` are code-point offsets into :attr:`Transcript.text`
    (start inclusive, end exclusive) covering the spoken words only, never
    the speaker label or a timestamp prefix. `speaker` is the label as
    written (None when the transcript has no recognisable speakers). Times
    are milliseconds from the start of the recording, when the file gives
    them.
    """

    start: int
    end: int
    speaker: str | None
    time_start_ms: int | None = None
    time_end_ms: int | None = None


@dataclass(frozen=True)
class Transcript:
    """A transcript read from a file: its text (NFC, ``\\n``), its turns, speakers and warnings.

    `speakers` are the distinct labels in order of first appearance;
    `warnings` are sentences for the person who uploaded the file (a guessed
    encoding, no speakers found, dropped link targets).
    """

    text: str
    turns: tuple[Turn, ...]
    speakers: tuple[str, ...]
    warnings: tuple[str, ...]
