"""Small groups are suppressed: every combination of quasi-identifiers in the export is shared
by at least k rows, or suppressed; the oracle is a pandas groupby on the inputs and the output."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.extensions import db
from survey.models import Study
from tests.conftest import make_app
from tests.survey.exports_roles.helpers import (
    clear_responses,
    export_frame,
    respond_many,
    set_export_settings,
    voices_study,
)

QUASI = ["age", "country", "arrived"]
EDGES = [30, 45]
GROUPS = {"uk": "Europe", "fr": "Europe"}


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One app and study for every example (a fresh database per example would be too slow)."""
    folder = tmp_path_factory.mktemp("suppression")
    app = make_app(folder)
    study_id = voices_study(app, disclosure_threshold=5)
    set_export_settings(
        app,
        study_id,
        {
            "quasi_identifiers": {
                "age": {"how": "bands", "bands": EDGES},
                "country": {"how": "groups", "groups": GROUPS},
                "arrived": {"how": "year"},
            }
        },
    )
    yield app, study_id, folder
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


person = st.fixed_dictionaries(
    {
        "age": st.integers(16, 60),
        "country": st.sampled_from(["uk", "fr", "ng"]),
        "arrived": st.sampled_from(["2019-01", "2019-11", "2020-05"]),
    }
)


def _coarsened(people: list[dict]) -> pd.DataFrame:
    """The oracle: the inputs coarsened with pandas, independently of the export."""
    frame = pd.DataFrame(people)
    bands = pd.cut(frame["age"], [-math.inf, *EDGES, math.inf], right=False, labels=["a", "b", "c"])
    return pd.DataFrame(
        {
            "age": bands.astype(str),
            "country": frame["country"].map(lambda v: GROUPS.get(v, v)),
            "arrived": frame["arrived"].str[:4],
        }
    )


def _export(shared, people: list[dict], k: int) -> tuple[pd.DataFrame, list[str]]:
    app, study_id, folder = shared
    clear_responses(app, study_id)
    with app.app_context():
        db.session.get(Study, study_id).disclosure_threshold = k
        db.session.commit()
    ids = respond_many(app, study_id, people)
    return export_frame(app, study_id, "csv", Path(folder)), ids


@settings(max_examples=30)
@given(people=st.lists(person, min_size=1, max_size=40), k=st.integers(5, 7))
def test_every_combination_in_the_export_has_k_rows_or_is_suppressed(shared, people, k):
    shown, _ = _export(shared, people, k)
    suppressed = shown[QUASI].eq("suppressed")
    assert suppressed.all(axis=1).eq(suppressed.any(axis=1)).all()  # all the row's cells, or none
    kept = shown[~suppressed.any(axis=1)]
    sizes = kept.groupby(QUASI).size()
    assert (sizes >= k).all()


@settings(max_examples=20)
@given(people=st.lists(person, min_size=1, max_size=40), k=st.integers(5, 7))
def test_exactly_the_rows_of_groups_smaller_than_k_are_suppressed(shared, people, k):
    shown, ids = _export(shared, people, k)
    expected = _coarsened(people)
    sizes = expected.groupby(QUASI)[QUASI[0]].transform("size")
    expected["response_id"] = ids
    expected["small"] = sizes < k
    merged = expected.merge(shown, on="response_id", suffixes=("_oracle", ""))
    assert len(merged) == len(people)
    assert list(merged["age"].eq("suppressed")) == list(merged["small"])
    unsuppressed = merged[~merged["small"]]
    assert list(unsuppressed["country"]) == list(unsuppressed["country_oracle"])
    assert list(unsuppressed["arrived"]) == list(unsuppressed["arrived_oracle"])
