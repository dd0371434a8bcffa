"""Result types shared by every agreement measure.

A reliability coefficient is sometimes undefined: two coders who never used a
code have no variation to agree about, and a kappa of 0/0 is not a number a
researcher should ever see in a report. Every scalar measure therefore returns
a ``Stat``: either a finite value, or ``None`` together with the reason. The
constructor refuses NaN and infinities so a bad value cannot slip through.

The vectorised binary path (``binary_measures``) works on whole arrays and
uses NaN internally; ``report.code_agreements`` turns those arrays back into
``Stat`` values before anything is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NO_VARIATION = "no variation"
"""All pairable values fall in one category, so expected disagreement is 0."""

FEW_UNITS = "fewer than 2 units"
NO_UNITS = "no units"
NO_PAIRS = "no unit rated by two coders"
FEW_CATEGORIES = "fewer than 2 categories (give q)"
NOT_APPLIED = "neither coder applied the code"
NO_DEFINED_RESAMPLES = "undefined in every bootstrap resample"


@dataclass(frozen=True)
class Stat:
    """A coefficient value, or ``None`` with the reason it is undefined.

    >>> Stat(0.5)
    Stat(value=0.5, reason=None)
    >>> Stat(None, "no variation").defined
    False
    """

    value: float | None
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.value is None:
            if not self.reason:
                raise ValueError("an undefined Stat needs a reason")
            return
        value = float(self.value)
        if not math.isfinite(value):
            raise ValueError(f"a Stat value must be finite, got {value!r}")
        if self.reason is not None:
            raise ValueError("a defined Stat carries no reason")
        object.__setattr__(self, "value", value)

    @property
    def defined(self) -> bool:
        """True when the coefficient has a value."""
        return self.value is not None

    @classmethod
    def undefined(cls, reason: str) -> Stat:
        """An undefined result that says why."""
        return cls(None, reason)


@dataclass(frozen=True)
class Interval:
    """A confidence interval; both ends ``None`` (with a reason) when undefined."""

    low: float | None
    high: float | None
    confidence: float = 0.95
    reason: str | None = None

    @property
    def defined(self) -> bool:
        """True when both ends have values."""
        return self.low is not None and self.high is not None


def ratio(numerator: float, denominator: float, reason: str) -> Stat:
    """``numerator / denominator`` as a Stat, undefined (with ``reason``) when the denominator is 0."""
    if denominator == 0:
        return Stat.undefined(reason)
    return Stat(numerator / denominator)


def chance_corrected(p_a: float, p_e: float, reason: str = NO_VARIATION) -> Stat:
    """The usual ``(p_a - p_e) / (1 - p_e)``, undefined when chance agreement is 1."""
    if p_e >= 1.0:
        return Stat.undefined(reason)
    return Stat((p_a - p_e) / (1.0 - p_e))
