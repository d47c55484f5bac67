"""Interview transcripts: read an upload or pasted text, store it as an anonymous case's document.

A transcript is a `CodingDocument` of kind "transcript" (no question: its
`item_id` is None) with one `TranscriptTurn` row per speaker turn, so the
document view, the codebook, search and the exports read it like an answer.
The library `coding.transcripts` does the reading (formats, speakers,
timestamps, NFC and `\\n`, code-point offsets); this module checks the form,
picks the case and writes everything in one transaction, or nothing.

The case is anonymous: a new one (a random GUID and no response), the case
of an interviewer-administered response of the same study, so that the
interview and the answers the interviewer recorded share one case id, or the
anonymous case of an earlier transcript (the next part of a long interview). A
transcript on a response's case goes when that response is withdrawn (ON
DELETE CASCADE: case, documents, turns, segments, document memos).

As coding units a transcript needs nothing new: in agreement statistics
(`coding.units`) the "answer" unit is the whole transcript, and the
"sentence" unit also ends at every line break, so no sentence runs from one
turn into the next (a turn's label sits in its first sentence).
`coding.transcripts.segments` cuts a long transcript into its turns (or
paragraphs) for analysis, from the text alone.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from coding.errors import CodingError
from coding.redaction import propose_redactions
from coding.transcripts import read_transcript
from survey.extensions import write_transaction
from survey.models import CodingCase, CodingDocument, Response, Study, TranscriptTurn, User
from survey.models.studies import today
from survey.services import audit
from survey.services.coding import redaction
from survey.services.coding.errors import Refused

NEW_CASE = "new"
MAX_NAME = 200
MAX_PATTERN = 200
MAX_SPEAKER = 100  # the column's width
CLOCK_IN_TEXT = re.compile(r"\d:\d\d")  # a time written in the transcript's own line


@dataclass(frozen=True)
class TranscriptForm:
    """A transcript as the form sends it: the bytes (or pasted text) and the choices."""

    data: bytes | str
    filename: str
    name: str = ""
    speaker_pattern: str = ""
    case: str = NEW_CASE


@dataclass(frozen=True)
class Stored:
    """What storing a transcript made: the document, its case, turns, speakers and warnings."""

    document: str
    case: str
    new_case: bool
    turns: int
    speakers: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class TranscriptRow:
    """One line of the transcripts list (no speaker labels: they can be names)."""

    guid: str
    case: str
    name: str
    turns: int
    speakers: int
    length: int
    created_on: dt.date


@dataclass(frozen=True)
class TurnMark:
    """Where a turn starts in the document view, and the label shown there."""

    start: int
    label: str


def _clean_line(value: str, limit: int, what: str, code: str) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise Refused(f"The {what} must be one line of visible text.", code)
    if len(value) > limit:
        raise Refused(f"The {what} is {len(value)} characters long; the limit is {limit}.", code)
    return value


def size_in_words(size: int) -> str:
    """Return a number of bytes as a person reads it: "900 bytes", "12 KB", "1.5 MB"."""
    if size >= 1_048_576:
        return f"{round(size / 1_048_576, 1):g} MB"
    if size >= 1024:
        return f"{round(size / 1024, 1):g} KB"
    return f"{size} bytes"


def too_large(size: int, limit: int, what: str = "file") -> Refused:
    """Return the refusal of a transcript over the upload limit, with both sizes in words."""
    return Refused(
        f"The {what} is too large: it is {size_in_words(size)}, and the limit is "
        f"{size_in_words(limit)}. Split it into parts and add each one to the same case.",
        "FILE_TOO_LARGE",
    )


def transcript_name(typed: str, on: dt.date) -> str:
    """Return the name to store: the one typed, or "Interview <date>" (never a person's name).

    Coders see the name as it is (it is not redacted), so a name in which the
    redaction pass finds anything identifying is refused.
    """
    name = _clean_line(typed, MAX_NAME, "name", "TRANSCRIPT_NAME")
    found = propose_redactions(name) if name else []
    if found:
        kinds = sorted({span.kind.replace("_", " ") for span in found})
        raise Refused(
            f"The transcript's name looks like it holds identifying details ({', '.join(kinds)}): "
            "give it a name that identifies no one, such as “Interview 3” or leave it empty.",
            "TRANSCRIPT_NAME",
        )
    return name or f"Interview {on.isoformat()}"


@dataclass(frozen=True)
class CaseChoice:
    """A case a transcript can join: its GUID and whether it holds a response or transcripts."""

    guid: str
    interviewed: bool  # True: an interviewer-administered response; False: earlier transcripts


def _linkable(study: Study):
    """Return the query of the cases of `study` a transcript may join (case, response mode)."""
    return (
        select(CodingCase, Response.mode)
        .outerjoin(Response, Response.id == CodingCase.response_id)
        .where(
            CodingCase.study_id == study.id,
            or_(
                Response.mode == "interviewer",
                and_(
                    CodingCase.response_id.is_(None),
                    select(CodingDocument.id)
                    .where(
                        CodingDocument.case_id == CodingCase.id,
                        CodingDocument.kind == "transcript",
                    )
                    .exists(),
                ),
            ),
        )
    )


def case_choices(session: Session, study: Study) -> list[CaseChoice]:
    """Return the cases a transcript may join: interviewer-administered responses' and
    earlier transcripts' anonymous cases, oldest first (GUIDs only, never a name)."""
    rows = session.execute(_linkable(study).order_by(CodingCase.id)).all()
    return [CaseChoice(case.public_id, mode == "interviewer") for case, mode in rows]


def _case(session: Session, study: Study, chosen: str) -> tuple[CodingCase, bool]:
    """Return the case to link (and whether it is new); Refused for any other case id."""
    if chosen == NEW_CASE:
        case = CodingCase(study_id=study.id, response_id=None, attributes_json="{}")
        session.add(case)
        session.flush()
        return case, True
    found = session.execute(_linkable(study).where(CodingCase.public_id == chosen)).first()
    if found is None:
        raise Refused(
            "That case cannot take a transcript here: choose an interviewer-administered "
            "response or an earlier transcript from the list, or a new anonymous case.",
            "CASE_UNKNOWN",
        )
    return found[0], False


def read(form: TranscriptForm, max_bytes: int):
    """Return the library's reading of the form's transcript; Refused with its message if bad."""
    pattern = (
        _clean_line(
            form.speaker_pattern, MAX_PATTERN, "speaker pattern", "TRANSCRIPT_PATTERN_INVALID"
        )
        or None
    )
    try:
        transcript = read_transcript(
            form.data, form.filename, speaker_pattern=pattern, max_bytes=max_bytes
        )
    except CodingError as error:
        raise Refused.from_coding_error(error) from error
    if not transcript.text.strip():
        raise Refused("The transcript is empty: there is no text in it.", "TRANSCRIPT_EMPTY")
    return transcript


def add_transcript(
    session: Session, actor: User, study: Study, form: TranscriptForm, *, max_bytes: int
) -> Stored:
    """Store a transcript, its turns and (if new) its case in one transaction; Refused if bad."""
    name = transcript_name(form.name, today())
    transcript = read(form, max_bytes)
    with write_transaction(session):
        case, new_case = _case(session, study, form.case)
        document = CodingDocument(
            study_id=study.id,
            case_id=case.id,
            kind="transcript",
            item_id=None,
            name=name,
            text=transcript.text,
            length=len(transcript.text),
        )
        session.add(document)
        session.flush()
        redaction.propose(session, document)
        session.add_all(
            TranscriptTurn(
                document_id=document.id,
                position=position,
                speaker=turn.speaker[:MAX_SPEAKER] if turn.speaker else None,
                start=turn.start,
                end=turn.end,
                time_start_ms=turn.time_start_ms,
                time_end_ms=turn.time_end_ms,
            )
            for position, turn in enumerate(transcript.turns)
        )
        speakers = len(transcript.speakers)
        audit.record(
            session,
            actor,
            "coding.transcript_added",
            document,
            case=case.public_id,
            new_case=new_case,
            turns=len(transcript.turns),
            speakers=speakers,
        )
    warnings = tuple(str(w) for w in transcript.warnings)
    return Stored(
        document.public_id, case.public_id, new_case, len(transcript.turns), speakers, warnings
    )


def transcripts(session: Session, study: Study) -> list[TranscriptRow]:
    """Return `study`'s transcripts, oldest first (as the document view counts them), with
    their turn and speaker counts."""
    turns = (
        select(func.count(TranscriptTurn.id))
        .where(TranscriptTurn.document_id == CodingDocument.id)
        .scalar_subquery()
    )
    speakers = (
        select(func.count(func.distinct(TranscriptTurn.speaker)))
        .where(TranscriptTurn.document_id == CodingDocument.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(CodingDocument, CodingCase.public_id, turns, speakers)
        .outerjoin(CodingCase, CodingCase.id == CodingDocument.case_id)
        .where(CodingDocument.study_id == study.id, CodingDocument.kind == "transcript")
        .order_by(CodingDocument.id)
    ).all()
    return [
        TranscriptRow(d.public_id, case or "", d.name, n, s, d.length, d.created_on)
        for d, case, n, s in rows
    ]


def clock(ms: int) -> str:
    """Return a time in milliseconds as h:mm:ss (or m:ss under an hour)."""
    minutes, seconds = divmod(ms // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _label(text: str, turn: TranscriptTurn) -> str:
    """Return what to show before a turn: its time and speaker, unless its line shows them."""
    line = text[text.rfind("\n", 0, turn.start) + 1 : turn.start]
    parts = []
    if turn.time_start_ms is not None and not CLOCK_IN_TEXT.search(line):
        parts.append(f"[{clock(turn.time_start_ms)}]")
    if turn.speaker and turn.speaker not in line:
        parts.append(f"{turn.speaker}:")
    return " ".join(parts) + " " if parts else ""


def turn_marks(session: Session, document: CodingDocument) -> list[TurnMark]:
    """Return the start of each turn of a transcript whose time or speaker the text lacks.

    The library keeps a label written in the file ("Interviewer: ...") in the
    text, where the turn's words start after it; times of subtitle cues and
    the speakers of WebVTT voices are not in the text, so the document view
    shows them before the turn. Returns [] for an answer.
    """
    if document.kind != "transcript":
        return []
    turns = session.scalars(
        select(TranscriptTurn)
        .where(TranscriptTurn.document_id == document.id)
        .order_by(TranscriptTurn.position)
    )
    marks = (TurnMark(t.start, _label(document.text, t)) for t in turns)
    return [m for m in marks if m.label and 0 <= m.start < document.length]
