"""Build a report, check it, and let it out: HTML, Word (DOCX) or Markdown.

`build_report` gathers the data as the analyst chose (`gather`) and stores
the snapshot with its fingerprint as a `ReportBuild` (sealed: it holds the
quotes); the same snapshot is never stored twice for a report. `export`
rebuilds the document from the stored snapshot, so an export can be made
again identically, runs the safety check (`safety.check`: identifiers
left in any text the reader sees, a count under the threshold) and the
checks of what changed since the build (`freshness`: a quote that may no
longer be quoted as kept, another exported build a few responses apart),
and refuses with `ExportBlocked` and the list of problems, or returns the
file's name, type and bytes. The file's name holds the study's slug, the
build's (checked) title and its fingerprint, never the report's live title.
Every export is audited (``report.export``: who, which report, the format,
the fingerprint's start; the audit row gives when), recorded as a view of
respondents' words (``coding.read_text``) and on the build (`exported_on`).

`preview` shows the report as it would be built today, with the problems a
build would have, and writes nothing but the record of reading (a GET).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import html as lxml_html
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.findings.build import build
from analysis.findings.document import Document
from analysis.findings.snapshot import Snapshot, fingerprint
from survey.extensions import write_transaction
from survey.models import Report, ReportBuild, Study, User
from survey.models.studies import today as today_
from survey.services import audit
from survey.services.coding import reading
from survey.services.reports import freshness, safety, store
from survey.services.reports.errors import ChoicesInvalid, ReportError
from survey.services.reports.gather import gather

__all__ = [
    "FORMATS",
    "Checked",
    "ExportBlocked",
    "build_of",
    "build_report",
    "check",
    "export",
    "preview",
]

FORMATS = {
    "html": ("HTML page", "text/html; charset=utf-8", "html"),
    "docx": (
        "Word document (DOCX)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "md": ("Markdown", "text/markdown; charset=utf-8", "md"),
}


LANDMARKS = {"main", "header", "footer", "nav", "aside"}
DEMOTED = {f"h{n}": f"h{n + 1}" for n in range(1, 6)}


class ExportBlocked(ReportError):
    """The safety check found problems: `problems` says what to fix, and where."""

    def __init__(self, problems: list) -> None:
        super().__init__(f"{len(problems)} problem(s) must be fixed before the report can leave")
        self.problems = problems


@dataclass(frozen=True)
class Checked:
    """A stored build, rebuilt: its snapshot, document, safety problems and notes."""

    build: ReportBuild
    snapshot: Snapshot
    document: Document
    problems: list
    notes: tuple[str, ...]


def _snapshot(
    session: Session, study: Study, user: User, report: Report, day: dt.date, *, tidy: bool
):
    """Return the snapshot of the report's choices as of `day` and the notes.

    With `tidy` the vanished themes and quotes are deleted first (a POST);
    without, they are only named (a GET): either way they are not gathered.
    """
    notes = store.tidy(session, study, user, report) if tidy else store.vanished(session, report)
    gathered = gather(session, study, user, store.choices_of(session, report), today=day)
    return gathered.snapshot, (*notes, *gathered.notes)


def build_report(
    session: Session, study: Study, user: User, report: Report, *, today: dt.date
) -> ReportBuild:
    """Gather the report's data as of `today` and store it as a build (or return the same one)."""
    snapshot, _ = _snapshot(session, study, user, report, today, tidy=True)
    print_ = fingerprint(snapshot)
    same = session.scalar(
        select(ReportBuild).where(
            ReportBuild.report_id == report.id, ReportBuild.fingerprint == print_
        )
    )
    if same is not None:
        return same
    made = ReportBuild(
        report_id=report.id,
        study_id=study.id,
        built_on=today,
        built_by=user.id,
        fingerprint=print_,
        snapshot=snapshot.to_json(),
    )
    with write_transaction(session):
        session.add(made)
        session.flush()
        audit.record(
            session, user, "report.build", report, build=made.public_id, fingerprint=print_[:12]
        )
    return made


def build_of(session: Session, study: Study, report: Report, guid: str) -> ReportBuild:
    """Return the build `guid` of `report`, or raise ReportNotFound."""
    found = session.scalar(
        select(ReportBuild).where(
            ReportBuild.public_id == guid,
            ReportBuild.report_id == report.id,
            ReportBuild.study_id == study.id,
        )
    )
    if found is None:
        raise store.ReportNotFound(guid)
    return found


def check(session: Session, study: Study, made: ReportBuild, viewer: User) -> Checked:
    """Rebuild a stored build's document and run the safety and freshness checks over it."""
    snapshot = Snapshot.from_json(made.snapshot)
    document = build(snapshot)
    found = [
        *safety.check(session, study, snapshot, document),
        *freshness.stale_quotes(session, study, viewer, snapshot),
        *freshness.moved_responses(session, study, snapshot, build_id=made.id),
    ]
    notes = (*snapshot.notes, *freshness.version_notes(snapshot))
    return Checked(made, snapshot, document, found, notes)


def _render(document: Document, fmt: str) -> bytes:
    if fmt == "html":
        from analysis.findings.render_html import to_html

        return to_html(document).encode("utf-8")
    if fmt == "md":
        from analysis.findings.render_markdown import to_markdown

        return to_markdown(document).encode("utf-8")
    from analysis.findings.render_docx import to_docx

    return to_docx(document)


def _quotes(snapshot: Snapshot) -> int:
    return sum(len(theme.quotes) for theme in snapshot.themes)


def _filename(study: Study, snapshot: Snapshot, made: ReportBuild, ext: str) -> str:
    """Return a plain ASCII file name: study, the build's checked title, fingerprint's start."""
    title = re.sub(r"[^a-z0-9]+", "-", snapshot.settings.title.lower()).strip("-")[:40]
    return f"{study.slug}-{title or 'report'}-{made.fingerprint[:8]}.{ext}"


def export(
    session: Session,
    study: Study,
    user: User,
    made: ReportBuild,
    fmt: str,
    *,
    today: dt.date | None = None,
) -> tuple[str, str, bytes]:
    """Return (file name, media type, bytes) of a stored build in `fmt`, if it passes the check."""
    if fmt not in FORMATS:
        raise ChoicesInvalid("Choose one of the formats listed: HTML, Word (DOCX) or Markdown.")
    checked = check(session, study, made, user)
    if checked.problems:
        raise ExportBlocked(checked.problems)
    _, mimetype, ext = FORMATS[fmt]
    content = _render(checked.document, fmt)
    report = session.get(Report, made.report_id)
    with write_transaction(session):
        made.exported_on = today or today_()
        audit.record(
            session, user, "report.export", report,
            format=fmt, build=made.public_id, fingerprint=made.fingerprint[:12],
        )  # fmt: skip
        reading.note_view(session, user, study, "report", report, texts=_quotes(checked.snapshot))
    return _filename(study, checked.snapshot, made, ext), mimetype, content


@dataclass(frozen=True)
class Preview:
    """The report as it would be built now: its body as safe HTML, notes and safety problems."""

    body: Markup
    notes: tuple[str, ...]
    quotes: int
    problems: tuple


def preview(
    session: Session, study: Study, user: User, report: Report, *, today: dt.date
) -> Preview:
    """Return the report's document as of `today` and what would block it, storing nothing."""
    from analysis.findings.render_html import to_html

    snapshot, notes = _snapshot(session, study, user, report, today, tidy=False)
    document = build(snapshot)
    problems = (
        *safety.check(session, study, snapshot, document),
        *freshness.moved_responses(session, study, snapshot),
    )
    body = page_body(to_html(document))
    shown = _quotes(snapshot)
    if shown:
        reading.record_view(session, user, study, "report", report, texts=shown)
    return Preview(body, tuple(dict.fromkeys(notes)), shown, problems)


def page_body(page: str) -> Markup:
    """Return the inside of a rendered page's <body>, for a staff page with a strict CSP.

    Styles and scripts are dropped (the staff stylesheet styles it by class),
    landmarks become plain boxes and headings go one level down, under the
    page's own; the text was escaped by the renderer and lxml writes it back
    escaped.
    """
    tree = lxml_html.document_fromstring(page)
    for bad in tree.xpath("//style | //script | //link | //meta"):
        bad.drop_tree()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in LANDMARKS:  # the staff page has its own main, header and footer
            element.tag = "div"
        elif element.tag in DEMOTED:  # under the staff page's own h1
            element.tag = DEMOTED[element.tag]
        for name in list(element.attrib):
            if name == "style" or name.startswith("on"):
                del element.attrib[name]
    body = tree.find("body")
    parts = [lxml_html.tostring(child, encoding="unicode") for child in body]
    # Reviewed (bandit B704, semgrep): serialised by lxml from the findings renderer,
    # which escapes every text; styles, scripts and event attributes are dropped above.
    # nosemgrep: heard-markup-non-literal
    return Markup("".join(parts))  # noqa: S704  # nosec B704
