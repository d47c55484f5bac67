"""Forget again, after a restore, what the withdrawal ledger says was deleted for good.

`heard restore` puts back an older copy of the database, which may hold
responses withdrawn and studies purged since. `replay` writes the ledger the
database had before the restore into the restored one, then purges again
every study in it (`retention.purge_study`, the day kept as `purged_on`) and
deletes again every response in it (`withdrawal.delete_response`, so its
documents, codings, quotes and cached analyses go too), one transaction each.
Last, interview audit events whose response is no longer there lose their
reference and time of day (`audit_forget.forget_orphan_interviews`). It is
safe to run twice: a second run finds nothing left to forget.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import Response, Study
from survey.services import audit_forget, ledger, retention, withdrawal
from survey.services.ledger import Entry

__all__ = ["Replayed", "replay"]


@dataclass(frozen=True)
class Replayed:
    """How many withdrawn responses and purged studies a restore had brought back (counts only)."""

    responses: int
    studies: int


def replay(session: Session, secret_key: str, found: list[Entry]) -> Replayed:
    """Write `found` into the ledger, then purge and withdraw again everything it names."""
    with write_transaction(session):
        ledger.store(session, found)
    days = {entry.digest: entry.on for entry in found}
    days.update({entry.digest: entry.on for entry in ledger.entries(session)})
    session.commit()
    studies = _purge_again(session, secret_key, days)
    responses = _withdraw_again(session, secret_key, set(days))
    with write_transaction(session):
        # The restored audit log may name responses deleted before this rule.
        audit_forget.forget_orphan_interviews(session)
    return Replayed(responses, studies)


def _purge_again(session: Session, secret_key: str, days: dict[str, dt.date]) -> int:
    """Purge every study not marked purged whose digest is in the ledger; count them."""
    rows = session.execute(
        select(Study.id, Study.slug).where(Study.purged_on.is_(None)).order_by(Study.id)
    ).all()
    session.commit()
    due = [
        (study_id, days[digest])
        for study_id, slug in rows
        if (digest := ledger.study_digest(secret_key, study_id, slug)) in days
    ]
    for study_id, on in due:
        retention.purge_study(session, study_id, secret_key=secret_key, on=on)
    return len(due)


def _withdraw_again(session: Session, secret_key: str, digests: set[str]) -> int:
    """Delete every response whose digest is in the ledger, with all derived from it; count."""
    rows = session.execute(select(Response.id, Response.study_id)).all()
    session.commit()
    due = [
        (response_id, study_id)
        for response_id, study_id in rows
        if ledger.response_digest(secret_key, response_id) in digests
    ]
    for response_id, study_id in due:
        with write_transaction(session):
            withdrawal.delete_response(session, study_id, response_id, secret_key=secret_key)
    return len(due)
