"""Uploads: only YAML and workbooks, checked by name, size and content, never raising."""

from __future__ import annotations

import pytest

from instruments.upload import load_upload
from tests.factories import instrument_yaml
from tests.instruments.xlsform_builders import complete_settings, survey, with_part, workbook


def codes(result) -> list[str]:
    """Return the codes of an upload's problems, in order."""
    return [problem.code.code for problem in result.problems]


@pytest.mark.parametrize("name", ["study.yaml", "study.yml", "STUDY.YAML"])
def test_a_valid_yaml_upload_loads_its_instrument(name):
    result = load_upload(instrument_yaml().encode(), name)

    assert result.instrument is not None and result.kind == "yaml"
    assert result.problems == ()


@pytest.mark.parametrize("name", ["notes.txt", "study.json", "study", "form.xlsm.txt"])
def test_any_other_name_is_refused_by_its_extension(name):
    result = load_upload(instrument_yaml().encode(), name)

    assert codes(result) == ["UPLOAD_FILE_TYPE"]
    assert "Only .yaml, .yml, .xlsx and .xls files" in result.problems[0].message


def test_a_yaml_upload_over_the_limit_is_refused_with_both_sizes():
    result = load_upload(b"#" * 2001, "big.yaml", max_bytes=2000)

    assert codes(result) == ["DOCUMENT_TOO_LARGE"]
    assert "2001" in result.problems[0].message and "2000" in result.problems[0].message


def test_a_yaml_upload_with_a_nul_character_is_refused_at_its_line():
    result = load_upload(b"format: x\nid: a\x00b\n", "study.yaml")

    assert codes(result) == ["FILE_UNREADABLE"]
    assert result.problems[0].line == 2
    assert "NUL" in result.problems[0].message


def test_a_yaml_upload_that_is_not_utf8_is_refused_at_its_line():
    result = load_upload("title: café\n".encode("latin-1"), "study.yaml")

    assert codes(result) == ["FILE_UNREADABLE"]
    assert "UTF-8" in result.problems[0].message


def test_a_workbook_named_yaml_is_refused_with_a_hint_to_rename_it():
    data = workbook(survey(["text", "q1", "Where?"]), None, complete_settings())

    result = load_upload(data, "form.yaml")

    assert codes(result) == ["FILE_UNREADABLE"]
    assert ".xlsx" in result.problems[0].message


def test_invalid_yaml_gives_every_problem_with_its_line():
    source = instrument_yaml(title="", estimated_minutes=0)

    result = load_upload(source.encode(), "study.yaml")

    assert result.instrument is None
    assert {"EMPTY_TEXT", "ESTIMATED_MINUTES"} <= set(codes(result))
    assert all(problem.line for problem in result.problems)


def test_a_workbook_loads_through_the_xlsform_importer():
    data = workbook(survey(["text", "q1", "Where did you work?"]), None, complete_settings())

    result = load_upload(data, "form.xlsx")

    assert result.kind == "xlsform"
    assert result.instrument is not None
    assert [item.id for item in result.instrument.items()] == ["q1"]


def test_a_workbook_over_a_smaller_limit_is_refused_before_it_is_opened():
    data = workbook(survey(["text", "q1", "Where?"]), None, complete_settings())

    result = load_upload(data, "form.xlsx", max_bytes=100)

    assert codes(result) == ["XLSFORM_TOO_LARGE"]


def test_a_macro_workbook_is_refused():
    data = with_part(workbook(survey(["text", "q1", "Where?"])), "xl/vbaProject.bin", b"VBA")

    result = load_upload(data, "form.xlsx")

    assert codes(result) == ["XLSFORM_MACRO_WORKBOOK"]


def test_a_text_file_named_xlsx_is_refused_by_its_content():
    result = load_upload(b"type,name,label\n", "form.xlsx")

    assert codes(result) == ["XLSFORM_FILE_TYPE"]


@pytest.mark.parametrize("name", ["form.xlsm", "form.xlsb"])
def test_a_macro_workbook_name_is_refused_as_a_macro_workbook(name):
    data = workbook(survey(["text", "q1", "Where?"]))

    assert codes(load_upload(data, name)) == ["XLSFORM_MACRO_WORKBOOK"]
