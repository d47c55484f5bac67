"""A study's team: who is on it, adding an existing staff account, removing one.

Membership is what lets anyone but an administrator see a study at all; what
a member may then do follows their role. Every change is in the audit log.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import Membership, Study, User
from survey.services.accounts import normalise_email
from survey.services.audit import record
from survey.services.errors import ServiceError
from survey.services.permissions import MANAGE_TEAM, ROLE_ACTIONS, require


class TeamError(ServiceError):
    """Base of the team's errors."""


class NoSuchAccount(TeamError):
    """No active staff account has that email address."""


class AlreadyMember(TeamError):
    """The account is on the team already."""


class NotMember(TeamError):
    """The account is not on the team."""


class LastManager(TeamError):
    """Removing this person would leave nobody on the team who can manage it."""


def members(session: Session, study: Study) -> list[User]:
    """Return the team of `study`, by email address."""
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.study_id == study.id)
            .order_by(User.email)
        )
    )


def add_member(session: Session, actor: User, study: Study, email: str) -> User:
    """Put the active staff account with `email` on the team of `study`."""
    require(session, actor, MANAGE_TEAM, study)
    address = normalise_email(email)
    user = session.scalar(select(User).where(User.email == address, User.active))
    if user is None:
        raise NoSuchAccount(address[:254])
    if user in members(session, study):
        raise AlreadyMember(address)
    with write_transaction(session):
        session.add(Membership(user_id=user.id, study_id=study.id))
        record(session, actor, "study.team.add", study, member=user.email[:200], role=user.role)
    return user


def remove_member(session: Session, actor: User, study: Study, public_id: str) -> User:
    """Take the account `public_id` off the team of `study`."""
    require(session, actor, MANAGE_TEAM, study)
    team = members(session, study)
    user = next((member for member in team if member.public_id == public_id), None)
    if user is None:
        raise NotMember(public_id)
    managers = [m for m in team if m.active and MANAGE_TEAM in ROLE_ACTIONS.get(m.role, set())]
    if managers == [user]:
        raise LastManager(public_id)
    with write_transaction(session):
        session.execute(
            delete(Membership).where(Membership.user_id == user.id, Membership.study_id == study.id)
        )
        record(session, actor, "study.team.remove", study, member=user.email[:200], role=user.role)
    return user
