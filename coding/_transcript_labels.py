"""Read one transcript line: a timestamp prefix, a speaker label, and where the words begin.

Recognised at the start of a line, after any timestamp prefix (``[00:01:23]``,
``(01:23)``, ``00:01:23``):

- ``Name:``, a label of one to four words and at most 40 characters, each
  word starting with a capital (or a letter of a script without case), a
  digit after the first word, or a name particle (``de``, ``van``, ``bin``);
  the colon must be followed by a space or the end of the line, so "10:30"
  and "https://" are never labels;
- ``[Name]`` or ``[Name]:``, but not ``[inaudible]``, ``[Laughs]`` and other
  annotations;
- ``NAME (00:01:02):`` or ``NAME [00:01:02]:``, a label with its time;
- a researcher's own pattern (:func:`compile_speaker_pattern`) instead of all
  of these.

Every regular expression here is bounded or linear; a researcher's pattern
is only ever run on the first :data:`LABEL_WINDOW` characters of a line.

Examples
--------
>>> parse_line("[00:01:05] Interviewer: How are you?")
Label(speaker='Interviewer', kind='role', time_ms=65000, words=24)
>>> parse_line("It was 10:30 when we left.")
Label(speaker=None, kind=None, time_ms=None, words=0)
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # the stdlib's own parser: no dependency, no warning
import re._parser as sre_parse
import unicodedata
from dataclasses import dataclass

from coding.errors import CodingError, ErrorCode

LABEL_WINDOW = 200
MAX_PATTERN_LENGTH = 200
MAX_LABEL_CHARS = 40
MAX_LABEL_WORDS = 4
ROLES = frozenset(
    {"interviewer", "respondent", "interviewee", "participant", "interpreter", "translator"}
    | {"facilitator", "moderator", "researcher", "i", "r", "q", "a", "p"}
)
PARTICLES = frozenset(
    {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "van", "von", "der", "den"}
    | {"ten", "ter", "bin", "binti", "ibn", "al", "el", "la", "le"}
)
ANNOTATIONS = frozenset(
    {"inaudible", "unclear", "laughs", "laughter", "laughing", "crosstalk", "overlapping"}
    | {"overtalk", "pause", "silence", "music", "noise", "crying", "cries", "coughs", "sighs"}
    | {"redacted", "interruption", "break"}
)

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_BARE_TIME = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?(?=\s|$)"  # hours needed: "10:30 we met"
_PREFIX = re.compile(
    rf"[ \t]*(?:\[(?P<b>{_TIME})\]|\((?P<p>{_TIME})\)|(?P<t>{_BARE_TIME}))[ \t]*(?:-[ \t]+)?"
)
_LABEL_TIME = re.compile(rf"(?P<name>.*?)[ \t]*(?:\((?P<p>{_TIME})\)|\[(?P<b>{_TIME})\])")
_TIME_PARTS = re.compile(r"(?:(\d+):)?(\d+):(\d+)(?:[.,](\d+))?")
_NAME_MARKS = frozenset("'’.-_")


@dataclass(frozen=True)
class Label:
    """What starts a line: the speaker label (None if none), its kind, a time, where words begin.

    `kind` is ``"role"`` (Interviewer, R, Q...), ``"name"`` (a ``Name:``
    label, accepted only if it looks like a speaker across the transcript),
    ``"explicit"`` (``[Name]``, ``NAME (time):`` or the researcher's pattern)
    or None. `words` is the offset in the line where the spoken words begin.
    """

    speaker: str | None
    kind: str | None
    time_ms: int | None
    words: int


def parse_time(value: str) -> int:
    """Return the milliseconds of ``h:mm:ss.fff``, ``mm:ss`` or ``hh:mm:ss,fff``.

    Examples
    --------
    >>> parse_time("01:02:03.5"), parse_time("2:03"), parse_time("00:00:01,250")
    (3723500, 123000, 1250)
    """
    match = _TIME_PARTS.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"not a time: {value!r}")
    hours, minutes, seconds, fraction = match.groups()
    millis = int((fraction or "0").ljust(3, "0")[:3])
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + millis


def parse_line(line: str, pattern: re.Pattern[str] | None = None) -> Label:
    """Return the timestamp, speaker label and start of the words of one line.

    Examples
    --------
    >>> parse_line("ALICE (00:01:02): Hello")
    Label(speaker='ALICE', kind='explicit', time_ms=62000, words=18)
    """
    time_ms, offset = _prefix(line)
    offset = _skip_space(line, offset)
    if pattern is not None:
        speaker, end = _custom(line, pattern, offset)
        kind = "explicit"
    else:
        speaker, kind, end, label_time = _builtin(line, offset)
        time_ms = time_ms if label_time is None else label_time
    if speaker is None:
        return Label(None, None, time_ms, _skip_space(line, offset))
    return Label(speaker, kind, time_ms, _skip_space(line, end))


def words_start(line: str) -> int:
    """Return where the words of an unlabelled line start: after any timestamp and spaces.

    Examples
    --------
    >>> words_start("[00:00:05]  Alice: hi")
    12
    """
    return _skip_space(line, _prefix(line)[1])


def _prefix(line: str) -> tuple[int | None, int]:
    match = _PREFIX.match(line)
    if match is None:
        return None, 0
    value = match.group("b") or match.group("p") or match.group("t")
    return parse_time(value), match.end()


def _skip_space(line: str, offset: int) -> int:
    while offset < len(line) and line[offset] in " \t":
        offset += 1
    return offset


def _custom(line: str, pattern: re.Pattern[str], offset: int) -> tuple[str | None, int]:
    for start in dict.fromkeys((0, offset)):
        match = pattern.match(line[:LABEL_WINDOW], start)
        if match is not None and (match.group("speaker") or "").strip():
            return " ".join(match.group("speaker").split()), match.end()
    return None, 0


def _builtin(line: str, offset: int) -> tuple[str | None, str | None, int, int | None]:
    rest = line[offset : offset + LABEL_WINDOW]
    if rest.startswith("["):
        close = rest.find("]", 1, MAX_LABEL_CHARS + 2)
        name = rest[1:close] if close > 0 else ""
        if close > 0 and _is_name(name) and name.strip().casefold() not in ANNOTATIONS:
            end = close + 1
            end += 1 if rest[end : end + 1] == ":" else 0
            return " ".join(name.split()), "explicit", offset + end, None
        return None, None, 0, None
    colon = _label_colon(rest)
    if colon < 1:
        return None, None, 0, None
    label, kind, label_time = rest[:colon], "name", None
    timed = _LABEL_TIME.fullmatch(label)
    if timed is not None:
        label, kind = timed.group("name"), "explicit"
        label_time = parse_time(timed.group("p") or timed.group("b"))
    if not _is_name(label):
        return None, None, 0, None
    speaker = " ".join(label.split())
    if kind == "name" and speaker.casefold() in ROLES:
        kind = "role"
    return speaker, kind, offset + colon + 1, label_time


def _label_colon(rest: str) -> int:
    """Return the first colon followed by a space or the line's end (not 10:30), or -1."""
    window = rest[: MAX_LABEL_CHARS + 20]
    for index, char in enumerate(window):
        if char == ":" and rest[index + 1 : index + 2] in ("", " ", "\t"):
            return index
    return -1


def _is_name(label: str) -> bool:
    words = label.split()
    if not 1 <= len(words) <= MAX_LABEL_WORDS or len(label.strip()) > MAX_LABEL_CHARS:
        return False
    if label != label.lstrip():
        return False
    for index, word in enumerate(words):
        first = word[0]
        capital = first.isalpha() and not first.islower()
        later = index > 0 and (first.isdigit() or word.casefold() in PARTICLES)
        if not (capital or later):
            return False
        if not all(unicodedata.category(c)[0] in "LNM" or c in _NAME_MARKS for c in word):
            return False
    return True


def compile_speaker_pattern(pattern: str) -> re.Pattern[str]:
    """Return a researcher's speaker pattern compiled; CodingError if it cannot be used safely.

    The pattern is a Python regular expression matched at the start of each
    line, with a named group ``speaker``; the spoken words begin where the
    match ends. It is refused when longer than 200 characters, when it does
    not compile, when it has no ``speaker`` group, and when it repeats a
    part that itself repeats (``(\\w+ ?)+``), which can take forever on an
    unlucky line.

    Examples
    --------
    >>> compile_speaker_pattern(r"(?P<speaker>\\w+) >").match("Ana > hi").group("speaker")
    'Ana'
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        detail = f"it is {len(pattern)} characters long; the limit is {MAX_PATTERN_LENGTH}"
        raise CodingError(ErrorCode.TRANSCRIPT_PATTERN_INVALID, detail=detail)
    try:
        compiled = re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        detail = f"it is not a valid regular expression ({getattr(error, 'msg', error)})"
        raise CodingError(ErrorCode.TRANSCRIPT_PATTERN_INVALID, detail=detail) from None
    if "speaker" not in compiled.groupindex:
        detail = "it needs a named group for the speaker, like (?P<speaker>[A-Z]\\w+)"
        raise CodingError(ErrorCode.TRANSCRIPT_PATTERN_INVALID, detail=detail)
    if _nested_repeat(parsed, inside=False):
        detail = (
            "it repeats a part that itself repeats, like (\\w+ ?)+, which can take "
            "forever on some lines: write it without the outer repeat, like [\\w ]+"
        )
        raise CodingError(ErrorCode.TRANSCRIPT_PATTERN_INVALID, detail=detail)
    return compiled


_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)


def _nested_repeat(items: object, *, inside: bool) -> bool:
    """Return True if a repeat (of more than one) sits inside another such repeat."""
    for op, value in items:  # type: ignore[attr-defined]
        if op in _REPEATS:
            _low, high, body = value
            many = high > 1
            if (inside and many) or _nested_repeat(body, inside=inside or many):
                return True
            continue
        if op is sre_constants.SUBPATTERN:
            bodies = [value[-1]]
        elif op is sre_constants.BRANCH:
            bodies = list(value[1])
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            bodies = [value[1]]
        else:
            bodies = []
        if any(_nested_repeat(body, inside=inside) for body in bodies):
            return True
    return False
