"""The analysis overview of a study: its closed questions and its free text, with what each allows.

A question with fewer free-text answers than topic models need
(`analysis.topics.MIN_DOCUMENTS`) still has descriptives and keyword search;
the page says how much text topics need and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import CodingDocument, Study
from survey.services.analysis.corpus import text_questions
from survey.services.analysis.describe_view import ClosedQuestion, closed_questions
from survey.services.withdrawal import removed_analyses

__all__ = ["Overview", "TextSource", "overview", "topic_threshold"]


@dataclass(frozen=True)
class TextSource:
    """Free text to analyse: a question's answers, or the interview transcripts (item_id None)."""

    item_id: str | None
    label: str
    documents: int
    enough_for_topics: bool


@dataclass(frozen=True)
class Overview:
    """What the overview shows."""

    closed: list[ClosedQuestion]
    text: list[TextSource]
    min_documents: int
    threshold: int
    removed: int = 0  # results removed because a respondent withdrew (`services.withdrawal`)


def topic_threshold() -> int:
    """Return the fewest documents a topic model accepts (`analysis.topics.MIN_DOCUMENTS`)."""
    from analysis.topics import MIN_DOCUMENTS  # imported when needed: it loads scikit-learn

    return int(MIN_DOCUMENTS)


def overview(session: Session, study: Study) -> Overview:
    """Return the study's closed questions and its free-text sources with their sizes."""
    needed = topic_threshold()
    sources = [
        TextSource(q.item_id, q.label, q.documents, q.documents >= needed)
        for q in text_questions(session, study)
    ]
    transcripts = session.scalar(
        select(func.count())
        .select_from(CodingDocument)
        .where(CodingDocument.study_id == study.id, CodingDocument.kind == "transcript")
    )
    if transcripts:
        sources.append(
            TextSource(None, "Interview transcripts", transcripts, transcripts >= needed)
        )
    removed = removed_analyses(session, study.id)
    return Overview(closed_questions(study), sources, needed, study.disclosure_threshold, removed)
