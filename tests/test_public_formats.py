"""Finding 11 of the hardening issue: files written exactly in the public formats of
docs/design.md ("Interchange formats") import through the commands and score.

The organisation has no `region` column for stations and discipline groups, the framework
is imported without `--region`, and its group B (300) holds category-specific branches as
龙口's does: B1 (150, every unit) + B2 乡镇专项 (150, townships) or B3 部门专项 (150,
departments).
"""

from __future__ import annotations

import io
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from openpyxl import Workbook

from qingfeng.framework.models import Framework
from qingfeng.org.models import DisciplineGroup, Region, Station

pytestmark = pytest.mark.django_db

ORGANISATION = """
regions:
  - {code: LK, name: 龙口市, parent: null}
  - {code: LK-N, name: 北部片区, parent: LK}
categories:
  - {code: township, name: 镇街}
  - {code: department, name: 市直部门}
units:
  - {code: LK-T1, name: 东莱街道, category: township, region: LK-N, parent: null, headcount: 90}
  - {code: LK-T2, name: 诸由观镇, category: township, region: LK-N, parent: null, headcount: 60}
  - {code: LK-D1, name: 龙口市财政局, category: department, region: LK, parent: null,
     headcount: 40}
people:
  - {code: P1, name: 王建国, unit: LK-T1, post: 党工委书记, rank: 正科级}
stations:
  - {code: LK-CASE, name: 案件监督管理室}
discipline_groups:
  - {code: LK-G1, name: 派驻第一纪检监察组, units: [LK-T1, LK-D1]}
  - {code: LK-G2, name: 派驻第二纪检监察组, units: [LK-T1, LK-T2]}
"""

FRAMEWORK = """
code: LK
name: 龙口市政治生态评估指标体系
year: 2025
scale: 100
bands:
  - {level: red, below: 0.6}
indicators:
  - code: A
    name: 党风廉政
    max: 100
    station: LK-CASE
    rule: {type: deduct, per: 10, cap: 100}
  - code: B
    name: 专项工作
    max: 300
    children:
      - code: B1
        name: 共性工作
        max: 150
        station: LK-CASE
        rule: {type: deduct, per: 10, cap: 150}
      - code: B2
        name: 乡镇专项
        max: 150
        station: LK-CASE
        applies_to: [township]
        rule: {type: deduct, per: 10, cap: 150}
      - code: B3
        name: 部门专项
        max: 150
        station: LK-CASE
        applies_to: [department]
        rule: {type: deduct, per: 10, cap: 150}
"""

RECORDS = """unit,indicator,date,points,quantity,grade,value,problem_type,note
LK-T1,A,2025-03-01,,1,,,四风,
LK-T1,B2,2025-03-02,,3,,,,
LK-D1,B1,2025-04-01,,1,,,,
LK-D1,B3,2025-04-02,,5,,,,
"""


def organisation_xlsx() -> bytes:
    """The organisation above as .xlsx, one sheet per list, only the public columns."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for sheet, items in yaml.safe_load(ORGANISATION).items():
        columns = list(dict.fromkeys(key for item in items for key in item))
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(columns)
        for item in items:
            values = [item.get(column) for column in columns]
            worksheet.append([", ".join(v) if isinstance(v, list) else v for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def scores(period: str) -> dict[str, dict[str, Any]]:
    out = StringIO()
    call_command("score", "--framework", "LK", "--period", period, stdout=out)
    return {row["unit"]: row for row in json.loads(out.getvalue())}


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_finding_11_public_format_files_import_and_score(tmp_path: Path, suffix: str) -> None:
    organisation = tmp_path / f"org{suffix}"
    if suffix == ".yaml":
        organisation.write_text(ORGANISATION, encoding="utf-8")
    else:
        organisation.write_bytes(organisation_xlsx())
    call_command("import_org", str(organisation), stdout=StringIO())
    top, north = Region.objects.get(code="LK"), Region.objects.get(code="LK-N")
    # A station goes to the installation's only top-level region; a group to the lowest
    # region holding all its units.
    assert Station.objects.get(code="LK-CASE").region == top
    assert DisciplineGroup.objects.get(code="LK-G1").region == top
    assert DisciplineGroup.objects.get(code="LK-G2").region == north

    framework = tmp_path / "lk.yaml"
    framework.write_text(FRAMEWORK, encoding="utf-8")
    call_command("import_framework", str(framework), "--publish", stdout=StringIO())
    assert Framework.objects.get(code="LK").region == top

    records = tmp_path / "records.csv"
    records.write_text(RECORDS, encoding="utf-8")
    call_command(
        "import_records",
        str(records),
        "--station",
        "LK-CASE",
        "--framework",
        "LK",
        stdout=StringIO(),
    )
    rows = scores("2025")
    town, department, quiet = rows["LK-T1"], rows["LK-D1"], rows["LK-T2"]
    # Town: A 90 + B1 150 + B2 120 of 100 + 150 + 150; B3 does not apply.
    assert (town["raw"], town["applicable_max"], town["total"]) == (360, 400, 90)
    assert set(town["nodes"]) == {"A", "B", "B1", "B2"}
    assert town["nodes"]["B"] == {"score": 270, "max": 300, "band": "green"}
    # Department: A 100 + B1 140 + B3 100; B2 does not apply.
    assert (department["raw"], department["applicable_max"], department["total"]) == (
        340,
        400,
        85,
    )
    assert set(department["nodes"]) == {"A", "B", "B1", "B3"}
    assert quiet["total"] == 100
