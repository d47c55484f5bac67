"""docs/lint-rules.md is generated from the rule registry and never goes stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from instruments.lint import RULES, rules_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "lint-rules.md"


def test_the_rules_page_matches_the_registry() -> None:
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/lint-rules.md is out of date: regenerate it with "
        "python -c 'from instruments.lint import rules_markdown; "
        'print(rules_markdown(), end="")\' > docs/lint-rules.md'
    )


@pytest.mark.parametrize("code", list(RULES))
def test_the_rules_page_lists_every_rule(code: str) -> None:
    assert f"| `{code}` | {RULES[code].severity} |" in DOCS.read_text(encoding="utf-8")
