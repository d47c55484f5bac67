"""Exporting an instrument as an XLSForm, and importing it back to the same instrument.

"The same instrument" is checked on the dataclasses: every field of the
instrument, its sections and items (types, labels, hints, choices, bounds,
non-answers, translations, support, consent ...) is equal, except the content
hash (the YAML differs in layout) and the wording of conditions, which are
compared as parsed trees, since ``a=='x'`` and ``a == 'x'`` are one condition.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from instruments import load_instrument, load_library
from instruments.schema import Instrument, Item, Section
from instruments.xlsform import dump_xlsform, load_xlsform

BILINGUAL = """
format: heard-instrument/1
id: work-abroad
version: "3.1"
title: {en: Working abroad, ar: العمل في الخارج}
purpose: {en: To hear about work abroad., ar: لنسمع عن العمل في الخارج.}
languages: [en, ar]
default_language: en
estimated_minutes: 7
layout: item
organisation: {name: {en: Test Group, ar: مجموعة الاختبار}, url: "https://example.org"}
contact: {email: study@example.org, phone: "0100 000 000"}
consent:
  purpose: {en: Why., ar: لماذا.}
  who_runs_it: {en: Us., ar: نحن.}
  use_and_retention: {en: Kept a year., ar: سنة.}
  anonymity: {en: No names., ar: بلا أسماء.}
  right_to_skip: {en: Skip any., ar: تخطى.}
  right_to_stop: {en: Stop any time., ar: توقف.}
  withdrawal: {en: Until June., ar: حتى يونيو.}
  confidentiality_limits: {en: None., ar: لا شيء.}
support:
  en: [{name: Helpline, phone: 08000 121 700, description: Free.}]
  ar: [{name: خط المساعدة, phone: 08000 121 700, url: "https://example.org/ar"}]
sections:
  - id: work
    title: {en: Your work, ar: عملك}
    intro: {en: About your job., ar: عن عملك.}
    items:
      - id: worked
        type: yes_no
        label: {en: Did you work abroad?, ar: هل عملت في الخارج؟}
        required: true
      - id: sector
        type: multiple_choice
        label: {en: In which work?, ar: في أي عمل؟}
        hint: {en: Choose all., ar: اختر الكل.}
        why_we_ask: {en: To plan support., ar: لنخطط الدعم.}
        show_if: "worked == 'yes'"
        non_answers: [prefer_not_to_say, dont_know]
        self_describe: other
        choices:
          - {value: farm, label: {en: Farm, ar: مزرعة}}
          - {value: other, label: {en: Other, ar: أخرى}}
      - id: treated
        type: scale
        label: {en: How were you treated?, ar: كيف عوملت؟}
        points:
          - {value: 1, label: {en: Badly, ar: سيئا}}
          - {value: 2, label: {en: Well, ar: جيدا}}
      - id: when
        type: month_year
        label: {en: When did it start?, ar: متى بدأ؟}
        show_if: "'farm' in sector or not (treated != 2)"
  - id: pay
    title: {en: Pay, ar: الأجر}
    sensitive: true
    skippable: false
    content_note: {en: About money., ar: عن المال.}
    show_if: "worked == 'yes'"
    items:
      - id: hours
        type: number
        integer: false
        min: 0.5
        max: 80
        label: {en: Hours a week?, ar: ساعات في الأسبوع؟}
        sensitive: true
      - id: story
        type: long_text
        max_length: 2000
        label: {en: Tell us more., ar: أخبرنا المزيد.}
      - id: thanks
        type: note
        label: {en: Thank you., ar: شكرا.}
"""


def _exported(instrument: Instrument) -> bytes:
    stream = io.BytesIO()
    dump_xlsform(instrument, stream)
    return stream.getvalue()


def _round_trip(instrument: Instrument) -> Instrument:
    result = load_xlsform(_exported(instrument), filename="exported.xlsx")
    assert result.problems == (), "\n".join(map(str, result.problems))
    assert result.instrument is not None
    return result.instrument


def _comparable(instrument: Instrument) -> Instrument:
    """Return `instrument` with conditions as parsed trees and no content hash."""

    def item(it: Item) -> Item:
        return dataclasses.replace(it, show_if=it.show_if and it.show_if.expression)

    def section(s: Section) -> Section:
        items = tuple(item(it) for it in s.items)
        return dataclasses.replace(s, items=items, show_if=s.show_if and s.show_if.expression)

    sections = tuple(section(s) for s in instrument.sections)
    return dataclasses.replace(instrument, sections=sections, content_hash="")


@pytest.mark.parametrize(
    "instrument",
    [load_library("police-response"), load_instrument(BILINGUAL, filename="bilingual.yaml")],
    ids=["police-response", "arabic-and-english"],
)
def test_exporting_and_importing_again_gives_the_same_instrument(instrument: Instrument) -> None:
    assert _comparable(_round_trip(instrument)) == _comparable(instrument)


def test_the_round_trip_keeps_the_condition_wording_of_the_library() -> None:
    instrument = load_library("police-response")

    again = _round_trip(instrument)

    assert [s.show_if for s in again.sections] == [s.show_if for s in instrument.sections]


def test_the_export_is_an_xlsform_pyxform_converts(tmp_path: Path) -> None:
    path = tmp_path / "bilingual.xlsx"
    dump_xlsform(load_instrument(BILINGUAL, filename="bilingual.yaml"), path)

    result = convert(xlsform=path)

    assert "<h:title>Working abroad</h:title>" in result.xform


def _sheet(data: bytes, name: str) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data), read_only=True)[name].values)


def test_each_section_is_a_group_and_each_language_a_column() -> None:
    data = _exported(load_instrument(BILINGUAL, filename="bilingual.yaml"))

    rows = _sheet(data, "survey")

    assert rows[0][:4] == ("type", "name", "label::English (en)", "label::العربية (ar)")
    assert [row[0] for row in rows if "group" in str(row[0])] == ["begin group", "end group"] * 2


@pytest.mark.parametrize(
    ("item_id", "column", "value"),
    [
        ("worked", "required", "yes"),
        ("sector", "relevant", "${worked} = 'yes'"),
        ("when", "relevant", "selected(${sector}, 'farm') or not(${treated} != 2)"),
        ("hours", "constraint", ". >= 0.5 and . <= 80"),
        ("hours", "type", "decimal"),
        ("story", "constraint", "string-length(.) <= 2000"),
        ("story", "appearance", "multiline"),
        ("treated", "appearance", "likert"),
        ("when", "type", "date"),
        ("when", "appearance", "month-year"),
        ("sector", "heard_non_answers", "prefer_not_to_say dont_know"),
    ],
)
def test_each_item_is_written_in_xlsform_terms(item_id: str, column: str, value: str) -> None:
    rows = _sheet(_exported(load_instrument(BILINGUAL, filename="bilingual.yaml")), "survey")
    header = rows[0]

    (row,) = [row for row in rows[1:] if row[1] == item_id]

    assert row[header.index(column)] == value


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    text = BILINGUAL.replace(
        "label: {en: Thank you., ar: شكرا.}", "label: {en: =SUM(A1), ar: شكرا}"
    )
    instrument = load_instrument(text, filename="formula.yaml")

    again = _round_trip(instrument)

    assert again.item("thanks").label.get("en") == "=SUM(A1)"


def test_a_consent_text_cleared_in_the_spreadsheet_comes_back_as_a_placeholder() -> None:
    data = _exported(load_instrument(BILINGUAL, filename="bilingual.yaml"))
    book = load_workbook(io.BytesIO(data))
    settings = book["settings"]
    for cell in settings[1]:
        if str(cell.value).startswith("heard_consent_withdrawal"):
            settings.cell(2, cell.column).value = None
    stream = io.BytesIO()
    book.save(stream)

    result = load_xlsform(stream.getvalue(), filename="edited.xlsx")

    assert [p.code.code for p in result.problems] == ["XLSFORM_PLACEHOLDER"]
    assert "consent.withdrawal" in result.problems[0].message
