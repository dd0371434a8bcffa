"""Word (.docx): quotes per theme as a report draft a team can edit.

Why it is shaped like this:

* Real Word structure, not formatted text: themes are ``Heading 1``,
  subthemes ``Heading 2`` ..., quotes use the built-in ``Quote`` style (key
  quotes ``Intense Quote``), so the navigation pane, the table of contents and
  a house template's styles all work on the draft.
* A quote paragraph holds only the quote, exactly as stored (line breaks
  become Word line breaks, which python-docx reads back as ``\\n``); who said
  it goes in the next paragraph, in a small ``Quote Source`` style.
* The table of contents is a Word field that Word fills in when the file is
  opened (``updateFields``); the document's proofing language is the report
  language, so spelling checks do not flag every Dutch word.
* Quote paragraphs are written as WordprocessingML elements directly (see
  ``_paragraph``): python-docx validates every attribute of every paragraph
  it adds, which made 50,000 quotes take minutes; headings and the few
  other paragraphs still go through python-docx.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.styles.style import ParagraphStyle
from lxml import etree

from coder.formats.outfile import atomic_output
from coder.formats.reports.data import QuoteReport
from coder.formats.reports.labels import word
from coder.formats.reports.phrasing import (
    attribution,
    context_text,
    numbering,
    section_counts,
    selection_text,
)

Progress = Callable[[int], None] | None
PROOFING = {"nl": "nl-NL", "en": "en-GB"}
TOC_HINT = {
    "nl": "Open dit document in Word om de inhoudsopgave te laten maken (of kies 'Veld bijwerken').",
    "en": "Open this document in Word to build the table of contents (or choose 'Update Field').",
}


def _set_language(document: DocxDocument, language: str) -> None:
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), PROOFING.get(language, "en-GB"))
    rpr.append(lang)


def _small_style(document: DocxDocument, name: str, italic: bool) -> ParagraphStyle:
    style: ParagraphStyle = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.font.size = Pt(9)
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    style.paragraph_format.left_indent = Pt(43)
    style.paragraph_format.space_after = Pt(10 if not italic else 2)
    return style


def _field(document: DocxDocument, instruction: str, placeholder: str) -> None:
    """A Word field (e.g. a table of contents) that Word computes on opening."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    paragraph.add_run(placeholder).italic = True
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)


def add_meta(document: DocxDocument, lang: str, lines: tuple[tuple[str, str], ...]) -> None:
    """The lines under a report's title: a bold label (in the report language) and its value."""
    for key, value in lines:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{word(lang, key)}: ").bold = True
        paragraph.add_run(value)


def write_quotes_docx(report: QuoteReport, out: Path, progress: Progress = None) -> None:
    """Title, meta lines, table of contents, then each code with its quotes."""
    lang = report.language
    document = Document()
    _set_language(document, lang)
    title = f"{word(lang, 'quotes_title')} — {report.study}"
    document.core_properties.title = title
    document.core_properties.language = PROOFING.get(lang, "en-GB")
    document.add_heading(title, level=0)
    selection = selection_text(lang, report.filters, report.n_transcripts)
    add_meta(document, lang, (("coder", report.coder), ("selection", selection), ("created", report.created)))
    document.add_paragraph(word(lang, "contents"), style="TOC Heading")
    _field(document, 'TOC \\o "1-4" \\h \\z \\u', TOC_HINT.get(lang, TOC_HINT["en"]))
    styles = {
        "quote": document.styles["Quote"].style_id,
        "key": document.styles["Intense Quote"].style_id,
        "source": _small_style(document, "Quote Source", italic=False).style_id,
        "context": _small_style(document, "Quote Context", italic=True).style_id,
    }
    body = _Body(document.element.body)
    numbers = numbering([s.depth for s in report.sections])
    for number, section in zip(numbers, report.sections, strict=True):
        document.add_heading(f"{number} {section.name}", level=min(section.depth + 1, 9))
        if section.description:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{word(lang, 'definition')}: ").bold = True
            paragraph.add_run(section.description).italic = True
        document.add_paragraph(section_counts(lang, section))
        for quote in section.quotes:
            context = context_text(lang, quote)
            if context is not None:
                body.append(_paragraph(styles["context"], context))
            body.append(_paragraph(styles["key" if quote.key_quote else "quote"], quote.text))
            source = "— " + attribution(lang, quote)
            if quote.key_quote:
                source += f" · {word(lang, 'key_quote')}"
            body.append(_paragraph(styles["source"], source))
        if progress:
            progress(len(section.quotes))
    with atomic_output(out) as tmp:
        document.save(str(tmp))


# -- fast paragraphs ---------------------------------------------------------------------
# python-docx resolves a style and validates every attribute on each paragraph it
# adds (about 2 ms a paragraph); quotes are plain styled text, so they are built as
# WordprocessingML elements directly, the way python-docx's own run.text does it:
# a line break is <w:br/>, a tab <w:tab/>, and python-docx reads both back as
# "\n" and "\t", so a quote paragraph's text is the stored text.

_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _paragraph(style_id: str, text: str) -> etree._Element:
    """A ``w:p`` with one run holding ``text`` in the paragraph style ``style_id``."""
    p = etree.Element(qn("w:p"))
    style = etree.SubElement(etree.SubElement(p, qn("w:pPr")), qn("w:pStyle"))
    style.set(qn("w:val"), style_id)
    run = etree.SubElement(p, qn("w:r"))
    for n, line in enumerate(text.split("\n")):
        if n:
            etree.SubElement(run, qn("w:br"))
        for m, piece in enumerate(line.split("\t")):
            if m:
                etree.SubElement(run, qn("w:tab"))
            if piece:
                element = etree.SubElement(run, qn("w:t"))
                element.text = piece
                element.set(_SPACE, "preserve")
    return p


class _Body:
    """Appends paragraphs at the end of a document body, before its section properties.

    The section element is found once: searching for it per paragraph scans the
    whole body each time, which is quadratic over a long report.
    """

    def __init__(self, body: etree._Element) -> None:
        self.body = body
        self.section = body.find(qn("w:sectPr"))

    def append(self, paragraph: etree._Element) -> None:
        """Add ``paragraph`` as the last paragraph."""
        if self.section is not None:
            self.section.addprevious(paragraph)
        else:
            self.body.append(paragraph)
