"""`coder agreement` against an independent computation on the same data."""

from __future__ import annotations

import json
import random
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from coder.services.agreement import agreement_report, disagreements, parse_coders
from coder.services.project import open_project
from tests.conftest import Coder

CODES = ["handelingsverlegenheid", "spanningsveld", "beperkingen", "eigen-kracht"]


def _random_codings(loaded: Coder, tmp_path: Path, seed: int) -> None:
    store = open_project(loaded.root)
    rng = random.Random(seed)
    for coder in ("anna", "bram"):
        lines = ["transcript,start,end,code"]
        for tid in ("T01", "T02"):
            n = len(store.get_transcript(tid).text)
            for _ in range(rng.randint(3, 8)):
                start = rng.randrange(0, n - 1)
                lines.append(f"{tid},{start},{min(n, start + rng.randint(1, 80))},{rng.choice(CODES)}")
        path = tmp_path / f"{coder}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert loaded("codings", "import", str(path), "--coder", coder).exit_code == 0
    store.close()


def _independent(loaded: Coder) -> dict[str, tuple[list[int], list[int]]]:
    """Presence per (unit, code) by brute force over characters, with roll-up."""
    store = open_project(loaded.root)
    book = store.codebook()
    units = [(tid, s.start, s.end) for tid in ("T01", "T02") for s in store.segments(tid, "sentence")]
    result: dict[str, tuple[list[int], list[int]]] = {}
    layers = [store.codings(coder=c) for c in ("anna", "bram")]
    for code in [c.id for c in book.codes]:
        family = book.descendants(code)
        vectors = []
        for codings in layers:
            vec = []
            for tid, us, ue in units:
                text = store.get_transcript(tid).text
                hit = any(
                    c.transcript_id == tid
                    and c.code_id in family
                    and text[max(c.start, us) : min(c.end, ue)].strip()
                    for c in codings
                )
                vec.append(int(hit))
            vectors.append(vec)
        if any(vectors[0]) or any(vectors[1]):
            result[book.path(code)] = (vectors[0], vectors[1])
    return result


def _kappa(a: list[int], b: list[int]) -> float | None:
    n = len(a)
    p_o = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    p_e = pa * pb + (1 - pa) * (1 - pb)
    return None if p_e == 1 else (p_o - p_e) / (1 - p_e)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_report_matches_brute_force(loaded: Coder, tmp_path: Path, seed: int) -> None:
    _random_codings(loaded, tmp_path, seed)
    report = json.loads(loaded("agreement", "--coders", "anna,bram", "--json").output)
    expected = _independent(loaded)
    assert report["coders"] == ["anna", "bram"] and report["transcripts"] == ["T01", "T02"]
    assert {row["code"] for row in report["codes"]} == set(expected)
    for row in report["codes"]:
        a, b = expected[row["code"]]
        assert report["n_units"] == len(a)
        assert (row["n_a"], row["n_b"], row["n_both"]) == (
            sum(a),
            sum(b),
            sum(x & y for x, y in zip(a, b, strict=True)),
        )
        assert row["percent_agreement"] == pytest.approx(np.mean(np.array(a) == np.array(b)))
        kappa = _kappa(a, b)
        assert row["cohen_kappa"] == (None if kappa is None else pytest.approx(kappa))
        if len(set(a) | set(b)) > 1:
            alpha = krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal")
            assert row["krippendorff_alpha"] == pytest.approx(alpha)


def test_overall_pools_direct_codes_without_rollup(loaded: Coder, tmp_path: Path) -> None:
    rows = tmp_path / "r.csv"
    store = open_project(loaded.root)
    text = store.get_transcript("T01").text
    s = text.index("De hulpvragen")
    rows.write_text(f"transcript,start,end,code\nT01,{s},{s + 5},beperkingen\n", encoding="utf-8")
    loaded("codings", "import", str(rows), "--coder", "anna")
    loaded("codings", "import", str(rows), "--coder", "bram")
    report = agreement_report(store, ("anna", "bram"))
    assert [r["code"] for r in report["codes"]] == ["eigen-kracht", "eigen-kracht/beperkingen"]
    overall = report["overall"]
    assert overall["n_codes"] == 1 and overall["n_decisions"] == report["n_units"]
    assert (overall["n_a"], overall["n_both"], overall["cohen_kappa"]) == (1, 1, 1.0)


def test_undefined_values_are_null_with_a_reason(loaded: Coder, tmp_path: Path) -> None:
    store = open_project(loaded.root)
    n = len(store.get_transcript("T01").text)
    rows = tmp_path / "r.csv"
    rows.write_text(f"transcript,start,end,code\nT01,0,{n},beperkingen\n", encoding="utf-8")
    loaded("codings", "import", str(rows), "--coder", "anna")
    loaded("codings", "import", str(rows), "--coder", "bram")
    report = agreement_report(store, ("anna", "bram"))
    row = report["codes"][0]
    assert row["percent_agreement"] == 1.0 and row["cohen_kappa"] is None
    assert "variation" in row["undefined"]["cohen_kappa"]


def test_bootstrap_intervals_are_reproducible(loaded: Coder, tmp_path: Path) -> None:
    _random_codings(loaded, tmp_path, 7)
    store = open_project(loaded.root)
    one = agreement_report(store, ("anna", "bram"), ci=200, seed=3)
    two = agreement_report(store, ("anna", "bram"), ci=200, seed=3)
    assert one == two and "ci" in one["codes"][0]


def test_disagreements_list_units_with_both_coders_codes(loaded: Coder, tmp_path: Path) -> None:
    store = open_project(loaded.root)
    text = store.get_transcript("T01").text
    s = text.index("De hulpvragen")
    (tmp_path / "a.csv").write_text(
        f"transcript,start,end,code\nT01,{s},{s + 5},beperkingen\nT01,0,5,spanningsveld\n", encoding="utf-8"
    )
    (tmp_path / "b.csv").write_text("transcript,start,end,code\nT01,0,5,spanningsveld\n", encoding="utf-8")
    loaded("codings", "import", str(tmp_path / "a.csv"), "--coder", "anna")
    loaded("codings", "import", str(tmp_path / "b.csv"), "--coder", "bram")
    (row,) = disagreements(store, ("anna", "bram"), "beperkingen")
    assert row["text"].startswith("De hulpvragen") and row["applied_by"] == "a"
    assert row["codes_a"] == ["eigen-kracht/beperkingen"] and row["codes_b"] == []


def test_bad_coder_arguments(loaded: Coder) -> None:
    with pytest.raises(Exception, match="two or more different coders"):
        parse_coders("anna")
    result = loaded("agreement", "--coders", "anna,nobody")
    assert result.exit_code == 1 and "no coder named 'anna'" in result.stderr


def test_three_coders_match_the_krippendorff_package(loaded: Coder, tmp_path: Path) -> None:
    _random_codings(loaded, tmp_path, 11)
    store = open_project(loaded.root)
    bram = tmp_path / "bram.csv"
    loaded("codings", "export", "--coder", "bram", "-o", str(bram))
    lines = bram.read_text(encoding="utf-8").splitlines()
    (tmp_path / "carla.csv").write_text(
        "\n".join(lines[:-1]) + "\n", encoding="utf-8"
    )  # carla drops one coding
    assert loaded("codings", "import", str(tmp_path / "carla.csv"), "--coder", "carla").exit_code == 0
    report = json.loads(loaded("agreement", "--coders", "anna,bram,carla", "--json").output)
    two = _independent(loaded)
    assert report["coders"] == ["anna", "bram", "carla"] and report["n_units"] == len(
        next(iter(two.values()))[0]
    )
    from coder.services.agreement import collect_units, rolled_up

    data = collect_units(store, ["anna", "bram", "carla"])
    rolled = [rolled_up(d, store.codebook()) for d in data.direct]
    for row in report["codes"]:
        matrix = np.zeros((3, data.n_units))
        for j, layer in enumerate(rolled):
            matrix[j, layer.get(row["code_id"], np.zeros(0, dtype=int))] = 1
        if len(np.unique(matrix)) > 1:
            expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
            assert row["krippendorff_alpha"] == pytest.approx(expected)
        assert row["n"]["anna"] == int(matrix[0].sum())
    assert loaded("agreement", "--coders", "anna,bram,carla", "--ci", "10").exit_code == 1


def test_report_carries_u_alpha_2004(loaded: Coder, tmp_path: Path) -> None:
    store = open_project(loaded.root)
    text = store.get_transcript("T01").text
    s = text.index("De hulpvragen")
    (tmp_path / "a.csv").write_text(
        f"transcript,start,end,code\nT01,{s},{s + 20},beperkingen\n", encoding="utf-8"
    )
    (tmp_path / "b.csv").write_text(
        f"transcript,start,end,code\nT01,{s + 3},{s + 20},beperkingen\n", encoding="utf-8"
    )
    loaded("codings", "import", str(tmp_path / "a.csv"), "--coder", "anna")
    loaded("codings", "import", str(tmp_path / "b.csv"), "--coder", "bram")
    row = agreement_report(store, ("anna", "bram"))["codes"][-1]
    from coder.analysis.agreement import unitized_alpha

    expected = unitized_alpha([[(s, s + 20)], [(s + 3, s + 20)]], (0, len(text))).value
    assert row["u_alpha_2004"] == pytest.approx(expected) and 0 < row["u_alpha_2004"] < 1
    assert "unitized_alpha" not in row


def test_u_alpha_2004_takes_each_transcript_as_its_own_continuum(loaded: Coder, tmp_path: Path) -> None:
    """Codings at the end of T01 and the start of T02: laid end to end, their gaps would merge."""
    from coder.analysis.agreement import unitized_alpha, unitized_alpha_sections

    store = open_project(loaded.root)
    t1, t2 = store.get_transcript("T01").text, store.get_transcript("T02").text
    a1, b1 = (len(t1) - 60, len(t1) - 20), (len(t1) - 55, len(t1) - 20)
    a2, b2 = (40, 90), (30, 90)
    for coder, (x, y) in (("anna", (a1, a2)), ("bram", (b1, b2))):
        rows = f"transcript,start,end,code\nT01,{x[0]},{x[1]},beperkingen\nT02,{y[0]},{y[1]},beperkingen\n"
        (tmp_path / f"{coder}.csv").write_text(rows, encoding="utf-8")
        assert loaded("codings", "import", str(tmp_path / f"{coder}.csv"), "--coder", coder).exit_code == 0
    row = next(r for r in agreement_report(store, ("anna", "bram"))["codes"] if r["code_id"] == "beperkingen")
    split = unitized_alpha_sections([([[a1], [b1]], (0, len(t1))), ([[a2], [b2]], (0, len(t2)))]).value
    shift = len(t1)
    end_to_end = unitized_alpha(
        [[a1, (a2[0] + shift, a2[1] + shift)], [b1, (b2[0] + shift, b2[1] + shift)]], (0, shift + len(t2))
    ).value
    assert split is not None and end_to_end is not None
    assert row["u_alpha_2004"] == pytest.approx(split)
    assert abs(split - end_to_end) > 1e-4  # small here, but far beyond approx's 1e-6
