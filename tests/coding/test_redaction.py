"""Redaction proposals: each kind found where it is, and left alone where it is not."""

from __future__ import annotations

import doctest
import itertools

import pytest

import coding.redaction as redaction_module
from coding.errors import CodingError, ErrorCode
from coding.redaction import KINDS, Redaction, apply_redactions, propose_redactions


def found(text: str) -> list[tuple[str, str]]:
    """Return what is proposed in `text` as (value, kind) pairs."""
    return [(text[r.start : r.end], r.kind) for r in propose_redactions(text)]


def kinds_of(text: str) -> set[str]:
    return {kind for _, kind in found(text)}


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(redaction_module).failed == 0


POSITIVES = [
    ("Write to arben.hoxha@example.org today.", "arben.hoxha@example.org", "email"),
    ("email: o_adeyemi+jobs@example.co.uk", "o_adeyemi+jobs@example.co.uk", "email"),
    ("My phone was 07700 900123 then.", "07700 900123", "phone"),
    ("call 07700900123", "07700900123", "phone"),
    ("ring +44 7700 900123 now", "+44 7700 900123", "phone"),
    ("the office: 020 7946 0123.", "020 7946 0123", "phone"),
    ("free on 0800 123 4567", "0800 123 4567", "phone"),
    ("home (01632) 960 123 was", "(01632) 960 123", "phone"),
    ("+44 (0)20 7946 0444 is the agency", "+44 (0)20 7946 0444", "phone"),
    ("my mother on +355 69 123 4567", "+355 69 123 4567", "phone"),
    ("the boss +84-91-234-5678", "+84-91-234-5678", "phone"),
    ("dial 0040 744 555 666 from here", "0040 744 555 666", "phone"),
    ("near LS1 4AB I think", "LS1 4AB", "postcode"),
    ("SW1A 1AA", "SW1A 1AA", "postcode"),
    ("postcode ec1a1bb.", "ec1a1bb", "postcode"),
    ("at M60 1NW", "M60 1NW", "postcode"),
    ("by W1A 0AX", "W1A 0AX", "postcode"),
    ("We lived at 12 Station Road with them.", "12 Station Road", "address"),
    ("Flat 3, 45 Green Lane, Leeds", "Flat 3, 45 Green Lane", "address"),
    ("16a Market Place was the shop", "16a Market Place", "address"),
    ("I was born on 3 March 1990 in Fier.", "3 March 1990", "date_of_birth"),
    ("DOB: 12/03/1988", "12/03/1988", "date_of_birth"),
    ("date of birth 1995-07-14", "1995-07-14", "date_of_birth"),
    ("We came on 5th June 2020.", "5th June 2020", "date"),
    ("on March 12, 2016 they came", "March 12, 2016", "date"),
    ("seen on 23/11/2017 at night", "23/11/2017", "date"),
    ("the 3rd of October was cold", "3rd of October", "date"),
    ("My passport number is 123456789.", "123456789", "passport"),
    ("passport no. BA1234567, Albanian", "BA1234567", "passport"),
    ("Passport: 310 457 882", "310 457 882", "passport"),
    ("the visa number was GWF012345678", "GWF012345678", "visa"),
    ("My BRP is ZU1234567.", "ZU1234567", "residence_permit"),
    ("a card ZR9876543 in my bag", "ZR9876543", "residence_permit"),
    ("residence permit RP7654321", "RP7654321", "residence_permit"),
    ("NI number AB 12 34 56 C", "AB 12 34 56 C", "ni_number"),
    ("ni jg103759a in lower case", "jg103759a", "ni_number"),
    ("see https://example.org/jobs.", "https://example.org/jobs", "url"),
    ("on www.example.com/work today", "www.example.com/work", "url"),
    ("go to example.org/profile now", "example.org/profile", "url"),
    ("Mr Ahmed took the money.", "Ahmed", "name"),
    ("Then Mrs. Nguyen came.", "Nguyen", "name"),
    ("my name is Ardita and I am 19", "Ardita", "name"),
    ("my name is ahmed", "ahmed", "name"),
    ("I am called Besnik.", "Besnik", "name"),
    ("a man called Dritero drove", "Dritero", "name"),
    ("a girl named Xhoana", "Xhoana", "name"),
    ("his name was Kofi Boateng", "Kofi Boateng", "name"),
    ("I came with Arben Hoxha.", "Arben Hoxha", "name"),
    ("Chioma said nothing.", "Chioma", "name"),
    ("we met Nguyen Thi Lan there", "Nguyen Thi Lan", "name"),
    ("We met Grace Okonkwo at church.", "Grace Okonkwo", "name"),
    ("László Nagy paid us.", "László Nagy", "name"),
    ("Olumide's phone was off", "Olumide", "name"),
    ("I came from Tirana by bus", "Tirana", "place"),
    ("the farm near Ho Chi Minh City", "Ho Chi Minh City", "place"),
]


@pytest.mark.parametrize(("text", "value", "kind"), POSITIVES, ids=lambda v: str(v)[:30])
def test_each_kind_is_proposed_where_it_is(text: str, value: str, kind: str) -> None:
    assert (value, kind) in found(text)


NEGATIVES = [
    ("We worked twelve hours a day, seven days a week.", set()),
    ("I paid 2500 pounds and 300 more.", set()),
    ("There were 14 of us; the code was 4471.", set()),
    ("In 2019 I was 17, in March we moved.", set()),
    ("May God help them. Will they find me?", set()),
    ("Grace is what I needed. Hope kept me going.", set()),
    ("Sunday was our only day off.", set()),
    ("The Home Office and the Police came.", set()),
    ("They kept my passport for 2 years.", set()),
    ("The visa was for 6 months.", set()),
    ("The number 0123 456 is too short, 071234 too.", set()),
    ("Version 1.2.3 of the form, 12 hours on the farm road.", set()),
    ("the 2 may come later, we had to march 3 miles", set()),
    ("QQ 12 34 56 C is the example NI number, not a real one.", set()),
    ("Call me when you can.", set()),
]


@pytest.mark.parametrize(("text", "expected"), NEGATIVES, ids=lambda v: str(v)[:30])
def test_ordinary_sentences_propose_nothing(text: str, expected: set[str]) -> None:
    assert kinds_of(text) == expected


def test_a_date_of_birth_is_only_a_date_without_its_birth_cue() -> None:
    assert found("On 3 March 1990 we left.") == [("3 March 1990", "date")]


def test_a_nine_digit_number_is_a_passport_only_after_a_passport_cue() -> None:
    assert found("We paid 123456789 dong.") == []
    assert found("The passport number: 123456789.") == [("123456789", "passport")]


def test_a_cue_in_an_earlier_sentence_does_not_reach_a_number() -> None:
    assert found("I lost my passport. We paid 502318776 dong.") == []


def test_an_email_wins_over_the_web_address_inside_it() -> None:
    assert found("a.b@example.org") == [("a.b@example.org", "email")]


def test_a_long_phone_run_is_cut_back_to_a_valid_number() -> None:
    assert found("call 07700 900123 2 times") == [("07700 900123", "phone")]


def test_a_word_like_given_name_needs_a_surname() -> None:
    assert found("I went with Will Smith. Will they pay?") == [("Will Smith", "name")]


def test_proposals_are_sorted_and_never_overlap() -> None:
    text = "Arben Hoxha, 07700 900123, arben@example.org, 12 Station Road, LS1 4AB, born 1/2/1990"
    spans = propose_redactions(text)
    assert spans == sorted(spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert {s.kind for s in spans} <= set(KINDS)


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\x00" * 50, "…", "🙂🙂"])
def test_empty_and_blank_texts_propose_nothing(text: str) -> None:
    assert propose_redactions(text) == []


@pytest.mark.parametrize(
    "noise",
    ["\x00", "\u200b", "\u202e", "\u200f", "\ufeff"],
    ids=["nul", "zwsp", "rlo", "rlm", "bom"],
)
def test_control_and_invisible_characters_do_not_break_offsets(noise: str) -> None:
    text = f"{noise}Mr Ahmed{noise} on 07700 900123{noise}"
    for r in propose_redactions(text):
        assert 0 <= r.start < r.end <= len(text)
    assert ("07700 900123", "phone") in found(text)


def test_right_to_left_text_around_an_identifier_keeps_code_point_offsets() -> None:
    text = "رقمي 07700 900123 شكرا"
    assert found(text) == [("07700 900123", "phone")]


@pytest.mark.parametrize("language", ["", "english", "e", 3, "en_GB!"])
def test_a_language_that_is_not_a_tag_is_refused(language: object) -> None:
    with pytest.raises(CodingError) as raised:
        propose_redactions("text", language=language)  # type: ignore[arg-type]
    assert raised.value.error is ErrorCode.REDACTION_LANGUAGE_INVALID


def test_other_languages_still_get_identifiers_and_listed_names() -> None:
    text = "Mă numesc Mihai Popescu, telefon +40 721 234 567."
    assert set(found(text)) >= {("Mihai Popescu", "name"), ("+40 721 234 567", "phone")}
    assert propose_redactions(text, language="ro") == propose_redactions(text)


def test_the_same_value_gets_the_same_placeholder_and_the_next_value_the_next() -> None:
    text = "Ahmed met Tran. Ahmed paid 07700 900123 and 07700900123."
    spans = [
        (0, 5, "name"),
        (10, 14, "name"),
        (16, 21, "name"),
        (27, 39, "phone"),
        (44, 55, "phone"),
    ]
    rendition = apply_redactions(text, spans)
    assert rendition.text == "[NAME-1] met [NAME-2]. [NAME-1] paid [PHONE-1] and [PHONE-1]."


def test_every_kind_has_a_readable_placeholder() -> None:
    text = "x" * len(KINDS)
    rendition = apply_redactions(text, [(i, i + 1, kind) for i, kind in enumerate(KINDS)])
    assert "[DATE-OF-BIRTH-1]" in rendition.text
    assert "[NI-NUMBER-1]" in rendition.text
    assert "[RESIDENCE-PERMIT-1]" in rendition.text


def test_redactions_are_accepted_in_any_order_as_dataclasses() -> None:
    spans = [Redaction(6, 11, "name"), Redaction(0, 5, "name")]
    assert apply_redactions("Arben Besim", spans).text == "[NAME-1] [NAME-2]"


def test_no_spans_leave_the_text_as_it_is() -> None:
    rendition = apply_redactions("nothing here", [])
    assert rendition.text == "nothing here"
    assert rendition.span_to_raw(0, 7) == (0, 7)


@pytest.mark.parametrize(
    ("spans", "error"),
    [
        ([(0, 4, "name"), (2, 6, "phone")], ErrorCode.REDACTION_OVERLAP),
        ([(0, 4, "nickname")], ErrorCode.REDACTION_KIND_UNKNOWN),
        ([(0, 40, "name")], ErrorCode.SPAN_OUT_OF_RANGE),
        ([(3, 3, "name")], ErrorCode.SPAN_EMPTY),
        ([(4, 2, "name")], ErrorCode.SPAN_REVERSED),
        ([(0.0, 2, "name")], ErrorCode.OFFSET_NOT_INTEGER),
    ],
)
def test_bad_spans_are_refused_with_a_message(spans: list, error: ErrorCode) -> None:
    with pytest.raises(CodingError) as raised:
        apply_redactions("Arben Hoxha", spans)
    assert raised.value.error is error


def test_a_name_found_once_is_hidden_wherever_else_it_stands():
    text = "Zebulon Quartermaine: yes.\nInterviewer: and then?\nmy name is Zebulon Quartermaine."
    found = [(text[r.start : r.end], r.kind) for r in propose_redactions(text)]
    assert found.count(("Zebulon Quartermaine", "name")) == 2


def test_a_repeated_name_is_matched_as_a_whole_word_only():
    text = "My name is Ana. Analysis and Banana are other words; ANA came later, ana not."
    found = [text[r.start : r.end] for r in propose_redactions(text)]
    assert found == ["Ana", "ANA"]
