"""Codes by a respondent attribute: how many respondents have each code, per answer to a question.

The table the analysis page `/analysis/<slug>/codes` shows and exports, and
the one reports use (`code_attribute_table`).

Who counts where:

* A case (a respondent) counts for a code when at least one segment of that
  code lies in one of the case's documents (answers or transcripts).
* Only the codings of coders the viewer may see count (blind mode,
  `coders.visible_coder_ids`). In each document, the consensus coder's
  codings count when the consensus has coded that document; otherwise every
  visible coder's codings count (a case coded by two people counts once).
* The columns are the case's answer to one closed question that takes a
  single answer (its case attribute: the choice label or the non-answer
  code); a case without that attribute (a transcript with no response) is
  under "No answer". Each case is in exactly one column, so a code's row
  adds up to the number of respondents with the code.

Disclosure control, with the study's threshold k:

* The row totals (respondents per code) are the same whichever question is
  chosen, so they are suppressed once, as one frequency line whose total is
  the grand total (`analysis.disclosure.suppress`): choosing another question
  never shows a total this one hides.
* The cells are suppressed with `suppress_with_margins`, knowing those row
  totals and the grand total: no cell from 1 to k-1 is shown, and no hidden
  cell follows from the published cells and totals. The column totals count
  codings (a respondent with two codes counts twice in a column).
* When no set of cells can protect a small cell, the table is withheld.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.describe import NON_ANSWERS
from analysis.disclosure import ProtectionError, suppress, suppress_with_margins
from survey.models import Coder, CodingCase, CodingDocument, Segment, Study, User
from survey.services.analysis.describe_view import ClosedQuestion, closed_questions
from survey.services.coding import coders as coders_service
from survey.services.coding.code_view import codebook
from survey.services.errors import ServiceError
from survey.services.exports import neutralise
from survey.services.review import NON_ANSWER_WORDS
from survey.services.studies import instrument_of

__all__ = [
    "NO_ANSWER",
    "QuestionNotFound",
    "SuppressedTable",
    "answer_columns",
    "answer_word",
    "attribute_questions",
    "case_answers",
    "code_attribute_table",
    "coded_cases",
    "count_table",
    "protect",
    "respondent_codes",
    "table_csv",
]

NO_ANSWER = "No answer"
TOTAL = "Total"


class QuestionNotFound(ServiceError):
    """The study has no closed single-answer question with that id."""


@dataclass(frozen=True)
class SuppressedTable:
    """Respondents per code (rows) and answer (columns), with totals; hidden counts are None.

    `cells` has one line per code and a last line of totals; each line has one
    count per column and a last total. `withheld` says no table can be shown.
    """

    by: ClosedQuestion
    row_labels: list[str]
    column_labels: list[str]
    cells: list[list[int | None]]
    threshold: int
    withheld: bool = False

    @property
    def hidden(self) -> int:
        """Return how many counts (cells and totals) are hidden."""
        return sum(value is None for line in self.cells for value in line)


def attribute_questions(study: Study) -> list[ClosedQuestion]:
    """Return the closed questions that take one answer: the columns a table can have."""
    return [q for q in closed_questions(study) if not q.multiple]


def coded_cases(
    codings: Iterable[tuple[int, int, int, int]], consensus: int | None
) -> set[tuple[int, int]]:
    """Return the (case, code) pairs of `codings` given as (document, case, code, coder).

    In a document the consensus coder (`consensus`) has coded, only its codings count.
    """
    rows = list(codings)
    reconciled = {document for document, _, _, coder in rows if coder == consensus}
    return {
        (case, code)
        for document, case, code, coder in rows
        if document not in reconciled or coder == consensus
    }


def count_table(
    pairs: Iterable[tuple[int, int]],
    answers: Mapping[int, str],
    codes: Sequence[int],
    columns: Sequence[str],
) -> pd.DataFrame:
    """Return codes by answers: how many cases of each answer have each code.

    `pairs` are (case, code); `answers` maps a case to its column (missing:
    NO_ANSWER). Rows follow `codes` and columns `columns`, every count shown.
    """
    table = pd.DataFrame(0, index=list(codes), columns=list(columns), dtype="int64")
    for case, code in pairs:
        if code in table.index:
            table.loc[code, answers.get(case, NO_ANSWER)] += 1
    return table


def protect(counts: pd.DataFrame, k: int) -> pd.DataFrame | None:
    """Return `counts` with totals, hidden counts as NA, or None when it cannot be protected.

    The row totals are suppressed as one frequency line first (they do not
    depend on the columns), then the cells knowing them.
    """
    inner = counts.copy()
    inner.index = [f"r{i}" for i in range(len(inner.index))]
    inner.columns = [f"c{j}" for j in range(len(inner.columns))]
    row_totals = suppress(inner.sum(axis=1).astype("int64"), k)
    try:
        shown = suppress_with_margins(inner, k, total_label=TOTAL, row_totals=row_totals)
    except ProtectionError:
        return None
    if not totals_stay_free(shown.isna().to_numpy()):
        return None
    shown.index = [*counts.index, TOTAL]
    shown.columns = [*counts.columns, TOTAL]
    return shown


def totals_stay_free(hidden: np.ndarray) -> bool:
    """Say whether the table lets its hidden row totals vary as freely as their own line does.

    `hidden` is the mask of a table with margins. The row totals are the same
    in the table of every question, so two tables must not pin down a total
    together: each must leave the hidden row totals every variation that
    keeps their sum (the grand total, when it is shown). Then any two tables
    are safe together, because a variation of one table's hidden counts can
    always be matched in the other.
    """
    totals = hidden[:-1, -1]
    expected = int(totals.sum()) - (0 if hidden[-1, -1] else 1)
    if expected <= 0:
        return True
    sign = np.ones(hidden.shape)
    sign[-1, :-1] = sign[:-1, -1] = -1
    equations = np.zeros((hidden.shape[0] + hidden.shape[1], int(hidden.sum())))
    positions = {cell: i for i, cell in enumerate(zip(*np.nonzero(hidden), strict=True))}
    for (r, c), i in positions.items():
        equations[r, i] = sign[r, c]
        equations[hidden.shape[0] + c, i] = sign[r, c]
    _, singular, vt = np.linalg.svd(equations)
    null_space = vt[int((singular > 1e-9).sum()) :]
    if not len(null_space):
        return False
    wanted = [positions[(r, hidden.shape[1] - 1)] for r in np.flatnonzero(totals)]
    return int(np.linalg.matrix_rank(null_space[:, wanted], tol=1e-9)) == expected


def answer_columns(study: Study, item_id: str, present: Iterable[str]) -> list[str]:
    """Return the answers of `item_id` in order: choices, other values, non-answers, none."""
    instrument = instrument_of(study.instrument_version)
    item, language = instrument.item(item_id), instrument.default_language
    offered = [choice.label.get(language) for choice in item.choices]
    if item.type == "yes_no":
        offered = ["Yes", "No"]
    seen = set(present)
    others = sorted(seen - set(offered) - set(NON_ANSWERS) - {NO_ANSWER}, key=str.casefold)
    missing = [code for code in NON_ANSWERS if code in seen]
    ordered = [*offered, *others, *missing, *([NO_ANSWER] if NO_ANSWER in seen else [])]
    return ordered or [NO_ANSWER]


def _codings(session: Session, study: Study, viewer: User) -> list[tuple[int, int, int, int]]:
    """Return (document, case, code, coder) of every segment the viewer may see on `study`."""
    visible = coders_service.visible_coder_ids(session, study, viewer)
    query = (
        select(Segment.document_id, CodingDocument.case_id, Segment.code_id, Segment.coder_id)
        .join(CodingDocument, CodingDocument.id == Segment.document_id)
        .where(CodingDocument.study_id == study.id, CodingDocument.case_id.is_not(None))
    )
    if visible is not None:
        query = query.where(Segment.coder_id.in_(visible or {-1}))
    return [tuple(row) for row in session.execute(query)]


def respondent_codes(session: Session, study: Study, viewer: User) -> set[tuple[int, int]]:
    """Return the (case, code) pairs that count for `viewer`: the one counting rule.

    Blind mode through the coders `viewer` may see, and in a document the
    consensus coded only the consensus counts (`coded_cases`). The codes page
    and the findings report (services/reports) both count respondents this way.
    """
    consensus = session.scalar(
        select(Coder.id).where(Coder.study_id == study.id, Coder.kind == "consensus")
    )
    return coded_cases(_codings(session, study, viewer), consensus)


def case_answers(session: Session, study: Study, item_id: str) -> dict[int, str]:
    """Return {case id: its answer to `item_id`} for every case of the study that has one."""
    rows = session.execute(
        select(CodingCase.id, CodingCase.attributes_json).where(CodingCase.study_id == study.id)
    )
    found: dict[int, str] = {}
    for case_id, attributes in rows:
        value = json.loads(attributes or "{}").get(item_id)
        if value is not None:
            found[case_id] = str(value)
    return found


def code_attribute_table(
    session: Session, study: Study, item_id: str, viewer: User
) -> SuppressedTable:
    """Return respondents per code and answer to `item_id`, suppressed at the study's threshold."""
    known = {q.item_id: q for q in attribute_questions(study)}
    if item_id not in known:
        raise QuestionNotFound(item_id)
    codes = [line for line in codebook(session, study) if line.codable]
    pairs = respondent_codes(session, study, viewer)
    answers = case_answers(session, study, item_id)
    used = {answers.get(case, NO_ANSWER) for case, _ in pairs}
    columns = answer_columns(study, item_id, set(answers.values()) | used)
    counts = count_table(pairs, answers, [c.id for c in codes], columns)
    k = study.disclosure_threshold
    labels = [answer_word(column) for column in columns]
    shown = protect(counts, k) if codes else None
    if shown is None:
        return SuppressedTable(known[item_id], [], labels, [], k, withheld=bool(codes))
    cells = [[None if pd.isna(v) else int(v) for v in line] for line in shown.to_numpy()]
    return SuppressedTable(known[item_id], [c.path for c in codes], labels, cells, k)


def answer_word(value: str) -> str:
    """Return how an answer is shown: a non-answer code in words, anything else as it is."""
    return str(NON_ANSWER_WORDS[value]) if value in NON_ANSWER_WORDS else value


def table_csv(table: SuppressedTable) -> bytes:
    """Return the suppressed table as UTF-8 CSV: hidden counts are empty cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(v) for v in ["code", *table.column_labels, TOTAL]])
    for label, line in zip([*table.row_labels, TOTAL], table.cells, strict=True):
        writer.writerow([neutralise(label), *("" if v is None else v for v in line)])
    return buffer.getvalue().encode("utf-8")
