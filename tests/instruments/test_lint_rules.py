"""Every lint rule: an instrument that breaks it is flagged, one that keeps it is not.

The table has one row per registered rule, so a new rule without a failing
and a passing instrument fails ``test_every_rule_has_a_failing_and_a_passing_case``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pytest

from instruments import ErrorCode, Instrument
from instruments.lint import RULES
from tests.instruments.builders import in_languages, section
from tests.instruments.lint_builders import (
    CLEAN_CONSENT,
    clean_instrument,
    clean_item,
    codes,
    loaded,
    sensitive_section,
    with_item,
)


class Case(NamedTuple):
    code: str
    failing: Callable[[], dict | Instrument]
    passing: Callable[[], dict | Instrument]


def _in_section(*items: dict, **keys: object) -> dict:
    return clean_instrument(sections=[section("main", *items, **keys)])


def _consent(**parts: str) -> dict:
    return clean_instrument(consent={**CLEAN_CONSENT, **parts})


def _bilingual(hint_languages: tuple[str, ...]) -> dict:
    document = in_languages(clean_instrument(), "en", "fr")
    document["support"] = {
        language: [{"name": "Helpline", "phone": "999"}] for language in ("en", "fr")
    }
    hint = {language: f"Think about your last job. [{language}]" for language in hint_languages}
    document["sections"][0]["items"][0]["hint"] = hint
    return document


def _required_without_non_answer(non_answers: tuple[str, ...]) -> Instrument:
    instrument = loaded(clean_instrument(clean_item("worked", required=True)))
    return with_item(instrument, "worked", non_answers=non_answers)


DENSE = (
    "Participation in this research is entirely voluntary, and you may withdraw your "
    "consent at any time without providing any justification."
)

CASES = [
    Case(
        "REQUIRED_SENSITIVE",
        lambda: clean_instrument(sections=[sensitive_section("s", clean_item("q", required=True))]),
        lambda: clean_instrument(sections=[sensitive_section("s", clean_item("q"))]),
    ),
    Case(
        "REQUIRED_WITHOUT_NON_ANSWER",
        lambda: _required_without_non_answer(()),
        lambda: _required_without_non_answer(("prefer_not_to_say",)),
    ),
    Case(
        "SENSITIVE_UNPROTECTED",
        lambda: _in_section(clean_item("q", sensitive=True)),
        lambda: clean_instrument(
            sections=[sensitive_section("s", clean_item("q", sensitive=True))]
        ),
    ),
    Case(
        "WHY_WE_ASK_MISSING",
        lambda: clean_instrument(clean_item("q", why_we_ask=None)),
        lambda: clean_instrument(clean_item("q")),
    ),
    Case(
        "DIRECT_IDENTIFIER",
        lambda: clean_instrument(
            clean_item("q", "short_text", "Anything else?", hint="Please write your phone number.")
        ),
        lambda: clean_instrument(
            clean_item("q", "short_text", "Anything else?", hint="Please do not write names.")
        ),
    ),
    Case(
        "IDENTIFIER_LANGUAGE_UNREAD",
        lambda: in_languages(clean_instrument(), "en", "ti"),
        lambda: in_languages(clean_instrument(), "en", "fr"),
    ),
    Case(
        "BLAME_WORDING",
        lambda: clean_instrument(clean_item("q", "long_text", "Why didn't you leave?")),
        lambda: clean_instrument(clean_item("q", "long_text", "What made it hard to leave?")),
    ),
    Case(
        "LEADING_QUESTION",
        lambda: clean_instrument(clean_item("q", label="The police were kind, weren't they?")),
        lambda: clean_instrument(clean_item("q", label="Were the police kind to you?")),
    ),
    Case(
        "DOUBLE_BARRELLED",
        lambda: clean_instrument(clean_item("q", label="Were the police kind and helpful?")),
        lambda: clean_instrument(clean_item("q", label="Were the police kind to you?")),
    ),
    Case(
        "CONSENT_INCOMPLETE",
        lambda: _consent(withdrawal="You can withdraw your answers at any time."),
        lambda: _consent(),
    ),
    Case(
        "CONSENT_PROMISE",
        lambda: _consent(purpose="Taking part will help your case with the Home Office."),
        lambda: _consent(purpose="Taking part will not change your case with the Home Office."),
    ),
    Case(
        "READING_EASE",
        lambda: clean_instrument(clean_item("q", hint=DENSE)),
        lambda: clean_instrument(
            clean_item("q", hint="You can stop at any time. You do not have to say why.")
        ),
    ),
    Case(
        "TRANSLATION_INCOMPLETE",
        lambda: _bilingual(("en",)),
        lambda: _bilingual(("en", "fr")),
    ),
    Case(
        "SUPPORT_NOT_IN_LANGUAGE",
        lambda: in_languages(clean_instrument(), "en", "fr"),
        lambda: _bilingual(("en", "fr")),
    ),
    Case(
        "BURDEN_OVER_ESTIMATE",
        lambda: clean_instrument(
            *(clean_item(f"q{n}", "long_text", "What happened?") for n in range(12)),
            estimated_minutes=5,
        ),
        lambda: clean_instrument(
            *(clean_item(f"q{n}", "long_text", "What happened?") for n in range(12)),
            estimated_minutes=20,
        ),
    ),
]


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    assert [case.code for case in CASES] == list(RULES)


@pytest.mark.parametrize("case", CASES, ids=[case.code for case in CASES])
def test_an_instrument_that_breaks_a_rule_is_flagged(case: Case) -> None:
    assert case.code in codes(case.failing())


@pytest.mark.parametrize("case", CASES, ids=[case.code for case in CASES])
def test_an_instrument_that_keeps_a_rule_is_not_flagged(case: Case) -> None:
    assert case.code not in codes(case.passing())


def test_the_clean_instrument_the_cases_start_from_has_no_findings() -> None:
    assert codes(clean_instrument()) == []


def test_lint_codes_never_reuse_a_loader_code() -> None:
    assert set(RULES) & {code.code for code in ErrorCode} == set()


@pytest.mark.parametrize("code", list(RULES))
def test_every_rule_explains_itself(code: str) -> None:
    rule = RULES[code]
    assert rule.severity in ("error", "warning")
    assert all(len(text.split()) >= 5 for text in (rule.title, rule.explanation, rule.fix))


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("REQUIRED_SENSITIVE", "error"),
        ("REQUIRED_WITHOUT_NON_ANSWER", "error"),
        ("DIRECT_IDENTIFIER", "error"),
        ("IDENTIFIER_LANGUAGE_UNREAD", "warning"),
        ("BLAME_WORDING", "error"),
        ("CONSENT_PROMISE", "error"),
        ("SENSITIVE_UNPROTECTED", "warning"),
        ("READING_EASE", "warning"),
        ("BURDEN_OVER_ESTIMATE", "warning"),
    ],
)
def test_what_harms_a_respondent_is_an_error_and_what_needs_review_a_warning(
    code: str, severity: str
) -> None:
    assert RULES[code].severity == severity
