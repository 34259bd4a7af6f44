"""Fuzzing the imports (issue 10): the tabular readers of ``qingfeng.lib.tabular`` and the
records, organisation and framework imports, fed files with arbitrary cells.

Each file is a valid one (the demo county's own export, or records of its open period)
with a few cells replaced by anything a spreadsheet can hold: any text, numbers (huge,
negative, NaN and infinities written as text), dates, booleans, empty cells, formulas.
Never an exception: the answer is the documented result, with its issues located by
sheet, row and column; and all or nothing: a refused file leaves every row as it was (no
row added, none changed: the history has no new entry).
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from qingfeng.accounts.models import User
from qingfeng.accounts.selectors import org_scope
from qingfeng.framework.interchange import framework_import
from qingfeng.framework.interchange_write import framework_export
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator, VersionStatus
from qingfeng.lib.periods import Period
from qingfeng.lib.tabular import Issues, read_csv_cells, read_header, read_items, read_xlsx
from qingfeng.org.interchange import import_org
from qingfeng.org.interchange_write import export_org
from qingfeng.org.models import DisciplineGroup, Person, Post, Region, Station, Unit, UnitCategory
from qingfeng.records.imports import COLUMNS
from qingfeng.records.models import CollectionPeriod, PeriodStatus, Record, RecordStatus
from qingfeng.records.services import records_import
from tests.demo_county import DemoCounty
from tests.fuzz import TRICKY, fuzz_settings
from tests.workbooks import sheets_bytes

pytestmark = pytest.mark.django_db

# Characters an .xlsx cannot hold at all (openpyxl refuses to write them): a file with
# them cannot exist, so they are left out of the workbook cells (the CSV gets them).
_XML_ILLEGAL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\ud800", "\ufffe"}


def _cell_values(*, for_xlsx: bool) -> st.SearchStrategy[Any]:
    text = st.one_of(st.sampled_from(TRICKY), st.text(max_size=40))
    if for_xlsx:
        text = text.filter(lambda value: not any(c in _XML_ILLEGAL for c in value))
        text = text.filter(lambda value: not (0xD800 <= max(map(ord, value), default=0) < 0xE000))
    numbers = st.one_of(
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([0, -1, 0.5, 1e308, -1e308, 2**63, 1e-320]),
    )
    dates = st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31))
    return st.one_of(text, numbers, dates, st.booleans(), st.none(), st.just("=1+1"))


def _mutated(
    sheets: dict[str, list[list[Any]]], data: st.DataObject, *, for_xlsx: bool = True
) -> dict[str, list[list[Any]]]:
    """``sheets`` with one to three cells (header cells included) replaced."""
    copy = {title: [list(row) for row in rows] for title, rows in sheets.items()}
    titles = sorted(title for title, rows in copy.items() if rows)
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        rows = copy[data.draw(st.sampled_from(titles), label="sheet")]
        row = rows[data.draw(st.integers(0, len(rows) - 1), label="row")]
        width = max(len(row), 1)
        column = data.draw(st.integers(0, width), label="column")
        value = data.draw(_cell_values(for_xlsx=for_xlsx), label="value")
        if column < len(row):
            row[column] = value
        else:
            row.append(value)
    return copy


def _sheets_of(data: bytes, keep: int) -> dict[str, list[list[Any]]]:
    """The sheets of a workbook, each cut to its header and ``keep`` rows."""
    workbook = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)][: keep + 1]
        for sheet in workbook.worksheets
    }


def _state(*models: Any) -> tuple[int, ...]:
    """Rows and history entries of ``models``: what an import refused must not change."""
    return tuple(n for model in models for n in (model.objects.count(), model.history.count()))


ORG_MODELS = (Region, UnitCategory, Unit, Person, Post, Station, DisciplineGroup)
# The demo's exports, read once per test (the file every example mutates).
_EXPORTS: dict[str, dict[str, list[list[Any]]]] = {}


@pytest.fixture(autouse=True)
def _fresh_exports() -> Any:
    _EXPORTS.clear()
    yield
    _EXPORTS.clear()


# ---------------------------------------------------------------------------------------
# The readers


@fuzz_settings(60)
@given(rows=st.lists(st.lists(_cell_values(for_xlsx=False), max_size=6), max_size=6))
def test_fuzz_tabular_readers_read_any_csv(rows: list[list[Any]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if v is None else str(v) for v in row] for row in rows])
    for data in (buffer.getvalue().encode("utf-8", "surrogatepass"), b"\xff\xfe" + b"\x00" * 9):
        issues = Issues()
        cells = read_csv_cells(data, issues)
        assert (cells is None) == bool(issues.items)
        if cells:
            names = read_header(cells[0], sheet="", columns=COLUMNS, issues=issues)
            assert len(list(read_items(cells, names, sheet="", issues=issues))) <= len(cells)


@fuzz_settings(30)
@given(rows=st.lists(st.lists(_cell_values(for_xlsx=True), max_size=6), max_size=6))
def test_fuzz_tabular_readers_read_any_workbook(rows: list[list[Any]]) -> None:
    issues = Issues()
    sheets = read_xlsx(sheets_bytes({"records": rows}), issues)
    assert sheets is not None and not issues.items
    cells = sheets["records"]
    if cells:
        names = read_header(cells[0], sheet="", columns=COLUMNS, issues=issues)
        list(read_items(cells, names, sheet="", issues=issues))


# ---------------------------------------------------------------------------------------
# The imports


def _records_file(unit: str, indicator: str, day: datetime.date) -> dict[str, list[list[Any]]]:
    header = list(COLUMNS)
    row = {"unit": unit, "indicator": indicator, "date": day, "quantity": 1, "note": "督查"}
    return {"records": [header, *([row.get(name) for name in header] for _ in range(3))]}


@fuzz_settings(40)
@given(data=st.data(), as_csv=st.booleans())
def test_fuzz_records_import_is_all_or_nothing(
    demo_county: DemoCounty, data: st.DataObject, as_csv: bool
) -> None:
    clerk = User.objects.get(username="clerk")
    framework = Framework.objects.get(code="LK")
    station = Station.objects.get(code="ST-ORG")
    open_period = CollectionPeriod.objects.filter(
        framework=framework, status=PeriodStatus.OPEN
    ).first()
    assert open_period is not None
    unit = Unit.objects.filter(region=station.region).order_by("code").first()
    assert unit is not None
    sheets = _mutated(
        _records_file(unit.code, "C1.1", Period.parse(open_period.period).start),
        data,
        for_xlsx=not as_csv,
    )
    if as_csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows([["" if v is None else v for v in row] for row in sheets["records"]])
        payload, filename = buffer.getvalue().encode("utf-8", "surrogatepass"), "records.csv"
    else:
        payload, filename = sheets_bytes(sheets), "records.xlsx"
    before = _state(Record)
    result = records_import(
        data=payload,
        filename=filename,
        framework=framework,
        station=station,
        actor=clerk,
        status=RecordStatus.SUBMITTED,
        open_periods_only=True,
    )
    if result.issues:
        assert result.created == 0
        assert _state(Record) == before
    else:
        assert Record.objects.count() == before[0] + result.created


@fuzz_settings(25)
@given(data=st.data())
def test_fuzz_organisation_import_is_all_or_nothing(
    demo_county: DemoCounty, data: st.DataObject
) -> None:
    admin = User.objects.get(username="commission")
    if "org" not in _EXPORTS:
        _EXPORTS["org"] = _sheets_of(export_org(scope=org_scope(admin), fmt="xlsx"), keep=4)
    sheets = _mutated(_EXPORTS["org"], data)
    before = _state(*ORG_MODELS)
    result = import_org(data=sheets_bytes(sheets), filename="org.xlsx", scope=org_scope(admin))
    if result.issues:
        assert _state(*ORG_MODELS) == before


@fuzz_settings(15)
@given(data=st.data())
def test_fuzz_framework_import_is_all_or_nothing(
    demo_county: DemoCounty, data: st.DataObject
) -> None:
    admin = User.objects.get(username="commission")
    if "framework" not in _EXPORTS:
        version = FrameworkVersion.objects.filter(
            framework__code="LK", status=VersionStatus.PUBLISHED
        ).latest("number")
        exported = framework_export(version=version, fmt="xlsx")
        _EXPORTS["framework"] = _sheets_of(exported, keep=200)
    sheets = _mutated(_EXPORTS["framework"], data)
    before = _state(Framework, FrameworkVersion, Indicator)
    result = framework_import(data=sheets_bytes(sheets), filename="lk.xlsx", actor=admin)
    if result.issues:
        assert result.version is None
        assert _state(Framework, FrameworkVersion, Indicator) == before
