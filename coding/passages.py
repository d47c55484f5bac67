"""Find where a text quotes passages of other texts, and strike them out.

When a respondent withdraws, every memo that quotes their words must lose the
quote and keep the rest. A passage counts as quoted when the memo holds a run
of at least ``min_words`` consecutive words of a source text, or at least
``min_chars`` consecutive characters of it, or the whole of a short source
(at least ``short_words`` words and ``short_chars`` characters). Texts are
compared after NFC normalisation, case folding, folding runs of white space
to one space and typographic quotation marks to plain ones, so a memo that
changed the case or the line breaks of a quote still counts as quoting it.
Words are runs of letters and digits (``\\w+``), so punctuation between them
never hides a quote. Only whole words are struck: a run of characters that
begins or ends inside a word of the memo leaves that word alone.

Examples
--------
>>> finder = PassageFinder(["They took my passport and said I owed them money for the room."])
>>> finder.strike("Key moment: 'they took my passport and said I owed them' - debt bondage.")
"Key moment: '[withdrawn]' - debt bondage."
>>> finder.strike("Debt bondage again.")
'Debt bondage again.'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["STRUCK", "PassageFinder", "fold"]

STRUCK = "[withdrawn]"
_WORD = re.compile(r"\w+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})


@dataclass(frozen=True)
class Folded:
    """A text compared the folded way, with where each of its characters came from."""

    text: str
    origin: tuple[int, ...]  # index in the NFC text of each folded character
    nfc: str


def fold(text: str) -> Folded:
    """Return `text` folded for comparison (NFC, case folded, one space for any white space).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    Folded
        The folded text, the NFC text it came from, and for each folded
        character its index in the NFC text.

    Examples
    --------
    >>> fold("Straße\\n\\n  HERE").text
    'strasse here'
    """
    nfc = unicodedata.normalize("NFC", text)
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(nfc):
        if char.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                origin.append(index)
            continue
        for piece in char.translate(_QUOTES).casefold():
            out.append(piece)
            origin.append(index)
    return Folded("".join(out), tuple(origin), nfc)


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


class PassageFinder:
    """Find the passages of some source texts that another text quotes.

    Parameters
    ----------
    sources : iterable of str
        The texts whose passages must not be quoted (a withdrawn response's answers).
    min_words : int, default 6
        A run of this many consecutive words of a source is a quote.
    min_chars : int, default 40
        A run of this many consecutive characters (after folding) is a quote.
    short_words, short_chars : int, default 3 and 20
        A source shorter than `min_words` words is a quote when it appears
        whole and has at least this many words and characters.
    """

    def __init__(
        self,
        sources: Iterable[str],
        *,
        min_words: int = 6,
        min_chars: int = 40,
        short_words: int = 3,
        short_chars: int = 20,
    ) -> None:
        if min_words < 1 or min_chars < 1:
            raise ValueError("min_words and min_chars must be at least 1")
        self.min_words, self.min_chars = min_words, min_chars
        self._runs: set[tuple[str, ...]] = set()
        self._wholes: set[tuple[str, ...]] = set()
        self._chunks: set[str] = set()
        for source in sources:
            folded = fold(source).text
            words = tuple(word for word, _, _ in _words(folded))
            short = len(words) < min_words
            if short and len(words) >= short_words and len(folded.strip()) >= short_chars:
                self._wholes.add(words)
            for start in range(len(words) - min_words + 1):
                self._runs.add(words[start : start + min_words])
            for start in range(len(folded) - min_chars + 1):
                self._chunks.add(folded[start : start + min_chars])

    def __bool__(self) -> bool:
        """Say whether there is anything to look for."""
        return bool(self._runs or self._wholes or self._chunks)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return the quoted passages of `text` as merged [start, end) spans of its NFC form.

        Parameters
        ----------
        text : str
            A memo, or any text that may quote the sources.

        Returns
        -------
        list of (int, int)
            Spans in code points of ``unicodedata.normalize("NFC", text)``,
            of whole words, sorted and not overlapping.
        """
        folded = fold(text)
        found = self._word_spans(folded.text) + self._char_spans(folded.text)
        if not found:
            return []
        spans = [(folded.origin[start], folded.origin[end - 1] + 1) for start, end in found]
        kept = [_whole_words(folded.nfc, start, end) for start, end in spans]
        return _merge([(start, end) for start, end in kept if start < end])

    def _word_spans(self, folded: str) -> list[tuple[int, int]]:
        words = _words(folded)
        tokens = tuple(word for word, _, _ in words)
        found = []
        for size, wanted in ((self.min_words, self._runs), *self._whole_sizes()):
            for start in range(len(tokens) - size + 1):
                if tokens[start : start + size] in wanted:
                    found.append((words[start][1], words[start + size - 1][2]))
        return found

    def _whole_sizes(self) -> list[tuple[int, set[tuple[str, ...]]]]:
        sizes: dict[int, set[tuple[str, ...]]] = {}
        for words in self._wholes:
            sizes.setdefault(len(words), set()).add(words)
        return list(sizes.items())

    def _char_spans(self, folded: str) -> list[tuple[int, int]]:
        size = self.min_chars
        return [
            (start, start + size)
            for start in range(len(folded) - size + 1)
            if folded[start : start + size] in self._chunks
        ]

    def strike(self, text: str, replacement: str = STRUCK) -> str:
        """Return `text` with every quoted passage replaced by `replacement` (unchanged if none).

        Examples
        --------
        >>> finder = PassageFinder(["one two three four five six seven"])
        >>> finder.strike("x ONE two three four five six y")
        'x [withdrawn] y'
        """
        spans = self.spans(text)
        if not spans:
            return text
        nfc = unicodedata.normalize("NFC", text)
        parts, position = [], 0
        for start, end in spans:
            parts += [nfc[position:start], replacement]
            position = end
        parts.append(nfc[position:])
        return "".join(parts)


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Return [start, end) without white space or part of a word at either end.

    A match of characters can begin or end inside a word the memo's author
    wrote (a shared first letter); only whole words inside it are struck.
    """
    while start < end and (text[start].isspace() or _inside_word(text, start)):
        start += 1
    while end > start and (text[end - 1].isspace() or _inside_word(text, end)):
        end -= 1
    return start, end


def _inside_word(text: str, position: int) -> bool:
    """Say whether `position` falls between two word characters of `text`."""
    return 0 < position < len(text) and _is_word(text[position - 1]) and _is_word(text[position])


def _is_word(char: str) -> bool:
    return bool(_WORD.match(char))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return `spans` sorted, with overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
