"""Spot a double-barrelled question: one answer asked to cover two things.

"Were the police kind and helpful?" cannot be answered by someone who found
them kind but not helpful. Without a part-of-speech tagger (NLTK's needs
data that Heard never downloads), the heuristic looks for ``X and Y`` or
``X or Y`` where both words describe (adjectives and participles: "kind",
"helpful", "respected", "arrested") or, after "did/do/will ... <subject>",
both are actions ("Did the police listen and believe you?"). It leaves alone:

- nouns and names joined by and/or ("help or support", "England or Wales");
- opposites offered as a choice ("safe or unsafe", "better or worse");
- fixed phrases ("safe and sound", "come and go");
- actions joined by "or" ("hit or push"), which ask whether any of them happened.
"""

from __future__ import annotations

import re


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_PAIR = re.compile(r"\b([A-Za-z][\w']*),? (and|or) ([A-Za-z][\w']*)\b")
_AUXILIARY_SUBJECT = re.compile(
    r"\b(?:did|do|does|will|would|could|can|should|might|may)\s+"
    r"(?:you|they|he|she|we|it|anyone|someone|people|(?:the|your|an?|any)\s+\w+)\s+(\w+)"
    r"(?:\s+(?:to\s+)?(?:you|them|me|us|him|her|it))?,? and\s+(\w+)\b",
    re.IGNORECASE,
)

DESCRIBING_WORDS = _word_set(
    """
    kind unkind helpful unhelpful polite rude respectful disrespectful fair unfair friendly
    unfriendly honest dishonest clear unclear safe unsafe quick fast slow easy hard difficult
    simple useful useless good bad calm patient impatient caring supportive professional
    sensitive understanding aggressive angry gentle warm cold nice happy sad afraid scared
    frightened worried confident comfortable uncomfortable welcome informed trustworthy
    reliable available accessible open private secure free confidential clean quiet
    interested listened believed respected supported protected helped heard trusted
    """
)
"""Words that describe a person or a service, as survey questions use them."""

_SUFFIXES = ("ful", "less", "ive", "ous", "able", "ible")
_NOT_DESCRIBING = _word_set(
    """
    table cable vegetable timetable bible motive detective relative native executive
    representative objective alternative incentive initiative archive captive
    """
)
_PARTICIPLE_EXCEPTIONS = _word_set("need needed bed red seed feed indeed shed hundred")
_OPPOSITES = frozenset(
    {("good", "bad"), ("better", "worse"), ("easy", "hard"), ("easy", "difficult"),
     ("fast", "slow"), ("quick", "slow"), ("happy", "sad"), ("more", "less"),
     ("hot", "cold"), ("warm", "cold"), ("right", "wrong"), ("true", "false")}
)  # fmt: skip
_FIXED_PHRASES = frozenset(
    {("safe", "sound"), ("alive", "well"), ("come", "go"), ("back", "forth"),
     ("now", "then"), ("more", "more"), ("less", "less"), ("over", "over"),
     ("again", "again"), ("pros", "cons"), ("black", "white"), ("nice", "easy"),
     ("free", "confidential")}
)  # fmt: skip
_NOT_ACTIONS = _word_set(
    """
    the a an any your my his her their our its this that these those you me him them us it
    not also then so now there here feel felt
    """
)


def _describes(word: str) -> bool:
    """Return True when `word` (lower case) reads as an adjective or a participle."""
    if word in DESCRIBING_WORDS:
        return True
    if word in _NOT_DESCRIBING:
        return False
    if len(word) > 4 and word.endswith(_SUFFIXES):
        return True
    return len(word) > 4 and word.endswith("ed") and word not in _PARTICIPLE_EXCEPTIONS


def _opposites(first: str, second: str) -> bool:
    for prefix in ("un", "in", "im", "dis", "non", "ir", "il"):
        if second == prefix + first or first == prefix + second:
            return True
    return (first, second) in _OPPOSITES or (second, first) in _OPPOSITES


def _describing_pair(text: str) -> str | None:
    for match in _PAIR.finditer(text):
        first, joiner, second = match.groups()
        if (first[0].isupper() and match.start() > 0) or second[0].isupper():
            continue  # a name: "England or Wales"
        pair = (first.lower(), second.lower())
        if pair in _FIXED_PHRASES or (joiner == "or" and _opposites(*pair)):
            continue
        if _describes(pair[0]) and _describes(pair[1]):
            return match.group(0)
    return None


def _action_pair(text: str) -> str | None:
    for match in _AUXILIARY_SUBJECT.finditer(text):
        first, second = match.group(1).lower(), match.group(2).lower()
        if first in _NOT_ACTIONS or second in _NOT_ACTIONS or (first, second) in _FIXED_PHRASES:
            continue
        return f"{match.group(1)} and {match.group(2)}"
    return None


def double_barrel(question: str) -> str | None:
    """Return the words that join two things in one English `question`, or None.

    Examples
    --------
    >>> double_barrel("Were the police kind and helpful?")
    'kind and helpful'
    >>> double_barrel("Did the police tell you where to get help or support?") is None
    True
    """
    text = " ".join(question.replace("\u2019", "'").split())
    return _describing_pair(text) or _action_pair(text)
