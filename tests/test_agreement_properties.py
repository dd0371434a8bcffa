"""Property tests: our alpha against the ``krippendorff`` package, the fast binary
path against the general measures, and the bootstrap shortcuts against plain
unit resampling."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import coder.analysis.agreement as ag


@st.composite
def reliability_data(draw: st.DrawFn, missing: bool) -> np.ndarray:
    """Units x coders with a few small integer values, optionally with NaN holes."""
    units = draw(st.integers(1, 25))
    coders = draw(st.integers(2, 5))
    values = draw(hnp.arrays(np.float64, (units, coders), elements=st.sampled_from([1.0, 2.0, 3.0, 4.0])))
    if missing:
        holes = draw(hnp.arrays(np.bool_, (units, coders)))
        values[holes] = np.nan
    return values


def _reference(data: np.ndarray, level: str) -> float | None:
    """``krippendorff.alpha`` on coders x units; None where it finds alpha undefined."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            value = float(krippendorff.alpha(reliability_data=data.T, level_of_measurement=level))
        except ValueError:
            return None
    return value if np.isfinite(value) else None


@pytest.mark.parametrize("missing", [False, True])
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_alpha_matches_krippendorff_package(data: st.DataObject, level: str, missing: bool) -> None:
    ratings = data.draw(reliability_data(missing))
    ours = ag.krippendorff_alpha(ratings, level)  # type: ignore[arg-type]
    reference = _reference(ratings, level)
    if reference is None:
        assert ours.value is None and ours.reason
    else:
        assert ours.value == pytest.approx(reference, abs=1e-9)


@st.composite
def sparse_codings(draw: st.DrawFn) -> tuple[int, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """A few codes over up to 60 units, each coder applying each code to a random subset."""
    n_units = draw(st.integers(1, 60))
    n_codes = draw(st.integers(1, 4))
    unit_sets = st.sets(st.integers(0, n_units - 1), max_size=n_units)
    pairs = {
        f"code{i}": (
            np.array(sorted(draw(unit_sets)), dtype=np.int64),
            np.array(sorted(draw(unit_sets)), dtype=np.int64),
        )
        for i in range(n_codes)
    }
    return n_units, pairs


def _dense(units: np.ndarray, n_units: int) -> np.ndarray:
    column = np.zeros(n_units)
    column[units] = 1
    return column


GENERAL = {
    "percent_agreement": ag.percent_agreement,
    "cohen_kappa": ag.cohen_kappa,
    "scott_pi": ag.scott_pi,
    "krippendorff_alpha": ag.krippendorff_alpha,
    "gwet_ac1": lambda r: ag.gwet_ac1(r, q=2),
    "brennan_prediger": lambda r: ag.brennan_prediger(r, q=2),
}


@settings(max_examples=200, deadline=None)
@given(case=sparse_codings())
def test_binary_path_matches_general_path(case: tuple[int, dict[str, tuple[np.ndarray, np.ndarray]]]) -> None:
    n_units, pairs = case
    tables = ag.binary_tables(pairs, n_units)
    fast = tables.measures()
    rows = ag.code_agreements(tables)
    for i, (a, b) in enumerate(pairs.values()):
        dense = np.column_stack([_dense(a, n_units), _dense(b, n_units)])
        assert tables.n11[i] == int((dense.sum(axis=1) == 2).sum())
        for name, measure in GENERAL.items():
            general = measure(dense)
            if general.value is None:
                assert np.isnan(fast[name][i])
                assert rows[i].stats[name].reason == general.reason
            else:
                assert fast[name][i] == pytest.approx(general.value, abs=1e-12)
        assert fast["neither_share"][i] == pytest.approx((dense.sum(axis=1) == 0).mean())


@settings(max_examples=100, deadline=None)
@given(case=sparse_codings())
def test_unit_profiles_rebuild_the_pooled_table(
    case: tuple[int, dict[str, tuple[np.ndarray, np.ndarray]]],
) -> None:
    n_units, pairs = case
    profiles, sizes = ag.unit_profiles(pairs, n_units)
    pooled = ag.binary_tables(pairs, n_units).pooled()
    assert sizes.sum() == n_units
    expected = [pooled.n11[0], pooled.n10[0], pooled.n01[0], pooled.n00[0]]
    assert (sizes @ profiles).tolist() == expected


# --- the bootstrap shortcuts agree with resampling units directly ---------------------------------


def _example(seed: int = 7) -> tuple[int, dict[str, tuple[np.ndarray, np.ndarray]]]:
    rng = np.random.default_rng(seed)
    n_units = 400
    pairs = {}
    for name, share in (("often", 0.2), ("rare", 0.05)):
        a = rng.choice(n_units, int(share * n_units), replace=False)
        keep = a[rng.random(len(a)) < 0.8]
        extra = rng.choice(n_units, len(a) - len(keep), replace=False)
        pairs[name] = (np.sort(a), np.unique(np.concatenate([keep, extra])))
    return n_units, pairs


def test_per_code_bootstrap_matches_unit_resampling() -> None:
    n_units, pairs = _example()
    tables = ag.binary_tables(pairs, n_units)
    fast = ag.binary_ci(tables, n_resamples=4000, seed=3)
    for i, (a, b) in enumerate(pairs.values()):
        dense = np.column_stack([_dense(a, n_units), _dense(b, n_units)])
        for name in ("cohen_kappa", "krippendorff_alpha"):
            slow = ag.bootstrap_ci(GENERAL[name], dense, n_resamples=4000, seed=4)
            assert slow.low is not None and slow.high is not None
            # two independent Monte Carlo runs of the same distribution
            assert fast[name][0][i] == pytest.approx(slow.low, abs=0.03)
            assert fast[name][1][i] == pytest.approx(slow.high, abs=0.03)


def test_pooled_bootstrap_matches_unit_resampling() -> None:
    n_units, pairs = _example()
    fast = ag.pooled_ci(pairs, n_units, n_resamples=3000, seed=5)
    rng = np.random.default_rng(6)
    cells = np.array(
        [[np.isin(np.arange(n_units), x) for x in ab] for ab in pairs.values()]
    )  # codes x 2 x units
    kappas = []
    for _ in range(3000):
        idx = rng.integers(0, n_units, n_units)
        a, b = cells[:, 0, idx], cells[:, 1, idx]
        n11, n10, n01 = (a & b).sum(), (a & ~b).sum(), (~a & b).sum()
        kappas.append(ag.binary_measures(n11, n10, n01, a.size - n11 - n10 - n01)["cohen_kappa"][0])
    low, high = np.quantile(kappas, [0.025, 0.975])
    assert fast["cohen_kappa"][0][0] == pytest.approx(low, abs=0.03)
    assert fast["cohen_kappa"][1][0] == pytest.approx(high, abs=0.03)


def test_bootstrap_is_reproducible_and_seed_dependent() -> None:
    n_units, pairs = _example()
    tables = ag.binary_tables(pairs, n_units)
    first = ag.binary_ci(tables, seed=11)["krippendorff_alpha"]
    again = ag.binary_ci(tables, seed=11)["krippendorff_alpha"]
    other = ag.binary_ci(tables, seed=12)["krippendorff_alpha"]
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    assert not np.array_equal(first[0], other[0])
    pooled_a, pooled_b = ag.pooled_ci(pairs, n_units, seed=1), ag.pooled_ci(pairs, n_units, seed=1)
    assert all(np.array_equal(pooled_a[m][k], pooled_b[m][k]) for m in pooled_a for k in (0, 1))
