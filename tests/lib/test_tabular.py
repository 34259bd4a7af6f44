"""The tabular plumbing every import shares: files read as they are, cells converted
alike, issues located in the user's words, errors handed back in the user's file."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import pytest
from django.utils.translation import override
from openpyxl import load_workbook

from qingfeng.lib import errors_workbook, tabular
from qingfeng.lib.tabular import FILE, BadValue, Issue, Issues
from tests.workbooks import sheet_bytes


def with_dimension(data: bytes, ref: str) -> bytes:
    """The workbook claiming ``ref`` as its sheet's dimension (as some programs write)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), content
                )
            target.writestr(info, content)
    return out.getvalue()


class TestIssues:
    def test_it_words_places_as_a_spreadsheet_shows_them(self) -> None:
        with override("en"):
            assert str(Issue("units", 3, "code", "bad")) == "sheet units, row 3, column code: bad"
            assert str(Issue("units", 3, None, "bad")) == "sheet units, row 3: bad"
            assert str(Issue("", 3, "date", "bad")) == "row 3, column date: bad"
            assert str(Issue("", None, None, "too large")) == "too large"
            assert str(Issue(FILE, None, None, "broken")) == "file: broken"
            assert (
                str(Issue("", None, None, "bad", place="bands[2].below")) == "bands[2].below: bad"
            )

    def test_it_words_them_in_chinese(self) -> None:
        with override("zh-hans"):
            # A column or sheet by its Chinese name and its code (qingfeng.lib.headers).
            assert str(Issue("", 3, "date", "错")) == "第 3 行“日期”列（date）：错"
            in_units = "“单位”工作表（units）第 3 行“编码”列（code）：错"
            assert str(Issue("units", 3, "code", "错")) == in_units
            assert str(Issue("", 3, "E", "错")) == "第 3 行 E 列：错"
            assert str(Issue(FILE, None, None, "错")) == "文件：错"

    def test_node_and_field_do_not_change_an_issue(self) -> None:
        assert Issue("", 1, "a", "m", node="A1", field="max") == Issue("", 1, "a", "m")


class TestReading:
    def test_it_reads_a_sheet_with_a_huge_declared_dimension_as_it_is(self) -> None:
        data = with_dimension(
            sheet_bytes([["unit", "date"], ["A1", None]], "records"), "A1:XFD1048576"
        )
        sheets = tabular.read_xlsx(data, Issues())
        assert sheets == {"records": [["unit", "date"], ["A1"]]}

    def test_it_drops_trailing_blank_rows_and_keeps_blank_rows_between(self) -> None:
        data = sheet_bytes([["unit"], [None], ["A1"], [None], [" "]], "records")
        assert tabular.read_xlsx(data, Issues()) == {"records": [["unit"], [], ["A1"]]}

    def test_it_reads_only_the_sheet_asked_for(self) -> None:
        book = load_workbook(io.BytesIO(sheet_bytes([["x"]], title="notes")))
        book.create_sheet("records").append(["unit"])
        buffer = io.BytesIO()
        book.save(buffer)
        sheets = tabular.read_xlsx(buffer.getvalue(), Issues(), only=lambda titles: titles[-1])
        assert sheets == {"records": [["unit"]]}

    def test_it_reports_a_file_that_is_no_workbook(self) -> None:
        issues = Issues()
        with override("en"):
            assert tabular.read_xlsx(b"PK not really", issues) is None
            assert [str(i) for i in issues.items] == [
                "file: the file is not a valid .xlsx workbook"
            ]

    def test_it_reads_csv_in_gb18030(self) -> None:
        rows = tabular.read_csv("unit,note\nA1,来信\n".encode("gb18030"), Issues())
        assert rows == [["unit", "note"], ["A1", "来信"]]

    def test_it_keeps_yaml_scalars_as_text(self) -> None:
        ok, document = tabular.read_yaml(b"code: 001\nflag: NO\nempty: null\n", Issues())
        assert ok and document == {"code": "001", "flag": "NO", "empty": None}

    def test_it_reports_the_header_and_values_without_a_column(self) -> None:
        issues = Issues()
        rows = [["unit", "UNIT", "colour", None], ["A1", "A2", "red", "x"], [], ["A3"]]
        names = tabular.read_header(rows[0], sheet="", columns=("unit", "date"), issues=issues)
        items = list(tabular.read_items(rows, names, sheet="", issues=issues))
        assert names == ["unit", None, None, None]
        assert [(item.row, item.values) for item in items] == [
            (2, {"unit": "A1"}),
            (4, {"unit": "A3"}),
        ]
        assert [(i.row, i.column) for i in issues.items] == [(1, "unit"), (1, "colour"), (2, "D")]


class TestCells:
    def test_it_converts_cells_as_people_write_them(self) -> None:
        assert tabular.cell("  x ") == "x" and tabular.cell(" ") is None
        assert tabular.cell(3.0) == 3
        assert tabular.cell(datetime.datetime(2025, 3, 1)) == datetime.date(2025, 3, 1)
        assert tabular.text(12.0) == "12"
        assert tabular.number("３.５") == 3.5
        assert tabular.loose_date("2025/3/1") == datetime.date(2025, 3, 1)
        assert tabular.boolean("是") is True

    @pytest.mark.parametrize(
        ("convert", "value", "message"),
        [
            (tabular.number, "abc", 'expected a number, got "abc"'),
            (tabular.number, "inf", 'expected a number, got "inf"'),
            (tabular.date, "2025-02-30", 'expected a date as YYYY-MM-DD, got "2025-02-30"'),
            (tabular.text, [1], "expected a single value"),
            (tabular.bounded(3), "abcd", "too long: at most 3 characters, this has 4"),
        ],
    )
    def test_it_says_why_a_cell_is_refused(
        self, convert: object, value: object, message: str
    ) -> None:
        with override("en"), pytest.raises(BadValue, match=re.escape(message)):
            convert(value)  # type: ignore[operator]


class TestErrorsWorkbook:
    def test_it_gives_the_file_back_with_an_error_column_and_red_cells(self) -> None:
        data = sheet_bytes(
            [["unit", "date"], ["A1", "2025-02-30"], ["A2", "2025-03-01"]], "records"
        )
        issues = [Issue("", 2, "date", "bad date"), Issue("", None, None, "whole file")]
        with override("en"):
            out = errors_workbook.errors_workbook(
                data=data, filename="r.xlsx", issues=issues, sheet="records"
            )
        assert out is not None
        sheet = load_workbook(io.BytesIO(out))["records"]
        assert [c.value for c in sheet[1]] == ["unit", "date", "error"]
        assert sheet["C2"].value == "column date: bad date" and sheet["C3"].value is None
        assert sheet["B2"].fill.start_color.rgb.endswith("FFC7CE")
        assert sheet["A2"].fill.fill_type is None

    def test_it_gives_nothing_back_when_no_row_is_named(self) -> None:
        issues = [Issue("", None, None, "whole file")]
        assert (
            errors_workbook.errors_workbook(data=b"", filename="r.csv", issues=issues, sheet="r")
            is None
        )
