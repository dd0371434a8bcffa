"""Survey data and the links between codes and survey items.

Why it is shaped like this:

* Reading and checking a survey file is ``coder.analysis.survey``'s job and happens
  before the transaction opens, so a bad file raises its ``CoderError`` and
  nothing is stored; storing is then one ``save_survey`` plus an audit row.
* Links have two sources: ``links:`` in the codebook YAML (kept on each code,
  so they travel with the codebook) and ``coder link`` (the links table). The
  one truth is their union, computed by ``link_sources``; neither is copied
  into the other, so reloading a codebook never duplicates or loses a link.
* A link made with ``coder link`` is checked at once against the stored
  survey. A codebook link may name a survey that is not imported yet; it is
  checked when the joint display is built (see ``services.joint``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coder.errors import CoderError
from coder.services.codebook import resolve_code
from coder.storage import Store

if TYPE_CHECKING:
    from coder.analysis.survey import Columns, Survey, SurveyKind

SURVEY_NAME = re.compile(r"^[^:\s/]+$")
LinkKey = tuple[str, str, str]


@dataclass(frozen=True)
class SurveyImport:
    """What ``import_survey`` stored."""

    name: str
    kind: str
    source_file: str
    n_rows: int
    items: list[str]
    replaced: bool
    warnings: list[str]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON for ``--json``."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class LinkInfo:
    """One code-item link, where it was made, and whether it can be shown."""

    code: str
    code_path: str
    survey: str
    item: str
    label: str
    source: str
    status: str

    def as_dict(self) -> dict[str, str]:
        """Plain JSON for ``coder links --json``."""
        return dataclasses.asdict(self)


def check_survey_name(name: str) -> str:
    """A survey name usable in ``SURVEY:ITEM`` links."""
    if not SURVEY_NAME.match(name):
        raise CoderError(
            f"survey name {name!r} cannot be used in links (no spaces, ':' or '/')",
            "choose a short name such as bakens or medewerkers",
        )
    return name


def load_survey(store: Store, name: str) -> Survey:
    """A stored survey, rebuilt from its records (UnknownIdError when absent)."""
    from coder.analysis.survey import Survey

    return Survey.from_records(store.survey_data(name))


def import_survey(
    store: Store,
    path: Path,
    name: str,
    *,
    kind: SurveyKind | None = None,
    sheet: str | None = None,
    groups: tuple[str, ...] = (),
    actor: str = "lead",
    columns: Columns = (None, None, None),
) -> SurveyImport:
    """Read, check and store a survey file under ``name`` (replacing one of that name).

    ``columns``: the key, label and figure columns of an aggregate table (None: detected).
    """
    from coder.analysis.survey import read_survey

    check_survey_name(name)
    survey = read_survey(path, name, sheet=sheet, kind=kind, groups=groups, columns=columns)
    replaced = name in store.survey_names()
    with store.transaction():
        store.save_survey(name, survey.kind, path.name, survey.to_records())
        store.log(actor, "survey.import", name, after={"file": path.name, "kind": survey.kind})
    items = survey.items()
    warnings = [*survey.warnings] + [
        f"{info.code} links to {name}:{info.item}, which {path.name} does not have"
        for info in all_links(store)
        if info.survey == name and info.status != "ok"
    ]
    return SurveyImport(name, survey.kind, path.name, len(survey.data), items, replaced, warnings)


def survey_list(store: Store) -> list[dict[str, Any]]:
    """Stored surveys with their kind, file, import time and number of items."""
    rows = []
    for summary in store.survey_summaries():
        records = store.survey_data(summary["name"])
        if records.get("version") == _SIZED_VERSION:
            n_rows, n_items = _sizes(records)
        else:  # Survey.from_records checks the version and says what to do
            survey = load_survey(store, summary["name"])
            n_rows, n_items = len(survey.data), len(survey.items())
        rows.append({**summary, "n_rows": n_rows, "n_items": n_items})
    return rows


# The records format (``Survey.to_records``) that ``_sizes`` reads.
_SIZED_VERSION = 1


def _sizes(records: Mapping[str, Any]) -> tuple[int, int]:
    """Rows and items of stored survey records, counted as ``Survey.items`` does, without pandas.

    Listing surveys is an everyday command: rebuilding each one as a data
    frame would load pandas and numpy only to count. An item is a row of an
    aggregate table, or a number column (not key or group) of respondent data.
    """
    columns = records["columns"]
    n_rows = len(columns[0]["values"]) if columns else 0
    if records["kind"] == "aggregate":
        return n_rows, n_rows
    skip = {records["key_column"], *records["group_columns"]}
    return n_rows, sum(1 for c in columns if c["name"] not in skip and c["type"] == "number")


def survey_document(store: Store, name: str) -> dict[str, Any]:
    """One survey: its shape, and per item the label, figures and linked codes."""
    from coder.analysis.survey import item_figures

    survey = load_survey(store, name)
    linked: dict[str, list[str]] = {}
    for info in all_links(store):
        if info.survey == name:
            linked.setdefault(info.item, []).append(info.code_path)
    return {
        "name": name,
        "kind": survey.kind,
        "source_file": survey.source,
        "n_rows": len(survey.data),
        "key_column": survey.key_column,
        "group_columns": list(survey.group_columns),
        "items": [
            {
                "item": item,
                "label": survey.item_labels.get(item, item),
                "figures": item_figures(survey, item),
                "codes": sorted(linked.get(item, [])),
            }
            for item in survey.items()
        ],
    }


# --- links -------------------------------------------------------------------------


def parse_target(target: str) -> tuple[str, str]:
    """``"bakens:baken_2"`` -> ("bakens", "baken_2")."""
    survey, sep, item = target.partition(":")
    if not sep or not survey or not item:
        raise CoderError(f"{target!r} is not SURVEY:ITEM", "write it as e.g. bakens:baken_2")
    return survey, item


def link_sources(store: Store) -> dict[LinkKey, str]:
    """Every (code, survey, item) link: 'codebook', 'link' (coder link) or 'both'."""
    found = dict.fromkeys(store.codebook_links(), "codebook")
    for key in store.links():
        found[key] = "both" if key in found else "link"
    return dict(sorted(found.items()))


def _status(surveys: dict[str, Survey | None], survey: str, item: str) -> tuple[str, str]:
    loaded = surveys.get(survey)
    if loaded is None:
        return "survey not imported", item
    if item not in loaded.items():
        return "unknown item", item
    return "ok", loaded.item_labels.get(item, item)


def all_links(store: Store) -> list[LinkInfo]:
    """The union of codebook and command links, each checked against the stored surveys."""
    names = set(store.survey_names())
    codebook = store.codebook()
    known = codebook.by_id()
    surveys: dict[str, Survey | None] = {}
    infos = []
    for (code, survey, item), source in link_sources(store).items():
        if survey not in surveys:
            surveys[survey] = load_survey(store, survey) if survey in names else None
        status, label = _status(surveys, survey, item)
        path = codebook.path(code) if code in known else code
        infos.append(LinkInfo(code, path, survey, item, label, source, status))
    return infos


def add_link(store: Store, code_ref: str, target: str, actor: str = "lead") -> LinkInfo:
    """Link a code to an item of a stored survey; the item must exist."""
    codebook = store.codebook()
    code_id = resolve_code(codebook, code_ref)
    survey_name, item = parse_target(target)
    survey = load_survey(store, survey_name)
    if item not in survey.items():
        from coder.analysis.survey_stats import unknown_item

        raise unknown_item(survey, item)
    with store.transaction():
        store.add_link(code_id, survey_name, item)
        store.log(actor, "link.add", code_id, after={"survey": survey_name, "item": item})
    source = link_sources(store)[(code_id, survey_name, item)]
    label = survey.item_labels.get(item, item)
    return LinkInfo(code_id, codebook.path(code_id), survey_name, item, label, source, "ok")


def remove_link(store: Store, code_ref: str, target: str, actor: str = "lead") -> str:
    """Remove a link wherever it was made; returns 'codebook', 'link' or 'both'.

    A codebook link is taken off the code in the working codebook, so it stays
    gone until a codebook file that lists it is loaded again.
    """
    code_id = resolve_code(store.codebook(), code_ref)
    survey_name, item = parse_target(target)
    key = (code_id, survey_name, item)
    source = link_sources(store).get(key)
    if source is None:
        raise CoderError(f"{code_id} is not linked to {target}", "list the links with `coder links`")
    with store.transaction():
        store.remove_link(*key)
        code = store.get_code(code_id)
        kept = tuple(link for link in code.links if link != f"{survey_name}:{item}")
        if kept != code.links:
            store.save_code(dataclasses.replace(code, links=kept))
        store.log(
            actor, "link.remove", code_id, before={"survey": survey_name, "item": item, "source": source}
        )
    return source
