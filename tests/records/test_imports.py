"""Records import: files read, every error located, all or nothing, the command."""

from __future__ import annotations

import datetime
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils.translation import override
from openpyxl import Workbook
from simple_history.utils import get_history_manager_for_model

from qingfeng.accounts.models import User
from qingfeng.records.imports import read_records_file
from qingfeng.records.models import Record, RecordSource, RecordStatus
from qingfeng.records.services import record_create, records_import
from qingfeng.scoring.models import Snapshot
from tests.records.conftest import Setup
from tests.workbooks import sheet_bytes as xlsx

pytestmark = pytest.mark.django_db


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


def issues_of(data: bytes, filename: str, setup: Setup, **kwargs: object) -> list[str]:
    with override("en"):
        result = records_import(
            data=data,
            filename=filename,
            framework=setup.framework,
            **kwargs,  # type: ignore[arg-type]
        )
        assert result.created == 0
        return [str(issue) for issue in result.issues]


def test_it_imports_a_valid_xlsx(setup: Setup, actor: User) -> None:
    data = xlsx(
        [
            [
                "unit",
                "indicator",
                "date",
                "points",
                "quantity",
                "grade",
                "value",
                "problem_type",
                "note",
            ],
            ["A1", "A1", datetime.date(2025, 3, 1), None, 2, None, None, "四风", "通报一次"],
            ["A1-1", "A2", datetime.datetime(2025, 4, 2), None, 1, "一档", None, None, None],
            ["A2", "A3", "2025-05-03", 8.5, None, None, None, None, None],
            [None, None, None, None, None, None, None, None, None],
            ["A1", "A4", "2025-06-30", None, None, None, 0.92, None, None],
            ["A1", "A5", "2025-07-01", None, None, None, 88, None, None],
            ["A2", "A6", "2025-08-08", None, None, None, None, "违纪违法案件", None],
            ["A2", "B2", "2025-09-09", 1, None, None, None, None, None],
        ],
        title="records",
    )
    result = records_import(
        data=data,
        filename="records.xlsx",
        framework=setup.framework,
        station=setup.org.station_a,
        actor=actor,
    )
    assert result.issues == []
    assert result.created == 7
    records = {r.indicator_code: r for r in Record.objects.filter(pk__in=result.record_ids)}
    assert set(records) == {"A1", "A2", "A3", "A4", "A5", "A6", "B2"}
    deduction = records["A1"]
    assert deduction.unit == setup.org.unit_a1
    assert deduction.date == datetime.date(2025, 3, 1)
    assert (deduction.points, deduction.quantity) == (None, 2)
    assert (deduction.problem_type, deduction.note) == ("四风", "通报一次")
    assert deduction.status == RecordStatus.APPROVED
    assert deduction.source == RecordSource.IMPORTED
    assert deduction.station == setup.org.station_a
    assert deduction.created_by == actor
    assert records["A2"].grade == "一档" and records["A2"].unit == setup.org.unit_a1_sub
    assert records["A2"].date == datetime.date(2025, 4, 2)
    assert records["A3"].points == 8.5
    assert records["A4"].value == 0.92
    assert records["A5"].value == 88
    assert records["A6"].points is None
    history = get_history_manager_for_model(Record).filter(id__in=result.record_ids)
    assert history.count() == 7
    assert {h.history_type for h in history} == {"+"}
    assert {h.history_user_id for h in history} == {actor.pk}
    # The periods the records fall in were recomputed.
    assert {"2025", "2025H1", "2025H2", "2025Q1", "2025Q3"} <= set(result.periods)
    assert Snapshot.objects.filter(period="2025", unit=setup.org.unit_a1).exists()


def test_it_imports_a_valid_csv_in_any_column_order(setup: Setup) -> None:
    # As Excel writes it: CRLF between rows, a bare LF inside a quoted cell.
    data = (
        "note,date,indicator,unit,points\r\n"
        '"多行\n备注",2025-01-15,A1,A1,３.５\r\n'
        ",2025/2/3,A3,A2,10\r\n"
    ).encode("utf-8-sig")
    result = records_import(data=data, filename="R.CSV", framework=setup.framework)
    assert result.issues == []
    assert result.created == 2
    first, second = Record.objects.filter(pk__in=result.record_ids).order_by("date")
    assert (first.points, first.note, first.quantity, first.grade) == (3.5, "多行\n备注", None, "")
    assert second.date == datetime.date(2025, 2, 3) and second.points == 10
    assert first.station is None and first.created_by is None
    assert first.status == RecordStatus.APPROVED


def test_it_reads_gb18030_csv(setup: Setup) -> None:
    data = csv_bytes(
        "unit,indicator,date,points,note\nA1,A1,2025-03-01,2,党风廉政问题\n", "gb18030"
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = records_import(data=data, filename="records.csv", framework=setup.framework)
    assert result.issues == []
    assert Record.objects.get().note == "党风廉政问题"


def test_it_stores_nothing_and_locates_every_error(setup: Setup, actor: User) -> None:
    data = csv_bytes(
        "unit,indicator,date,points,quantity,grade,value\n"
        "ZZ,A1,2025-03-01,1,,,\n"  # 2 unknown unit
        "A1,XX,2025-03-01,1,,,\n"  # 3 unknown indicator
        "A1,A,2025-03-01,1,,,\n"  # 4 a group
        "A2,B1,2025-03-01,1,,,\n"  # 5 another station's indicator
        "A1,A1,2025-02-30,1,,,\n"  # 6 no such day
        "A1,A1,2025-03-01,-1,,,\n"  # 7 negative deduction
        "A1,A2,2025-03-01,,,三档,\n"  # 8 unknown grade
        "A1,A3,2025-03-01,12,,,\n"  # 9 direct points above the max
        "A1,A5,2025-03-01,,,,120\n"  # 10 survey value above 100
        "B1,A1,2025-03-01,1,,,\n"  # 11 outside the actor's scope
        "A1,A1,2025-03-01,3,,,\n"  # 12 fine
        "A1,B2,2025-03-01,1,,,\n"  # 13 not for this unit's category
        "A1,A1,2025-03-01,abc,0,,\n"  # 14 not a number; quantity 0
        "A1,A1,2024-05-01,1,,,\n"  # 15 no version in force
        ",A1,2025-03-01,,,,\n"  # 16 no unit
        "A1,A4,2025-03-01,,,,\n"  # 17 rate without a value
        "A1,B2,2025-03-01,,,,\n"  # 18 (A2 would do) deduct without per needs points
    )
    issues = issues_of(data, "bad.csv", setup, station=setup.org.station_a, actor=actor)
    assert issues == [
        'row 2, column unit: unknown unit "ZZ"',
        'row 3, column indicator: unknown indicator "XX" in 2025 版 v1 (in force for 2025)',
        'row 4, column indicator: indicator "A" is a group; records go on its leaf indicators',
        'row 5, column indicator: indicator "B1" belongs to another data station',
        'row 6, column date: expected a date as YYYY-MM-DD, got "2025-02-30"',
        "row 7, column points: points must be 0 or more",
        'row 8, column grade: unknown grade "三档"; expected one of: 一档, 二档',
        "row 9, column points: points must be between 0 and 10",
        "row 10, column value: the value must be between 0 and 100",
        'row 11, column unit: unknown unit "B1"',
        'row 13, column indicator: indicator "B2" does not apply to units of the category '
        '"government"',
        'row 14, column points: expected a number, got "abc"',
        "row 14, column quantity: the quantity must be more than 0",
        'row 15, column date: the framework "LK" has no published version for 2024',
        "row 16, column unit: this field is required",
        "row 17, column value: a value is required",
        'row 18, column indicator: indicator "B2" does not apply to units of the category '
        '"government"',
        "row 18, column points: points are required (the rule gives no points per item)",
    ]
    assert not Record.objects.exists()
    assert not get_history_manager_for_model(Record).exists()


def test_it_reports_in_chinese_by_default(setup: Setup) -> None:
    data = csv_bytes("unit,indicator,date\nA1,A1,2025-13-01\n")
    with override("zh-hans"):
        result = records_import(data=data, filename="r.csv", framework=setup.framework)
        text = str(result.issues[0])
    assert text == "第 2 行“日期”列（date）：应为 YYYY-MM-DD 格式的日期，实际为“2025-13-01”"


def test_it_hides_units_outside_the_scope_like_missing_ones(setup: Setup, actor: User) -> None:
    data = csv_bytes("unit,indicator,date,points\nB1,A1,2025-03-01,1\nNOPE,A1,2025-03-01,1\n")
    issues = issues_of(data, "r.csv", setup, actor=actor)
    assert issues == [
        'row 2, column unit: unknown unit "B1"',
        'row 3, column unit: unknown unit "NOPE"',
    ]


def test_it_checks_grades_and_direct_points_in_xlsx(setup: Setup) -> None:
    data = xlsx(
        [
            ["indicator", "unit", "date", "points", "grade"],
            ["A2", "A1", datetime.date(2025, 1, 1), None, None],
            ["A3", "A1", datetime.date(2025, 1, 1), None, None],
            ["A3", "A1", "1 March", 5, None],
            ["A1", "A1", datetime.date(2025, 1, 1), True, None],
        ]
    )
    assert issues_of(data, "r.xlsx", setup) == [
        "row 2, column points: points or a grade are required",
        "row 3, column points: points are required",
        'row 4, column date: expected a date as YYYY-MM-DD, got "1 March"',
        'row 5, column points: expected a number, got "True"',
    ]


def test_it_rejects_unknown_duplicate_and_missing_columns(setup: Setup) -> None:
    data = csv_bytes("unit,indicator,ponts,unit\nA1,A1,1,A1\n")
    assert issues_of(data, "r.csv", setup) == [
        'row 1, column ponts: unknown column "ponts"; expected one of: unit, indicator, date, '
        "points, quantity, grade, value, problem_type, note, nil",
        "row 1, column unit: duplicate column",
        "row 1: column date is missing",
    ]
    assert not Record.objects.exists()


def test_it_rejects_values_in_unnamed_columns(setup: Setup) -> None:
    data = csv_bytes("unit,indicator,date,points\nA1,A1,2025-03-01,1,surprise\n")
    assert issues_of(data, "r.csv", setup) == [
        "row 2, column E: a value in a column without a name"
    ]


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "empty.csv"),
        (b"\xef\xbb\xbf", "bom-only.csv"),
        (b"unit,indicator,date\r\n,,\r\n", "header-only.csv"),
        (xlsx([]), "empty.xlsx"),
        (xlsx([["unit", "indicator", "date"]]), "header-only.xlsx"),
    ],
    ids=["empty.csv", "bom-only.csv", "header-only.csv", "empty.xlsx", "header-only.xlsx"],
)
def test_it_reports_an_empty_file(setup: Setup, data: bytes, filename: str) -> None:
    assert issues_of(data, filename, setup) == ["the file contains nothing to import"]


def test_it_rejects_unreadable_files(setup: Setup) -> None:
    assert issues_of(b"PK\x03\x04 junk", "r.xlsx", setup) == [
        "the file is not a valid .xlsx workbook"
    ]
    assert issues_of(b"unit", "r.ods", setup) == ["unsupported file type; use .xlsx or .csv"]
    assert issues_of(b"\xff\xfe\x00\xd8\x81", "r.csv", setup) == [
        "the file is neither UTF-8 nor GB18030 text"
    ]


def test_it_limits_size_and_rows(setup: Setup) -> None:
    data = csv_bytes("unit,indicator,date,points\n" + "A1,A1,2025-03-01,1\n" * 3)
    with override_settings(RECORDS_IMPORT_MAX_ROWS=2):
        assert issues_of(data, "r.csv", setup) == ["the file has more than 2 records"]
    with override_settings(IMPORT_MAX_BYTES=2**20):
        assert issues_of(b"x" * (2**20 + 1), "r.csv", setup) == ["the file is larger than 1 MB"]
    with override_settings(RECORDS_IMPORT_MAX_ROWS=3):
        assert records_import(data=data, filename="r.csv", framework=setup.framework).created == 3


def test_it_reads_the_records_sheet_else_the_first(setup: Setup) -> None:
    workbook = Workbook()
    intro = workbook.active
    assert intro is not None
    intro.title = "说明"
    intro.append(["填表说明"])
    sheet = workbook.create_sheet("Records")
    sheet.append(["unit", "indicator", "date", "points"])
    sheet.append(["A1", "A1", "2025-03-01", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = read_records_file(data=buffer.getvalue(), filename="r.xlsx")
    assert read.issues == []
    assert [(row.row, row.values["unit"]) for row in read.rows] == [(2, "A1")]


def test_it_creates_one_record_with_the_same_rules(setup: Setup, actor: User) -> None:
    org = setup.org
    record = record_create(
        framework=setup.framework,
        indicator_code="A1",
        unit=org.unit_a1,
        date=datetime.date(2025, 3, 1),
        actor=actor,
        points=2,
        status=RecordStatus.APPROVED,
        station=org.station_a,
    )
    assert record.pk and record.created_by == actor and record.source == RecordSource.TYPED
    assert get_history_manager_for_model(record).get().history_user == actor
    assert Snapshot.objects.filter(period="2025Q1", unit=org.unit_a1).exists()
    with override("en"), pytest.raises(ValidationError) as caught:
        record_create(
            framework=setup.framework,
            indicator_code="A3",
            unit=org.unit_b1,
            date=datetime.date(2025, 3, 1),
            actor=actor,
            points=11,
            quantity=-1,
        )
    assert caught.value.message_dict == {
        "unit": ['unknown unit "B1"'],
        "quantity": ["the quantity must be more than 0"],
        "points": ["points must be between 0 and 10"],
    }
    with override("en"), pytest.raises(ValidationError) as caught:
        record_create(
            framework=setup.framework,
            indicator_code="B1",
            unit=org.unit_a2,
            date=datetime.date(2025, 3, 1),
            actor=None,
            station=org.station_a,
        )
    assert caught.value.message_dict == {
        "indicator_code": ['indicator "B1" belongs to another data station']
    }
    assert Record.objects.count() == 1


def test_it_imports_from_the_command_line(setup: Setup, tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    path.write_bytes(
        csv_bytes("unit,indicator,date,points\nA1,A1,2025-03-01,2\nA2,A3,2025-04-01,9\n")
    )
    out = StringIO()
    with override("en"):
        call_command(
            "import_records", str(path), "--station", "ST-A", "--framework", "LK", stdout=out
        )
    text = out.getvalue()
    assert "Imported 2 records" in text
    assert "Recomputed periods:" in text and "2025Q2" in text
    assert Record.objects.filter(status=RecordStatus.APPROVED, source="imported").count() == 2
    assert set(Record.objects.values_list("station__code", flat=True)) == {"ST-A"}


def test_it_prints_every_error_and_fails_from_the_command_line(
    setup: Setup, tmp_path: Path
) -> None:
    path = tmp_path / "records.csv"
    path.write_bytes(
        csv_bytes("unit,indicator,date,points\nA2,B1,2025-03-01,2\nZZ,A1,2025-03-01,1\n")
    )
    err = StringIO()
    with override("en"), pytest.raises(CommandError, match="2 problem"):
        call_command(
            "import_records", str(path), "--station", "ST-A", "--framework", "LK", stderr=err
        )
    assert err.getvalue().splitlines() == [
        'row 2, column indicator: indicator "B1" belongs to another data station',
        'row 3, column unit: unknown unit "ZZ"',
    ]
    assert not Record.objects.exists()
    with override("en"), pytest.raises(CommandError, match='Unknown framework "NO"'):
        call_command("import_records", str(path), "--station", "ST-A", "--framework", "NO")
    with pytest.raises(CommandError):
        call_command("import_records", str(path), "--framework", "LK")


def test_it_rejects_units_outside_the_frameworks_region(setup: Setup) -> None:
    setup.framework.region = setup.org.county_a
    setup.framework.save()
    data = csv_bytes("unit,indicator,date,points\nB1,A1,2025-03-01,1\nA1,A1,2025-03-01,1\n")
    assert issues_of(data, "r.csv", setup) == [
        'row 2, column unit: unit "B1" is not assessed with the framework "LK"'
    ]
