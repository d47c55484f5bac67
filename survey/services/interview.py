"""Interviewer mode: a staff member administers a study's instrument to a respondent.

The response is an ordinary response with ``mode='interviewer'``: it goes
through the same pages, answers and submit as a self-completed one. What is
particular to an interview is recorded apart, and never with the
interviewer's or interpreter's identity:

- pause, resume, stop and distress checks are `InterviewEvent` rows (what
  happened, why, on which day);
- who acted is the audit log's business (`audit.record`), which names the
  response only by its short id (the first 8 hex digits of its random id,
  shown to the interviewer at the start), never answers. The time is kept
  to the second while the response exists; once it is deleted (withdrawn,
  stopped without keeping, declined, purged) its events keep only who, what
  and the day (`services.audit_forget`).

A paused interview is kept like a response saved for later (so `heard purge`
leaves it), but its phrase is random and never shown: only interviewers on
the study's team can resume it, from the interview list.

Stopping asks the respondent whether to keep the answers given so far: kept,
the response is submitted as it stands (unanswered questions `skipped`) and
gets a withdrawal code like any other; not kept (the default), it is
deleted with its answers and events, and only the audit log says, to the
day, that an interview was stopped, and why.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from instruments.schema import Instrument
from survey.extensions import write_transaction
from survey.models import Response, Study, User
from survey.models.respondent import INTERVIEW_REASONS, InterviewEvent
from survey.models.studies import today
from survey.services import audit, audit_forget, phrases, responses
from survey.services.audit_forget import short_id
from survey.services.errors import ServiceError
from survey.services.study_settings import offered_languages

INTERVIEWER = "interviewer"
REASON_LABELS = {
    "respondent_chose": "The respondent's choice",
    "distress": "Distress",
    "interruption": "Interruption",
    "safety": "Safety concern",
}


class InterviewNotFound(ServiceError):
    """No interview in progress on this study has that id."""


class InterviewLanguageInvalid(ServiceError):
    """The language (or the interpreter's second language) is not one the study offers."""


class InterviewReasonInvalid(ServiceError):
    """A pause or stop needs one of the reason codes."""


@dataclass(frozen=True)
class InterviewSummary:
    """An interview in progress, as the list shows it: never a name."""

    response_id: str
    short_id: str
    language: str
    started_on: dt.date
    last_event: str | None


def check_languages(
    study: Study, instrument: Instrument, language: str, second: str | None
) -> str | None:
    """Return the second language (None for none); raise if either is not offered."""
    if language not in offered_languages(study, instrument):
        raise InterviewLanguageInvalid(language)
    if not second:
        return None
    if second == language or second not in instrument.languages:
        raise InterviewLanguageInvalid(second)
    return second


def start_interview(session: Session, study: Study, actor: User, language: str) -> str:
    """Start an interviewer-administered response in `language`; return its id."""
    response_id = responses.start_response(session, study, language)
    with write_transaction(session):
        session.execute(update(Response).where(Response.id == response_id).values(mode=INTERVIEWER))
        audit.record(session, actor, "interview.start", study, response=short_id(response_id))
    return response_id


def live_interview(session: Session, study: Study, response_id: str) -> Response:
    """Return the interview in progress with that id on `study`, or raise InterviewNotFound."""
    response = session.get(Response, response_id)
    if (
        response is None
        or response.study_id != study.id
        or response.mode != INTERVIEWER
        or response.status != "in_progress"
    ):
        raise InterviewNotFound(response_id)
    return response


def interviews_in_progress(session: Session, study: Study) -> list[InterviewSummary]:
    """Return the study's interviews in progress (paused or left open), oldest first."""
    rows = session.scalars(
        select(Response)
        .where(
            Response.study_id == study.id,
            Response.mode == INTERVIEWER,
            Response.status == "in_progress",
        )
        .order_by(Response.started_on, Response.id)
    ).all()
    last = _last_events(session, [row.id for row in rows])
    return [
        InterviewSummary(row.id, short_id(row.id), row.language, row.started_on, last.get(row.id))
        for row in rows
    ]


def _last_events(session: Session, response_ids: list[str]) -> dict[str, str]:
    if not response_ids:
        return {}
    rows = session.execute(
        select(InterviewEvent.response_id, InterviewEvent.kind)
        .where(InterviewEvent.response_id.in_(response_ids))
        .order_by(InterviewEvent.id)
    )
    return dict(rows.all())


def _reason(reason: str | None) -> str:
    if reason not in INTERVIEW_REASONS:
        raise InterviewReasonInvalid(reason)
    return reason


def pause(
    session: Session, study: Study, response_id: str, actor: User, reason: str | None, key: str
) -> None:
    """Pause an interview with a reason; keep its answers until it is resumed."""
    reason = _reason(reason)
    unshown = phrases.hash_phrase(secrets.token_hex(32), secret_key=key, purpose=phrases.RESUME)
    with write_transaction(session):
        live_interview(session, study, response_id)
        session.add(InterviewEvent(response_id=response_id, kind="pause", reason=reason))
        session.execute(
            update(Response)
            .where(Response.id == response_id, Response.resume_hash.is_(None))
            .values(resume_hash=unshown, updated_on=today())
        )
        audit.record(session, actor, "interview.pause", study, response=short_id(response_id))


def resume(session: Session, study: Study, response_id: str, actor: User) -> Response:
    """Record that a paused interview goes on; return the response."""
    with write_transaction(session):
        response = live_interview(session, study, response_id)
        session.add(InterviewEvent(response_id=response_id, kind="resume"))
        audit.record(session, actor, "interview.resume", study, response=short_id(response_id))
    return response


def distress_check(session: Session, study: Study, response_id: str, actor: User) -> None:
    """Record that the interviewer opened the distress-check script."""
    with write_transaction(session):
        live_interview(session, study, response_id)
        session.add(InterviewEvent(response_id=response_id, kind="distress_check"))
        audit.record(
            session, actor, "interview.distress_check", study, response=short_id(response_id)
        )


def stop(
    session: Session,
    study: Study,
    response_id: str,
    actor: User,
    *,
    reason: str | None,
    keep: bool,
    instrument: Instrument,
    key: str,
) -> str | None:
    """End an interview; keep its answers as submitted, or delete them (the default).

    Return the withdrawal phrase when the answers are kept, else None.
    """
    reason = _reason(reason)
    live_interview(session, study, response_id)
    short = short_id(response_id)
    if not keep:
        with write_transaction(session):
            audit.record(
                session, actor, "interview.stop", study, response=short, reason=reason, kept=False
            )
            audit_forget.forget_responses(session, study.id, [response_id])
            session.execute(delete(Response).where(Response.id == response_id))
        return None
    with write_transaction(session):
        session.add(InterviewEvent(response_id=response_id, kind="stop", reason=reason))
    phrase = responses.submit(session, response_id, instrument, key)
    with write_transaction(session):
        audit.record(
            session, actor, "interview.stop", study, response=short, reason=reason, kept=True
        )
    return phrase


def submit(
    session: Session,
    study: Study,
    response_id: str,
    actor: User,
    instrument: Instrument,
    key: str,
    *,
    quote_choice: str | None = None,
) -> str:
    """Submit an interview at its end; return the withdrawal phrase for the respondent.

    `quote_choice` is the respondent's answer to "May we quote your words?"
    (only "yes" allows it; see `services.quotes`).
    """
    live_interview(session, study, response_id)
    phrase = responses.submit(session, response_id, instrument, key, quote_choice=quote_choice)
    with write_transaction(session):
        audit.record(session, actor, "interview.submit", study, response=short_id(response_id))
    return phrase


def decline(session: Session, study: Study, response_id: str, actor: User) -> None:
    """Delete an interview whose respondent did not consent: nothing of it is kept."""
    with write_transaction(session):
        live_interview(session, study, response_id)
        audit.record(session, actor, "interview.declined", study, response=short_id(response_id))
        audit_forget.forget_responses(session, study.id, [response_id])
        session.execute(delete(Response).where(Response.id == response_id))
