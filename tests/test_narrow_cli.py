"""Lead tables at 80 columns: code paths shortened from the left, never two rows alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from coder.cli import cli
from coder.cli.labels import shorten_paths
from coder.services.demo import create_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("narrow") / "demo"
    create_demo(root).close()
    yield root


def _labels(root: Path, *args: str) -> list[str]:
    """The first cell of each table row, as printed at 80 columns."""
    result = CliRunner().invoke(cli, ["-p", str(root), *args], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, result.stdout
    return [m.group(1).strip() for line in lines if (m := re.match(r"│ (\S[^│]*)│", line))]


@pytest.mark.parametrize("args", [["reconcile", "report"], ["agreement"]])
def test_code_ids_stay_whole_and_rows_distinct_at_80_columns(demo: Path, args: list[str]) -> None:
    labels = _labels(demo, *args, "--coders", "anna,bram")
    codes = [label for label in labels if "/" in label]
    assert codes and len(codes) == len(set(codes)), "no two rows read alike"
    assert not any(label.endswith("…") for label in labels), "never cut at the right"
    assert "…/handelingsverlegenheid" in codes or "generalistisch/handelingsverlegenheid" in codes
    assert any(label.startswith("…/") for label in codes), "long paths lose their leading segments"


def test_shortening_keeps_more_of_the_path_when_two_ids_would_read_alike() -> None:
    paths = ["zorg/netwerk/kwetsbaar", "wonen/netwerk/kwetsbaar", "zorg/eigen-kracht"]
    assert shorten_paths(paths, 12) == ["zorg/netwerk/kwetsbaar", "wonen/netwerk/kwetsbaar", "…/eigen-kracht"]
    assert shorten_paths(paths, 40) == paths
    assert shorten_paths(["theme/x"], 3) == ["…/x"], "the code's own id is kept even when wider"
