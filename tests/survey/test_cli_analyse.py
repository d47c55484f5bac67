"""`heard analyse topics`: topics of a spreadsheet column, written as tables and a report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.metrics import adjusted_rand_score

from survey.cli.analyse import analyse_group
from tests.analysis.test_themes import corpus


def run(*args: str):
    """Run `heard analyse ARGS` without an app; return click's result."""
    return CliRunner().invoke(analyse_group, list(args), catch_exceptions=False)


def one_line_error(result) -> str:
    """Check a run failed with one line on stderr and no traceback; return that line."""
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: ")
    assert not any(line.startswith("Error") for line in lines[:-1])
    return lines[-1]


@pytest.fixture
def themed(tmp_path: Path) -> tuple[Path, list[str]]:
    """A CSV of 120 answers in three themes with an id column, a blank row and a formula id."""
    texts, truth = corpus()
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "answer": texts})
    frame.loc[0, "id"] = "=HYPERLINK(1)"
    frame.loc[len(frame)] = ["r-blank", "   "]
    path = tmp_path / "answers.csv"
    frame.to_csv(path, index=False)
    return path, truth


def test_topics_of_three_themes_are_found_and_written_as_four_files(themed) -> None:
    path, truth = themed
    result = run("topics", str(path), "--column", "answer", "--k", "3", "--id-column", "id")
    assert result.exit_code == 0, result.output
    out = path.with_name("answers-topics")
    assert sorted(p.name for p in out.iterdir()) == [
        "document_topics.csv",
        "parameters.json",
        "report.html",
        "topics.csv",
    ]
    shares = pd.read_csv(out / "document_topics.csv", encoding="utf-8-sig")
    assert len(shares) == len(truth)
    assert adjusted_rand_score(truth, shares["top_topic"]) > 0.9


def test_the_tables_agree_with_each_other(themed) -> None:
    path, _ = themed
    out = path.parent / "elsewhere"
    assert (
        run("topics", str(path), "--column", "answer", "--k", "3", "--out", str(out)).exit_code == 0
    )
    topics = pd.read_csv(out / "topics.csv", encoding="utf-8-sig")
    shares = pd.read_csv(out / "document_topics.csv", encoding="utf-8-sig")
    columns = [f"topic_{t}" for t in topics["topic"]]
    assert list(shares.columns) == ["row", "top_topic", *columns]
    assert np.allclose(shares[columns].sum(axis=1), 1.0, atol=1e-4)
    assert (shares[columns].to_numpy().argmax(axis=1) == shares["top_topic"]).all()
    assert shares[columns].mean().to_numpy() == pytest.approx(topics["prevalence"], abs=1e-3)
    assert shares["row"].tolist() == list(range(1, 121))


def test_blank_cells_are_skipped_and_counted(themed) -> None:
    path, _ = themed
    result = run("topics", str(path), "--column", "answer", "--k", "3")
    assert "1 blank cells skipped" in result.stderr
    parameters = json.loads((path.with_name("answers-topics") / "parameters.json").read_text())
    assert parameters["blank_cells_skipped"] == 1
    assert parameters["documents"] == 120
    assert parameters["k"] == 3 and parameters["seed"] == 0
    assert {"scikit-learn", "heard"} <= set(parameters["versions"])


def test_cells_a_spreadsheet_would_run_are_neutralised(themed) -> None:
    path, _ = themed
    run("topics", str(path), "--column", "answer", "--k", "3", "--id-column", "id")
    shares = pd.read_csv(path.with_name("answers-topics") / "document_topics.csv")
    assert shares["id"][0] == "'=HYPERLINK(1)"
    assert shares["id"][1] == "r1"


def test_progress_goes_to_stderr_and_never_quotes_the_file(themed) -> None:
    path, _ = themed
    result = run("topics", str(path), "--column", "answer", "--k", "3")
    assert "%]" in result.stderr
    assert not any(word in result.stderr for word in ("passport", "salary", "mattress"))
    assert "report.html" in result.stdout


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_the_method_and_seed_asked_for_are_used_and_recorded(themed, method) -> None:
    path, _ = themed
    args = ["topics", str(path), "--column", "answer", "--k", "3", "--method", method]
    assert run(*args, "--seed", "7").exit_code == 0
    parameters = json.loads((path.with_name("answers-topics") / "parameters.json").read_text())
    assert parameters["params"]["method"] == method
    assert parameters["params"]["random_state"] == parameters["seed"] == 7


def test_the_report_names_the_file_and_column(themed) -> None:
    path, _ = themed
    run("topics", str(path), "--column", "answer", "--k", "3")
    page = (path.with_name("answers-topics") / "report.html").read_text(encoding="utf-8")
    assert "<title>Topics in answer</title>" in page
    assert "answers.csv, column answer" in page


@pytest.mark.parametrize(
    ("encoding", "sep", "suffix"),
    [("utf-8-sig", ",", ".csv"), ("utf-8", ";", ".csv"), ("utf-8", "\t", ".tsv")],
)
def test_csv_with_a_byte_order_mark_or_another_delimiter_is_read(
    tmp_path, encoding, sep, suffix
) -> None:
    texts, _ = corpus()
    path = tmp_path / f"data{suffix}"
    pd.DataFrame({"Réponse": texts, "n": range(len(texts))}).to_csv(
        path, sep=sep, index=False, encoding=encoding
    )
    result = run("topics", str(path), "--column", "Réponse", "--k", "3")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "data-topics" / "document_topics.csv")) == len(texts)


def test_an_excel_workbook_is_read(tmp_path) -> None:
    texts, _ = corpus()
    path = tmp_path / "data.xlsx"
    pd.DataFrame({"text": texts}).to_excel(path, index=False)
    result = run("topics", str(path), "--column", "text", "--k", "3")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "data-topics" / "topics.csv")) == 3


def test_three_hundred_paper_titles_get_topics_chosen_automatically(shared, tmp_path) -> None:
    source = shared / "data" / "corpora" / "m10-titles" / "corpus.tsv"
    if not source.is_file():
        pytest.skip(f"{source} is missing")
    titles = pd.read_csv(source, sep="\t", names=["text", "split", "label"]).head(300)
    path = tmp_path / "titles.csv"
    titles.to_csv(path, index=False)
    result = run("topics", str(path), "--column", "text", "--seed", "1")
    assert result.exit_code == 0, result.output
    out = tmp_path / "titles-topics"
    parameters = json.loads((out / "parameters.json").read_text())
    topics = pd.read_csv(out / "topics.csv")
    shares = pd.read_csv(out / "document_topics.csv")
    assert parameters["selection"]["chosen"] == parameters["k"] == len(topics)
    assert len(shares) == 300
    assert topics["prevalence"].sum() == pytest.approx(1.0, abs=1e-2)
    assert topics["npmi"].between(-1, 1).all()


def test_the_command_is_registered_on_heard(runner, themed) -> None:
    path, _ = themed
    result = runner.invoke(args=["analyse", "topics", str(path), "--column", "answer", "--k", "3"])
    assert result.exit_code == 0, result.output
    assert (path.with_name("answers-topics") / "topics.csv").is_file()


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


STOP = b"the and of it was we they there\n"


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("missing.csv", None, [], "No file called"),
        ("a.csv", b"text,n\nhello,1\n", ["--column", "answer"], "The columns are: 'text', 'n'"),
        ("a.csv", b"", [], "is empty"),
        ("a.csv", b"answer\n\xff\xfe caf\xe9 \x81\n" * 50, [], "is not UTF-8"),
        ("a.csv", b"answer\n" + STOP * 60, [], "words"),
        ("a.csv", b"answer\nwage pay money\npassport\n", [], "[topics."),
        ("a.xls", b"\xd0\xcf\x11\xe0", [], "old Excel file"),
        ("a.xlsx", b"not a zip", [], "could not be read as an Excel workbook"),
        ("a.csv", b"answer\nwage\n", ["--k", "1"], "--k must be auto or a whole number"),
        ("a.csv", b"answer\nwage\n", ["--k", "lots"], "--k must be auto or a whole number"),
    ],
)
def test_bad_input_ends_with_one_line_and_no_traceback(
    tmp_path, name, content, args, message
) -> None:
    path = tmp_path / name if content is None else write(tmp_path, name, content)
    column = [] if "--column" in args else ["--column", "answer"]
    line = one_line_error(run("topics", str(path), *column, *args))
    assert message in line
    assert not (tmp_path / f"{path.stem}-topics").exists()
