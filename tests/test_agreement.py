"""Agreement measures: doctests (published worked examples), undefined cases,
input handling, labels and span measures.

The published vectors in ``shared/agreement-vectors`` are checked in
``test_agreement_vectors.py``; the doctests run here so they are checked
whatever the pytest options.
"""

from __future__ import annotations

import doctest
import math
from collections.abc import Callable
from typing import Any

import pytest

import coder.analysis.agreement as ag
from coder.analysis.agreement import (
    alpha,
    binary,
    bootstrap,
    categorical,
    labels,
    ratings,
    report,
    result,
    spans,
)


@pytest.mark.parametrize(
    "module", [ag, alpha, binary, bootstrap, categorical, labels, ratings, report, result, spans]
)
def test_doctests(module: Any) -> None:
    outcome = doctest.testmod(module)
    assert outcome.failed == 0
    assert outcome.attempted > 0 or module is ag


# --- undefined cases: None with a reason, never NaN or 0 -------------------------------------


@pytest.mark.parametrize(
    "measure",
    [ag.cohen_kappa, ag.scott_pi, ag.krippendorff_alpha, ag.fleiss_kappa, ag.conger_kappa],
)
def test_no_variation_is_undefined(measure: Callable[[Any], ag.Stat]) -> None:
    stat = measure([[1, 1], [1, 1], [1, 1]])
    assert stat.value is None
    assert stat.reason == "no variation"


def test_undefined_when_no_unit_has_two_ratings() -> None:
    data = [[1, None], [None, 2]]
    for measure in (ag.cohen_kappa, ag.percent_agreement, ag.gwet_ac1, ag.fleiss_kappa):
        assert measure(data).reason == "no unit rated by two coders"
    assert ag.krippendorff_alpha(data).reason == "fewer than 2 pairable values"


def test_single_category_ac1_needs_q() -> None:
    assert ag.gwet_ac1([[1, 1], [1, 1]]).reason == "fewer than 2 categories (give q)"
    assert ag.gwet_ac1([[1, 1], [1, 1]], q=2).value == 1.0


def test_span_measures_undefined_without_spans() -> None:
    assert ag.span_jaccard([], []).reason == "neither coder applied the code"
    assert ag.unitized_alpha([[], []], (0, 10)).reason == "neither coder applied the code"


def test_stat_refuses_nan_and_reasonless_none() -> None:
    with pytest.raises(ValueError):
        ag.Stat(math.nan)
    with pytest.raises(ValueError):
        ag.Stat(None)


# --- inputs ---------------------------------------------------------------------------------


def test_labels_and_codes_give_the_same_kappa() -> None:
    text = [["ja", "ja"], ["nee", "ja"], ["nee", "nee"], ["ja", "ja"]]
    codes = [[1, 1], [0, 1], [0, 0], [1, 1]]
    assert ag.cohen_kappa(text) == ag.cohen_kappa(codes)


def test_listwise_deletion_for_two_coder_measures() -> None:
    with_missing = [[1, 1], [2, 2], [1, 2], [2, None], [None, 1]]
    assert ag.cohen_kappa(with_missing) == ag.cohen_kappa(with_missing[:3])


def test_two_coder_measures_refuse_three_columns() -> None:
    with pytest.raises(ValueError, match="exactly 2 coders"):
        ag.cohen_kappa([[1, 1, 1]])


def test_q_below_observed_categories_is_an_error() -> None:
    with pytest.raises(ValueError, match="smaller than"):
        ag.brennan_prediger([[1, 2], [3, 3]], q=2)


def test_conger_equals_cohen_for_two_raters() -> None:
    data = [[1, 1], [1, 2], [2, 2], [3, 2], [3, 3], [1, 1]]
    assert ag.conger_kappa(data).value == pytest.approx(ag.cohen_kappa(data).value)


def test_fleiss_equals_scott_for_two_raters() -> None:
    data = [[1, 1], [1, 2], [2, 2], [3, 2], [3, 3], [1, 1]]
    assert ag.fleiss_kappa(data).value == pytest.approx(ag.scott_pi(data).value)


def test_weighted_kappa_reduces_to_kappa_for_two_categories() -> None:
    data = [[0, 0], [0, 1], [1, 1], [1, 1], [1, 0], [0, 0]]
    kappa = ag.cohen_kappa(data).value
    assert ag.cohen_weighted_kappa(data, "linear").value == pytest.approx(kappa)
    assert ag.cohen_weighted_kappa(data, "quadratic").value == pytest.approx(kappa)


def test_weighted_kappa_penalises_far_disagreements_more() -> None:
    near = [[1, 1], [2, 2], [3, 3], [1, 2]]
    far = [[1, 1], [2, 2], [3, 3], [1, 3]]
    near_k, far_k = (ag.cohen_weighted_kappa(d, "quadratic").value for d in (near, far))
    assert near_k is not None and far_k is not None and near_k > far_k


# --- labels ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "en", "nl"),
    [
        (0.80, "reliable", "betrouwbaar"),
        (0.667, "tentative", "voorlopig"),
        (0.6669, "unreliable", "onvoldoende"),
    ],
)
def test_krippendorff_labels(value: float, en: str, nl: str) -> None:
    assert ag.krippendorff_label(value) == en
    assert ag.krippendorff_label(ag.Stat(value), "nl") == nl


@pytest.mark.parametrize(
    ("value", "en", "nl"),
    [
        (-0.01, "poor", "slecht"),
        (0.0, "slight", "gering"),
        (0.21, "fair", "redelijk"),
        (0.41, "moderate", "matig"),
        (0.61, "substantial", "aanzienlijk"),
        (0.81, "almost perfect", "bijna perfect"),
        (1.0, "almost perfect", "bijna perfect"),
    ],
)
def test_landis_koch_labels(value: float, en: str, nl: str) -> None:
    assert ag.landis_koch_label(value) == en
    assert ag.landis_koch_label(value, "nl") == nl


def test_undefined_label() -> None:
    assert ag.landis_koch_label(ag.Stat(None, "no variation"), "nl") == "onbepaald"
    assert ag.krippendorff_label(None) == "undefined"


# --- spans ----------------------------------------------------------------------------------


def test_jaccard_merges_overlaps_first() -> None:
    assert ag.span_jaccard([(0, 5), (3, 10)], [(0, 10)]).value == 1.0
    assert ag.span_jaccard([(0, 5)], [(5, 10)]).value == 0.0


def test_unitized_alpha_identical_coders_is_one() -> None:
    spans_ = [(3, 8), (10, 20)]
    assert ag.unitized_alpha([spans_, spans_], (0, 30)).value == 1.0


def test_unitized_alpha_refuses_three_coders() -> None:
    """The 2004 definition misbehaves beyond two coders (Krippendorff et al. 2016)."""
    spans_ = [(3, 8), (10, 20)]
    with pytest.raises(ValueError, match="exactly 2 coders"):
        ag.unitized_alpha([spans_, spans_, spans_], (0, 30))


def test_unitized_alpha_keeps_transcripts_apart() -> None:
    """Two transcripts are two continua: the gap at the end of one does not run into the next.

    Laid end to end, A's gap 5-10 in the first transcript and 0-5 in the
    second would be one gap of 10, which changes the expected disagreement.
    The per-transcript value is the hand sum of each continuum's terms.
    """
    first = ([[(2, 5)], [(3, 6)]], (0, 10))
    second = ([[(5, 8)], [(4, 8)]], (0, 10))
    split = ag.unitized_alpha_sections([first, second]).value
    laid_end_to_end = ag.unitized_alpha([[(2, 5), (15, 18)], [(3, 6), (14, 18)]], (0, 20)).value
    assert split is not None and laid_end_to_end is not None
    assert split == pytest.approx(0.797619, abs=1e-6)
    assert abs(split - laid_end_to_end) > 0.05
    # Observed: (2,5)-(3,6) gives 1 + 1 = 2 and (5,8)-(4,8) gives 1, both orders, over 2 * 20^2.
    d_o, _ = ag.sections_disagreement([first, second])
    assert d_o == pytest.approx(2 * (2 + 1) / (2 * 20**2))


def test_unitized_alpha_rejects_spans_outside_continuum() -> None:
    with pytest.raises(ValueError, match="outside"):
        ag.unitized_alpha([[(0, 40)], [(0, 5)]], (0, 30))
