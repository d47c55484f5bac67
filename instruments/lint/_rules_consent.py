"""Rules on consent: every part says something real, and nothing is promised."""

from __future__ import annotations

import re
from collections.abc import Iterator

from instruments.lint._phrases import PROMISES, first_match, normalise
from instruments.lint._registry import ERROR, WARNING, Hit, rule
from instruments.lint._walk import consent_texts
from instruments.readability import words
from instruments.schema import Instrument

MIN_CONSENT_WORDS = 5
"""Fewer words than this cannot say what a part of consent must say ("See above.")."""

_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
_NUMBER += r"eighteen|twenty|twenty-four|thirty|thirty-six|forty|fifty|sixty|ninety)"
_PERIOD = rf"\b{_NUMBER}[- ](?:days?|weeks?|months?|years?)\b"
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE = (
    rf"\b(?:\d{{1,2}} )?(?:{_MONTHS}) \d{{4}}\b"  # 31 March 2027, March 2027
    r"|\b\d{4}-\d{2}(?:-\d{2})?\b"  # 2027-03-31
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"  # 31/03/2027
)
_UNTIL = r"\b(?:until|till|up until|no later than|within|before)\b"

_REQUIREMENTS: dict[str, tuple[re.Pattern[str], str, str]] = {
    "withdrawal": (
        re.compile(rf"{_PERIOD}|{_DATE}|{_UNTIL}", re.IGNORECASE),
        "does not say until when answers can be withdrawn",
        "Say until when, for example “You can do this for 3 months after you finish. After "
        "that, your answers may already be part of our reports.”",
    ),
    "use_and_retention": (
        re.compile(
            rf"{_PERIOD}|{_DATE}|\b(?:until|till|indefinitely|permanently|for ever|forever)\b",
            re.IGNORECASE,
        ),
        "does not say how long answers are kept",
        "Say how long, for example “We keep the answers for up to 2 years. Then we delete them.”",
    ),
    "right_to_skip": (
        re.compile(
            r"\bskip|\b(?:do not|don't|need not|needn't) (?:have to )?answer|prefer not to say"
            r"|\bleave (?:any|a|it|them|questions?)\b|without answering",
            re.IGNORECASE,
        ),
        "does not say that any question can be left unanswered",
        "Say it plainly: “You do not have to answer any question. You can skip it.”",
    ),
    "right_to_stop": (
        re.compile(r"\b(?:stop|leave|exit|quit|close)\b", re.IGNORECASE),
        "does not say that the person can stop",
        "Say it plainly: “You can stop at any time.”",
    ),
}
"""For each part: what it must mention, what is wrong without it, and a fix."""


@rule(
    "CONSENT_INCOMPLETE",
    WARNING,
    title="A part of consent does not say what it must",
    explanation=(
        "Informed consent needs each element to be real, not a placeholder (WHO 2003; "
        "SAFETY.md): withdrawal must say until when it is possible, use and retention how "
        "long answers are kept, and the rights to skip and to stop must be stated. The "
        "loader checks that every part is there; this rule checks that each says something. "
        "It reads English text and is a warning because a pattern cannot prove that a "
        "sentence is missing."
    ),
    fix="Rewrite the part so that it says what the table in docs/instrument-format.md asks.",
)
def consent_incomplete(instrument: Instrument) -> Iterator[Hit]:
    """Find English consent parts that are too short or leave out what they must say."""
    for place, language, text in consent_texts(instrument):
        part = place.path.removeprefix("consent.")
        if place.path == "purpose":
            continue
        if len(words(text)) < MIN_CONSENT_WORDS:
            yield Hit(
                place,
                f"This part of consent has fewer than {MIN_CONSENT_WORDS} words: it cannot "
                "tell the person what they are agreeing to.",
                "Write it out in full, in plain words.",
                language,
            )
        elif part in _REQUIREMENTS:
            pattern, problem, fix = _REQUIREMENTS[part]
            if not pattern.search(normalise(text)):
                yield Hit(place, f"This part of consent {problem}.", fix, language)


@rule(
    "CONSENT_PROMISE",
    ERROR,
    title="Consent or the purpose promises what the study cannot deliver",
    explanation=(
        "WHO's recommendations for interviewing trafficked women say: make no promises you "
        "cannot keep. A survey cannot help a person's case, bring support, compensation or "
        "a visa, or guarantee change, and an anonymous one cannot act on what it hears. A "
        "person who takes part, or says more than is safe, because of a promise has not "
        "given informed consent."
    ),
    fix=(
        "Say what will really happen, with its limits: “What you tell us may help the police "
        "do better. Taking part will not change your case or the support you get.”"
    ),
)
def consent_promise(instrument: Instrument) -> Iterator[Hit]:
    """Find English consent parts and purposes that promise help, benefits or change."""
    for place, language, text in consent_texts(instrument):
        found = first_match(PROMISES, text)
        if found is not None:
            yield Hit(
                place,
                f"“{found}” is a promise the study cannot keep.",
                "Remove the promise, and say what taking part can and cannot change.",
                language,
            )
