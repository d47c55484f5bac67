"""Turn free text into tokens, n-grams and a document-term matrix, offline.

Everything here works without downloaded data: the tokenisers are NLTK's
rule-based ones (no ``punkt``), the stemmers are NLTK's Snowball stemmers, and
the stop-word lists come from the ``stop-words`` package, which carries them.

The usual entry point is :class:`Analyzer`, a picklable callable that turns
one text into its list of terms, and :func:`document_term_matrix`, which
applies it to a corpus with minimum and maximum document frequency.

Examples
--------
>>> analyze = Analyzer(language="en", stem=True)
>>> analyze("They took our passports and we couldn't leave the farm.")
['passport', 'leav', 'farm']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import NLTKWordTokenizer, ToktokTokenizer
from scipy import sparse
from stop_words import AVAILABLE_LANGUAGES, LANGUAGE_MAPPING, get_stop_words

__all__ = [
    "Analyzer",
    "TextError",
    "document_term_matrix",
    "language_name",
    "ngrams",
    "stem_languages",
    "stop_word_languages",
    "stop_words",
    "tokenize",
]

#: A token must hold at least one letter or digit (drops punctuation and emoji).
_WORDLIKE = re.compile(r"\w", re.UNICODE)
#: Emoji and pictographs (with joiners, variation selectors, skin tones and tags):
#: replaced by spaces before tokenising, so "pay😀" counts as "pay".
_EMOJI = re.compile(
    "[\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff"
    "\u200d\ufe0e\ufe0f\u20e3\U0001f000-\U0001faff\U000e0000-\U000e007f]"
)
_DIGITS = re.compile(r"^[\d.,:/%-]+$")
_ELISION = re.compile(r"^(?:n't|'s|'re|'ve|'ll|'d|'m)$")
_treebank = NLTKWordTokenizer()
_toktok = ToktokTokenizer()

#: ISO 639-1 codes for the Snowball stemmer names (NLTK names languages in English).
_SNOWBALL = {
    "ar": "arabic", "da": "danish", "nl": "dutch", "en": "english", "fi": "finnish",
    "fr": "french", "de": "german", "hu": "hungarian", "it": "italian", "no": "norwegian",
    "nb": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "es": "spanish", "sv": "swedish",
}  # fmt: skip


class TextError(ValueError):
    """An unknown language or an impossible setting, with a message a person can act on.

    ``code`` is stable (such as ``"text.unknown_language"``) for pages and logs.
    """

    def __init__(self, message: str, code: str = "text.invalid") -> None:
        super().__init__(message)
        self.code = code


def language_name(language: str) -> str:
    """Return the English name of a language given as an ISO 639-1 code or a name.

    Parameters
    ----------
    language : str
        ``"en"``, ``"en-GB"``, ``"english"`` or ``"English"``. Any ISO 639
        code known to CLDR works (``"sq"`` is ``"albanian"``), even for
        languages without stop words or a stemmer.

    Returns
    -------
    str
        The lower-case English name, such as ``"english"``.

    Examples
    --------
    >>> language_name("pt-BR")
    'portuguese'
    """
    text = str(language).strip().lower().replace("_", "-")
    if text in LANGUAGE_MAPPING.values() or text in _SNOWBALL.values():
        return text
    if text in _other_languages().values():  # a language without stop words or stemmer
        return text
    code = text.split("-")[0]
    name = LANGUAGE_MAPPING.get(code) or _SNOWBALL.get(code) or _other_languages().get(code)
    if name is None:
        raise TextError(
            f"Unknown language {language!r}: give an ISO 639-1 code such as 'en'.",
            "text.unknown_language",
        )
    return name


@lru_cache(maxsize=1)
def _other_languages() -> dict[str, str]:
    """Return English names of ISO 639 codes from CLDR (via Babel), for languages like "sq"."""
    from babel import Locale

    names = Locale("en").languages
    special = {"und", "mul", "mis", "zxx"}  # undetermined, multiple, uncoded, no language
    return {
        code: name.lower()
        for code, name in names.items()
        if re.fullmatch(r"[a-z]{2,3}", code) and code not in special
    }


def stop_word_languages() -> list[str]:
    """Return the languages that have a stop-word list (English names)."""
    return sorted(AVAILABLE_LANGUAGES)


def stem_languages() -> list[str]:
    """Return the languages that have a Snowball stemmer (English names)."""
    return sorted(set(SnowballStemmer.languages) - {"porter"})


@lru_cache(maxsize=64)
def stop_words(language: str) -> frozenset[str]:
    """Return the stop words of a language, lower-cased and NFC, or an empty set.

    Parameters
    ----------
    language : str
        An ISO 639-1 code or an English language name.

    Returns
    -------
    frozenset of str
        Empty when the package has no list for the language, so mixed-language
        studies still work (nothing is removed for that language).

    Examples
    --------
    >>> "the" in stop_words("en")
    True
    """
    name = language_name(language)
    if name not in AVAILABLE_LANGUAGES:
        return frozenset()
    words = get_stop_words(name, cache=False)
    return frozenset(unicodedata.normalize("NFC", w).lower() for w in words)


@lru_cache(maxsize=32)
def _stemmer(name: str) -> SnowballStemmer:
    return SnowballStemmer(name)


def tokenize(text: str, *, language: str = "en") -> list[str]:
    """Split text into word tokens with an NLTK tokeniser that needs no data.

    English uses NLTK's improved Treebank tokeniser (which splits "couldn't"
    into "could" and "n't"); other languages use the Toktok tokeniser, which
    handles any script. Emoji are dropped, even when glued to a word, and
    so are tokens without a letter or digit.

    Parameters
    ----------
    text : str
        Any text; it is NFC-normalised first.
    language : str, default "en"
        An ISO 639-1 code or an English language name.

    Returns
    -------
    list of str
        Tokens in order, with their original case.

    Examples
    --------
    >>> tokenize("We couldn't leave.")
    ['We', 'could', "n't", 'leave']
    """
    if not isinstance(text, str):
        raise TextError(f"Expected text, got {type(text).__name__}.", "text.not_text")
    text = _EMOJI.sub(" ", unicodedata.normalize("NFC", text))
    splitter = _treebank if language_name(language) == "english" else _toktok
    # Both tokenisers expect one sentence: a full stop inside a text stays on its
    # word ("wages."). Take it off unless the token is an abbreviation ("U.S.").
    return [
        token[:-1] if token.endswith(".") and "." not in token[:-1] and len(token) > 1 else token
        for token in splitter.tokenize(text)
        if _WORDLIKE.search(token)
    ]


def ngrams(tokens: Sequence[str], n: int, *, joiner: str = " ") -> list[str]:
    """Return the n-grams of a token sequence, each joined into one string.

    Examples
    --------
    >>> ngrams(["no", "way", "out"], 2)
    ['no way', 'way out']
    """
    if n < 1:
        raise TextError("n-grams need n of at least 1.", "text.bad_ngram")
    return [joiner.join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


@dataclass(frozen=True)
class Analyzer:
    """Turn one text into the terms a model counts (a picklable callable).

    Parameters
    ----------
    language : str, default "en"
        Chooses the tokeniser, the stop words and the stemmer.
    lowercase : bool, default True
    stem : bool, default False
        Apply the Snowball stemmer of the language (when it has one).
    remove_stop_words : bool, default True
    extra_stop_words : tuple of str, default ()
        Study-specific words to drop as well (after lower-casing).
    min_length : int, default 2
        Shorter tokens are dropped.
    keep_numbers : bool, default False
    ngram_range : tuple of int, default (1, 1)
        Stop words are removed before n-grams are formed.

    Examples
    --------
    >>> Analyzer(ngram_range=(1, 2))("Forced labour, no pay")
    ['forced', 'labour', 'pay', 'forced labour', 'labour pay']
    """

    language: str = "en"
    lowercase: bool = True
    stem: bool = False
    remove_stop_words: bool = True
    extra_stop_words: tuple[str, ...] = field(default_factory=tuple)
    min_length: int = 2
    keep_numbers: bool = False
    ngram_range: tuple[int, int] = (1, 1)

    def __post_init__(self) -> None:
        language_name(self.language)  # fail early on an unknown language
        low, high = self.ngram_range
        if not 1 <= low <= high:
            raise TextError(
                f"ngram_range must be (low, high) with 1 <= low <= high, not {self.ngram_range}.",
                "text.bad_ngram",
            )

    def __call__(self, text: str) -> list[str]:
        """Return the terms of one text."""
        name = language_name(self.language)
        drop = (
            stop_words(name) | {w.lower() for w in self.extra_stop_words}
            if self.remove_stop_words
            else set()
        )
        stem = _stemmer(name).stem if self.stem and name in stem_languages() else None
        words = []
        for token in tokenize(text, language=name):
            low = token.lower()
            if _ELISION.match(low) or low in drop or len(token) < self.min_length:
                continue
            if not self.keep_numbers and _DIGITS.match(token):
                continue
            word = low if self.lowercase else token
            words.append(stem(word) if stem else word)
        low, high = self.ngram_range
        return [gram for n in range(low, high + 1) for gram in ngrams(words, n)]


def document_term_matrix(
    texts: Iterable[str],
    analyzer: Analyzer | None = None,
    *,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    max_features: int | None = None,
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Count terms per document, keeping terms within the document-frequency bounds.

    Parameters
    ----------
    texts : iterable of str
    analyzer : Analyzer, optional
        Defaults to ``Analyzer()`` (English, stop words removed, no stemming).
    min_df, max_df : int or float
        As in scikit-learn: an int counts documents, a float is a share.
    max_features : int, optional
        Keep the most frequent terms only.

    Returns
    -------
    (scipy.sparse.csr_matrix, numpy.ndarray)
        Counts (documents by terms) and the term of each column.

    Raises
    ------
    TextError
        When no term survives: an empty corpus, only stop words, or bounds too tight.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    texts = list(texts)
    if not texts:
        raise TextError("There is no text to analyse.", "text.empty_corpus")
    vectorizer = CountVectorizer(
        analyzer=analyzer or Analyzer(), min_df=min_df, max_df=max_df, max_features=max_features
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError as error:  # sklearn: empty vocabulary, or max_df < min_df
        raise TextError(
            "No words are left to count: the texts are empty or hold only stop words, "
            f"or the frequency bounds exclude every word ({error}).",
            "text.no_terms",
        ) from None
    return matrix.tocsr(), vectorizer.get_feature_names_out()
