"""What REFI-QDA has no place for, kept in ``coder/extras.json`` inside the ``.qdpx``.

Other programs ignore a zip member they do not know; ``coder`` reads it back,
so a coder → ``.qdpx`` → coder round trip keeps, by GUID: code ids, origins,
keywords, survey links and positions; transcript ids and languages; coder
layer kinds; key-quote marks and review flags of codings; and the study's
records (frozen code trees, review decisions, consensus provenance, links,
done marks). What the file cannot carry: the audit log and survey data (use
`coder snapshot` for a complete copy).
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path
from typing import Any

from coder.errors import InputFormatError
from coder.formats.qdpx import norm_guid
from coder.model import Code, Codebook, Coding
from coder.services.merge_plan import Incoming
from coder.storage import Store
from coder.storage.rows import table_rows

MEMBER = "coder/extras.json"
FORMAT = "coder-qdpx-extras 1"
MAX_BYTES = 256 * 1024 * 1024
TRAVELLING_SETTINGS = ("leads", "report_language")
"""Project settings a ``.qdpx`` carries: who leads (so coding stays blind there) and the report language."""
RECORDS = ("codebook_versions", "disagreements", "consensus_sources", "links", "transcript_status")


def extras_document(
    store: Store, codebook: Codebook, codings: list[Coding], layers: list[dict[str, str]]
) -> bytes:
    """The extras member for an export of ``codebook``, ``codings`` and coder ``layers``."""
    doc = {
        "format": FORMAT,
        "study": store.get_setting("name") or store.root.name,
        "codes": {
            norm_guid(c.guid): {
                "id": c.id, "origin": c.origin, "created_by": c.created_by, "keywords": list(c.keywords),
                "links": list(c.links), "position": c.position,
            }
            for c in codebook.codes
        },
        "transcripts": {norm_guid(t.guid): {"id": t.id, "language": t.language} for t in store.transcripts()},
        "coders": {c["name"]: c.get("kind") or "coder" for c in layers},
        "codings": {
            norm_guid(c.guid): {"key_quote": c.key_quote, "flagged": c.flagged}
            for c in codings
            if c.key_quote or c.flagged is not None
        },
        "records": {
            **{table: table_rows(store, table) for table in RECORDS},
            # Settings travel only to a project that lacks them: a copy never changes the lead's.
            "project": [
                {"key": "codebook_name", "value": codebook.name},
                *[{"key": k, "value": v} for k in TRAVELLING_SETTINGS if (v := store.get_setting(k))],
            ],
        },
    }  # fmt: skip
    return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")


def read_extras(path: Path) -> dict[str, Any] | None:
    """The extras of a ``.qdpx`` written by coder, or None (another tool's file)."""
    if not zipfile.is_zipfile(path):
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                info = zf.getinfo(MEMBER)
            except KeyError:
                return None
            if info.file_size > MAX_BYTES:
                raise InputFormatError(f"{path}: {MEMBER} is larger than {MAX_BYTES // 2**20} MB")
            doc = json.loads(zf.read(info))
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise InputFormatError(f"{path}: {MEMBER} is damaged ({exc})", "export the project again") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return None
    return doc


def code_ids(extras: dict[str, Any] | None) -> dict[str, str]:
    """Code ids by GUID, as the exporting project had them."""
    return {guid: str(c["id"]) for guid, c in (extras or {}).get("codes", {}).items()}


def apply_extras(incoming: Incoming, extras: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Put back into ``incoming`` what the extras keep; returns the record rows to merge."""
    codes = extras.get("codes", {})
    incoming.codebook = Codebook(
        incoming.codebook.name, tuple(_code(c, codes.get(norm_guid(c.guid))) for c in incoming.codebook.codes)
    )
    incoming.origins_known = True
    transcripts = extras.get("transcripts", {})
    renamed: dict[str, str] = {}
    for i, t in enumerate(incoming.transcripts):
        known = transcripts.get(norm_guid(t.guid))
        if known:
            renamed[t.id] = str(known["id"])
            incoming.transcripts[i] = dataclasses.replace(
                t, id=str(known["id"]), language=str(known["language"])
            )
    marks = extras.get("codings", {})
    incoming.codings = [
        dataclasses.replace(
            c,
            transcript_id=renamed.get(c.transcript_id, c.transcript_id),
            key_quote=bool(marks.get(norm_guid(c.guid), {}).get("key_quote", c.key_quote)),
            flagged=marks.get(norm_guid(c.guid), {}).get("flagged", c.flagged),
        )
        for c in incoming.codings
    ]
    incoming.memos = [
        dataclasses.replace(m, target_id=renamed.get(m.target_id, m.target_id))
        if m.target_kind == "transcript" else m
        for m in incoming.memos
    ]  # fmt: skip
    kinds = extras.get("coders", {})
    incoming.coders = [
        {**c, "kind": str(kinds.get(c["name"], c.get("kind") or "coder"))} for c in incoming.coders
    ]
    incoming.study = str(extras.get("study") or incoming.study)
    return {t: list(rows) for t, rows in extras.get("records", {}).items() if t in (*RECORDS, "project")}


def _code(code: Code, kept: dict[str, Any] | None) -> Code:
    if not kept:
        return code
    return dataclasses.replace(
        code,
        origin="coder" if kept.get("origin") == "coder" else "concept",
        created_by=kept.get("created_by"),
        keywords=tuple(kept.get("keywords") or ()),
        links=tuple(kept.get("links") or ()),
        position=int(kept.get("position") or 0),
    )
