"""Quasi-identifiers are coarsened as the study's export settings say, read back with pandas."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.survey.exports_roles.helpers import (
    export_frame,
    respond_many,
    set_export_settings,
    voices_study,
)

AGES = (16, 18, 24, 25, 49, 50, 71)
COUNTRY_OF_AGE = dict(zip(AGES, ("uk", "fr", "ng", "br", "vn", "uk", "ng"), strict=True))
GROUPS = {"uk": "Europe", "fr": "Europe", "ng": "Africa"}
COPIES = 5  # every combination is shared by 5 responses: nothing is suppressed at k = 5


@pytest.fixture
def study_id(app) -> int:
    """Five responses for each of seven people's answers, with the coarsening settings stored."""
    study_id = voices_study(app, disclosure_threshold=5)
    people = [
        {
            "age": age,
            "country": COUNTRY_OF_AGE[age],
            "arrived": f"{2000 + age % 20}-0{1 + age % 9}",
            "help": ["housing"],
        }
        for age in AGES
        for _ in range(COPIES)
    ]
    respond_many(app, study_id, people)
    set_export_settings(
        app,
        study_id,
        {
            "quasi_identifiers": {
                "age": {"how": "bands", "bands": [18, 25, 35, 50]},
                "country": {"how": "groups", "groups": GROUPS},
                "arrived": {"how": "year"},
                "help": {"how": "drop"},
                "completed_on": {"how": "month"},
            }
        },
    )
    return study_id


def _expected_bands(ages: pd.Series) -> pd.Series:
    edges = [-math.inf, 18, 25, 35, 50, math.inf]
    labels = ["under 18", "18-24", "25-34", "35-49", "50+"]
    return pd.cut(ages, edges, right=False, labels=labels).astype(str)


@pytest.mark.parametrize("fmt", ["csv", "sav"])
def test_numbers_become_the_bands_the_settings_name(app, study_id, fmt, tmp_path):
    full = export_frame(app, study_id, "csv", tmp_path, full=True, reason="An oracle for bands")
    shown = export_frame(app, study_id, fmt, tmp_path)
    merged = full.merge(shown, on="response_id", suffixes=("_raw", ""))
    expected = _expected_bands(merged["age_raw"].astype(int))
    assert list(merged["age"].astype(str)) == list(expected)


@pytest.mark.parametrize("fmt", ["csv", "dta"])
def test_choices_become_their_groups_and_unlisted_ones_stay(app, study_id, fmt, tmp_path):
    full = export_frame(app, study_id, "csv", tmp_path, full=True, reason="An oracle for groups")
    shown = export_frame(app, study_id, fmt, tmp_path)
    merged = full.merge(shown, on="response_id", suffixes=("_raw", ""))
    # dta and sav read back the value labels: unlisted answers keep their own label.
    own_label = {"br": "BR", "vn": "VN"} if fmt != "csv" else {"br": "br", "vn": "vn"}
    expected = merged["country_raw"].map(lambda v: GROUPS.get(v, own_label.get(v)))
    assert list(merged["country"]) == list(expected)


def test_month_and_year_becomes_the_year(app, study_id, tmp_path):
    full = export_frame(app, study_id, "csv", tmp_path, full=True, reason="An oracle for years")
    shown = export_frame(app, study_id, "csv", tmp_path)
    merged = full.merge(shown, on="response_id", suffixes=("_raw", ""))
    assert list(merged["arrived"]) == list(merged["arrived_raw"].str[:4])


def test_the_day_a_response_was_sent_becomes_its_month(app, study_id, tmp_path):
    shown = export_frame(app, study_id, "csv", tmp_path)
    assert set(shown["completed_on"]) == {"2024-03"}


def test_a_dropped_item_has_no_column(app, study_id, tmp_path):
    shown = export_frame(app, study_id, "csv", tmp_path)
    full = export_frame(app, study_id, "csv", tmp_path, full=True, reason="See what was dropped")
    assert [c for c in full.columns if c.startswith("help")] == ["help__housing", "help__lawyer"]
    assert not [c for c in shown.columns if c.startswith("help")]


def test_nothing_is_suppressed_when_every_combination_has_k_responses(app, study_id, tmp_path):
    shown = export_frame(app, study_id, "csv", tmp_path)
    assert "suppressed" not in set(shown[["age", "country", "arrived"]].to_numpy().ravel())


def test_an_answer_that_no_longer_fits_its_coarsening_is_suppressed_not_a_crash():
    from survey.services.exports.deidentify import coarsener
    from survey.services.exports.plan import SUPPRESSED, Column
    from survey.services.exports.settings import BANDS, Coarsening

    change = coarsener(Coarsening(BANDS, bands=(18.0, 25.0)), Column("age", "Age", "number"))
    assert change("a18_25") == SUPPRESSED
    assert change("30") == "25+"
    assert change("prefer_not_to_say") == "prefer_not_to_say"
