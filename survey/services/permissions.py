"""Who may do what: roles, and membership of a study's team.

Administrators see and manage every study. Everyone else sees only the
studies whose team they are on, and what they may do there follows their role.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Membership, Study, User
from survey.services.errors import ServiceError

VIEW = "view"
EDIT = "edit"  # instrument, settings, publish, close, reopen
MANAGE_TEAM = "manage_team"
CREATE_STUDY = "create_study"
ADMINISTER = "administer"  # users, site security, audit log
CODE = "code"  # read a study's documents, code them, edit its codebook, write memos
REDACT = "redact"  # read raw free text, review redactions, export unredacted
INTERVIEW = "interview"  # administer the study's instrument or guide to a respondent
LEAD_CODING = "lead_coding"  # blind mode, reveal, compare and reconcile coders, import projects
ANALYSE = "analyse"  # descriptives, topic models, words in context, code suggestions (redacted)
EXPORT = "export"  # the de-identified export (redacted text, coarsened, small groups hidden)
EXPORT_FULL = "export_full"  # download the full export, with a typed reason (audited)

ROLE_ACTIONS = {
    "admin": {
        VIEW,
        EDIT,
        MANAGE_TEAM,
        CREATE_STUDY,
        ADMINISTER,
        CODE,
        LEAD_CODING,
        INTERVIEW,
        REDACT,
        ANALYSE,
        EXPORT,
        EXPORT_FULL,
    },
    "researcher": {
        VIEW,
        EDIT,
        MANAGE_TEAM,
        CREATE_STUDY,
        CODE,
        LEAD_CODING,
        INTERVIEW,
        ANALYSE,
        EXPORT,
    },
    "analyst": {VIEW, CODE, ANALYSE, EXPORT},
    "data_steward": {VIEW, REDACT, EXPORT, EXPORT_FULL},
    "interviewer": {VIEW, INTERVIEW},
}


class NotAllowed(ServiceError):
    """The person may not do that (or see that it exists)."""


def is_member(session: Session, user: User, study: Study) -> bool:
    """Return True when `user` is on `study`'s team."""
    return (
        session.scalar(
            select(Membership.id).where(
                Membership.user_id == user.id, Membership.study_id == study.id
            )
        )
        is not None
    )


def may(session: Session, user: User, action: str, study: Study | None = None) -> bool:
    """Return True when `user` may do `action` (on `study`, where one is named)."""
    if not user.active or action not in ROLE_ACTIONS.get(user.role, set()):
        return False
    if study is None or user.is_admin:
        return True
    return is_member(session, user, study)


def require(session: Session, user: User, action: str, study: Study | None = None) -> None:
    """Raise NotAllowed unless `user` may do `action`."""
    if not may(session, user, action, study):
        raise NotAllowed(action)


def study_for(session: Session, user: User, slug: str, action: str = VIEW) -> Study:
    """Return the study at `slug` if `user` may do `action` on it; raise NotAllowed otherwise.

    A study the person may not see and a study that does not exist raise the
    same error, so a refusal never reveals that a slug is in use.
    """
    study = session.scalar(select(Study).where(Study.slug == slug))
    if (
        study is None
        or not may(session, user, VIEW, study)
        or not may(session, user, action, study)
    ):
        raise NotAllowed(action)
    return study


def visible_studies(session: Session, user: User) -> list[Study]:
    """Return the studies `user` may see, newest first."""
    query = select(Study).order_by(Study.created_on.desc(), Study.id.desc())
    if not user.is_admin:
        query = query.join(Membership, Membership.study_id == Study.id).where(
            Membership.user_id == user.id
        )
    return list(session.scalars(query))
