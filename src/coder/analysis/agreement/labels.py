"""Words next to the numbers: conventional readings of alpha and kappa.

A bare 0.58 means little to most readers of a research report, so reports
print the conventional label beside it. Two conventions are used, each for
the coefficient it was proposed for, with English and Dutch wording:

* Krippendorff (2004, p. 241): alpha >= .800 reliable; >= .667 acceptable
  only for tentative conclusions; below that, unreliable.
* Landis & Koch (1977, p. 165) for kappa: < 0 poor, 0-.20 slight,
  .21-.40 fair, .41-.60 moderate, .61-.80 substantial, .81-1 almost perfect.
  Boundaries are read as upper-inclusive (.20 is slight, .2001 fair).

Labels take a float, a ``Stat`` or ``None``; undefined values get their own
label rather than a misleading one.
"""

from __future__ import annotations

from typing import Literal

from .result import Stat

Lang = Literal["en", "nl"]

_UNDEFINED = {"en": "undefined", "nl": "onbepaald"}

_ALPHA = {
    "en": ("reliable", "tentative", "unreliable"),
    "nl": ("betrouwbaar", "voorlopig", "onvoldoende"),
}

_KAPPA_BOUNDS = (0.0, 0.20, 0.40, 0.60, 0.80)
_KAPPA = {
    "en": ("poor", "slight", "fair", "moderate", "substantial", "almost perfect"),
    "nl": ("slecht", "gering", "redelijk", "matig", "aanzienlijk", "bijna perfect"),
}


def _value(value: float | Stat | None) -> float | None:
    return value.value if isinstance(value, Stat) else value


def _check(lang: str) -> None:
    if lang not in _UNDEFINED:
        raise ValueError(f"unknown language {lang!r}: use 'en' or 'nl'")


def krippendorff_label(value: float | Stat | None, lang: Lang = "en") -> str:
    """Krippendorff's (2004, p. 241) reading of an alpha value.

    >>> krippendorff_label(0.81), krippendorff_label(0.7, "nl"), krippendorff_label(0.5)
    ('reliable', 'voorlopig', 'unreliable')
    """
    _check(lang)
    v = _value(value)
    if v is None:
        return _UNDEFINED[lang]
    reliable, tentative, unreliable = _ALPHA[lang]
    if v >= 0.800:
        return reliable
    return tentative if v >= 0.667 else unreliable


def landis_koch_label(value: float | Stat | None, lang: Lang = "en") -> str:
    """Landis & Koch's (1977, p. 165) strength-of-agreement label for a kappa value.

    >>> landis_koch_label(-0.1), landis_koch_label(0.2), landis_koch_label(0.75, "nl")
    ('poor', 'slight', 'aanzienlijk')
    """
    _check(lang)
    v = _value(value)
    if v is None:
        return _UNDEFINED[lang]
    labels = _KAPPA[lang]
    if v < _KAPPA_BOUNDS[0]:
        return labels[0]
    for bound, label in zip(_KAPPA_BOUNDS[1:], labels[1:], strict=False):
        if v <= bound:
            return label
    return labels[-1]
