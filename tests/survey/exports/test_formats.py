"""Every format read back by pandas, pyreadstat and openpyxl matches the instrument and answers."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from flask import Flask

from survey.extensions import db
from survey.services.exports import FORMATS, Written
from tests.conftest import make_app
from tests.survey.exports.build import (
    FORMULA,
    HOSTILE,
    RESPONSES,
    TEXT_WITH_NUL,
    build,
    export,
    export_instrument,
)

INSTRUMENT = export_instrument()
# The order of the responses in a file (by random id) is not the order they were added.
ORDER_KEY = "completed_on"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Written]]:
    """The known study exported once in every format."""
    folder = tmp_path_factory.mktemp("exports")
    app: Flask = make_app(folder)
    build(app)
    yield {fmt: export(app, "known", fmt, folder / f"known_{fmt}.{fmt}") for fmt in FORMATS}
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def read(written: dict[str, Written], fmt: str, user_missing: bool = True) -> pd.DataFrame:
    """Read one export back with pandas or pyreadstat, rows in the order they were given."""
    path = str(written[fmt].data)
    if fmt == "csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    elif fmt == "xlsx":
        frame = pd.read_excel(path, sheet_name="data", dtype=object, engine="openpyxl")
    elif fmt == "sav":
        frame, _ = pyreadstat.read_sav(path, user_missing=user_missing)
    else:
        frame, _ = pyreadstat.read_dta(path, user_missing=user_missing)
    return frame.sort_values(ORDER_KEY, key=lambda s: s.astype(str)).reset_index(drop=True)


def meta(written: dict[str, Written], fmt: str):
    """Return pyreadstat's metadata of the SPSS or Stata export."""
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    return reader(str(written[fmt].data), user_missing=True, metadataonly=True)[1]


def given(index: int, item_id: str) -> tuple[str, object] | None:
    """Return what response `index` stored for `item_id`."""
    return RESPONSES[index].get(item_id)


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_variable_labels_are_the_item_labels(written, fmt):
    labels = dict(zip(meta(written, fmt).column_names, meta(written, fmt).column_labels))
    for item in INSTRUMENT.answerable_items():
        if item.type != "multiple_choice":
            assert labels[item.id] == item.label.get("en")[:80]
    assert labels["help__lawyer"] == "What help did you get? - A lawyer"


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_choice_values_become_codes_in_the_instrument_order_with_their_labels(written, fmt):
    labels = meta(written, fmt).variable_value_labels["contact_kind"]
    item = INSTRUMENT.item("contact_kind")
    for code, choice in enumerate(item.choices, start=1):
        assert labels[code] == choice.label.get("en")
    frame = read(written, fmt)
    assert frame["contact_kind"][0] == 2  # "found" is the second choice
    assert frame["contact_kind"][2] == 1


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_a_scale_keeps_its_own_numbers_as_codes(written, fmt):
    labels = meta(written, fmt).variable_value_labels["trust"]
    assert labels[4] == "Level 4"
    assert list(read(written, fmt)["trust"][[0, 2]]) == [4, 1]


def test_non_answers_are_spss_user_missing_values_with_labels(written):
    info = meta(written, "sav")
    assert info.missing_ranges["contact_kind"] == [{"lo": -997.0, "hi": -991.0}]
    assert info.variable_value_labels["age"][-991] == "Prefer not to say"
    frame = read(written, "sav")
    assert frame["age"][1] == -991 and frame["trust"][1] == -992
    assert frame["debt"][2] == -993
    plain = read(written, "sav", user_missing=False)
    assert plain["age"].isna().tolist() == [False, True, False]


def test_non_answers_are_stata_extended_missing_values_with_labels(written):
    info = meta(written, "dta")
    assert info.variable_value_labels["age"]["a"] == "Prefer not to say"
    assert info.variable_value_labels["charged"]["e"] == "Not asked"
    frame = read(written, "dta")
    assert list(frame["charged"]) == ["b", "e", "d"]  # dont_know, not_shown, skipped
    assert frame["age"][1] == "a" and frame["debt"][2] == "c"
    plain = read(written, "dta", user_missing=False)
    assert plain["charged"].isna().all()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_non_answers_are_their_codes_in_spreadsheets(written, fmt):
    frame = read(written, fmt)
    assert list(frame["charged"]) == ["dont_know", "not_shown", "skipped"]
    assert frame["contact_kind"][1] == "prefer_not_to_say"
    assert frame["when"][2] == "skipped"  # stored nowhere: not answered


@pytest.mark.parametrize("fmt", FORMATS)
def test_multiple_choice_is_one_0_1_variable_per_option(written, fmt):
    frame = read(written, fmt)
    as_numbers = [str(v).replace(".0", "") for v in frame["help__housing"]]
    assert as_numbers[0] == "1" and as_numbers[2] == "0"
    assert [str(v).replace(".0", "") for v in frame["help__lawyer"]][::2] == ["1", "1"]


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_multiple_choice_options_are_labelled_chosen_and_not_chosen(written, fmt):
    labels = meta(written, fmt).variable_value_labels["help__housing"]
    assert (labels[1], labels[0]) == ("chosen", "not chosen")


def test_formulas_are_neutralised_in_csv(written):
    with written["csv"].data.open(encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: row[ORDER_KEY])
    assert rows[0]["story"] == "'" + FORMULA
    assert rows[0]["origin__text"] == "'-far away"
    assert rows[2]["name_note"] == "'@SUM(A1)"
    assert rows[0]["debt"] == "-3"


def _sheet_rows(path, name: str) -> list[tuple]:
    """Return the rows of one sheet, closing the workbook (read-only mode keeps the file open)."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(book[name].iter_rows(values_only=True))
    finally:
        book.close()


def test_formulas_are_neutralised_in_xlsx_and_numbers_stay_numbers(written):
    rows = _sheet_rows(written["xlsx"].data, "data")
    header, body = rows[0], sorted(rows[1:], key=lambda row: str(row[5]))
    cells = dict(zip(header, body[0]))
    assert cells["story"] == "'" + FORMULA
    assert cells["debt"] == -3
    assert all(
        not str(v).startswith(("=", "+", "-", "@"))
        for row in body
        for v in row
        if isinstance(v, str)
    )


def test_the_xlsx_codebook_sheet_is_neutralised_too(written):
    rows = _sheet_rows(written["xlsx"].data, "codebook")
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert "variable" in texts
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in texts)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_text_survives_the_round_trip(written, fmt, kind):
    where = {"rtl": (0, "name_note"), "emoji": (1, "name_note"), "long": (1, "story")}
    row, column = where[kind]
    assert read(written, fmt)[column][row] == HOSTILE[kind]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_nul_character_is_dropped_except_in_csv(written, fmt):
    expected = TEXT_WITH_NUL if fmt == "csv" else TEXT_WITH_NUL.replace("\x00", "")
    assert read(written, fmt)["story"][2] == expected


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_text_variables_hold_the_code_word_of_a_missing_answer(written, fmt):
    frame = read(written, fmt)
    assert list(frame["origin__text"]) == ["-far away", "not_shown", "skipped"]
    assert frame["when"][2] == "skipped"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_item_has_a_variable_named_after_it(written, fmt):
    names = set(read(written, fmt).columns)
    for item in INSTRUMENT.answerable_items():
        if item.type == "multiple_choice":
            assert {f"{item.id}__{c.value}" for c in item.choices} <= names
        else:
            assert item.id in names


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_codebook_csv_lists_every_variable_with_its_question(written, fmt):
    book = pd.read_csv(written[fmt].codebook_csv, dtype=str, keep_default_na=False)
    assert list(book["variable"]) == list(read(written, fmt).columns)
    trust = book.set_index("variable").loc["trust"]
    assert trust["question"] == INSTRUMENT.item("trust").label.get("en")
    assert trust["item_id"] == "trust" and trust["instrument_version"] == INSTRUMENT.version
    assert book.set_index("variable").loc["charged", "show_if"] == "arrested == 'yes'"


def test_the_codebook_says_which_code_is_which_value(written):
    book = pd.read_csv(written["sav"].codebook_csv, dtype=str).set_index("variable")
    assert "1=called (I called them)" in book.loc["contact_kind", "values"]
    assert "-991=Prefer not to say" in book.loc["contact_kind", "missing"]
    dta = pd.read_csv(written["dta"].codebook_csv, dtype=str).set_index("variable")
    assert ".a=Prefer not to say" in dta.loc["age", "missing"]


def test_the_codebook_html_is_an_escaped_captioned_table(written):
    page = Path(written["csv"].codebook_html).read_text(encoding="utf-8")
    assert "<caption>" in page and '<th scope="col">variable</th>' in page
    assert '<th scope="row">trust</th>' in page
    assert "&lt;now&gt; &amp; why?" in page
    assert "<now>" not in page
    assert "<script" not in page and "http" not in page
