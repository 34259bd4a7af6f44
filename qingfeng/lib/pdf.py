"""A PDF of a Word document (.docx), for reading and printing a report without Word.

Two engines, one result: the same .docx is the only source, so the PDF says what the
Word file says (there is no second, hand-written template of any report).

- **LibreOffice** (``soffice --headless --convert-to pdf``) when ``soffice`` is on the
  PATH: the layout is Word's (fonts, tables, the red letterhead, images). Each conversion
  runs in a temporary directory with its own user profile
  (``-env:UserInstallation``), so concurrent conversions never share (and lock) one
  profile, and is killed after ``QINGFENG_PDF_TIMEOUT`` seconds.
- **WeasyPrint** otherwise (or when LibreOffice fails): an HTML page made from the
  .docx's paragraphs, headings, tables and inline images (python-docx), printed by
  WeasyPrint. Plainer, but complete.

``QINGFENG_PDF_ENGINE`` (a setting, else the environment variable) forces one:
"soffice", "weasyprint"; "auto" (the default) takes LibreOffice when it is installed.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

logger = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"
ENGINES = ("auto", "soffice", "weasyprint")
DEFAULT_TIMEOUT = 90  # seconds; a fresh profile's first start takes a few


# The 公文 fonts a document names (仿宋_GB2312, 方正小标宋简体, 黑体) are rarely on a
# Linux server: LibreOffice asks fontconfig, which would substitute a sans font. This
# configuration (the system's, plus these aliases) makes them the free Noto CJK fonts the
# documents' font table names as their alternatives (accepted after them: a server with
# the real fonts keeps them).
_FONT_ALIASES = {
    "仿宋_GB2312": "Noto Serif CJK SC",
    "仿宋": "Noto Serif CJK SC",
    "FangSong": "Noto Serif CJK SC",
    "方正小标宋简体": "Noto Serif CJK SC",
    "宋体": "Noto Serif CJK SC",
    "SimSun": "Noto Serif CJK SC",
    "楷体_GB2312": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
    "SimHei": "Noto Sans CJK SC",
}
FONTCONFIG = (
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
    + "".join(
        f'  <alias binding="same"><family>{name}</family>'
        f"<accept><family>{free}</family></accept></alias>\n"
        for name, free in _FONT_ALIASES.items()
    )
    + "</fontconfig>\n"
)


class PdfError(RuntimeError):
    """The document could not be converted (not a .docx, the engine failed or timed out)."""


def pdf_engine() -> str:
    """The engine asked for: ``QINGFENG_PDF_ENGINE`` (setting, else environment), "auto"
    by default."""
    chosen = getattr(settings, "QINGFENG_PDF_ENGINE", "") or os.environ.get(
        "QINGFENG_PDF_ENGINE", "auto"
    )
    return chosen if chosen in ENGINES else "auto"


def soffice_path() -> str | None:
    """LibreOffice's ``soffice`` on the PATH, or None."""
    return shutil.which("soffice")


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF of the .docx ``data`` (see the module's docstring for the engine).
    ``PdfError`` when it cannot be made."""
    engine = pdf_engine()
    if engine == "weasyprint" or (engine == "auto" and soffice_path() is None):
        return weasyprint_pdf(data)
    try:
        return soffice_pdf(data)
    except PdfError:
        if engine == "soffice":
            raise
        logger.exception("LibreOffice could not convert a document; WeasyPrint instead")
        return weasyprint_pdf(data)


def soffice_pdf(data: bytes, *, timeout: float | None = None) -> bytes:
    """The PDF LibreOffice makes of the .docx ``data``, in a temporary directory of its
    own with a profile of its own; ``PdfError`` when it fails or takes longer than
    ``timeout`` seconds (``QINGFENG_PDF_TIMEOUT``)."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfError("soffice is not installed")
    limit = timeout or float(getattr(settings, "QINGFENG_PDF_TIMEOUT", DEFAULT_TIMEOUT))
    with tempfile.TemporaryDirectory(prefix="qingfeng-pdf-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(source),
        ]
        fonts = work / "fonts.conf"
        fonts.write_text(FONTCONFIG, encoding="utf-8")
        environment = {**os.environ, "HOME": str(work), "FONTCONFIG_FILE": str(fonts)}
        # A session of its own: ``soffice`` is a script starting ``soffice.bin``, and a
        # timeout must end the whole group, not only the script.
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment,
            start_new_session=True,
        )
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired as error:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise PdfError(f"LibreOffice took longer than {limit:g} s") from error
        result = work / "document.pdf"
        if not result.exists() or result.stat().st_size == 0:
            raise PdfError("LibreOffice wrote no PDF")
        return result.read_bytes()


def weasyprint_pdf(data: bytes) -> bytes:
    """The PDF WeasyPrint prints of ``docx_html(data)``."""
    from weasyprint import HTML

    page = docx_html(data)
    try:
        return bytes(HTML(string=page).write_pdf())
    except Exception as error:  # WeasyPrint raises many kinds; all mean "no PDF"
        raise PdfError(str(error) or type(error).__name__) from error


# --- the .docx as HTML (for WeasyPrint) -----------------------------------------------

STYLE = """
@page { size: A4; margin: %(top)smm %(right)smm %(bottom)smm %(left)smm; }
body { font-family: "FangSong", "仿宋_GB2312", "Noto Serif CJK SC", "Noto Serif CJK",
       serif; font-size: 16pt; line-height: 28pt; color: #000; }
p { margin: 0; min-height: 28pt; }
h1, h2, h3, h4 { font-family: "Noto Sans CJK SC", sans-serif; font-weight: normal;
                 margin: 0; font-size: 16pt; }
.center { text-align: center; } .right { text-align: right; }
.justify { text-align: justify; }
.indent { text-indent: 2em; }
table { border-collapse: collapse; width: 100%%; margin: 4pt 0; }
td { border: 0.75pt solid #000; padding: 2pt 4pt; font-size: 12pt; line-height: 1.4;
     vertical-align: top; }
td p { min-height: 0; }
img { max-width: 100%%; }
"""

ALIGN = {
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
}


def docx_html(data: bytes) -> str:
    """An HTML page of the .docx ``data``: its paragraphs (alignment, indent, bold,
    colour, size, bottom rule), headings, tables and inline images, in order, every text
    escaped. ``PdfError`` when ``data`` is not a Word document."""
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:
        raise PdfError(str(error) or type(error).__name__) from error
    section = document.sections[0]

    def mm(length: Any, default: float) -> str:
        return f"{(length.mm if length is not None else default):.1f}"

    style = STYLE % {
        "top": mm(section.top_margin, 37),
        "right": mm(section.right_margin, 26),
        "bottom": mm(section.bottom_margin, 35),
        "left": mm(section.left_margin, 28),
    }
    body = "".join(_block(document, item) for item in document.iter_inner_content())
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<style>{style}</style></head><body>{body}</body></html>"
    )


def _block(document: Any, item: Paragraph | Table) -> str:
    if isinstance(item, Table):
        return _table(document, item)
    return _paragraph(document, item)


def _table(document: Any, table: Table) -> str:
    rows = []
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                continue
            seen.add(id(cell._tc))
            inner = "".join(_block(document, item) for item in cell.iter_inner_content())
            width = f' style="width: {cell.width.mm:.0f}mm"' if cell.width else ""
            cells.append(f"<td{width}>{inner}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table>{''.join(rows)}</table>"


def _paragraph(document: Any, paragraph: Paragraph) -> str:
    classes = []
    alignment = paragraph.paragraph_format.alignment
    if alignment is None and paragraph.style is not None:
        alignment = paragraph.style.paragraph_format.alignment
    if alignment in ALIGN:
        classes.append(ALIGN[alignment])
    indent = paragraph.paragraph_format.first_line_indent
    if indent is not None and indent > 0:
        classes.append("indent")
    styles = []
    p_pr = paragraph._p.pPr
    bottom = p_pr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}") if p_pr is not None else None
    if bottom is not None:
        colour = bottom.get(qn("w:color")) or "000000"
        colour = colour if colour != "auto" else "000000"
        styles.append(f"border-bottom: 1.5pt solid #{html.escape(colour)}; padding-bottom: 4pt")
    inner = "".join(_run(document, run) for run in paragraph.runs)
    name = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    tag = "p"
    if name.startswith("heading") or name == "title":
        level = name.removeprefix("heading").strip()
        tag = f"h{min(int(level), 4)}" if level.isdigit() and int(level) > 0 else "h1"
    attributes = f' class="{" ".join(classes)}"' if classes else ""
    if styles:
        attributes += f' style="{"; ".join(styles)}"'
    return f"<{tag}{attributes}>{inner}</{tag}>"


def _run(document: Any, run: Any) -> str:
    pictures = []
    for blip in run._element.iter(qn("a:blip")):
        part = document.part.related_parts.get(blip.get(qn("r:embed")))
        if part is None:
            continue
        extent = next(run._element.iter(qn("wp:extent")), None)
        width = (
            f' style="width: {int(extent.get("cx")) / 36000:.1f}mm"' if extent is not None else ""
        )
        encoded = base64.b64encode(part.blob).decode("ascii")
        pictures.append(f'<img src="data:{part.content_type};base64,{encoded}"{width} alt="">')
    text = html.escape(run.text).replace("\n", "<br>").replace("\t", "&emsp;")
    styles = []
    font = run.font
    if font.size is not None:
        styles.append(f"font-size: {font.size.pt:g}pt")
        if font.size.pt > 16:
            styles.append(f"line-height: {font.size.pt + 10:g}pt")
    if font.bold:
        styles.append("font-weight: bold")
    if font.italic:
        styles.append("font-style: italic")
    if font.color is not None and font.color.type is not None and font.color.rgb is not None:
        styles.append(f"color: #{font.color.rgb}")
    if font.name and "黑体" in font.name:
        styles.append("font-family: 'Noto Sans CJK SC', sans-serif")
    elif font.name and "小标宋" in font.name:  # a heavy serif display face
        styles.append("font-family: 'Noto Serif CJK SC', serif; font-weight: bold")
    if text and styles:
        text = f'<span style="{"; ".join(styles)}">{text}</span>'
    return "".join(pictures) + text
