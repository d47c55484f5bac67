"""Imports: a codebook (.csv, .qdc) or a whole REFI-QDA project (.qdpx) into a study.

The codebook is merged, never replaced: a code is matched by its GUID (a
code of this study), else by its path (the same name, case and accents
aside, under the same parent); unmatched codes are added; a matched code
takes the file's name and place, and those fields of its entry (definition,
when to use, when not to use, example, colour) that the file fills in;
nothing is deleted, and a code never becomes a category or back by import.

A project brings the codebook as above, then:

- documents matched by GUID to this study's documents (an export, coded in
  NVivo or ATLAS.ti, lands on the right answers). Exports are redacted, so a
  matched document's text is compared with both: equal to the document's
  redacted rendition, its codings' offsets (over the rendition) are mapped
  back to the raw text (`Rendition.span_to_raw`); equal to the raw text (a
  data steward's raw export), they are taken as they are; equal to neither
  (the answer or its redaction changed since the export), the document is
  skipped with its codings and memos, and the summary says so, since its
  codings would land on the wrong words;
- documents that are not this study's are left out, with their codings,
  their memos and their cases, and the summary says how many. Such a
  document is an answer withdrawn since the export (SAFETY.md: withdrawal
  deletes a response everywhere, so an old export must not bring it back),
  an answer of another study (a copy here would outlive a withdrawal
  there), or text from another tool, which is no respondent's answer to
  this study; transcripts arrive with the interviews, with their own
  consent and provenance. Importing text is never how it enters Heard;
- each user of the file whose codings or memos come in becomes a coder of
  kind "imported", matched by GUID on re-import and never mapped to a staff
  account (a file user that is one of this study's staff coders keeps the
  codings that person already has here, and anything new goes to an
  imported coder "<name> (imported)");
- codings are added unless the same coder already has the same code on the
  same span (the database's UNIQUE rule), and memos are added once: importing
  the same file twice changes nothing.

Identifiers are kept when they are free; one already used by another study
is replaced by a GUID derived from it and this study, so a re-import still
finds what the first import made. Each import is one write transaction: a
file with any problem changes nothing, and every problem comes back as an
`ImportRefused` with where it is (a CSV row, an XML element, a zip member).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding import codebook_csv, refi
from coding import model as lib
from coding.errors import CodingError, ErrorCode
from coding.redaction import Rendition
from coding.segments import MEMO_SEPARATOR, check_span, join_memos
from coding.text import normalise
from survey.extensions import write_transaction
from survey.models import Coder, CodingDocument, Memo, Segment, Study, User
from survey.models.staff import now
from survey.services import audit
from survey.services.coding import log, redacted
from survey.services.coding.codebook import lock_codebook
from survey.services.coding.exchange_codebook import (
    NAMESPACE,
    ImportRefused,
    ImportSummary,
    Problem,
    local_guid,
    merge_codebook,
)

CODEBOOK_SUFFIXES = (".csv", ".qdc")
PROJECT_SUFFIXES = (".qdpx",)


def _suffix(filename: str, allowed: tuple[str, ...]) -> str:
    """Return the file's suffix if it is one of `allowed`, else refuse the file by its name."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in allowed:
        name = PurePath(filename or "file").name
        expected = f"a {' or '.join(allowed)} file"
        error = CodingError(ErrorCode.FILE_TYPE, name=name, expected=expected)
        raise ImportRefused.from_coding_error(error)
    return suffix


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise ImportRefused.from_coding_error(
            CodingError(ErrorCode.FILE_TOO_LARGE, size=len(data), limit=max_bytes)
        )


def read_codebook_file(data: bytes, filename: str, max_bytes: int) -> tuple[str, lib.Codebook]:
    """Return the kind ("csv" or "qdc") and the codebook of an upload, or raise ImportRefused."""
    suffix = _suffix(filename, CODEBOOK_SUFFIXES)
    _check_size(data, max_bytes)
    try:
        if suffix == ".csv":
            return "csv", codebook_csv.read_codebook_csv(data)
        return "qdc", refi.read_qdc(data)
    except CodingError as error:
        raise ImportRefused.from_coding_error(error) from None


def read_project_file(data: bytes, filename: str, max_bytes: int) -> refi.QdpxImport:
    """Return the project of a .qdpx upload and what it leaves out, or raise ImportRefused."""
    _suffix(filename, PROJECT_SUFFIXES)
    _check_size(data, max_bytes)
    try:
        return refi.read_qdpx_report(data)
    except CodingError as error:
        raise ImportRefused.from_coding_error(error) from None


def _finish(session: Session, actor: User | None, study: Study, summary: ImportSummary) -> None:
    detail = {
        "file": summary.kind,
        "codes_added": len(summary.codes_added),
        "codes_updated": len(summary.codes_updated),
        "documents_left_out": summary.documents_left_out,
        "codings_added": summary.codings_added,
        "notes_added": summary.notes_added,
    }
    log.record(session, study, actor, "import", **detail)
    audit.record(session, actor, "coding.import", study, **detail)


def import_codebook(
    session: Session, actor: User | None, study: Study, data: bytes, filename: str, max_bytes: int
) -> ImportSummary:
    """Merge an uploaded codebook (.csv or .qdc) into `study`'s codebook, in one transaction."""
    kind, codebook = read_codebook_file(data, filename, max_bytes)
    summary = ImportSummary(kind)
    with write_transaction(session):
        lock_codebook(session, study)
        merge_codebook(session, study, codebook, summary)
        _finish(session, actor, study, summary)
    return summary


def import_project(
    session: Session, actor: User | None, study: Study, data: bytes, filename: str, max_bytes: int
) -> ImportSummary:
    """Import a REFI-QDA project (.qdpx) into `study`, in one transaction."""
    report = read_project_file(data, filename, max_bytes)
    project = report.project
    summary = ImportSummary("qdpx", warnings=list(report.warnings))
    with write_transaction(session):
        lock_codebook(session, study)
        codes = merge_codebook(session, study, project.codebook, summary)
        matched = _documents(session, study, project.documents, summary)
        documents = matched.rows
        coders = _coders(session, study, project.coders, summary)
        codings = [c for c in project.codings if c.document not in matched.skipped]
        codings = _to_raw(codings, matched.views)
        _codings(session, study, codings, documents, codes, coders, summary)
        _notes(session, study, project.notes, documents, codes, coders, summary)
        _finish(session, actor, study, summary)
    return summary


@dataclass
class _Matched:
    """The file's documents matched to this study's: by file GUID, None when left out or
    skipped, and the renditions whose offsets the codings of a redacted export count."""

    rows: dict[str, CodingDocument | None]
    views: dict[str, Rendition]
    skipped: set[str]


def _documents(session, study, documents, summary) -> _Matched:
    """Match the file's documents to this study's, by GUID and then by text (raw or redacted)."""
    matched = _Matched({}, {}, set())
    for document in documents:
        row = session.scalar(
            select(CodingDocument).where(
                CodingDocument.public_id == document.guid, CodingDocument.study_id == study.id
            )
        )
        text = normalise(document.text)
        if row is None:
            summary.documents_left_out += 1
        elif text != row.text:
            view = redacted.rendition(session, row)
            if text != view.text:
                summary.warnings.append(
                    f"“{document.name}” was skipped with its codings and memos: its text is "
                    "neither the answer’s nor its redacted text now (the answer or its "
                    "redaction changed since the export), so its codings would land on the "
                    "wrong words."
                )
                matched.skipped.add(document.guid)
                row = None
            else:
                matched.views[document.guid] = view
                summary.documents_matched += 1
        else:
            summary.documents_matched += 1
        matched.rows[document.guid] = row
    return matched


def _to_raw(codings: Iterable[lib.Coding], views: dict[str, Rendition]) -> list[lib.Coding]:
    """Return the codings with offsets over a rendition mapped back to the raw text."""
    found = []
    for coding in codings:
        view = views.get(coding.document)
        if view is not None:
            try:
                start, end = redacted.to_raw(view, coding.start, coding.end)
            except CodingError as error:
                raise _coding_refused(coding, error) from None
            coding = replace(coding, start=start, end=end)
        found.append(coding)
    return found


@dataclass
class _CoderMap:
    """Where a file user's work goes: an imported coder, and the staff coder it may match.

    The imported coder is made when the first coding or memo needs it; `staff`
    is set when the user is one of this study's people, whose codings already
    here are recognised but never added to.
    """

    guid: str
    name: str
    coder: Coder | None = None
    staff: Coder | None = None

    def target(self, session: Session, study: Study, summary: ImportSummary) -> Coder:
        """Return the coder new work goes to, adding the imported coder on first use."""
        if self.coder is None:
            self.coder = Coder(public_id=self.guid, study_id=study.id, kind="imported")
            self.coder.name = self.name[:200]
            session.add(self.coder)
            session.flush()
            summary.coders_added.append(self.coder.name)
        return self.coder


def _coders(session, study: Study, coders: Iterable[lib.Coder], summary) -> dict[str, _CoderMap]:
    """Return {file user GUID: where its work goes}; new work never goes to a staff account."""
    found: dict[str, _CoderMap] = {}
    for coder in coders:
        guid = local_guid(session, Coder, study, coder.guid)
        row = session.scalar(select(Coder).where(Coder.public_id == guid))
        if row is not None and row.kind == "person":
            derived = str(uuid.uuid5(NAMESPACE, f"{study.id}:person:{guid}"))
            other = session.scalar(select(Coder).where(Coder.public_id == derived))
            found[coder.guid] = _CoderMap(derived, f"{row.name} (imported)", other, staff=row)
        else:
            found[coder.guid] = _CoderMap(guid, coder.name or "Imported", row)
    return found


def _has_segment(session, document: CodingDocument, code_id: int, coder: Coder, c) -> bool:
    return (
        session.scalar(
            select(Segment.id).where(
                Segment.document_id == document.id,
                Segment.code_id == code_id,
                Segment.coder_id == coder.id,
                Segment.start == c.start,
                Segment.end == c.end,
            )
        )
        is not None
    )


def _coding_refused(coding: lib.Coding, error: CodingError) -> ImportRefused:
    return ImportRefused(
        [Problem(error.error.message(**error.values), f"coding {coding.guid}", error.code)]
    )


def _codings(session, study, codings, documents, codes, coders, summary) -> None:
    """Add each coding unless its coder already has that code on that span."""
    for coding in codings:
        document, code = documents[coding.document], codes[coding.code]
        if document is None:
            summary.codings_left_out += 1
            continue
        if not code.codable:
            error = CodingError(ErrorCode.CODE_NOT_CODABLE, name=code.name)
            raise _coding_refused(coding, error)
        try:
            check_span(document.length, coding.start, coding.end)
        except CodingError as error:
            raise _coding_refused(coding, error) from None
        mapped = coders[coding.coder]
        if any(
            _has_segment(session, document, code.id, coder, coding)
            for coder in (mapped.staff, mapped.coder)
            if coder is not None
        ):
            summary.codings_present += 1
            continue
        guid = _free_guid(session, Segment, coding.guid, document.study_id)
        session.add(
            Segment(
                public_id=guid,
                document_id=document.id,
                code_id=code.id,
                coder_id=mapped.target(session, study, summary).id,
                start=coding.start,
                end=coding.end,
                memo=coding.memo,
                distressing=coding.distressing,
            )
        )
        session.flush()
        summary.codings_added += 1


def _free_guid(session: Session, model: type, guid: str, study_id: int) -> str:
    """Return `guid` if no row uses it, else one derived from it, else a new one."""
    for candidate in (guid, str(uuid.uuid5(NAMESPACE, f"{study_id}:{guid}"))):
        if session.scalar(select(model.id).where(model.public_id == candidate)) is None:
            return candidate
    return lib.new_guid()


def _note_target(note: lib.Note, documents, codes) -> dict[str, object] | None:
    """Return where the memo goes; None for a note on a document that is left out."""
    if note.target in codes:
        return {"target": "code", "code_id": codes[note.target].id}
    if note.target in documents:
        row = documents[note.target]
        return None if row is None else {"target": "document", "document_id": row.id}
    return {"target": "study"}


def _held(memo: str, text: str) -> bool:
    """Return True when `text` is already one of the blocks joined into `memo`."""
    sep = MEMO_SEPARATOR
    return (
        not text.strip()
        or memo == text
        or memo.startswith(text + sep)
        or memo.endswith(sep + text)
        or sep + text + sep in memo
    )


def _memo_on(session, study: Study, target: dict[str, object], coder: Coder | None) -> Memo | None:
    """Return the memo `coder` (None: no author) already has on `target`, if any."""
    query = select(Memo).where(Memo.study_id == study.id, Memo.target == target["target"])
    for column in ("code_id", "document_id"):
        value = target.get(column)
        attribute = getattr(Memo, column)
        query = query.where(attribute.is_(None) if value is None else attribute == value)
    owner = Memo.coder_id.is_(None) if coder is None else Memo.coder_id == coder.id
    return session.scalar(query.where(owner))


def _notes(session, study: Study, notes, documents, codes, coders, summary) -> None:
    """Add each note as a memo, once (a re-import finds it by GUID, or its words in the memo).

    A memo is one per coder per target (no author counts as one coder): a
    second note by the same author on the same target is joined to the first
    memo after a blank line, as merging codes joins memos.
    """
    for note in notes:
        guid = local_guid(session, Memo, study, note.guid)
        target = _note_target(note, documents, codes)
        if target is None or session.scalar(select(Memo.id).where(Memo.public_id == guid)):
            continue
        author = coders.get(note.author) if note.author else None
        coder = author.target(session, study, summary) if author else None
        memo = _memo_on(session, study, target, coder)
        if memo is None:
            owner = coder.id if coder else None
            session.add(
                Memo(public_id=guid, study_id=study.id, coder_id=owner, text=note.text, **target)
            )
        elif _held(memo.text, note.text):
            continue
        else:
            memo.text, memo.updated_at = join_memos(memo.text, note.text), now()
        session.flush()
        summary.notes_added += 1
