"""Framework import and export: all or nothing, drafts only, scope, round trips."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.utils.translation import override
from openpyxl import Workbook, load_workbook

from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.accounts.roles import Role, ScopeKind
from qingfeng.framework import services
from qingfeng.framework.interchange import (
    framework_export,
    read_framework_file,
    version_to_spec,
)
from qingfeng.framework.interchange_format import INDICATOR_COLUMNS, INDICATOR_FLAG_COLUMNS
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator, VersionStatus
from qingfeng.framework.selectors import ordered_indicators
from qingfeng.lib.headers import chinese_header
from qingfeng.org import services as org_services
from qingfeng.org.models import Region, RegionLevel
from tests.conftest import Org, make_user
from tests.framework.conftest import CODES, FRAMEWORK_YAML, base_spec, run_import, to_yaml

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# The FRAMEWORK_YAML content as the .xlsx layout; rows deliberately not in tree order:
# a child may come before its parent, and row order among siblings is their order.
XLSX_INDICATORS: list[list[Any]] = [
    [
        "code",
        "parent",
        "name",
        "max",
        "standard",
        "method",
        "station",
        "applies_to",
        "component",
        "bands",
        "rule_type",
        "per",
        "cap",
        "grades",
        "zero_at",
        "full_at",
    ],
    ["001", "B", "满意度调查", 40, None, None, None, "government、township", None, None, "survey"],
    ["A1", "A", "廉洁从政", 30],
    ["A", None, "政治生态", 60, None, None, None, None, "daily"],
    [
        "A1.1",
        "A1",
        "违纪违法案件",
        19.5,
        "每发生一起扣 2 分，扣完为止",
        "案管室提供数据",
        "ST-A",
        None,
        None,
        None,
        "deduct",
        2,
        20,
    ],
    [
        "A1.2",
        "A1",
        "信访举报",
        "10.5",
        None,
        None,
        None,
        "township",
        None,
        None,
        "rate",
        None,
        None,
        None,
        10,
        0,
    ],
    [
        "A2",
        "A",
        "评优评先",
        20,
        None,
        None,
        None,
        None,
        None,
        "red<0.5",
        "bonus",
        1,
        None,
        "国家级:10，省级：5",
    ],
    ["A3", "A", "班子评价", 9.5, None, None, None, None, None, None, "direct"],
    ["A4", "A", "一票否决", 0, None, None, None, None, None, None, "veto"],
    ["B", None, "群众满意度", 40, None, None, None, None, "survey", "none"],
]


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def same_content_xlsx() -> bytes:
    return workbook(
        {
            "framework": [
                ["key", "value"],
                ["code", "LC"],
                ["name", "黎城县政治生态评估指标体系"],
                ["year", 2025],
                ["scale", 100],
            ],
            "bands": [["level", "below"], ["blue", 0.9], ["yellow", 0.8], ["red", 0.6]],
            "components": [
                ["code", "name", "weight"],
                ["daily", "日常监督", 0.8],
                ["survey", "民意调查", 0.2],
            ],
            "indicators": XLSX_INDICATORS,
        }
    )


def counts() -> dict[str, int]:
    return {
        "frameworks": Framework.objects.count(),
        "versions": FrameworkVersion.objects.count(),
        "indicators": Indicator.objects.count(),
    }


def messages(result: Any) -> list[str]:
    with override("en"):
        return [str(issue) for issue in result.issues]


def test_it_imports_a_valid_yaml_framework(org: Org, admin_a: User) -> None:
    result = run_import(FRAMEWORK_YAML, admin_a)
    assert result.issues == []
    version = result.version
    assert version is not None
    assert result.framework_created and not result.draft_replaced
    assert (result.counts.created, result.counts.updated, result.counts.deleted) == (9, 0, 0)
    framework = version.framework
    assert (framework.code, framework.name, framework.region) == (
        "LC",
        "黎城县政治生态评估指标体系",
        org.county_a,  # the importer's single editable region
    )
    assert (version.number, version.status, version.year, version.scale) == (
        1,
        VersionStatus.DRAFT,
        2025,
        100,
    )
    assert version.bands[0] == {"level": "blue", "below": 0.9}
    assert version.components[1] == {"code": "survey", "name": "民意调查", "weight": 0.2}
    nodes = ordered_indicators(version)
    assert [n.code for n in nodes] == CODES
    by_code = {n.code: n for n in nodes}
    assert [(n.code, n.position) for n in nodes if n.parent_id == by_code["A"].pk] == [
        ("A1", 0),
        ("A2", 1),
        ("A3", 2),
        ("A4", 3),
    ]
    assert by_code["A1.1"].parent == by_code["A1"]
    assert by_code["A1.1"].station == org.station_a
    assert by_code["A1.1"].rule == {"type": "deduct", "per": 2, "cap": 20}
    assert by_code["A1.1"].standard == "每发生一起扣 2 分，扣完为止"
    assert by_code["A1.2"].max == 10.5
    assert by_code["A1.2"].rule == {"type": "rate", "zero_at": 10, "full_at": 0}
    assert by_code["A2"].rule == {"type": "bonus", "per": 1, "grades": {"国家级": 10, "省级": 5}}
    assert by_code["A2"].bands == [{"level": "red", "below": 0.5}]
    assert by_code["A3"].bands is None  # the version's bands
    assert by_code["B"].bands == []  # warnings switched off
    assert by_code["001"].applies_to == ["government", "township"]
    assert by_code["A"].component == "daily" and by_code["A"].rule is None
    assert by_code["A"].history.first().history_user == admin_a  # type: ignore[attr-defined]


def test_it_reads_the_same_spec_from_xlsx(org: Org) -> None:
    from_yaml, yaml_issues = read_framework_file(data=FRAMEWORK_YAML.encode(), filename="f.yml")
    from_xlsx, xlsx_issues = read_framework_file(data=same_content_xlsx(), filename="F.XLSX")
    assert yaml_issues == [] and xlsx_issues == []
    assert from_xlsx == from_yaml == base_spec()
    result = run_import(same_content_xlsx(), region=org.county_a, filename="lc.xlsx")
    assert result.issues == []
    assert result.version is not None
    assert version_to_spec(result.version) == base_spec()


@pytest.mark.parametrize("fmt", ["yaml", "xlsx"])
def test_it_round_trips_export_and_import(org: Org, version: FrameworkVersion, fmt: str) -> None:
    data = framework_export(version=version, fmt=fmt)  # type: ignore[arg-type]
    spec, issues = read_framework_file(data=data, filename=f"lc.{fmt}")
    assert issues == []
    assert spec == version_to_spec(version) == base_spec()
    # Importing the export again changes nothing in the draft.
    result = run_import(data, filename=f"lc.{fmt}")
    assert result.issues == []
    assert result.version == version and result.draft_replaced
    assert (result.counts.unchanged, result.counts.created, result.counts.updated) == (9, 0, 0)
    assert version_to_spec(version) == base_spec()


def test_it_exports_integral_numbers_as_ints_and_omits_empty_keys(
    org: Org, version: FrameworkVersion
) -> None:
    text = framework_export(version=version, fmt="yaml").decode()
    assert "max: 60\n" in text and "max: 19.5\n" in text and "max: 60.0" not in text
    a3 = text[text.index("code: A3") : text.index("code: A4")]
    assert "standard" not in a3 and "station" not in a3 and "bands" not in a3
    assert "  bands: []\n" in text  # B switches warnings off: kept
    assert "code: '001'" in text


def test_it_changes_nothing_when_the_file_has_a_problem(
    org: Org, version: FrameworkVersion
) -> None:
    before = counts()
    spec = base_spec()
    spec["indicators"][0]["children"][0]["max"] = 1  # children exceed A1
    spec["indicators"][1]["name"] = "changed"
    result = run_import(to_yaml(spec))
    assert messages(result) == [
        "indicators A > A1, field max: the children's points add up to 30, more than this "
        "indicator's 1"
    ]
    assert result.version is None
    assert counts() == before
    assert Indicator.objects.get(version=version, code="B").name == "群众满意度"
    spec["code"] = "NEW"
    assert run_import(to_yaml(spec), region=org.county_a).issues
    assert counts() == before


def test_it_reports_unreadable_files(org: Org) -> None:
    cases = {
        "f.yaml": b"code: [unclosed",
        "f.txt": b"code: LC",
        "f.xlsx": b"not a zip",
    }
    with override("en"):
        found = {
            name: [str(i) for i in run_import(data, filename=name).issues]
            for name, data in cases.items()
        }
    assert found["f.yaml"][0].startswith("file: the file is not valid YAML: ")
    assert found["f.txt"] == ["file: unsupported file type; use .yaml, .yml or .xlsx"]
    assert found["f.xlsx"] == ["file: the file is not a valid .xlsx workbook"]
    assert messages(run_import("- a\n- b\n", region=org.county_a)) == [
        "file: the top level must be a mapping"
    ]
    assert counts()["frameworks"] == 0


def test_it_replaces_the_draft_but_never_a_published_version(
    org: Org, version: FrameworkVersion, admin_a: User
) -> None:
    spec = base_spec()
    spec["name"] = "2025 年修订版"
    a = spec["indicators"][0]
    a["children"] = [c for c in a["children"] if c["code"] != "A3"]  # removed
    a["children"].append({"code": "A5", "name": "新增", "max": 5, "rule": {"type": "direct"}})
    a4 = Indicator.objects.get(version=version, code="A4")
    result = run_import(to_yaml(spec), admin_a)
    assert result.issues == []
    assert result.version == version and result.draft_replaced
    assert (result.counts.created, result.counts.deleted) == (1, 1)
    version.refresh_from_db()
    assert version.name == "2025 年修订版" and version.number == 1
    assert Indicator.objects.get(pk=a4.pk).position == 2  # kept in place, same row
    assert [n.code for n in ordered_indicators(version)][:7] == [
        "A",
        "A1",
        "A1.1",
        "A1.2",
        "A2",
        "A4",
        "A5",
    ]

    services.version_publish(version=version, actor=admin_a)
    published = version_to_spec(version)
    result = run_import(FRAMEWORK_YAML, admin_a)
    assert result.issues == []
    new = result.version
    assert new is not None and new != version and not result.draft_replaced
    assert (new.number, new.status, new.based_on) == (2, VersionStatus.DRAFT, version)
    assert version_to_spec(version) == published
    assert version_to_spec(new) == base_spec()
    # The next import replaces the new draft, not the published version.
    assert run_import(FRAMEWORK_YAML, admin_a).version == new
    assert FrameworkVersion.objects.count() == 2


def test_it_publishes_on_request(org: Org) -> None:
    result = run_import(FRAMEWORK_YAML, region=org.county_a, publish=True)
    assert result.issues == []
    assert result.version is not None
    assert result.version.status == VersionStatus.PUBLISHED
    assert result.version.published_at is not None


def test_it_keeps_imports_inside_the_importers_scope(
    org: Org, version: FrameworkVersion, admin_b: User
) -> None:
    before = counts()
    assert messages(run_import(FRAMEWORK_YAML, admin_b)) == [
        'code: the framework code "LC" is taken by a framework outside your scope'
    ]
    other = FRAMEWORK_YAML.replace("code: LC", "code: PS", 1)
    other = other.replace("            station: ST-A\n", "")
    assert messages(run_import(other, admin_b, region=org.county_a)) == [
        'code: outside your scope: region "C1-A"'
    ]
    analyst = make_user("analyst", Role.ANALYST, region=org.county_b)
    assert messages(run_import(other, analyst)) == [
        "file: you are not allowed to import indicator frameworks"
    ]
    assert counts() == before
    # Into its own county, and the station of county A is refused there.
    assert messages(run_import(FRAMEWORK_YAML.replace("code: LC", "code: PS", 1), admin_b)) == [
        'indicators A > A1 > A1.1, field station: data station "ST-A" lies outside the region '
        '"C1-B"'
    ]
    result = run_import(other, admin_b)
    assert result.issues == []
    assert result.version is not None and result.version.framework.region == org.county_b


def test_it_asks_which_region_a_new_framework_belongs_to(org: Org) -> None:
    city_admin = make_user("city", Role.COMMISSION_ADMIN, region=org.city)
    two = make_user("two", Role.COMMISSION_ADMIN, region=org.county_a)
    RoleAssignment.objects.create(
        user=two, role=Role.COMMISSION_ADMIN, scope_kind=ScopeKind.REGION, region=org.county_b
    )
    expected = (
        'code: a new framework "LC" needs a region: say which region it belongs to (on the '
        "command line: --region CODE)"
    )
    org_services.region_save(region=Region(code="C2", name="晋城市", level=RegionLevel.CITY))
    assert messages(run_import(FRAMEWORK_YAML)) == [
        'code: a new framework "LC" needs a region: the installation has several top-level '
        "regions (C1, C2); say which with --region CODE"
    ]
    assert messages(run_import(FRAMEWORK_YAML, two)) == [expected]
    result = run_import(FRAMEWORK_YAML, city_admin)  # the city subtree has one root
    assert result.version is not None and result.version.framework.region == org.city
    assert messages(run_import(FRAMEWORK_YAML, region=org.county_a)) == [
        'code: the framework "LC" belongs to region "C1", not "C1-A"'
    ]


def test_the_xlsx_export_speaks_chinese_and_reimports_unchanged(
    org: Org, version: FrameworkVersion
) -> None:
    """People read the .xlsx: its sheets, columns and settings carry the Chinese names of
    ``lib.headers`` and a yes is 是; importing the file back changes nothing, while the
    YAML keeps the English codes."""
    Indicator.objects.filter(version=version, code="A3").update(self_assessed=True)
    expected = version_to_spec(version)
    data = framework_export(version=version, fmt="xlsx")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["指标体系", "预警等级", "组成部分", "指标"]
    headers = {ws.title: [cell.value for cell in ws[1]] for ws in book.worksheets}
    assert headers["指标体系"] == ["项目", "数值"]
    assert headers["预警等级"] == ["等级", "低于"]
    assert headers["组成部分"] == ["编码", "名称", "权重"]
    assert headers["指标"][:4] == ["编码", "上级", "名称", "分值"]
    assert headers["指标"] == chinese_header((*INDICATOR_COLUMNS, *INDICATOR_FLAG_COLUMNS))
    for header in headers.values():
        assert len(set(header)) == len(header)  # a name reads back as one column
        assert not re.search(r"[A-Za-z]", "".join(header)), header
    keys = [row[0].value for row in book["指标体系"].iter_rows(min_row=2)]
    assert keys == ["编码", "名称", "年度", "总分"]
    flag = headers["指标"].index("单位自评")
    assert [row[flag].value for row in book["指标"].iter_rows(min_row=2)].count("是") == 1
    spec, issues = read_framework_file(data=data, filename="lc.xlsx")
    assert issues == [] and spec == expected
    result = run_import(data, filename="lc.xlsx")
    assert result.issues == []
    assert (result.counts.unchanged, result.counts.created, result.counts.updated) == (9, 0, 0)
    assert version_to_spec(version) == expected
    text = framework_export(version=version, fmt="yaml").decode()
    assert "indicators:" in text and "self_assessed: true" in text and "指标:" not in text
