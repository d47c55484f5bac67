"""Bad input and failures: unknown formats, empty studies, a full disk, the CLI's messages."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from flask import Flask

import survey.services.exports as exports
import survey.services.exports.spss_stata as spss_stata
from survey.extensions import db
from survey.services.exports import FORMATS, ExportError
from tests.conftest import make_app
from tests.factories import add_study
from tests.survey.exports.build import add_responses, build, export, export_instrument


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module, with the known study and an empty one."""
    made = make_app(tmp_path_factory.mktemp("export-failures"))
    build(made)
    yield made
    with made.app_context():
        db.session.remove()
        db.engine.dispose()


def read_back(path: Path, fmt: str) -> pd.DataFrame:
    """Read an export with pandas or pyreadstat."""
    if fmt == "csv":
        return pd.read_csv(path)
    if fmt == "xlsx":
        return pd.read_excel(path, sheet_name="data")
    return (pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta)(str(path))[0]


def test_an_unknown_format_is_refused_and_writes_nothing(app, tmp_path):
    with pytest.raises(ExportError, match="Unknown format 'ods'"):
        export(app, "known", "ods", tmp_path / "x.ods")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_study_gives_a_valid_file_with_its_variables_and_no_rows(app, tmp_path, fmt):
    written = export(app, "empty", fmt, tmp_path / f"empty.{fmt}")
    frame = read_back(written.data, fmt)
    assert written.rows == 0 and len(frame) == 0
    items = [i.id for i in export_instrument().answerable_items() if i.type != "multiple_choice"]
    assert set(items) <= set(frame.columns)
    assert written.codebook_html.exists() and written.codebook_csv.exists()


def full_disk_after(calls: int):
    """Return a write that succeeds `calls` times, then fails as a full disk does."""
    count = {"n": 0}

    def write(*args, **kwargs):
        count["n"] += 1
        if count["n"] > calls:
            raise OSError(errno.ENOSPC, "No space left on device")

    return write


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_full_disk_leaves_no_file_that_looks_complete(app, tmp_path, monkeypatch, fmt):
    out = tmp_path / f"full.{fmt}"

    def half_then_full(*args, **kwargs):
        path = next(a for a in args if isinstance(a, (str, Path)) and str(a).endswith(".partial"))
        Path(path).write_bytes(b"half a file")
        raise OSError(errno.ENOSPC, "No space left on device")

    if fmt in ("sav", "dta"):
        monkeypatch.setattr(spss_stata.pyreadstat, f"write_{fmt}", half_then_full)
    else:
        monkeypatch.setattr(exports, f"write_{fmt}", half_then_full)
    with pytest.raises(ExportError, match="disk is full"):
        export(app, "known", fmt, out)
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_writing_the_codebook_removes_the_data_file_too(
    app, tmp_path, monkeypatch
):
    def full(rows, path, *args):
        path.write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(exports, "write_codebook_csv", full)
    with pytest.raises(ExportError, match="disk is full"):
        export(app, "known", "csv", tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_export_is_kept_when_a_new_one_fails(app, tmp_path, monkeypatch):
    out = tmp_path / "kept.csv"
    export(app, "known", "csv", out)
    before = out.read_bytes()
    monkeypatch.setattr(exports, "write_csv", full_disk_after(0))
    with pytest.raises(ExportError):
        export(app, "known", "csv", out)
    assert out.read_bytes() == before
    assert not list(tmp_path.glob("*.partial"))


def test_a_missing_folder_is_a_clear_error(app, tmp_path):
    with pytest.raises(ExportError, match="Could not write"):
        export(app, "known", "csv", tmp_path / "no" / "such" / "x.csv")


def test_a_number_in_the_spss_missing_range_is_refused_for_sav_only(app, tmp_path):
    add_study(app, export_instrument(), slug="clash")
    add_responses(app, "clash", [{"debt": ("v", -993)}])
    with pytest.raises(ExportError, match="codes SPSS files use for missing values"):
        export(app, "clash", "sav", tmp_path / "x.sav")
    assert not list(tmp_path.iterdir())
    assert read_back(export(app, "clash", "dta", tmp_path / "x.dta").data, "dta")["debt"][0] == -993


def test_the_cli_writes_every_format_and_names_the_codebook(app, tmp_path):
    runner = app.test_cli_runner()
    for fmt in FORMATS:
        out = tmp_path / f"k_{fmt}.{fmt}"
        result = runner.invoke(args=["export", "known", "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert "Wrote 3 responses" in result.output and "_codebook.html" in result.output
        assert out.exists()


def test_the_cli_says_an_empty_study_has_0_responses(app, tmp_path):
    out = tmp_path / "e.sav"
    result = app.test_cli_runner().invoke(
        args=["export", "empty", "--format", "sav", "--out", str(out)]
    )
    assert result.exit_code == 0
    assert "0 completed responses" in result.output and out.exists()


def test_the_cli_refuses_an_unknown_format(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["export", "known", "--format", "ods", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "'ods' is not one of" in result.output


def test_a_failed_cli_export_is_one_line_and_exit_1(app, tmp_path):
    out = tmp_path / "missing" / "x.csv"
    result = app.test_cli_runner().invoke(args=["export", "known", "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert result.output.startswith("Export failed: Could not write")
    assert "Traceback" not in result.output
