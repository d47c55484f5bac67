"""The builder's edits of a report's closed questions and of the breakdowns of its themes.

Each edit is one write transaction and one audit event naming the report and
the question's item id (see `store`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.extensions import write_transaction
from survey.models import Report, ReportQuestion, Study, User
from survey.services import audit
from survey.services.analysis.codes_view import attribute_questions
from survey.services.analysis.describe_view import closed_questions
from survey.services.reports.choices import MAX_BREAKDOWNS, MAX_ITEMS
from survey.services.reports.errors import ChoicesInvalid, ItemNotFound
from survey.services.reports.store import move, questions_of, renumber, touch

__all__ = ["add_question", "move_question", "remove_question", "set_breakdowns"]


def _question(study: Study, item_id: str, single: bool = False) -> str:
    questions = attribute_questions(study) if single else closed_questions(study)
    if item_id not in {q.item_id for q in questions}:
        raise ItemNotFound("That question is not one of this study's closed questions.")
    return item_id


def add_question(session: Session, study: Study, user: User, report: Report, item_id: str) -> None:
    """Chart closed question `item_id`, after the others."""
    _question(study, item_id)
    rows = questions_of(session, report)
    if item_id in {q.item_id for q in rows}:
        raise ChoicesInvalid("That question is already in the report.")
    if len(rows) >= MAX_ITEMS:
        raise ChoicesInvalid(f"A report can chart at most {MAX_ITEMS} closed questions.")
    try:
        with write_transaction(session):
            session.add(ReportQuestion(report_id=report.id, item_id=item_id, position=len(rows)))
            touch(report)
            audit.record(session, user, "report.question_add", report, item=item_id)
    except IntegrityError:
        raise ChoicesInvalid("That question is already in the report.") from None


def _chosen_question(session: Session, report: Report, item_id: str) -> ReportQuestion:
    for row in questions_of(session, report):
        if row.item_id == item_id:
            return row
    raise ItemNotFound("That question is not in this report (any more).")


def remove_question(
    session: Session, study: Study, user: User, report: Report, item_id: str
) -> None:
    """Stop charting closed question `item_id`."""
    row = _chosen_question(session, report, item_id)
    with write_transaction(session):
        session.delete(row)
        session.flush()
        renumber(questions_of(session, report))
        touch(report)
        audit.record(session, user, "report.question_remove", report, item=item_id)


def move_question(
    session: Session, study: Study, user: User, report: Report, item_id: str, direction: str
) -> None:
    """Move closed question `item_id` one place up or down."""
    row = _chosen_question(session, report, item_id)
    with write_transaction(session):
        rows = questions_of(session, report)
        if move(rows, [q.id for q in rows].index(row.id), direction):
            touch(report)
            audit.record(session, user, "report.question_move", report, item=item_id, to=direction)


def set_breakdowns(
    session: Session, study: Study, user: User, report: Report, item_ids: Sequence[str]
) -> None:
    """Break every theme down by the single-answer questions `item_ids` (in the study's order)."""
    wanted = set(item_ids)
    order = [q.item_id for q in attribute_questions(study)]
    if wanted - set(order):
        raise ItemNotFound("Choose questions with one answer from the list.")
    if len(wanted) > MAX_BREAKDOWNS:
        raise ChoicesInvalid(f"Break the themes down by at most {MAX_BREAKDOWNS} questions.")
    chosen = [item for item in order if item in wanted]
    with write_transaction(session):
        report.breakdowns_json = json.dumps(chosen)
        touch(report)
        audit.record(session, user, "report.breakdowns", report, questions=len(chosen))
