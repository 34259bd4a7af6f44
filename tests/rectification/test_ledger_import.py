"""Importing a problem ledger sheet: all or nothing, every error located by row and column,
a step and history per problem entered, a second import of the same file adds nothing,
hostile files handled; the upload page in the station's scope."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import override
from openpyxl import Workbook, load_workbook

from qingfeng.accounts.models import User
from qingfeng.records.models import ProblemType
from qingfeng.rectification.import_services import problems_import
from qingfeng.rectification.models import Campaign, Problem, ProblemSource, StepAction
from qingfeng.rectification.template_xlsx import build_template
from tests.conftest import Org, client_for, make_user
from tests.lib.test_tabular import with_dimension
from tests.workbooks import sheet_bytes

pytestmark = pytest.mark.django_db

HEADER = ["单位", "问题来源", "问题类型", "问题描述", "责任人", "整改期限", "外部编号", "专项整治"]


@pytest.fixture
def clerk(org: Org) -> User:
    ProblemType.objects.create(name="违规发放津补贴")
    ProblemType.objects.create(name="公务用车")
    Campaign.objects.create(region=org.county_a, name="违规吃喝专项整治")
    return make_user("clerk_a", "station_clerk", station=org.station_a)


def _good_rows() -> list[list[object]]:
    return [
        HEADER,
        [
            "A1",
            "巡察",
            "违规发放津补贴",
            "发放节日慰问品超标准",
            "王建国",
            "2026-12-31",
            "XC-1",
            "",
        ],
        [
            "黎侯镇",
            "审计",
            "",
            "专项资金拨付滞后",
            "",
            "2026年11月30日",
            "SJ-7",
            "违规吃喝专项整治",
        ],
        ["A1-1", "audit", "公务用车", "公车私用", "", datetime.date(2027, 1, 15), "", ""],
    ]


def test_a_good_file_enters_exactly_its_rows_with_a_step_and_history_each(
    org: Org, clerk: User
) -> None:
    result = problems_import(
        data=sheet_bytes(_good_rows(), "问题台账"),
        filename="台账.xlsx",
        actor=clerk,
        station=org.station_a,
    )
    assert result.ok and result.created == 3 and result.skipped == 0
    problems = list(Problem.objects.order_by("pk"))
    assert [(p.unit.code, p.source, p.due, p.external_id) for p in problems] == [
        ("A1", ProblemSource.INSPECTION, datetime.date(2026, 12, 31), "XC-1"),
        ("A2", ProblemSource.AUDIT, datetime.date(2026, 11, 30), "SJ-7"),
        ("A1-1", ProblemSource.AUDIT, datetime.date(2027, 1, 15), ""),
    ]
    assert problems[1].campaign is not None and problems[1].campaign.name == "违规吃喝专项整治"
    assert problems[0].responsible_person == "王建国" and problems[0].station == org.station_a
    for problem in problems:
        assert list(problem.steps.values_list("action", "actor")) == [
            (StepAction.CREATED, clerk.pk)
        ]
        assert problem.history.count() == 1
        assert problem.history.get().history_user == clerk


def test_the_same_file_imported_again_adds_nothing(org: Org, clerk: User) -> None:
    data = sheet_bytes(_good_rows())
    problems_import(data=data, filename="a.xlsx", actor=clerk, station=org.station_a)
    again = problems_import(data=data, filename="a.xlsx", actor=clerk, station=org.station_a)
    assert again.ok and again.created == 0 and again.skipped == 3
    assert Problem.objects.count() == 3


def test_a_bad_file_changes_nothing_and_names_each_error_by_row_and_column(
    org: Org, clerk: User
) -> None:
    rows = [
        *_good_rows(),
        ["B1", "巡察", "", "外县单位", "", "2026-12-31", "", ""],  # outside the station's scope
        ["A1", "路过", "乱写的类型", "", "", "2026-02-30", "XC-1", "没有的整治"],
    ]
    with override("zh-hans"):
        result = problems_import(
            data=sheet_bytes(rows), filename="bad.xlsx", actor=clerk, station=org.station_a
        )
        messages = [str(issue) for issue in result.issues]
    assert not result.ok and Problem.objects.count() == 0
    located = [(issue.row, issue.column) for issue in result.issues]
    assert located == [
        (5, "unit"),
        (6, "source"),
        (6, "problem_type"),
        (6, "description"),
        (6, "due"),
        (6, "external_id"),
        (6, "campaign"),
    ]
    assert messages[0].startswith("第 5 行“单位”列（unit）")
    assert "B1" in messages[0]
    assert "第 2 行" in messages[5]  # the row that first used XC-1


def test_a_csv_in_gb18030_with_english_headers_imports(org: Org, clerk: User) -> None:
    text = "unit,source,description,due\nA1,信访,群众反映食堂账目不清,2026/10/08\n"
    result = problems_import(
        data=text.encode("gb18030"), filename="p.csv", actor=clerk, station=org.station_a
    )
    assert result.ok and Problem.objects.get().source == ProblemSource.PETITION


def test_hostile_cells_stay_text_and_a_huge_dimension_is_read_as_stored(
    org: Org, clerk: User
) -> None:
    formula = '=HYPERLINK("http://x.example","点我")'
    rows = [HEADER, ["A1", "巡察", "", formula, "", "2026-12-31"]]
    # A live formula has no value the import reads (no cached result): refused, located.
    live = problems_import(
        data=sheet_bytes(rows), filename="f.xlsx", actor=clerk, station=org.station_a
    )
    assert [(issue.row, issue.column) for issue in live.issues] == [(2, "description")]
    # The same text stored as text stays text, read through a declared A1:XFD1048576.
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(rows[0])
    sheet.append(rows[1])
    sheet["D2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = with_dimension(buffer.getvalue(), "A1:XFD1048576")
    result = problems_import(data=data, filename="h.xlsx", actor=clerk, station=org.station_a)
    assert result.ok and Problem.objects.get().description == formula
    # A .csv may carry control characters no workbook can: they are dropped on the way in.
    text = 'unit,source,description,due\nA1,巡察,"食堂\x07账目\x1b不清",2026-12-31\n'
    result = problems_import(
        data=text.encode(), filename="c.csv", actor=clerk, station=org.station_a
    )
    assert result.ok and Problem.objects.filter(description="食堂账目不清").exists()


def test_a_value_far_below_is_refused_quickly(org: Org, clerk: User, settings: object) -> None:
    rows: list[list[object]] = [HEADER, ["A1", "巡察", "", "x", "", "2026-12-31"]]
    rows += [[] for _ in range(30)] + [["A1"]]
    setattr(settings, "IMPORT_MAX_ROWS", 20)  # noqa: B010
    result = problems_import(
        data=sheet_bytes(rows), filename="far.xlsx", actor=clerk, station=org.station_a
    )
    assert not result.ok and Problem.objects.count() == 0
    assert "20" in result.issues[0].message


def test_the_template_has_chinese_headers_and_an_explanation_with_examples() -> None:
    workbook = load_workbook(io.BytesIO(build_template()))
    assert workbook.sheetnames == ["问题台账", "填写说明"]
    assert [c.value for c in workbook["问题台账"][1]] == HEADER
    assert workbook["问题台账"].max_row == 1  # no example row to import by mistake
    explained = {row[0]: row for row in workbook["填写说明"].iter_rows(values_only=True)}
    assert explained["整改期限"][3] == "2026年12月31日"


def test_the_page_imports_for_the_clerks_station_and_gives_the_errors_back(
    org: Org, clerk: User, settings: object, tmp_path: object
) -> None:
    setattr(settings, "MEDIA_ROOT", tmp_path)  # noqa: B010
    client = client_for(clerk)
    page = client.get(reverse("rectification:import"))
    assert page.status_code == 200 and "黎城县委组织部" in page.content.decode()
    template = load_workbook(
        io.BytesIO(client.get(reverse("rectification:import_template")).content)
    )
    explained = {row[0]: row for row in template["填写说明"].iter_rows(values_only=True)}
    assert explained["单位"][3] == "A1"  # the example is a unit of the clerk's station
    rows = [*_good_rows(), ["A1", "路过", "", "x", "", "2026-12-31"]]
    upload = SimpleUploadedFile("bad.xlsx", sheet_bytes(rows))
    response = client.post(reverse("rectification:import"), {"file": upload})
    text = response.content.decode()
    assert "第 5 行“问题来源”列（source）" in text and Problem.objects.count() == 0
    errors = client.get(response.context["errors_url"])
    sheet = load_workbook(io.BytesIO(errors.content)).active
    assert sheet is not None and "问题来源" in str(sheet.cell(row=5, column=9).value)
    good = SimpleUploadedFile("good.xlsx", sheet_bytes(_good_rows()))
    done = client.post(reverse("rectification:import"), {"file": good}, follow=True)
    assert "新录入问题 3 个" in done.content.decode() and Problem.objects.count() == 3


def test_another_countys_station_is_404_and_a_liaison_may_not_import(org: Org, clerk: User) -> None:
    outsider = make_user("admin_b", "commission_admin", region=org.county_b)
    url = reverse("rectification:import") + "?station=ST-A"
    assert client_for(outsider).get(url).status_code == 404
    liaison = make_user("liaison", "unit_liaison", unit=org.unit_a1)
    assert client_for(liaison).get(reverse("rectification:import")).status_code == 403


def test_the_command_imports_without_a_scope(org: Org, clerk: User, tmp_path: object) -> None:
    path = f"{tmp_path}/p.xlsx"
    with open(path, "wb") as out:
        out.write(sheet_bytes(_good_rows()))
    call_command("import_problems", path, "--station", "ST-A")
    assert Problem.objects.count() == 3
