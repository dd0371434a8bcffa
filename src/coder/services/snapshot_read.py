"""Reading a snapshot folder (see :mod:`coder.services.snapshot`) back into the model.

Only files inside the named folder are read, found by listing it (never by
building a path from a value in a file). Every file is checked as it is
parsed: a broken one is named with its line, and nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from coder.errors import CoderError
from coder.model import Code, Codebook, Coding, Memo, Segment, Transcript
from coder.services.project_merge import Incoming
from coder.services.snapshot import FORMAT

RECORD_FILES = {
    "links.jsonl": "links",
    "status.jsonl": "transcript_status",
    "audit.jsonl": "audit",
    "review/consensus-sources.jsonl": "consensus_sources",
}


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _no_aliases(node: yaml.Node) -> None:
    """Refuse anchors and aliases: a node met twice is an alias (no alias bombs in a shared folder)."""
    seen: set[int] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            raise yaml.YAMLError("aliases (*name) are not allowed in a snapshot")
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            todo.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            todo.extend(n for pair in current.value for n in pair)


@dataclass
class Snapshot:
    """A snapshot's study: the model objects a merge matches, and the plain record rows."""

    incoming: Incoming
    name: str
    settings: dict[str, str]
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def is_snapshot(path: Path) -> bool:
    """Whether ``path`` is a folder written by `coder snapshot`."""
    marker = path / "project.yaml"
    return path.is_dir() and marker.is_file() and FORMAT in marker.read_text("utf-8", errors="replace")


def _bad(path: Path, what: str, line: int | None = None) -> CoderError:
    where = f"{path}:{line}" if line else str(path)
    return CoderError(
        f"{where}: {what}", "restore the file from git (git checkout -- FILE) or take a fresh snapshot"
    )


def _yaml(path: Path) -> Any:
    try:
        text = path.read_text("utf-8")
        node = yaml.compose(text, Loader=_Loader)
        if node is None:
            return None
        _no_aliases(node)
        return yaml.load(text, Loader=_Loader)  # a safe loader (CSafeLoader or SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise _bad(path, f"not readable YAML ({str(exc).splitlines()[0]})") from None


def _jsonl(path: Path) -> list[Any]:
    rows = []
    try:
        lines = path.read_text("utf-8").splitlines()
    except UnicodeDecodeError:
        raise _bad(path, "not UTF-8 text") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line.startswith(("<<<<<<<", "=======", ">>>>>>>")):
            raise _bad(path, "holds a git conflict marker; resolve it first (or run coder sync)", n)
        try:
            rows.append(json.loads(line))
        except (json.JSONDecodeError, RecursionError):
            raise _bad(path, "not a JSON object", n) from None
    return rows


def _files(folder: Path, area: str, suffix: str) -> list[Path]:
    root = folder / area
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_file() and p.name.endswith(suffix))


def read_snapshot(folder: Path) -> Snapshot:
    """Read a whole snapshot folder (a one-line error naming the file on bad content)."""
    if not is_snapshot(folder):
        raise CoderError(
            f"{folder} is not a coder snapshot (no project.yaml with {FORMAT!r})",
            "name a folder written by `coder snapshot DIR`",
        )
    try:
        return _read(folder)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CoderError(
            f"{folder}: a snapshot file lacks a field or has one of the wrong type ({exc})",
            "restore the snapshot from git, or take a fresh one",
        ) from None


def _read(folder: Path) -> Snapshot:
    project = _yaml(folder / "project.yaml")
    settings = {str(k): str(v) for k, v in (project.get("settings") or {}).items()}
    tree = _yaml(folder / "codebook.yaml")
    codebook = Codebook(str(tree.get("name") or ""), tuple(_codes(tree.get("codes") or [], None)))
    coders = [
        {"name": c["name"], "guid": c["guid"], "kind": c.get("kind") or "coder"}
        for c in _yaml(folder / "coders.yaml") or []
    ]
    transcripts = [_transcript(folder, meta) for meta in _files(folder, "transcripts", ".meta.yaml")]
    incoming = Incoming(
        label=str(folder),
        codebook=codebook,
        coders=coders,
        transcripts=transcripts,
        codings=_codings(folder),
        memos=_memos(folder),
        origins_known=True,
        segments_of=lambda tid: _segments(folder, tid, transcripts),
    )
    records: dict[str, list[dict[str, Any]]] = {t: _jsonl(folder / f) for f, t in RECORD_FILES.items() if (folder / f).is_file()}  # fmt: skip
    records["codebook_versions"] = [_yaml(p) for p in _files(folder, "codebook-versions", ".yaml")]
    records["surveys"] = [json.loads(p.read_text("utf-8")) for p in _files(folder, "surveys", ".json")]
    records["disagreements"] = [
        row for p in _files(folder, "review", ".jsonl") if p.name != "consensus-sources.jsonl" for row in _jsonl(p)
    ]  # fmt: skip
    records["project"] = [{"key": k, "value": v} for k, v in sorted(settings.items())]
    return Snapshot(incoming, settings.get("name", ""), settings, records)


def _codes(nodes: list[dict[str, Any]], parent: str | None) -> list[Code]:
    codes: list[Code] = []
    for node in nodes:
        fields = {k: v for k, v in node.items() if k != "children"}
        fields.update(keywords=tuple(fields.get("keywords") or ()), links=tuple(fields.get("links") or ()))
        code = Code(**{**fields, "parent_id": parent})
        codes.append(code)
        codes.extend(_codes(node.get("children") or [], code.id))
    return codes


def _transcript(folder: Path, meta_path: Path) -> Transcript:
    meta = _yaml(meta_path)
    text_path = meta_path.with_name(meta_path.name.removesuffix(".meta.yaml") + ".txt")
    try:
        text = text_path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        raise _bad(text_path, "missing or not UTF-8 (every .meta.yaml needs its .txt)") from None
    meta["attributes"] = {str(k): str(v) for k, v in (meta.get("attributes") or {}).items()}
    return Transcript(**{**meta, "text": text})


def _segments(folder: Path, transcript_id: str, transcripts: list[Transcript]) -> list[Segment]:
    from coder.services.snapshot import file_name

    path = folder / "transcripts" / f"{file_name(transcript_id)}.segments.jsonl"
    if not path.is_file():
        return []
    return [Segment(k, i, s, e, sp, lem or "", meta or {}) for k, i, s, e, sp, lem, meta in _jsonl(path)]


def _codings(folder: Path) -> list[Coding]:
    found: list[Coding] = []
    root = folder / "codings"
    layers = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    for layer in layers:
        coder = unquote(layer.name)
        for path in _files(folder, f"codings/{layer.name}", ".jsonl"):
            tid = unquote(path.name.removesuffix(".jsonl"))
            for r in _jsonl(path):
                found.append(
                    Coding(
                        0, r["guid"], coder, tid, int(r["start"]), int(r["end"]), r["code"], r.get("memo") or "",
                        bool(r.get("key_quote")), r.get("created_at") or "", r.get("flagged"), r.get("flagged_text"),
                    )
                )  # fmt: skip
    return found


def _memos(folder: Path) -> list[Memo]:
    memos = []
    for path in _files(folder, "memos", ".jsonl"):
        coder = unquote(path.name.removesuffix(".jsonl"))
        for r in _jsonl(path):
            memos.append(
                Memo(0, r["guid"], coder, r["target_kind"], r["target_id"], r["text"], r["updated_at"])
            )
    return memos
