"""Where the passages a viewer chose to see collapsed are, so that every page collapses them.

A coder may ask to see passages marked distressing behind a content note
(`Coder.collapse_distressing`, SAFETY.md: "Analysts are people too"). The
document view collapses them passage by passage (`workspace.pieces`); every
other page that shows respondents' words (the code view's context, search
lines, grid rows, the compare pages) asks `distressing_spans` where they
are and collapses any excerpt that overlaps one (`overlaps`).

Only the marks of coders the viewer may see count (blind mode:
`coders.visible_coder_ids`), as in the document view: a collapsed excerpt
must not tell a blind coder that someone else coded there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.spans import Span, merge_spans
from survey.models import Segment, Study, User
from survey.services.coding.blind import collapses
from survey.services.coding.coders import visible_coder_ids


def distressing_spans(
    session: Session, study: Study, viewer: User, document_ids: Iterable[int]
) -> dict[int, list[Span]]:
    """Return {document id: merged distressing spans} to collapse for `viewer`.

    Empty when the viewer has not chosen to collapse distressing passages;
    only documents with such a passage are keys.
    """
    wanted = set(document_ids)
    if not wanted or not collapses(session, study, viewer):
        return {}
    query = select(Segment.document_id, Segment.start, Segment.end).where(
        Segment.document_id.in_(wanted), Segment.distressing.is_(True)
    )
    visible = visible_coder_ids(session, study, viewer)
    if visible is not None:
        query = query.where(Segment.coder_id.in_(visible))
    found: dict[int, list[Span]] = defaultdict(list)
    for document_id, start, end in session.execute(query):
        found[document_id].append((start, end))
    return {document_id: merge_spans(spans) for document_id, spans in found.items()}


def overlaps(spans: Sequence[Span], start: int, end: int) -> bool:
    """Return True when the text [start, end) shares a character with one of `spans`."""
    return any(a < end and start < b for a, b in spans)
