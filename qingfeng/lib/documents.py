"""Word documents (.docx) from docxtpl templates: pure rendering, no database.

``render_docx`` fills a template's bytes with a context and returns the document's
bytes. Every string of the context is cleaned first (``clean_text``): characters XML
cannot hold (control characters, lone surrogates) are dropped, and the rendering runs
with Jinja's autoescape, so a unit named ``<w:t>`` or a text holding ``{{`` stays text in
the document: it can neither break the XML nor run as a template.

The 公文 helpers (``chinese_date``, ``doc_number``, sizes and fonts) say the official
layout (GB/T 9704) in one place, for the default templates' builder and for every
feature issuing documents (responses to warnings, reports).
"""

from __future__ import annotations

import datetime
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# GB/T 9704 sizes, in points: 二号 for the title, 三号 for the text.
SIZE_TITLE = 22
SIZE_TEXT = 16
# The fonts a 公文 names, and the free font taking their place where they are missing
# (written to the document's font table as their alternative name).
FONT_TITLE = "方正小标宋简体"
FONT_TEXT = "仿宋_GB2312"
FONT_HEADING = "黑体"
FONT_FALLBACK = "Noto Serif CJK SC"

# Everything XML 1.0 cannot hold, but tab and newline: C0 controls, DEL and the C1
# controls, lone surrogates and the two non-characters U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Picture:
    """An image in a context: PNG bytes shown ``width_mm`` wide (the height follows the
    image's proportions). ``render_docx`` puts it in the document where the template
    names it (``{{ radar }}`` in a paragraph of its own)."""

    png: bytes
    width_mm: float = 150


class TemplateError(ValueError):
    """A template that cannot be rendered: not a .docx, or its Jinja tags are wrong."""


def clean_text(value: str) -> str:
    """``value`` without the characters a Word document cannot hold (controls but tab
    and newline, lone surrogates); carriage returns become newlines."""
    return _NOT_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_context(value: Any) -> Any:
    """A copy of a context with every string in it cleaned (``clean_text``), through
    mappings, lists and tuples; other values are turned into strings first, so a
    template only ever sees text, numbers and containers of them."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {str(key): clean_context(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_context(item) for item in value]
    if value is None or isinstance(value, bool | int | float | Picture):
        return value
    return clean_text(str(value))


def _environment() -> jinja2.Environment:
    # Autoescape: the context's "<", "&" become entities in the XML. A sandbox: a template
    # uploaded by an administrator can reach nothing but the context it is given.
    return SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


def render_docx(template: bytes, context: Mapping[str, Any]) -> bytes:
    """The .docx made of ``template`` (a docxtpl .docx, its bytes) filled with
    ``context`` (cleaned first). ``TemplateError`` when the template is not a Word
    document or its tags fail (a name the context does not have, a syntax error)."""
    try:
        document = DocxTemplate(io.BytesIO(template))
        filled = _with_images(document, clean_context(dict(context)))
        document.render(filled, jinja_env=_environment(), autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, etree.LxmlError) as error:
        raise TemplateError(str(error) or type(error).__name__) from error
    except jinja2.TemplateError as error:
        raise TemplateError(str(error.message or error)) from error
    data = buffer.getvalue()
    # The rendered XML must still be a document Word opens.
    try:
        Document(io.BytesIO(data))
    except Exception as error:
        raise TemplateError(str(error) or type(error).__name__) from error
    return data


def _with_images(document: DocxTemplate, value: Any) -> Any:
    """``value`` with every ``Picture`` in it made an image of ``document``."""
    if isinstance(value, Picture):
        return InlineImage(document, io.BytesIO(value.png), width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {key: _with_images(document, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_with_images(document, item) for item in value]
    return value


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A blank white PNG of ``width`` × ``height`` pixels: the image of a sample context
    (a template is checked by rendering it with one)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff" * (3 * width) for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def docx_text(data: bytes) -> str:
    """All the text of a .docx, paragraph by paragraph (tables' cells included), one a
    line: what a reader of the document sees, for checks and previews."""
    document = Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


_DIGITS = "〇一二三四五六七八九"


def chinese_date(day: datetime.date, *, numerals: bool = False) -> str:
    """A date as a 公文 writes it: 2026年12月5日 (GB/T 9704-2012 uses Arabic numerals);
    with ``numerals`` the older style 二〇二六年十二月五日."""
    if not numerals:
        return f"{day.year}年{day.month}月{day.day}日"

    def small(n: int) -> str:
        if n < 10:
            return _DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")

    year = "".join(_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{small(day.month)}月{small(day.day)}日"


def doc_number(prefix: str, year: int, number: int) -> str:
    """A document number (文号): the issuer's prefix (代字), the year in hexagonal
    brackets 〔〕 and the sequence without leading zeros, e.g. 黎纪预〔2026〕12号."""
    return f"{prefix}〔{year}〕{number}号"


# The 公文 fonts with their Chinese character set (86 = GB2312) and the free alternative.
FONT_ENTRIES = {
    FONT_TEXT: (FONT_FALLBACK, "roman", "fixed"),
    FONT_TITLE: (FONT_FALLBACK, "roman", "variable"),
    FONT_HEADING: ("Noto Sans CJK SC", "modern", "fixed"),
}


def with_font_table(data: bytes) -> bytes:
    """A .docx written by python-docx with its font table naming each 公文 font's
    alternative (w:altName: Word and LibreOffice take it when the font itself is not
    installed) and Chinese as the East Asian language (a renderer then picks the Chinese
    glyphs of a CJK font). Every entry gets a fixed date: building twice writes the same
    bytes."""
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        for name, (alt, family, pitch) in FONT_ENTRIES.items()
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/fontTable.xml":
                text = re.sub(r"(</w:fonts>)", entries + r"\1", content.decode("utf-8"))
                content = text.encode("utf-8")
            elif item.filename == "word/styles.xml":
                text = content.decode("utf-8")
                text = text.replace('w:eastAsia="en-US"', 'w:eastAsia="zh-CN"')
                content = text.replace('w:val="en-US"', 'w:val="zh-CN"').encode("utf-8")
            item.date_time = (2026, 1, 1, 0, 0, 0)
            target.writestr(item, content)
    return out.getvalue()


def set_font(run_or_style: Any, name: str, size: float, *, bold: bool = False) -> None:
    """The font of a python-docx run or style, East Asian glyphs included (python-docx
    sets only the Latin one, and Chinese text would fall back to another font)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = name
    font.size = Pt(size)
    font.bold = bold
    r_pr = run_or_style.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attribute), name)


def _paragraphs_of(container: Any) -> Any:
    """Every paragraph of a body, header, footer or cell, those in its tables included."""
    yield from container.paragraphs
    for grid in container.tables:
        for row in grid.rows:
            for cell in row.cells:
                yield from _paragraphs_of(cell)


def _containers(document: Any) -> list[Any]:
    """The body and every header and footer a document defines (reading one it does not
    define would add it)."""
    found: list[Any] = [document]
    for section in document.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if not part.is_linked_to_previous:
                found.append(part)
    return found


def _replace_in_paragraph(paragraph: Any, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in one paragraph, even where Word split ``old`` over
    several runs: the replacement takes the first run's formatting. How many replaced."""
    count, start = 0, 0
    while True:
        runs = paragraph.runs
        texts = [run.text for run in runs]
        full = "".join(texts)
        found = full.find(old, start)
        if found < 0 or not old:
            return count
        starts, offset = [], 0
        for text in texts:
            starts.append(offset)
            offset += len(text)
        end = found + len(old)
        first = max(i for i, s in enumerate(starts) if s <= found and len(texts[i]) > 0)
        last = max(i for i, s in enumerate(starts) if s < end)
        head = texts[first][: found - starts[first]]
        tail = texts[last][end - starts[last] :]
        if first == last:
            runs[first].text = head + new + tail
        else:
            runs[first].text = head + new
            for middle in runs[first + 1 : last]:
                middle.text = ""
            runs[last].text = tail
        count += 1
        start = found + len(new)


def docx_replace_text(data: bytes, old: str, new: str, *, or_first: bool = False) -> bytes:
    """The .docx ``data`` with every ``old`` replaced by ``new`` in its text (body,
    tables, headers and footers), even where Word split ``old`` over runs of different
    formatting. With ``or_first``, when ``old`` occurs nowhere, ``new`` is added as a
    centred first paragraph instead (an issued paper always shows its number).
    ``TemplateError`` when ``data`` is not a Word document."""
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:
        raise TemplateError(str(error) or type(error).__name__) from error
    count = sum(
        _replace_in_paragraph(paragraph, old, new)
        for container in _containers(document)
        for paragraph in _paragraphs_of(container)
    )
    if not count and or_first:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.text.paragraph import Paragraph

        element = OxmlElement("w:p")
        document.element.body.insert(0, element)
        added = Paragraph(element, document._body)
        added.alignment = WD_ALIGN_PARAGRAPH.CENTER
        added.add_run(new)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_holds(data: bytes, text: str) -> bool:
    """Whether ``text`` occurs in a paragraph of the .docx (runs joined; tables, headers
    and footers included)."""
    document = Document(io.BytesIO(data))
    return any(text in p.text for c in _containers(document) for p in _paragraphs_of(c))


def docx_lines(data: bytes) -> list[str]:
    """The text of a .docx as a reader goes through it: paragraphs and tables in their
    order, a table row as its cells joined by " | " (a page's preview)."""
    from docx.table import Table

    def walk(container: Any) -> Any:
        for item in container.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    seen: set[int] = set()
                    texts = []
                    for cell in row.cells:
                        if id(cell._tc) not in seen:  # a merged cell once
                            seen.add(id(cell._tc))
                            texts.append(cell.text.strip())
                    yield " | ".join(texts)
            else:
                yield item.text

    return list(walk(Document(io.BytesIO(data))))
