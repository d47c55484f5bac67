"""What a finding carries, in what order findings come, and how they are formatted."""

from __future__ import annotations

import dataclasses
import json

import pytest

from instruments.lint import Finding, format_findings, lint_instrument
from tests.instruments.builders import line_of, to_yaml
from tests.instruments.lint_builders import clean_instrument, clean_item, lint, loaded

TWO_PROBLEMS = clean_instrument(
    clean_item("early", why_we_ask=None),
    clean_item("late", "long_text", "Why didn't you leave?"),
)


def test_a_finding_is_frozen() -> None:
    (finding, _) = lint(TWO_PROBLEMS)

    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "OTHER"  # type: ignore[misc]


def test_each_finding_has_the_line_of_its_key_in_the_yaml() -> None:
    text = to_yaml(TWO_PROBLEMS)

    findings = lint(TWO_PROBLEMS)

    assert [(f.code, f.line) for f in findings] == [
        ("WHY_WE_ASK_MISSING", line_of(text, "id: early")),
        ("BLAME_WORDING", line_of(text, "label: Why didn't you leave?")),
    ]


def test_findings_come_in_the_order_of_the_document_not_of_the_rules() -> None:
    codes = [finding.code for finding in lint(TWO_PROBLEMS)]

    assert codes == ["WHY_WE_ASK_MISSING", "BLAME_WORDING"]


def test_an_instrument_without_yaml_source_has_findings_without_lines() -> None:
    instrument = dataclasses.replace(loaded(TWO_PROBLEMS), source="")

    assert {finding.line for finding in lint_instrument(instrument)} == {None}


def test_text_output_names_file_line_path_severity_code_message_and_fix() -> None:
    text = format_findings(lint(TWO_PROBLEMS), filename="study.yaml")
    first, fix = text.splitlines()[:2]

    assert first.startswith(
        f"study.yaml:{lint(TWO_PROBLEMS)[0].line}: sections[0].items[0].why_we_ask: "
    )
    assert "warning [WHY_WE_ASK_MISSING] This question does not say why it is asked." in first
    assert fix.strip().startswith("Fix: Add `why_we_ask`")


def test_text_output_ends_with_the_counts() -> None:
    assert format_findings(lint(TWO_PROBLEMS)).splitlines()[-1] == "1 error, 1 warning."


def test_text_output_says_when_there_is_nothing() -> None:
    assert format_findings([]) == "No findings."


def test_json_output_has_the_counts_and_every_field_of_every_finding() -> None:
    findings = lint(TWO_PROBLEMS)

    document = json.loads(format_findings(findings, "json"))

    assert (document["errors"], document["warnings"]) == (1, 1)
    assert [Finding(**row) for row in document["findings"]] == findings


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format must be"):
        format_findings([], "xml")  # type: ignore[arg-type]
