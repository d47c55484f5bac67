"""Lint rules on consent: every part says something real, and nothing is promised."""

from __future__ import annotations

import pytest

from tests.instruments.lint_builders import CLEAN_CONSENT, clean_instrument, codes, found


def consent(**parts: str) -> dict:
    """Return the clean instrument with some consent parts rewritten."""
    return clean_instrument(consent={**CLEAN_CONSENT, **parts})


@pytest.mark.parametrize(
    "withdrawal",
    [
        "You can withdraw your answers at any time.",
        "Use the code from the end page to delete your answers.",
    ],
)
def test_withdrawal_that_does_not_say_until_when_is_flagged(withdrawal: str) -> None:
    (finding,) = found(consent(withdrawal=withdrawal), "CONSENT_INCOMPLETE")

    assert (finding.path, finding.language) == ("consent.withdrawal", "en")
    assert "until when" in finding.message


@pytest.mark.parametrize(
    "withdrawal",
    [
        "You can delete your answers for 3 months after you finish.",
        "You can delete your answers for three months after you finish.",
        "You can delete your answers until 31 March 2027.",
        "You can delete your answers until we publish our report.",
        "You can delete your answers within four weeks of finishing.",
    ],
)
def test_withdrawal_with_a_time_limit_is_complete(withdrawal: str) -> None:
    assert codes(consent(withdrawal=withdrawal)) == []


@pytest.mark.parametrize(
    "retention",
    [
        "We use the answers to write reports about what we learn.",
        "We store the answers safely on our own computers in the UK.",
    ],
)
def test_use_and_retention_that_does_not_say_how_long_is_flagged(retention: str) -> None:
    (finding,) = found(consent(use_and_retention=retention), "CONSENT_INCOMPLETE")

    assert (finding.path, "how long" in finding.message) == ("consent.use_and_retention", True)


@pytest.mark.parametrize(
    "retention",
    [
        "We write reports. We keep the answers for up to 2 years, then delete them.",
        "We write reports. We keep the answers until the study ends, then delete them.",
        "We write reports. We delete the answers after six months.",
    ],
)
def test_use_and_retention_that_says_how_long_is_complete(retention: str) -> None:
    assert codes(consent(use_and_retention=retention)) == []


@pytest.mark.parametrize(
    ("part", "text"),
    [
        ("right_to_skip", "Every question matters to the research team."),
        ("right_to_stop", "You can take as long as you like over the questions."),
    ],
)
def test_a_right_that_is_not_stated_is_flagged(part: str, text: str) -> None:
    (finding,) = found(consent(**{part: text}), "CONSENT_INCOMPLETE")

    assert finding.path == f"consent.{part}"


@pytest.mark.parametrize("part", ["anonymity", "confidentiality_limits", "who_runs_it"])
def test_a_part_of_consent_under_five_words_is_a_placeholder(part: str) -> None:
    (finding,) = found(consent(**{part: "See above."}), "CONSENT_INCOMPLETE")

    assert (finding.path, finding.severity) == (f"consent.{part}", "warning")


@pytest.mark.parametrize(
    ("text", "promise"),
    [
        ("We will help you with whatever you need.", "We will help you"),
        ("This will help your case with the Home Office.", "This will help your case"),
        ("We guarantee that nobody will ever find out.", "We guarantee"),
        ("Your answers will change how the police work.", "Your answers will change"),
        ("After the survey you will get support from a caseworker.", "you will get support"),
        ("You will receive compensation for what happened.", "You will receive compensation"),
        ("You will be given a visa if you take part.", "You will be given a visa"),
    ],
)
def test_a_promise_in_consent_is_an_error(text: str, promise: str) -> None:
    (finding,) = found(consent(purpose=text), "CONSENT_PROMISE")

    assert (finding.path, finding.severity) == ("consent.purpose", "error")
    assert f"“{promise}”" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "We cannot guarantee that the police will change how they work.",
        "What you tell us can help the police do better for other people.",
        "We will delete your answers after 2 years, as we say below.",
        "Taking part will not change your case or the support you get.",
        "We do not promise that anything will change because of this study.",
    ],
)
def test_an_honest_statement_of_limits_is_not_a_promise(text: str) -> None:
    assert "CONSENT_PROMISE" not in codes(consent(purpose=text))


def test_a_promise_in_the_instruments_purpose_is_flagged_at_purpose() -> None:
    document = clean_instrument(purpose="To learn how we can help you get the support you need.")

    assert [f.path for f in found(document, "CONSENT_PROMISE")] == ["purpose"]
