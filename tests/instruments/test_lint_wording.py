"""Lint rules on wording: direct identifiers, blame, leading and double-barrelled questions."""

from __future__ import annotations

import pytest

from instruments import Text
from tests.instruments.builders import choices, section
from tests.instruments.lint_builders import (
    clean_instrument,
    clean_item,
    codes,
    found,
    loaded,
    with_item,
)

# --- Direct identifiers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "key", "what"),
    [
        (clean_item("contact_phone_number", "short_text", "Anything else?"), "id", "phone"),
        (clean_item("home_postcode", "short_text", "Anything else?"), "id", "address"),
        (clean_item("q", "short_text", "Where do you live?"), "label", "address"),
        (clean_item("q", "month_year", "When were you born?"), "label", "date of birth"),
        (clean_item("q", "short_text", "How can we contact you?"), "label", "phone"),
        (clean_item("q", "short_text", "Anything else?", hint="Write your email address."),
         "hint", "email"),
        (clean_item("q", "long_text", "Tell us more.", hint="Please give your NI number."),
         "hint", "National Insurance"),
    ],
)  # fmt: skip
def test_a_question_asking_for_a_direct_identifier_is_an_error(
    item: dict, key: str, what: str
) -> None:
    (finding,) = found(clean_instrument(item), "DIRECT_IDENTIFIER")

    assert (finding.path, finding.severity) == (f"sections[0].items[0].{key}", "error")
    assert what in finding.message


@pytest.mark.parametrize(
    "item",
    [
        clean_item("police_phone_number", label="Did the police give you a phone number?"),
        clean_item("q", "single_choice", "Where do you live now?", choices=choices("n", "w")),
        clean_item("q", "single_choice", "When were you born?", choices=choices("before", "after")),
        clean_item("q", "yes_no", "Did the police take your NI number?"),
        clean_item("q", "long_text", "How did the police contact you?"),
        clean_item("q", "long_text", "Tell us more.", hint="Please do not write your name."),
    ],
)  # fmt: skip
def test_a_question_about_an_identifier_or_with_a_coarse_answer_is_fine(item: dict) -> None:
    assert codes(clean_instrument(item)) == []


@pytest.mark.parametrize(
    "label", ["What is your National Insurance number?", "What is your name?", "Passport number"]
)
def test_the_lint_catches_an_identifier_in_an_instrument_the_yaml_loader_did_not_check(
    label: str,
) -> None:
    instrument = loaded(clean_instrument(clean_item("q", "short_text", "Anything else?")))
    instrument = with_item(instrument, "q", label=Text({"en": label}))

    assert [finding.path for finding in found(instrument, "DIRECT_IDENTIFIER")] == [
        "sections[0].items[0].label"
    ]


# --- Blame ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "Why didn't you leave?",
        "Why didn’t you tell anyone?",
        "Why did you not go to the police?",
        "Why did you go back to them?",
        "Why would you trust them?",
        "Do you think you should have told someone sooner?",
        "Do you feel it was your fault?",
        "Did you let them take your passport?",
        "Were you partly to blame for what happened?",
    ],
)
def test_wording_that_blames_the_person_is_an_error(label: str) -> None:
    (finding,) = found(clean_instrument(clean_item("q", "long_text", label)), "BLAME_WORDING")

    assert (finding.path, finding.severity, finding.language) == (
        "sections[0].items[0].label",
        "error",
        "en",
    )


@pytest.mark.parametrize(
    "label",
    [
        "What made it hard to leave?",
        "What were your reasons for not wanting to be referred?",
        "Why do you think the police did that?",
        "Why were you arrested, as far as you know?",
        "What should the police have done differently?",
        "Did anyone take your passport?",
    ],
)
def test_neutral_wording_about_hard_choices_is_fine(label: str) -> None:
    assert codes(clean_instrument(clean_item("q", "long_text", label))) == []


@pytest.mark.parametrize("key", ["intro", "content_note"])
def test_blame_in_a_section_text_is_flagged_there(key: str) -> None:
    main = section("main", clean_item("q"), **{key: "Some ask why you didn't leave sooner."})
    if key == "content_note":
        main["skippable"] = True

    (finding,) = found(clean_instrument(sections=[main]), "BLAME_WORDING")

    assert (finding.path, finding.section_id, finding.item_id) == (
        f"sections[0].{key}",
        "main",
        None,
    )


# --- Leading questions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "Don't you agree that the police were helpful?",
        "Wouldn't you say things got better?",
        "Isn't it true that you felt safer?",
        "Surely the police helped you?",
        "The police were kind, weren't they?",
        "Most people think the police are fair. Do you?",
    ],
)
def test_a_leading_question_is_a_warning(label: str) -> None:
    (finding,) = found(clean_instrument(clean_item("q", label=label)), "LEADING_QUESTION")

    assert (finding.path, finding.severity) == ("sections[0].items[0].label", "warning")


@pytest.mark.parametrize(
    "label",
    [
        "How helpful or unhelpful were the police?",
        "Do you agree or disagree that the police were fair?",
        "Did the police explain things clearly?",
        "Do you think the police believed you?",
    ],
)
def test_a_neutral_question_is_not_leading(label: str) -> None:
    assert codes(clean_instrument(clean_item("q", label=label))) == []


def test_a_leading_hint_is_flagged_at_the_hint() -> None:
    item = clean_item("q", hint="Of course, most officers want to help.")

    assert [f.path for f in found(clean_instrument(item), "LEADING_QUESTION")] == [
        "sections[0].items[0].hint"
    ]


# --- Double-barrelled questions ---------------------------------------------------------------

DOUBLE = [
    ("Were the police kind and helpful?", "kind and helpful"),
    ("Was the interpreter polite and respectful?", "polite and respectful"),
    ("Were the officers caring and understanding?", "caring and understanding"),
    ("Did the police listen and believe you?", "listen and believe"),
    ("Did the police listen to you and believe you?", "listen and believe"),
    ("Were you arrested and charged?", "arrested and charged"),
    ("How safe and respected did you feel?", "safe and respected"),
    ("Were the police rude or unhelpful?", "rude or unhelpful"),
]

SINGLE = [
    "Have you had contact with the police in England or Wales about what happened to you?",
    "Did the police tell you where you could get help or support?",
    "Did the police treat you as a victim of a crime, or as someone who had done a crime?",
    "Did you feel safe or unsafe?",
    "Did things get better or worse?",
    "Were you and your family safe?",
    "Was the officer a man or a woman?",
    "Did the police speak to you in English or in your language?",
    "Did the police hit or push you?",
    "Did the police help you and your family?",
    "Did the police take your phone and your passport?",
    "Were you safe and sound when they found you?",
]


@pytest.mark.parametrize(("label", "pair"), DOUBLE)
def test_a_closed_question_that_asks_two_things_is_a_warning(label: str, pair: str) -> None:
    (finding,) = found(clean_instrument(clean_item("q", label=label)), "DOUBLE_BARRELLED")

    assert (finding.path, finding.severity) == ("sections[0].items[0].label", "warning")
    assert f"“{pair}”" in finding.message


@pytest.mark.parametrize("label", SINGLE)
def test_nouns_names_opposites_and_alternatives_are_not_double_barrelled(label: str) -> None:
    assert codes(clean_instrument(clean_item("q", label=label))) == []


@pytest.mark.parametrize("item_type", ["scale", "single_choice"])
def test_scale_and_single_choice_labels_are_read(item_type: str) -> None:
    item = clean_item(
        "q", item_type, "How kind and helpful were the police?", choices=choices("a", "b")
    )
    if item_type == "scale":
        item["points"] = [{"value": n, "label": f"{n}"} for n in (1, 2, 3)]
        del item["choices"]

    assert "DOUBLE_BARRELLED" in codes(clean_instrument(item))


@pytest.mark.parametrize(
    "item",
    [
        clean_item("q", "long_text", "What was good and bad about the police?"),
        clean_item("q", "multiple_choice", "Which of these were kind and helpful?",
                   choices=choices("police", "lawyer")),
        clean_item("q", "single_choice", "How did the police treat you?",
                   choices=[{"value": "well", "label": "Kind and helpful"},
                            {"value": "badly", "label": "Rude and unhelpful"}]),
        clean_item("q", hint="Think of whether they were kind and helpful."),
    ],
)  # fmt: skip
def test_open_questions_multiple_choice_choice_labels_and_hints_are_not_read(item: dict) -> None:
    assert "DOUBLE_BARRELLED" not in codes(clean_instrument(item))
