"""Pseudonymising exports: every listed name replaced, in every field (pure).

A map file (YAML) pairs each real name with its pseudonym::

    Zwolle: Gemeente A
    Sarah Jones: Respondent 2

The replacement works on whole words, ignores case, and also catches the
usual inflections of a name in Dutch and English, because a quote that says
"de Zwolse aanpak" or "Zwolle's policy" identifies the town as much as
"Zwolle" does:

* possessives and plurals: ``Zwolle's``, ``Zwolle’s``, ``Zwolles``, ``Jones'``;
* derived forms built on the name's stem: the stem is the name, the name
  without a final vowel (``Zwoll``), without a doubled final consonant
  (``Zwol``) or without a final ``-er``/``-en`` (``Devent``), followed by
  ``-se``/``-sche``/``-er(s)``/``-enaar``/``-enaren``/``-naar``/``-e``
  (``Zwolse``, ``Zwollenaren``, ``Deventenaar``, ``Amsterdammer``).

That is a lemma-style rule set rather than a dictionary, so it is cheap and
works on any name; stems shorter than four letters are not used, to keep
short names from eating ordinary words. A possessive keeps its ``'s`` after
the pseudonym; any other inflected form becomes the bare pseudonym. The
report of how many times each name was replaced tells the user what changed.

``apply`` walks any export data (dataclasses, tuples, lists, dicts, strings)
and returns a copy with every string pseudonymised, keys and attribute
values included; pandas matrices are handled by ``apply_frame``.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from coder.errors import InputFormatError
from coder.formats.safe_yaml import describe, load_yaml

if TYPE_CHECKING:
    import pandas as pd

POSSESSIVE = r"(?:['’]s|['’]|s)?"
DERIVED = r"(?:se|sche|sers?|ers?|enaar|enaren|naar|naren|mers?|e)"
MIN_STEM = 4


def load_map(path: Path) -> dict[str, str]:
    """The name -> pseudonym mapping of a YAML file; one-line errors for anything else."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputFormatError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"{path}: not UTF-8 text", "save the map as UTF-8") from exc
    except yaml.YAMLError as exc:
        raise InputFormatError(
            f"{path}: malformed YAML ({describe(exc)})", "write one `Name: Pseudonym` per line"
        ) from exc
    if not isinstance(data, dict) or not data:
        raise InputFormatError(f"{path}: expected `Name: Pseudonym` lines", "e.g. Zwolle: Gemeente A")
    mapping: dict[str, str] = {}
    for name, pseudonym in data.items():
        if not isinstance(name, str | int) or not isinstance(pseudonym, str | int) or not str(name).strip():
            raise InputFormatError(
                f"{path}: {name!r}: {pseudonym!r} is not `Name: Pseudonym`", "e.g. Zwolle: Gemeente A"
            )
        mapping[str(name).strip()] = str(pseudonym).strip()
    return mapping


def _stems(name: str) -> list[str]:
    """Stems a derived form of ``name`` may be built on (``Zwolle`` -> ``Zwoll``, ``Zwol``)."""
    stems = {name}
    bare = re.sub(r"[aeiouy]+$", "", name, flags=re.IGNORECASE)
    stems.add(bare)
    if len(bare) > 1 and bare[-1] == bare[-2]:
        stems.add(bare[:-1])
    stems.add(re.sub(r"(?:er|en)$", "", name, flags=re.IGNORECASE))
    stems.add(name + name[-1])  # Amsterdam -> Amsterdamm(er)
    return sorted((s for s in stems if len(s) >= MIN_STEM), key=len, reverse=True)


def _words(text: str) -> str:
    return r"\s+".join(re.escape(part) for part in text.split())


class Pseudonymizer:
    """Replaces the names of a map in text and counts what it replaced."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping
        self.counts: Counter[str] = Counter({name: 0 for name in mapping})
        # One pattern, one pass over each string; longest names first, so
        # "Gemeente Zwolle" wins over "Zwolle".
        self._names = sorted(mapping, key=len, reverse=True)
        alternatives = "|".join(f"(?P<n{i}>{self._body(name, i)})" for i, name in enumerate(self._names))
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    @staticmethod
    def _body(name: str, i: int) -> str:
        stems = "|".join(_words(s) for s in _stems(name))
        exact = f"{_words(name)}(?P<pos{i}>{POSSESSIVE})"
        return f"{exact}|(?:{stems}){DERIVED}" if stems else exact

    def _swap(self, match: re.Match[str]) -> str:
        i = int((match.lastgroup or "n0")[1:])
        name = self._names[i]
        self.counts[name] += 1
        possessive = match.group(f"pos{i}") or ""
        return self.mapping[name] + (possessive if possessive[:1] in "'’" else "")

    def text(self, value: str) -> str:
        """``value`` with every listed name (and its inflections) replaced."""
        return self._pattern.sub(self._swap, value)

    def apply(self, data: Any) -> Any:
        """A copy of ``data`` with every string in it pseudonymised (dict keys included)."""
        if isinstance(data, str):
            return self.text(data)
        if dataclasses.is_dataclass(data) and not isinstance(data, type):
            from coder.formats.reports.data import Matrix

            if isinstance(data, Matrix):
                return self._matrix(data)
            changes = {f.name: self.apply(getattr(data, f.name)) for f in dataclasses.fields(data) if f.init}
            return dataclasses.replace(data, **changes)
        if isinstance(data, dict):
            return {self.apply(k): self.apply(v) for k, v in data.items()}
        if isinstance(data, tuple | list):
            return type(data)(self.apply(v) for v in data)
        return data

    def _matrix(self, matrix: Any) -> Any:
        return dataclasses.replace(
            matrix,
            frame=self.apply_frame(matrix.frame),
            labels=self.apply(dict(matrix.labels)),
            value_labels=self.apply({k: dict(v) for k, v in matrix.value_labels.items()}),
        )

    def apply_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A pandas frame with names replaced in its index, columns and text cells."""

        def one(value: Any) -> Any:
            return self.text(value) if isinstance(value, str) else value

        out = frame.rename(index=one, columns=one)
        out.index.name = one(frame.index.name)
        return out.map(one)

    def summary(self) -> list[str]:
        """One line per name: how often it was replaced, and by what."""
        return [f"{name} → {self.mapping[name]}: {n} replaced" for name, n in self.counts.items()]
