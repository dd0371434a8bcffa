"""Agreement measures against published worked examples (shared/agreement-vectors).

Every vector in ``vectors.json`` is reproduced to its stated tolerance; the
README beside that file documents each data format and convention. The file
is found beside the repository (``../shared``) or under ``$CODER_SHARED_DIR``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import coder.analysis.agreement as ag


def _vectors_path() -> Path:
    shared = os.environ.get("CODER_SHARED_DIR")
    base = Path(shared) if shared else Path(__file__).resolve().parents[2] / "shared"
    return base / "agreement-vectors" / "vectors.json"


VECTORS_PATH = _vectors_path()
if not VECTORS_PATH.exists():
    pytest.skip(
        f"agreement vectors not found at {VECTORS_PATH} (set CODER_SHARED_DIR to the shared folder)",
        allow_module_level=True,
    )
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))["vectors"]


def _input(vector: dict[str, Any]) -> tuple[np.ndarray, int | None]:
    """The vector's data as a units x coders array, and q when the data fix it."""
    data = vector["data"]
    fmt = data["format"]
    if fmt == "units_x_coders":
        cats = vector.get("categories")
        return ag.as_ratings(data["values"]), (len(cats) if cats else None)
    if fmt == "contingency_table":
        return ag.from_contingency_table(data["counts"]), len(data["categories"])
    if fmt == "subjects_x_categories_counts":
        return ag.from_category_counts(data["counts"]), len(data["categories"])
    raise AssertionError(f"unexpected format {fmt}")


def _custom_distance(vector: dict[str, Any]) -> Callable[[float, float], float]:
    """The Artstein & Poesio (2008, p. 568) distance: 0 equal, .5 with 'Chck', else 1."""
    assert "Chck" in vector["distance"]["rule"]
    check = float(vector["data"]["categories"].index("Chck"))
    return lambda c, k: 0.0 if c == k else (0.5 if check in (c, k) else 1.0)


def _coding_measure(vector: dict[str, Any]) -> ag.Stat:
    data, q = _input(vector)
    measure, level = vector["measure"], vector["level_of_measurement"]
    if measure == "krippendorff_alpha":
        return ag.krippendorff_alpha(data, _custom_distance(vector) if level == "custom" else level)
    if measure == "cohen_weighted_kappa":
        return ag.cohen_weighted_kappa(data, _custom_distance(vector) if level == "custom" else "linear")
    with_q: dict[str, Callable[..., ag.Stat]] = {
        "bennett_s": ag.bennett_s,
        "brennan_prediger": ag.brennan_prediger,
        "gwet_ac1": ag.gwet_ac1,
        "randolph_free_marginal_kappa": ag.randolph_kappa,
    }
    if measure in with_q:
        return with_q[measure](data, q)
    plain: dict[str, Callable[[Any], ag.Stat]] = {
        "cohen_kappa": ag.cohen_kappa,
        "scott_pi": ag.scott_pi,
        "fleiss_kappa": ag.fleiss_kappa,
        "conger_kappa": ag.conger_kappa,
        "percent_agreement": ag.percent_agreement,
        "bangdiwala_b": ag.bangdiwala_b,
    }
    return plain[measure](data)


def _category_spans(data: dict[str, Any], category: str) -> list[list[tuple[int, int]]]:
    return [
        [
            (u["begin"], u["begin"] + u["length"])
            for u in data["units"]
            if u["coder"] == c and u["category"] == category
        ]
        for c in data["coders"]
    ]


def _unitized(vector: dict[str, Any]) -> ag.Stat:
    data = vector["data"]
    continuum = (data["continuum"]["begin"], data["continuum"]["begin"] + data["continuum"]["length"])
    # The 1995 paper measures on a continuous line (DKPro stretches its 24 steps by 50,000 to
    # match); the 2004 book counts discrete positions, like our character offsets.
    continuous = vector["id"].startswith("kripp1995")
    if vector["category"] is not None:
        spans_ = _category_spans(data, vector["category"])
        return ag.unitized_alpha(spans_, continuum, continuous=continuous)
    categories = sorted({u["category"] for u in data["units"]})
    by_category = {c: _category_spans(data, c) for c in categories}
    return ag.unitized_alpha_pooled(by_category, continuum, continuous=continuous)


def _segment(seg: dict[str, Any]) -> tuple[int, int, bool]:
    return seg["begin"], seg["begin"] + seg["length"], seg["category"] is not None


def test_all_82_vectors_present() -> None:
    assert len(VECTORS) == 82


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    if vector["measure"] == "krippendorff_unitized_distance":
        for pair in vector["data"]["pairs"]:
            got = ag.unitized_distance(_segment(pair["a"]), _segment(pair["b"]))
            assert got == pytest.approx(pair["expected"], abs=vector["tolerance"])
        return
    if vector["measure"] == "krippendorff_unitized_alpha":
        stat = _unitized(vector)
    else:
        stat = _coding_measure(vector)
    assert stat.value is not None, stat.reason
    assert abs(stat.value - vector["expected"]) <= vector["tolerance"] + 1e-12
