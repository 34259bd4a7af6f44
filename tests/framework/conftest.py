"""Shared data for the framework tests: a valid framework file and helpers."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils.translation import override

from qingfeng.accounts.models import User
from qingfeng.framework.interchange import FrameworkImportResult, framework_import
from qingfeng.framework.interchange_read import canonical_spec
from qingfeng.framework.models import FrameworkVersion
from qingfeng.org.models import Region
from tests.conftest import Org

# Uses the conftest organisation: station ST-A (county A), categories government, township.
FRAMEWORK_YAML = """
code: LC
name: 黎城县政治生态评估指标体系
year: 2025
scale: 100
bands:
  - {level: blue, below: 0.9}
  - {level: yellow, below: 0.8}
  - {level: red, below: 0.6}
components:
  - {code: daily, name: 日常监督, weight: 0.8}
  - {code: survey, name: 民意调查, weight: 0.2}
indicators:
  - code: A
    name: 政治生态
    max: 60
    component: daily
    children:
      - code: A1
        name: 廉洁从政
        max: 30
        children:
          - code: A1.1
            name: 违纪违法案件
            max: 19.5
            standard: 每发生一起扣 2 分，扣完为止
            method: 案管室提供数据
            station: ST-A
            rule: {type: deduct, per: 2, cap: 20}
          - code: A1.2
            name: 信访举报
            max: 10.5
            applies_to: [township]
            rule: {type: rate, zero_at: 10, full_at: 0}
      - code: A2
        name: 评优评先
        max: 20
        bands: [{level: red, below: 0.5}]
        rule: {type: bonus, per: 1, grades: {国家级: 10, 省级: 5}}
      - code: A3
        name: 班子评价
        max: 9.5
        rule: {type: direct}
      - code: A4
        name: 一票否决
        max: 0
        rule: {type: veto}
  - code: B
    name: 群众满意度
    max: 40
    component: survey
    bands: []
    children:
      - code: "001"
        name: 满意度调查
        max: 40
        applies_to: [government, township]
        rule: {type: survey}
"""
CODES = ["A", "A1", "A1.1", "A1.2", "A2", "A3", "A4", "B", "001"]


@pytest.fixture
def english() -> Iterator[None]:
    """Issues are worded when they are found: assert them in English (the source text)."""
    with override("en"):
        yield


def base_spec() -> dict[str, Any]:
    """The valid framework as a canonical spec (a fresh copy to change)."""
    import yaml

    return copy.deepcopy(canonical_spec(yaml.safe_load(FRAMEWORK_YAML.replace('"001"', "'001'"))))


def to_yaml(spec: dict[str, Any]) -> bytes:
    import yaml

    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False).encode("utf-8")


def run_import(
    text: str | bytes,
    actor: User | None = None,
    *,
    region: Region | None = None,
    publish: bool = False,
    filename: str = "framework.yaml",
) -> FrameworkImportResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return framework_import(
        data=data, filename=filename, actor=actor, region=region, publish=publish
    )


@pytest.fixture
def version(org: Org) -> FrameworkVersion:
    """The framework imported from the command line as draft version 1 of county A."""
    result = run_import(FRAMEWORK_YAML, region=org.county_a)
    assert result.issues == []
    assert result.version is not None
    return result.version
