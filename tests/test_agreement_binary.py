"""The binary per-code path: sparse unit sets in, per-code report rows out."""

from __future__ import annotations

import json

import numpy as np
import pytest

import coder.analysis.agreement as ag


def test_tables_from_sparse_sets() -> None:
    tables = ag.binary_tables({"a": (np.array([1, 3, 5]), np.array([3, 5, 7, 9]))}, n_units=10)
    assert (tables.n11[0], tables.n10[0], tables.n01[0], tables.n00[0]) == (2, 1, 2, 5)
    assert tables.n_a.tolist() == [3] and tables.n_b.tolist() == [4]


def test_unsorted_and_repeated_indices_are_tolerated() -> None:
    tables = ag.binary_tables({"a": ([5, 1, 3, 3], [3])}, n_units=10)
    assert tables.n10.tolist() == [2] and tables.n11.tolist() == [1]


def test_out_of_range_unit_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        ag.binary_tables({"a": ([1, 10], [])}, n_units=10)


def test_pooled_sums_the_tables() -> None:
    tables = ag.binary_tables({"a": ([0, 1], [1]), "b": ([2], [2, 3])}, n_units=5)
    pooled = tables.pooled()
    assert pooled.codes == ("overall",)
    assert (pooled.n11[0], pooled.n10[0], pooled.n01[0], pooled.n00[0]) == (2, 1, 1, 6)
    assert pooled.n_units == 10  # (unit, code) decisions


def test_contract_fields_and_json() -> None:
    tables = ag.binary_tables({"zorg/eigen-kracht": ([0, 1, 2, 3], [1, 2, 3, 4])}, n_units=20)
    row = ag.code_agreements(tables)[0].as_dict()
    for key in ("code", "n_a", "n_b", "n_both", "percent_agreement", "cohen_kappa", "krippendorff_alpha"):
        assert key in row
    assert (row["n_a"], row["n_b"], row["n_both"]) == (4, 4, 3)
    assert row["percent_agreement"] == pytest.approx(18 / 20)
    assert row["positive_agreement"] == pytest.approx(0.75)
    assert row["neither_share"] == pytest.approx(15 / 20)
    assert row["interpretation"]["cohen_kappa"] in {"moderate", "substantial"}
    json.dumps(row, allow_nan=False)


def test_undefined_values_are_null_with_reasons() -> None:
    # both coders applied the code to every unit: no variation
    tables = ag.binary_tables({"all": ([0, 1, 2], [0, 1, 2]), "none": ([], [])}, n_units=3)
    full, empty = (r.as_dict("nl") for r in ag.code_agreements(tables))
    assert full["cohen_kappa"] is None and full["undefined"]["cohen_kappa"] == "no variation"
    assert full["krippendorff_alpha"] is None and full["interpretation"]["krippendorff_alpha"] == "onbepaald"
    assert full["percent_agreement"] == 1.0 and full["gwet_ac1"] == 1.0
    assert empty["positive_agreement"] is None
    assert empty["undefined"]["positive_agreement"] == "neither coder applied the code"
    json.dumps([full, empty], allow_nan=False)


def test_no_units_at_all() -> None:
    row = ag.code_agreements(ag.binary_tables({"a": ([], [])}, n_units=0))[0]
    assert all(s.reason == "no units" for s in row.stats.values())
    intervals = ag.binary_ci(ag.binary_tables({"a": ([], [])}, n_units=0))
    assert np.isnan(intervals["cohen_kappa"][0]).all()


def test_rows_carry_intervals() -> None:
    pairs = {"a": (np.arange(0, 50), np.arange(10, 60)), "b": (np.array([1]), np.array([1]))}
    tables = ag.binary_tables(pairs, n_units=300)
    rows = ag.code_agreements(tables, ag.binary_ci(tables, n_resamples=500, seed=2))
    kappa = rows[0].intervals["cohen_kappa"]
    assert kappa.low is not None and kappa.high is not None and kappa.low < kappa.high
    ci = rows[0].as_dict()["ci"]["krippendorff_alpha"]
    assert ci["low"] <= rows[0].stats["krippendorff_alpha"].value <= ci["high"]
    # a code one unit carries: many resamples lose it, the rest still give an interval
    assert rows[1].intervals["cohen_kappa"].defined


def test_overall_row_with_pooled_interval() -> None:
    pairs = {"a": (np.arange(0, 50), np.arange(10, 60)), "b": (np.arange(100, 120), np.arange(100, 125))}
    tables = ag.binary_tables(pairs, n_units=300)
    overall = ag.code_agreements(tables.pooled(), ag.pooled_ci(pairs, 300, n_resamples=500))[0]
    assert overall.code == "overall" and overall.n_units == 600
    assert overall.intervals["krippendorff_alpha"].defined
