"""Figures for a methods section, drawn with matplotlib (Agg, no display needed).

The saturation chart shows new codes per transcript as bars (themes and
subcodes stacked) and the cumulative number of codes as a step line, the
figure qualitative reports use to argue that coding reached saturation. The
file is written to a temporary name next to the target and renamed, so a
failed export leaves no half-written file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coder.errors import CoderError
from coder.formats.outfile import atomic_output

FORMATS = (".svg", ".png")


def saturation_chart(report: dict[str, Any], path: Path) -> None:
    """Write the saturation curve of a ``services.saturation`` report to ``path`` (.svg or .png)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise CoderError(f"{path}: unsupported chart format {suffix!r}", "use .svg or .png")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = report["transcripts"]
    x = list(range(1, len(rows) + 1))
    figure = Figure(figsize=(7, 3.6), layout="constrained")
    ax = figure.add_subplot()
    themes = [r["new_codes"] for r in rows]
    ax.bar(x, themes, color="#4c72b0", label="new codes (themes)")
    ax.bar(x, [r["new_subcodes"] for r in rows], bottom=themes, color="#9ecae1", label="new subcodes")
    ax.step(x, [r["cumulative"] for r in rows], where="mid", color="#c44e52", label="cumulative codes")
    ax.set_xticks(x, [r["transcript"] for r in rows], rotation=45 if len(rows) > 8 else 0, ha="right")
    ax.set_xlabel(f"transcripts in {report['order']} order")
    ax.set_ylabel("codes")
    ax.legend(frameon=False, fontsize="small")
    _save(figure, path, suffix)


def _save(figure: Any, path: Path, suffix: str) -> None:
    """Save through a temporary file in the same folder, then rename."""
    with atomic_output(path) as temp:
        figure.savefig(temp, format=suffix[1:], metadata={"Date": None} if suffix == ".svg" else None)
