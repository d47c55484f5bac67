"""Named exceptions that services raise and views turn into words for people."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error a service raises on purpose."""


class StudyNotFound(ServiceError):
    """No published study has that slug."""


class StudyClosed(ServiceError):
    """The study exists but takes no answers now."""


class StudySlugTaken(ServiceError):
    """Another study already uses that slug."""


class InvalidSlug(ServiceError):
    """A slug must be lower-case letters, digits and hyphens."""


class ResponseNotFound(ServiceError):
    """The session points at no response that can still be answered."""


class AlreadySubmitted(ServiceError):
    """The response was submitted already; a repeat changes nothing."""


class PhraseNotFound(ServiceError):
    """No response matches the phrase typed."""


class TooManyAttempts(ServiceError):
    """Too many wrong phrases were tried; wait and try again."""


class ResumeNotOffered(ServiceError):
    """The study does not offer saving and coming back."""
