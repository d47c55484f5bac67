"""The versions a study has published, and what changed between any two (or the draft)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import InstrumentInvalid, load_instrument
from instruments.diff import InstrumentDiff, diff_instruments
from instruments.schema import Instrument, Text
from survey.models import Study, StudyVersion, User
from survey.services.errors import ServiceError
from survey.services.studies import instrument_of

DRAFT = "draft"


class VersionUnknown(ServiceError):
    """There is no such version to compare (or the draft does not load)."""


@dataclass(frozen=True)
class VersionRow:
    """One publication: its number in the study, label, hash, when and by whom."""

    number: int
    label: str
    content_hash: str
    published_at: dt.datetime
    published_by: str | None
    current: bool


@dataclass(frozen=True)
class Comparison:
    """Two versions side by side and what changed from the old to the new."""

    old_name: str
    new_name: str
    old: Instrument
    new: Instrument
    diff: InstrumentDiff

    def item_label(self, item_id: str) -> str:
        """Return an item's question in the default language, from the newer version if there."""
        for instrument in (self.new, self.old):
            if any(item.id == item_id for item in instrument.items()):
                return _text(instrument.item(item_id).label, instrument)
        return item_id

    def section_title(self, section_id: str) -> str:
        """Return a section's title, from the newer version if it is there."""
        for instrument in (self.new, self.old):
            for section in instrument.sections:
                if section.id == section_id:
                    return _text(section.title, instrument)
        return section_id


def _text(text: Text, instrument: Instrument) -> str:
    return text.get(instrument.default_language)


def history(session: Session, study: Study) -> list[VersionRow]:
    """Return every version `study` published, oldest first, numbered from 1."""
    rows = session.execute(
        select(StudyVersion, User.email)
        .outerjoin(User, User.id == StudyVersion.published_by)
        .where(StudyVersion.study_id == study.id)
        .order_by(StudyVersion.id)
    ).all()
    last = len(rows)
    return [
        VersionRow(
            number=number,
            label=row.instrument_version.version_label,
            content_hash=row.instrument_version.content_hash,
            published_at=row.published_at,
            published_by=email,
            current=number == last and study.status != "draft",
        )
        for number, (row, email) in enumerate(rows, 1)
    ]


def default_pair(session: Session, study: Study) -> tuple[str, str] | None:
    """Return the comparison worth showing first: the draft against the newest version."""
    count = len(history(session, study))
    if count and study.draft_source is not None:
        return str(count), DRAFT
    if count >= 2:
        return str(count - 1), str(count)
    return None


def compare(session: Session, study: Study, old: str, new: str) -> Comparison:
    """Return what changed from version `old` to `new` (numbers from 1, or "draft")."""
    before, after = _instrument(session, study, old), _instrument(session, study, new)
    return Comparison(_name(old), _name(new), before, after, diff_instruments(before, after))


def _name(which: str) -> str:
    return "the draft" if which == DRAFT else f"version {which}"


def _instrument(session: Session, study: Study, which: str) -> Instrument:
    if which == DRAFT:
        if study.draft_source is None:
            raise VersionUnknown(which)
        try:
            return load_instrument(study.draft_source, filename="draft.yaml")
        except InstrumentInvalid:
            raise VersionUnknown(which) from None
    versions = session.scalars(
        select(StudyVersion).where(StudyVersion.study_id == study.id).order_by(StudyVersion.id)
    ).all()
    if not which.isdigit() or not 1 <= int(which) <= len(versions):
        raise VersionUnknown(which)
    return instrument_of(versions[int(which) - 1].instrument_version)
