"""Coded segments as rows and the code by case matrix, as tables for spreadsheets, R and Stata.

Both tables are made from a `coding.model.Project` (see `exchange.project_for`),
so they hold exactly the codings the person exporting may see: blind mode is
applied once, where the project is built.

Columns of the coded segments (`SEGMENT_COLUMNS`): the document's GUID, the
question's id and label, the random case id, the code's path (names joined
by "/"), the coder's name, start and end (Unicode code points, start
inclusive, end exclusive), the text of the span and the segment's memo.
A coded segments table is a quote export: the text of a document whose
respondent asked not to be quoted (`services.quotes`) is the cell `WITHHELD`
instead, while its codes and offsets stay.

The matrix has one row per case (`case_id`), then one column per codable
code (0/1, or how many segments of the code the case's documents carry),
then the case's attributes. Column names are safe for R and Stata
(`safe_name`): lower-case ASCII letters, digits and underscores, starting
with a letter, at most 32 characters, unique; a code's column is ``code_``
and its path ("Police/Not believed" -> ``code_police_not_believed``).

Text cells that a spreadsheet would run as a formula are neutralised with
the same rule as the response export (`survey.services.exports.neutralise`).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from coding.model import Codebook, Project
from survey.services.exports import neutralise
from survey.services.quotes import WITHHELD

SEGMENT_COLUMNS = (
    "document_id",
    "question_id",
    "question_label",
    "case_id",
    "code_path",
    "coder",
    "start",
    "end",
    "text",
    "memo",
)
MATRIX_VALUES = ("binary", "counts")
CASE_COLUMN = "case_id"
NAME_LIMIT = 32  # Stata's limit on variable names; R has none that matters
_UNSAFE = re.compile(r"[^a-z0-9]+")


def safe_name(label: str, prefix: str, taken: set[str]) -> str:
    """Return a column name for `label` safe in R and Stata, not in `taken`; add it to `taken`.

    Accents are dropped, anything else that is not a letter or digit becomes
    one underscore, and names that would start with a digit (or be empty)
    get `prefix`. A name already taken gets ``_2``, ``_3``... within the limit.
    """
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("_", ascii_text.lower()).strip("_")
    stem = f"{prefix}{stem}".strip("_")
    if not stem or not stem[0].isalpha():
        stem = f"v_{stem}"
    name = stem[:NAME_LIMIT].rstrip("_")
    number = 2
    while name in taken:
        suffix = f"_{number}"
        name = stem[: NAME_LIMIT - len(suffix)].rstrip("_") + suffix
        number += 1
    taken.add(name)
    return name


def code_columns(codebook: Codebook) -> dict[str, str]:
    """Return {code GUID: matrix column name} for every codable code, in codebook order."""
    taken = {CASE_COLUMN}
    paths = {code.guid: codebook.path(code.guid) for code in codebook.codes}
    return {
        code.guid: safe_name(paths[code.guid], "code_", taken)
        for code in codebook.codes
        if code.codable
    }


def segments_frame(
    project: Project, question_labels: Mapping[str, str], withheld: Collection[str] = ()
) -> pd.DataFrame:
    """Return one row per coding of `project`, with the columns of `SEGMENT_COLUMNS`.

    The text of codings in the documents whose GUIDs are in `withheld` (their
    respondents asked not to be quoted) is `WITHHELD`.
    """
    withheld = frozenset(withheld)
    documents = {d.guid: d for d in project.documents}
    coders = {c.guid: c.name for c in project.coders}
    paths = {code.guid: project.codebook.path(code.guid) for code in project.codebook.codes}
    rows = []
    for coding in project.codings:
        document = documents[coding.document]
        question = document.question or ""
        rows.append(
            (
                document.guid,
                question,
                question_labels.get(question, question),
                document.case or "",
                paths.get(coding.code, ""),
                coders.get(coding.coder, ""),
                coding.start,
                coding.end,
                WITHHELD if document.guid in withheld else document.text[coding.start : coding.end],
                coding.memo,
            )
        )
    frame = pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))
    return frame.astype({"start": "int64", "end": "int64"})


def _attribute_names(project: Project, taken: set[str]) -> dict[str, str]:
    keys: dict[str, None] = {}
    for case in project.cases:
        keys.update(dict.fromkeys(case.attributes))
    return {key: safe_name(key, "", taken) for key in keys}


def matrix_frame(project: Project, values: str = "binary") -> pd.DataFrame:
    """Return the code by case matrix: `case_id`, a column per codable code, then attributes.

    `values` is ``"binary"`` (1 when any segment of the code is in one of the
    case's documents) or ``"counts"`` (how many segments).
    """
    if values not in MATRIX_VALUES:
        raise ValueError(f"values must be one of {MATRIX_VALUES}")
    columns = code_columns(project.codebook)
    attributes = _attribute_names(project, {CASE_COLUMN, *columns.values()})
    case_of = {d.guid: d.case for d in project.documents}
    counts = Counter((case_of.get(c.document), c.code) for c in project.codings)
    rows = []
    for case in project.cases:
        row: dict[str, object] = {CASE_COLUMN: case.guid}
        for guid, column in columns.items():
            found = counts.get((case.guid, guid), 0)
            row[column] = found if values == "counts" else int(found > 0)
        for key, column in attributes.items():
            row[column] = case.attributes.get(key, "")
        rows.append(row)
    names = [CASE_COLUMN, *columns.values(), *attributes.values()]
    return pd.DataFrame(rows, columns=names)


def _neutral(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(neutralise)  # only text cells change


def csv_bytes(frame: pd.DataFrame, *, bom: bool) -> bytes:
    """Return `frame` as UTF-8 CSV (with a byte order mark when `bom`), formulas neutralised."""
    text = _neutral(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def _cell(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
    return value.item() if hasattr(value, "item") else value


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """Return `frame` as an XLSX workbook of one sheet, formulas neutralised."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(list(frame.columns))
    for row in _neutral(frame).itertuples(index=False):
        worksheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column_guide(codebook: Codebook) -> list[tuple[str, str]]:
    """Return (column name, code path) for each code column of the matrix, for the docs page."""
    return [(column, codebook.path(guid)) for guid, column in code_columns(codebook).items()]
