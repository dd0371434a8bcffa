"""Whole tables as plain rows, for snapshots and merges of the study's records.

A snapshot writes the records the domain model has no object for (review
decisions, consensus provenance, frozen code trees, surveys, links, the audit
log, done marks) row by row, and a merge inserts the rows this project lacks,
matched by each table's natural key. JSON columns travel decoded, so a
snapshot file shows the structure rather than an escaped string.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from coder.storage._base import _dumps, _loads
from coder.storage.store import Store


@dataclass(frozen=True)
class RecordTable:
    """A table copied as rows: its columns, the key a merge matches on, JSON columns."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    json: tuple[str, ...] = ()


RECORD_TABLES: dict[str, RecordTable] = {
    t.name: t
    for t in (
        RecordTable(
            "codebook_versions",
            ("label", "guid", "name", "created_at", "created_by", "note", "codes"),
            ("label",),
            ("codes",),
        ),
        RecordTable(
            "disagreements",
            (
                "layer",
                "key",
                "coder_a",
                "coder_b",
                "transcript_id",
                "start",
                "end",
                "items",
                "status",
                "choice",
                "note",
                "result",
                "verdicts",
                "decided_by",
                "decided_at",
                "created_at",
                "updated_at",
            ),
            ("layer", "key"),
            ("items", "result", "verdicts"),
        ),
        RecordTable("consensus_sources", ("guid", "layer", "transcript_id", "source"), ("guid",)),
        RecordTable(
            "audit",
            ("at", "actor", "action", "target", "before", "after"),
            ("at", "actor", "action", "target", "before", "after"),
            ("before", "after"),
        ),
        RecordTable("surveys", ("name", "kind", "source_file", "data", "imported_at"), ("name",), ("data",)),
        RecordTable("links", ("code_id", "survey", "item"), ("code_id", "survey", "item")),
        RecordTable(
            "transcript_status", ("transcript_id", "coder", "done", "updated_at"), ("transcript_id", "coder")
        ),
        RecordTable("project", ("key", "value"), ("key",)),
    )
}


def table_rows(store: Store, table: str) -> list[dict[str, Any]]:
    """Every row of a record table, JSON decoded, sorted by its key (the audit log by time)."""
    spec = RECORD_TABLES[table]
    cols = ", ".join(f'"{c}"' for c in spec.columns)
    order = ", ".join(f'"{c}"' for c in spec.key) + (", id" if table == "audit" else "")
    rows = []
    for values in store.conn.execute(f"select {cols} from {table} order by {order}"):
        row = dict(zip(spec.columns, values, strict=True))
        for col in spec.json:
            row[col] = _loads(row[col], None)
        rows.append(row)
    return rows


def row_key(table: str, row: dict[str, Any]) -> tuple[str, ...]:
    """The natural key of a row as comparable text."""
    return tuple(_dumps(row.get(c)) for c in RECORD_TABLES[table].key)


def insert_rows(store: Store, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (as :func:`table_rows` returns them) in one executemany."""
    spec = RECORD_TABLES[table]
    cols = ", ".join(f'"{c}"' for c in spec.columns)
    marks = ", ".join("?" * len(spec.columns))
    store.conn.executemany(
        f"insert into {table} ({cols}) values ({marks})",
        ([_encode(spec, row, c) for c in spec.columns] for row in rows),
    )


def replace_rows(store: Store, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Overwrite rows that exist (matched by key) with the given values."""
    spec = RECORD_TABLES[table]
    sets = ", ".join(f'"{c}" = ?' for c in spec.columns)
    where = " and ".join(f'"{c}" is ?' for c in spec.key)
    store.conn.executemany(
        f"update {table} set {sets} where {where}",
        ([_encode(spec, row, c) for c in (*spec.columns, *spec.key)] for row in rows),
    )


def _encode(spec: RecordTable, row: dict[str, Any], col: str) -> Any:
    value = row.get(col)
    return _dumps(value) if col in spec.json and value is not None else value


def delete_codings_by_guid(store: Store, guids: Iterable[str]) -> int:
    """Remove codings by GUID (those the other side deleted); returns how many."""
    cur = store.conn.executemany("delete from codings where guid = ?", ([g] for g in guids))
    return cur.rowcount


def update_codings_by_guid(store: Store, updates: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Set span, code, memo, key-quote and flag of codings found by GUID."""
    store.conn.executemany(
        "update codings set start = ?, end = ?, code_id = ?, memo = ?, key_quote = ?, flagged = ? "
        "where guid = ?",
        (
            (f["start"], f["end"], f["code_id"], f["memo"], int(f["key_quote"]), f["flagged"], guid)
            for guid, f in updates
        ),
    )


def insert_memos(store: Store, memos: Iterable[dict[str, Any]]) -> None:
    """Insert memos with their GUID and time kept (a snapshot rebuild)."""
    store.conn.executemany(
        "insert into memos (guid, coder, target_kind, target_id, text, updated_at) values (?, ?, ?, ?, ?, ?)",
        (
            (m["guid"], m["coder"], m["target_kind"], m["target_id"], m["text"], m["updated_at"])
            for m in memos
        ),
    )


def update_memo_texts(store: Store, texts: Iterable[tuple[int, str]]) -> None:
    """Set the text of memos by row id (a merge joined two versions)."""
    store.conn.executemany("update memos set text = ? where id = ?", ((t, i) for i, t in texts))


def insert_codes(store: Store, rows: Sequence[dict[str, Any]]) -> None:
    """Insert codes (parents listed before children) keeping their position."""
    store.conn.executemany(
        "insert into codes (id, guid, parent_id, name, description, color, keywords, links, origin, "
        "created_by, position, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                r["id"], r["guid"], r["parent_id"], r["name"], r["description"], r["color"],
                _dumps(list(r["keywords"])), _dumps(list(r["links"])), r["origin"], r["created_by"],
                r["position"], r.get("created_at"),
            )
            for r in rows
        ),
    )  # fmt: skip


def study_counts(store: Store) -> dict[str, int]:
    """How many transcripts, codes and codings the project holds (an empty project has none)."""
    return {
        t: int(store.conn.execute(f"select count(*) from {t}").fetchone()[0])
        for t in ("transcripts", "codes", "codings")
    }
