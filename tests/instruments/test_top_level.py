"""The top level of an instrument: identity, organisation, contact, consent and support."""

from __future__ import annotations

import pytest

from instruments import ErrorCode, load_instrument
from tests.instruments.builders import DELETE, minimal_instrument, problems_of, to_yaml


def where(document: dict) -> list[tuple[ErrorCode, str]]:
    return [(p.code, p.path) for p in problems_of(document)]


@pytest.mark.parametrize("slug", ["Tiny-Study", "t", "1study", "tiny_study", "tiny study"])
def test_the_instrument_id_must_be_a_slug(slug: str) -> None:
    assert where(minimal_instrument(id=slug)) == [(ErrorCode.INVALID_ID, "id")]


@pytest.mark.parametrize("minutes", [0, 241, -5])
def test_estimated_minutes_must_be_from_one_to_two_hundred_and_forty(minutes: int) -> None:
    document = minimal_instrument(estimated_minutes=minutes)

    assert where(document) == [(ErrorCode.ESTIMATED_MINUTES, "estimated_minutes")]


@pytest.mark.parametrize("minutes", [True, 12.5, "12"])
def test_estimated_minutes_must_be_a_whole_number(minutes: object) -> None:
    document = minimal_instrument(estimated_minutes=minutes)

    assert where(document) == [(ErrorCode.WRONG_TYPE, "estimated_minutes")]


def test_the_layout_may_be_one_item_per_page() -> None:
    instrument = load_instrument(to_yaml(minimal_instrument(layout="item")))

    assert [page.key for page in instrument.pages()] == ["worked"]


@pytest.mark.parametrize("contact", [{"phone": "0207 000 0000"}, {"address": "1 Main St"}])
def test_a_phone_or_an_address_is_enough_contact(contact: dict) -> None:
    assert load_instrument(to_yaml(minimal_instrument(contact=contact))).contact.email is None


def test_an_organisation_may_give_its_web_address() -> None:
    organisation = {"name": "Us", "url": "https://example.org/study"}

    instrument = load_instrument(to_yaml(minimal_instrument(organisation=organisation)))

    assert instrument.organisation.url == "https://example.org/study"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,hi", "example.org", "https://"]
)
def test_a_web_address_must_be_http_or_https(url: str) -> None:
    support = {"en": [{"name": "Help", "url": url}]}

    assert where(minimal_instrument(support=support)) == [
        (ErrorCode.INVALID_URL, "support.en[0].url")
    ]


def test_a_support_resource_may_give_only_a_web_address() -> None:
    support = {"en": [{"name": "Help", "url": "https://example.org"}]}

    instrument = load_instrument(to_yaml(minimal_instrument(support=support)))

    assert instrument.support["en"][0].phone is None


def test_an_empty_support_list_is_refused() -> None:
    assert where(minimal_instrument(support={"en": []})) == [
        (ErrorCode.SUPPORT_INVALID, "support.en")
    ]


def test_a_support_resource_needs_a_name() -> None:
    support = {"en": [{"phone": "999"}]}

    assert where(minimal_instrument(support=support)) == [
        (ErrorCode.MISSING_KEY, "support.en[0].name")
    ]


def test_every_part_of_consent_is_required() -> None:
    document = minimal_instrument(consent={"purpose": "To learn."})

    missing = {path for code, path in where(document) if code is ErrorCode.MISSING_KEY}

    assert missing == {f"consent.{part}" for part in (
        "who_runs_it", "use_and_retention", "anonymity", "right_to_skip", "right_to_stop",
        "withdrawal", "confidentiality_limits",
    )}  # fmt: skip


def test_a_missing_required_section_is_reported_once() -> None:
    assert where(minimal_instrument(sections=DELETE)) == [(ErrorCode.MISSING_KEY, "sections")]


def test_sections_given_as_a_mapping_are_the_wrong_type() -> None:
    assert where(minimal_instrument(sections={"a": 1})) == [(ErrorCode.WRONG_TYPE, "sections")]


def test_a_format_given_as_a_list_is_the_wrong_type() -> None:
    assert where(minimal_instrument(format=["heard-instrument/1"])) == [
        (ErrorCode.WRONG_TYPE, "format")
    ]
