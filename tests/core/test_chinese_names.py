"""Chinese everywhere a user looks, in the files and the words about them: imports read a
sheet or column by its Chinese name as by its code, a unit's category by its name; rules
read as sentences; downloads carry Chinese names."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from django.utils.translation import override

from qingfeng.framework.interchange_format import INDICATOR_FLAG_COLUMNS, SHEET_COLUMNS
from qingfeng.framework.interchange_read import SHEETS as FRAMEWORK_SHEETS
from qingfeng.framework.rule_text import rule_sentence
from qingfeng.lib.headers import CHINESE_NAMES
from qingfeng.lib.xlsx import attachment, download_name
from qingfeng.org.interchange import import_org
from qingfeng.org.interchange_read import COLUMNS as ORG_COLUMNS
from qingfeng.org.models import Unit
from qingfeng.records.imports import COLUMNS as RECORD_COLUMNS
from qingfeng.records.imports import SHEET as RECORD_SHEET
from qingfeng.records.models import Record
from qingfeng.records.services import records_import
from tests.records import conftest as records_fixtures
from tests.records.conftest import Setup
from tests.workbooks import sheet_bytes, sheets_bytes

setup = records_fixtures.setup

ORG = {
    "行政区划": [["编码", "名称", "level"], ["SX-LC", "黎城县", "county"]],
    "单位类别": [["编码", "名称"], ["gov", "政府部门"]],
    # The category by its name (政府部门), the sheet and columns by theirs.
    "单位": [
        ["编码", "名称", "单位类别", "行政区划"],
        ["LC-EDU", "黎城县教育局", "政府部门", "SX-LC"],
    ],
}


@pytest.mark.django_db
def test_an_organisation_file_in_chinese_names_imports() -> None:
    result = import_org(data=sheets_bytes(ORG), filename="org.xlsx", scope=None)
    assert result.issues == []
    assert Unit.objects.get(code="LC-EDU").category.code == "gov"


@pytest.mark.django_db
def test_a_records_file_with_chinese_headers_imports(setup: Setup) -> None:
    rows = [
        ["单位", "指标", "日期", "分值"],
        ["A2", "A3", datetime.date(2025, 5, 3), 8.5],
    ]
    result = records_import(
        data=sheet_bytes(rows, "填报记录"), filename="r.xlsx", framework=setup.framework
    )
    assert result.issues == [] and Record.objects.get().points == 8.5


@pytest.mark.django_db
def test_a_records_message_names_the_column_by_its_chinese_name_and_code(setup: Setup) -> None:
    rows = [["单位", "指标", "日期"], ["A1", "A1", "2025-13-01"]]
    with override("zh-hans"):
        result = records_import(
            data=sheet_bytes(rows), filename="r.xlsx", framework=setup.framework
        )
        assert str(result.issues[0]).startswith("第 2 行“日期”列（date）：")
        missing = records_import(
            data=sheet_bytes([["单位", "指标"], ["A1", "A1"]]),
            filename="r.xlsx",
            framework=setup.framework,
        )
        assert str(missing.issues[0]) == "第 1 行：缺少“日期”列（date）"


def test_every_rule_reads_as_a_sentence() -> None:
    with override("zh-hans"):
        assert (
            rule_sentence({"type": "deduct", "per": 5, "cap": 15})
            == "每发现 1 次扣 5 分，最多扣 15 分"
        )
        assert rule_sentence({"type": "deduct", "per": 2}) == "每发现 1 次扣 2 分，扣完为止"
        assert rule_sentence({"type": "rate", "zero_at": 60, "full_at": 100}) == (
            "达到 100% 得满分，60% 及以下不得分，其间按比例计分"
        )
        assert rule_sentence({"type": "bonus", "grades": {"一档": 3, "二档": 2}}) == (
            "按等级加分（一档 3 分、二档 2 分），加满为止"
        )
        assert rule_sentence({"type": "bonus", "per": 0.5}) == "每项加 0.5 分，加满为止"
        for kind in ("direct", "survey", "veto"):
            sentence = rule_sentence({"type": kind})
            assert sentence and not any(c.isascii() and c.isalpha() for c in sentence)
        assert rule_sentence(None) == ""
    with override("en"):
        assert rule_sentence({"type": "deduct", "per": 5, "cap": 15}) == (
            "5 points off per finding, at most 15 points in all"
        )


def test_a_download_has_a_chinese_name_and_an_ascii_fallback() -> None:
    name = download_name("龙口式政治生态监测评价体系", "2026年第三季度", "对比")
    assert name == "龙口式政治生态监测评价体系-2026年第三季度-对比.xlsx"
    header = attachment(name)
    assert header.startswith('attachment; filename="2026.xlsx"; ') and header.isascii()
    assert f"filename*=UTF-8''{quote(name)}" in header


def test_every_interchange_sheet_and_column_has_one_chinese_name() -> None:
    """Every sheet and column of the .xlsx formats has a Chinese name (what the templates
    and exports write), and within a format's sheets and within a sheet's columns no two
    codes share one, so a name reads back as exactly one code."""
    sheets: dict[str, tuple[str, ...]] = {
        **{f"org {sheet}": columns for sheet, columns in ORG_COLUMNS.items()},
        **{f"framework {sheet}": columns for sheet, columns in SHEET_COLUMNS.items()},
        "framework indicators": (*SHEET_COLUMNS["indicators"], *INDICATOR_FLAG_COLUMNS),
        "framework framework": ("key", "value", "code", "name", "year", "scale"),
        f"records {RECORD_SHEET}": RECORD_COLUMNS,
    }
    for where, columns in sheets.items():
        names = [CHINESE_NAMES[column] for column in columns]
        assert len(set(names)) == len(names), where
    for titles in (ORG_COLUMNS, FRAMEWORK_SHEETS):
        names = [CHINESE_NAMES[title] for title in titles]
        assert len(set(names)) == len(names), names
