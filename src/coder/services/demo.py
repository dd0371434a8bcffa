"""The demo project: a newcomer's first command builds a whole study at once.

The demo material ships with the package (transcripts, a concept codebook, two
coders' codings, survey files). Codings are written as quotes, not offsets, and
anchored on the stored text here, so they survive any change to import rules.
The two coders are reconciled into the consensus layer ``final``, so every
lead screen has something to show.
"""

from __future__ import annotations

import csv
import shutil
from importlib import resources
from pathlib import Path

from coder.errors import CoderError
from coder.formats.safe_yaml import load_yaml
from coder.services.codebook import load_codebook_file, new_coder_code
from coder.services.project import init_project
from coder.services.reconcile import reconcile
from coder.services.roles import add_lead
from coder.services.surveys import import_survey
from coder.services.transcripts import import_transcripts
from coder.storage import Store

DEMO_FOLDERS = ("transcripts", "codebooks", "surveys", "demo")
DEMO_LEAD = "lead"
"""The demo's lead (the name the command line's audit entries use): anna and bram code blind."""
DEMO_CODERS = ("anna", "bram")


def demo_source() -> Path:
    """Where the demo material is: inside the installed package, or the source tree."""
    packaged = Path(str(resources.files("coder"))) / "_demo"
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parents[3]
    if (repo / "transcripts").is_dir() and (repo / "codebooks").is_dir():
        return repo
    raise CoderError("the demo material is not installed with this copy of coder")


def create_demo(target: Path) -> Store:
    """Copy the demo material to ``target`` and build the project there."""
    if (target / "coder.db").exists():
        raise CoderError(
            f"{target} already holds a project", "choose another folder, or open it with `coder -p DIR`"
        )
    source = demo_source()
    target.mkdir(parents=True, exist_ok=True)
    for folder in DEMO_FOLDERS:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder, dirs_exist_ok=True)
    store, _ = init_project(target, name="Sociale teams (demo)")
    transcripts = sorted(
        p
        for p in (target / "transcripts").iterdir()
        if p.suffix.lower() in {".txt", ".md", ".docx", ".vtt", ".srt"}
    )
    import_transcripts(store, transcripts)
    load_codebook_file(store, target / "codebooks" / "concept.yaml", actor="lead")
    _demo_codings(store, target / "demo")
    _demo_surveys(store, target / "surveys")
    add_lead(store, DEMO_LEAD, actor=DEMO_LEAD, new=True)
    # A consensus layer, so the review screen (and the lead's other screens) show something at once.
    reconcile(store, DEMO_CODERS, "final", actor="lead")
    return store


def _demo_surveys(store: Store, folder: Path) -> None:
    """Import every survey file of the demo under its file stem (bakens, medewerkers)."""
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        import_survey(store, path, path.stem)


def _demo_codings(store: Store, folder: Path) -> None:
    added = folder / "added-codes.yaml"
    quotes = folder / "codings-quotes.csv"
    with store.transaction():
        if added.is_file():
            for code in (load_yaml(added.read_text(encoding="utf-8")) or {}).get("codes", []):
                new_coder_code(
                    store,
                    code["name"],
                    code["created_by"],
                    code.get("parent"),
                    code.get("description", ""),
                    code["id"],
                )
        if quotes.is_file():
            store.add_codings(_anchor_quotes(store, quotes))


def _anchor_quotes(store: Store, path: Path) -> list[dict[str, object]]:
    texts = store.transcript_texts()
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            text = texts.get(row["transcript"])
            start = text.find(row["quote"]) if text is not None else -1
            if start < 0 or not store.has_code(row["code"]):
                raise CoderError(f"{path}: row {n}: quote or code not found in the demo project")
            store.ensure_coder(row["coder"])
            rows.append(
                {
                    "coder": row["coder"],
                    "transcript_id": row["transcript"],
                    "start": start,
                    "end": start + len(row["quote"]),
                    "code_id": row["code"],
                    "memo": row.get("memo") or "",
                }
            )
    return rows
