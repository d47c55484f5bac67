"""Turn chosen topics into draft codes an analyst can review and add to a codebook.

A draft is named after the topic's top terms, defined by the terms it lists,
and illustrated by the answers that are most typical of the topic. It is a
starting point: the definition says so, and nothing is added to a codebook
until a person has read it.

Examples
--------
>>> draft = draft_code(2, ["wage", "pay", "money", "month"], ["They never paid us."])
>>> draft.name
'Wage / pay / money'
>>> draft.definition
'Answers about: wage, pay, money, month (draft from topic 2; review before use)'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import Any

__all__ = ["DraftCode", "UnknownTopicError", "draft_code", "quote", "topics_to_codes"]

_SPACE = re.compile(r"\s+")
ELLIPSIS = "…"


class UnknownTopicError(ValueError):
    """A topic index the model does not have, or a topic with no terms to name it by."""

    code = "themes.unknown_topic"


@dataclass(frozen=True)
class DraftCode:
    """A proposed code made from one topic: name, definition, terms and example quotes."""

    topic: int
    name: str
    definition: str
    terms: tuple[str, ...]
    examples: tuple[str, ...]


def quote(text: str, max_chars: int = 300) -> str:
    """Return text on one line, cut at a word boundary to at most `max_chars` with "…".

    Parameters
    ----------
    text : str
        Any text; runs of white space (line breaks, blanked placeholders) become one space.
    max_chars : int, default 300
        Longest result, the "…" included.

    Returns
    -------
    str

    Examples
    --------
    >>> quote("They kept our passports in the office safe", 25)
    'They kept our passports…'
    """
    flat = _SPACE.sub(" ", text).strip()
    if len(flat) <= max_chars:
        return flat
    cut = flat[: max(max_chars - len(ELLIPSIS), 1) + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > 0 else cut[:-1]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


def draft_code(
    topic: int,
    terms: Sequence[str],
    examples: Iterable[str],
    *,
    n_name_terms: int = 3,
    max_example_chars: int = 300,
) -> DraftCode:
    """Build one draft code from a topic's terms and example answers.

    Parameters
    ----------
    topic : int
        The topic's index, quoted in the definition.
    terms : sequence of str
        The topic's terms, most weighty first (as stored in a job result).
    examples : iterable of str
        Typical answers, best first; blank ones are left out, each is cut to
        `max_example_chars` and repeated quotes are kept once.
    n_name_terms : int, default 3
        How many terms make the name.
    max_example_chars : int, default 300

    Returns
    -------
    DraftCode

    Raises
    ------
    UnknownTopicError
        When the topic has no terms.
    """
    terms = tuple(str(term) for term in terms if str(term).strip())
    if not terms:
        raise UnknownTopicError(f"Topic {topic} has no terms to name a code by.")
    name = " / ".join(terms[: max(n_name_terms, 1)])
    quotes: list[str] = []
    for text in examples:
        cut = quote(text, max_example_chars)
        if cut and cut not in quotes:
            quotes.append(cut)
    return DraftCode(
        topic=int(topic),
        name=name[:1].upper() + name[1:],
        definition=(
            f"Answers about: {', '.join(terms)} (draft from topic {topic}; review before use)"
        ),
        terms=terms,
        examples=tuple(quotes),
    )


def topics_to_codes(
    model: Any,
    topics: Iterable[int] | None,
    texts: Sequence[str],
    *,
    n_name_terms: int = 3,
    n_terms: int = 10,
    n_examples: int = 3,
    max_example_chars: int = 300,
) -> list[DraftCode]:
    """Turn chosen topics of a fitted topic model into draft codes.

    Parameters
    ----------
    model : analysis.topics.TopicModel
        Fitted; its ``top_terms`` and ``representative_documents`` are used.
    topics : iterable of int, or None
        Indices of the chosen topics, in the order wanted; None takes every topic.
    texts : sequence of str
        The texts to quote from (usually those the model was fitted on).
    n_name_terms, n_terms, n_examples, max_example_chars : int
        Terms in the name, terms in the definition, quotes, and longest quote.

    Returns
    -------
    list of DraftCode
        One per chosen topic; a name that two topics share gets " (topic N)" appended.

    Raises
    ------
    UnknownTopicError
        When a chosen index is not one of the model's topics.
    """
    count = int(model.n_topics_)
    chosen = list(range(count)) if topics is None else [_index(t, count) for t in topics]
    terms = model.top_terms(n=max(n_terms, n_name_terms))
    # Ask for spares: blank or repeated answers are dropped from the quotes.
    documents = model.representative_documents(texts, n=n_examples * 2) if n_examples else None
    drafts = []
    for topic in chosen:
        picks = documents[topic] if documents is not None else []
        examples = [texts[i] for i in picks if texts[i].strip()]
        draft = draft_code(
            topic,
            terms[topic][:n_terms] if n_terms else terms[topic][:n_name_terms],
            examples,
            n_name_terms=n_name_terms,
            max_example_chars=max_example_chars,
        )
        drafts.append(_with_examples(draft, n_examples))
    return _distinct_names(drafts)


def _index(topic: Any, count: int) -> int:
    """Return `topic` as a valid index into `count` topics, or raise UnknownTopicError."""
    if isinstance(topic, bool) or not isinstance(topic, Integral):
        raise UnknownTopicError(f"{topic!r} is not a topic number.")
    index = int(topic)
    if not 0 <= index < count:
        raise UnknownTopicError(
            f"There is no topic {topic}: the model has topics 0 to {count - 1}."
        )
    return index


def _with_examples(draft: DraftCode, n: int) -> DraftCode:
    """Return `draft` keeping its first `n` examples."""
    return DraftCode(draft.topic, draft.name, draft.definition, draft.terms, draft.examples[:n])


def _distinct_names(drafts: list[DraftCode]) -> list[DraftCode]:
    """Append " (topic N)" to every name that more than one draft has."""
    names = [d.name for d in drafts]
    return [
        DraftCode(d.topic, f"{d.name} (topic {d.topic})", d.definition, d.terms, d.examples)
        if names.count(d.name) > 1
        else d
        for d in drafts
    ]
