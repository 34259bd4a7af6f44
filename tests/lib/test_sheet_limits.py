"""Issue 10, finding 2: a small .xlsx declaring ``A1:XFD1048576`` (or holding one cell in
a far row) tied up a worker. Every importer (records, organisation, framework) reads only
the cells stored, and a sheet past ``IMPORT_MAX_ROWS`` rows or ``IMPORT_MAX_COLUMNS``
columns is refused at once with a located message in the user's language."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable

import pytest
from django.test import override_settings
from django.utils import translation

from qingfeng.framework.interchange_read import read_spec
from qingfeng.lib.tabular import Issue, Issues, read_csv, read_xlsx
from qingfeng.org.interchange_read import parse_file
from qingfeng.records.imports import COLUMNS, read_records_file
from tests.workbooks import sheets_bytes

BIG_DIMENSION = "A1:XFD1048576"


def _crafted(sheets: dict[str, list[list[object]]], *, far_cell: str | None = None) -> bytes:
    """``sheets`` as an .xlsx whose sheets declare the whole grid as their dimension, plus
    (when given) one stored value at ``far_cell`` of the first sheet (e.g. "XFD1048576")."""
    source = zipfile.ZipFile(io.BytesIO(sheets_bytes(sheets)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                xml = data.decode()
                declared = f'<dimension ref="{BIG_DIMENSION}"/>'
                xml = re.sub(r'<dimension ref="[^"]*"/>', declared, xml)
                # An empty styled cell at the very end, as some programs write.
                last = '<row r="1048576"><c r="XFD1048576" s="0"/></row>'
                if far_cell and info.filename.endswith("sheet1.xml"):
                    row = re.sub(r"^[A-Z]+", "", far_cell)
                    last = (
                        f'<row r="{row}"><c r="{far_cell}" t="inlineStr"><is><t>x</t></is>'
                        "</c></row>"
                    )
                xml = xml.replace("</sheetData>", f"{last}</sheetData>")
                data = xml.encode()
            target.writestr(info, data)
    return out.getvalue()


def _timed(read: Callable[[], object]) -> object:
    start = time.perf_counter()
    result = read()
    assert time.perf_counter() - start < 2.0
    return result


RECORDS = [COLUMNS, ["U-1", "A1", "2025-02-01", None, 2]]
ORG = {"regions": [["code", "name", "parent"], ["R1", "县", None]]}
FRAMEWORK = {"framework": [["key", "value"], ["code", "T"]], "indicators": [["code", "name"]]}


def test_finding_2_a_huge_declared_dimension_is_read_quickly_by_every_reader() -> None:
    records = _crafted({"records": RECORDS})
    assert len(records) < 8000
    result = _timed(lambda: read_records_file(data=records, filename="r.xlsx"))
    assert result.issues == []  # type: ignore[attr-defined]
    assert [row.row for row in result.rows] == [2]  # type: ignore[attr-defined]
    org = _crafted(ORG)
    sheets = _timed(lambda: parse_file(org, "o.xlsx", Issues()))
    assert [item.row for item in sheets["regions"]] == [2]  # type: ignore[index]
    framework = _crafted(FRAMEWORK)
    _timed(lambda: read_spec(framework, "f.xlsx"))


@pytest.mark.parametrize("far_cell", ["A1048576", "XFD2", "A2000000000", "XFD1048576"])
def test_finding_2_a_value_far_away_is_refused_quickly_by_every_reader(far_cell: str) -> None:
    with translation.override("en"):
        _refused_quickly(far_cell)


def _refused_quickly(far_cell: str) -> None:
    records = _crafted({"records": RECORDS}, far_cell=far_cell)
    result = _timed(lambda: read_records_file(data=records, filename="r.xlsx"))
    (issue,) = result.issues  # type: ignore[attr-defined]
    assert "more than" in issue.message
    org = _crafted(ORG, far_cell=far_cell)
    issues = Issues()
    _timed(lambda: parse_file(org, "o.xlsx", issues))
    assert [i.sheet for i in issues.items] == ["regions"]
    framework = _crafted(FRAMEWORK, far_cell=far_cell)
    spec, _kind, _rows, found = _timed(lambda: read_spec(framework, "f.xlsx"))  # type: ignore[misc]
    assert spec is None
    assert [i.sheet for i in found] == ["framework"]


def _one(rows: list[list[object]], *, csv: bool = False) -> Issue:
    issues = Issues()
    if csv:
        text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
        assert read_csv(text.encode(), issues, sheet="") is None
    else:
        assert read_xlsx(sheets_bytes({"records": rows}), issues, sheet="") is None
    (issue,) = issues.items
    return issue


@pytest.mark.parametrize("csv", [False, True])
def test_finding_2_a_sheet_over_the_row_limit_is_refused_with_a_message(csv: bool) -> None:
    rows: list[list[object]] = [["a", "b"], [1, 1], [2, 2], [3, 3], [4, 4]]
    with override_settings(IMPORT_MAX_ROWS=3):
        with translation.override("en"):
            assert str(_one(rows, csv=csv)) == (
                "the sheet has more than 3 rows below the header (row 5 holds a value); "
                "split it into several files"
            )
        with translation.override("zh-hans"):
            assert _one(rows, csv=csv).message == (
                "工作表标题行以下超过 3 行（第 5 行有值），请拆分为多个文件"
            )
        # Exactly at the limit, and blank rows past it, are fine.
        ok = Issues()
        assert read_xlsx(sheets_bytes({"r": [*rows[:4], [None], [" "]]}), ok) is not None
        assert ok.items == []


@pytest.mark.parametrize("csv", [False, True])
def test_finding_2_a_sheet_over_the_column_limit_is_refused_with_a_message(csv: bool) -> None:
    rows: list[list[object]] = [["a", "b", "c"], [1, None, None, 4]]
    with override_settings(IMPORT_MAX_COLUMNS=3), translation.override("en"):
        issue = _one(rows, csv=csv)
        assert issue.column == "D"
        assert str(issue) == (
            "column D: the sheet has more than 3 columns (column 4 of row 2 holds a value)"
        )
    with override_settings(IMPORT_MAX_COLUMNS=3), translation.override("zh-hans"):
        assert str(_one(rows, csv=csv)) == "D 列：工作表超过 3 列（第 2 行第 4 列有值）"


def test_finding_2_the_limits_fit_the_benchmark_and_the_province() -> None:
    from django.conf import settings

    # bench/records_xlsx.py uploads 100,000 rows of 9 columns; a province's largest
    # organisation sheet (posts) has ~46,000 rows.
    assert settings.IMPORT_MAX_ROWS >= 100_000
    assert len(COLUMNS) <= settings.IMPORT_MAX_COLUMNS
