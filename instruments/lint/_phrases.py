"""English phrases the wording rules look for: blame, leading questions, promises.

Each table maps a compiled pattern to a short name of what it catches. The
patterns read English only and match whole words, case-insensitively, with
typographic apostrophes read as plain ones.
"""

from __future__ import annotations

import re

_NOT = r"(?:n't| not)"


def _compile(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


def normalise(text: str) -> str:
    """Return `text` with typographic apostrophes made plain and spaces collapsed."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split())


def first_match(patterns: tuple[re.Pattern[str], ...], text: str) -> str | None:
    """Return the first stretch of `text` that one of `patterns` matches, or None."""
    text = normalise(text)
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found.group(0)
    return None


BLAME = _compile(
    # Asking a person to justify what they did or did not do.
    r"\bwhy (?:did|do|had|have|would|could) you(?: not)?\b(?! think\b)",
    r"\bwhy (?:didn't|don't|hadn't|haven't|wouldn't|couldn't) you\b",
    r"\bwhy you (?:didn't|did not|don't|do not|never|stayed|went back|let|allowed)\b",
    # Saying what they ought to have done.
    rf"\byou (?:should|ought to|could|must){_NOT}? have (?!been\b)\w+",
    r"\byou(?:'d| would) have (?:left|gone|stopped|said|told|known|escaped)\b",
    # Placing the fault with them.
    r"\b(?:your|you're) (?:own )?fault\b",
    r"\b(?:you (?:are|were|was)|(?:are|were|was) you) (?:partly |also )?"
    r"(?:to blame|responsible for what happened)\b",
    r"\b(?:did|do) you (?:let|allow) (?:it|this|that|them|him|her|yourself)\b",
    r"\byou (?:let|allowed) (?:it|this|that|them|him|her) (?:happen|to)\b",
    r"\b(?:get|got|put) yourself (?:into|in)\b",
    r"\byou chose to (?:stay|go back|return|work|trust)\b",
)
"""Wording that asks survivors to justify themselves or places the fault with them."""

LEADING = _compile(
    r"\b(?:wouldn't you|would you not|don't you|do you not) (?:agree|say|think|feel|believe)\b",
    r"\b(?:isn't|wasn't) it true\b|\b(?:is|was) it not true\b",
    r"\bsurely\b",
    r"\bof course\b",
    r"\bobviously\b",
    r"\b(?:everyone|everybody|most people) (?:knows?|agrees?|thinks?|feels?)\b",
    r"\bas we all know\b",
    # A tag question: "The police were helpful, weren't they?"
    r",\s*(?:aren't|isn't|wasn't|weren't|didn't|don't|doesn't|haven't|hasn't|hadn't|won't"
    r"|wouldn't|couldn't|can't|shouldn't) (?:you|they|it|he|she|we|there)\s*\?",
)
"""Wording that tells the person which answer is expected."""

_NEGATED = r"(?<!cannot )(?<!can't )(?<!not )(?<!never )(?<!no )"
_BENEFITS = (
    r"support|help|compensation|money|payment|a visa|visas?|status|leave to remain"
    r"|the right to stay|housing|a place to live|protection|a lawyer|legal aid|asylum|justice"
)

PROMISES = _compile(
    rf"\bwe{_NOT}? (?:will|'ll|can|shall) (?:help|support|protect|assist|look after) you\b",
    r"(?<!not )(?<!n't )\bwe(?:'ll)? (?:will )?(?:help|protect) you\b",
    rf"{_NEGATED}\b(?:we |this )?(?:guarantee[sd]?|promise[sd]?)\b",
    r"\b(?:this|the survey|the study|your answers?|taking part|it) will (?:help|support"
    r"|strengthen|improve|speed up) your (?:case|claim|application|asylum|status|decision)\b",
    r"\byour (?:answers?|words|responses?|story) will (?:change|improve|make a difference"
    r"|lead to|stop|end|fix)\b",
    rf"\byou will (?:get|receive|be given|be offered|qualify for|be entitled to) "
    rf"(?:\w+ ){{0,2}}(?:{_BENEFITS})\b",
)
"""Consent wording that promises what a study cannot deliver (WHO 2003: no promises)."""
