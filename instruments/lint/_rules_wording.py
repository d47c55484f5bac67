"""Rules on the words of questions: identifiers, blame, leading and double-barrelled questions."""

from __future__ import annotations

from collections.abc import Iterator

from instruments._validate_identifiers import (
    identifier_at_end_of_id,
    identifier_in_id,
    identifier_in_label,
    identifier_in_open_question,
    reads_language,
)
from instruments.languages import english_name, language_name
from instruments.lint._double_barrel import double_barrel
from instruments.lint._phrases import BLAME, LEADING, first_match
from instruments.lint._registry import ERROR, WARNING, Hit, Place, rule
from instruments.lint._walk import (
    FREE_ENTRY_TYPES,
    english,
    is_english,
    item_texts,
    items,
    question_texts,
)
from instruments.schema import Instrument, Item

CLOSED_TYPES = frozenset({"yes_no", "scale", "single_choice"})
"""Item types whose one answer must cover the whole question."""


def _identifier_asked(item: Item) -> Iterator[tuple[str, str, str | None]]:
    """Yield ``(key, what, language)`` for each way `item` asks for a direct identifier."""
    free_entry = item.type in FREE_ENTRY_TYPES
    what = identifier_at_end_of_id(item.id) if free_entry else identifier_in_id(item.id)
    if what is not None:
        yield "id", what, None
    for key in ("label", "hint"):
        text_of = getattr(item, key)
        for language, text in text_of.translations.items() if text_of is not None else ():
            what = identifier_in_label(text, language)
            if what is None and free_entry and key == "label" and is_english(language):
                what = identifier_in_open_question(text)
            if what is not None:
                yield key, what, language


@rule(
    "DIRECT_IDENTIFIER",
    ERROR,
    title="A question asks for a direct identifier",
    explanation=(
        "Heard's anonymity rests on never holding who someone is (SAFETY.md): a name, phone "
        "number, email, address, date of birth, or a passport, visa, residence permit or "
        "National Insurance number in one answer makes every answer of that person "
        "identifiable, to the research team and to anyone who gets the data. Survivors may "
        "still be in contact with their exploiters or fear immigration enforcement."
    ),
    fix=(
        "Remove the question, or ask for something coarse instead (an age band, not a date "
        "of birth; a region, not an address)."
    ),
)
def direct_identifier(instrument: Instrument) -> Iterator[Hit]:
    """Find answerable items whose id, label or hint asks for a direct identifier."""
    for place, _, item in items(instrument):
        if not item.answerable:
            continue
        for key, what, language in _identifier_asked(item):
            yield Hit(
                place.at(key),
                f"This question asks for {what}. With it, anyone who sees the answers "
                "could find out who this person is.",
                f"Remove the question, or ask for something that cannot single a person out "
                f"instead of {what}.",
                language,
            )


@rule(
    "IDENTIFIER_LANGUAGE_UNREAD",
    WARNING,
    title="The identifier check cannot read one of the instrument's languages",
    explanation=(
        "The loader and the DIRECT_IDENTIFIER rule read labels and hints for a request for "
        "a name, phone number, address or document number in English and in the languages "
        "listed in docs/identifier-check.md. In any other language such a question passes "
        "unseen, and one question asking for a name is enough to identify every answer."
    ),
    fix=(
        "Have someone who reads the language check every label and hint for a request for "
        "a direct identifier, or add the language to the identifier check's phrase tables."
    ),
)
def identifier_language_unread(instrument: Instrument) -> Iterator[Hit]:
    """Find declared languages the identifier check has no phrase table for."""
    for index, language in enumerate(instrument.languages):
        if not reads_language(language):
            name = english_name(language) or language_name(language)
            yield Hit(
                Place(f"languages[{index}]"),
                f"The identifier check does not read '{language}' ({name}); "
                "review its labels by hand.",
                f"Ask someone who reads {name} to check that no label or "
                "hint asks for a name, phone number, email, address, date of birth or "
                "document number.",
                language,
            )


@rule(
    "BLAME_WORDING",
    ERROR,
    title="Wording that blames the person or asks them to justify themselves",
    explanation=(
        "Survivors are often blamed for what was done to them (“why didn't you leave?”), "
        "by exploiters, officials and themselves. A question that sounds like blame can "
        "bring back shame, make the person stop, or push them towards the answer that "
        "defends them (WHO 2003: do no harm). It is an error, not a warning, because the "
        "harm falls on the person answering and there is always a neutral wording that "
        "asks the same thing."
    ),
    fix=(
        "Ask what happened or what made something hard, not why the person acted as they "
        "did: “What made it hard to leave?” rather than “Why didn't you leave?”."
    ),
)
def blame_wording(instrument: Instrument) -> Iterator[Hit]:
    """Find English question texts with blaming or justification-seeking wording."""
    for place, language, text in question_texts(instrument):
        found = first_match(BLAME, text)
        if found is not None:
            yield Hit(
                place,
                f"“{found}” can read as blame: it asks the person to justify what they did "
                "or did not do, or says they should have acted differently.",
                "Reword it to ask about what happened or what made things hard, for example "
                "“What made it hard to …?” or “What were your reasons for …?”.",
                language,
            )


@rule(
    "LEADING_QUESTION",
    WARNING,
    title="A leading question: the wording suggests the expected answer",
    explanation=(
        "A question that signals the expected answer (“don't you agree”, “surely”, a tag such "
        "as “weren't they?”) biases the answers, and puts pressure on people who have learnt "
        "that disagreeing with those in power is unsafe."
    ),
    fix="Ask the question neutrally and offer every answer on equal terms.",
)
def leading_question(instrument: Instrument) -> Iterator[Hit]:
    """Find English labels and hints that tell the person which answer is expected."""
    for place, language, text in item_texts(instrument, ("label", "hint")):
        found = first_match(LEADING, text)
        if found is not None:
            yield Hit(
                place,
                f"“{found}” tells the person which answer is expected.",
                "Ask neutrally: “How helpful or unhelpful were the police?” rather than "
                "“The police were helpful, weren't they?”.",
                language,
            )


@rule(
    "DOUBLE_BARRELLED",
    WARNING,
    title="A closed question asks two things at once",
    explanation=(
        "“Were the police kind and helpful?” has one answer for two questions: a person who "
        "found them kind but unhelpful cannot answer truthfully, and the analyst cannot tell "
        "which part a “No” was about. Only yes/no, scale and single-choice labels are read: "
        "open questions and multiple choice can answer both parts, and choice labels and "
        "hints are not questions."
    ),
    fix="Split it into two questions, or keep the part the research needs.",
)
def double_barrelled(instrument: Instrument) -> Iterator[Hit]:
    """Find English labels of closed items that join two descriptions or actions."""
    for place, _, item in items(instrument):
        if item.type not in CLOSED_TYPES:
            continue
        for language, label in english(item.label):
            found = double_barrel(label)
            if found is not None:
                yield Hit(
                    place.at("label"),
                    f"“{found}” asks about two things, and the person can give only one answer.",
                    f"Split it into two questions, one for each part of “{found}”.",
                    language,
                )
