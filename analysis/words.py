"""Look at words: keyword in context, word and bigram frequencies, collocations.

Everything runs offline. :func:`kwic` finds a word or phrase with NLTK's
:class:`~nltk.text.ConcordanceIndex` over words whose offsets it keeps
(:func:`analysis.segments.word_spans`), so each hit points at exact code
points of the document.
:func:`word_frequencies` and :func:`bigram_frequencies` count the terms an
:class:`~analysis.text.Analyzer` keeps; :func:`collocations` ranks word pairs
that occur together more often than chance, by pointwise mutual information
or Dunning's log-likelihood ratio.

Examples
--------
>>> hits = kwic(["They took our passports. Passports were locked away."], "passports", width=12)
>>> [(h.left, h.match, h.right) for h in hits]
[('took our ', 'passports', '. Passports'), ('passports. ', 'Passports', ' were locked')]
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder
from nltk.text import ConcordanceIndex

from analysis.segments import word_spans
from analysis.text import Analyzer, TextError, language_name

__all__ = [
    "MEASURES",
    "Concordance",
    "WordsError",
    "bigram_frequencies",
    "collocations",
    "kwic",
    "word_frequencies",
]

MEASURES = {
    "pmi": BigramAssocMeasures.pmi,
    "likelihood_ratio": BigramAssocMeasures.likelihood_ratio,
}


class WordsError(ValueError):
    """A query or setting that cannot be used, with a stable ``code`` and a message."""

    def __init__(self, message: str, code: str = "words.invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Concordance:
    """One hit: ``texts[document][start:end] == match``, with context either side."""

    document: int
    start: int
    end: int
    left: str
    match: str
    right: str


def _language(language: str) -> str:
    """Return the English name of a language, or raise WordsError."""
    try:
        return language_name(language)
    except TextError as error:
        raise WordsError(str(error), "words.unknown_language") from None


def _texts(texts: Iterable[str]) -> list[str]:
    """Return the texts as a list, refusing anything that is not text."""
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise WordsError(f"Document {i} is not text ({type(text).__name__}).", "words.not_text")
    return texts


def _key(token: str) -> str:
    """Return the case-insensitive form of a token."""
    return unicodedata.normalize("NFC", token.casefold()).replace("’", "'")


def _is_word(char: str) -> bool:
    """Return whether a character is part of a word (letter, digit or mark)."""
    return char.isalnum() or unicodedata.category(char)[0] == "M"


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    """Return up to ``width`` characters either side, without a cut word at the outer edge."""
    left = max(0, start - width)
    while 0 < left < start and _is_word(text[left - 1]) and _is_word(text[left]):
        left += 1
    right = min(len(text), end + width)
    while end < right < len(text) and _is_word(text[right - 1]) and _is_word(text[right]):
        right -= 1
    return text[left:start].lstrip(), text[end:right].rstrip()


def _phrase(query: str) -> list[str]:
    """Return the query as a list of token keys, or raise WordsError."""
    if not isinstance(query, str):
        raise WordsError("The search needs a word or phrase.", "words.empty_query")
    phrase = [_key(query[a:b]) for a, b in word_spans(query)]
    if not phrase:
        raise WordsError(
            "Type a word or phrase to look for: punctuation alone cannot be searched.",
            "words.empty_query",
        )
    return phrase


def _hits(index: ConcordanceIndex, phrase: list[str]) -> list[int]:
    """Return the token positions where the phrase starts."""
    starts = set(index.offsets(phrase[0]))
    for i, word in enumerate(phrase[1:], start=1):
        starts &= {offset - i for offset in index.offsets(word)}
    return sorted(starts)


def kwic(
    texts: Sequence[str],
    query: str,
    *,
    width: int = 60,
    language: str = "en",
    limit: int | None = None,
) -> list[Concordance]:
    """Find a word or phrase in its context (keyword in context).

    Parameters
    ----------
    texts : sequence of str
    query : str
        A word or several consecutive words; case and punctuation between
        words do not matter ("pay, no" finds "Pay no").
    width : int, default 60
        Characters of context at most on each side, cut back to whole words;
    white space at the outer edges is trimmed, so ``left`` may end and
    ``right`` may begin with the space next to the match.
    language : str, default "en"
        Checked only: in every script, words are runs of letters, digits and
        combining marks, split at apostrophes and hyphens, so "god" finds
        "God's" and "couldn't" finds "couldn't" but "could" does not.
    limit : int, optional
        Stop after this many hits.

    Returns
    -------
    list of Concordance
        In document and text order. ``start`` and ``end`` are code point
        offsets of the matched words in the document; ``left + match +
        right`` is a stretch of the document.

    Raises
    ------
    WordsError
        An empty query or one of punctuation only (code ``words.empty_query``),
        an unknown language, a negative width or limit, or a text that is not text.

    Examples
    --------
    >>> [h.match for h in kwic(["No pay, no food. Pay no attention."], "pay no", width=10)]
    ['pay, no', 'Pay no']
    """
    _language(language)
    phrase = _phrase(query)
    if int(width) < 0 or (limit is not None and int(limit) < 0):
        raise WordsError("Width and limit cannot be negative.", "words.bad_size")
    hits: list[Concordance] = []
    for document, text in enumerate(_texts(texts)):
        if phrase[0] not in _key(text):  # cheap: most documents lack the word
            continue
        spans = word_spans(text)
        index = ConcordanceIndex([text[a:b] for a, b in spans], key=_key)
        for i in _hits(index, phrase):
            if limit is not None and len(hits) >= limit:
                return hits
            start, end = spans[i][0], spans[i + len(phrase) - 1][1]
            left, right = _context(text, start, end, int(width))
            hits.append(Concordance(document, start, end, left, text[start:end], right))
    return hits


def _count(documents: list[list[str]], n: int | None, column: str) -> pd.DataFrame:
    """Return the ``n`` most frequent terms with total count and document count."""
    counts: Counter[str] = Counter()
    spread: Counter[str] = Counter()
    for terms in documents:
        counts.update(terms)
        spread.update(set(terms))
    rows = sorted(counts.items(), key=lambda item: (-item[1], -spread[item[0]], item[0]))
    rows = rows if n is None else rows[: int(n)]
    table = pd.DataFrame(
        {
            column: [t for t, _ in rows],
            "count": [c for _, c in rows],
            "documents": [spread[t] for t, _ in rows],
        }
    )
    return table.astype({column: object, "count": "int64", "documents": "int64"})


def word_frequencies(
    texts: Iterable[str], *, analyzer: Analyzer | None = None, n: int | None = 50
) -> pd.DataFrame:
    """Count the words the analyzer keeps, over all texts and by document.

    Parameters
    ----------
    texts : iterable of str
    analyzer : Analyzer, optional
        Defaults to ``Analyzer()`` (English, lower case, stop words removed).
        Its ``ngram_range`` is used as it is.
    n : int or None, default 50
        The most frequent terms to return; None returns all.

    Returns
    -------
    pandas.DataFrame
        Columns ``term``, ``count`` (occurrences) and ``documents`` (texts
        holding the term), most frequent first (ties: more documents, then
        alphabetical). Empty when no word is left.

    Examples
    --------
    >>> word_frequencies(["Pay, pay, pay.", "No pay and no food."], n=2)
       term  count  documents
    0   pay      4          2
    1  food      1          1
    """
    analyze = analyzer or Analyzer()
    return _count([analyze(text) for text in _texts(texts)], n, "term")


def bigram_frequencies(
    texts: Iterable[str], *, analyzer: Analyzer | None = None, n: int | None = 50
) -> pd.DataFrame:
    """Count pairs of consecutive terms (after stop words are removed).

    Parameters
    ----------
    texts : iterable of str
    analyzer : Analyzer, optional
        Defaults to ``Analyzer()``; its ``ngram_range`` is replaced by (2, 2).
    n : int or None, default 50
        The most frequent bigrams to return; None returns all.

    Returns
    -------
    pandas.DataFrame
        Columns ``bigram`` ("first second"), ``count`` and ``documents``.

    Examples
    --------
    >>> bigram_frequencies(["No pay and no food.", "No pay."], n=1)
         bigram  count  documents
    0  pay food      1          1
    """
    analyze = dataclasses.replace(analyzer or Analyzer(), ngram_range=(2, 2))
    return _count([analyze(text) for text in _texts(texts)], n, "bigram")


def collocations(
    texts: Iterable[str],
    *,
    measure: str = "pmi",
    min_count: int = 3,
    n: int | None = 20,
    language: str = "en",
) -> pd.DataFrame:
    """Rank pairs of consecutive words that occur together more than by chance.

    Stop words are removed first (by :class:`~analysis.text.Analyzer`), and
    pairs never span two documents. Scores come from NLTK's
    :class:`~nltk.collocations.BigramCollocationFinder`.

    Parameters
    ----------
    texts : iterable of str
    measure : {"pmi", "likelihood_ratio"}, default "pmi"
        Pointwise mutual information, ``log2(N * n12 / (n1 * n2))``, favours
        rare exclusive pairs; Dunning's log-likelihood ratio (G²) favours
        pairs that are both frequent and associated.
    min_count : int, default 3
        Pairs seen fewer times are ignored (PMI overrates rare pairs).
    n : int or None, default 20
        Pairs to return; None returns all.
    language : str, default "en"

    Returns
    -------
    pandas.DataFrame
        Columns ``bigram``, ``first``, ``second``, ``count``, ``score``, best
        first (ties: more frequent, then alphabetical).

    Examples
    --------
    >>> texts = ["Forced labour on the farm."] * 3 + ["The farm paid no wages."]
    >>> collocations(texts, min_count=3)[["bigram", "count"]]
              bigram  count
    0  forced labour      3
    1    labour farm      3
    """
    if measure not in MEASURES:
        raise WordsError(
            f"Unknown measure {measure!r}: use 'pmi' or 'likelihood_ratio'.",
            "words.unknown_measure",
        )
    analyze = Analyzer(language=_language(language))
    finder = BigramCollocationFinder.from_documents([analyze(text) for text in _texts(texts)])
    finder.apply_freq_filter(max(int(min_count), 1))
    scored = finder.score_ngrams(MEASURES[measure])
    rows = sorted(scored, key=lambda item: (-item[1], -finder.ngram_fd[item[0]], item[0]))
    rows = rows if n is None else rows[: int(n)]
    table = pd.DataFrame(
        {
            "bigram": [f"{a} {b}" for (a, b), _ in rows],
            "first": [a for (a, _), _ in rows],
            "second": [b for (_, b), _ in rows],
            "count": [finder.ngram_fd[pair] for pair, _ in rows],
            "score": [score for _, score in rows],
        }
    )
    return table.astype(
        {"bigram": object, "first": object, "second": object, "count": "int64", "score": float}
    )
