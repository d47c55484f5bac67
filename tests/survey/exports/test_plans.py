"""A plan's suppressed and withheld cells are labelled missing values in every format."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pyreadstat
import pytest
from flask import Flask

from survey.extensions import db
from survey.services.exports import SUPPRESSED, WITHHELD, Column, ExportError
from survey.services.exports.columns import unique_name, valid_name
from tests.conftest import make_app
from tests.survey.exports.build import build, export


class Coarse:
    """A plan that suppresses ages, withholds stories and drops the response id."""

    name = "test"

    def columns(self, columns: list[Column]) -> list[Column]:
        return [c for c in columns if c.name != "response_id"]

    def rows(self, batch):
        return [(rid, {**cells, "age": SUPPRESSED, "story": WITHHELD}) for rid, cells in batch]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module, with the known study."""
    made = make_app(tmp_path_factory.mktemp("export-plans"))
    build(made)
    yield made
    with made.app_context():
        db.session.remove()
        db.engine.dispose()


def test_suppressed_is_spss_user_missing_with_its_label(app, tmp_path):
    written = export(app, "known", "sav", tmp_path / "p.sav", plan=Coarse())
    frame, info = pyreadstat.read_sav(str(written.data), user_missing=True)
    assert set(frame["age"]) == {-996}
    assert info.variable_value_labels["age"][-996] == "Suppressed (small group)"
    assert set(frame["story"]) == {"withheld"}
    assert "response_id" not in frame.columns


def test_suppressed_is_stata_missing_f_with_its_label(app, tmp_path):
    written = export(app, "known", "dta", tmp_path / "p.dta", plan=Coarse())
    frame, info = pyreadstat.read_dta(str(written.data), user_missing=True)
    assert set(frame["age"]) == {"f"}
    assert info.variable_value_labels["age"]["f"] == "Suppressed (small group)"


def test_suppressed_and_withheld_are_codes_in_csv_and_the_codebook_says_so(app, tmp_path):
    written = export(app, "known", "csv", tmp_path / "p.csv", plan=Coarse())
    frame = pd.read_csv(written.data, dtype=str)
    assert set(frame["age"]) == {"suppressed"} and set(frame["story"]) == {"withheld"}
    book = pd.read_csv(written.codebook_csv, dtype=str).set_index("variable")
    assert "withheld=Withheld (text left out)" in book.loc["story", "missing"]
    assert "response_id" not in book.index


def test_a_plan_that_names_two_variables_alike_is_refused(app, tmp_path):
    class Twice(Coarse):
        def columns(self, columns):
            return [*columns, columns[-1]]

    with pytest.raises(ExportError, match="Two variables"):
        export(app, "known", "csv", tmp_path / "p.csv", plan=Twice())


@pytest.mark.parametrize(
    ("raw", "limit", "expected"),
    [
        ("age", 32, "age"),
        ("1st_visit", 32, "v_1st_visit"),
        ("with", 64, "with_"),
        ("año-de-llegada", 64, "ano_de_llegada"),
        ("a" * 40, 32, "a" * 32),
    ],
)
def test_variable_names_are_valid_for_spss_and_stata(raw, limit, expected):
    assert valid_name(raw, limit) == expected


def test_names_cut_to_32_characters_are_made_unique():
    taken: set[str] = set()
    first = unique_name("how_long_did_you_work_there_before_leaving", taken, 32)
    second = unique_name("how_long_did_you_work_there_before_returning", taken, 32)
    assert len(first) <= 32 and len(second) <= 32
    assert first != second and second.endswith("_2")
