"""The `quote_consent` setting: read from YAML and XLSForm, refused where it means nothing."""

from __future__ import annotations

import io

import pytest

from instruments import ErrorCode, InstrumentInvalid, load_instrument
from instruments.xlsform import dump_xlsform, load_xlsform
from tests.instruments.builders import minimal_guide, minimal_instrument, to_yaml
from tests.instruments.xlsform_builders import complete_settings, load, survey


def _load(document: dict):
    return load_instrument(to_yaml(document), filename="study.yaml")


@pytest.mark.parametrize(("written", "asks"), [(True, True), (False, False)])
def test_a_survey_may_ask_for_quote_consent(written: bool, asks: bool) -> None:
    assert _load(minimal_instrument(quote_consent=written)).quote_consent is asks


def test_a_survey_without_the_setting_does_not_ask() -> None:
    assert _load(minimal_instrument()).quote_consent is False


@pytest.mark.parametrize(
    ("value", "found"),
    [("maybe", "'maybe'"), ("yes", "'yes'"), (1, "a number (1)"), (["yes"], "a list")],
)
def test_a_value_other_than_true_or_false_is_refused_naming_the_key(value, found) -> None:
    with pytest.raises(InstrumentInvalid) as caught:
        _load(minimal_instrument(quote_consent=value))
    (problem,) = caught.value.problems
    assert (problem.code, problem.path) == (ErrorCode.QUOTE_CONSENT_INVALID, "quote_consent")
    assert problem.message.startswith("`quote_consent` must be true")
    assert problem.message.endswith(f"not {found}.")


def test_an_interview_guide_is_told_the_setting_is_not_for_it() -> None:
    with pytest.raises(InstrumentInvalid) as caught:
        _load(minimal_guide(quote_consent=True))
    assert [(p.code, p.path) for p in caught.value.problems] == [
        (ErrorCode.KEY_NOT_FOR_KIND, "quote_consent")
    ]


@pytest.mark.parametrize(("cell", "asks"), [("yes", True), ("TRUE", True), ("no", False)])
def test_an_xlsform_sets_it_on_the_settings_sheet(cell: str, asks: bool) -> None:
    result = load(
        survey(("text", "story", "Tell us more")),
        settings=complete_settings(heard_quote_consent=cell),
    )
    assert result.instrument is not None, result.problems
    assert result.instrument.quote_consent is asks


def test_an_xlsform_value_that_is_not_yes_or_no_is_refused_naming_the_key() -> None:
    result = load(
        survey(("text", "story", "Tell us more")),
        settings=complete_settings(heard_quote_consent="sometimes"),
    )
    assert result.instrument is None
    assert ErrorCode.QUOTE_CONSENT_INVALID in {problem.code for problem in result.problems}


@pytest.mark.parametrize("asks", [True, False])
def test_the_xlsform_round_trip_keeps_the_setting(asks: bool) -> None:
    stream = io.BytesIO()
    dump_xlsform(_load(minimal_instrument(quote_consent=asks)), stream)
    result = load_xlsform(stream.getvalue(), filename="exported.xlsx")
    assert result.instrument is not None and result.instrument.quote_consent is asks
