"""A snapshot survives JSON unchanged, and its fingerprint names exactly its content."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from analysis.findings.snapshot import Snapshot, fingerprint
from tests.analysis.findings.sample import sample_snapshot


def test_json_round_trip_gives_an_equal_snapshot():
    snapshot = sample_snapshot()
    assert Snapshot.from_json(snapshot.to_json()) == snapshot


def test_the_json_is_canonical_whatever_the_key_order():
    text = sample_snapshot().to_json()
    shuffled = json.dumps(dict(reversed(list(json.loads(text).items()))))
    assert Snapshot.from_json(shuffled).to_json() == text
    assert fingerprint(sample_snapshot()) == hashlib.sha256(text.encode()).hexdigest()


def test_any_change_changes_the_fingerprint():
    snapshot = sample_snapshot()
    theme = dataclasses.replace(snapshot.themes[1], respondents=10)
    changed = dataclasses.replace(snapshot, themes=(snapshot.themes[0], theme))
    assert fingerprint(changed) != fingerprint(snapshot)


@pytest.mark.parametrize("text", ['{"schema": 2}', "[]", '{"taken_on": "2026-11-27"}'])
def test_other_json_is_refused(text):
    with pytest.raises(ValueError, match="schema"):
        Snapshot.from_json(text)
