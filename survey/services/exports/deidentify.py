"""The de-identified export: redacted or withheld free text, coarsened quasi-identifiers, small
groups suppressed.

- **Free text** becomes the redacted rendition coders read (placeholders such
  as ``[NAME-1]``), or the missing code ``withheld`` when the study's settings
  say so, when the response asked not to be quoted, or when no rendition
  exists. Raw text never leaves.
- **Quasi-identifiers** named in the study's export settings are coarsened
  (number bands, groups of answers, year or month only) or dropped.
- **Small groups.** Before any row is written, one pass over the
  quasi-identifier answers of every completed response counts each
  combination of coarsened values. A response whose combination fewer than
  k (the study's disclosure threshold) responses share has every
  quasi-identifier cell set to ``suppressed`` (local suppression), so every
  combination in the file is shared by at least k rows or is suppressed.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from survey.models import Answer, CodingCase, CodingDocument, Response, Study
from survey.services.answers import Stored, decode
from survey.services.coding.redaction import renditions
from survey.services.exports.plan import SUPPRESSED, WITHHELD, Column, Row, is_missing
from survey.services.exports.rows import cell_for
from survey.services.exports.settings import (
    BANDS,
    DROP,
    GROUPS,
    MONTH,
    YEAR,
    Coarsening,
    ExportSettings,
    load_settings,
)
from survey.services.exports.settings import WITHHELD as WITHHOLD_TEXT

FIXED_FIELDS = ("language", "mode", "completed_on")
PASS_BATCH = 1000
Coarsen = Callable[[object], object]


def band_labels(bands: tuple[float, ...], integer: bool) -> list[str]:
    """Return the label of each band: under the first edge, between edges, the last edge and up."""
    shown = [_number(b) for b in bands]
    labels = [f"under {shown[0]}"]
    for (lower, upper), (low_text, up_text) in zip(
        itertools.pairwise(bands), itertools.pairwise(shown), strict=True
    ):
        if integer and lower.is_integer() and upper.is_integer():
            labels.append(f"{low_text}-{_number(upper - 1)}")
        else:
            labels.append(f"{low_text} to under {up_text}")
    return [*labels, f"{shown[-1]}+"]


def band_of(value: float, bands: tuple[float, ...], labels: list[str]) -> str:
    """Return the label of the band `value` falls in (edges belong to the band above)."""
    index = sum(1 for edge in bands if value >= edge)
    return labels[index]


def coarsener(coarsening: Coarsening, column: Column) -> Coarsen:
    """Return the function that coarsens one cell of `column` (missing codes pass through)."""
    how = coarsening.how
    if how == BANDS:
        integer = column.item.integer if column.item is not None else True
        labels = band_labels(coarsening.bands, integer)

        def change(value: object) -> object:
            return band_of(float(value), coarsening.bands, labels)  # type: ignore[arg-type]
    elif how == GROUPS:

        def change(value: object) -> object:
            return coarsening.groups.get(str(value), str(value))
    elif how == YEAR:

        def change(value: object) -> object:
            return int(_iso(value)[:4])
    elif how == MONTH:

        def change(value: object) -> object:
            return _iso(value)[:7]
    else:
        return lambda cell: cell

    def safely(cell: object) -> object:
        if cell is None or cell == "" or is_missing(cell):
            return cell
        try:
            return change(cell)
        except (TypeError, ValueError):
            # An answer to an older version that no longer fits the settings: hide it.
            return SUPPRESSED

    return safely


def coarsened_column(column: Column, coarsening: Coarsening) -> Column:
    """Return `column` as the de-identified export describes it once coarsened."""
    how = coarsening.how
    if how == BANDS:
        integer = column.item.integer if column.item is not None else True
        labels = band_labels(coarsening.bands, integer)
        shown = {label: label for label in labels}
        return replace(
            column, type="single_choice", label=f"{column.label} (bands)", value_labels=shown
        )
    if how == GROUPS:
        kept = {
            str(k): v for k, v in column.value_labels.items() if str(k) not in coarsening.groups
        }
        groups = {group: group for group in coarsening.groups.values()}
        grouped = f"{column.label} (grouped)"
        return replace(column, type="single_choice", label=grouped, value_labels={**kept, **groups})
    if how == YEAR:
        return replace(column, type="number", label=f"{column.label} (year only)", value_labels={})
    if how == MONTH:
        return replace(column, type="month_year", label=f"{column.label} (month only)")
    return column


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _key_part(cell: object) -> str:
    return _iso(cell) if isinstance(cell, dt.date) else str(cell)


class DeidentifiedPlan:
    """Export what an analyst may take away: see the module docstring."""

    name = "deidentified"

    def __init__(
        self, session: Session, study: Study, settings: ExportSettings | None = None
    ) -> None:
        self.session = session
        self.study = study
        self.settings = settings or load_settings(study)
        self.k = study.disclosure_threshold
        self.quasi: list[Column] = []  # the quasi-identifier columns, as exported
        self.coarseners: dict[str, Coarsen] = {}
        self.free_text: dict[str, str] = {}  # column name -> the document's item_id
        self.counts: Counter[tuple[str, ...]] = Counter()

    def columns(self, columns: list[Column]) -> list[Column]:
        """Return the exported columns (dropped ones left out, coarsened ones retyped)."""
        kept: list[Column] = []
        for column in columns:
            coarsening = self.settings.quasi.get(self._quasi_name(column))
            if coarsening is not None and coarsening.how == DROP:
                continue
            if column.free_text or column.described:
                self.free_text[column.name] = _document_key(column)
                kept.append(column)
            elif coarsening is None:
                kept.append(column)
            else:
                self.coarseners[column.name] = coarsener(coarsening, column)
                shown = coarsened_column(column, coarsening)
                self.quasi.append(shown)
                kept.append(shown)
        self.counts = self._count_combinations(columns)
        return kept

    def rows(self, batch: list[Row]) -> list[Row]:
        """Return `batch` with free text redacted or withheld, quasi-identifiers coarsened, small
        groups suppressed."""
        texts = self._texts([response_id for response_id, _ in batch]) if self.free_text else {}
        out: list[Row] = []
        for response_id, cells in batch:
            cells = dict(cells)
            for name in self.free_text:
                if name in cells and not _empty(cells[name]):
                    cells[name] = texts.get((response_id, name), WITHHELD)
            for name, change in self.coarseners.items():
                cells[name] = change(cells.get(name))
            if self.quasi and self.counts[self._key(cells)] < self.k:
                for column in self.quasi:
                    cells[column.name] = SUPPRESSED
            out.append((response_id, cells))
        return out

    def _quasi_name(self, column: Column) -> str:
        return column.item.id if column.item is not None else column.name

    def _key(self, cells: dict[str, object]) -> tuple[str, ...]:
        return tuple(_key_part(cells.get(column.name)) for column in self.quasi)

    def _texts(self, response_ids: list[str]) -> dict[tuple[str, str], str]:
        """Return the redacted rendition of each free-text answer, by (response, column name).

        A response that asked not to be quoted, or a study whose settings
        withhold free text, gets none: those cells become ``withheld``.
        """
        if self.settings.free_text == WITHHOLD_TEXT:
            return {}
        rows = self.session.execute(
            select(CodingCase.response_id, CodingDocument)
            .join(CodingDocument, CodingDocument.case_id == CodingCase.id)
            .join(Response, Response.id == CodingCase.response_id)
            .where(
                CodingCase.response_id.in_(response_ids),
                CodingDocument.kind == "answer",
                CodingDocument.item_id.in_(set(self.free_text.values())),
                Response.no_quotes.is_(False),
            )
        ).all()
        shown = renditions(self.session, [document for _, document in rows])
        by_key = {(r, d.item_id): shown[d.id].text for r, d in rows}
        return {
            (response_id, name): by_key[(response_id, key)]
            for response_id in response_ids
            for name, key in self.free_text.items()
            if (response_id, key) in by_key
        }

    def _count_combinations(self, columns: list[Column]) -> Counter[tuple[str, ...]]:
        """Count each combination of coarsened quasi-identifier values over completed responses."""
        counts: Counter[tuple[str, ...]] = Counter()
        if not self.quasi:
            return counts
        by_name = {column.name: column for column in columns}
        sources = [by_name[column.name] for column in self.quasi]
        for fixed, answers in self._quasi_answers(sources):
            cells = {c.name: _raw_cell(c, fixed, answers) for c in sources}
            for name, change in self.coarseners.items():
                cells[name] = change(cells[name])
            counts[self._key(cells)] += 1
        return counts

    def _quasi_answers(
        self, sources: list[Column]
    ) -> Iterator[tuple[dict[str, object], dict[str, Stored]]]:
        """Yield each completed response's fixed fields and its answers to the quasi-identifiers."""
        item_ids = sorted({c.item.id for c in sources if c.item is not None})
        query = (
            select(
                Response.id,
                Response.language,
                Response.mode,
                Response.completed_on,
                Answer.item_id,
                Answer.value,
                Answer.code,
            )
            .outerjoin(
                Answer, and_(Answer.response_id == Response.id, Answer.item_id.in_(item_ids))
            )
            .where(Response.study_id == self.study.id, Response.status == "completed")
            .order_by(Response.id)
            .execution_options(yield_per=PASS_BATCH)
        )
        rows = self.session.execute(query)
        for _, group in itertools.groupby(rows, key=lambda row: row[0]):
            answers: dict[str, Stored] = {}
            fixed: dict[str, object] = {}
            for _, language, mode, completed_on, item_id, value, code in group:
                fixed = {"language": language, "mode": mode, "completed_on": completed_on}
                if item_id is not None:
                    answers[item_id] = decode(value, code)
            yield fixed, answers


def _document_key(column: Column) -> str:
    """Return the item_id of the coding documents that hold `column`'s text."""
    if column.item is None:
        return column.name
    return f"{column.item.id}__text" if column.described else column.item.id


def _empty(cell: object) -> bool:
    return cell is None or cell == "" or is_missing(cell)


def _raw_cell(column: Column, fixed: dict[str, object], answers: dict[str, Stored]) -> object:
    """Return the cell the export gives `column` before any plan changes it."""
    return fixed.get(column.name) if column.item is None else cell_for(column, answers)
