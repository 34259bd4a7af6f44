"""The reports' shared plumbing: chart colours equal the pages', images in documents,
the command's stand-in user."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from PIL import Image

from qingfeng.accounts.selectors import command_user
from qingfeng.documents.default_templates.gongwen import new_document, paragraph, saved, table
from qingfeng.lib.documents import Picture, render_docx, tiny_png
from qingfeng.lib.pdf import FONTCONFIG
from qingfeng.reports.charts import BAND_COLOURS, band_colour, figure, plain, png

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_it_draws_with_the_pages_band_colours() -> None:
    css = (STATIC / "css" / "qingfeng.css").read_text(encoding="utf-8")
    page = dict(re.findall(r"^\.qf-band-(\w+) \{ background: (#[0-9a-f]{6});", css, re.M))
    script = (STATIC / "js" / "qingfeng-charts.js").read_text(encoding="utf-8")
    block = re.search(r"BAND_COLOURS = \{(.*?)\}", script, re.S)
    assert block is not None
    charts = dict(re.findall(r"(\w+): \"(#[0-9a-f]{6})\"", block.group(1)))
    assert page == BAND_COLOURS
    assert charts == BAND_COLOURS
    assert band_colour(None) == band_colour("unknown") == BAND_COLOURS["none"]


def test_it_makes_a_png_of_a_chart_with_a_hostile_label() -> None:
    chart = figure(80, 40)
    axes = chart.add_subplot()
    axes.bar([plain("$\\frac{1}{0}$<img src=x>"), "教育局"], [1, 2])
    data = png(chart)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.width > 300


def test_it_puts_a_picture_and_a_table_into_a_document() -> None:
    document = new_document()
    paragraph(document, "{{ chart }}")
    table(document, ["单位", "得分"], ["{{ row.name }}", "{{ row.total }}"])
    rows = [{"name": "甲局", "total": "91.5"}, {"name": "乙局<w:t>", "total": "80"}]
    data = render_docx(saved(document), {"chart": Picture(tiny_png(), 60), "rows": rows})
    rendered = Document(io.BytesIO(data))
    assert len(rendered.inline_shapes) == 1
    cells = [[cell.text for cell in row.cells] for row in rendered.tables[0].rows]
    assert cells == [["单位", "得分"], ["甲局", "91.5"], ["乙局<w:t>", "80"]]


def test_it_reads_as_the_whole_installation_when_a_command_names_no_user(db: None) -> None:
    stand_in = command_user("", stand_in="make_report")
    assert stand_in is not None and stand_in.is_superuser and stand_in.pk is None
    assert command_user("nobody-of-that-name", stand_in="make_report") is None


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig's fc-match")
def test_it_sets_the_gongwen_fonts_in_noto_for_libreoffice(tmp_path: Path) -> None:
    """LibreOffice asks fontconfig for 仿宋_GB2312 and 黑体: the conversion's own
    configuration answers with the serif and the sans Noto CJK (not any sans fallback)."""
    config = tmp_path / "fonts.conf"
    config.write_text(FONTCONFIG, encoding="utf-8")

    def matched(family: str) -> str:
        found = subprocess.run(
            ["fc-match", "-f", "%{family[0]}", family],
            capture_output=True,
            text=True,
            env={**os.environ, "FONTCONFIG_FILE": str(config)},
            check=True,
        )
        return found.stdout

    assert matched("仿宋_GB2312") == matched("方正小标宋简体") == "Noto Serif CJK SC"
    assert matched("黑体") == "Noto Sans CJK SC"
