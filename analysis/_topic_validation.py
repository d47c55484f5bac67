"""Refuse what a topic model cannot use, with a stable code and a message a person can act on.

Private helper of :mod:`analysis.topics`; the codes are listed in docs/topics.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from numbers import Integral

from analysis.text import TextError, language_name, stop_word_languages, stop_words

#: Fewest documents holding counted words that a topic model accepts.
MIN_DOCUMENTS = 20
#: Longest document accepted, in whitespace-separated words: split longer ones into passages.
MAX_DOCUMENT_WORDS = 20_000
#: Documents shorter than this (in words) are not used to guess languages.
_LANGUAGE_MIN_WORDS = 10
_LANGUAGE_SAMPLE = 500
_LANGUAGE_MIN_HITS = 3
_LANGUAGE_LEAD = 1.5
#: Fewest documents with a clear guess before languages are judged at all.
_LANGUAGE_MIN_GUESSES = 20
#: Share of guessed documents in another language from which a corpus counts as mixed.
MIXED_SHARE = 0.2
_WORD = re.compile(r"\w+", re.UNICODE)


class TopicModelError(ValueError):
    """Bad input or settings for a topic model: a stable ``code``, and a message for a person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def check_parameters(model) -> None:
    """Raise TopicModelError for settings a topic model cannot use."""
    if model.method not in ("nmf", "lda"):
        raise TopicModelError(
            "topics.bad_parameter", f"The method must be 'nmf' or 'lda', not {model.method!r}."
        )
    k = model.n_topics
    if k != "auto" and (isinstance(k, bool) or not isinstance(k, Integral) or k < 2):
        raise TopicModelError(
            "topics.bad_parameter",
            "The number of topics (n_topics) must be 'auto' or a whole number of at least 2, "
            f"not {k!r}.",
        )
    low, high = model.k_range
    if not 2 <= low <= high:
        raise TopicModelError(
            "topics.bad_parameter",
            "The range of topics to try (k_range) must be (low, high) with 2 <= low <= high, "
            f"not {model.k_range!r}.",
        )
    if k == "auto" and model.n_seeds < 2:
        raise TopicModelError(
            "topics.bad_parameter", "Choosing the number of topics needs n_seeds of at least 2."
        )


def check_texts(texts: Sequence[str], *, allow_empty: bool = False) -> list[str]:
    """Return the texts as a list, or raise TopicModelError when they are not usable text."""
    if isinstance(texts, str) or not hasattr(texts, "__iter__"):
        raise TopicModelError(
            "topics.not_text", "Give a list of texts, one per document, not a single text."
        )
    texts = list(texts)
    if not texts and not allow_empty:
        raise TopicModelError("topics.no_documents", "There are no documents to model.")
    for number, text in enumerate(texts):
        if not isinstance(text, str):
            raise TopicModelError(
                "topics.not_text", f"Document {number + 1} is not text ({type(text).__name__})."
            )
        if (
            not allow_empty
            and text.count(" ") >= MAX_DOCUMENT_WORDS
            and len(text.split()) > MAX_DOCUMENT_WORDS
        ):
            raise TopicModelError(
                "topics.document_too_long",
                f"Document {number + 1} has {len(text.split()):,} words; topic models take "
                f"passages of at most {MAX_DOCUMENT_WORDS:,} words. Split long transcripts "
                "into turns or paragraphs first (analysis.segments.split_documents).",
            )
    return texts


def check_corpus_size(
    n_documents: int, n_terms: int, n_topics: int | str, k_range: tuple[int, int]
) -> None:
    """Raise TopicModelError when there is too little text for the topics asked for."""
    if n_documents < MIN_DOCUMENTS:
        raise TopicModelError(
            "topics.too_few_documents",
            f"Topic models need at least {MIN_DOCUMENTS} documents that still hold words once "
            f"stop words are removed, and a few hundred for topics you can trust; there are "
            f"{n_documents}. Read these answers directly, or code them by hand.",
        )
    smallest = k_range[0] if n_topics == "auto" else n_topics
    if smallest >= min(n_documents, n_terms):
        raise TopicModelError(
            "topics.too_many_topics",
            f"You asked for {smallest} topics, more than can be found in {n_documents} documents "
            f"with {n_terms} distinct words: ask for fewer than {min(n_documents, n_terms)}.",
        )


@lru_cache(maxsize=1)
def _stop_word_languages() -> dict[str, tuple[str, ...]]:
    """Return, for every stop word of every language with a list, the languages that list it."""
    languages: dict[str, list[str]] = {}
    for name in stop_word_languages():
        for word in stop_words(name):
            languages.setdefault(word, []).append(name)
    return {word: tuple(names) for word, names in languages.items()}


def guess_language(text: str) -> str | None:
    """Return the language whose stop words the text clearly uses most, or None if unclear.

    A guess needs a text of at least ``_LANGUAGE_MIN_WORDS`` words, at least
    ``_LANGUAGE_MIN_HITS`` stop words of the winning language, and a clear lead
    (``_LANGUAGE_LEAD`` times the runner-up): a single word that happens to be
    a stop word elsewhere ("den", "die", "me") must not make a guess.
    """
    words = _WORD.findall(text.lower())
    if len(words) < _LANGUAGE_MIN_WORDS:
        return None
    table = _stop_word_languages()
    hits = Counter(name for word in words for name in table.get(word, ()))
    ranked = hits.most_common(2)
    if not ranked or ranked[0][1] < _LANGUAGE_MIN_HITS:
        return None
    if len(ranked) == 2 and ranked[0][1] < _LANGUAGE_LEAD * ranked[1][1]:
        return None
    return ranked[0][0]


def check_languages(texts: Sequence[str], language: str) -> None:
    """Raise TopicModelError when many texts seem to be in a language other than the model's."""
    try:
        expected = language_name(language)
    except TextError as error:
        raise TopicModelError("topics.bad_parameter", str(error)) from None
    if expected not in stop_word_languages():
        return  # no stop words to recognise the language by
    step = max(1, len(texts) // _LANGUAGE_SAMPLE)
    guesses = [guess_language(text) for text in texts[::step]]
    guesses = [g for g in guesses if g is not None]
    if len(guesses) < _LANGUAGE_MIN_GUESSES:
        return
    others = Counter(g for g in guesses if g != expected)
    share = sum(others.values()) / len(guesses)
    if not others or share < MIXED_SHARE:
        return
    other = others.most_common(1)[0][0].title()
    if share >= 0.5:
        raise TopicModelError(
            "topics.wrong_language",
            f"Most documents look like {other}, but the model is set to {expected.title()}: "
            "choose the language of the texts.",
        )
    raise TopicModelError(
        "topics.mixed_languages",
        f"About {share:.0%} of the documents look like {other} rather than {expected.title()}. "
        "A topic model would sort them by language, not by subject: "
        "model each language separately.",
    )
