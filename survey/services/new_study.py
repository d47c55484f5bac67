"""Start a study from the bundled library, an uploaded YAML file or an uploaded XLSForm.

Nothing is created unless the slug is free and the instrument loads. An
XLSForm that imports with warnings (placeholders for the texts a workbook
cannot hold) still gives a draft study: its draft needs editing before it
can be published, and the warnings go back to the researcher.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import InstrumentInvalid, library_names, load_library
from instruments.errors import Problem
from instruments.schema import Instrument
from instruments.upload import load_upload
from survey.models import Study, User
from survey.services.errors import InvalidSlug, ServiceError, StudySlugTaken
from survey.services.permissions import CREATE_STUDY, require
from survey.services.studies import SLUG
from survey.services.studio import create_draft_study

LIBRARY, UPLOAD = "library", "upload"
RESERVED_SLUGS = ("new",)  # /studio/studies/new is the form for a new study
SLUG_RULE = (
    "Use lower-case letters, digits and hyphens (at most 64), starting and ending with a "
    "letter or digit, like police-response-2025."
)


@dataclass(frozen=True)
class NewStudyRequest:
    """What the researcher asked for: a slug and a source for the instrument."""

    slug: str
    source: str  # LIBRARY or UPLOAD
    library_name: str = ""
    data: bytes = b""
    filename: str = ""


class NewStudyInvalid(ServiceError):
    """The study was not created: a message per form field, and the instrument's problems."""

    def __init__(
        self, errors: dict[str, str] | None = None, problems: tuple[Problem, ...] = ()
    ) -> None:
        super().__init__("the study was not created")
        self.errors = errors or {}
        self.problems = problems


@dataclass(frozen=True)
class Created:
    """The new draft study, and the warnings its import gave."""

    study: Study
    warnings: tuple[Problem, ...]


def slug_error(session: Session, slug: str, *, ignore: Study | None = None) -> str | None:
    """Return what is wrong with `slug` for a study (None when it may be used)."""
    if not slug:
        return "Choose the web address of the study. " + SLUG_RULE
    if not SLUG.match(slug):
        return SLUG_RULE
    if slug in RESERVED_SLUGS:
        return f"“{slug}” is a word the studio uses itself: choose another."
    owner = session.scalar(select(Study.id).where(Study.slug == slug))
    if owner is not None and (ignore is None or owner != ignore.id):
        return f"Another study uses /s/{slug} already: choose another."
    return None


def _instrument(asked: NewStudyRequest, max_bytes: int) -> tuple[Instrument | None, dict, tuple]:
    """Return the instrument asked for, or None with a field error or its problems."""
    if asked.source == LIBRARY:
        if asked.library_name not in library_names():
            return None, {"library": "Choose one of the bundled instruments."}, ()
        try:
            return load_library(asked.library_name), {}, ()
        except InstrumentInvalid as invalid:
            return None, {}, invalid.problems
    if asked.source == UPLOAD:
        if not asked.filename or not asked.data:
            return None, {"upload": "Choose a file to upload."}, ()
        result = load_upload(asked.data, asked.filename, max_bytes=max_bytes)
        return result.instrument, {}, result.problems
    return None, {"source": "Choose where the instrument comes from."}, ()


def create_new_study(
    session: Session,
    user: User,
    asked: NewStudyRequest,
    *,
    max_upload_bytes: int,
    draft_lifetime_hours: int = 24,
) -> Created:
    """Create a draft study with `user` on its team; raise NewStudyInvalid with every problem."""
    require(session, user, CREATE_STUDY)
    errors: dict[str, str] = {}
    if message := slug_error(session, asked.slug):
        errors["slug"] = message
    instrument, field_errors, problems = _instrument(asked, max_upload_bytes)
    errors.update(field_errors)
    if errors or instrument is None:
        raise NewStudyInvalid(errors, problems)
    try:
        study = create_draft_study(
            session, user, instrument, slug=asked.slug, draft_lifetime_hours=draft_lifetime_hours
        )
    except (InvalidSlug, StudySlugTaken):  # taken a moment ago by someone else
        session.rollback()
        raise NewStudyInvalid({"slug": slug_error(session, asked.slug) or SLUG_RULE}) from None
    return Created(study, tuple(p for p in problems if not p.is_error))
