"""Generate the demo respondent-level survey ``surveys/medewerkers.csv``.

The demo project needs a small, believable staff survey whose items line up
with the themes of the concept codebook, so that the joint display has
respondent-level figures next to the quotes. Real survey data cannot ship with
the tool, so this script draws answers from a seeded generator: running it
again gives byte-identical output.

Each answer is a rounded draw around an item mean that depends on the survey
year (and, for a few items, on the role), clipped to the 1-5 Likert scale.
The means are chosen so that the pattern matches what the interviews tell:
work pressure rises (q5 falls) and the wish to work more generalist fades
(q1 falls) between 2016 and 2018, while the self-reliance item (q2) stays
flat. A Mann-Whitney test of 2016 against 2018 therefore finds a clear
difference on q5, a smaller one on q1 and none on q2.

Usage::

    python demo/make_survey.py            # writes surveys/medewerkers.csv
    python demo/make_survey.py -o out.csv
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

SEED = 20180601
YEARS: tuple[int, ...] = (2016, 2017, 2018)
PER_YEAR = 40
ITEMS: tuple[str, ...] = ("q1", "q2", "q3", "q4", "q5")
GEMEENTEN: tuple[str, ...] = ("Zwolle", "Deventer", "Amersfoort", "Apeldoorn")
ROLLEN: tuple[str, ...] = (
    "generalist",
    "wijkverpleegkundige",
    "jeugdhulpverlener",
    "schuldhulpverlener",
    "opbouwwerker",
    "teamleider",
)
ROL_KANS: tuple[float, ...] = (0.5, 0.14, 0.14, 0.08, 0.07, 0.07)

# Item means per year on the 1-5 scale.
YEAR_MEANS: dict[str, dict[int, float]] = {
    "q1": {2016: 3.9, 2017: 3.6, 2018: 3.3},  # Ik wil meer generalistisch werken
    "q2": {2016: 4.1, 2017: 4.1, 2018: 4.0},  # Ik spreek burgers aan op eigen kracht
    "q3": {2016: 2.8, 2017: 2.7, 2018: 2.5},  # Ik heb tijd voor collectief werk
    "q4": {2016: 3.2, 2017: 3.1, 2018: 3.2},  # Ik kan snel specialistische hulp inschakelen
    "q5": {2016: 3.4, 2017: 2.9, 2018: 2.4},  # Mijn werkdruk is acceptabel
}

# Shifts per role, where the interviews suggest one.
ROLE_SHIFTS: dict[str, dict[str, float]] = {
    "opbouwwerker": {"q3": 1.3, "q1": 0.2},
    "teamleider": {"q5": 0.4},
    "wijkverpleegkundige": {"q1": -0.5, "q4": 0.4},
}

# A handful of skipped questions, as in any real survey export.
MISSING: tuple[tuple[int, str], ...] = ((17, "q3"), (58, "q4"), (101, "q2"))


def answer(rng: np.random.Generator, mean: float) -> int:
    """Draw one Likert answer around ``mean``, rounded and clipped to 1-5."""
    return int(np.clip(np.rint(mean + rng.normal(0.0, 0.85)), 1, 5))


def respondent_row(rng: np.random.Generator, number: int, year: int) -> dict[str, str]:
    """Build one respondent's row: id, year, municipality, role and answers."""
    rol = str(rng.choice(ROLLEN, p=ROL_KANS))
    row = {
        "respondent": f"M{number:03d}",
        "jaar": str(year),
        "gemeente": str(rng.choice(GEMEENTEN)),
        "rol": rol,
    }
    shifts = ROLE_SHIFTS.get(rol, {})
    for item in ITEMS:
        row[item] = str(answer(rng, YEAR_MEANS[item][year] + shifts.get(item, 0.0)))
    return row


def generate(seed: int = SEED) -> list[dict[str, str]]:
    """Return all respondent rows, ``PER_YEAR`` per survey year, in id order."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, str]] = []
    for year in YEARS:
        for _ in range(PER_YEAR):
            rows.append(respondent_row(rng, len(rows) + 1, year))
    for index, item in MISSING:
        rows[index][item] = ""
    return rows


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    """Write ``rows`` as a comma-delimited UTF-8 CSV with LF line endings."""
    fields = ["respondent", "jaar", "gemeente", "rol", *ITEMS]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    """Parse the command line and write the survey file."""
    default = Path(__file__).resolve().parent.parent / "surveys" / "medewerkers.csv"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=default)
    args = parser.parse_args()
    write_csv(generate(), args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
