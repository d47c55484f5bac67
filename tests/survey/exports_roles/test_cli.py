"""`heard export`: de-identified by default, --full needs --reason, audited with no actor."""

from __future__ import annotations

import csv

import pytest

from tests.survey.exports_roles.helpers import (
    PLANTED,
    SLUG,
    export_events,
    make_documents,
    respond,
    voices_study,
)

REASON = "Data request 2024-17 approved by the board"


@pytest.fixture
def study_id(app) -> int:
    """The study with one response whose story names someone."""
    study_id = voices_study(app, disclosure_threshold=5)
    respond(app, study_id, {"age": 30, "story": PLANTED})
    make_documents(app, study_id)
    return study_id


def _stories(path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [row["story"] for row in csv.DictReader(handle)]


def test_the_cli_export_is_deidentified_by_default_and_audited_without_an_actor(
    app, runner, study_id, tmp_path
):
    out = tmp_path / "d.csv"
    result = runner.invoke(args=["export", SLUG, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _stories(out) == ["My name is [NAME-1] and I worked in [PLACE-1]."]
    assert export_events(app) == [(None, {"format": "csv", "role": "deidentified", "rows": 1})]


def test_the_full_cli_export_with_a_reason_has_the_words_and_the_reason_is_audited(
    app, runner, study_id, tmp_path
):
    out = tmp_path / "f.csv"
    args = ["export", SLUG, "--out", str(out), "--full", "--reason", REASON]
    assert runner.invoke(args=args).exit_code == 0
    assert _stories(out) == [PLANTED]
    assert export_events(app) == [
        (None, {"format": "csv", "role": "full", "rows": 1, "reason": REASON})
    ]


def test_the_full_cli_export_without_a_reason_is_refused(app, runner, study_id, tmp_path):
    out = tmp_path / "f.csv"
    result = runner.invoke(args=["export", SLUG, "--out", str(out), "--full"])
    assert result.exit_code == 2
    assert "Say why you need the full export" in result.output and "--reason" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and export_events(app) == []
