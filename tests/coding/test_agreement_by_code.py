"""The study lead's table: agreement per code, checked against krippendorff and scikit-learn."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from coding.agreement import (
    BY_CODE_COLUMNS,
    RELIABLE,
    TENTATIVE,
    agreement_by_code,
)
from coding.model import Code, Codebook, Coding, Document
from coding.units import reliability_matrix

CODEBOOK = Codebook(
    (
        Code("forms", "Forms of control", codable=False),
        Code("wage", "Wages withheld", parent="forms"),
        Code("debt", "Debt bondage", parent="forms"),
        Code("other", "Other"),
    )
)
TEXT = "They kept my wages. I owed them money. I could not leave."


def documents(count: int) -> list[Document]:
    """Return `count` answers with the same three-sentence text."""
    return [Document(f"d{i}", f"Answer {i}", TEXT) for i in range(count)]


def codings_from(pattern: np.ndarray, code: str, coders: list[str]) -> list[Coding]:
    """Return codings of `code` on the first sentence wherever `pattern` (coders x documents) is 1.

    Every coder also applies "other" to every document, so every coder has read
    every document.
    """
    codings = []
    for (row, column), applied in np.ndenumerate(pattern):
        who, doc = coders[row], f"d{column}"
        if applied:
            codings.append(Coding(f"{code}-{who}-{doc}", doc, code, who, 0, 19))
        codings.append(Coding(f"other-{who}-{doc}", doc, "other", who, 39, 57))
    return codings


def random_pattern(seed: int, coders: int, units: int = 40) -> np.ndarray:
    """Return coders x documents 0/1, coders agreeing more often than chance."""
    rng = np.random.default_rng(seed)
    truth = rng.random(units) < 0.4
    noise = rng.random((coders, units)) < 0.15
    return (truth ^ noise).astype(int)


def row_of(table, code: str) -> dict:
    """Return the table's row for `code` as a dict."""
    return table.set_index("code").loc[code].to_dict()


def test_the_table_has_one_row_per_codable_code_in_codebook_order():
    table = agreement_by_code([], documents(2), ["ann", "bo"], CODEBOOK)
    assert list(table.columns) == list(BY_CODE_COLUMNS)
    assert table["code"].tolist() == ["wage", "debt", "other"]
    assert table["name"].tolist() == ["Wages withheld", "Debt bondage", "Other"]


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("n_coders", [2, 3, 4])
def test_alpha_equals_the_krippendorff_package_on_who_applied_the_code_to_which_answer(
    seed, n_coders
):
    coders = [f"coder-{i}" for i in range(n_coders)]
    pattern = random_pattern(seed, n_coders)
    codings = codings_from(pattern, "wage", coders)
    table = agreement_by_code(codings, documents(pattern.shape[1]), coders, CODEBOOK)
    expected = krippendorff.alpha(reliability_data=pattern, level_of_measurement="nominal")
    assert row_of(table, "wage")["alpha"] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", range(10))
def test_kappa_of_two_coders_equals_scikit_learn(seed):
    pattern = random_pattern(seed, 2)
    codings = codings_from(pattern, "debt", ["ann", "bo"])
    table = agreement_by_code(codings, documents(pattern.shape[1]), ["ann", "bo"], CODEBOOK)
    expected = cohen_kappa_score(pattern[0], pattern[1])
    assert row_of(table, "debt")["kappa"] == pytest.approx(expected, abs=1e-9)


def test_kappa_is_left_out_for_three_coders():
    pattern = random_pattern(0, 3)
    coders = ["ann", "bo", "cy"]
    table = agreement_by_code(
        codings_from(pattern, "wage", coders), documents(40), coders, CODEBOOK
    )
    assert math.isnan(row_of(table, "wage")["kappa"])


def test_units_count_the_answers_read_by_two_coders_and_units_coded_those_with_the_code():
    pattern = np.array([[1, 1, 0, 0, 1], [1, 0, 0, 0, 0]])
    codings = codings_from(pattern, "wage", ["ann", "bo"])
    # bo never read d4: only ann's "other" and "wage" codings are kept there.
    codings = [c for c in codings if not (c.coder == "bo" and c.document == "d4")]
    row = row_of(agreement_by_code(codings, documents(5), ["ann", "bo"], CODEBOOK), "wage")
    assert (row["units"], row["units_coded"]) == (4, 2)
    assert row["percent_agreement"] == pytest.approx(3 / 4)


def test_the_unit_level_changes_what_is_compared():
    # Both coders code the first sentence; ann's segment runs on into the second.
    codings = [
        Coding("a", "d0", "wage", "ann", 0, 25),
        Coding("b", "d0", "wage", "bo", 0, 19),
    ]
    table = {
        unit: row_of(
            agreement_by_code(codings, documents(1), ["ann", "bo"], CODEBOOK, unit), "wage"
        )
        for unit in ("answer", "sentence", "character")
    }
    assert [table[unit]["units"] for unit in table] == [1, 3, len(TEXT)]
    assert [table[unit]["units_coded"] for unit in table] == [1, 2, 25]


def test_character_level_alpha_equals_the_krippendorff_package_on_the_unitised_data():
    rng = np.random.default_rng(5)
    codings = []
    for number in range(60):
        start = int(rng.integers(0, len(TEXT) - 1))
        end = int(rng.integers(start + 1, len(TEXT) + 1))
        who, doc = ["ann", "bo", "cy"][number % 3], f"d{number % 4}"
        codings.append(Coding(f"c{number}", doc, "wage", who, start, end))
    coders = ["ann", "bo", "cy"]
    matrix = reliability_matrix(codings, documents(4), coders, "wage", "character")
    table = agreement_by_code(codings, documents(4), coders, CODEBOOK, "character")
    expected = krippendorff.alpha(
        reliability_data=matrix.to_numpy(), level_of_measurement="nominal"
    )
    assert row_of(table, "wage")["alpha"] == pytest.approx(expected, abs=1e-9)


def test_a_code_below_the_tentative_threshold_is_flagged_and_a_reliable_one_is_not():
    agreeing = np.array([[1, 0] * 10, [1, 0] * 10])
    disagreeing = np.array([[1, 0, 1, 0] * 5, [1, 1, 0, 0] * 5])
    codings = codings_from(agreeing, "wage", ["ann", "bo"]) + [
        c for c in codings_from(disagreeing, "debt", ["ann", "bo"]) if c.code == "debt"
    ]
    table = agreement_by_code(codings, documents(20), ["ann", "bo"], CODEBOOK)
    wage, debt = row_of(table, "wage"), row_of(table, "debt")
    assert wage["alpha"] >= RELIABLE and not wage["below_threshold"]
    assert debt["alpha"] < TENTATIVE and debt["below_threshold"]


def test_a_code_nobody_applied_has_no_alpha_and_is_flagged():
    codings = codings_from(np.ones((2, 5), dtype=int), "wage", ["ann", "bo"])
    row = row_of(agreement_by_code(codings, documents(5), ["ann", "bo"], CODEBOOK), "debt")
    assert math.isnan(row["alpha"]) and math.isnan(row["kappa"])
    assert row["percent_agreement"] == 1.0
    assert row["below_threshold"]


def test_codes_may_be_a_list_and_an_empty_list_gives_an_empty_table():
    codings = codings_from(np.ones((2, 3), dtype=int), "wage", ["ann", "bo"])
    table = agreement_by_code(codings, documents(3), ["ann", "bo"], [Code("wage", "Wages")])
    assert table["code"].tolist() == ["wage"]
    empty = agreement_by_code(codings, documents(3), ["ann", "bo"], [])
    assert empty.empty and list(empty.columns) == list(BY_CODE_COLUMNS)


def test_one_coder_is_refused():
    with pytest.raises(ValueError, match="at least two coders"):
        agreement_by_code([], documents(1), ["ann"], CODEBOOK)
