"""Names of people and places for :mod:`coding.redaction`.

The text is cut into word tokens once (a linear pass); the rules then look at
a token, its neighbours and whether it starts a sentence:

1. a title ("Mr", "Mrs.", "Dr", "Auntie") followed by capitalised words;
2. a cue ("my name is", "called", "named", "known as", "call me") followed
   by capitalised words, or by a lower-case word from the given-names list;
3. a capitalised word from the bundled given-names list, with the
   capitalised words joined to it by single spaces (surnames, middle names);
   a listed name that is also an English word (Will, May, Grace, Said) counts
   only when a capitalised surname follows it;
4. a capitalised town or city from the bundled places list (as ``place``).

Each finder returns ``(start, end, kind)`` triples in code points.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from importlib import resources
from typing import NamedTuple

Found = tuple[int, int, str]


def _words(text: str) -> list[str]:
    """Return the words of a list written as lines of text (long word lists stay readable)."""
    return text.split()


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_POSSESSIVE = ("'s", "’s")
_SENTENCE_BREAK = frozenset('.!?\n:;"“”‘()[]')
_LONGEST_RUN = 4

TITLES = frozenset(
    _words(
        """
        mr mrs ms miss mx dr prof sir madam madame dame lady lord aunt auntie aunty uncle mama
        papa baba mister missus boss chief pastor imam sheikh
        """
    )
)
_CUES = (
    ("name", "is"),
    ("name", "was"),
    ("name",),
    ("called",),
    ("named",),
    ("known", "as"),
    ("only", "as"),
    ("called", "me"),
    ("called", "him"),
    ("called", "her"),
    ("call", "me"),
    ("calls", "himself"),
    ("calls", "herself"),
)
_STRONG_CUES = frozenset(
    {("name", "is"), ("name", "was"), ("name",), ("call", "me"), ("called", "me")}
)
_CUE_ENDS = frozenset(cue[-1] for cue in _CUES)
_PLACE_PREPOSITIONS = frozenset(
    _words(
        """
        in from to near at outside via into through
        """
    )
)

# Listed given names that are also ordinary English words, or days, months and places.
_WORDLIKE = frozenset(
    _words(
        """
        will may grace rose daisy ruby lily poppy summer bill mark jack joy faith hope mercy
        gift princess comfort success blessing precious favour patience innocent goodluck
        peace sunday monday said long van son tai nam lan mai hung hue dung tam hang thu bo
        dan na li min jun lei yan ping ming tao hao ram edit jan ion roman kai viet nada
        sunny victoria milan georgia dean lee eva ana bello gul hari raj sita amal iman hong
        bin feng lin juan rosa carmen laura paul tom sam august june april ayan dat toan thi
        duy duc sofia cherry liza crystal amber dawn
        """
    )
)
# Capitalised words that are never part of a name (sentence starts, days, institutions).
_STOP = frozenset(
    _words(
        """
        a about after again all also always an and another any are as at back be because
        before but by can could did do does down during each even every few first for from
        had has have he her here hers him his how i if in into is it its just last later let
        like many me more most much my never next no nobody none nor not now of off often on
        once one only or other our out over please same she since so some soon still such
        than that the their them then there these they this those though through to today
        tomorrow too two under until up us very was we well were what when where which while
        who why with without would yes yesterday yet you your ok okay oh yeah sometimes
        maybe everyone everything someone something nothing inside outside january february
        march april june july august september october november december monday tuesday
        wednesday thursday friday saturday sunday christmas easter ramadan eid god allah
        jesus christ lord police home office court council hospital church mosque english
        british english-speaking uk eu nhs brp street road avenue lane interviewer
        respondent interpreter translator speaker question answer thanks thank sorry hello
        mum dad mother father brother sister aunt cousin son daughter wife husband
        """
    )
)


class Token(NamedTuple):
    """A word: where it is, its text, and whether it starts a sentence."""

    start: int
    end: int
    word: str
    initial: bool


@functools.cache
def _word_list(name: str) -> frozenset[str]:
    text = resources.files("coding").joinpath("data", name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


def given_names() -> frozenset[str]:
    """Return the bundled given names, case-folded."""
    return _word_list("given_names.txt")


@functools.cache
def _places() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Return the bundled places by first word, each as its words, longest first."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for place in _word_list("places.txt"):
        words = tuple(place.split())
        by_first.setdefault(words[0], []).append(words)
    return {first: tuple(sorted(v, key=len, reverse=True)) for first, v in by_first.items()}


def tokenise(text: str) -> list[Token]:
    """Return the word tokens of `text`, a possessive ``'s`` left out of the word."""
    tokens: list[Token] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        start, end, word = match.start(), match.end(), match.group()
        if word.endswith(_POSSESSIVE) and len(word) > 2:
            end, word = end - 2, word[:-2]
        gap = text[previous_end:start]
        initial = not tokens or any(char in _SENTENCE_BREAK for char in gap)
        tokens.append(Token(start, end, word, initial))
        previous_end = end
    return tokens


def _capitalised(token: Token) -> bool:
    word = token.word
    if not word[0].isupper() or word.casefold() in _STOP:
        return False
    return not word.isupper() or (len(word) > 1 and word.casefold() in given_names())


def _joined(text: str, left: Token, right: Token) -> bool:
    return text[left.end : right.start] in (" ", "-")


def _is_given(word: str) -> bool:
    names = given_names()
    folded = word.casefold()
    return folded in names or ("-" in folded and folded.split("-")[0] in names)


def _run(text: str, tokens: list[Token], first: int) -> int:
    """Return the index after the run of joined capitalised tokens starting at `first`."""
    last = first + 1
    while (
        last < len(tokens)
        and last - first < _LONGEST_RUN
        and _joined(text, tokens[last - 1], tokens[last])
        and _capitalised(tokens[last])
        and not _starts_place(tokens, last)
    ):
        last += 1
    return last


def _starts_place(tokens: list[Token], i: int) -> int:
    """Return how many tokens from `i` spell a bundled place (0 if none)."""
    for words in _places().get(tokens[i].word.casefold(), ()):
        got = tuple(t.word.casefold() for t in tokens[i : i + len(words)])
        if got == words:
            return len(words)
    return 0


def _after_cue(tokens: list[Token], i: int) -> tuple[str, ...] | None:
    """Return the cue that ends just before token `i`, if any."""
    for cue in _CUES:
        n = len(cue)
        if i >= n and tuple(t.word.casefold() for t in tokens[i - n : i]) == cue:
            return cue
    return None


def _name_starts(text: str, tokens: list[Token], i: int) -> bool:
    """Return True when a name starts at token `i` by a title, a cue or the names list."""
    token = tokens[i]
    previous = tokens[i - 1] if i else None
    previous_word = previous.word.casefold() if previous is not None else ""
    if not token.word[0].isupper() and previous_word not in _CUE_ENDS:
        return False  # the common case, decided cheaply
    if previous_word in _PLACE_PREPOSITIONS and _starts_place(tokens, i):
        return False
    if previous is not None and previous.word.casefold() in TITLES and previous.word[0].isupper():
        return _capitalised(token) and text[previous.end : token.start] in (" ", ". ")
    cue = _after_cue(tokens, i)
    if cue is not None:
        if _capitalised(token):
            return True
        if cue in _STRONG_CUES and _is_given(token.word):
            return True
    if not _capitalised(token) or not _is_given(token.word):
        return False
    if token.word.casefold() not in _WORDLIKE:
        return True
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    return following is not None and _joined(text, token, following) and _capitalised(following)


def _place_tokens(tokens: list[Token]) -> set[int]:
    """Return the indices of tokens inside a listed place that is not also a given name."""
    inside: set[int] = set()
    for i, token in enumerate(tokens):
        size = _starts_place(tokens, i) if token.word[0].isupper() else 0
        if size > 1 or (size == 1 and not _is_given(token.word)):
            inside.update(range(i, i + size))
    return inside


def find_names_and_places(text: str) -> list[Found]:
    """Return names of people and places, from one pass of the tokeniser."""
    tokens = tokenise(text)
    return [*_names(text, tokens), *_listed_places(tokens)]


def find_names(text: str) -> Iterator[Found]:
    """Yield names of people."""
    return _names(text, tokenise(text))


def _names(text: str, tokens: list[Token]) -> Iterator[Found]:
    places = _place_tokens(tokens)
    i = 0
    while i < len(tokens):
        if i in places or not _name_starts(text, tokens, i):
            i += 1
            continue
        first, last = i, _run(text, tokens, i)
        before = tokens[first - 1] if first else None
        if (
            before is not None
            and _joined(text, before, tokens[first])
            and _capitalised(before)
            and before.word.casefold() not in TITLES
            and first - 1 not in places
        ):
            first -= 1  # a family name written first: "Nguyen Thanh", "Nagy László"
        yield tokens[first].start, tokens[last - 1].end, "name"
        i = last


def find_places(text: str) -> Iterator[Found]:
    """Yield towns and cities from the bundled list, capitalised."""
    return _listed_places(tokenise(text))


def _listed_places(tokens: list[Token]) -> Iterator[Found]:
    i = 0
    while i < len(tokens):
        size = _starts_place(tokens, i) if tokens[i].word[0].isupper() else 0
        if size:
            yield tokens[i].start, tokens[i + size - 1].end, "place"
            i += size
        else:
            i += 1
