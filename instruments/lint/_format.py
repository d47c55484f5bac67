"""Show findings as text or JSON, and the rule table as Markdown (docs/lint-rules.md)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Literal

from instruments.lint._registry import ERROR, RULES, Finding


def _summary(findings: Sequence[Finding]) -> tuple[int, int]:
    errors = sum(finding.severity == ERROR for finding in findings)
    return errors, len(findings) - errors


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _as_text(finding: Finding, filename: str | None) -> str:
    place = filename or "<instrument>"
    if finding.line is not None:
        place = f"{place}:{finding.line}"
    language = f" ({finding.language})" if finding.language else ""
    return (
        f"{place}: {finding.path}{language}: {finding.severity} [{finding.code}] "
        f"{finding.message}\n    Fix: {finding.fix}"
    )


def format_findings(
    findings: Sequence[Finding],
    format: Literal["text", "json"] = "text",
    *,
    filename: str | None = None,
) -> str:
    """Return `findings` as text for a terminal, or as JSON for a program.

    Parameters
    ----------
    findings
        What :func:`instruments.lint.lint_instrument` returned.
    format
        ``"text"``: one finding a line (with its fix below it) and a count at
        the end. ``"json"``: an object with ``errors``, ``warnings`` and
        ``findings`` (each finding's fields by name).
    filename
        The file to name in text output; ``<instrument>`` when not given.

    Returns
    -------
    str
        The formatted findings. ``heard instrument lint`` prints it and exits
        with status 1 when any finding is an error.

    Examples
    --------
    >>> print(format_findings([]))
    No findings.
    >>> import json
    >>> json.loads(format_findings([], "json"))
    {'errors': 0, 'warnings': 0, 'findings': []}
    """
    errors, warnings = _summary(findings)
    if format == "json":
        rows = [dataclasses.asdict(finding) for finding in findings]
        document = {"errors": errors, "warnings": warnings, "findings": rows}
        return json.dumps(document, ensure_ascii=False, indent=2)
    if format != "text":
        raise ValueError(f"format must be 'text' or 'json', not {format!r}")
    if not findings:
        return "No findings."
    lines = [_as_text(finding, filename) for finding in findings]
    lines.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}.")
    return "\n".join(lines)


_DOC_HEADER = """\
# Lint rules

<!-- Generated from instruments/lint (RULES) by instruments.lint.rules_markdown();
     tests/instruments/test_lint_docs.py fails when this file is out of date. -->

The loader refuses an instrument that is *invalid* (docs/instrument-format.md).
The trauma-informed lint reads an instrument that loaded and reports what is
valid but could hurt or fail the people who answer. Run it with
`heard instrument lint FILE` (exit status 1 when there is an error), or from
Python with `instruments.lint.lint_instrument(instrument)`.

Each finding has the rule's code and severity, the key path (for example
`sections[2].items[0].label`, as the loader writes it) and its line when the
instrument has its YAML, the section and item ids, the language of the text
when it is about a text, a message and a concrete fix.

- **error**: do not publish the instrument as it is.
- **warning**: review it; fix it, or know why it stays.

English texts are read for wording and readability; other languages are
checked for completeness only.

| code | severity | what | why it matters | fix |
|---|---|---|---|---|
"""


def rules_markdown() -> str:
    """Return ``docs/lint-rules.md``: the rule table generated from :data:`RULES`."""
    rows = [
        f"| `{rule.code}` | {rule.severity} | {rule.title} | {rule.explanation} | {rule.fix} |"
        for rule in RULES.values()
    ]
    return _DOC_HEADER + "\n".join(rows) + "\n"
