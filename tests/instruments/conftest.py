"""Fixtures for the instruments library tests (no app: the library stands alone)."""

from __future__ import annotations

import pytest

from tests.instruments.builders import minimal_instrument


@pytest.fixture
def document() -> dict:
    """Return a fresh minimal valid instrument as a dict, for a test to change."""
    return minimal_instrument()
