"""A findings report of the synthetic coding demo, so `make run` has one to open.

`heard demo` calls `ensure_report` once the coding demo exists: a report with
three themes (two codes and a category that holds neither), a short text and
two quotes each, one closed question charted and one breakdown. Nothing is
built or exported: the person trying Heard presses "Check and export". The
demo's answers are made up (`coding.demo`), and its report says so.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.redaction import propose_redactions
from survey.extensions import write_transaction
from survey.models import (
    CodingDocument,
    Report,
    ReportQuestion,
    ReportQuote,
    ReportTheme,
    Segment,
    Study,
)
from survey.services.coding.redaction import renditions
from survey.services.reports.passages import passages, quote_text
from survey.services.reports.safety import PLACEHOLDER
from survey.services.reports.themes import Tree

__all__ = ["THEMES", "TITLE", "ensure_report"]

TITLE = "What survivors told us about their first contact with the police (demo)"
INTRODUCTION = (
    "This demonstration report is built from made-up answers. It shows how a findings "
    "report reads: each theme with how many respondents raised it, in their own words."
)
THEMES = (
    ("Not believed", "Many people said the police did not believe them at first."),
    ("Treated with kindness", "Others described officers who were patient and kind."),
    ("Fear", "Fear of the exploiters, and of immigration enforcement, ran through the answers."),
)
QUESTION, BREAKDOWN = "believed", "gender"
QUOTES_PER_THEME = 2


def ensure_report(session: Session, study: Study) -> str:
    """Add the demo report to the coding demo `study` once; say what happened."""
    if session.scalar(select(Report.id).where(Report.study_id == study.id).limit(1)):
        return "Demo findings report already there."
    tree = Tree.of(session, study)
    by_name = {node.name: node for node in tree.by_guid.values()}
    missing = [name for name, _ in THEMES if name not in by_name]
    if missing:
        return f"No demo findings report: the codebook has no {', '.join(missing)}."
    with write_transaction(session):
        report = Report(
            study_id=study.id,
            title=TITLE,
            introduction=INTRODUCTION,
            breakdowns_json=json.dumps([BREAKDOWN]),
        )
        session.add(report)
        session.flush()
        session.add(ReportQuestion(report_id=report.id, position=0, item_id=QUESTION))
        for position, (name, narrative) in enumerate(THEMES):
            node = by_name[name]
            theme = ReportTheme(
                report_id=report.id,
                study_id=study.id,
                position=position,
                code_id=node.id,
                name=name,
                narrative=narrative,
            )
            session.add(theme)
            session.flush()
            for place, segment_id in enumerate(_quotes(session, study, tree, node.id)):
                session.add(
                    ReportQuote(report_theme_id=theme.id, segment_id=segment_id, position=place)
                )
    return f"Demo findings report added: “{TITLE}”."


def _quotes(session: Session, study: Study, tree: Tree, code_id: int) -> list[int]:
    """Return the ids of the first quotable passages of the theme, one per respondent.

    A passage in which the redaction proposals still find something is passed
    over, as an analyst would, so the demo report passes its safety check.
    """
    # The demo's coders are not blind, so every coding is visible: no viewer is needed.
    found = [p for p in passages(session, study, None, tree.covered(code_id)) if p.quotable]  # type: ignore[arg-type]
    documents = session.scalars(
        select(CodingDocument).where(CodingDocument.id.in_({p.document_id for p in found}))
    ).all()
    views = renditions(session, documents)
    chosen, cases = [], set()
    for passage in sorted(found, key=lambda p: p.guid):
        words = PLACEHOLDER.sub(" ", quote_text(views[passage.document_id], passage))
        if passage.case_id in cases or propose_redactions(words):
            continue
        chosen.append(passage.guid)
        cases.add(passage.case_id)
        if len(chosen) == QUOTES_PER_THEME:
            break
    ids = dict(session.execute(select(Segment.public_id, Segment.id).where(
        Segment.public_id.in_(chosen))).all())  # fmt: skip
    return [ids[guid] for guid in chosen]
