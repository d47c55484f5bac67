"""Create, find and read studies and the instrument versions they field."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import load_instrument
from instruments.schema import Instrument
from survey.models import InstrumentVersion, Study, StudyVersion
from survey.models.staff import now
from survey.services.errors import InvalidSlug, StudyClosed, StudyNotFound, StudySlugTaken

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def store_instrument(session: Session, instrument: Instrument) -> InstrumentVersion:
    """Return the stored version of `instrument`, storing it if its hash is new."""
    existing = session.scalar(
        select(InstrumentVersion).where(InstrumentVersion.content_hash == instrument.content_hash)
    )
    if existing is not None:
        return existing
    version = InstrumentVersion(
        instrument_key=instrument.id,
        version_label=instrument.version,
        content_hash=instrument.content_hash,
        source=instrument.source,
    )
    session.add(version)
    session.flush()
    return version


def create_study(
    session: Session,
    instrument: Instrument,
    *,
    slug: str,
    publish: bool = False,
    draft_lifetime_hours: int = 24,
) -> Study:
    """Create a study fielding `instrument` at `slug`; open it when `publish`."""
    if not SLUG.match(slug):
        raise InvalidSlug(slug)
    if session.scalar(select(Study.id).where(Study.slug == slug)) is not None:
        raise StudySlugTaken(slug)
    version = store_instrument(session, instrument)
    study = Study(
        slug=slug,
        title=instrument.title.get(instrument.default_language)[:200],
        status="open" if publish else "draft",
        instrument_version=version,
        draft_lifetime_hours=max(1, draft_lifetime_hours),
    )
    session.add(study)
    session.flush()
    if publish:
        session.add(
            StudyVersion(study_id=study.id, instrument_version_id=version.id, published_at=now())
        )
    return study


def find_study(session: Session, slug: str) -> Study:
    """Return the published study at `slug`, open or closed; drafts are not found."""
    study = session.scalar(select(Study).where(Study.slug == slug))
    if study is None or study.status == "draft":
        raise StudyNotFound(slug)
    # An interview guide is followed by an interviewer; respondents have nothing to answer.
    if instrument_of(study.instrument_version).is_guide:
        raise StudyNotFound(slug)
    return study


def open_study(session: Session, slug: str) -> Study:
    """Return the study at `slug` if it takes answers now."""
    study = find_study(session, slug)
    if not study.is_open:
        raise StudyClosed(slug)
    return study


def instrument_of(version: InstrumentVersion) -> Instrument:
    """Return the parsed instrument of a stored version (parsed once per process).

    The cache is keyed by the content hash alone, so the source (tens of
    kilobytes, a deferred column) is read from the database only on a miss.
    """
    instrument = _PARSED.get(version.content_hash)
    if instrument is None:
        instrument = load_instrument(
            version.source, filename=f"instrument {version.content_hash[:12]}"
        )
        _PARSED[version.content_hash] = instrument
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)), None)
    return instrument


_PARSED: dict[str, Instrument] = {}
_PARSED_MAX = 64
