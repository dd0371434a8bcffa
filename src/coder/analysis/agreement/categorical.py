"""Chance-corrected agreement for categorical ratings: kappa, pi, S, AC1 and kin.

All of these coefficients share one shape, ``(p_a - p_e) / (1 - p_e)``, and
differ in how chance agreement ``p_e`` is modelled. Each gets its own public
function so that a report can name exactly which definition it used (the
docstring gives the paper and equation), but they are computed from two small
summaries of the data:

* the two-coder contingency table (Cohen, Scott, Bangdiwala, weighted kappa),
  built from the units both coders rated (listwise deletion);
* the units x categories count matrix (the multi-rater forms), following
  Gwet (2014) / irrCAC for missing ratings: ``p_a`` averages, over units with
  at least two ratings, the share of agreeing rater pairs; category
  prevalences average each unit's own shares over all rated units.

Counts stay integers as long as possible so that "chance agreement is exactly
1" is decided without rounding error; such cases return ``Stat(None, reason)``.
Input is anything :func:`~coder.analysis.agreement.ratings.as_ratings` accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt

from .ratings import FloatArray, IntArray, as_ratings, cross_table, unit_counts
from .result import FEW_CATEGORIES, NO_PAIRS, NO_VARIATION, Stat, chance_corrected, ratio

Weights = Literal["linear", "quadratic"] | Callable[[float, float], float]


def _table(ratings: npt.ArrayLike) -> IntArray:
    return cross_table(as_ratings(ratings))[0]


def _pairwise_agreement(counts: IntArray) -> float | None:
    """Mean share of agreeing rater pairs over units with >= 2 ratings (Fleiss' P-bar)."""
    r = counts.sum(axis=1)
    multi = r >= 2
    if not multi.any():
        return None
    c, rm = counts[multi], r[multi]
    return float(((c * (c - 1)).sum(axis=1) / (rm * (rm - 1))).mean())


def _prevalence(counts: IntArray) -> FloatArray:
    """Category prevalences: each rated unit's own category shares, averaged."""
    shares: FloatArray = counts / counts.sum(axis=1, keepdims=True)
    mean: FloatArray = shares.mean(axis=0)
    return mean


def _q(q: int | None, observed: int) -> int:
    if q is None:
        return observed
    if q < observed:
        raise ValueError(f"q={q} is smaller than the {observed} categories in the data")
    return q


def percent_agreement(ratings: npt.ArrayLike) -> Stat:
    """Observed agreement: the share of agreeing coder pairs, averaged over units.

    For two coders this is agreeing units / units both rated. For more coders
    it is Fleiss' (1971) P-bar, eq. 2-3, in Gwet's (2014) form for missing
    ratings (units with fewer than two ratings are left out).

    Krippendorff (2004, p. 246), table A:

    >>> from coder.analysis.agreement import from_contingency_table
    >>> round(percent_agreement(from_contingency_table([[12, 9, 9], [9, 14, 9], [9, 9, 20]])).value, 3)
    0.46
    """
    p_a = _pairwise_agreement(unit_counts(as_ratings(ratings))[0])
    return Stat.undefined(NO_PAIRS) if p_a is None else Stat(p_a)


def cohen_kappa(ratings: npt.ArrayLike) -> Stat:
    """Cohen's (1960) kappa for two coders, eq. 1: ``p_e = sum_k p1(k) p2(k)``.

    Each coder's own marginals model chance. Units missing either rating are
    dropped. Wikipedia's "simple example" (50 proposals, p_o=.70, p_e=.50):

    >>> from coder.analysis.agreement import from_contingency_table
    >>> round(cohen_kappa(from_contingency_table([[20, 5], [10, 15]])).value, 3)
    0.4
    """
    table = _table(ratings)
    n = int(table.sum())
    if n == 0:
        return Stat.undefined(NO_PAIRS)
    chance = int(table.sum(axis=1) @ table.sum(axis=0))  # n^2 * p_e
    return ratio(n * int(np.trace(table)) - chance, n * n - chance, NO_VARIATION)


def scott_pi(ratings: npt.ArrayLike) -> Stat:
    """Scott's (1955) pi for two coders: ``p_e = sum_k ((n1k + n2k) / 2N)^2``.

    Chance comes from the pooled marginals. Units missing either rating are
    dropped. Artstein & Poesio (2008, p. 558):

    >>> from coder.analysis.agreement import from_contingency_table
    >>> round(scott_pi(from_contingency_table([[20, 10], [20, 50]])).value, 3)
    0.341
    """
    table = _table(ratings)
    n = int(table.sum())
    if n == 0:
        return Stat.undefined(NO_PAIRS)
    pooled = table.sum(axis=1) + table.sum(axis=0)
    chance = int(pooled @ pooled)  # 4 n^2 * p_e
    return ratio(4 * n * int(np.trace(table)) - chance, 4 * n * n - chance, NO_VARIATION)


def _free_marginal_inputs(ratings: npt.ArrayLike, q: int | None) -> tuple[IntArray, int, float] | Stat:
    """Category counts, q and pairwise agreement for the q-based coefficients, or why undefined."""
    counts, values = unit_counts(as_ratings(ratings))
    n_cat = _q(q, len(values))
    p_a = _pairwise_agreement(counts)
    if p_a is None:
        return Stat.undefined(NO_PAIRS)
    if n_cat < 2:
        return Stat.undefined(FEW_CATEGORIES)
    return counts, n_cat, p_a


def brennan_prediger(ratings: npt.ArrayLike, q: int | None = None) -> Stat:
    """Brennan & Prediger's (1981) free-marginal kappa, eq. 8: ``p_e = 1/q``.

    The same coefficient is Bennett, Alpert & Goldstein's (1954) S for two
    coders and Randolph's (2005) free-marginal multirater kappa, whose ``p_a``
    is Fleiss' P-bar. ``q`` is the number of categories the coders could
    choose from (default: the number observed). Artstein & Poesio (2008,
    p. 558):

    >>> from coder.analysis.agreement import from_contingency_table
    >>> round(brennan_prediger(from_contingency_table([[20, 10], [20, 50]]), q=2).value, 3)
    0.4
    """
    observed = _free_marginal_inputs(ratings, q)
    if isinstance(observed, Stat):
        return observed
    _, n_cat, p_a = observed
    return chance_corrected(p_a, 1.0 / n_cat)


bennett_s = brennan_prediger
"""Bennett, Alpert & Goldstein's S: the same coefficient as :func:`brennan_prediger`."""


def randolph_kappa(ratings: npt.ArrayLike, q: int | None = None) -> Stat:
    """Randolph's (2005) free-marginal multirater kappa: ``(P - 1/q) / (1 - 1/q)``.

    ``P`` is Fleiss' mean pairwise agreement; with ``q`` categories this is
    :func:`brennan_prediger`. Randolph (2005, p. 17), example 1:

    >>> round(randolph_kappa([["Yes"] * 3, ["Yes", "Yes", "No"], ["No", "No", "Yes"], ["No"] * 3], q=2).value, 2)
    0.33
    """
    return brennan_prediger(ratings, q)


def gwet_ac1(ratings: npt.ArrayLike, q: int | None = None) -> Stat:
    """Gwet's (2008) AC1, eq. 14/17: ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)``.

    Multi-rater form with missing ratings as in Gwet (2014) and irrCAC
    ``gwet.ac1.raw``. ``q`` defaults to the number of observed categories.
    irrCAC's ``cont3x3abstractors`` example:

    >>> from coder.analysis.agreement import from_contingency_table
    >>> round(gwet_ac1(from_contingency_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])).value, 7)
    0.8493305
    """
    observed = _free_marginal_inputs(ratings, q)
    if isinstance(observed, Stat):
        return observed
    counts, n_cat, p_a = observed
    pi = _prevalence(counts)
    return chance_corrected(p_a, float((pi * (1 - pi)).sum()) / (n_cat - 1))


def fleiss_kappa(ratings: npt.ArrayLike) -> Stat:
    """Fleiss' (1971) kappa, eq. 9: ``(P - P_e) / (1 - P_e)`` with ``P_e = sum_k p_k^2``.

    With unequal numbers of ratings per unit this is Gwet's (2014)
    generalisation (irrCAC ``fleiss.kappa.raw``). Raters are exchangeable, so
    a subjects x categories table (via ``from_category_counts``) will do.
    Wikipedia's worked example (10 subjects, 14 raters):

    >>> from coder.analysis.agreement import from_category_counts
    >>> table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
    ...          [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
    ...          [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    >>> round(fleiss_kappa(from_category_counts(table)).value, 3)
    0.21
    """
    counts, values = unit_counts(as_ratings(ratings))
    p_a = _pairwise_agreement(counts)
    if p_a is None:
        return Stat.undefined(NO_PAIRS)
    if len(values) < 2:
        return Stat.undefined(NO_VARIATION)
    pi = _prevalence(counts)
    return chance_corrected(p_a, float(pi @ pi))


def conger_kappa(ratings: npt.ArrayLike) -> Stat:
    """Conger's (1980) multi-rater kappa, as in irrCAC ``conger.kappa.raw``.

    Chance agreement uses each rater's own marginals:
    ``p_e = sum_k (mean_g p_gk)^2 - s2_k / r``, with ``s2_k`` the variance of
    ``p_gk`` over the ``r`` raters; for two raters it equals Cohen's kappa.
    Columns are raters, so their order matters. irrCAC ``cac.raw4raters``:

    >>> nan = float("nan")
    >>> data = [[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2],
    ...         [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [nan, 5, 5, 5],
    ...         [nan, nan, 1, 1], [nan, nan, 3, nan]]
    >>> round(conger_kappa(data).value, 5)
    0.76282
    """
    arr = as_ratings(ratings)
    counts, values = unit_counts(arr)
    p_a = _pairwise_agreement(counts)
    if p_a is None:
        return Stat.undefined(NO_PAIRS)
    if len(values) < 2:
        return Stat.undefined(NO_VARIATION)
    per_rater = np.stack([(arr == v).sum(axis=0) for v in values], axis=1)  # raters x q
    per_rater = per_rater[per_rater.sum(axis=1) > 0]
    r = len(per_rater)
    p_gk = per_rater / per_rater.sum(axis=1, keepdims=True)
    mean = p_gk.mean(axis=0)
    var = p_gk.var(axis=0, ddof=1)
    return chance_corrected(p_a, float((mean**2 - var / r).sum()))


def bangdiwala_b(ratings: npt.ArrayLike) -> Stat:
    """Bangdiwala's (1985) B for two coders: ``sum_k n_kk^2 / sum_k n_k+ n_+k``.

    The share of the agreement chart's rectangles filled by agreeing units.
    irrCAC's ``cont3x3abstractors`` example:

    >>> from coder.analysis.agreement import from_contingency_table
    >>> round(bangdiwala_b(from_contingency_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])).value, 7)
    0.8059604
    """
    table = _table(ratings)
    if table.sum() == 0:
        return Stat.undefined(NO_PAIRS)
    diagonal = np.diag(table)
    return ratio(
        int(diagonal @ diagonal), int(table.sum(axis=1) @ table.sum(axis=0)), "coders share no category"
    )


def cohen_weighted_kappa(ratings: npt.ArrayLike, weights: Weights = "linear") -> Stat:
    """Cohen's (1968) weighted kappa, eq. 6: ``1 - sum(d * o) / sum(d * e)``.

    ``d`` are disagreement weights between category values: ``"linear"``
    ``|c - k|`` (Cicchetti & Allison 1971, whose agreement weights are
    ``1 - |c - k| / (max - min)``; the scale cancels), ``"quadratic"``
    ``(c - k)^2`` (Fleiss & Cohen 1973), or any callable ``d(c, k)``.
    SAS PROC FREQ's 3x3 example (as printed in statsmodels' tests):

    >>> from coder.analysis.agreement import from_contingency_table
    >>> round(cohen_weighted_kappa(from_contingency_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]])).value, 4)
    0.4701
    """
    table, values = cross_table(as_ratings(ratings))
    n = float(table.sum())
    if n == 0:
        return Stat.undefined(NO_PAIRS)
    d = _disagreement(weights, values)
    expected = float((d * np.outer(table.sum(axis=1), table.sum(axis=0))).sum()) / n
    return ratio(expected - float((d * table).sum()), expected, NO_VARIATION)


def _disagreement(weights: Weights, values: FloatArray) -> FloatArray:
    """The q x q disagreement weights between the category values."""
    if callable(weights):
        return np.array([[weights(float(c), float(k)) for k in values] for c in values], dtype=np.float64)
    diff: FloatArray = np.abs(values[:, None] - values[None, :])
    if weights == "linear":
        return diff
    if weights == "quadratic":
        return diff**2
    raise ValueError(f"unknown weights {weights!r}: use 'linear', 'quadratic' or a function")
