"""An interviewer's notes on an interview guide, saved as a transcript document to code.

Notes are the interviewer's words about a respondent. Until they are saved
they live only in the interviewer's server-side session (the view keeps
them there); saving makes one `CodingDocument` of kind ``transcript`` on a
new anonymous `CodingCase` (a random GUID, no response, no attributes), with
one `TranscriptTurn` per topic that has notes (the speaker is the topic's
title). So the notes are coded, and later redacted, like any transcript;
nothing names the interviewer but the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from coding.text import normalise
from instruments.schema import Instrument
from survey import keyring, sealing
from survey.extensions import write_transaction
from survey.models import CodingCase, CodingDocument, Study, User
from survey.models.coding import TranscriptTurn
from survey.models.sealed import study_key_id
from survey.models.studies import today
from survey.sealing import SealingError
from survey.services import audit
from survey.services.answers import clean_text
from survey.services.coding import redaction
from survey.services.errors import ServiceError

MAX_NOTE_LENGTH = 20_000
"""The most a topic's notes may hold, in characters."""
TURN_SEPARATOR = "\n\n"
SPEAKER_LENGTH = 100


NOTES_CONTEXT = "web_session.interview_notes"


def sealed_notes(session: Session, study: Study, notes: Mapping[str, str]) -> dict[str, str]:
    """Return `notes` sealed with the study's data key, to be kept in a server-side session."""
    with write_transaction(session):
        key_id = study_key_id(session, study.id)
    ring = keyring.active()
    return {topic: ring.seal(key_id, text, NOTES_CONTEXT) for topic, text in notes.items()}


def opened_notes(kept: Mapping[str, str]) -> dict[str, str]:
    """Return notes kept by `sealed_notes` in clear; none when their study's key is gone."""
    ring = keyring.active()
    try:
        return {
            topic: ring.unseal(text, NOTES_CONTEXT) if sealing.is_sealed(text) else text
            for topic, text in kept.items()
        }
    except SealingError:  # the study was purged: its notes went with its key
        return {}


class NotesEmpty(ServiceError):
    """There are no notes to save."""


class NoteTooLong(ServiceError):
    """A topic's notes are longer than the limit."""


def clean_notes(instrument: Instrument, posted: Mapping[str, str]) -> dict[str, str]:
    """Return the notes per topic id, cleaned; unknown topics dropped; raise if one is too long."""
    notes = {}
    for topic in instrument.topics:
        text = clean_text(posted.get(topic.id, ""))
        if len(text) > MAX_NOTE_LENGTH:
            raise NoteTooLong(topic.id)
        if text:
            notes[topic.id] = text
    return notes


def save_notes(
    session, study: Study, instrument: Instrument, notes: Mapping[str, str], actor: User
) -> CodingDocument:
    """Save the notes as a transcript of a new anonymous case; return the document."""
    language = instrument.default_language
    turns = [
        (topic.title.get(language)[:SPEAKER_LENGTH], normalise(notes[topic.id]))
        for topic in instrument.topics
        if notes.get(topic.id)
    ]
    if not turns:
        raise NotesEmpty(study.slug)
    text, spans = _joined(turns)
    with write_transaction(session):
        case = CodingCase(study_id=study.id, response_id=None, attributes_json="{}")
        session.add(case)
        session.flush()
        document = CodingDocument(
            study_id=study.id,
            case_id=case.id,
            kind="transcript",
            item_id=None,
            name=f"Interview notes {today().isoformat()}",
            text=text,
            length=len(text),
        )
        session.add(document)
        session.flush()
        redaction.propose(session, document)
        for position, (speaker, start, end) in enumerate(spans):
            session.add(
                TranscriptTurn(
                    document_id=document.id,
                    position=position,
                    speaker=speaker,
                    start=start,
                    end=end,
                )
            )
        audit.record(session, actor, "interview.notes_saved", document, topics=len(spans))
    return document


def _joined(turns: list[tuple[str, str]]) -> tuple[str, list[tuple[str, int, int]]]:
    """Return the document text and each turn's (speaker, start, end) in code points."""
    parts, spans, offset = [], [], 0
    for speaker, words in turns:
        if parts:
            parts.append(TURN_SEPARATOR)
            offset += len(TURN_SEPARATOR)
        parts.append(words)
        spans.append((speaker, offset, offset + len(words)))
        offset += len(words)
    return "".join(parts), spans
