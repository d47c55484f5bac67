"""Redaction of documents: proposals, the spans that are hidden, and the redacted rendition.

Coders and analysts only ever read a document's redacted rendition: every
span that is not rejected is replaced by a placeholder ([NAME-1], [PHONE-2]).
The automatic pass (`coding.redaction.propose_redactions`) stores its
proposals when a document is made; a document made before that (or whose
proposals were never stored) has them computed on the fly, so no page ever
falls back to the raw text. Data stewards review proposals, add spans and
reject false ones; only they see raw text, and each view of it is audited.

Segments keep raw offsets (the stored text never changes); the rendition's
maps carry offsets both ways.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.redaction import Rendition, apply_redactions, propose_redactions
from survey.models import CodingDocument, Redaction

Span = tuple[int, int, str]  # start, end, kind (raw offsets)


def propose(session: Session, document: CodingDocument) -> int:
    """Store the automatic proposals of `document` (in the caller's transaction); return how many.

    Idempotent: a document whose proposals are stored is left alone.
    """
    if document.redactions_proposed:
        return 0
    session.flush()  # the document needs its id
    found = propose_redactions(document.text)
    for span in found:
        session.add(
            Redaction(
                document_id=document.id,
                start=span.start,
                end=span.end,
                kind=span.kind,
                status="proposed",
                origin="auto",
            )
        )
    document.redactions_proposed = True
    return len(found)


def hidden_spans(session: Session, documents: Iterable[CodingDocument]) -> dict[int, list[Span]]:
    """Return, per document id, the spans hidden from coders (every span not rejected), sorted."""
    documents = list(documents)
    stored = [d.id for d in documents if d.redactions_proposed]
    spans: dict[int, list[Span]] = {d.id: [] for d in documents}
    if stored:
        rows = session.execute(
            select(Redaction.document_id, Redaction.start, Redaction.end, Redaction.kind).where(
                Redaction.document_id.in_(stored), Redaction.status != "rejected"
            )
        )
        for document_id, start, end, kind in rows:
            spans[document_id].append((start, end, kind))
    for document in documents:
        if not document.redactions_proposed:  # computed, never shown raw
            spans[document.id] = [
                (r.start, r.end, r.kind) for r in propose_redactions(document.text)
            ]
    return {key: sorted(value) for key, value in spans.items()}


def renditions(session: Session, documents: Iterable[CodingDocument]) -> dict[int, Rendition]:
    """Return the redacted rendition of each document, by document id."""
    documents = list(documents)
    spans = hidden_spans(session, documents)
    return {d.id: apply_redactions(d.text, spans[d.id]) for d in documents}


def rendition(session: Session, document: CodingDocument) -> Rendition:
    """Return the redacted rendition of one document."""
    return renditions(session, [document])[document.id]
