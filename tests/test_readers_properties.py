"""Property tests: every reader, fed arbitrary bytes and structures, ends cleanly.

Each example is written to a file and imported into a real project through
the same service the CLI uses. The outcome must be a clean import or a
``CoderError`` whose message is one line, and after an error the project
database must be exactly as it was. Example counts stay small so the suite
stays fast; the strategies mix random bytes with near-valid structure, which
is where readers break.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import yaml
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coder.errors import CoderError
from coder.formats.qdpx import PROJECT_NS
from coder.services.codebook import load_codebook_file
from coder.services.codings import import_codings
from coder.services.exchange import import_qdpx
from coder.services.project import init_project
from coder.services.surveys import import_survey
from coder.services.transcripts import import_transcripts
from coder.storage import Store, open_store

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200)
WORDS = st.text(alphabet="abcXYZ :-,;\"'=[]/\n\t0129éß", max_size=40)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=False) | WORDS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(WORDS, inner, max_size=4),
    max_leaves=12,
)


def snapshot(store: Store) -> str:
    """Every row of the project database, as SQL text."""
    return "\n".join(store.db.conn.iterdump())


def check(store: Store, action: Callable[[], object]) -> None:
    """Run ``action``: a clean result, or a one-line CoderError with nothing changed."""
    before = snapshot(store)
    try:
        action()
    except CoderError as exc:
        assert "\n" not in str(exc), str(exc)
        assert not store.in_transaction()
        assert snapshot(store) == before


def project(tmp_path: Path) -> Store:
    """An empty project (made once per test: hypothesis reuses ``tmp_path`` across examples)."""
    if (tmp_path / "proj").exists():
        return open_store(tmp_path / "proj")
    store, _ = init_project(tmp_path / "proj")
    return store


@contextmanager
def opened(tmp_path: Path, make: Callable[[Path], Store] = project) -> Iterator[Store]:
    """The test's project, open for one example."""
    store = make(tmp_path)
    try:
        yield store
    finally:
        store.close()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --- transcripts ---------------------------------------------------------------------------


def transcript_text() -> st.SearchStrategy[str]:
    line = st.one_of(
        TEXT,
        st.builds(
            lambda who, what: f"{who}: {what}", st.sampled_from(["I", "R", "**Anna**", "[/x]", ""]), TEXT
        ),
        st.just("---"),
        st.builds(lambda k, v: f"{k}: {v}", WORDS, WORDS),
    )
    return st.lists(line, max_size=12).map("\n".join)


def subtitle_text(vtt: bool) -> st.SearchStrategy[str]:
    stamp = st.builds(
        lambda h, m, s, ms: f"{h:02d}:{m:02d}:{s:02d}{'.' if vtt else ','}{ms:03d}",
        st.integers(0, 99), st.integers(0, 70), st.integers(0, 70), st.integers(0, 1200),
    )  # fmt: skip
    cue = st.builds(lambda n, a, b, t: f"{n}\n{a} --> {b}\n{t}\n", st.integers(-1, 9), stamp, stamp, TEXT)
    head = st.sampled_from(["WEBVTT\n\n", "", "WEBVTT - x\nNOTE hi\n\n"]) if vtt else st.just("")
    return st.builds(lambda h, cues: h + "\n".join(cues), head, st.lists(cue | TEXT, max_size=6))


@SETTINGS
@given(
    data=st.binary(max_size=400) | transcript_text().map(str.encode), suffix=st.sampled_from([".txt", ".md"])
)
def test_text_transcripts(tmp_path: Path, data: bytes, suffix: str) -> None:
    with opened(tmp_path) as store:
        path = write(tmp_path, f"t{suffix}", data)
        check(store, lambda: import_transcripts(store, [path], lang="nl", replace=True))


@SETTINGS
@given(vtt=st.booleans(), data=st.data())
def test_subtitles(tmp_path: Path, vtt: bool, data: st.DataObject) -> None:
    raw = data.draw(st.binary(max_size=300) | subtitle_text(vtt).map(str.encode))
    with opened(tmp_path) as store:
        path = write(tmp_path, "t.vtt" if vtt else "t.srt", raw)
        check(store, lambda: import_transcripts(store, [path], lang="nl", replace=True))


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph("".join(ch for ch in text if ch.isprintable() or ch in "\n\t"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@SETTINGS
@given(
    data=st.binary(max_size=300)
    | st.lists(transcript_text(), max_size=5).map(docx_bytes)
    | st.lists(WORDS, max_size=3).map(lambda names: zip_bytes({n or "x": b"<w:document/>" for n in names}))
)
def test_docx_transcripts(tmp_path: Path, data: bytes) -> None:
    with opened(tmp_path) as store:
        path = write(tmp_path, "t.docx", data)
        check(store, lambda: import_transcripts(store, [path], lang="nl", replace=True))


# --- codebooks ---------------------------------------------------------------------------


@SETTINGS
@given(
    data=st.binary(max_size=300)
    | JSONISH.map(lambda d: yaml.safe_dump(d).encode())
    | st.lists(
        st.fixed_dictionaries({"id": WORDS, "name": WORDS}, optional={"parent": WORDS, "children": JSONISH})
    ).map(lambda codes: yaml.safe_dump({"codes": codes}).encode())
)
def test_yaml_codebooks(tmp_path: Path, data: bytes) -> None:
    with opened(tmp_path) as store:
        path = write(tmp_path, "book.yaml", data)
        check(store, lambda: load_codebook_file(store, path))


def xml_tree(tags: list[str], ns: str) -> st.SearchStrategy[str]:
    leaf = st.builds(
        lambda tag, name, guid: f'<{tag} name="{name}" guid="{guid}"/>',
        st.sampled_from(tags),
        WORDS.map(lambda s: s.replace('"', "&quot;").replace("<", "&lt;").replace("&", "&amp;")),
        st.sampled_from(["22222222-2222-2222-2222-222222222222", "x", ""]),
    )
    tree = st.recursive(leaf, lambda kids: st.builds(lambda t, k: f"<{t}>{''.join(k)}</{t}>", st.sampled_from(tags), st.lists(kids, max_size=3)), max_leaves=8)  # fmt: skip
    return tree.map(
        lambda body: f'<?xml version="1.0"?><CodeBook xmlns="{ns}"><Codes>{body}</Codes></CodeBook>'
    )


@SETTINGS
@given(
    data=st.binary(max_size=300)
    | xml_tree(["Code", "Description", "Codes", "Set"], "urn:QDA-XML:codebook:1.0").map(str.encode)
)
def test_qdc_codebooks(tmp_path: Path, data: bytes) -> None:
    with opened(tmp_path) as store:
        path = write(tmp_path, "book.qdc", data)
        check(store, lambda: load_codebook_file(store, path))


# --- codings -----------------------------------------------------------------------------


def coded_project(tmp_path: Path) -> Store:
    """A project with one transcript and one code."""
    if (tmp_path / "proj").exists():
        return open_store(tmp_path / "proj")
    store = project(tmp_path)
    source = tmp_path / "T01.txt"
    source.write_text("I: Vraag?\n\nR: Een antwoord met genoeg woorden erin.\n", encoding="utf-8")
    import_transcripts(store, [source], lang="nl")
    book = tmp_path / "book.yaml"
    book.write_text("codes:\n  - {id: zorg, name: Zorg}\n", encoding="utf-8")
    load_codebook_file(store, book)
    return store


ROW = st.fixed_dictionaries(
    {"transcript": st.sampled_from(["T01", "T02", "", "t01"]) | WORDS, "start": JSONISH, "end": JSONISH, "code": st.sampled_from(["zorg", "Zorg", "zorg/x", ""]) | WORDS},
    optional={"memo": TEXT, "extra": JSONISH},
)  # fmt: skip


def csv_bytes(rows: list[dict[str, object]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["transcript", "start", "end", "code", "memo", "extra"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@SETTINGS
@given(
    suffix=st.sampled_from([".csv", ".jsonl"]),
    data=st.binary(max_size=300) | st.lists(ROW, max_size=5).map(lambda rows: rows),
    add=st.booleans(),
)
def test_codings_files(tmp_path: Path, suffix: str, data: bytes | list[dict[str, object]], add: bool) -> None:
    with opened(tmp_path, coded_project) as store:
        if isinstance(data, list):
            data = csv_bytes(data) if suffix == ".csv" else "\n".join(json.dumps(r) for r in data).encode()
        path = write(tmp_path, f"rows{suffix}", data)
        check(store, lambda: import_codings(store, path, "anna", add_missing_codes=add))


# --- surveys -----------------------------------------------------------------------------


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(
            [c if not isinstance(c, str) else "".join(ch for ch in c if ch.isprintable()) for c in row]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CELL = st.none() | st.integers(-100, 100) | st.floats(allow_nan=False, allow_infinity=False) | WORDS


@SETTINGS
@given(
    suffix=st.sampled_from([".csv", ".xlsx"]),
    rows=st.lists(st.lists(CELL, min_size=1, max_size=4), max_size=6),
    raw=st.none() | st.binary(max_size=300),
    delimiter=st.sampled_from([",", ";"]),
)
def test_survey_files(
    tmp_path: Path, suffix: str, rows: list[list[object]], raw: bytes | None, delimiter: str
) -> None:
    with opened(tmp_path) as store:
        if raw is None:
            raw = (
                "\n".join(delimiter.join("" if c is None else str(c) for c in row) for row in rows).encode()
                if suffix == ".csv"
                else xlsx_bytes(rows)
            )
        path = write(tmp_path, f"survey{suffix}", raw)
        check(store, lambda: import_survey(store, path, "enquete"))


# --- REFI-QDA projects -------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def qde(body: str, text_path: str) -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{PROJECT_NS}" name="x">'
        f"<CodeBook><Codes>{body}</Codes></CodeBook><Sources>"
        f'<TextSource guid="33333333-3333-3333-3333-333333333333" name="R07" plainTextPath="{text_path}"/>'
        "</Sources></Project>"
    )


@SETTINGS
@given(
    body=xml_tree(["Code", "Description"], PROJECT_NS).map(lambda s: s.split("<Codes>", 1)[1].rsplit("</Codes>", 1)[0]),
    text_path=st.sampled_from(["internal://a.txt", "relative://../../x.txt", "absolute:///etc/passwd", "", "internal://../a.txt"]),
    text=st.binary(max_size=100),
    raw=st.none() | st.binary(max_size=300),
)  # fmt: skip
def test_qdpx_projects(tmp_path: Path, body: str, text_path: str, text: bytes, raw: bytes | None) -> None:
    with opened(tmp_path) as store:
        data = (
            raw
            if raw is not None
            else zip_bytes({"project.qde": qde(body, text_path).encode(), "sources/a.txt": text})
        )
        path = write(tmp_path, "p.qdpx", data)
        check(store, lambda: import_qdpx(store, path))
        assert b"root:" not in snapshot(store).encode()  # /etc/passwd was never read
