"""Exports: a study's coding as a `coding.model.Project`, and the files made from it.

`project_for` reads the database into the library's plain data: the codebook
in tree order, every document with its case, the cases with their
attributes, the coders, their codings and the memos as notes. It applies
blind mode: someone who may see only their own codings gets a project with
only their codings, their coder and their memos. Everything else (tables,
REFI-QDA) is made from that project, so no export can show more than the
person exporting may see.

Exports carry the documents' redacted renditions (`redacted`), as the
coding pages do: each document's text is its rendition and each coding's
start and end are drawn over it (`Rendition.span_to_redacted`), so the coded
segments' text, the matrix and a .qdpx project hold no redacted words. Only
someone with the `redact` permission (a data steward, an administrator) may
ask for the raw text (`TEXTS`). An export that carries respondents' words
(coded segments, the project), redacted or raw, is recorded as a view of
text, and every export is audited (who, which export, redacted or raw, how
many rows, never the content).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding import codebook_csv, refi
from coding import model as lib
from coding.redaction import Rendition
from survey.extensions import write_transaction
from survey.models import Code, Coder, CodingCase, CodingDocument, Memo, Segment, Study, User
from survey.services import audit, quotes
from survey.services.coding import codebook, reading, redacted, tables
from survey.services.coding.coders import coders_of, visible_coder_ids
from survey.services.coding.documents import attributes_of, free_text_items
from survey.services.studies import instrument_of

SEGMENT_FORMATS = ("csv", "xlsx")
CODEBOOK_FORMATS = ("csv", "qdc")
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QDC = "application/xml"
QDPX = "application/zip"
DESCRIPTION = "Exported from Heard."
REDACTED, RAW = "redacted", "raw"
TEXTS = (REDACTED, RAW)  # the first is the default


@dataclass(frozen=True)
class Download:
    """A file to hand to the person: its name (built from the slug), type, bytes and rows."""

    filename: str
    mimetype: str
    data: bytes
    rows: int


def case_name(guid: str) -> str:
    """Return the name a case goes by in exchange files: never a person's name."""
    return f"case {guid[:8]}"


def codebook_of(session: Session, study: Study) -> lib.Codebook:
    """Return the study's codebook as library data, in tree order, named after the study."""
    return replace(codebook.as_codebook(codebook.rows(session, study)), name=study.title)


def _documents(
    session: Session, study: Study, raw: bool
) -> tuple[list[lib.Document], list[lib.Case], dict[str, Rendition]]:
    """Return the documents (redacted unless `raw`), the cases, and {GUID: rendition} used."""
    cases = session.scalars(
        select(CodingCase).where(CodingCase.study_id == study.id).order_by(CodingCase.id)
    ).all()
    case_guids = {case.id: case.public_id for case in cases}
    rows = session.scalars(
        select(CodingDocument)
        .where(CodingDocument.study_id == study.id)
        .order_by(CodingDocument.id)
    ).all()
    views = {} if raw else redacted.renditions(session, rows)
    documents = [
        lib.Document(
            guid=row.public_id,
            name=row.name,
            text=row.text if raw else views[row.id].text,
            case=case_guids.get(row.case_id) if row.case_id else None,
            question=row.item_id,
            kind=row.kind,
        )
        for row in rows
    ]
    found = [
        lib.Case(case.public_id, case_name(case.public_id), attributes_of(case)) for case in cases
    ]
    return documents, found, {row.public_id: views[row.id] for row in rows if row.id in views}


def _over(codings: list[lib.Coding], views: dict[str, Rendition]) -> list[lib.Coding]:
    """Return the codings with their raw spans drawn over their documents' renditions."""
    found = []
    for coding in codings:
        view = views.get(coding.document)
        if view is None:
            found.append(coding)
            continue
        start, end = redacted.shown(view, coding.start, coding.end)
        found.append(replace(coding, start=start, end=end))
    return found


def _codings(session: Session, study: Study, coder_ids: set[int]) -> list[lib.Coding]:
    rows = session.execute(
        select(Segment, CodingDocument.public_id, Code.public_id, Coder.public_id)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .join(Code, Code.id == Segment.code_id)
        .join(Coder, Coder.id == Segment.coder_id)
        .where(CodingDocument.study_id == study.id, Segment.coder_id.in_(coder_ids))
        .order_by(CodingDocument.id, Segment.start, Segment.end, Code.position, Segment.id)
    ).all()
    return [
        lib.Coding(
            guid=segment.public_id,
            document=document,
            code=code,
            coder=coder,
            start=segment.start,
            end=segment.end,
            memo=segment.memo,
            distressing=segment.distressing,
        )
        for segment, document, code, coder in rows
    ]


def _notes(session: Session, study: Study, coders: dict[int, str]) -> list[lib.Note]:
    rows = session.execute(
        select(Memo, Code.public_id, CodingDocument.public_id)
        .outerjoin(Code, Code.id == Memo.code_id)
        .outerjoin(CodingDocument, CodingDocument.id == Memo.document_id)
        .where(Memo.study_id == study.id)
        .order_by(Memo.id)
    ).all()
    return [
        lib.Note(
            guid=memo.public_id,
            text=memo.text,
            target=code or document,
            author=coders.get(memo.coder_id) if memo.coder_id else None,
        )
        for memo, code, document in rows
        if (memo.coder_id is None or memo.coder_id in coders) and memo.text.strip()
    ]


def project_for(
    session: Session, study: Study, user: User | None, text: str = REDACTED
) -> lib.Project:
    """Return `study`'s coding project as `user` may see it (None: everything, for the CLI).

    `text` is REDACTED (documents are their renditions, codings drawn over
    them) or RAW; the caller checks that whoever asks for RAW may.
    """
    visible = visible_coder_ids(session, study, user) if user is not None else None
    coders = [c for c in coders_of(session, study) if visible is None or c.id in visible]
    documents, cases, views = _documents(session, study, text == RAW)
    codings = _over(_codings(session, study, {c.id for c in coders}), views)
    return lib.Project(
        name=study.title,
        codebook=codebook_of(session, study),
        documents=tuple(documents),
        cases=tuple(cases),
        coders=tuple(lib.Coder(c.public_id, c.name, c.kind) for c in coders),
        codings=tuple(codings),
        notes=tuple(_notes(session, study, {c.id: c.public_id for c in coders})),
        description=DESCRIPTION,
    )


def question_labels(study: Study) -> dict[str, str]:
    """Return {question id: label} for every free-text question of the study's instrument."""
    return free_text_items(instrument_of(study.instrument_version))


def record_export(
    session: Session,
    actor: User | None,
    study: Study,
    export: str,
    rows: int,
    raw: bool,
    text: str = REDACTED,
) -> None:
    """Audit an export (who, which, redacted or raw, how many rows); one with respondents'
    words (`raw`) is also a view of text.

    Both records are one transaction: never a view of text without its export, or the reverse.
    """
    with write_transaction(session):
        if raw:
            reading.note_view(session, actor, study, f"export:{export}", rows=rows)
        audit.record(session, actor, "coding.export", study, export=export, rows=rows, text=text)


def export_segments(
    session: Session, actor: User | None, study: Study, fmt: str, text: str = REDACTED
) -> Download:
    """Return the coded segments `actor` may see as CSV or XLSX, and record the export."""
    project = project_for(session, study, actor, text)
    withheld = quotes.unquotable_document_guids(session, study)
    frame = tables.segments_frame(project, question_labels(study), withheld)
    if fmt == "xlsx":
        data, mimetype = tables.xlsx_bytes(frame, "Coded segments"), XLSX
    else:
        data, mimetype = tables.csv_bytes(frame, bom=True), CSV
    record_export(session, actor, study, f"segments-{fmt}", len(frame), True, text)
    return Download(f"{study.slug}-coded-segments.{fmt}", mimetype, data, len(frame))


def export_matrix(session: Session, actor: User | None, study: Study, values: str) -> Download:
    """Return the code by case matrix (binary or counts) as CSV for R or Stata."""
    frame = tables.matrix_frame(project_for(session, study, actor), values)
    record_export(session, actor, study, f"matrix-{values}", len(frame), raw=False)
    data = tables.csv_bytes(frame, bom=False)
    return Download(f"{study.slug}-code-matrix-{values}.csv", CSV, data, len(frame))


def export_codebook(session: Session, actor: User | None, study: Study, fmt: str) -> Download:
    """Return the codebook as CSV or REFI-QDA .qdc."""
    book = codebook_of(session, study)
    if fmt == "qdc":
        data, mimetype = refi.write_qdc(book), QDC
    else:
        data, mimetype = codebook_csv.write_codebook_csv(book).encode("utf-8-sig"), CSV
    record_export(session, actor, study, f"codebook-{fmt}", len(book.codes), raw=False)
    return Download(f"{study.slug}-codebook.{fmt}", mimetype, data, len(book.codes))


def _noting_declined(session: Session, study: Study, project: lib.Project) -> lib.Project:
    """Name, in the project's description, the cases whose respondents asked not to be quoted.

    The .qdpx is a working copy for another coding tool, so it keeps their
    words (coding them is analysis); the note travels with it to whoever reports.
    """
    declined = quotes.unquotable_document_guids(session, study)
    cases = sorted({case_name(d.case) for d in project.documents if d.guid in declined and d.case})
    if not cases:
        return project
    note = "Never quote the words of these cases: their respondents asked not to be quoted."
    return replace(project, description=f"{DESCRIPTION}\n\n{note} {', '.join(cases)}.")


def export_project(
    session: Session, actor: User | None, study: Study, text: str = REDACTED
) -> Download:
    """Return the whole project `actor` may see as REFI-QDA .qdpx (redacted unless `text` is
    RAW), and record the export."""
    project = _noting_declined(session, study, project_for(session, study, actor, text))
    data = refi.write_qdpx(project)
    record_export(session, actor, study, "project-qdpx", len(project.documents), True, text)
    suffix = "-raw" if text == RAW else ""
    return Download(f"{study.slug}{suffix}.qdpx", QDPX, data, len(project.documents))
