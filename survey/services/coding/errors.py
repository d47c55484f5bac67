"""Named errors of the coding services; views turn them into messages (or a 404)."""

from __future__ import annotations

from coding.errors import CodingError
from survey.services.errors import ServiceError


class NotFound(ServiceError):
    """No such document, code, segment or coder on this study (or not visible to this person)."""


class Refused(ServiceError):
    """The action is not possible; `message` says why in words for the person."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    @classmethod
    def from_coding_error(cls, error: CodingError) -> Refused:
        """Return the refusal carrying a library error's message and code."""
        return cls(str(error), error.code)


class NothingToUndo(ServiceError):
    """The person has no coding action left to undo."""


class ChangedSince(ServiceError):
    """What the action changed has been changed again since, so it cannot be undone."""
