"""Flesch reading ease and Flesch-Kincaid grade of English text, computed offline.

The formulas are the published ones:

- Flesch reading ease (Flesch, 1948):
  ``206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)``
- Flesch-Kincaid grade level (Kincaid, Fishburne, Rogers & Chissom, 1975):
  ``0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59``

Syllables come from the hyphenation dictionaries that ship inside the
``pyphen`` package (en_GB and en_US), so nothing is ever downloaded: textstat
0.7.13's English scores call ``nltk.download('cmudict')`` when that corpus is
missing, and Heard never downloads at run time. Hyphenation points are a lower
bound on syllables (Pyphen never breaks within two letters of either end, so
it hears one syllable in "people", "every" and "idea"), so each word counts as
the larger of the two dictionaries' counts and a vowel-group estimate.

Counting rules:

- A word is a run of letters or digits, joined by apostrophes or hyphens
  ("don't", "well-known" and "2015" are one word each).
- A sentence ends at ``.``, ``!`` or ``?`` followed by a space or the end of
  the text; text without a full stop is one sentence. "e.g." and "i.e." do
  not end a sentence.
- A word without letters (a number such as "999") counts one syllable, as
  textstat counts it: a number is read at a glance. An initialism ("UK",
  "NRM") counts a syllable a letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen

FRE_TARGET = 60.0
"""The lowest Flesch reading ease Heard aims for (SAFETY.md: plain language)."""

FKGL_TARGET = 8.0
"""The highest Flesch-Kincaid grade Heard aims for (US grade 8, a reading age of 13 to 14)."""

_WORD = re.compile(r"[^\W_]+(?:['’\-‐][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"'”’)\]]|$)")
_NOT_A_SENTENCE_END = re.compile(r"\b(e\.g|i\.e)\.", re.IGNORECASE)
_PART = re.compile(r"[-‐]")
_DICTIONARIES = ("en_GB", "en_US")
_INITIALISM = re.compile(r"[A-Z]{2}|[B-DF-HJ-NP-TV-XZ]{3,5}")
_SUFFIXES = ("fully", "ful", "ly", "ment", "less", "ness", "thing", "times", "one", "where")
"""Endings counted on their own, so that a silent e before them stays silent ("carefully")."""


@dataclass(frozen=True)
class Readability:
    """The counts of a text and the two scores computed from them.

    Examples
    --------
    >>> scores = Readability(words=13, sentences=1, syllables=24)
    >>> round(scores.flesch_kincaid_grade, 1), round(scores.flesch_reading_ease, 1)
    (11.3, 37.5)
    """

    words: int
    sentences: int
    syllables: int

    @property
    def flesch_reading_ease(self) -> float:
        """Return the Flesch reading ease: higher is easier; 60 to 70 is plain English."""
        if not self.words:
            return 0.0
        return 206.835 - 1.015 * self._words_per_sentence - 84.6 * self._syllables_per_word

    @property
    def flesch_kincaid_grade(self) -> float:
        """Return the Flesch-Kincaid grade level: the US school grade that can read the text."""
        if not self.words:
            return 0.0
        return 0.39 * self._words_per_sentence + 11.8 * self._syllables_per_word - 15.59

    @property
    def _words_per_sentence(self) -> float:
        return self.words / max(self.sentences, 1)

    @property
    def _syllables_per_word(self) -> float:
        return self.syllables / self.words


def words(text: str) -> list[str]:
    """Return the words of `text`, in order.

    Examples
    --------
    >>> words("You don't have to say why: it's well-known, since 2015.")
    ['You', "don't", 'have', 'to', 'say', 'why', "it's", 'well-known', 'since', '2015']
    """
    return _WORD.findall(text)


def count_sentences(text: str) -> int:
    """Return the number of sentences in `text` that hold at least one word.

    Examples
    --------
    >>> count_sentences("You can stop. Or go on, e.g. later! Why")
    3
    """
    text = _NOT_A_SENTENCE_END.sub(lambda match: match.group(1).replace(".", ""), text)
    return sum(1 for part in _SENTENCE_END.split(text) if _WORD.search(part))


@lru_cache(maxsize=8192)
def count_syllables(word: str) -> int:
    """Return the number of syllables in one English `word` (at least 1).

    Parameters
    ----------
    word
        One word as :func:`words` returns it; case does not matter.

    Returns
    -------
    int
        The largest of Pyphen's en_GB and en_US counts and a vowel-group
        estimate, summed over the parts of a hyphenated word.

    Examples
    --------
    >>> [count_syllables(w) for w in ("the", "people", "every", "immigration", "999")]
    [1, 2, 3, 4, 1]
    """
    parts = [part for part in _PART.split(word.replace("’", "'")) if part]
    return max(1, sum(_syllables_in_part(part) for part in parts))


def _syllables_in_part(part: str) -> int:
    if _INITIALISM.fullmatch(part):
        return sum(3 if letter in "Ww" else 1 for letter in part)  # UK, EU, NRM: spelled out
    letters = re.sub(r"[^a-z']", "", part.lower())
    if not any(char.isalpha() for char in letters):
        return 1
    stem = letters.split("'")[0] or letters  # it's, person's: the ending adds no syllable
    hyphenated = max(len(_hyphenator(name).positions(stem)) + 1 for name in _DICTIONARIES)
    return max(hyphenated, _vowel_groups(letters))


@lru_cache(maxsize=len(_DICTIONARIES))
def _hyphenator(name: str) -> pyphen.Pyphen:
    """Return Pyphen's bundled dictionary `name` (read from the package, never fetched)."""
    return pyphen.Pyphen(lang=name)


def _vowel_groups(word: str) -> int:
    """Estimate syllables as groups of vowels, less silent endings ("make", "asked", "lives")."""
    stem, extra = word, 0
    if stem.endswith("n't"):
        stem = stem[:-3]
        extra = int(bool(stem) and stem[-1] not in "aeiouy")  # didn't, wasn't, isn't
    stem = stem.split("'")[0]  # you're, we'll: the ending adds no syllable
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
            return _vowel_groups(stem[: -len(suffix)]) + _vowel_groups(suffix) + extra
    # y before a vowel is a consonant: "you", "beyond", "year".
    marked = re.sub(r"y(?=[aeiou])", "j", stem)
    count = len(re.findall(r"[aeiouy]+", marked))
    if count > 1 and _silent_ending(marked):
        count -= 1
    return max(count, 1) + extra + marked.endswith("ism")  # "mechanism": the m is heard


def _silent_ending(word: str) -> bool:
    """Return True when the last vowel group of `word` is not heard ("make", "lived", "times")."""
    if word.endswith("e") and not word.endswith(("ee", "ye")):
        # "-le" after a consonant is heard: "people", "little", "able".
        return not (word.endswith("le") and len(word) > 2 and word[-3] not in "aeiouy")
    if word.endswith("ed") and len(word) > 3:
        return word[-3] not in "aeiouytd"  # "asked", "lived"; but "wanted", "needed", "agreed"
    if word.endswith("es") and len(word) > 3:
        return word[-3] not in "aeiouysxzchgj"  # "times", "lives"; but "places", "judges"
    return False


def measure(text: str) -> Readability:
    """Return the word, sentence and syllable counts of English `text`.

    Parameters
    ----------
    text
        Running English text: one or more sentences.

    Returns
    -------
    Readability
        The counts, with :attr:`~Readability.flesch_reading_ease` and
        :attr:`~Readability.flesch_kincaid_grade` computed from them.

    Examples
    --------
    >>> scores = measure("The cat sat on the mat.")
    >>> scores.words, scores.sentences, scores.syllables
    (6, 1, 6)
    >>> round(scores.flesch_reading_ease, 1), round(scores.flesch_kincaid_grade, 1)
    (116.1, -1.4)
    """
    found = words(text)
    return Readability(
        words=len(found),
        sentences=count_sentences(text) if found else 0,
        syllables=sum(count_syllables(word) for word in found),
    )


def flesch_reading_ease(text: str) -> float:
    """Return the Flesch reading ease of English `text` (higher is easier).

    Examples
    --------
    >>> round(flesch_reading_ease("You can stop at any time. You do not have to say why."), 1)
    109.1
    """
    return measure(text).flesch_reading_ease


def flesch_kincaid_grade(text: str) -> float:
    """Return the Flesch-Kincaid grade level of English `text` (lower is easier).

    Examples
    --------
    >>> round(flesch_kincaid_grade("You can stop at any time. You do not have to say why."), 1)
    -0.3
    """
    return measure(text).flesch_kincaid_grade
