"""What makes a stored build unsafe to let out today, though it passed when it was built.

A build keeps the snapshot it was made from, so it can be downloaded again
identically. Three things may have changed since:

* `stale_quotes`: a quote's words as the one quote filter gives them today
  (the segment's current redacted rendition, the respondent's current
  choice, the study's current export settings) differ from the words kept
  in the build, or the passage is gone: a steward redacted a word, the
  respondent asked not to be quoted, the study now withholds free text.
  The build must not let out what may no longer be quoted: build again.
* `moved_responses`: another build of the study already exported counted a
  few more or fewer completed responses (1 to k-1). Every table of the two
  could be subtracted to describe those few people, so only one of them may
  leave; the message says how many more responses are needed.
* `version_notes`: the libraries that write the files are not those the
  build recorded; the data are the same, the bytes may not be (a note for
  the analyst, not a problem).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.findings.snapshot import Snapshot, ThemeFacts
from survey.models import CodingDocument, ReportBuild, Study, User
from survey.services.coding.redaction import renditions
from survey.services.reports import facts
from survey.services.reports.passages import passages, quote_text, quotes_refused
from survey.services.reports.safety import Problem
from survey.services.reports.themes import Tree

__all__ = ["MOVED", "STALE", "moved_responses", "stale_quotes", "version_notes"]

STALE = "stale_quote"
MOVED = "responses_moved"
STALE_MESSAGE = (
    "A quote changed or can no longer be quoted since this build: build again"
    " (“Check and export” on the builder)."
)


def _stale(where: str, why: str = "") -> Problem:
    return Problem(where, STALE, f"{STALE_MESSAGE}{' ' + why if why else ''}", "")


def _where(theme: ThemeFacts, index: int) -> str:
    return f"theme “{theme.name[:40]}” quote {index}"


def _current(
    session: Session, study: Study, viewer: User, tree: Tree, theme: ThemeFacts
) -> dict[str, str]:
    """Return {segment id: the quote's words today} of the theme's quotes that may still be used."""
    node = tree.by_guid.get(theme.id)
    if node is None:
        return {}
    wanted = [quote.id for quote in theme.quotes]
    usable = [
        p
        for p in passages(session, study, viewer, tree.covered(node.id), guids=wanted)
        if p.quotable
    ]
    documents = session.scalars(
        select(CodingDocument).where(CodingDocument.id.in_({p.document_id for p in usable}))
    ).all()
    views = renditions(session, documents)
    return {p.guid: quote_text(views[p.document_id], p) for p in usable}


def stale_quotes(session: Session, study: Study, viewer: User, snapshot: Snapshot) -> list[Problem]:
    """Return a problem for each quote of `snapshot` whose words today are not those it kept."""
    quoted = [theme for theme in snapshot.themes if theme.quotes]
    if not quoted:
        return []
    refused = quotes_refused(session, study)
    if refused:
        return [_stale("the report's quotes", refused)]
    tree = Tree.of(session, study)
    found = []
    for theme in quoted:
        now = _current(session, study, viewer, tree, theme)
        found += [
            _stale(_where(theme, index))
            for index, quote in enumerate(theme.quotes, 1)
            if now.get(quote.id) != quote.text
        ]
    return found


def _exported(session: Session, study: Study, skip: int | None) -> list[tuple[int, object]]:
    """Return (completed responses, last export day) of the study's other exported builds."""
    rows = session.execute(
        select(ReportBuild.id, ReportBuild.exported_on, ReportBuild.snapshot)
        .where(ReportBuild.study_id == study.id, ReportBuild.exported_on.is_not(None))
        .order_by(ReportBuild.exported_on.desc(), ReportBuild.id.desc())
    ).all()
    return [
        (Snapshot.from_json(snapshot).study.responses, day)
        for build_id, day, snapshot in rows
        if build_id != skip
    ]


def _enough(count: int, out: Iterable[int], k: int) -> int:
    """Return the first count from `count` on that differs from each of `out` by 0 or k or more."""
    out = set(out)
    while any(0 < abs(count - n) < k for n in out):
        count += 1
    return count


def moved_responses(
    session: Session, study: Study, snapshot: Snapshot, *, build_id: int | None = None
) -> list[Problem]:
    """Return a problem if a build already exported counted 1 to k-1 responses more or fewer."""
    k = max(snapshot.study.threshold, study.disclosure_threshold)
    count = snapshot.study.responses
    out = _exported(session, study, build_id)
    close = [(n, day) for n, day in out if 0 < abs(count - n) < k]
    if not close:
        return []
    n, day = close[0]  # the most recently exported
    needed = _enough(count, (m for m, _ in out), k) - count
    message = (
        f"This build counts {count} completed responses; a build of this study exported on "
        f"{day:%-d %B %Y} counted {n}. A reader could subtract one report's tables from the "
        f"other's to describe the {abs(count - n)} people in between. Export that earlier build "
        f"again, or wait until {needed} more {'response is' if needed == 1 else 'responses are'}"
        " completed and build again."
    )
    return [Problem("the whole report", MOVED, message, "")]


def installed_versions() -> dict[str, str]:
    """Return {library: version} installed now, as a build records them."""
    return dict(facts.versions())


def version_notes(snapshot: Snapshot) -> tuple[str, ...]:
    """Say so if the libraries that write the files are not the versions the build recorded."""
    kept, now = dict(snapshot.versions), installed_versions()
    changed = [
        f"{name} {kept.get(name, 'not recorded')} → {version}"
        for name, version in now.items()
        if kept.get(name) != version
    ]
    if not changed:
        return ()
    return (
        "The software that writes the files has changed since this build ("
        + ", ".join(changed)
        + "): the numbers and words are the same, but a download may not be byte for byte"
        " the same file as an earlier download of this build.",
    )
