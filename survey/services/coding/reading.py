"""Record every view of respondents' raw text: who, what, when; never the content (SAFETY.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import Study, User
from survey.services import audit


def record_view(
    session: Session, actor: User, study: Study, view: str, obj: object = None, **detail: object
) -> None:
    """Record that `actor` read raw text on `study` through `view` (a document, grid, search...).

    `obj` is the document or code read, where there is one; `detail` holds
    small facts (a question id, how many texts were shown), never the text
    or a search term, which could quote it.
    """
    with write_transaction(session):
        note_view(session, actor, study, view, obj, **detail)


def note_view(
    session: Session,
    actor: User | None,
    study: Study,
    view: str,
    obj: object = None,
    **detail: object,
) -> None:
    """Add the record of `record_view` to the caller's open write transaction."""
    audit.record(session, actor, "coding.read_text", obj or study, view=view, **detail)
