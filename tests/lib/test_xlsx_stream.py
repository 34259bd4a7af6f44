"""The streaming .xlsx writer keeps each text once, in the shared strings table, and every
reader (openpyxl here; LibreOffice and Excel read the same part) gets the cells back."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import load_workbook

from qingfeng.lib.xlsx import Sheet, workbook_bytes


def test_it_writes_each_text_once_for_every_sheet() -> None:
    names = ["县教育局", "县财政局", "<东城> & 西城"]
    warnings = Sheet(
        "预警",
        ["单位", "等级", "得分"],
        [[names[i % 3], "红色" if i % 2 else "黄色", i + 0.5] for i in range(300)],
        title="2026年第三季度 · 预警",
    )
    ranking = Sheet("排名", ["单位", "名次"], [[name, i + 1] for i, name in enumerate(names)])
    data = workbook_bytes([warnings, ranking], write_only=True)

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        table = package.read("xl/sharedStrings.xml").decode()
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "inlineStr" not in sheet
    unique = int(re.search(r'uniqueCount="(\d+)"', table).group(1))  # type: ignore[union-attr]
    # Three names, two bands, two titles' worth of headers and the title: each once,
    # although the names alone fill 303 cells.
    assert unique == len(re.findall("<si>", table)) < 15
    assert table.count("县教育局") == 1
    assert "&lt;东城&gt; &amp; 西城" in table  # escaped in the table, not in the cells

    book = load_workbook(io.BytesIO(data))
    rows = [[c.value for c in row] for row in book["预警"].iter_rows()]
    assert rows[0][0] == "2026年第三季度 · 预警"
    assert rows[2] == ["单位", "等级", "得分"]
    assert rows[3] == ["县教育局", "黄色", 0.5]
    assert rows[5] == ["<东城> & 西城", "黄色", 2.5]
    assert [[c.value for c in row] for row in book["排名"].iter_rows()][-1] == ["<东城> & 西城", 3]
