"""The coding log as a page: who did what, when, to which documents and codes; never text.

Everyone sees their own recent actions, with an Undo button for the latest
one that can still be undone; the study's lead sees the whole study's log.
Lines name documents by GUID and codes by name, and never quote the text or
a memo.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import CodingCase, CodingDocument, CodingLogEntry, Study, User
from survey.services.coding import codebook, log

PAGE_SIZE = 50


ACTIONS = {
    "apply": "Coded text",
    "remove": "Removed a coding",
    "memo": "Changed a segment’s memo",
    "distressing": "Changed a segment’s distressing mark",
    "code_hits": "Coded search hits",
    "grid": "Saved codings in the grid",
    "import": "Imported an exchange file",
    "reconcile": "Reconciled codings",
    "undo": "Undid an action",
    "note": "Wrote a memo",
    "code_add": "Added a code",
    "code_edit": "Edited a code",
    "code_merge": "Merged codes",
    "code_split": "Split a code",
    "code_delete": "Deleted a code",
}


@dataclass(frozen=True)
class LogLine:
    """One coding action as the log page shows it: who, what, when, which documents and codes."""

    id: int
    at: dt.datetime
    who: str
    action: str
    label: str
    documents: list[str]
    codes: list[str]
    segments: int
    undone: bool


@dataclass(frozen=True)
class LogPage:
    """A page of the coding log, newest first, and the action the person can undo now."""

    lines: list[LogLine]
    page: int
    pages: int
    everyone: bool
    undoable: LogLine | None
    cases: dict[str, str]  # document GUID -> its case's short id (withdrawn ones are missing)


def _cases(session: Session, study: Study, lines: list[LogLine]) -> dict[str, str]:
    wanted = {guid for line in lines for guid in line.documents}
    rows = session.execute(
        select(CodingDocument.public_id, CodingCase.public_id)
        .outerjoin(CodingCase, CodingCase.id == CodingDocument.case_id)
        .where(CodingDocument.study_id == study.id, CodingDocument.public_id.in_(wanted))
    ).all()
    return {document: (case or "")[:8] for document, case in rows}


def _line(entry: CodingLogEntry, who: str, names: dict[str, str], undone: set[int]) -> LogLine:
    payload = json.loads(entry.payload or "{}")
    states = [*payload.get("before", []), *payload.get("after", [])]
    docs = list(dict.fromkeys(s["document"] for s in states))
    if payload.get("target") == "document":
        docs.append(payload.get("guid", ""))
    code_guids = [s["code"] for s in states] + [
        payload[k] for k in ("code", "source") if isinstance(payload.get(k), str)
    ]
    if payload.get("target") == "code":
        code_guids.append(payload.get("guid", ""))
    label = ACTIONS.get(entry.action, entry.action.replace("_", " "))
    if entry.action == "undo":
        label = f"Undid: {ACTIONS.get(payload.get('undone', ''), 'an action').lower()}"
    codes = [names.get(g, "a code since deleted") for g in dict.fromkeys(code_guids) if g]
    segments = len({s["public_id"] for s in states})
    return LogLine(
        entry.id, entry.at, who, entry.action, label, docs, codes, segments, entry.id in undone
    )


def log_page(
    session: Session, study: Study, user: User, *, everyone: bool, page: int = 1
) -> LogPage:
    """Return a page of `user`'s coding actions (or, with `everyone`, the whole study's)."""
    conditions = [CodingLogEntry.study_id == study.id]
    if not everyone:
        conditions.append(CodingLogEntry.actor_id == user.id)
    total = session.scalar(select(func.count(CodingLogEntry.id)).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.execute(
        select(CodingLogEntry, User.email)
        .outerjoin(User, User.id == CodingLogEntry.actor_id)
        .where(*conditions)
        .order_by(CodingLogEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    undone = set(
        session.scalars(
            select(CodingLogEntry.undoes_id).where(
                CodingLogEntry.study_id == study.id, CodingLogEntry.undoes_id.is_not(None)
            )
        )
    )
    names = {c.public_id: c.name for c in codebook.rows(session, study)}
    lines = [_line(e, who or "someone no longer here", names, undone) for e, who in rows]
    last = log.last_undoable(session, study, user)
    undoable = _line(last, user.email, names, undone) if last is not None else None
    return LogPage(lines, page, pages, everyone, undoable, _cases(session, study, lines))
