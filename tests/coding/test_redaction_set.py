"""The synthetic labelled set: fixed, well formed, large enough, and the targets met on it."""

from __future__ import annotations

import pytest

from coding.redaction import KINDS, propose_redactions
from tests.coding.redaction_set import NEGATIVES, PATH, build, dumps, load, score

STRUCTURED = ("email", "phone", "postcode", "passport", "visa", "residence_permit", "ni_number")
RECORDS = load()


@pytest.fixture(scope="module")
def counts() -> dict[str, dict[str, int]]:
    return score(RECORDS, propose_redactions)


def test_the_committed_set_is_what_the_generator_builds() -> None:
    assert PATH.read_text(encoding="utf-8") == dumps(build())


def test_each_gold_span_holds_its_value_and_a_known_kind() -> None:
    for record in RECORDS:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["value"]
            assert span["kind"] in KINDS
            assert span["value"] == span["value"].strip(" .,")


def test_the_set_has_at_least_300_identifier_spans_across_every_kind() -> None:
    spans = [span for record in RECORDS for span in record["spans"]]
    assert len(spans) >= 300
    assert {span["kind"] for span in spans} == set(KINDS)
    assert sum(not record["spans"] for record in RECORDS) >= 30  # negatives


def test_structured_identifiers_are_found_at_least_95_percent_of_the_time(counts) -> None:
    gold = sum(counts[kind]["gold"] for kind in STRUCTURED)
    hit = sum(counts[kind]["found"] for kind in STRUCTURED)
    assert hit / gold >= 0.95
    for kind in STRUCTURED:
        assert counts[kind]["found"] / counts[kind]["gold"] >= 0.95, kind


def test_names_are_found_at_least_80_percent_of_the_time(counts) -> None:
    assert counts["name"]["found"] / counts["name"]["gold"] >= 0.80


def test_nothing_is_proposed_in_the_negative_sentences() -> None:
    wrong = {text: propose_redactions(text) for text in NEGATIVES}
    assert {text: spans for text, spans in wrong.items() if spans} == {}
