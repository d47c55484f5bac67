"""Words in context: keyword-in-context search, word frequencies and collocations of a study.

Everything reads `corpus.study_corpus`: the redacted renditions with every
placeholder blanked, so a redacted name can never be found or counted.

Disclosure control:

* A filter on a closed answer shows quotes only when every group of cases it
  tells apart (each value of that answer, among the cases in the search's
  scope) holds none or at least the study's threshold, as the coding grid
  does. A filter selecting fewer cases says only "fewer than k"; one that
  leaves a small group out says that comparing searches would reveal it.
* Word and pair tables list only terms used in at least k documents: a rare
  word in a table could quote what one respondent alone wrote.

Quote consent: hits are excerpts, so the search leaves out the answers of
respondents who asked not to be quoted (`services.quotes`); the word and pair
counts still include them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from analysis.text import Analyzer, TextError, language_name
from analysis.words import WordsError, bigram_frequencies, collocations, kwic, word_frequencies
from survey.models import Study
from survey.services.analysis.corpus import (
    CorpusDocument,
    closed_items,
    quotes_withheld,
    study_corpus,
    text_questions,
)
from survey.services.coding.documents import Question
from survey.services.errors import ServiceError
from survey.services.quotes import quotable_document_ids

__all__ = ["Asked", "Hit", "QuestionNotFound", "Search", "Vocabulary", "WordsPage", "words_page"]

LIMIT = 200
WIDTH = 60
MAX_QUERY = 200
TOP_WORDS = 50
TOP_PAIRS = 20
MIN_PAIR_COUNT = 3


class QuestionNotFound(ServiceError):
    """The study has no free-text question with that id."""


@dataclass(frozen=True)
class Asked:
    """What the form asked: a word or phrase, a question, and one `item_id=value` filter."""

    q: str = ""
    question: str = ""
    where: str = ""

    @property
    def filter(self) -> tuple[str, str] | None:
        """Return the filter as (item id, value), or None."""
        name, equals, value = self.where.partition("=")
        return (name, value) if equals and name else None


@dataclass(frozen=True)
class Hit:
    """One hit: the document and case GUIDs, the question, and the words around the match."""

    document: str
    case: str
    item_id: str | None
    left: str
    match: str
    right: str


@dataclass(frozen=True)
class Search:
    """The outcome of a search: hits (capped), or why none are shown."""

    hits: list[Hit]
    more: bool
    documents: int
    withheld: str | None = None
    error: str | None = None
    error_code: str | None = None
    unquoted: bool = False  # answers of respondents who asked not to be quoted were left out


@dataclass(frozen=True)
class Vocabulary:
    """Frequent words and collocations of the scope, each used in at least k documents."""

    words: list[tuple[str, int, int]]
    pmi: list[tuple[str, int, float]]
    likelihood: list[tuple[str, int, float]]
    documents: int


@dataclass(frozen=True)
class WordsPage:
    """Everything the words page shows."""

    questions: list[Question]
    filters: list[tuple[str, str, list[str]]]  # (item id, label, values present)
    asked: Asked
    search: Search | None
    vocabulary: Vocabulary | None
    threshold: int
    limit: int


def words_page(session: Session, study: Study, asked: Asked) -> WordsPage:
    """Return the words page: the search of `asked`, and the vocabulary of its question if any."""
    questions = text_questions(session, study)
    if asked.question and asked.question not in {q.item_id for q in questions}:
        raise QuestionNotFound(asked.question)
    corpus = study_corpus(session, study, item_id=asked.question or None)
    k = study.disclosure_threshold
    search = None
    if asked.q.strip():
        search = _search(corpus, asked, k, quotable_document_ids(session, study))
    # Only for one question: over a large study the tables take seconds, and mixing
    # questions mixes their words.
    vocabulary = _vocabulary(corpus, k) if asked.question else None
    return WordsPage(questions, _filters(study, corpus), asked, search, vocabulary, k, LIMIT)


def _filters(study: Study, corpus: Sequence[CorpusDocument]) -> list[tuple[str, str, list[str]]]:
    """Return each closed question with the answers present in the scope (no counts)."""
    present: dict[str, set[str]] = {}
    for document in corpus:
        for name, value in document.attributes.items():
            present.setdefault(name, set()).add(value)
    return [
        (item_id, label, sorted(present[item_id], key=str.casefold))
        for item_id, label in closed_items(study)
        if item_id in present
    ]


def _search(corpus: Sequence[CorpusDocument], asked: Asked, k: int, quotable: set[int]) -> Search:
    """Search the scope (after the filter, if safe) for the word or phrase asked.

    Hits are excerpts, so answers whose respondents asked not to be quoted are
    left out of the search (the vocabulary still counts their words).
    """
    if len(asked.q) > MAX_QUERY:
        message = f"Search for at most {MAX_QUERY} characters: a word or a short phrase."
        return Search([], False, 0, error=message, error_code="words.query_too_long")
    chosen = list(corpus)
    if asked.filter is not None:
        withheld = withheld_by_filter(corpus, *asked.filter, k)
        if withheld:
            return Search([], False, 0, withheld=withheld)
        name, value = asked.filter
        chosen = [d for d in corpus if d.attributes.get(name) == value]
    quoted = [d for d in chosen if d.id in quotable]
    unquoted = len(quoted) < len(chosen)
    chosen = quoted
    try:
        found = _kwic(chosen, asked.q)
    except WordsError as error:
        return Search([], False, 0, error=str(error), error_code=error.code)
    hits = [
        Hit(chosen[i].public_id, chosen[i].case_id, chosen[i].item_id, h.left, h.match, h.right)
        for i, h in found[:LIMIT]
    ]
    documents = len({hit.document for hit in hits})
    return Search(hits, len(found) > LIMIT, documents, unquoted=unquoted)


def withheld_by_filter(
    corpus: Sequence[CorpusDocument], name: str, value: str, k: int
) -> str | None:
    """Say why quotes filtered on `name = value` cannot be shown, or return None if they can."""
    return quotes_withheld({d.case_id: d.attributes.get(name) for d in corpus}, value, k)


def _kwic(corpus: Sequence[CorpusDocument], query: str) -> list[tuple[int, object]]:
    """Return (corpus index, concordance) pairs in corpus order, at most LIMIT + 1."""
    groups: dict[str, list[int]] = {}
    for i, document in enumerate(corpus):
        groups.setdefault(_language(document.language), []).append(i)
    found = []
    for language, indices in groups.items():
        texts = [corpus[i].text for i in indices]
        for hit in kwic(texts, query, width=WIDTH, language=language, limit=LIMIT + 1):
            found.append((indices[hit.document], hit))
    found.sort(key=lambda pair: (pair[0], pair[1].start))
    return found[: LIMIT + 1]


def _language(language: str) -> str:
    """Return `language` if the text tools know it, else English."""
    try:
        language_name(language)
    except TextError:
        return "en"
    return language


def _vocabulary(corpus: Sequence[CorpusDocument], k: int) -> Vocabulary:
    """Count words and rank word pairs, keeping only those used in at least k documents."""
    texts = [document.text for document in corpus]
    if not texts:
        return Vocabulary([], [], [], 0)
    language = _language(Counter(d.language for d in corpus).most_common(1)[0][0])
    analyzer = Analyzer(language=language)
    words = word_frequencies(texts, analyzer=analyzer, n=None)
    words = words[words["documents"] >= k].head(TOP_WORDS)
    spread = bigram_frequencies(texts, analyzer=analyzer, n=None).set_index("bigram")["documents"]
    ranked = {
        measure: _pairs(collocations(texts, measure=measure, min_count=MIN_PAIR_COUNT, n=None,
                                     language=language), spread, k)
        for measure in ("pmi", "likelihood_ratio")
    }  # fmt: skip
    return Vocabulary(
        [(row.term, int(row.count), int(row.documents)) for row in words.itertuples()],
        ranked["pmi"],
        ranked["likelihood_ratio"],
        len(texts),
    )


def _pairs(table: pd.DataFrame, spread: pd.Series, k: int) -> list[tuple[str, int, float]]:
    """Return the best pairs used in at least k documents, as (pair, count, score)."""
    used = table["bigram"].map(spread).fillna(0)
    kept = table[used >= k].head(TOP_PAIRS)
    return [(row.bigram, int(row.count), float(row.score)) for row in kept.itertuples()]
