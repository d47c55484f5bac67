"""The check a findings report passes before it may leave: no identifier left, no small count.

`problems` runs the automatic redaction proposals
(`coding.redaction.propose_redactions`) over every text a reader sees
(`analysis.findings.document.texts`: the title and introduction the analyst
typed, each theme's narrative, the quotes, table labels and headings) and
lists every identifier-like finding with where it is and an excerpt in which
every finding is masked, so the list never repeats an identifier in full. It
also lists every count shown (`document.shown_counts`) from 1 to k-1.

Three things are not problems:

* placeholders such as [NAME-1]: the redacted rendition's own marks;
* a span a data steward *rejected* in the quote's source document (kept on
  purpose, e.g. "Home Office" read as a name): only inside that quote's
  words (`kept_words`), and only while the rejection stands;
* the words Heard writes itself (a date in "Data as of 27 November 2026",
  the support helpline's phone number): a text is exempt when it is word for
  word a text of the same report built with every name, label and typed
  text blanked (`generated_texts`), so any text that carries data, a label
  or the analyst's words is always checked.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.findings import document as findings_document
from analysis.findings.build import build as build_document
from analysis.findings.snapshot import Snapshot
from coding.redaction import propose_redactions
from survey.models import CodingDocument, Redaction, Segment, Study
from survey.services.coding.redacted import shown
from survey.services.coding.redaction import renditions

__all__ = ["Problem", "check", "generated_texts", "kept_words", "problems"]

PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]*-\d+\]")
CONTEXT = 30
SMALL = "small_count"
WORDS = {
    "email": "an email address",
    "url": "a web address",
    "ni_number": "a National Insurance number",
    "residence_permit": "a residence permit number",
    "phone": "a phone number",
    "visa": "a visa number",
    "passport": "a passport number",
    "date_of_birth": "a date of birth",
    "postcode": "a postcode",
    "address": "an address",
    "date": "a date",
    "name": "a name",
    "place": "a place",
}

Texts = Callable[[Any], Iterable[tuple[str, str]]]
Counts = Callable[[Any], Iterable[tuple[str, int]]]
Propose = Callable[[str], Iterable[Any]]


@dataclass(frozen=True)
class Problem:
    """One thing to fix before export: where it is, what kind, what to do, a masked excerpt."""

    where: str
    kind: str
    message: str
    excerpt: str


def _blank_placeholders(text: str) -> str:
    """Return `text` with each placeholder ([NAME-1]) as spaces, so offsets stay the same."""
    return PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)


def _kept_spans(text: str, kept: Mapping[str, Collection[str]]) -> list[tuple[int, int]]:
    """Return the spans of `text` that are words a steward kept, inside the quote they belong to."""
    spans = []
    for quote, words in kept.items():
        if not quote:
            continue
        for found in re.finditer(re.escape(quote), text):
            for word in words:
                for inner in re.finditer(re.escape(word), quote):
                    spans.append((found.start() + inner.start(), found.start() + inner.end()))
    return spans


def _excerpt(text: str, start: int, end: int, findings: list[tuple[int, int, str]]) -> str:
    """Return the words around [start, end) with every finding in them masked as [kind]."""
    first, last = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    parts, at = [], first
    for s, e, kind in sorted(findings):
        if e <= first or s >= last:
            continue
        s, e = max(s, first), min(e, last)
        if s < at:
            continue
        parts += [text[at:s], f"[{kind}]"]
        at = e
    parts.append(text[at:last])
    words = " ".join("".join(parts).split())
    return ("… " if first else "") + words + (" …" if last < len(text) else "")


def problems(
    document: Any,
    *,
    threshold: int,
    texts: Texts = findings_document.texts,
    shown_counts: Counts = findings_document.shown_counts,
    propose: Propose = propose_redactions,
    kept: Mapping[str, Collection[str]] | None = None,
    generated: Collection[str] = frozenset(),
) -> list[Problem]:
    """Return what must be fixed before `document` may be exported (empty: it may).

    `kept` maps a quote's words to the words a steward kept on purpose in
    its source document (`kept_words`); `generated` holds the texts Heard
    writes whatever the data (`generated_texts`).
    """
    found: list[Problem] = []
    for where, text in texts(document):
        if not text or text in generated:
            continue
        allowed = _kept_spans(text, kept or {})
        spans = [
            (r.start, r.end, r.kind)
            for r in propose(_blank_placeholders(text))
            if not any(s <= r.start and r.end <= e for s, e in allowed)
        ]
        for start, end, kind in spans:
            found.append(
                Problem(
                    where,
                    kind,
                    f"This text may contain {WORDS.get(kind, 'an identifier')}: remove it or "
                    "write it so nobody can be recognised.",
                    _excerpt(text, start, end, spans),
                )
            )
    for where, count in shown_counts(document):
        if 0 < count < threshold:
            found.append(
                Problem(
                    where,
                    SMALL,
                    f"A count under the study's threshold ({threshold}) is shown: "
                    "take it out or combine groups.",
                    "",
                )
            )
    return found


def _blanked(snapshot: Snapshot) -> Snapshot:
    """Return `snapshot` with every name, label and typed text replaced by neutral words."""
    replace = dataclasses.replace
    themes = tuple(
        replace(
            theme,
            name=f"Theme {i}",
            path=f"Theme {i}",
            definition="",
            narrative="",
            quotes=(),
            related=tuple(replace(r, name=f"Theme {r.theme_id}") for r in theme.related),
            breakdowns=tuple(
                replace(
                    b,
                    question="Question",
                    answers=tuple(f"Answer {j}" for j in range(len(b.answers))),
                )
                for b in theme.breakdowns
            ),
        )
        for i, theme in enumerate(snapshot.themes, 1)
    )
    questions = tuple(
        replace(
            q,
            question=f"Question {i}",
            rows=tuple(replace(row, label=f"Answer {j}") for j, row in enumerate(q.rows, 1)),
        )
        for i, q in enumerate(snapshot.questions, 1)
    )
    methods = replace(
        snapshot.methods,
        agreement=tuple(
            replace(a, path=f"Code {i}") for i, a in enumerate(snapshot.methods.agreement, 1)
        ),
        topic_fits=tuple(
            replace(
                f,
                question="Question",
                drafted_codes=tuple(f"Code {j}" for j in range(len(f.drafted_codes))),
            )
            for f in snapshot.methods.topic_fits
        ),
        free_text_questions=tuple(
            f"Question {i}" for i in range(len(snapshot.methods.free_text_questions))
        ),
    )
    return replace(
        snapshot,
        settings=replace(snapshot.settings, title="Report", introduction=""),
        study=replace(snapshot.study, title="Study", instrument_title="Instrument"),
        themes=themes,
        questions=questions,
        methods=methods,
    )


def generated_texts(
    snapshot: Snapshot,
    *,
    build: Callable[[Snapshot], Any] = build_document,
    texts: Texts = findings_document.texts,
) -> frozenset[str]:
    """Return the texts of the report built with every name, label and typed text blanked.

    What remains are the words Heard writes itself, the counts, the dates of
    the data and the study's support list: a text of the real report equal
    to one of them carries nothing the analyst or a respondent wrote.
    """
    return frozenset(text for _, text in texts(build(_blanked(snapshot))))


def kept_words(session: Session, study: Study, snapshot: Snapshot) -> dict[str, set[str]]:
    """Return {quote words: words a steward rejected as identifiers in its source, still shown}."""
    quotes = {q.id: q.text for theme in snapshot.themes for q in theme.quotes}
    if not quotes:
        return {}
    rows = session.execute(
        select(Segment.public_id, Segment.start, Segment.end, CodingDocument)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .where(CodingDocument.study_id == study.id, Segment.public_id.in_(list(quotes)))
    ).all()
    rejected: dict[int, list[tuple[int, int]]] = {}
    for document_id, start, end in session.execute(
        select(Redaction.document_id, Redaction.start, Redaction.end).where(
            Redaction.document_id.in_({row[3].id for row in rows} or {-1}),
            Redaction.status == "rejected",
        )
    ):
        rejected.setdefault(document_id, []).append((start, end))
    views = renditions(session, [row[3] for row in rows if row[3].id in rejected])
    found: dict[str, set[str]] = {}
    for guid, start, end, document in rows:
        for s, e in rejected.get(document.id, ()):
            if s < end and start < e:  # the rejected span lies in the quoted passage
                a, b = shown(views[document.id], s, e)
                found.setdefault(quotes[guid], set()).add(views[document.id].text[a:b])
    return found


def check(session: Session, study: Study, snapshot: Snapshot, document: Any) -> list[Problem]:
    """Return the problems of `document`, built from `snapshot` of `study`, before it may leave."""
    return problems(
        document,
        threshold=max(snapshot.study.threshold, study.disclosure_threshold),
        kept=kept_words(session, study, snapshot),
        generated=generated_texts(snapshot),
    )
