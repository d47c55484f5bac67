"""A respondent's response from first page to submit, save-for-later and withdrawal.

Every change is one write transaction. Answers are upserted on the unique key
(response, item), so a repeated or double-clicked save leaves one row per item
with the latest value; the final submit inserts a row keyed by the response,
so a second submit fails on the database's own uniqueness check.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Mapping

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from instruments.schema import Instrument, Section
from survey.extensions import upsert_statement, write_transaction
from survey.models import Answer, InstrumentVersion, Response, Study, Submission
from survey.models.sealed import sealed_for
from survey.models.studies import today
from survey.services import attempts, audit_forget, phrases, quotes, withdrawal
from survey.services.answers import Stored, decode, free_text_ids
from survey.services.coding import documents
from survey.services.errors import (
    AlreadySubmitted,
    PhraseNotFound,
    ResponseNotFound,
    ResumeNotOffered,
    TooManyAttempts,
)
from survey.services.navigation import shown
from survey.services.studies import instrument_of


def start_response(session: Session, study: Study, language: str) -> str:
    """Create an empty response to `study` in `language`; return its id.

    Stale unsaved drafts of the study are purged on the way, so they go even
    where nobody runs `heard purge`.
    """
    purge_unsaved(session, study_id=study.id)
    with write_transaction(session):
        response = Response(
            study_id=study.id, instrument_version_id=study.instrument_version_id, language=language
        )
        session.add(response)
    return response.id


def live_response(session: Session, response_id: str | None, study: Study) -> Response:
    """Return the response being answered, or raise if it is gone or submitted."""
    response = session.get(Response, response_id) if response_id else None
    if response is None or response.study_id != study.id:
        raise ResponseNotFound(response_id)
    if response.status == "completed":
        raise AlreadySubmitted(response_id)
    return response


def version_of(session: Session, response_id: str | None, study: Study) -> InstrumentVersion | None:
    """Return the instrument version a response of `study` is answering (None: no such response).

    A response keeps the version it started on: publishing a new version
    changes what new respondents get, never what someone already answering sees.
    """
    return response_and_version(session, response_id, study)[1]


def response_and_version(
    session: Session, response_id: str | None, study: Study
) -> tuple[Response | None, InstrumentVersion | None]:
    """Return a response of `study` and the version it answers, in one query (Nones: none).

    The session's identity map holds objects weakly: a caller that keeps the
    response lets `live_response` and a page save find it without a query.
    """
    if not response_id:
        return None, None
    row = session.execute(
        select(Response, InstrumentVersion)
        .join(InstrumentVersion, Response.instrument_version_id == InstrumentVersion.id)
        .where(Response.id == response_id, Response.study_id == study.id)
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


def stored_answers(session: Session, response_id: str) -> dict[str, Stored]:
    """Return the answers kept for a response, by item id."""
    rows = session.execute(
        select(Answer.item_id, Answer.value, Answer.code).where(Answer.response_id == response_id)
    )
    return {item_id: decode(value, code) for item_id, value, code in rows}


def condition_values(answers: Mapping[str, Stored]) -> dict[str, object]:
    """Return what `show_if` conditions see for these answers."""
    return {item_id: stored.as_condition_value() for item_id, stored in answers.items()}


def save_page(
    session: Session, response_id: str, answers: Mapping[str, Stored], next_token: str | None
) -> None:
    """Keep a page's answers and where the respondent goes next, in one transaction."""
    with write_transaction(session):
        # Updating first checks the status and, on PostgreSQL, locks the row
        # against a submit of the same response until this page is in.
        moved = session.execute(
            update(Response)
            .where(Response.id == response_id, Response.status == "in_progress")
            .values(last_page=next_token, updated_on=today())
        ).rowcount
        if not moved:
            _require_in_progress(session, response_id)  # raises: gone or submitted
        _upsert(session, response_id, answers)


def skip_section(
    session: Session, response_id: str, section: Section, next_token: str | None
) -> None:
    """Mark every question of `section` as skipped, in one transaction."""
    codes = {item.id: Stored(code="skipped") for item in section.items if item.answerable}
    save_page(session, response_id, codes, next_token)


def _require_in_progress(session: Session, response_id: str) -> None:
    status = session.scalar(select(Response.status).where(Response.id == response_id))
    if status is None:
        raise ResponseNotFound(response_id)
    if status != "in_progress":
        raise AlreadySubmitted(response_id)


def _upsert(session: Session, response_id: str, answers: Mapping[str, Stored]) -> None:
    if not answers:
        return
    # A response's study and version never change: the identity map may answer.
    response = session.get(Response, response_id)
    study_id = response.study_id
    version = session.get(InstrumentVersion, response.instrument_version_id)
    words = free_text_ids(instrument_of(version))
    rows = [
        {
            "response_id": response_id,
            "item_id": item_id,
            "value": stored_value(session, study_id, s.encoded(), item_id in words),
            "code": s.code,
        }
        for item_id, s in answers.items()
    ]
    statement = upsert_statement(session, Answer, rows)
    statement = statement.on_conflict_do_update(
        index_elements=["response_id", "item_id"],
        set_={"value": statement.excluded.value, "code": statement.excluded.code},
    )
    session.execute(statement)


def stored_value(session: Session, study_id: int, value: str | None, words: bool) -> str | None:
    """Return an answer's value as stored: sealed with the study's key when it is free text."""
    return sealed_for(session, study_id, value) if words else value


def final_answers(instrument: Instrument, answers: Mapping[str, Stored]) -> dict[str, Stored]:
    """Return every item's final answer: kept, `skipped` if unanswered, `not_shown` if hidden.

    Conditions only look back, so one pass in instrument order decides each
    item with the final state of everything before it.
    """
    final: dict[str, Stored] = {}
    for section in instrument.sections:
        for item in section.items:
            if not item.answerable:
                continue
            seen = condition_values(final)
            if not (shown(section, seen) and shown(item, seen)):
                final[item.id] = Stored(code="not_shown")
                continue
            final[item.id] = answers.get(item.id) or Stored(code="skipped")
            described = answers.get(f"{item.id}__text")
            chosen = final[item.id].value
            chosen = chosen if isinstance(chosen, list) else [chosen]
            if described is not None and item.self_describe in chosen:
                final[f"{item.id}__text"] = described
    return final


def submit(
    session: Session,
    response_id: str,
    instrument: Instrument,
    secret_key: str,
    *,
    quote_choice: str | None = None,
    phrase: str | None = None,
) -> str:
    """Submit a response once; return the withdrawal phrase, shown only now.

    `quote_choice` is the answer to "May we quote your words?" ("yes", "no"
    or None) when the instrument asks it; only "yes" lets their words be quoted.
    `phrase` is the withdrawal phrase to use (`phrases.phrase_for` a one-time
    submit key); None draws a random one.
    """
    phrase = phrase or phrases.new_phrase()
    withdrawal_hash = phrases.hash_phrase(phrase, secret_key=secret_key, purpose=phrases.WITHDRAW)
    try:
        with write_transaction(session):
            _require_in_progress(session, response_id)
            session.add(Submission(response_id=response_id))
            session.flush()
            final = final_answers(instrument, stored_answers(session, response_id))
            session.execute(delete(Answer).where(Answer.response_id == response_id))
            _upsert(session, response_id, final)
            session.execute(
                update(Response)
                .where(Response.id == response_id)
                .values(
                    status="completed",
                    completed_on=today(),
                    updated_on=today(),
                    last_page=None,
                    resume_hash=None,
                    withdrawal_hash=withdrawal_hash,
                    no_quotes=quotes.no_quotes_for(instrument, quote_choice),
                )
            )
            response = session.get(Response, response_id)
            documents.add_case(session, response.study_id, response_id, instrument)
    except IntegrityError:
        session.rollback()
        raise AlreadySubmitted(response_id) from None
    return phrase


def phrase_again(
    session: Session, study: Study, response_id: str, phrase: str, secret_key: str
) -> Response | None:
    """Return the submitted response of `study` that `phrase` withdraws, else None.

    For a repeated final submit whose first reply was lost: the view re-derives
    the phrase from the session's one-time submit key and may show it again
    only if it is the one stored (as a hash) when the response was submitted.
    """
    response = session.get(Response, response_id)
    if (
        response is None
        or response.study_id != study.id
        or response.status != "completed"
        or response.withdrawal_hash is None
    ):
        return None
    digest = phrases.hash_phrase(phrase, secret_key=secret_key, purpose=phrases.WITHDRAW)
    return response if hmac.compare_digest(digest, response.withdrawal_hash) else None


def save_for_later(session: Session, response_id: str, study: Study, secret_key: str) -> str:
    """Give the response a resume phrase (replacing any earlier one); return it."""
    if not study.resume_enabled:
        raise ResumeNotOffered(study.slug)
    phrase = phrases.new_phrase()
    resume_hash = phrases.hash_phrase(phrase, secret_key=secret_key, purpose=phrases.RESUME)
    with write_transaction(session):
        _require_in_progress(session, response_id)
        session.execute(
            update(Response)
            .where(Response.id == response_id)
            .values(resume_hash=resume_hash, updated_on=today())
        )
    return phrase


def _find_by_phrase(
    session: Session, study: Study, phrase: str, *, purpose: str, limits: attempts.Limits
) -> Response:
    key = f"{purpose}:{study.id}"
    if not phrases.normalise_phrase(phrase):
        raise PhraseNotFound(purpose)
    if not attempts.allowed(session, key, limits):
        raise TooManyAttempts(purpose)
    digest = phrases.hash_phrase(phrase, secret_key=limits.secret_key, purpose=purpose)
    column = Response.resume_hash if purpose == phrases.RESUME else Response.withdrawal_hash
    response = session.scalar(
        select(Response).where(column == digest, Response.study_id == study.id)
    )
    if response is None:
        attempts.record_failure(session, key, limits)
        raise PhraseNotFound(purpose)
    return response


def resume(session: Session, study: Study, phrase: str, limits: attempts.Limits) -> Response:
    """Return the saved response that `phrase` opens."""
    if not study.resume_enabled:
        raise ResumeNotOffered(study.slug)
    response = _find_by_phrase(session, study, phrase, purpose=phrases.RESUME, limits=limits)
    if response.status != "in_progress":
        raise AlreadySubmitted(response.id)
    return response


def withdraw(session: Session, study: Study, phrase: str, limits: attempts.Limits) -> None:
    """Delete the submitted response that `phrase` names, everywhere, and count it.

    Everything derived from it goes in the same transaction (`services.withdrawal`).
    """
    response = _find_by_phrase(session, study, phrase, purpose=phrases.WITHDRAW, limits=limits)
    with write_transaction(session):
        withdrawal.delete_response(
            session, study.id, response.id, secret_key=limits.secret_key
        )


def discard_unsaved(session: Session, response_id: str | None) -> None:
    """Delete a response now if it was neither submitted nor saved for later."""
    if not response_id:
        return
    with write_transaction(session):
        session.execute(
            delete(Response).where(
                Response.id == response_id,
                Response.status == "in_progress",
                Response.resume_hash.is_(None),
            )
        )


def purge_unsaved(
    session: Session, *, on: dt.date | None = None, study_id: int | None = None
) -> int:
    """Delete drafts not saved for later that have been idle past their study's lifetime.

    Dates are kept to the day, so a draft last touched on day D is kept until
    the end of D plus the lifetime rounded up to whole days: never less than
    the lifetime, never more than a day over it.
    """
    query = select(Study.id, Study.draft_lifetime_hours)
    if study_id is not None:
        query = query.where(Study.id == study_id)
    deleted = 0
    for sid, hours in session.execute(query).all():
        cutoff = (on or today()) - dt.timedelta(days=-(-hours // 24))
        stale = (
            Response.study_id == sid,
            Response.status == "in_progress",
            Response.resume_hash.is_(None),
            Response.updated_on < cutoff,
        )
        with write_transaction(session):
            # An interview left open is such a draft: its audit events forget it.
            interviews = session.scalars(
                select(Response.id).where(*stale, Response.mode == "interviewer")
            ).all()
            audit_forget.forget_responses(session, sid, interviews)
            deleted += session.execute(delete(Response).where(*stale)).rowcount or 0
    return deleted
