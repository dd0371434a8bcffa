"""What the two-coder report may be quoted for: the overall row, degenerate intervals, flags, the table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coder.analysis.agreement.clusters import de_vries_kappa
from coder.cli import cli
from tests.conftest import Coder

WS_TEXT = "I: Een zin hier. Twee zinnen daar. Drie zinnen nu.\n"


def _codings(coder: Coder, tmp_path: Path, name: str, rows: list[str]) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text("transcript,start,end,code\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = coder("codings", "import", str(path), "--coder", name, "--add-missing-codes")
    assert result.exit_code == 0, result.output


@pytest.fixture
def whitespace_project(coder: Coder, tmp_path: Path) -> Coder:
    """The issue's reproducer: coder a's code w covers only the space between two sentences."""
    (tmp_path / "ws1.txt").write_text(WS_TEXT, encoding="utf-8")
    assert coder("import", str(tmp_path / "ws1.txt")).exit_code == 0
    _codings(coder, tmp_path, "a", ["ws1,3,10,x", "ws1,18,25,x", "ws1,16,17,w"])
    _codings(coder, tmp_path, "b", ["ws1,3,10,x", "ws1,35,40,x"])
    return coder


def test_code_touching_no_unit_is_left_out_and_listed(whitespace_project: Coder) -> None:
    result = whitespace_project("agreement", "--coders", "a,b", "--json")
    report = json.loads(result.stdout)
    assert [row["code"] for row in report["codes"]] == ["x"]
    assert report["not_on_any_unit"] == ["w"]
    overall = report["overall"]
    assert overall["n_codes"] == 1 and overall["cohen_kappa"] == pytest.approx(-0.5)
    assert "touch no sentence: w" in result.stderr


def test_overall_is_labelled_pooled_with_mean_and_de_vries(coder: Coder, tmp_path: Path) -> None:
    """X agreed on 10 units, Y in complete disagreement on 2: the pooled row flatters Y away."""
    text = "I: " + " ".join(f"Zin nummer {i} is hier." for i in range(40)) + "\n"
    (tmp_path / "t1.txt").write_text(text, encoding="utf-8")
    assert coder("import", str(tmp_path / "t1.txt")).exit_code == 0
    starts = [text.index(f"Zin nummer {i} ") for i in range(40)]
    _codings(
        coder,
        tmp_path,
        "a",
        [f"t1,{starts[i]},{starts[i] + 5},x" for i in range(10)] + [f"t1,{starts[20]},{starts[20] + 5},y"],
    )
    _codings(
        coder,
        tmp_path,
        "b",
        [f"t1,{starts[i]},{starts[i] + 5},x" for i in range(10)] + [f"t1,{starts[30]},{starts[30] + 5},y"],
    )
    report = json.loads(coder("agreement", "--coders", "a,b", "--json").stdout)
    overall = report["overall"]
    by_code = {row["code"]: row for row in report["codes"]}
    assert overall["label"] == "pooled decisions"
    mean = overall["mean_per_code"]
    assert mean["cohen_kappa"] == pytest.approx(
        (by_code["x"]["cohen_kappa"] + by_code["y"]["cohen_kappa"]) / 2
    )
    assert by_code["y"]["cohen_kappa"] < 0 < mean["cohen_kappa"] < overall["cohen_kappa"]
    expected = float(de_vries_kappa([[10, 0, 0, 30], [0, 1, 1, 38]]))
    assert overall["de_vries_kappa"] == pytest.approx(expected)


def test_degenerate_intervals_are_null_with_a_reason(loaded: Coder, tmp_path: Path) -> None:
    """A code either coder used on fewer than --ci-min-units units gets no interval, and a flag."""
    text_path = Path(loaded.root) / "coder.db"
    assert text_path.exists()
    _codings(loaded, tmp_path, "anna", ["T01,0,40,beperkingen", "T02,0,40,spanningsveld"])
    _codings(loaded, tmp_path, "bram", ["T01,0,40,beperkingen", "T02,0,40,beperkingen"])
    result = loaded("agreement", "--coders", "anna,bram", "--ci", "200", "--json")
    report = json.loads(result.stdout)
    assert report["bootstrap"]["by"] == "transcript" and report["bootstrap"]["clusters"] == 2
    assert "fewer than 10 transcripts" in report["bootstrap"]["warning"]
    assert "unreliable" in result.stderr
    for row in report["codes"]:
        assert row["ci"] is None, row
        assert row["ci_reason"].startswith("fewer than 5 units coded by")
        assert row["low_prevalence"] and "gwet_ac1" in row["uninformative"]
    spanning = next(r for r in report["codes"] if r["code_id"] == "spanningsveld")
    assert spanning["ci_reason"] == "fewer than 5 units coded by anna 1, bram 0"
    looser = json.loads(
        loaded("agreement", "--coders", "anna,bram", "--ci", "200", "--ci-min-units", "1", "--json").stdout
    )
    beperkingen = next(r for r in looser["codes"] if r["code_id"] == "beperkingen")
    assert beperkingen["ci"] is not None or beperkingen["ci_reason"].startswith("every resample")
    table = loaded("agreement", "--coders", "anna,bram", "--ci", "200")
    assert "no CI" in table.stdout and "rare" in table.stdout


@pytest.mark.parametrize("by", ["transcript", "block", "unit"])
def test_ci_by_is_reported(loaded: Coder, tmp_path: Path, by: str) -> None:
    rows = [f"T0{t},{s},{s + 30},beperkingen" for t in (1, 2) for s in range(0, 280, 40)]
    _codings(loaded, tmp_path, "anna", rows)
    _codings(loaded, tmp_path, "bram", rows[::2])
    report = json.loads(
        loaded("agreement", "--coders", "anna,bram", "--ci", "100", "--ci-by", by, "--json").stdout
    )
    meta = report["bootstrap"]
    assert meta["by"] == by and meta["resamples"] == 100
    assert (meta["block_length"] is not None) == (by == "block")
    assert set(report["overall"]["ci"]) >= {"cohen_kappa", "krippendorff_alpha"}
    assert ("de_vries_kappa" in report["overall"]["ci"]) == (by != "unit")


def test_table_keeps_the_code_column_at_80_columns(whitespace_project: Coder) -> None:
    args = ["-p", str(whitespace_project.root), "agreement", "--coders", "a,b", "--ci", "50"]
    result = whitespace_project.runner.invoke(cli, args, env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(line.startswith("│ x ") for line in lines), result.stdout
    assert "pooled decisions" in result.stdout and "pooled κ (de" in result.stdout
    assert "33.3%" in result.stdout and "agree" in result.stdout and "% agree" not in result.stdout


def test_closed_pipe_ends_quietly(whitespace_project: Coder) -> None:
    """`coder agreement | head` must not end with "Error: Broken pipe"."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from coder.cli import main; main()", "-p", str(whitespace_project.root),
         "agreement", "--coders", "a,b", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line is written
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Broken pipe" not in stderr and "Traceback" not in stderr, stderr
