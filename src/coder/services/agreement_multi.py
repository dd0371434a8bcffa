"""Agreement among three or more coders: Fleiss' kappa and Krippendorff's alpha per code.

The same units and roll-up as the two-coder report of ``services.agreement``;
each code is a units x coders 0/1 matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coder.analysis.agreement import fleiss_kappa, krippendorff_alpha, percent_agreement
from coder.model import Codebook
from coder.services.agreement import collect_units, rolled_up
from coder.storage import Store


def multi_coder_report(store: Store, coders: Sequence[str], unit: str = "sentence") -> dict[str, Any]:
    """Agreement among three or more coders: Fleiss' kappa and Krippendorff's alpha per code.

    Same units and roll-up as the two-coder report; each code is a units x
    coders 0/1 matrix, and ``overall`` stacks the directly applied codes'
    matrices (every (unit, code) decision once).
    """
    data = collect_units(store, coders, unit)
    codebook = store.codebook()
    rolled = [rolled_up(d, codebook) for d in data.direct]
    order = {c.id: i for i, c in enumerate(codebook.tree_order())}
    codes = sorted(set().union(*rolled), key=lambda c: (order.get(c, len(order)), c))
    rows = [_multi_row(codebook, code, _presence(rolled, code, data.n_units), coders) for code in codes]
    direct_codes = sorted(set().union(*data.direct))
    pooled = [_presence(list(data.direct), c, data.n_units) for c in direct_codes]
    overall = _measures(np.vstack(pooled)) if pooled else _measures(np.zeros((0, len(coders))))
    overall["n_codes"] = len(direct_codes)
    return {"coders": list(coders), "unit": unit, "n_units": data.n_units, "transcripts": data.transcripts,
            "overall": overall, "codes": rows}  # fmt: skip


def _presence(layers: Sequence[dict[str, NDArray[np.int64]]], code: str, n_units: int) -> NDArray[np.float64]:
    matrix = np.zeros((n_units, len(layers)))
    for j, layer in enumerate(layers):
        matrix[layer.get(code, np.zeros(0, dtype=np.int64)), j] = 1.0
    return matrix


def _measures(matrix: NDArray[np.float64]) -> dict[str, Any]:
    stats = {
        "percent_agreement": percent_agreement(matrix),
        "fleiss_kappa": fleiss_kappa(matrix),
        "krippendorff_alpha": krippendorff_alpha(matrix),
    }
    out: dict[str, Any] = {name: stat.value for name, stat in stats.items()}
    out["undefined"] = {name: stat.reason for name, stat in stats.items() if stat.reason}
    return out


def _multi_row(
    codebook: Codebook, code: str, matrix: NDArray[np.float64], coders: Sequence[str]
) -> dict[str, Any]:
    path = codebook.path(code) if code in codebook.by_id() else code
    counts = {name: int(matrix[:, j].sum()) for j, name in enumerate(coders)}
    return {"code": path, "code_id": code, "n": counts, "n_all": int((matrix.sum(axis=1) == len(coders)).sum()),
            **_measures(matrix)}  # fmt: skip
