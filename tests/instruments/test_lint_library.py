"""The bundled instruments pass the trauma-informed lint with nothing to report."""

from __future__ import annotations

import pytest

from instruments import library_names, load_library
from instruments.lint import format_findings, lint_instrument


@pytest.mark.parametrize("name", library_names())
def test_a_bundled_instrument_has_no_lint_findings(name: str) -> None:
    findings = lint_instrument(load_library(name))

    assert findings == [], format_findings(findings, filename=f"instruments/library/{name}.yaml")


def test_the_library_is_not_empty() -> None:
    assert "police-response" in library_names()
