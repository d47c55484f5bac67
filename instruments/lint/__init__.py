"""The trauma-informed lint: what a careful reviewer would flag in an instrument.

The loader (:func:`instruments.load_instrument`) refuses what is *invalid*;
the lint reads a loaded :class:`~instruments.schema.Instrument` and reports
what is valid but could hurt or fail the people who answer: required
sensitive questions, direct identifiers, blaming or leading wording,
double-barrelled questions, hard English, thin consent, promises, missing
translations and support, and a stated time that is too short.

Every rule is registered in :data:`RULES` with a stable code, a severity, a
title, an explanation and a fix; ``docs/lint-rules.md`` is generated from it.

Examples
--------
>>> from instruments import load_library
>>> lint_instrument(load_library("police-response"))
[]
"""

from __future__ import annotations

import dataclasses

# isort: off
# Importing a rules module registers its rules; this order is the order of RULES and the docs.
from instruments.lint import _rules_choice, _rules_wording, _rules_consent  # noqa: F401
from instruments.lint import _rules_reading, _rules_languages, _rules_length  # noqa: F401

# isort: on
from instruments.lint._format import format_findings, rules_markdown
from instruments.lint._lines import lines_of_paths
from instruments.lint._registry import ERROR, RULES, WARNING, Finding, Rule, Severity
from instruments.lint._rules_length import estimate_seconds
from instruments.schema import Instrument

__all__ = [
    "ERROR",
    "RULES",
    "WARNING",
    "Finding",
    "Rule",
    "Severity",
    "estimate_seconds",
    "format_findings",
    "lint_instrument",
    "rules_markdown",
]


def lint_instrument(instrument: Instrument) -> list[Finding]:
    """Return every finding of every rule on `instrument`, in the order of the document.

    Parameters
    ----------
    instrument
        A loaded instrument (from YAML, an XLSForm or built in code).

    Returns
    -------
    list of Finding
        Sorted by line when the instrument carries its YAML source (each
        finding then has its `line`), otherwise in the order of :data:`RULES`.
        An empty list means nothing was found.

    Examples
    --------
    >>> from instruments import load_library
    >>> lint_instrument(load_library("police-response"))
    []
    """
    findings = [finding for rule in RULES.values() for finding in rule.run(instrument)]
    lines = lines_of_paths(instrument.source, [finding.path for finding in findings])
    findings = [dataclasses.replace(found, line=lines.get(found.path)) for found in findings]
    return sorted(findings, key=lambda finding: (finding.line is None, finding.line or 0))
