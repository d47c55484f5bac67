"""The codebook as CSV: a spreadsheet round trip, formula neutralising, tolerant reading."""

from __future__ import annotations

import csv
import doctest
import io
import uuid

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coding.codebook_csv as codebook_csv_module
from coding.codebook import code_paths, validate_codebook
from coding.codebook_csv import (
    COLUMNS,
    FORMULA_STARTS,
    SIZE_LIMIT,
    read_codebook_csv,
    write_codebook_csv,
)
from coding.errors import CodingError
from coding.model import DEFAULT_COLOUR, Code, Codebook
from tests.coding.strategies import codebooks

A = "0d0c0c6e-64ae-4ab0-9e77-1c3ad7f9f6b8"
B = "5f3a3d1e-2b1c-4d7e-9a8b-6c5d4e3f2a1b"
DEBT = '=Debt, "owed"\nfor travel'
BOOK = Codebook(
    (
        Code(A, "Control", codable=False, definition="Ways an employer controls a worker."),
        Code(B, DEBT, parent=A, example="-500 for the flight", colour="#1f77b4"),
    )
)


def cells(text: str) -> list[list[str]]:
    """Return the CSV's rows as a spreadsheet would parse them."""
    return list(csv.reader(io.StringIO(text, newline="")))


def neutralised(cell: str) -> str:
    """Return `cell` as the documented rule writes it."""
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def error_of(data: str | bytes) -> CodingError:
    """Return the CodingError that reading `data` raises."""
    with pytest.raises(CodingError) as raised:
        read_codebook_csv(data)
    return raised.value


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(codebook_csv_module).failed == 0


# Writing


def test_the_header_and_rows_follow_the_codebook() -> None:
    rows = cells(write_codebook_csv(BOOK))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == [
        A,
        "Control",
        "Control",
        "",
        "category",
        "Ways an employer controls a worker.",
        "",
        "",
        "",
        DEFAULT_COLOUR,
    ]
    assert rows[2] == [
        B,
        "Control/" + DEBT,
        "'" + DEBT,
        A,
        "code",
        "",
        "",
        "",
        "'-500 for the flight",
        "#1f77b4",
    ]


def test_rows_end_with_crlf_and_writing_twice_gives_the_same_text() -> None:
    text = write_codebook_csv(BOOK)
    assert text.endswith("\r\n") and text == write_codebook_csv(BOOK)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # so the reader can tell it from a quote the writer added
        ("'''@x", "''''@x"),
        ("'quoted", "'quoted"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_neutralised(value: str, written: str) -> None:
    book = Codebook((Code(A, "Fear", definition=value),))
    assert cells(write_codebook_csv(book))[1][5] == written
    assert read_codebook_csv(write_codebook_csv(book)) == book


@settings(max_examples=150)
@given(codebooks())
def test_no_written_cell_starts_like_a_formula(codebook: Codebook) -> None:
    for row in cells(write_codebook_csv(codebook))[1:]:
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row)


# The round trip


@settings(max_examples=150)
@given(codebooks())
def test_reading_what_was_written_gives_the_codebook_back(codebook: Codebook) -> None:
    text = write_codebook_csv(codebook)
    assert read_codebook_csv(text, name=codebook.name) == codebook
    assert read_codebook_csv(text.encode("utf-8"), name=codebook.name) == codebook
    assert write_codebook_csv(read_codebook_csv(text)) == text


@settings(max_examples=50)
@given(codebooks(min_codes=1))
def test_pandas_reads_the_expected_columns_and_rows(codebook: Codebook) -> None:
    frame = pd.read_csv(io.StringIO(write_codebook_csv(codebook)), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(COLUMNS)
    assert list(frame["guid"]) == [code.guid for code in codebook.codes]
    assert list(frame["name"]) == [neutralised(code.name) for code in codebook.codes]
    assert list(frame["kind"]) == ["code" if c.codable else "category" for c in codebook.codes]
    assert list(frame["parent_guid"]) == [c.parent or "" for c in codebook.codes]


# Tolerance


def test_excel_bytes_with_a_bom_and_crlf_are_read() -> None:
    data = "\ufeffname,kind\r\nControl,category\r\n".encode()
    assert [(c.name, c.codable) for c in read_codebook_csv(data).codes] == [("Control", False)]


def test_columns_in_any_order_and_case_and_extra_columns_are_read() -> None:
    text = f"Notes,Parent GUID,Name,GUID,Colour\nignore me,,Control,{A},#123ABC\nx,{A},Debt,{B},\n"
    book = read_codebook_csv(text)
    assert book.codes == (
        Code(A, "Control", colour="#123ABC"),
        Code(B, "Debt", parent=A, colour=DEFAULT_COLOUR),
    )


def test_the_american_spelling_of_colour_is_understood() -> None:
    (code,) = read_codebook_csv("Name,Color\nFear,#D62728\n").codes
    assert code.colour == "#D62728"


def test_a_bad_kind_is_quoted_as_typed() -> None:
    assert "'Folder '" in str(error_of("name,kind\nFear,Folder \n"))


def test_a_row_without_a_guid_gets_a_new_one() -> None:
    (code,) = read_codebook_csv("name\nFear\n").codes
    assert str(uuid.UUID(code.guid, version=4)) == code.guid


def test_a_guid_in_another_spelling_is_made_canonical() -> None:
    (code,) = read_codebook_csv(f"guid,name\n{{{A.upper()}}},Fear\n").codes
    assert code.guid == A


def test_a_parent_is_found_by_path_on_an_earlier_row() -> None:
    text = "name,path,kind\nControl,Control,category\nDebt,Control/Debt,\nOwed,Control/Debt/Owed,\n"
    book = read_codebook_csv(text)
    assert list(code_paths(book).values()) == ["Control", "Control/Debt", "Control/Debt/Owed"]


def test_a_path_whose_last_name_was_edited_still_names_the_parent() -> None:
    book = read_codebook_csv("name,path\nControl,Control\nDebts owed,Control/Debt\n")
    assert code_paths(book)[book.codes[1].guid] == "Control/Debts owed"


def test_a_name_holding_the_path_separator_is_found_by_its_path() -> None:
    text = "name,path\nThreats/violence,Threats/violence\nTo family,Threats/violence/To family\n"
    book = read_codebook_csv(text)
    assert book.codes[1].parent == book.codes[0].guid


def test_a_parent_given_by_guid_may_come_later_and_is_put_first() -> None:
    book = read_codebook_csv(f"guid,name,parent_guid\n{B},Debt,{A}\n{A},Control,\n")
    assert [c.name for c in book.codes] == ["Control", "Debt"]
    assert validate_codebook(book) == []


def test_blank_rows_are_skipped_and_kind_and_colour_default() -> None:
    book = read_codebook_csv("name,kind,colour\n,,\nFear, ,\n\n")
    assert [(c.name, c.codable, c.colour) for c in book.codes] == [("Fear", True, DEFAULT_COLOUR)]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_semicolon_or_tab_delimited_file_is_read(delimiter: str) -> None:
    book = read_codebook_csv(f"name{delimiter}kind\nFear, threats{delimiter}code\n")
    assert [c.name for c in book.codes] == ["Fear, threats"]


def test_names_are_cleaned_and_other_cells_kept_as_typed() -> None:
    (code,) = read_codebook_csv('name,definition\n"  Cafe\u0301 ","  spaced \n"\n').codes
    assert (code.name, code.definition) == ("Café", "  spaced \n")


def test_a_header_only_file_is_an_empty_codebook() -> None:
    assert read_codebook_csv("guid,name\r\n") == Codebook()


# Problems, each a CodingError at its row


@pytest.mark.parametrize(
    ("data", "code", "where"),
    [
        (b"", "CSV_UNREADABLE", None),
        (" \r\n ", "CSV_UNREADABLE", None),
        ("\ufeff", "CSV_UNREADABLE", None),
        (b"name\nFear\nP\xe9ril\n", "CSV_UNREADABLE", "row 3"),  # Latin-1, not UTF-8
        ('name\n"Fear\n'.encode("utf-16"), "CSV_UNREADABLE", None),
        ('name\nFear\n"Debt\n', "CSV_UNREADABLE", "row 3"),  # a quote never closed
        ("name\nFe\x00ar\n", "CSV_UNREADABLE", "row 2"),  # PostgreSQL cannot store a NUL
        ("name\nFear\nDebt\ud800\n", "CSV_UNREADABLE", "row 3"),  # a lone surrogate
        ("name,Name\nA,B\n", "CSV_UNREADABLE", "row 1"),
        ("guid,path\nx,y\n", "CSV_COLUMN_MISSING", "row 1"),
        ("name,kind\nFear,folder\n", "CSV_VALUE_INVALID", "row 2"),
        ("name,guid\nFear,not-a-guid\n", "CSV_VALUE_INVALID", "row 2"),
        (f"name,parent_guid\nFear,{B}\n", "CODE_PARENT_UNKNOWN", "row 2"),
        ("name,path\nFear,Feelings/Fear\n", "CODE_PARENT_UNKNOWN", "row 2"),
        ("name,path\nDebt,Control/Debt\nControl,Control\n", "CODE_PARENT_UNKNOWN", "row 2"),
        (f"guid,name\n{A},Fear\n{A},Debt\n", "CODE_GUID_TAKEN", "row 3"),
        (f"guid,name,parent_guid\n{A},Fear,{B}\n{B},Debt,{A}\n", "CODE_CYCLE", "row 2"),
        (f"guid,name,parent_guid\n{A},Fear,{A}\n", "CODE_CYCLE", "row 2"),
        ('name,definition\nFear,"two\nlines"\n \u200b,\n', "CODE_NAME_EMPTY", "row 3"),
        ("name\n" + "x" * 201 + "\n", "CODE_NAME_TOO_LONG", "row 2"),
        ("name\nFear\nFEAR \n", "CODE_NAME_TAKEN", "row 3"),
        ("name,colour\nFear,red\n", "CODE_COLOUR_INVALID", "row 2"),
        (
            "name,path,kind\nFear,Fear,\nGroup,Fear/Group,category\n",
            "CODE_CATEGORY_UNDER_CODE",
            "row 3",
        ),
    ],
)
def test_a_problem_is_reported_with_its_code_and_row(
    data: str | bytes, code: str, where: str | None
) -> None:
    error = error_of(data)
    assert (error.code, error.where) == (code, where)


def test_an_ambiguous_parent_path_asks_for_the_parent_guid() -> None:
    text = "name,path\nA/B,A/B\nA,A\nB,A/B\nC,A/B/C\n"
    error = error_of(text)
    assert (error.code, error.where) == ("CSV_VALUE_INVALID", "row 5")
    assert "parent_guid" in str(error)


def test_the_missing_column_message_lists_the_columns_found() -> None:
    assert "the columns are: guid, path" in str(error_of("guid,path\n"))


def test_a_file_over_the_limit_is_refused_before_it_is_parsed() -> None:
    data = b"name\n" + b"x" * SIZE_LIMIT
    error = error_of(data)
    assert error.code == "FILE_TOO_LARGE" and error.values["limit"] == SIZE_LIMIT
    assert error_of(data.decode()).code == "FILE_TOO_LARGE"


def test_a_file_at_the_limit_is_read() -> None:
    head = b"name,definition\r\nFear,Afraid\r\n"
    blank = b"," * 98 + b"\r\n"  # the blank rows a spreadsheet leaves behind
    padding = SIZE_LIMIT - len(head)
    data = head + blank * (padding // len(blank)) + b"\r\n" * (padding % len(blank) // 2)
    data += b" " * (SIZE_LIMIT - len(data))
    assert len(data) == SIZE_LIMIT
    assert [code.name for code in read_codebook_csv(data).codes] == ["Fear"]


def test_a_cell_too_large_for_a_spreadsheet_is_reported_at_its_row() -> None:
    error = error_of(b"name,definition\nFear," + b"x" * 200_000 + b"\n")
    assert (error.code, error.where) == ("CSV_UNREADABLE", "row 2")


@settings(max_examples=300)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_any_input_gives_a_codebook_or_a_coding_error_never_a_traceback(
    data: str | bytes,
) -> None:
    try:
        book = read_codebook_csv(data)
    except CodingError:
        return
    assert validate_codebook(book) == []


PLAUSIBLE_CELLS = ["Fear", "fear", "A/B", "A", "B", "category", "code", A, B, "", "=x", "'=x"]


@settings(max_examples=200)
@given(
    st.lists(
        st.lists(st.sampled_from(PLAUSIBLE_CELLS), min_size=3, max_size=3),
        max_size=6,
    ),
    st.permutations(["name", "path", "kind"]) | st.permutations(["name", "parent_guid", "guid"]),
)
def test_any_table_of_plausible_cells_gives_a_codebook_or_a_coding_error(
    rows: list[list[str]], header: list[str]
) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([header, *rows])
    try:
        book = read_codebook_csv(buffer.getvalue())
    except CodingError as error:
        assert error.where is not None and error.where.startswith("row ")
        return
    assert validate_codebook(book) == []
