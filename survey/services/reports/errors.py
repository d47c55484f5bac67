"""Named errors of the findings report services; views turn them into words for the analyst."""

from __future__ import annotations

from survey.services.errors import ServiceError

__all__ = [
    "ChoicesInvalid",
    "ItemNotFound",
    "ReportError",
    "SegmentNotFound",
    "ThemeNotFound",
]


class ReportError(ServiceError):
    """Base of the findings report's errors; str() names what was not right."""


class ThemeNotFound(ReportError):
    """The study's codebook has no code or category with that id."""


class ItemNotFound(ReportError):
    """The study has no closed question with that id (or it cannot be used that way)."""


class SegmentNotFound(ReportError):
    """No coded passage with that id belongs to the theme on this study."""


class ChoicesInvalid(ReportError):
    """What the analyst chose cannot make a report: the message says what to change."""
