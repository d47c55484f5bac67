"""The researcher's studio: create studies, edit drafts, publish, close, reopen, count.

A published instrument version never changes. Editing writes a draft (kept
even while it has problems, so no work is lost); publishing a valid draft with
no lint errors stores it as a new version that new respondents get, while each
response keeps the version it answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from instruments import InstrumentInvalid, load_instrument
from instruments.errors import Problem
from instruments.lint import Finding, lint_instrument
from instruments.schema import Instrument
from instruments.xlsform import placeholder_paths
from survey.extensions import write_transaction
from survey.models import Membership, Response, Study, StudyVersion, User
from survey.models.staff import now
from survey.services.audit import record
from survey.services.errors import ServiceError
from survey.services.link_hosts import LinksNotAllowed, study_links_refused
from survey.services.permissions import CREATE_STUDY, EDIT, require
from survey.services.studies import create_study, instrument_of, store_instrument


class NotPublishable(ServiceError):
    """The draft has errors, lint errors or placeholders left to write."""

    def __init__(self, report: DraftReport) -> None:
        super().__init__("the draft cannot be published yet")
        self.report = report


class WrongState(ServiceError):
    """The study is not in a state that allows this (e.g. closing a draft)."""


@dataclass(frozen=True)
class DraftReport:
    """What the checks say about an instrument's text."""

    instrument: Instrument | None
    problems: tuple[Problem, ...]
    findings: tuple[Finding, ...]
    placeholders: tuple[str, ...]

    @property
    def publishable(self) -> bool:
        """Return True when nothing stands in the way of publishing."""
        return (
            self.instrument is not None
            and not any(p.severity == "error" for p in self.problems)
            and not any(f.severity == "error" for f in self.findings)
            and not self.placeholders
        )


@dataclass(frozen=True)
class Counts:
    """How many responses a study has, by state."""

    completed: int
    saved: int
    withdrawn: int


def check_source(source: str, filename: str = "instrument.yaml") -> DraftReport:
    """Validate and lint instrument YAML; never raises for a bad instrument."""
    return _checked(source, filename)


@lru_cache(maxsize=16)
def _checked(source: str, filename: str) -> DraftReport:
    try:
        instrument = load_instrument(source, filename=filename)
    except InstrumentInvalid as error:
        return DraftReport(None, tuple(error.problems), (), ())
    findings = tuple(lint_instrument(instrument))
    return DraftReport(instrument, (), findings, tuple(placeholder_paths(instrument)))


def create_draft_study(
    session: Session,
    user: User,
    instrument: Instrument,
    *,
    slug: str,
    draft_lifetime_hours: int = 24,
) -> Study:
    """Create an unpublished study from `instrument`, with `user` on its team."""
    require(session, user, CREATE_STUDY)
    with write_transaction(session):
        study = create_study(
            session, instrument, slug=slug, publish=False, draft_lifetime_hours=draft_lifetime_hours
        )
        study.draft_source = instrument.source
        session.add(Membership(user_id=user.id, study_id=study.id))
        record(session, user, "study.create", study, instrument=instrument.id)
    return study


def draft_source(study: Study) -> str:
    """Return the text being edited: the draft, or the published version's."""
    return study.draft_source if study.draft_source is not None else study.instrument_version.source


def save_draft(session: Session, user: User, study: Study, source: str) -> DraftReport:
    """Keep `source` as the study's draft, whatever its problems, and report on it."""
    require(session, user, EDIT, study)
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    report = check_source(source, filename=f"{study.slug}.yaml")
    with write_transaction(session):
        study.draft_source = source
        record(session, user, "study.draft.save", study, valid=report.instrument is not None)
    return report


def discard_draft(session: Session, user: User, study: Study) -> None:
    """Throw the draft away; the published version stays as it is."""
    require(session, user, EDIT, study)
    with write_transaction(session):
        study.draft_source = None
        record(session, user, "study.draft.discard", study)


def publish(session: Session, user: User, study: Study, *, link_hosts: Sequence[str] = ()) -> Study:
    """Freeze the draft as a new version: what new respondents get from now on.

    The first publication opens the study; a closed study stays closed. With
    `link_hosts` (``HEARD_LINK_HOSTS``), the study's and the draft's links must
    be on those hosts (`LinksNotAllowed`).
    """
    require(session, user, EDIT, study)
    if study.status != "draft" and study.draft_source is None:
        raise WrongState("there is no draft to publish")
    report = check_source(draft_source(study), filename=f"{study.slug}.yaml")
    if not report.publishable:
        raise NotPublishable(report)
    if problems := study_links_refused(study, report.instrument, link_hosts):
        raise LinksNotAllowed(problems)
    with write_transaction(session):
        version = store_instrument(session, report.instrument)
        changed = version.id != study.instrument_version_id or study.status == "draft"
        study.instrument_version = version
        study.draft_source = None
        # A closed study stays closed: the new version waits for it to reopen.
        study.status = "closed" if study.status == "closed" else "open"
        if changed:
            session.add(
                StudyVersion(
                    study_id=study.id,
                    instrument_version_id=version.id,
                    published_at=now(),
                    published_by=user.id,
                )
            )
        record(session, user, "study.publish", study, version=version.content_hash[:12])
    return study


def close(session: Session, user: User, study: Study) -> None:
    """Stop taking answers."""
    _set_status(session, user, study, "closed", allowed_from=("open",))


def reopen(session: Session, user: User, study: Study, *, link_hosts: Sequence[str] = ()) -> None:
    """Take answers again after closing (its links on `link_hosts`, when set)."""
    if study.purged_on is not None:  # its answers are gone: it must not take new ones
        raise WrongState("the study's data was deleted at its retention date")
    if problems := study_links_refused(study, published_instrument(study), link_hosts):
        raise LinksNotAllowed(problems)
    _set_status(session, user, study, "open", allowed_from=("closed",))


def _set_status(
    session: Session, user: User, study: Study, status: str, *, allowed_from: tuple[str, ...]
) -> None:
    require(session, user, EDIT, study)
    if study.status not in allowed_from:
        raise WrongState(f"cannot go from {study.status} to {status}")
    with write_transaction(session):
        study.status = status
        record(session, user, f"study.{'close' if status == 'closed' else 'reopen'}", study)


def counts(session: Session, study: Study) -> Counts:
    """Return the study's completed, saved-for-later and withdrawn counts."""
    rows = session.execute(
        select(Response.status, Response.resume_hash.is_not(None), func.count())
        .where(Response.study_id == study.id)
        .group_by(Response.status, Response.resume_hash.is_not(None))
    ).all()
    completed = sum(n for status, _, n in rows if status == "completed")
    saved = sum(n for status, has_phrase, n in rows if status == "in_progress" and has_phrase)
    return Counts(completed, saved, study.withdrawn_count)


def shown_count(count: int, threshold: int) -> str:
    """Return a count as it may be shown: "fewer than N" below the disclosure threshold."""
    return f"fewer than {threshold}" if count < threshold else f"{count:,}"


def versions(session: Session, study: Study) -> list[StudyVersion]:
    """Return the versions the study has published, oldest first."""
    return list(
        session.scalars(
            select(StudyVersion).where(StudyVersion.study_id == study.id).order_by(StudyVersion.id)
        )
    )


def published_instrument(study: Study) -> Instrument:
    """Return the version respondents get now."""
    return instrument_of(study.instrument_version)


def publish_blockers(study: Study, report: DraftReport) -> list[str]:
    """Return, in words, what stands in the way of publishing (empty: nothing)."""
    if study.status != "draft" and study.draft_source is None:
        return ["There is no draft to publish: edit the instrument to make one."]
    blockers = []
    if report.instrument is None:
        errors = sum(1 for p in report.problems if p.is_error)
        blockers.append(f"The draft has {_count(errors, 'problem')} that stop it loading.")
    lint_errors = sum(1 for f in report.findings if f.severity == "error")
    if lint_errors:
        blockers.append(f"The lint found {_count(lint_errors, 'error')}.")
    if report.placeholders:
        placeholders = _count(len(report.placeholders), "placeholder")
        blockers.append(f"{placeholders} from the XLSForm import still need your own words.")
    return blockers


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@dataclass(frozen=True)
class Overview:
    """What the study's overview page shows."""

    study: Study
    counts: Counts
    report: DraftReport
    blockers: list[str]
    has_draft: bool
    published: StudyVersion | None
    published_count: int


def overview(session: Session, study: Study) -> Overview:
    """Return the counts, the draft's checks and the versions of `study`."""
    report = check_source(draft_source(study), filename=f"{study.slug}.yaml")
    published = versions(session, study)
    return Overview(
        study=study,
        counts=counts(session, study),
        report=report,
        blockers=publish_blockers(study, report),
        has_draft=study.draft_source is not None,
        published=published[-1] if published and study.status != "draft" else None,
        published_count=len(published),
    )


def working_instrument(study: Study) -> Instrument:
    """Return the draft's instrument when the draft loads, else the published one."""
    if study.draft_source is not None:
        report = check_source(study.draft_source, filename=f"{study.slug}.yaml")
        if report.instrument is not None:
            return report.instrument
    return published_instrument(study)
