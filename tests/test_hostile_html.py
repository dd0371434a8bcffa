"""HTML exports with hostile code ids, names, attributes and quotes: nothing runs.

The string-level tests always run; the browser test loads each page in
headless Chromium and is skipped only when no Chromium binary exists.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

import coder.cli.export_cmds  # noqa: F401  (registers the commands)
from coder.model import Code
from coder.services.project import open_project
from tests.conftest import Coder

# Each payload would set the page title to PW + NED if it ever ran; the
# marker never appears as one word in the payload itself.
RUN = "document.title='PW'+'NED'"
EVIL_ID = f'x" id="y"><img src=x onerror="{RUN}">'
EVIL_NAME = f'<img src=x onerror="{RUN}"><script>{RUN}</script>'
EVIL_TEXT = f"<script>{RUN}</script> en ' onmouseover='{RUN}"
EVIL_COLOR = "red;background:url(http://evil.example/x)"
TRANSCRIPT = f"""---
gemeente: "\\"><script>{RUN}</script>"
---

I: Vraag?

R: {EVIL_TEXT} zei ze.
"""


@pytest.fixture
def evil(coder: Coder, tmp_path: Path) -> Coder:
    """A project holding a code with a hostile id, name and colour (as an old project could)."""
    source = tmp_path / "H01.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    assert coder("import", str(source)).exit_code == 0
    store = open_project(coder.root)
    try:
        text = store.transcript_texts()["H01"]
        with store.transaction():
            store.save_code(
                Code(id=EVIL_ID, guid="g-1", name=EVIL_NAME, description=EVIL_NAME, color=EVIL_COLOR)
            )
            store.ensure_coder("final", kind="consensus")
            start = text.index(EVIL_TEXT)
            store.add_coding("final", "H01", start, start + len(EVIL_TEXT), EVIL_ID, memo=EVIL_NAME)
    finally:
        store.close()
    return coder


def _pages(project: Coder, tmp_path: Path) -> list[Path]:
    pages = []
    for kind in ("quotes", "joint"):
        out = tmp_path / f"{kind}.html"
        result = project("export", kind, "--coder", "final", "-o", str(out))
        assert result.exit_code == 0, result.output
        pages.append(out)
    return pages


def test_html_attributes_and_text_are_escaped(evil: Coder, tmp_path: Path) -> None:
    for page in _pages(evil, tmp_path):
        source = page.read_text(encoding="utf-8")
        tree = lxml_html.fromstring(source)
        assert not tree.xpath("//script"), page
        assert not tree.xpath("//img"), page
        assert not [el for el in tree.iter() if any(a.startswith("on") for a in el.attrib)], page
        assert "evil.example" not in source
        # the hostile id survives as the value of exactly one id attribute
        assert tree.xpath("//@id") and EVIL_ID in {v[2:] for v in tree.xpath("//@id")}
        if page.stem == "quotes":
            assert [a.get("href") for a in tree.xpath("//nav//a")] == [f"#c-{EVIL_ID}"]
            assert EVIL_TEXT in tree.xpath("string(//p[@class='quote-text'])")


def _chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


@pytest.mark.skipif(_chromium() is None, reason="no chromium binary on this machine")
def test_html_exports_run_no_script_in_a_browser(evil: Coder, tmp_path: Path) -> None:
    browser = _chromium()
    assert browser
    for page in _pages(evil, tmp_path):
        result = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--virtual-time-budget=2000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        dom = result.stdout
        assert "<title>" in dom and "quote-text" in dom, dom[:500]
        assert "PWNED" not in dom, page
