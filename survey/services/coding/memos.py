"""Memos on the coding project, on codes and on documents: one per coder per target.

A memo is the coder's own writing about a code, a document or the whole
study. Each coder keeps one memo per target (saving again replaces it;
saving it empty deletes it). Others' memos are shown unless blind mode hides
their work. Writing a memo is noted in the coding log by target, never by
its words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import Code, Coder, Memo, Study, User
from survey.models.staff import now
from survey.services.answers import clean_text
from survey.services.coding import documents, log
from survey.services.coding.coders import coder_for, visible_coder_ids
from survey.services.coding.errors import NotFound, Refused

TARGETS = ("study", "code", "document")
MAX_LENGTH = 10_000
UNATTRIBUTED = "Imported (no author)"


@dataclass(frozen=True)
class MemoView:
    """A memo as a page shows it: whose, whether it is mine, its words, when."""

    coder: str
    mine: bool
    text: str
    updated_at: dt.datetime


def _code(session: Session, study: Study, guid: str) -> Code:
    code = session.scalar(select(Code).where(Code.public_id == guid, Code.study_id == study.id))
    if code is None:
        raise NotFound(guid)
    return code


def _where(session: Session, study: Study, target: str, guid: str | None) -> dict[str, object]:
    """Return the column values naming `target` (raise NotFound for an unknown one)."""
    if target == "study":
        return {"code_id": None, "document_id": None}
    if target == "code":
        return {"code_id": _code(session, study, guid or "").id, "document_id": None}
    if target == "document":
        return {"code_id": None, "document_id": documents.document(session, study, guid or "").id}
    raise NotFound(target)


def _query(study: Study, target: str, where: dict[str, object]):
    query = select(Memo).where(Memo.study_id == study.id, Memo.target == target)
    for column in ("code_id", "document_id"):
        value = where[column]
        attribute = getattr(Memo, column)
        query = query.where(attribute.is_(None) if value is None else attribute == value)
    return query


def save_memo(
    session: Session, actor: User, study: Study, target: str, guid: str | None, text: str
) -> bool:
    """Save `actor`'s memo on a target (empty text deletes it); return True if one is kept."""
    text = clean_text(text)
    if len(text) > MAX_LENGTH:
        raise Refused(
            f"The memo is {len(text)} characters long; the limit is {MAX_LENGTH}.",
            "MEMO_TOO_LONG",
        )
    try:
        _store_memo(session, actor, study, target, guid, text)
    except IntegrityError:  # someone's first save of the same memo won: update it instead
        session.rollback()
        _store_memo(session, actor, study, target, guid, text)
    return bool(text)


def _store_memo(
    session: Session, actor: User, study: Study, target: str, guid: str | None, text: str
) -> None:
    """Insert, update or delete the memo in one write transaction, with its log entry."""
    with write_transaction(session):
        where = _where(session, study, target, guid)
        coder = coder_for(session, study, actor)
        found = session.scalar(_query(study, target, where).where(Memo.coder_id == coder.id))
        if found is None and text:
            session.add(
                Memo(study_id=study.id, target=target, coder_id=coder.id, text=text, **where)
            )
        elif found is not None and text:
            if found.text == text:  # saved again unchanged: nothing happened
                return
            found.text, found.updated_at = text, now()
        elif found is not None:
            session.delete(found)
        else:  # an empty memo where there was none: nothing happened, nothing to log
            return
        log.record(session, study, actor, "note", target=target, guid=guid or study.slug)


def memos_on(
    session: Session, study: Study, user: User, target: str, guid: str | None = None
) -> list[MemoView]:
    """Return the memos on a target that `user` may see: theirs first, then by coder name."""
    where = _where(session, study, target, guid)
    visible = visible_coder_ids(session, study, user)
    rows = session.execute(
        _query(study, target, where).outerjoin(Coder, Coder.id == Memo.coder_id).add_columns(Coder)
    ).all()
    found = [view for memo, coder in rows if (view := _view(memo, coder, user, visible))]
    return sorted(found, key=lambda m: (not m.mine, m.coder.casefold()))


def _view(memo: Memo, coder: Coder | None, user: User, visible: set[int] | None):
    """Return how `user` sees `memo`, or None when blind mode hides it.

    A memo without a coder came in from another tool with no author: it is
    nobody's coding work, so everyone on the study sees it.
    """
    if coder is None:
        return MemoView(UNATTRIBUTED, False, memo.text, memo.updated_at)
    if visible is not None and coder.id not in visible:
        return None
    return MemoView(coder.name, coder.user_id == user.id, memo.text, memo.updated_at)


def code_memos(session: Session, study: Study, user: User) -> dict[int, list[MemoView]]:
    """Return the visible memos on every code of `study`, by code row id (for the codebook)."""
    visible = visible_coder_ids(session, study, user)
    rows = session.execute(
        select(Memo, Coder)
        .outerjoin(Coder, Coder.id == Memo.coder_id)
        .where(Memo.study_id == study.id, Memo.target == "code")
    ).all()
    found: dict[int, list[MemoView]] = {}
    for memo, coder in rows:
        if view := _view(memo, coder, user, visible):
            found.setdefault(memo.code_id, []).append(view)
    for views in found.values():
        views.sort(key=lambda m: (not m.mine, m.coder.casefold()))
    return found
