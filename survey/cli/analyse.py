"""`heard analyse topics FILE --column COLUMN`: topics of a spreadsheet column, no database needed.

For analysts who have only a spreadsheet. The command reads a CSV (UTF-8,
with or without a byte order mark; comma, semicolon or tab) or an XLSX file,
fits an :class:`analysis.topics.TopicModel` on the non-blank cells of one
column and writes into a folder:

- ``topics.csv``: topic, terms, npmi, prevalence;
- ``document_topics.csv``: the row number (or the ``--id-column`` value),
  top_topic and one share column per topic, one line per non-blank answer;
- ``report.html``: a self-contained page with typical answers per topic;
- ``parameters.json``: what was asked, what was found, library versions.

Cells a spreadsheet would run as a formula are neutralised. Progress goes to
stderr and never quotes the file; bad input ends with one line and exit 1.
"""

from __future__ import annotations

import contextlib
import csv
import json
import warnings
import zipfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import click
import numpy as np
import pandas as pd

from analysis.report import prevalence, topics_report_html
from analysis.text import TextError
from analysis.topics import TopicModel, TopicModelError
from survey.services.exports import neutralise

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = ",;\t"


class InputProblem(click.ClickException):
    """Bad input: click prints "Error: <message>" on one line and exits 1."""


@dataclass(frozen=True)
class Answers:
    """The non-blank cells of one column, with the identifier of each row."""

    texts: list[str]
    ids: list[str]
    id_name: str
    blank: int


@click.group("analyse")
def analyse_group() -> None:
    """Analyse text from a spreadsheet (needs no database)."""


@analyse_group.command("topics")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--column", required=True, help="The column holding the text.")
@click.option("--k", "k", default="auto", show_default=True, help="Number of topics, or auto.")
@click.option("--method", type=click.Choice(["nmf", "lda"]), default="nmf", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--language", default="en", show_default=True, help="ISO 639-1 code.")
@click.option("--id-column", help="A column identifying each row (default: the row number).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: FILE's name with -topics, beside it).",
)
def topics_command(
    file: Path,
    column: str,
    k: str,
    method: str,
    seed: int,
    language: str,
    id_column: str | None,
    out: Path | None,
) -> None:
    """Find topics in one column of a CSV or XLSX file; write tables and an HTML report."""
    n_topics = _topics_wanted(k)
    table = read_table(file)
    answers = column_answers(table, column, id_column)
    click.echo(
        f"{len(answers.texts)} answers to analyse; {answers.blank} blank cells skipped.", err=True
    )
    model = _fit(answers.texts, n_topics, method=method, seed=seed, language=language)
    shares = model.transform(answers.texts)
    folder = out or file.with_name(f"{file.stem}-topics")
    request = {"file": file.name, "column": column, "id_column": id_column, "k": k}
    request |= {"method": method, "seed": seed, "language": language}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_outputs(folder, model, answers, shares, request)
    except OSError as error:
        raise InputProblem(f"Could not write to {folder}: {error.strerror or error}.") from None
    click.echo(
        f"Found {model.n_topics_} topics in {len(answers.texts)} answers. Wrote topics.csv, "
        f"document_topics.csv, report.html and parameters.json to {folder}."
    )


def _topics_wanted(k: str) -> int | str:
    """Return "auto" or the number of topics asked for, or refuse anything else."""
    if k.strip().lower() == "auto":
        return "auto"
    try:
        number = int(k)
    except ValueError:
        number = 0
    if number < 2:
        raise InputProblem(f"--k must be auto or a whole number of at least 2, not {k!r}.")
    return number


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or XLSX file into a table of strings (blank cells as "")."""
    if not path.is_file():
        raise InputProblem(f"No file called {path}.")
    if path.suffix.lower() == ".xls":
        raise InputProblem(f"{path.name} is an old Excel file: save it as .xlsx or CSV UTF-8.")
    reader = _read_excel if path.suffix.lower() in EXCEL_SUFFIXES else _read_csv
    table = reader(path)
    if table.columns.empty:
        raise InputProblem(f"{path.name} has no columns: is it empty?")
    table.columns = [str(name) for name in table.columns]
    return table.fillna("").astype(str)


def _read_csv(path: Path) -> pd.DataFrame:
    """Read a UTF-8 CSV, guessing its delimiter from the start of the file."""
    try:
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            sep=_delimiter(path),
            skip_blank_lines=False,
        )
    except UnicodeDecodeError:
        raise InputProblem(
            f"{path.name} is not UTF-8 text: save it as 'CSV UTF-8' and try again."
        ) from None
    except pd.errors.EmptyDataError:
        raise InputProblem(f"{path.name} is empty.") from None
    except pd.errors.ParserError as error:
        detail = str(error).strip().splitlines()[-1][:200]
        raise InputProblem(f"{path.name} could not be read as CSV ({detail}).") from None


def _delimiter(path: Path) -> str:
    """Return the delimiter of a CSV: tab for .tsv, else what the first lines suggest, else ","."""
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    with path.open("rb") as handle:
        sample = handle.read(65536).decode("utf-8-sig", errors="ignore")
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _read_excel(path: Path) -> pd.DataFrame:
    """Read the first sheet of an XLSX workbook as strings."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions
            return pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InputProblem(f"{path.name} could not be read as an Excel workbook.") from None


def column_answers(table: pd.DataFrame, column: str, id_column: str | None) -> Answers:
    """Return the non-blank cells of `column` with their row ids, or say which columns exist."""
    for wanted in (column, id_column):
        if wanted is not None and wanted not in table.columns:
            available = ", ".join(repr(str(c)) for c in table.columns)
            raise InputProblem(f"There is no column {wanted!r}. The columns are: {available}.")
    cells = table[column].str.strip()
    keep = cells != ""
    if id_column is None:
        ids = [str(row) for row in np.flatnonzero(keep.to_numpy()) + 1]
    else:
        ids = table.loc[keep, id_column].tolist()
    return Answers(
        texts=table.loc[keep, column].tolist(),
        ids=ids,
        id_name=id_column or "row",
        blank=int((~keep).sum()),
    )


def _fit(texts: list[str], n_topics: int | str, *, method: str, seed: int, language: str):
    """Fit a topic model, reporting progress to stderr, or turn its refusal into one line."""

    def progress(share: float, stage: str) -> None:
        click.echo(f"[{100 * share:3.0f}%] {stage}", err=True)

    model = TopicModel(n_topics=n_topics, method=method, random_state=seed, language=language)
    try:
        return model.fit(texts, progress=progress)
    except TopicModelError as error:
        raise InputProblem(f"{error} [{error.code}]") from None
    except TextError as error:
        raise InputProblem(f"{error} [{getattr(error, 'code', 'text.invalid')}]") from None


def write_outputs(
    folder: Path, model: Any, answers: Answers, shares: np.ndarray, request: dict[str, Any]
) -> None:
    """Write topics.csv, document_topics.csv, report.html and parameters.json into `folder`."""
    terms = model.top_terms(n=10)
    share = prevalence(shares)
    topics = pd.DataFrame(
        {
            "topic": range(model.n_topics_),
            "terms": [", ".join(t) for t in terms],
            "npmi": np.round(np.asarray(model.coherence_, dtype=float), 4),
            "prevalence": np.round(share, 4),
        }
    )
    _write_csv(topics, folder / "topics.csv")
    _write_csv(document_topics(answers, shares), folder / "document_topics.csv")
    page = topics_report_html(
        model,
        answers.texts,
        shares,
        title=f"Topics in {request['column']}",
        source_name=f"{request['file']}, column {request['column']}",
    )
    (folder / "report.html").write_text(page, encoding="utf-8")
    parameters = _parameters(model, answers, request)
    (folder / "parameters.json").write_text(
        json.dumps(parameters, indent=2, default=_jsonable) + "\n", encoding="utf-8"
    )


def document_topics(answers: Answers, shares: np.ndarray) -> pd.DataFrame:
    """Return one row per answer: its id, its top topic (blank if none) and each topic's share."""
    shares = np.asarray(shares, dtype=float)
    counted = shares.sum(axis=1) > 0
    top = pd.array(np.where(counted, shares.argmax(axis=1), 0), dtype="Int64")
    top[~counted] = pd.NA
    frame = pd.DataFrame({answers.id_name: answers.ids, "top_topic": top})
    for topic in range(shares.shape[1]):
        frame[f"topic_{topic}"] = np.round(shares[:, topic], 6)
    return frame


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as UTF-8 CSV with a byte order mark, formulas neutralised."""
    safe = frame.copy()
    for name in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[name]):
            safe[name] = safe[name].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    safe.to_csv(path, index=False, encoding="utf-8-sig")


def _parameters(model: Any, answers: Answers, request: dict[str, Any]) -> dict[str, Any]:
    """Return what was asked, what was found and which software found it."""
    versions = dict(getattr(model, "versions_", {}) or {})
    with contextlib.suppress(PackageNotFoundError):
        versions["heard"] = version("heard")
    coherence = np.asarray(model.coherence_, dtype=float)
    return {
        "request": request,
        "documents": len(answers.texts),
        "blank_cells_skipped": answers.blank,
        "k": int(model.n_topics_),
        "seed": request["seed"],
        "coherence_mean": round(float(coherence.mean()), 4),
        "diversity": round(float(model.diversity_), 4),
        "selection": getattr(model, "selection_", None),
        "params": model.get_params(),
        "versions": versions,
    }


def _jsonable(value: Any) -> Any:
    """Turn numpy scalars and arrays, tuples and anything else into JSON values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
