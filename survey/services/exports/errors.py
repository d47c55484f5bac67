"""The one error an export raises, with a message fit for the person who asked for it."""

from __future__ import annotations


class ExportError(Exception):
    """An export could not be written; the message says why, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
