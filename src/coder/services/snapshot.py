"""`coder snapshot DIR`: the study as sorted, stable text files, for git and archives.

Layout (every file sorted, keys sorted, no time that changes on a rewrite)::

    project.yaml                     format marker, study name and shared settings
    coders.yaml                      coder layers: name, GUID, kind
    codebook.yaml                    the working code tree, with GUIDs, origin, position
    codebook-versions/LABEL.yaml     frozen code trees
    transcripts/ID.txt               the stored text, byte for byte
    transcripts/ID.meta.yaml         GUID, language, attributes, SHA-256, source, version
    transcripts/ID.segments.jsonl    turns and sentences with lemmas (so a load needs no spaCy)
    codings/CODER/ID.jsonl           one coding per line, by start, end, code, GUID
    memos/CODER.jsonl                one memo per line, by target
    review/LAYER.jsonl               review decisions of a consensus layer
    review/consensus-sources.jsonl   which consensus codings reconcile wrote, and why
    surveys/NAME.json                survey data; links.jsonl: code → survey item links
    status.jsonl                     transcripts marked done, per coder
    audit.jsonl                      the audit log, oldest first

A coder's files live under their own path, so two coders committing in
parallel never touch the same file. Rewriting a snapshot folder only touches
files whose bytes change, and removes stale files only in the layers this
project holds (another coder's folder in a shared clone is left alone).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from coder.formats.outfile import atomic_output
from coder.model import Code, Codebook, Coding
from coder.storage import Store
from coder.storage.rows import table_rows

FORMAT = "coder-snapshot 1"
# Settings of one machine, not of the study: never written to a snapshot.
LOCAL_SETTINGS = frozenset({"format", "last_coder"})
LOCAL_PREFIXES = ("sync.",)


@dataclass
class SnapshotReport:
    """What `coder snapshot` wrote."""

    folder: str
    files: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The JSON document of `coder snapshot --json`."""
        return asdict(self)


def file_name(value: str) -> str:
    """A file-name-safe form of an id or coder name (reversible with ``unquote``)."""
    name = quote(value, safe=" -_.,+=@")
    return name.replace(".", "%2E") if set(name) <= {"."} else name


def jsonl(rows: Iterable[dict[str, Any]]) -> str:
    """One JSON object per line, keys sorted, UTF-8 as is."""
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_yaml(data: Any) -> str:
    """Block YAML with sorted keys (what the snapshot files use; libyaml when installed)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=True, width=100)


def code_tree(codebook: Codebook) -> list[dict[str, Any]]:
    """The code tree as nested mappings carrying every field of every code."""

    def node(code: Code) -> dict[str, Any]:
        out = {k: v for k, v in asdict(code).items() if k != "parent_id"}
        out["keywords"], out["links"] = list(code.keywords), list(code.links)
        kids = codebook.children(code.id)
        if kids:
            out["children"] = [node(k) for k in kids]
        return out

    return [node(c) for c in codebook.children(None)]


def coding_line(c: Coding) -> dict[str, Any]:
    """A coding as a snapshot line (coder and transcript are in the file's path)."""
    return {
        "code": c.code_id,
        "created_at": c.created_at,
        "end": c.end,
        "flagged": c.flagged,
        **({"flagged_text": c.flagged_text} if c.flagged else {}),
        "guid": c.guid,
        "key_quote": c.key_quote,
        "memo": c.memo,
        "start": c.start,
    }


def snapshot_files(store: Store) -> dict[str, str]:
    """Every file of the snapshot: relative path → text."""
    files: dict[str, str] = {}
    settings = {
        r["key"]: r["value"]
        for r in table_rows(store, "project")
        if r["key"] not in LOCAL_SETTINGS and not r["key"].startswith(LOCAL_PREFIXES)
    }
    files["project.yaml"] = dump_yaml({"format": FORMAT, "settings": settings})
    files["coders.yaml"] = dump_yaml(store.coders())
    codebook = store.codebook()
    files["codebook.yaml"] = dump_yaml({"name": codebook.name, "codes": code_tree(codebook)})
    for v in table_rows(store, "codebook_versions"):
        files[f"codebook-versions/{file_name(v['label'])}.yaml"] = dump_yaml(v)
    _transcript_files(store, files)
    by_file: dict[str, list[Coding]] = defaultdict(list)
    for c in store.codings():
        by_file[f"codings/{file_name(c.coder)}/{file_name(c.transcript_id)}.jsonl"].append(c)
    for path, codings in by_file.items():
        codings.sort(key=lambda c: (c.start, c.end, c.code_id, c.guid))
        files[path] = jsonl(coding_line(c) for c in codings)
    memos: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in store.memos():
        line = {k: v for k, v in asdict(m).items() if k not in ("id", "coder")}
        memos[f"memos/{file_name(m.coder)}.jsonl"].append(line)
    for path, lines in memos.items():
        files[path] = jsonl(sorted(lines, key=lambda m: (m["target_kind"], m["target_id"], m["guid"])))
    _record_files(store, files)
    return files


def _transcript_files(store: Store, files: dict[str, str]) -> None:
    for t in store.transcripts():
        base = f"transcripts/{file_name(t.id)}"
        files[f"{base}.txt"] = t.text
        meta = {k: v for k, v in asdict(t).items() if k != "text"}
        files[f"{base}.meta.yaml"] = dump_yaml(meta)
        segments = (
            [s.kind, s.index, s.start, s.end, s.speaker, s.lemmas, s.meta or None]
            for s in store.segments(t.id)
        )
        files[f"{base}.segments.jsonl"] = "".join(
            json.dumps(s, ensure_ascii=False, sort_keys=True) + "\n" for s in segments
        )


def _record_files(store: Store, files: dict[str, str]) -> None:
    review: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in table_rows(store, "disagreements"):
        review[f"review/{file_name(row['layer'])}.jsonl"].append(row)
    files.update({path: jsonl(rows) for path, rows in review.items()})
    sources = table_rows(store, "consensus_sources")
    if sources:
        files["review/consensus-sources.jsonl"] = jsonl(sources)
    for s in table_rows(store, "surveys"):
        files[f"surveys/{file_name(s['name'])}.json"] = (
            json.dumps(s, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        )
    files["links.jsonl"] = jsonl(table_rows(store, "links"))
    files["status.jsonl"] = jsonl(table_rows(store, "transcript_status"))
    audit = table_rows(store, "audit")
    audit.sort(key=lambda r: (r["at"], json.dumps(r, sort_keys=True, ensure_ascii=False)))
    files["audit.jsonl"] = jsonl(audit)


def write_snapshot(store: Store, folder: Path) -> SnapshotReport:
    """Write (or bring up to date) a snapshot of the project in ``folder``."""
    files = snapshot_files(store)
    report = SnapshotReport(str(folder), files=len(files))
    folder.mkdir(parents=True, exist_ok=True)
    for rel, text in sorted(files.items()):
        path = folder / rel
        data = text.encode("utf-8")
        if path.is_file() and path.read_bytes() == data:
            continue
        _write_atomic(path, data)
        report.written.append(rel)
    for path in _stale(folder, files, {c["name"] for c in store.coders()}):
        path.unlink()
        report.removed.append(path.relative_to(folder).as_posix())
    return report


def _stale(folder: Path, files: dict[str, str], coders: set[str]) -> list[Path]:
    """Files of this project's areas that the new snapshot no longer has."""
    owned = ["transcripts", "memos", "review", "surveys", "codebook-versions"]
    owned += [f"codings/{file_name(c)}" for c in coders]
    found = []
    for area in owned:
        root = folder / area
        if root.is_dir():
            found += [p for p in root.iterdir() if p.is_file() and f"{area}/{p.name}" not in files]
    return sorted(found)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)
