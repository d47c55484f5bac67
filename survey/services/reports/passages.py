"""Coded passages a findings report may quote: one rule for the quotes offered and the quotes kept.

A passage is a segment of a theme's codes, coded by a coder the viewer may
see (blind mode), in a document whose respondent did not ask not to be
quoted (`services.quotes`, the one filter). Its words are the segment's span
over the document's redacted rendition, placeholders such as [NAME-1] kept,
exactly as the code view and the topic explorer cut them. No passage is
quotable when the study's export settings withhold free text, or when the
study has fewer completed responses than its disclosure threshold.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coding.redaction import Rendition
from survey.models import CodingCase, CodingDocument, Response, Segment, Study, User
from survey.services.coding import coders as coders_service
from survey.services.coding.documents import free_text_items
from survey.services.coding.redacted import shown
from survey.services.exports.settings import load_settings
from survey.services.quotes import quotable
from survey.services.reports.facts import completed
from survey.services.studies import instrument_of

__all__ = ["TRANSCRIPT", "Passage", "passages", "quote_text", "quotes_refused"]

TRANSCRIPT = "Interview transcript"
MAX_QUOTE = 1_000  # characters of a quote; longer passages end with " …"
WITHHELD_TEXT = (
    "The study's export settings withhold free text, so no quotes can be used in a report."
)


@dataclass(frozen=True)
class Passage:
    """A coded segment as a possible quote: where it is, never its words (see `quote_text`)."""

    guid: str
    document_id: int
    case_id: int | None
    case_guid: str
    item_id: str | None
    kind: str
    code_id: int
    start: int  # raw offsets
    end: int
    distressing: bool
    language: str
    quotable: bool

    def question(self, labels: dict[str, str]) -> str:
        """Return the question the passage answers, or "Interview transcript"."""
        if self.kind == "transcript" or self.item_id is None:
            return TRANSCRIPT
        return labels.get(self.item_id, self.item_id)


def question_labels(study: Study) -> dict[str, str]:
    """Return {answer key: question label} of the study's free-text questions."""
    return free_text_items(instrument_of(study.instrument_version))


def quotes_refused(session: Session, study: Study) -> str | None:
    """Say why no passage of `study` may be quoted at all, or return None.

    The study's respondents are its completed responses, the base of every
    count in the report (`facts.completed`): coding cases of their own
    (interview notes, standalone transcripts) or unfinished responses never
    take a study past its threshold.
    """
    if load_settings(study).free_text == "withheld":
        return WITHHELD_TEXT
    k = study.disclosure_threshold
    responses = session.scalar(select(func.count()).select_from(Response).where(*completed(study)))
    if responses < k:
        return f"The study has fewer than {k} respondents, so no quotes are offered."
    return None


def passages(
    session: Session,
    study: Study,
    viewer: User,
    codes: Collection[int],
    *,
    guids: Iterable[str] | None = None,
) -> list[Passage]:
    """Return the segments of `codes` the viewer may see (of `guids`, if given), quotable or not."""
    default = instrument_of(study.instrument_version).default_language
    query = (
        select(
            Segment.public_id,
            Segment.document_id,
            CodingDocument.case_id,
            CodingCase.public_id,
            CodingDocument.item_id,
            CodingDocument.kind,
            Segment.code_id,
            Segment.start,
            Segment.end,
            Segment.distressing,
            Response.language,
            quotable(),
        )
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .outerjoin(CodingCase, CodingCase.id == CodingDocument.case_id)
        .outerjoin(Response, Response.id == CodingCase.response_id)
        .where(CodingDocument.study_id == study.id, Segment.code_id.in_(list(codes) or [-1]))
    )
    visible = coders_service.visible_coder_ids(session, study, viewer)
    if visible is not None:
        query = query.where(Segment.coder_id.in_(visible or {-1}))
    if guids is not None:
        query = query.where(Segment.public_id.in_(list(guids) or [""]))
    return [
        Passage(
            guid,
            document_id,
            case_id,
            case_guid or "",
            item_id,
            kind,
            code_id,
            start,
            end,
            bool(distressing),
            language or default,
            bool(may_quote),
        )
        for (guid, document_id, case_id, case_guid, item_id, kind, code_id, start, end,
             distressing, language, may_quote) in session.execute(query)
    ]  # fmt: skip


def quote_text(view: Rendition, passage: Passage) -> str:
    """Return the passage's words over the redacted rendition, at most MAX_QUOTE characters."""
    start, end = shown(view, passage.start, passage.end)
    words = view.text[start:end].strip()
    if len(words) <= MAX_QUOTE:
        return words
    return words[:MAX_QUOTE].rsplit(" ", 1)[0] + " …"
