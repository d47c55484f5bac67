"""The document view's data: the text cut where codings start and end, and what this person sees.

The text shown is the document's redacted rendition (`redacted`): coders never
read raw text. It is cut into chunks at every start and end of a visible
segment (raw offsets drawn over the rendition), so overlapping codings render
as nested marks around each chunk, and the page's text element holds the
rendition's text exactly. A coder who chose it sees
distressing passages collapsed behind a content note. Offsets from the form
arrive in UTF-16 units (the browser's selection) or code points over the
rendition, and are converted to raw code points by `redacted.from_browser`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding import segments as spans
from coding.redaction import Placeholder, Rendition
from survey.extensions import write_transaction
from survey.models import Code, Coder, CodingDocument, Segment, Study, User
from survey.services.coding import codebook, documents, memos, redacted, transcripts
from survey.services.coding.coders import coder_for, visible_coder_ids
from survey.services.coding.errors import NotFound, Refused
from survey.services.coding.segments import (
    apply_codes,
    own_segment,
    remove_segment,
    update_segment,
)
from survey.services.coding.span_form import SpanForm, target_of
from survey.services.studies import instrument_of


@dataclass(frozen=True)
class SegmentView:
    """A visible segment: its number on the page, code, coder, span, memo and flag."""

    number: int
    guid: str
    code: str
    code_name: str
    path: str
    colour: str
    coder: str
    mine: bool
    start: int
    end: int
    memo: str
    distressing: bool


@dataclass(frozen=True)
class Chunk:
    """A run of text covered by the same segments (outermost first)."""

    text: str
    segments: tuple[SegmentView, ...]
    start: int
    end: int
    turn: str = ""  # a transcript turn starts here: its label ("[1:05] Interviewer: ")
    redacted: str = ""  # the chunk is a placeholder ([NAME-1]): the kind, in words ("name")


@dataclass(frozen=True)
class Collapsed:
    """Chunks of a distressing passage, shown behind a content note."""

    chunks: tuple[Chunk, ...]
    codes: tuple[str, ...]


@dataclass(frozen=True)
class CodeChoice:
    """A code that can be applied, with its path and colour."""

    guid: str
    path: str
    colour: str


@dataclass(frozen=True)
class DocumentPage:
    """Everything the document view shows."""

    document: CodingDocument
    text: str  # the redacted rendition: what the page shows and its offsets count
    question: str
    attributes: list[tuple[str, str]]
    segments: list[SegmentView]  # spans over `text`
    pieces: list[Chunk | Collapsed]
    previous: str | None
    next: str | None
    position: int
    total: int
    memos: list[memos.MemoView]
    codes: list[CodeChoice]
    collapse: bool
    blind: bool


def own_coder(session: Session, study: Study, user: User) -> Coder | None:
    """Return `user`'s coder on `study` if they have one (reading never makes one)."""
    return session.scalar(select(Coder).where(Coder.study_id == study.id, Coder.user_id == user.id))


def chunks(
    text: str,
    segments: Sequence[SegmentView],
    turns: Sequence[transcripts.TurnMark] = (),
    placeholders: Sequence[Placeholder] = (),
) -> list[Chunk]:
    """Cut `text` at every segment boundary, turn start and placeholder; each chunk lists the
    segments covering it, the label of the turn that starts there, and the kind it redacts."""
    labels = {t.start: t.label for t in turns}
    inside = (start for start in labels if 0 < start < len(text))
    edges = (at for p in placeholders for at in (p.start, p.end))
    cuts = sorted(
        {0, len(text), *(s.start for s in segments), *(s.end for s in segments), *inside, *edges}
    )
    ordered = sorted(segments, key=lambda s: (s.start, -s.end, s.number))
    kinds = {p.start: p for p in placeholders}
    found = []
    for start, end in itertools.pairwise(cuts):
        covering = tuple(s for s in ordered if s.start <= start and end <= s.end)
        hidden = kinds.get(start)
        kind = hidden.kind.replace("_", " ") if hidden is not None and end <= hidden.end else ""
        found.append(Chunk(text[start:end], covering, start, end, labels.get(start, ""), kind))
    return found


def pieces(
    text: str,
    segments: Sequence[SegmentView],
    collapse: bool,
    turns: Sequence[transcripts.TurnMark] = (),
    placeholders: Sequence[Placeholder] = (),
) -> list[Chunk | Collapsed]:
    """Return the chunks, with distressing passages grouped behind a note when `collapse`."""
    cut = chunks(text, segments, turns, placeholders)
    if not collapse:
        return list(cut)
    passages = spans.merge_spans((s.start, s.end) for s in segments if s.distressing)
    found: list[Chunk | Collapsed] = []
    for chunk in cut:
        passage = next((p for p in passages if p[0] <= chunk.start < p[1]), None)
        last = found[-1] if found else None
        if passage is None:
            found.append(chunk)
        elif isinstance(last, Collapsed) and chunk.start > passage[0]:
            found[-1] = Collapsed((*last.chunks, chunk), _names(last.codes, chunk))
        else:
            found.append(Collapsed((chunk,), _names((), chunk)))
    return found


def _names(names: tuple[str, ...], chunk: Chunk) -> tuple[str, ...]:
    extra = [s.code_name for s in chunk.segments if s.distressing and s.code_name not in names]
    return (*names, *dict.fromkeys(extra))


def visible_segments(
    session: Session, study: Study, user: User, document: CodingDocument
) -> list[SegmentView]:
    """Return the segments of `document` that `user` may see, numbered in text order."""
    visible = visible_coder_ids(session, study, user)
    query = (
        select(Segment, Code, Coder)
        .join(Code, Code.id == Segment.code_id)
        .join(Coder, Coder.id == Segment.coder_id)
        .where(Segment.document_id == document.id)
        .order_by(Segment.start, Segment.end.desc(), Code.name, Coder.name)
    )
    if visible is not None:
        query = query.where(Segment.coder_id.in_(visible))
    found = codebook.paths(session, study)
    return [
        SegmentView(
            number=n,
            guid=segment.public_id,
            code=code.public_id,
            code_name=code.name,
            path=found.get(code.public_id, code.name),
            colour=code.colour,
            coder=coder.name,
            mine=coder.user_id == user.id,
            start=segment.start,
            end=segment.end,
            memo=segment.memo,
            distressing=segment.distressing,
        )
        for n, (segment, code, coder) in enumerate(session.execute(query).all(), start=1)
    ]


def code_choices(session: Session, study: Study) -> list[CodeChoice]:
    """Return the codes that can be applied, in codebook order, with their paths."""
    codes = codebook.rows(session, study)
    found = codebook.paths(session, study)
    return [CodeChoice(c.public_id, found[c.public_id], c.colour) for c in codes if c.codable]


def _neighbours(session: Session, document: CodingDocument) -> tuple[list[str], int]:
    guids = list(
        session.scalars(
            select(CodingDocument.public_id)
            .where(
                CodingDocument.study_id == document.study_id,
                CodingDocument.item_id == document.item_id,
            )
            .order_by(CodingDocument.id)
        )
    )
    return guids, guids.index(document.public_id)


def _attributes(study: Study, document: CodingDocument) -> tuple[str, list[tuple[str, str]]]:
    instrument = instrument_of(study.instrument_version)
    labels = {i.id: i.label.get(instrument.default_language) for i in instrument.answerable_items()}
    question = documents.free_text_items(instrument).get(document.item_id or "", "")
    values = documents.attributes_of(document.case)
    return question or (document.item_id or ""), [
        (labels.get(key, key), value) for key, value in values.items()
    ]


def _over(view: Rendition, segments: list[SegmentView]) -> list[SegmentView]:
    """Return the segments with their spans drawn over the rendition."""
    return [
        replace(s, **dict(zip(("start", "end"), redacted.shown(view, s.start, s.end))))
        for s in segments
    ]


def _turns(
    session: Session, document: CodingDocument, view: Rendition
) -> list[transcripts.TurnMark]:
    """Return the transcript's turn marks at their place in the rendition, speakers redacted."""
    return [
        transcripts.TurnMark(
            view.to_redacted(m.start), redacted.label_redacted(view, document.text, m.label)
        )
        for m in transcripts.turn_marks(session, document)
    ]


def document_page(session: Session, study: Study, user: User, guid: str) -> DocumentPage:
    """Return the document view of `guid` for `user` (NotFound if it is not on `study`)."""
    document = documents.document(session, study, guid)
    view = redacted.rendition(session, document)
    segments = _over(view, visible_segments(session, study, user, document))
    coder = own_coder(session, study, user)
    collapse = bool(coder and coder.collapse_distressing)
    guids, index = _neighbours(session, document)
    question, attributes = _attributes(study, document)
    return DocumentPage(
        document=document,
        text=view.text,
        question=question,
        attributes=attributes,
        segments=segments,
        pieces=pieces(
            view.text, segments, collapse, _turns(session, document, view), view.placeholders
        ),
        previous=guids[index - 1] if index > 0 else None,
        next=guids[index + 1] if index + 1 < len(guids) else None,
        position=index + 1,
        total=len(guids),
        memos=memos.memos_on(session, study, user, "document", guid),
        codes=code_choices(session, study),
        collapse=collapse,
        blind=visible_coder_ids(session, study, user) is not None,
    )


def set_collapse(session: Session, actor: User, study: Study, collapse: bool) -> None:
    """Record whether `actor` wants distressing passages collapsed behind a note."""
    with write_transaction(session):
        coder_for(session, study, actor).collapse_distressing = collapse


def code_span(
    session: Session,
    actor: User,
    study: Study,
    guid: str,
    *,
    form: SpanForm,
) -> int:
    """Apply the codes of a coding form to the span it names; return segments changed."""
    document = documents.document(session, study, guid)
    view = redacted.rendition(session, document)
    target = target_of(
        document,
        view,
        how=form.how,
        start=form.start,
        end=form.end,
        units=form.units,
        words=form.words,
    )
    if len(form.memo) > memos.MAX_LENGTH:
        raise Refused(f"The memo is too long: the limit is {memos.MAX_LENGTH} characters.")
    try:
        return apply_codes(
            session,
            actor,
            study,
            [target],
            form.codes,
            memo=form.memo.replace("\r\n", "\n").strip(),
            distressing=form.distressing,
        )
    except NotFound as error:
        if error.args != ("code",):
            raise
        raise Refused(
            "A code you chose no longer exists: someone may have merged or deleted it. "
            "Choose again.",
            "CODE_UNKNOWN",
        ) from error


def change_segment(
    session: Session,
    actor: User,
    study: Study,
    guid: str,
    *,
    memo: str | None = None,
    distressing: bool | None = None,
) -> str:
    """Change the memo or the distressing mark of `actor`'s segment; return its document's GUID."""
    document = document_of(session, study, actor, guid)
    if memo is not None and len(memo) > memos.MAX_LENGTH:
        raise Refused(f"The memo is too long: the limit is {memos.MAX_LENGTH} characters.")
    update_segment(session, actor, study, guid, memo=memo, distressing=distressing)
    return document


def remove(session: Session, actor: User, study: Study, guid: str) -> str:
    """Remove `actor`'s segment; return its document's GUID."""
    document = document_of(session, study, actor, guid)
    remove_segment(session, actor, study, guid)
    return document


def document_of(session: Session, study: Study, actor: User, guid: str) -> str:
    """Return the document GUID of `actor`'s segment `guid` (NotFound if not theirs)."""
    return own_segment(session, study, actor, guid).document.public_id
