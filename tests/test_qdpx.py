"""REFI-QDA project exchange: schema-valid .qdpx out, lossless round trip, vendor files in."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from coder.cli import exchange_cmds  # noqa: F401  (registers the commands)
from coder.errors import CoderError, InputFormatError, UnknownIdError
from coder.formats.qdpx import PROJECT_NS, normalise_text, project_schema
from coder.formats.qdpx_read import read_project_file
from coder.services.codebook import add_code, load_codebook_file
from coder.services.codings import apply_code, update_coding
from coder.services.exchange import export_qdpx, import_qdpx
from coder.services.project import init_project
from coder.services.transcripts import import_transcripts
from coder.storage import Store
from tests.conftest import Coder

SCHEMA = Path(__file__).resolve().parents[1] / "src" / "coder" / "formats" / "schemas" / "Project-mrt2019.xsd"


def _shared() -> Path:
    root = os.environ.get("CODER_SHARED_DIR")
    folder = Path(root) if root else Path(__file__).resolve().parents[2] / "shared"
    return folder / "refi-qda" / "examples"


def _example(name: str) -> Path:
    path = _shared() / name
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    return path


def _span(store: Store, tid: str, words: str) -> tuple[int, int]:
    start = store.get_transcript(tid).text.index(words)
    return start, start + len(words)


def build_project(store: Store, interviews: list[Path], codebook_file: Path) -> None:
    """Two transcripts, a small codebook, two coders with codings and memos."""
    import_transcripts(store, interviews)
    load_codebook_file(store, codebook_file)
    add_code(store, "Wachtlijsten", "anna", parent_id="eigen-kracht", color="#AA3300")
    for coder, tid, words, code in (
        ("anna", "T01", "ik werk nu drie jaar in het team", "generalistisch"),
        ("anna", "T01", "De hulpvragen zijn vaak groot en complex.", "spanningsveld"),
        ("anna", "T02", "Debt counselling", "wachtlijsten"),
        ("bram", "T01", "ik werk nu drie jaar in het team", "handelingsverlegenheid"),
        ("bram", "T02", "Honestly, it depends.", "beperkingen"),
    ):
        coding = apply_code(store, coder, tid, *_span(store, tid, words), code)
        if code in ("spanningsveld", "beperkingen"):
            update_coding(store, coder, coding.id, memo=f'memo van {coder}: <&> "quote"')
    with store.transaction():
        store.set_memo("anna", "transcript", "T01", "Lang interview, veel ruis.")
        store.set_memo("bram", "code", "beperkingen", "Grens met eigen kracht?")
        store.set_memo("bram", "project", "", "Let op: anonimiseren.")


def _codings(store: Store) -> list[tuple[str, ...]]:
    guid = {c.id: c.guid for c in store.codebook().codes}
    return sorted(
        (c.guid, c.coder, c.transcript_id, str(c.start), str(c.end), guid[c.code_id], c.memo)
        for c in store.codings()
    )


def _tree(store: Store) -> list[tuple[str, str, str | None, str | None]]:
    book = store.codebook()
    guid = {c.id: c.guid for c in book.codes}
    return [(c.guid, c.name, guid.get(c.parent_id or ""), c.color) for c in book.tree_order()]


def test_round_trip_keeps_texts_tree_coders_codings_and_memos(
    tmp_path: Path, store: Store, interviews: list[Path], codebook_file: Path
) -> None:
    build_project(store, interviews, codebook_file)
    out = tmp_path / "study.qdpx"
    report = export_qdpx(store, out)
    assert (report.transcripts, report.codings, report.memos, report.coding_memos) == (2, 5, 3, 2)

    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde")
        for t in store.transcripts():
            assert zf.read(f"sources/{t.guid}.txt") == t.text.encode("utf-8")
    doc = etree.fromstring(qde)
    assert project_schema().validate(etree.ElementTree(doc))
    xmlschema.XMLSchema(str(SCHEMA)).validate(qde.decode("utf-8"))
    ns = {"q": PROJECT_NS}
    assert doc.find("q:Sources/q:TextSource", ns).get("plainTextPath").startswith("internal://")

    fresh, _ = init_project(tmp_path / "fresh")
    back = import_qdpx(fresh, out)
    assert back.warnings == []
    assert [(t.id, t.guid, t.text, t.attributes, t.language) for t in fresh.transcripts()] == [
        (t.id, t.guid, t.text, t.attributes, t.language) for t in store.transcripts()
    ]
    assert _tree(fresh) == _tree(store)
    assert [(c["name"], c["guid"]) for c in fresh.coders()] == [
        (c["name"], c["guid"]) for c in store.coders()
    ]
    assert _codings(fresh) == _codings(store)
    assert {(m.coder, m.target_kind, m.text) for m in fresh.memos()} == {
        (m.coder, m.target_kind, m.text) for m in store.memos()
    }
    assert {s.kind for s in fresh.segments("T01")} == {"turn", "sentence"}
    fresh.close()


def test_import_twice_adds_nothing_and_merges_by_guid(
    tmp_path: Path, store: Store, interviews: list[Path], codebook_file: Path
) -> None:
    build_project(store, interviews, codebook_file)
    out = tmp_path / "study.qdpx"
    export_qdpx(store, out)
    again = import_qdpx(store, out)
    assert again.transcripts_matched == ["T01", "T02"]
    assert again.codes_added == [] and again.coders_added == []
    assert (sum(again.codings_added.values()), again.codings_present) == (0, 5)
    assert again.memos_present == 3


def test_export_only_chosen_coders(
    tmp_path: Path, store: Store, interviews: list[Path], codebook_file: Path
) -> None:
    build_project(store, interviews, codebook_file)
    out = tmp_path / "anna.qdpx"
    report = export_qdpx(store, out, ["anna"])
    project = read_project_file(out)
    assert [u.name for u in project.users] == ["anna"] == report.coders
    assert sum(len(s.codings) for s in project.sources) == 3
    with pytest.raises(UnknownIdError, match="'carla'"):
        export_qdpx(store, out, ["carla"])


def _qdpx(path: Path, text: bytes, selections: list[tuple[int, int]], qde_name: str = "project.qde") -> Path:
    """A minimal vendor-style .qdpx with one text source."""
    sel = "".join(
        f'<PlainTextSelection guid="00000000-0000-0000-0000-00000000000{i}" startPosition="{a}" endPosition="{b}"'
        f' creatingUser="11111111-1111-1111-1111-111111111111"><Coding guid="00000000-0000-0000-0001-00000000000{i}">'
        '<CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding></PlainTextSelection>'
        for i, (a, b) in enumerate(selections)
    )
    qde = (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{PROJECT_NS}" name="vendor" origin="NVivo">'
        '<Users><User guid="11111111-1111-1111-1111-111111111111" name="Carla"/></Users>'
        '<CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="Zorg" isCodable="true"/>'
        "</Codes></CodeBook><Sources>"
        '<TextSource guid="33333333-3333-3333-3333-333333333333" name="R07.docx"'
        f' plainTextPath="internal://33333333-3333-3333-3333-333333333333.txt">{sel}</TextSource>'
        "</Sources></Project>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(qde_name, qde)
        zf.writestr("Sources/33333333-3333-3333-3333-333333333333.TXT", text)
    return path


def test_crlf_source_positions_are_moved_with_the_text(tmp_path: Path, store: Store) -> None:
    raw = (
        "I: Hoe gaat het?\r\nR: Goed, de zorg is dichtbij.\r\nI: En verder?\r\nR: Wachten op de wijkzorg.\r\n"
    )
    wanted = ["Goed, de zorg is dichtbij.", "Wachten op de wijkzorg."]
    spans = [(raw.index(w), raw.index(w) + len(w)) for w in wanted]
    path = _qdpx(tmp_path / "crlf.qdpx", b"\xef\xbb\xbf" + raw.encode("utf-8"), spans, "Project.QDE")
    report = import_qdpx(store, path)
    assert report.transcripts_added == ["R07"] and report.coders_added == ["Carla"]
    text = store.get_transcript("R07").text
    assert "\r" not in text
    assert [text[c.start : c.end] for c in store.codings(coder="Carla")] == wanted


def test_decomposed_unicode_is_stored_as_nfc_with_moved_positions(tmp_path: Path, store: Store) -> None:
    raw = "R: Cafe\u0301 en e\u0301e\u0301n re\u0301sume\u0301 hier."
    word = "re\u0301sume\u0301"
    path = _qdpx(tmp_path / "nfd.qdpx", raw.encode("utf-8"), [(raw.index(word), raw.index(word) + len(word))])
    import_qdpx(store, path)
    coding = store.codings()[0]
    assert store.get_transcript("R07").text[coding.start : coding.end] == "résumé"


def test_position_map_snaps_outward_inside_a_line_break() -> None:
    text, moved = normalise_text("ab\r\ncd\r\n")
    assert text == "ab\ncd\n"
    assert [moved(p) for p in range(9)] == [0, 1, 2, 2, 3, 4, 5, 5, 6]
    assert moved(3, end=True) == 3 and moved(3) == 2


def test_selection_outside_the_text_is_dropped_with_a_warning(tmp_path: Path, store: Store) -> None:
    path = _qdpx(tmp_path / "bad.qdpx", b"R: kort.", [(0, 3), (2, 400)])
    report = import_qdpx(store, path)
    assert sum(report.codings_added.values()) == 1
    assert any("outside the text" in w for w in report.warnings)


def test_atlas_standard_project_imports_codebook_and_users_and_skips_sources(store: Store) -> None:
    report = import_qdpx(store, _example("atlas-standard-project.qde"))
    assert len(report.codes_added) == 14 and len(report.coders_added) == 3
    assert len(report.transcripts_skipped) == 6 and store.transcripts() == []
    text = "\n".join(report.warnings)
    for lost in (
        "PictureSource",
        "PDFSource",
        "VideoSource",
        "AudioSource",
        "sets",
        "links",
        "graphs",
        "Mabel",
    ):
        assert lost in text
    assert store.codebook().by_id()["feelings"].description == "thoughts about breakfast foods"


def test_atlas_target_project_keeps_the_two_level_tree(store: Store) -> None:
    import_qdpx(store, _example("atlas-target-project.qdpx"))
    book = store.codebook()
    assert [c.parent_id for c in book.tree_order()] == [None, "commits", "commits"]
    assert book.by_id()["commits"].guid == "a182cd3a-d83c-4d8c-bc80-26d9103ec6d6"


def test_old_schema_location_is_accepted(tmp_path: Path, store: Store) -> None:
    with zipfile.ZipFile(_example("atlas-target-project.qdpx")) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    old = qde.replace(
        "urn:QDA-XML:project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd",
        "urn:QDA-XML:project:0:4 Project.xsd",
    )
    assert old != qde
    path = tmp_path / "old.qde"
    path.write_text(old, encoding="utf-8")
    assert len(import_qdpx(store, path).codes_added) == 3


def test_invalid_project_is_refused_with_its_line(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "bad.qde"
    path.write_text(
        f'<Project xmlns="{PROJECT_NS}" name="x">\n<Sources/>\n<Users>'
        '<User guid="11111111-1111-1111-1111-111111111111"/></Users>\n</Project>',
        encoding="utf-8",
    )
    with pytest.raises(InputFormatError, match="line 2"):
        import_qdpx(store, path)
    other = tmp_path / "other.qde"
    other.write_text('<Project xmlns="urn:something-else" name="x"/>', encoding="utf-8")
    with pytest.raises(InputFormatError, match="not a REFI-QDA project"):
        import_qdpx(store, other)
    assert store.codebook().codes == ()


def test_changed_text_under_the_same_id_is_refused(tmp_path: Path, store: Store) -> None:
    import_qdpx(store, _qdpx(tmp_path / "a.qdpx", b"R: eerste versie.", [(3, 9)]))
    with pytest.raises(CoderError, match=r"'R07'.*different text"):
        import_qdpx(store, _qdpx(tmp_path / "b.qdpx", b"R: tweede versie.", [(3, 9)]))
    assert len(store.codings()) == 1


def test_cli_export_and_import(
    tmp_path: Path, coder: Coder, interviews: list[Path], codebook_file: Path
) -> None:
    assert coder("import", *map(str, interviews)).exit_code == 0
    assert coder("codebook", "load", str(codebook_file)).exit_code == 0
    out = tmp_path / "cli.qdpx"
    result = coder("export", "qdpx", "-o", str(out), "--json")
    assert result.exit_code == 0 and '"transcripts": 2' in result.stdout
    other = Coder(tmp_path / "other")
    assert other("init").exit_code == 0
    dry = other("import-qdpx", str(out), "--dry-run")
    assert dry.exit_code == 0 and "Would add transcripts: T01, T02" in dry.stdout
    assert other("transcripts", "--json").stdout.strip() == "[]"
    assert other("import-qdpx", str(out)).exit_code == 0
    unknown = coder("export", "qdpx", "-o", str(out), "--coders", "nobody")
    assert unknown.exit_code == 1 and "nobody" in unknown.stderr


def test_cli_export_counts_the_memos_on_codings_it_writes(
    tmp_path: Path, store: Store, interviews: list[Path], codebook_file: Path
) -> None:
    build_project(store, interviews, codebook_file)
    out = tmp_path / "memos.qdpx"
    result = Coder(store.root)("export", "qdpx", "-o", str(out))
    assert result.exit_code == 0 and "3 memos, 2 memos on codings" in result.stdout
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    assert qde.count("memo van ") == 2, "both coding memos are in the file, as selection descriptions"


def test_bare_qde_with_inline_text_cases_notes_and_shared_selections(tmp_path: Path, store: Store) -> None:
    users = "".join(
        f'<User guid="{g}" name="{n}"/>'
        for g, n in (
            ("11111111-1111-1111-1111-111111111111", "Carla"),
            ("44444444-4444-4444-4444-444444444444", "Dirk"),
        )
    )
    codings = "".join(
        f'<Coding guid="5555555{i}-5555-5555-5555-555555555555" creatingUser="{u}">'
        '<CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>'
        for i, u in enumerate(
            ("11111111-1111-1111-1111-111111111111", "44444444-4444-4444-4444-444444444444")
        )
    )
    path = tmp_path / "inline.qde"
    path.write_text(
        f'<Project xmlns="{PROJECT_NS}" name="inline">'
        f"<Users>{users}</Users>"
        '<CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="Zorg" isCodable="true"/>'
        "</Codes></CodeBook>"
        '<Variables><Variable guid="66666666-6666-6666-6666-666666666666" name="leeftijd" typeOfVariable="Integer"/>'
        "</Variables>"
        '<Cases><Case guid="77777777-7777-7777-7777-777777777777" name="R07">'
        '<VariableValue><VariableRef targetGUID="66666666-6666-6666-6666-666666666666"/><IntegerValue>67</IntegerValue>'
        '</VariableValue><SourceRef targetGUID="33333333-3333-3333-3333-333333333333"/></Case></Cases>'
        '<Sources><TextSource guid="33333333-3333-3333-3333-333333333333" name="R07">'
        "<PlainTextContent>R: De zorg is ver weg.</PlainTextContent>"
        '<PlainTextSelection guid="88888888-8888-8888-8888-888888888888" startPosition="3" endPosition="21">'
        f'<Description>kern</Description>{codings}<NoteRef targetGUID="99999999-9999-9999-9999-999999999999"/>'
        "</PlainTextSelection>"
        '<Coding guid="aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"><CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/>'
        "</Coding></TextSource></Sources>"
        '<Notes><Note guid="99999999-9999-9999-9999-999999999999" name="n"><PlainTextContent>zie ook R08'
        "</PlainTextContent></Note></Notes></Project>",
        encoding="utf-8",
    )
    report = import_qdpx(store, path)
    assert store.get_transcript("R07").attributes == {"leeftijd": "67"}
    rows = sorted(
        (c.coder, c.guid, store.get_transcript("R07").text[c.start : c.end], c.memo) for c in store.codings()
    )
    assert rows == [
        ("Carla", "55555550-5555-5555-5555-555555555555", "De zorg is ver weg", "kern\n\nzie ook R08"),
        ("Dirk", "55555551-5555-5555-5555-555555555555", "De zorg is ver weg", "kern\n\nzie ook R08"),
    ]
    assert any("whole source" in w for w in report.warnings)
    assert store.memos() == []


def _atlas(path: Path) -> Path:
    """An ATLAS.ti-style file: the hierarchy written into names, one coding on ``Coke::diet Coke``."""
    _qdpx(path, b"R: Ik drink liever light.", [(3, 25)])
    with zipfile.ZipFile(path) as zf:
        qde, text = (
            zf.read("project.qde").decode(),
            zf.read("Sources/33333333-3333-3333-3333-333333333333.TXT"),
        )
    qde = qde.replace(
        'name="Zorg" isCodable="true"/>',
        'name="Coke::diet Coke" isCodable="true"/>'
        '<Code guid="44444444-4444-4444-4444-444444444444" name="Coke::regular" isCodable="true"/>'
        '<Code guid="55555555-5555-5555-5555-555555555555" name="Pepsi" isCodable="true"/>',
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("Sources/33333333-3333-3333-3333-333333333333.TXT", text)
    return path


def test_atlas_names_become_a_tree_unless_kept_flat(tmp_path: Path, store: Store) -> None:
    path = _atlas(tmp_path / "atlas.qdpx")
    import_qdpx(store, path)
    book = store.codebook()
    names = {c.id: (c.name, book.by_id()[c.parent_id].name if c.parent_id else None) for c in book.codes}
    assert sorted(names.values(), key=str) == sorted(
        [("Coke", None), ("diet Coke", "Coke"), ("regular", "Coke"), ("Pepsi", None)], key=str
    )
    (coding,) = store.codings()
    assert store.get_code(coding.code_id).name == "diet Coke"
    flat, _ = init_project(tmp_path / "flat")
    import_qdpx(flat, path, flat_names=True)
    assert sorted(c.name for c in flat.codebook().codes) == ["Coke::diet Coke", "Coke::regular", "Pepsi"]
    out = tmp_path / "back.qdpx"
    export_qdpx(store, out, atlas_names=True)
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde").decode()
    assert 'name="Coke::diet Coke"' in qde and 'name="Coke::regular"' in qde
    doc = etree.fromstring(qde.encode())
    assert project_schema().validate(etree.ElementTree(doc))
    flat.close()
