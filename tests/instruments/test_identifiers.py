"""Instruments may not ask for direct identifiers (SAFETY.md), but may ask about them."""

from __future__ import annotations

import pytest

from instruments import ErrorCode, load_instrument
from tests.instruments.builders import item, problems_of, to_yaml, with_items

ASKING = [
    "What is your name?",
    "What’s your full name?",
    "Your full name",
    "Name:",
    "Please write your phone number so we can call you back.",
    "If you want a call, write your mobile number.",
    "What is your phone number?",
    "Email address",
    "Your email address (optional)",
    "Tell us your email.",
    "Home address",
    "What is your home address?",
    "Postcode",
    "Date of birth",
    "What is your date of birth?",
    "Please enter your date of birth (DD/MM/YYYY).",
    "Passport number",
    "What is your passport number?",
    "Visa number",
    "Residence permit number",
    "What is your BRP number?",
    "Can you give us your phone number?",
    "What was your address?",
    "National Insurance number",
    "What is your NI number?",
    "Please write your National Insurance no.",
]

ASKING_ABOUT = [
    "Did the police ask for your address?",
    "Were you told the name of a support organisation?",
    "Did anyone take your passport?",
    "Did your employer keep your passport or visa?",
    "Do you have an email address you can use safely?",
    "What was the name of the town where you worked?",
    "Did anyone use your name to borrow money?",
    "Did they give your phone number to anyone?",
    "Did you have to give your date of birth to the agent?",
    "Please do not write your name or anyone else's name.",
    "Did the police write down your name correctly?",
    "Did the police take your phone?",
    "What is your nationality?",
    "What is your age band?",
    "Can you tell us your number of years in the UK?",
    "Were you given a crime reference number?",
]


@pytest.mark.parametrize("label", ASKING)
def test_a_label_asking_for_your_own_identifier_is_refused(label: str) -> None:
    problems = problems_of(with_items(item("q1", "short_text", label=label)))

    assert [(p.code, p.path) for p in problems] == [
        (ErrorCode.IDENTIFIER_REQUESTED, "sections[0].items[0].label")
    ]


@pytest.mark.parametrize("label", ASKING_ABOUT)
def test_a_question_about_an_identifier_is_allowed(label: str) -> None:
    instrument = load_instrument(to_yaml(with_items(item("q1", label=label))))

    assert next(instrument.items()).label.get("en") == label


@pytest.mark.parametrize(
    "item_id", ["name", "full_name", "phone", "phone_number", "email", "address", "postcode",
                "date_of_birth", "dob", "passport_number", "visa_number", "brp_number"],
)  # fmt: skip
def test_an_item_named_as_an_identifier_is_refused(item_id: str) -> None:
    problems = problems_of(with_items(item(item_id, "short_text", label="Tell us more.")))

    assert [(p.code, p.path) for p in problems] == [
        (ErrorCode.IDENTIFIER_REQUESTED, "sections[0].items[0].id")
    ]


@pytest.mark.parametrize("item_id", ["police_name_known", "address_safe", "phone_taken"])
def test_an_id_that_only_contains_an_identifier_word_is_allowed(item_id: str) -> None:
    instrument = load_instrument(to_yaml(with_items(item(item_id))))

    assert next(instrument.items()).id == item_id


def test_the_message_says_which_identifier_was_asked_for() -> None:
    (problem,) = problems_of(with_items(item("q1", "short_text", label="Date of birth")))

    assert "date of birth" in problem.message


def test_a_note_that_mentions_your_name_asks_for_nothing() -> None:
    document = with_items(item("intro", "note", label="Name"), item("q1"))

    assert load_instrument(to_yaml(document)).item("intro").type == "note"
