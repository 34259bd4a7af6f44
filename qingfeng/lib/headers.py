"""The Chinese names of the interchange files' sheets and columns, and how messages name them.

Every import reads a sheet or a column by its English code (``records``, ``date``: the
public format of docs/design.md, unchanged) or by its Chinese name (``填报记录``, ``日期``),
which is what the templates and the .xlsx exports write for the people who read them
(``chinese_header``); the YAML files keep the codes as their keys. The names are part of
the file format, so they are fixed here and not translated: a file written in one language
is read in any. Messages name a column by both, its Chinese name first ("第 5 行“日期”列
（date）"), whichever the file has, so the user finds it either way.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Code -> Chinese name. One name per code across the formats (a code means the same in
# every file); the readers accept either.
CHINESE_NAMES: dict[str, str] = {
    # Records (docs/interchange-records.md) and the template's sheets.
    "records": "填报记录",
    "unit": "单位",
    "indicator": "指标",
    "date": "日期",
    "points": "分值",
    "quantity": "数量",
    "grade": "等级",
    "value": "数值",
    "problem_type": "问题类型",
    "note": "备注",
    "nil": "零报告",
    "indicators": "指标",
    "units": "单位",
    # Frameworks (docs/interchange-framework.md).
    "framework": "指标体系",
    "code": "编码",
    "name": "名称",
    "parent": "上级",
    "year": "年度",
    "scale": "总分",
    "max": "分值",
    "standard": "评价标准",
    "method": "评价方法",
    "station": "监测站",
    "applies_to": "适用单位类别",
    "component": "组成部分",
    "components": "组成部分",
    "bands": "预警等级",
    "rule": "计分规则",
    "rule_type": "计分规则",
    "per": "每次分值",
    "cap": "扣分上限",
    "grades": "等级分值",
    "zero_at": "零分线",
    "full_at": "满分线",
    "self_assessed": "单位自评",
    "level": "等级",
    "below": "低于",
    "weight": "权重",
    "key": "项目",
    # The organisation (docs/interchange-org.md).
    "regions": "行政区划",
    "categories": "单位类别",
    "people": "人员",
    "stations": "监测站",
    "discipline_groups": "派驻纪检监察组",
    "region": "行政区划",
    "category": "单位类别",
    "headcount": "编制人数",
    "active": "在用",
    "commission": "纪委监委",
    "post": "职务名称",
    "rank": "职级",
    "gender": "性别",
    "birth_year": "出生年份",
    "role": "班子角色",
    "managed_level": "管理层级",
    "start": "任职起始日期",
    # Who is in charge of a unit (the organisation file's optional sheet).
    "in_charge": "分管领导",
    "person": "领导",
    "kind": "类型",
    "title": "职务",
    # The problem ledger (docs/ledger-import.md).
    "problems": "问题台账",
    "source": "问题来源",
    "description": "问题描述",
    "responsible_person": "责任人",
    "due": "整改期限",
    "external_id": "外部编号",
    "campaign": "专项整治",
}


def chinese_header(codes: Iterable[str]) -> list[str]:
    """The Chinese names of ``codes``, for the header row of an .xlsx file the imports read
    back (every interchange code has one: a missing name is a KeyError, not English)."""
    return [CHINESE_NAMES[code] for code in codes]


def code_of(name: str, codes: object) -> str:
    """The code a header cell or sheet title ``name`` stands for among ``codes`` (a
    container of codes): the code itself (any case) or its Chinese name; ``name``
    lower-cased when it is neither."""
    text = name.strip()
    if text.lower() in codes:  # type: ignore[operator]
        return text.lower()
    for code in codes:  # type: ignore[attr-defined]
        if text == CHINESE_NAMES.get(code):
            return str(code)
    return text.lower()


def in_chinese() -> bool:
    """Whether the active language is Chinese (messages then name columns and sheets by
    their Chinese names)."""
    return (get_language() or "").lower().startswith("zh")


def column_words(column: str) -> str:
    """A column in a message: “日期”列（date） in Chinese, "column date" in English; a
    column without a Chinese name (a letter, an unknown header) by itself."""
    label = CHINESE_NAMES.get(column)
    if label and in_chinese():
        return _("column “%(label)s” (%(code)s)") % {"label": label, "code": column}
    # Chinese: " E 列", the space setting a code apart from the words before it.
    return _("column %(column)s") % {"column": column}


def sheet_words(sheet: str) -> str:
    """A sheet in a message: “指标”工作表（indicators） in Chinese, "sheet indicators" in
    English."""
    label = CHINESE_NAMES.get(sheet)
    if label and in_chinese():
        return _("sheet “%(label)s” (%(code)s)") % {"label": label, "code": sheet}
    return _("sheet %(sheet)s") % {"sheet": sheet}


def sheet_label(sheet: str) -> str:
    """A sheet by itself in a sentence (an import's counts): 单位 in Chinese, ``units`` in
    English."""
    label = CHINESE_NAMES.get(sheet)
    return label if label and in_chinese() else sheet


def field_words(field: str, *, with_code: bool = True) -> str:
    """A YAML field (``max``, ``rule.per``) in a message: “分值”字段（max） in Chinese;
    without the code (“分值”字段) on a page, where the user never sees the file's keys."""
    last = field.rsplit(".", 1)[-1].split("[", 1)[0]
    label = CHINESE_NAMES.get(last)
    if label and in_chinese():
        if not with_code:
            return _("field “%(label)s”") % {"label": label}
        return _("field “%(label)s” (%(code)s)") % {"label": label, "code": field}
    return _("field %(field)s") % {"field": field}


def columns_words(columns: object) -> str:
    """Expected columns in a message: 编码（code）、名称（name） in Chinese, "code, name" in
    English."""
    codes = [str(code) for code in columns]  # type: ignore[attr-defined]
    if not in_chinese():
        return ", ".join(codes)
    return "、".join(
        f"{CHINESE_NAMES[code]}（{code}）" if code in CHINESE_NAMES else code for code in codes
    )
