"""The code tree, survey data and code-item links."""

from __future__ import annotations

import json
from typing import Any

from coder.errors import UnknownIdError
from coder.model import (
    Code,
    Codebook,
)
from coder.storage._base import StoreBase, _dumps, _loads, now


class CodeQueries(StoreBase):
    """Codes, surveys and links."""

    # -- codes ----------------------------------------------------------------

    def _code(self, r: dict[str, Any]) -> Code:
        return Code(
            id=r["id"],
            guid=r["guid"],
            name=r["name"],
            parent_id=r["parent_id"],
            description=r["description"] or "",
            color=r["color"],
            keywords=tuple(_loads(r["keywords"], [])),
            links=tuple(_loads(r["links"], [])),
            origin=r["origin"] or "concept",
            created_by=r["created_by"],
            position=r["position"] or 0,
        )

    def codebook(self) -> Codebook:
        """The working code tree."""
        codes = [self._code(r) for r in self._rows("select * from codes order by position, id")]
        name = self.get_setting("codebook_name", "") or ""
        return Codebook(name=name, codes=tuple(Codebook(name, tuple(codes)).tree_order()))

    def has_code(self, code_id: str) -> bool:
        """Whether a code with this id exists."""
        return self.conn.execute("select 1 from codes where id = ?", [code_id]).fetchone() is not None

    def get_code(self, code_id: str) -> Code:
        """One code, or UnknownIdError."""
        rows = list(self._rows("select * from codes where id = ?", [code_id]))
        if not rows:
            raise UnknownIdError(f"no code with id {code_id!r}", "see `coder codebook show`")
        return self._code(rows[0])

    def _code_row(self, code: Code) -> dict[str, Any]:
        return {
            "id": code.id,
            "guid": code.guid,
            "parent_id": code.parent_id,
            "name": code.name,
            "description": code.description,
            "color": code.color,
            "keywords": _dumps(list(code.keywords)),
            "links": _dumps(list(code.links)),
            "origin": code.origin,
            "created_by": code.created_by,
            "position": code.position,
            "created_at": now(),
        }

    def save_code(self, code: Code) -> None:
        """Insert or update one code (parents must exist first)."""
        row = self._code_row(code)
        if self.has_code(code.id):
            row.pop("created_at")
            self._update("codes", {"id": code.id}, row)
        else:
            self._insert("codes", row)

    def delete_code(self, code_id: str) -> None:
        """Remove a code; callers move or delete its codings and children first."""
        self.conn.execute("delete from links where code_id = ?", [code_id])
        self.conn.execute("delete from codes where id = ?", [code_id])

    def next_code_position(self, parent_id: str | None) -> int:
        """A position after the last sibling under ``parent_id``."""
        sql = "select coalesce(max(position), -1) + 1 from codes where parent_id is ?"
        return int(self.conn.execute(sql, [parent_id]).fetchone()[0])

    def code_counts(self, coder: str) -> dict[str, int]:
        """How many codings each code has in one coder's layer."""
        sql = "select code_id, count(*) from codings where coder = ? group by code_id"
        return dict(self.conn.execute(sql, [coder]).fetchall())

    def recent_code_ids(self, coder: str, limit: int = 9) -> list[str]:
        """The codes one coder applied most recently, latest first."""
        sql = "select code_id from codings where coder = ? group by code_id order by max(id) desc limit ?"
        return [r[0] for r in self.conn.execute(sql, [coder, limit])]

    # -- surveys and links ----------------------------------------------------

    def save_survey(self, name: str, kind: str, source_file: str, data: dict[str, Any]) -> None:
        """Store (or replace) a survey's records under ``name``."""
        self._upsert(
            "surveys",
            {
                "name": name,
                "kind": kind,
                "source_file": source_file,
                "data": _dumps(data),
                "imported_at": now(),
            },
            pk=["name"],
        )

    def survey_data(self, name: str) -> dict[str, Any]:
        """A stored survey's records, or UnknownIdError."""
        row = self.conn.execute("select data from surveys where name = ?", [name]).fetchone()
        if row is None:
            raise UnknownIdError(
                f"no survey named {name!r}",
                "import it with `coder survey import FILE --name NAME`",
            )
        return dict(json.loads(row[0]))

    def survey_names(self) -> list[str]:
        """Names of the stored surveys."""
        return [r[0] for r in self.conn.execute("select name from surveys order by name")]

    def add_link(self, code_id: str, survey: str, item: str) -> None:
        """Link a code to a survey item (idempotent)."""
        self._upsert(
            "links",
            {"code_id": code_id, "survey": survey, "item": item},
            pk=["code_id", "survey", "item"],
        )

    def links(self) -> list[tuple[str, str, str]]:
        """All (code, survey, item) links."""
        return [
            tuple(r) for r in self.conn.execute("select code_id, survey, item from links order by 1, 2, 3")
        ]

    def remove_link(self, code_id: str, survey: str, item: str) -> bool:
        """Delete a link made with ``add_link``; whether there was one."""
        sql = "delete from links where code_id = ? and survey = ? and item = ?"
        return self.conn.execute(sql, [code_id, survey, item]).rowcount > 0

    def codebook_links(self) -> list[tuple[str, str, str]]:
        """(code, survey, item) links written in the codebook (``links:`` per code)."""
        found: set[tuple[str, str, str]] = set()
        for code_id, links in self.conn.execute("select id, links from codes where links is not null"):
            for link in _loads(links, []):
                survey, _, item = str(link).partition(":")
                found.add((code_id, survey, item))
        return sorted(found)

    def survey_summaries(self) -> list[dict[str, str]]:
        """Stored surveys: name, kind, source file and import time (no data)."""
        sql = "select name, kind, source_file, imported_at from surveys order by name"
        keys = ("name", "kind", "source_file", "imported_at")
        return [dict(zip(keys, r, strict=True)) for r in self.conn.execute(sql)]
