"""Inter-coder agreement: pure statistics over numpy arrays.

No database access here: the storage layer hands over plain arrays and this
package returns numbers with reasons. It is a package of small modules, one
concern each, re-exported here so callers write ``from coder.analysis.agreement
import cohen_kappa``:

* ``result``      -- ``Stat`` (value or ``None`` + reason) and ``Interval``
* ``ratings``     -- the units x coders float array (NaN = missing) and
  builders from contingency tables and subjects x categories counts
* ``categorical`` -- percent agreement, Cohen, Scott, Brennan-Prediger /
  Bennett's S / Randolph, Gwet AC1, Fleiss, Conger, Bangdiwala, weighted kappa
* ``alpha``       -- Krippendorff's alpha at every level, coincidence form
* ``binary``      -- the fast per-code path: sparse unit sets -> 2x2 tables ->
  every measure vectorised over codes
* ``bootstrap``   -- percentile intervals; exact multinomial shortcut for the
  binary tables
* ``report``      -- per-code records with reasons, labels and intervals
* ``labels``      -- Krippendorff and Landis-Koch readings (English, Dutch)
* ``spans``       -- character Jaccard and Krippendorff's unitizing alpha
"""

from __future__ import annotations

from .alpha import Distance, Level, coincidence_matrix, krippendorff_alpha
from .binary import MEASURES, BinaryTables, binary_measures, binary_tables
from .bootstrap import binary_ci, bootstrap_ci, pooled_ci, unit_profiles
from .categorical import (
    bangdiwala_b,
    bennett_s,
    brennan_prediger,
    cohen_kappa,
    cohen_weighted_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    percent_agreement,
    randolph_kappa,
    scott_pi,
)
from .labels import Lang, krippendorff_label, landis_koch_label
from .ratings import as_ratings, encode_labels, from_category_counts, from_contingency_table
from .report import CodeAgreement, code_agreements
from .result import Interval, Stat
from .spans import (
    Span,
    merge_spans,
    sections_disagreement,
    span_jaccard,
    unitized_alpha,
    unitized_alpha_pooled,
    unitized_alpha_sections,
    unitized_disagreement,
    unitized_distance,
)

__all__ = [
    "MEASURES",
    "BinaryTables",
    "CodeAgreement",
    "Distance",
    "Interval",
    "Lang",
    "Level",
    "Span",
    "Stat",
    "as_ratings",
    "bangdiwala_b",
    "bennett_s",
    "binary_ci",
    "binary_measures",
    "binary_tables",
    "bootstrap_ci",
    "brennan_prediger",
    "code_agreements",
    "cohen_kappa",
    "cohen_weighted_kappa",
    "coincidence_matrix",
    "conger_kappa",
    "encode_labels",
    "fleiss_kappa",
    "from_category_counts",
    "from_contingency_table",
    "gwet_ac1",
    "krippendorff_alpha",
    "krippendorff_label",
    "landis_koch_label",
    "merge_spans",
    "percent_agreement",
    "pooled_ci",
    "randolph_kappa",
    "scott_pi",
    "sections_disagreement",
    "span_jaccard",
    "unit_profiles",
    "unitized_alpha",
    "unitized_alpha_pooled",
    "unitized_alpha_sections",
    "unitized_disagreement",
    "unitized_distance",
]
