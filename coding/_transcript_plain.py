"""Cut plain transcript text into speaker turns (the text of a .txt, a paste or a .docx).

A line with a speaker label starts a turn; lines without one continue the
turn before (blank lines included), so a long answer over several
paragraphs stays one turn. A line that is only a timestamp ends the turn
before it and gives its time to the next; an unlabelled line that starts with
a timestamp starts a new turn of the same speaker. Text before the first
label is kept as turns without a speaker, one per paragraph.

``Name:`` labels can be ordinary words followed by a colon ("Note: ..."), so
they count as speakers only when the transcript looks like a dialogue of
them. Role labels (Interviewer, Respondent, I, R, Q, A...) and explicit ones
(``[Name]``, ``NAME (00:01:02):``) are always accepted; beside them, a
``Name:`` label must be used on two lines or more. Without them, ``Name:``
labels are accepted when at least two lines carry one (a lone "Summary:" is
not a dialogue). With no accepted label at all, every paragraph is a turn
without a speaker.

Examples
--------
>>> text = "I: Where did you work?\\nR: On a farm.\\nEvery day."
>>> [(t.speaker, text[t.start : t.end]) for t in read_plain(text)]
[('I', 'Where did you work?'), ('R', 'On a farm.\\nEvery day.')]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from coding._transcript_labels import Label, parse_line, words_start
from coding._transcript_model import Turn


@dataclass
class _Open:
    """A turn being built: its words start (None until a line has words) and end."""

    speaker: str | None
    time_ms: int | None
    start: int | None = None
    end: int = 0


def read_plain(text: str, pattern: re.Pattern[str] | None = None) -> list[Turn]:
    """Return the turns of clean transcript `text` (see the module's rules).

    Examples
    --------
    >>> [(t.start, t.end, t.speaker) for t in read_plain("One.\\n\\nTwo.")]
    [(0, 4, None), (6, 10, None)]
    """
    lines = _lines(text)
    labels = [parse_line(line, pattern) for _, line in lines]
    accepted = accepted_labels(labels)
    labels = [
        label
        if label.speaker is None or label.speaker in accepted.get(label.kind, ())
        else Label(None, None, label.time_ms, words_start(line))
        for (_, line), label in zip(lines, labels)
    ]
    return _build(lines, labels)


def _lines(text: str) -> list[tuple[int, str]]:
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    return lines


def accepted_labels(labels: list[Label]) -> dict[str | None, set[str]]:
    """Return the labels taken as speakers, by kind (see the module's rules).

    Examples
    --------
    >>> accepted_labels([parse_line("Note: x"), parse_line("I: y")])["name"]
    set()
    """
    by_kind: dict[str | None, Counter[str]] = {}
    for label in labels:
        if label.speaker is not None:
            by_kind.setdefault(label.kind, Counter())[label.speaker] += 1
    names = by_kind.get("name", Counter())
    others = "role" in by_kind or "explicit" in by_kind
    if others:
        repeated = {name for name, count in names.items() if count >= 2}
    else:
        repeated = set(names) if names.total() >= 2 else set()
    return {
        "name": repeated,
        "role": set(by_kind.get("role", ())),
        "explicit": set(by_kind.get("explicit", ())),
    }


def _build(lines: list[tuple[int, str]], labels: list[Label]) -> list[Turn]:
    turns: list[Turn] = []
    current: _Open | None = None
    pending: int | None = None  # the time of a timestamp-only line, for the next turn
    after_blank = False
    for (offset, line), label in zip(lines, labels):
        if not line.strip():
            after_blank = True
            continue
        words = offset + label.words
        only_time = label.speaker is None and label.time_ms is not None and label.words == len(line)
        starts = label.speaker is not None or label.time_ms is not None
        if only_time or starts or current is None or (after_blank and current.speaker is None):
            previous = current.speaker if current else (turns[-1].speaker if turns else None)
            _close(current, turns)
            current = None
            if only_time:
                pending = label.time_ms
                after_blank = False
                continue
            speaker = label.speaker
            if speaker is None and label.time_ms is not None:
                speaker = previous
            current = _Open(speaker, label.time_ms if label.time_ms is not None else pending)
            pending = None
        if words < offset + len(line):
            current.start = words if current.start is None else current.start
            current.end = offset + len(line)
        after_blank = False
    _close(current, turns)
    return turns


def _close(current: _Open | None, turns: list[Turn]) -> None:
    if current is not None and current.start is not None:
        turns.append(Turn(current.start, current.end, current.speaker, current.time_ms, None))
