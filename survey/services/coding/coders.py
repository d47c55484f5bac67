"""Coders on a study, the study's coding settings, and who may see whose codings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.models import Coder, CodingSettings, Study, User
from survey.services import permissions

CONSENSUS_NAME = "Consensus"


def coder_for(session: Session, study: Study, user: User) -> Coder:
    """Return `user`'s coder on `study`, creating it on first use."""
    coder = session.scalar(
        select(Coder).where(Coder.study_id == study.id, Coder.user_id == user.id)
    )
    if coder is not None:
        return coder
    try:
        with session.begin_nested():
            coder = Coder(study_id=study.id, user_id=user.id, kind="person", name=user.email)
            session.add(coder)
    except IntegrityError:  # the same person in two tabs at once: the other made it
        coder = session.scalar(
            select(Coder).where(Coder.study_id == study.id, Coder.user_id == user.id)
        )
    return coder


def consensus_coder(session: Session, study: Study) -> Coder:
    """Return the study's consensus coder (the reconciled coding), creating it on first use."""
    coder = session.scalar(
        select(Coder).where(Coder.study_id == study.id, Coder.kind == "consensus")
    )
    if coder is not None:
        return coder
    try:
        with session.begin_nested():
            coder = Coder(study_id=study.id, kind="consensus", name=CONSENSUS_NAME)
            session.add(coder)
    except IntegrityError:  # another lead's first reconcile made it at the same moment
        coder = session.scalar(
            select(Coder).where(Coder.study_id == study.id, Coder.kind == "consensus")
        )
    return coder


def coders_of(session: Session, study: Study) -> list[Coder]:
    """Return every coder of `study`: people first, then imported coders, then consensus."""
    order = {"person": 0, "imported": 1, "consensus": 2}
    coders = session.scalars(select(Coder).where(Coder.study_id == study.id)).all()
    return sorted(coders, key=lambda c: (order[c.kind], c.name.casefold(), c.id))


def settings_for(session: Session, study: Study) -> CodingSettings:
    """Return the study's coding settings (defaults when never changed; not stored until then)."""
    found = session.get(CodingSettings, study.id)
    return (
        found
        if found is not None
        else CodingSettings(study_id=study.id, blind=False, revealed=False, unit="answer")
    )


def is_lead(session: Session, user: User, study: Study) -> bool:
    """Return True when `user` leads the coding of `study` (compares, reconciles, reveals)."""
    return permissions.may(session, user, permissions.LEAD_CODING, study)


def visible_coder_ids(session: Session, study: Study, user: User) -> set[int] | None:
    """Return the coder ids whose codings `user` may see on `study`; None means everyone's.

    In blind mode, until the lead reveals them, a coder sees only their own
    codings (not even the consensus, which would show the others' work).
    """
    settings = settings_for(session, study)
    if not settings.blind or settings.revealed or is_lead(session, user, study):
        return None
    # Looked up, not made: a page view must not write (no coder yet: nothing to see).
    own = session.scalar(
        select(Coder.id).where(Coder.study_id == study.id, Coder.user_id == user.id)
    )
    return {own} if own is not None else set()
