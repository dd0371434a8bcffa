"""Code matrices for statistics software: presence, code × transcript,
code × attribute value and co-occurrence, as pandas DataFrames.

Why it is shaped like this:

* Counts come from the cheap ``Store.coding_spans`` rows, never from texts,
  except co-occurrence, which needs the texts to apply the contract's unit
  rule (a coding touches a sentence when it overlaps it by a non-space
  character, ``coder.analysis.units``).
* By default a code counts the codings of its subcodes too (``rollup``), as
  agreement does: a respondent who spoke about "Grenzen aan eigen kracht" spoke
  about "Eigen kracht". Co-occurrence defaults to direct codes only, since a
  parent trivially co-occurs with its own children.
* Presence matrices carry labels (code names) for SPSS; the frame's column
  names are code ids, which the SPSS writer turns into valid variable names.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from coder.analysis.units import nonspace_prefix, touched_units
from coder.errors import CoderError
from coder.formats.reports.data import Matrix
from coder.model import Codebook
from coder.services.exports import Filters, check_coder, select_transcripts
from coder.storage import Store

KINDS = ("presence", "transcript", "attribute", "cooccurrence")


def _owners(codebook: Codebook, rollup: bool) -> dict[str, list[str]]:
    """For each code, the codes its codings count for (itself, and its ancestors with rollup)."""
    codes = codebook.by_id()
    owners = {}
    for code_id in codes:
        chain = [code_id]
        parent = codes[code_id].parent_id
        while rollup and parent is not None:
            chain.append(parent)
            parent = codes[parent].parent_id
        owners[code_id] = chain
    return owners


def _spans(
    store: Store, coder: str, filters: Filters | None
) -> tuple[list[str], list[tuple[str, int, int, str]]]:
    check_coder(store, coder)
    chosen = select_transcripts(store.transcript_attributes(), filters or {})
    wanted = set(chosen)
    return chosen, [s for s in store.coding_spans(coder) if s[0] in wanted]


def _counts(
    store: Store, coder: str, filters: Filters | None, rollup: bool
) -> tuple[Codebook, list[str], Counter[tuple[str, str]]]:
    """(transcript, code) -> number of codings, with rollup applied."""
    codebook = store.codebook()
    owners = _owners(codebook, rollup)
    chosen, spans = _spans(store, coder, filters)
    counts: Counter[tuple[str, str]] = Counter()
    for tid, _start, _end, code_id in spans:
        for owner in owners[code_id]:
            counts[(tid, owner)] += 1
    return codebook, chosen, counts


def presence_matrix(store: Store, coder: str, filters: Filters | None = None, rollup: bool = True) -> Matrix:
    """One row per transcript: attributes, then per code a 0/1 column and a count column."""
    import pandas as pd

    codebook, chosen, counts = _counts(store, coder, filters, rollup)
    attributes = store.transcript_attributes()
    codes = codebook.tree_order()
    taken = {"transcript", *(c.id for c in codes), *(f"{c.id}_n" for c in codes)}
    keys = sorted({k for t in chosen for k in attributes[t]})
    attr_columns = {k: f"attr_{k}" if k in taken else k for k in keys}
    rows = []
    for tid in chosen:
        row: dict[str, object] = {"transcript": tid}
        row |= {column: attributes[tid].get(k, "") for k, column in attr_columns.items()}
        for code in codes:
            n = counts[(tid, code.id)]
            row[code.id] = int(n > 0)
            row[f"{code.id}_n"] = n
        rows.append(row)
    columns = [
        "transcript",
        *attr_columns.values(),
        *(c for code in codes for c in (code.id, f"{code.id}_n")),
    ]
    frame = pd.DataFrame(rows, columns=columns)
    labels = {"transcript": "Transcript"}
    for code in codes:
        labels[code.id] = code.name
        labels[f"{code.id}_n"] = f"{code.name} (n)"
    presence = {code.id: {0: "absent", 1: "present"} for code in codes}
    return Matrix("presence", frame, labels, presence, index=False)


def transcript_matrix(
    store: Store, coder: str, filters: Filters | None = None, rollup: bool = True
) -> Matrix:
    """Codes (rows, by path) × transcripts (columns): number of codings."""
    import pandas as pd

    codebook, chosen, counts = _counts(store, coder, filters, rollup)
    codes = codebook.tree_order()
    data = {tid: [counts[(tid, c.id)] for c in codes] for tid in chosen}
    frame = pd.DataFrame(data, index=pd.Index([codebook.path(c.id) for c in codes], name="code"))
    frame.insert(0, "name", [c.name for c in codes])
    return Matrix("transcript", frame)


def attribute_matrix(
    store: Store,
    coder: str,
    by: str,
    filters: Filters | None = None,
    rollup: bool = True,
    count: str = "codings",
) -> Matrix:
    """Codes × values of attribute ``by``: codings, or transcripts with the code (``count``)."""
    import pandas as pd

    if count not in ("codings", "transcripts"):
        raise CoderError(f"--count {count!r} is not codings or transcripts")
    codebook, chosen, counts = _counts(store, coder, filters, rollup)
    attributes = store.transcript_attributes()
    if not any(by in attributes[t] for t in chosen):
        keys = sorted({k for t in chosen for k in attributes[t]})
        raise CoderError(f"no transcript has attribute {by!r}", f"attributes: {', '.join(keys) or '(none)'}")
    value_of = {t: attributes[t].get(by, "(missing)") for t in chosen}
    values = sorted(set(value_of.values()))
    codes = codebook.tree_order()
    table: dict[str, list[int]] = {v: [0] * len(codes) for v in values}
    for i, code in enumerate(codes):
        for tid in chosen:
            n = counts[(tid, code.id)]
            table[value_of[tid]][i] += n if count == "codings" else int(n > 0)
    frame = pd.DataFrame(table, index=pd.Index([codebook.path(c.id) for c in codes], name="code"))
    frame.insert(0, "name", [c.name for c in codes])
    return Matrix("attribute", frame)


def cooccurrence_matrix(
    store: Store,
    coder: str,
    filters: Filters | None = None,
    rollup: bool = False,
    unit: str = "sentence",
) -> Matrix:
    """Codes × codes: units (sentences or turns) both codes touch; the diagonal is each code's units."""
    import numpy as np
    import pandas as pd

    if unit not in ("sentence", "turn"):
        raise CoderError(f"--unit {unit!r} is not sentence or turn")
    codebook = store.codebook()
    owners = _owners(codebook, rollup)
    _chosen, spans = _spans(store, coder, filters)
    by_transcript: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for tid, start, end, code_id in spans:
        by_transcript[tid].append((start, end, code_id))
    texts = store.transcript_texts(by_transcript)
    codes = codebook.tree_order()
    column = {c.id: i for i, c in enumerate(codes)}
    present: dict[tuple[str, int], set[int]] = defaultdict(set)
    for tid, rows in by_transcript.items():
        bounds = store.segment_bounds(unit, tid).get(tid, [])
        starts = np.array([b[0] for b in bounds], dtype=np.int64)
        ends = np.array([b[1] for b in bounds], dtype=np.int64)
        touched = touched_units(nonspace_prefix(texts[tid]), starts, ends, [(s, e) for s, e, _ in rows])
        for (_s, _e, code_id), units in zip(rows, touched, strict=True):
            for u in units.tolist():
                present[(tid, u)].update(column[o] for o in owners[code_id])
    marks = np.zeros((len(present), len(codes)), dtype=np.int64)
    for row, cols in enumerate(present.values()):
        marks[row, list(cols)] = 1
    paths = [codebook.path(c.id) for c in codes]
    frame = pd.DataFrame(marks.T @ marks, index=pd.Index(paths, name="code"), columns=paths)
    return Matrix("cooccurrence", frame)
