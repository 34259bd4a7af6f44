"""Organisation import and export: all or nothing, every error located, scope, round trip."""

from __future__ import annotations

import datetime
import io
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import override
from openpyxl import load_workbook

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.accounts.selectors import org_scope
from qingfeng.lib.headers import CHINESE_NAMES, chinese_header
from qingfeng.org import services
from qingfeng.org.interchange import ImportResult, Issue, export_org, import_org
from qingfeng.org.interchange_read import COLUMNS, SHEETS
from qingfeng.org.interchange_write import organisation_data
from qingfeng.org.models import (
    DisciplineGroup,
    Person,
    Post,
    PostRole,
    Region,
    Station,
    Unit,
    UnitCategory,
)
from tests.conftest import Org, make_user
from tests.workbooks import sheets_bytes as xlsx

pytestmark = pytest.mark.django_db

# Children come before their parents on purpose: the import sorts the trees itself.
BASE = """
regions:
  - {code: SX-LC, name: 黎城县, parent: SX-CZ, level: county, commission: 黎城县纪委监委}
  - {code: SX-CZ, name: 长治市, level: city}
  - {code: SX-PS, name: 平顺县, parent: SX-CZ}
categories:
  - {code: gov, name: 政府部门}
  - {code: school, name: 学校}
units:
  - {code: LC-EDU-1, name: 黎城县第一中学, category: school, region: SX-LC, parent: LC-EDU,
     headcount: 120}
  - {code: LC-EDU, name: 黎城县教育局, category: gov, region: SX-LC, headcount: 40}
  - {code: LC-FIN, name: 黎城县财政局, category: gov, region: SX-LC, headcount: "35"}
  - {code: PS-FIN, name: 平顺县财政局, category: gov, region: SX-PS, active: false}
people:
  - {code: "007", name: 王建国, unit: LC-EDU, post: 党组书记、局长, rank: 正科级, gender: M,
     birth_year: 1972, role: principal, managed_level: county, start: 2021-03-01}
  - {code: P002, name: 李红, unit: LC-EDU, post: 副局长, gender: 女}
  - {code: P003, name: 赵强}
stations:
  - {code: ST-ORG, name: 黎城县委组织部, kind: department, region: SX-LC}
  - {code: ST-CASE, name: 案管室, kind: office, region: SX-LC, unit: LC-EDU}
discipline_groups:
  - {code: G1, name: 派驻第一纪检监察组, region: SX-LC, units: [LC-EDU, LC-FIN]}
"""


def run(text: str, actor: User | None = None, filename: str = "org.yaml") -> ImportResult:
    scope = org_scope(actor) if actor is not None else None
    return import_org(data=text.encode("utf-8"), filename=filename, scope=scope)


def where(result: ImportResult) -> list[tuple[str, int | None, str | None]]:
    return [(issue.sheet, issue.row, issue.column) for issue in result.issues]


def counts() -> dict[str, int]:
    models = (Region, UnitCategory, Unit, Person, Post, Station, DisciplineGroup)
    return {model.__name__: model.objects.count() for model in models}


def test_it_imports_a_valid_yaml_file() -> None:
    result = run(BASE)
    assert result.issues == []
    assert result.created == {
        "regions": 3,
        "categories": 2,
        "units": 4,
        "people": 3,
        "stations": 2,
        "discipline_groups": 1,
    }
    city, county = Region.objects.get(code="SX-CZ"), Region.objects.get(code="SX-LC")
    assert city.path == f"/{city.pk}/"
    assert county.parent == city
    assert county.path == city.path + f"{county.pk}/"
    assert county.commission_name == "黎城县纪委监委"
    assert Region.objects.get(code="SX-PS").level == "county"  # the default
    edu, school = Unit.objects.get(code="LC-EDU"), Unit.objects.get(code="LC-EDU-1")
    assert school.parent == edu
    assert school.path == edu.path + f"{school.pk}/"
    assert (school.headcount, school.category.code, school.region) == (120, "school", county)
    assert Unit.objects.get(code="LC-FIN").headcount == 35
    assert Unit.objects.get(code="PS-FIN").active is False
    leader = Person.objects.get(code="007")  # stays text: no octal or number
    assert (leader.gender, leader.birth_year, leader.rank) == ("M", 1972, "正科级")
    post = leader.posts.get()
    assert (post.unit, post.title, post.role) == (edu, "党组书记、局长", PostRole.PRINCIPAL)
    assert (post.managed_level, post.start, post.end) == ("county", datetime.date(2021, 3, 1), None)
    deputy = Person.objects.get(code="P002")
    assert deputy.gender == "F"
    assert deputy.posts.get().role == PostRole.MEMBER
    assert not Person.objects.get(code="P003").posts.exists()
    case = Station.objects.get(code="ST-CASE")
    assert (case.kind, case.region, case.unit) == ("office", county, edu)
    group = DisciplineGroup.objects.get(code="G1")
    assert sorted(group.units.values_list("code", flat=True)) == ["LC-EDU", "LC-FIN"]


def test_it_updates_on_reimport_and_keeps_the_post_history() -> None:
    assert run(BASE).ok
    today = timezone.localdate()
    result = run(
        """
units:
  - {code: LC-FIN, name: 黎城县财政局（国资办）}
people:
  - {code: "007", name: 王建国, unit: LC-FIN, post: 党组书记、局长, role: principal}
  - {code: P002, name: 李红, unit: LC-EDU, post: 党组成员、副局长}
  - {code: P003, name: 赵强, rank: 副科级}
discipline_groups:
  - {code: G1, name: 派驻第一纪检监察组, units: LC-FIN、LC-EDU-1}
"""
    )
    assert result.issues == []
    assert result.updated["units"] == 1
    assert result.updated["people"] == 3
    assert result.created["people"] == 0
    fin = Unit.objects.get(code="LC-FIN")
    assert fin.name == "黎城县财政局（国资办）"
    assert fin.headcount == 35  # a field left out keeps its value
    leader = Person.objects.get(code="007")
    old, new = leader.posts.order_by("pk")
    assert (old.unit.code, old.end) == ("LC-EDU", today)
    assert (new.unit.code, new.end, new.start, new.role) == ("LC-FIN", None, today, "principal")
    deputy_posts = Person.objects.get(code="P002").posts.order_by("pk")
    assert [(p.title, p.end) for p in deputy_posts] == [
        ("副局长", today),
        ("党组成员、副局长", None),
    ]
    assert Person.objects.get(code="P003").rank == "副科级"
    group = DisciplineGroup.objects.get(code="G1")
    assert sorted(group.units.values_list("code", flat=True)) == ["LC-EDU-1", "LC-FIN"]
    # The base file's first sheets again: only the renamed unit changes back.
    again = run(BASE.split("people:")[0])
    assert again.ok
    assert again.updated["units"] == 1
    assert again.unchanged["regions"] == 3
    # An empty unit ends the person's current post; a post without a unit is an error.
    assert run("people:\n  - {code: P002, name: 李红, unit: null}\n").ok
    assert not Person.objects.get(code="P002").posts.filter(end__isnull=True).exists()
    bad = run("people:\n  - {code: P002, name: 李红, unit: '', post: 局长}\n")
    assert where(bad) == [("people", 2, "post")]


def test_it_stores_nothing_when_rows_are_bad_and_reports_each_of_them() -> None:
    assert run(BASE).ok
    before = counts()
    result = run(
        """
units:
  - {code: LC-EDU, name: 改了名字的教育局}
  - {code: LC-X1, name: 新单位, category: XX, region: SX-LC}
  - {code: LC-X2, name: 另一个新单位, category: gov, region: SX-LC}
  - {code: LC-X3, name: 第三个, category: gov, region: SX-LC, headcount: -3}
people:
  - {code: P009, name: 新人, unit: LC-X2, start: 2021-13-01}
  - {code: P010, name: 又一个, unit: NOPE}
"""
    )
    assert where(result) == [
        ("units", 3, "category"),
        ("units", 5, "headcount"),
        ("people", 2, "start"),
        ("people", 3, "unit"),
    ]
    assert counts() == before
    assert Unit.objects.get(code="LC-EDU").name == "黎城县教育局"
    assert result.created == dict.fromkeys(result.created, 0)


def test_it_does_the_same_for_an_xlsx_file() -> None:
    assert run(BASE).ok
    before = counts()
    data = xlsx(
        {
            "units": [
                ["code", "name", "category", "region", "headcount"],
                ["LC-EDU", "改了名字的教育局", "gov", "SX-LC", 40],
                ["LC-X1", "新单位", "XX", "SX-LC", None],
                ["LC-X2", "另一个新单位", "gov", "SX-LC", 12],
                ["LC-X3", "第三个", "gov", "SX-LC", "很多"],
            ],
            "discipline_groups": [
                ["code", "name", "region", "units"],
                ["G2", "派驻第二组", "SX-LC", "LC-X2，LC-FIN、 LC-EDU PS-FIN"],
            ],
        }
    )
    result = import_org(data=data, filename="org.xlsx", scope=None)
    assert where(result) == [
        ("units", 3, "category"),
        ("units", 5, "headcount"),
        ("discipline_groups", 2, "units"),  # PS-FIN is in another county
    ]
    assert "PS-FIN" in result.issues[-1].message
    assert counts() == before
    assert Unit.objects.get(code="LC-EDU").name == "黎城县教育局"


def test_it_imports_an_xlsx_file_with_list_cells() -> None:
    assert run(BASE).ok
    data = xlsx(
        {
            "discipline_groups": [
                ["code", "name", "region", "units"],
                ["G2", "派驻第二组", "SX-LC", "LC-FIN，LC-EDU、 LC-EDU-1"],
            ],
            "people": [
                ["code", "name", "birth_year", "start", "unit"],
                ["P2", "周", 1980.0, datetime.datetime(2020, 5, 1), "LC-FIN"],
            ],
        }
    )
    result = import_org(data=data, filename="ORG.XLSX", scope=None)
    assert result.issues == []
    group = DisciplineGroup.objects.get(code="G2")
    assert sorted(group.units.values_list("code", flat=True)) == ["LC-EDU", "LC-EDU-1", "LC-FIN"]
    person = Person.objects.get(code="P2")
    assert person.birth_year == 1980
    assert person.posts.get().start == datetime.date(2020, 5, 1)


def test_it_reports_unknown_sheets_keys_and_columns() -> None:
    result = run(
        """
unitz: []
categories:
  - {code: gov, name: 政府部门, colour: red}
"""
    )
    assert where(result) == [("unitz", None, None), ("categories", 2, "colour")]
    assert not UnitCategory.objects.exists()
    data = xlsx(
        {
            "categories": [["code", "name", "colour"], ["gov", "政府部门", "red"]],
            "Notes": [["anything"]],
            "Sheet": [],  # an empty extra sheet holds nothing to lose: ignored
        }
    )
    result = import_org(data=data, filename="org.xlsx", scope=None)
    assert where(result) == [("Notes", None, None), ("categories", 1, "colour")]


def test_it_checks_codes_types_choices_and_lengths() -> None:
    result = run(
        f"""
regions:
  - {{code: R1, name: 一, level: planet}}
  - {{code: "bad code", name: 二}}
  - {{code: R1, name: 重复}}
  - {{code: R4}}
  - {{code: R5, name: {"长" * 101}}}
people:
  - {{code: P1, name: 甲, gender: X, birth_year: 1850, role: boss}}
  - {{code: P2, name: 乙, post: 局长}}
stations:
  - {{code: S1, name: 站}}
"""
    )
    assert where(result) == [
        ("regions", 2, "level"),
        ("regions", 3, "code"),
        ("regions", 4, "code"),
        ("regions", 5, "name"),
        ("regions", 6, "name"),
        ("people", 2, "gender"),
        ("people", 2, "birth_year"),
        ("people", 2, "role"),
        ("people", 3, "post"),
        ("stations", 2, "region"),
    ]
    assert not Region.objects.exists()


def test_it_reports_a_cycle_and_a_sub_unit_in_another_region() -> None:
    assert run(BASE).ok
    with override("en"):
        result = run(
            """
regions:
  - {code: R-A, name: 甲, parent: R-B}
  - {code: R-B, name: 乙, parent: R-A}
  - {code: SX-CZ, name: 长治市, parent: SX-LC}
units:
  - {code: LC-EDU-1, name: 一中, category: school, region: SX-PS, parent: LC-EDU}
"""
        )
    assert where(result) == [
        ("regions", 2, "parent"),
        ("regions", 3, "parent"),
        ("regions", 4, "parent"),
        ("units", 2, "parent"),
    ]
    assert result.issues[0].message == "the parents form a cycle: R-A → R-B → R-A"
    assert "region" in result.issues[3].message
    assert Region.objects.get(code="SX-CZ").parent is None


def test_it_reports_unreadable_files_as_one_issue() -> None:
    for data, filename in (
        ("名称".encode("gbk"), "org.yaml"),
        (b"regions: [unclosed", "org.yml"),
        (b"not a zip at all", "org.xlsx"),
        (b"code,name", "org.csv"),
        (b"- just\n- a list\n", "org.yaml"),
    ):
        result = import_org(data=data, filename=filename, scope=None)
        assert where(result) == [("file", None, None)], filename
    with override_settings(IMPORT_MAX_BYTES=10):
        result = run(BASE)
    assert where(result) == [("file", None, None)]


def test_it_limits_an_actor_to_their_scope(org: Org, admin_a: User) -> None:
    before = counts()
    text = """
categories:
  - {code: new-cat, name: 新类别}
units:
  - {code: A9, name: 黎城县新单位, category: government, region: C1-A}
  - {code: B9, name: 平顺县新单位, category: government, region: C1-B}
  - {code: B1, name: 改名}
  - {code: A2, name: 搬家, region: C1-B}
people:
  - {code: PB1, name: 李明, unit: A1}
"""
    result = run(text, actor=admin_a)
    assert where(result) == [
        ("categories", 2, "code"),
        ("units", 3, "region"),
        ("units", 4, "code"),
        ("units", 5, "region"),
        ("people", 2, "unit"),  # ending PB1's post in county B
    ]
    with override("en"):
        result = run(text, actor=admin_a)
    assert all(issue.message.startswith("outside your scope") for issue in result.issues)
    assert counts() == before
    ok = run(
        "units:\n  - {code: A9, name: 黎城县新单位, category: government, region: C1-A}\n",
        actor=admin_a,
    )
    assert ok.issues == []
    assert Unit.objects.get(code="A9").region == org.county_a


def test_it_requires_the_import_capability(org: Org) -> None:
    analyst = make_user("analyst", Role.ANALYST, region=org.county_a)
    result = run("categories:\n  - {code: x, name: y}\n", actor=analyst)
    assert where(result) == [("file", None, None)]
    assert not UnitCategory.objects.filter(code="x").exists()


def test_it_keeps_group_units_the_actor_cannot_see(org: Org, admin_a: User) -> None:
    city_group = services.discipline_group_save(
        group=DisciplineGroup(code="G-C", name="市纪委派驻组", region=org.city),
        units=[org.unit_a1, org.unit_b1],
    )
    exported = yaml.safe_load(export_org(scope=org_scope(admin_a), fmt="yaml"))
    assert [u["code"] for u in exported["units"]] == ["A1", "A1-1", "A2"]
    groups = {g["code"]: g["units"] for g in exported["discipline_groups"]}
    assert groups == {"G-A": ["A2"], "G-C": ["A1"]}
    assert [r["code"] for r in exported["regions"]] == ["C1-A"]
    assert exported["regions"][0]["parent"] == "C1"
    assert [p["code"] for p in exported["people"]] == ["PA1"]
    # Re-importing the county's own export changes nothing, even the city's group.
    result = import_org(
        data=export_org(scope=org_scope(admin_a), fmt="yaml"),
        filename="mine.yaml",
        scope=org_scope(admin_a),
    )
    assert result.issues == []
    assert sum(result.updated.values()) == 0
    assert set(city_group.units.values_list("code", flat=True)) == {"A1", "B1"}


def normalised(data: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {sheet: sorted(items, key=lambda i: i["code"]) for sheet, items in data.items()}


def wipe() -> None:
    Post.objects.all().delete()
    DisciplineGroup.objects.all().delete()
    Station.objects.all().delete()
    Person.objects.all().delete()
    for model in (Unit, Region):
        for node in sorted(model.objects.all(), key=lambda n: -n.path.count("/")):
            node.delete()
    UnitCategory.objects.all().delete()


@pytest.mark.parametrize("fmt", ["yaml", "xlsx"])
def test_it_round_trips_through_an_empty_database(org: Org, fmt: str) -> None:
    services.post_start(
        person=org.person_b1,
        unit=org.unit_b1,
        title="副局长",
        managed_level="county",
        start=datetime.date(2020, 1, 2),
    )
    services.person_save(person=Person(code="P-NONE", name="无职务", gender="F", birth_year=1990))
    org.unit_a2.active = False
    services.unit_save(unit=org.unit_a2)
    org.station_a.unit = org.unit_a1
    services.station_save(station=org.station_a)
    before = normalised(organisation_data(scope=None))
    data = export_org(scope=None, fmt=fmt)  # type: ignore[arg-type]
    wipe()
    assert not Unit.objects.exists()
    result = import_org(data=data, filename=f"org.{fmt}", scope=None)
    assert result.issues == []
    assert normalised(organisation_data(scope=None)) == before
    city = Region.objects.get(code="C1")
    assert Region.objects.get(code="C1-A").path.startswith(city.path)
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data))["单位"]  # the sheet of units, by its Chinese name
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold


def test_it_stores_nothing_on_a_dry_run() -> None:
    result = import_org(data=BASE.encode(), filename="o.yaml", scope=None, dry_run=True)
    assert result.issues == []
    assert result.created["units"] == 4
    assert not Unit.objects.exists()


def test_it_words_issues_in_english_with_rows_and_columns() -> None:
    assert run(BASE).ok
    with override("en"):
        result = run(
            "units:\n  - {code: U1, name: 甲, category: gov, region: SX-LC}\n"
            "  - {code: U2, name: 乙, category: XX, region: SX-LC}\n"
        )
        assert [str(issue) for issue in result.issues] == [
            'sheet units, row 3, column category: unknown unit category "XX"'
        ]
        assert str(Issue("file", None, None, "broken")) == "file: broken"
        assert str(Issue("units", 4, None, "bad")) == "sheet units, row 4: bad"
    with override("zh-hans"):
        text = str(result.issues[0])
    assert "units" in text and "3" in text and "category" in text


def test_the_commands_import_export_and_fail_with_every_error(tmp_path: Path) -> None:
    good = tmp_path / "org.yaml"
    good.write_text(BASE, encoding="utf-8")
    out = StringIO()
    call_command("import_org", str(good), stdout=out)
    assert "单位：新增 4 条" in out.getvalue()  # the sheet by its Chinese name
    assert Unit.objects.count() == 4
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "units:\n  - {code: U1, name: 甲, category: XX, region: SX-LC}\n"
        "  - {code: U2, name: 乙, category: gov, region: NOWHERE}\n",
        encoding="utf-8",
    )
    err = StringIO()
    with override("en"), pytest.raises(CommandError):
        call_command("import_org", str(bad), stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert lines == [
        'sheet units, row 2, column category: unknown unit category "XX"',
        'sheet units, row 3, column region: unknown region "NOWHERE"',
    ]
    assert Unit.objects.count() == 4
    exported = tmp_path / "out.xlsx"
    call_command("export_org", str(exported), stdout=StringIO())
    wipe()
    call_command("import_org", str(exported), stdout=StringIO())
    assert Unit.objects.count() == 4
    with pytest.raises(CommandError):
        call_command("export_org", str(tmp_path / "out.txt"), stdout=StringIO())


def test_the_xlsx_export_speaks_chinese_and_reimports_unchanged(org: Org) -> None:
    """People read the .xlsx: its sheets and columns carry the Chinese names of
    ``lib.headers``, yes/no, gender and the kind of a leader in charge are written in
    Chinese, and importing the file back changes nothing (the YAML keeps the codes)."""
    services.post_start(person=org.person_b1, unit=org.unit_b1, title="副局长")
    services.person_save(person=Person(code="P-F", name="女干部", gender="F", birth_year=1990))
    services.in_charge_add(unit=org.unit_a1, person=org.person_b1, kind="liaison")
    org.unit_a2.active = False
    services.unit_save(unit=org.unit_a2)
    data = export_org(scope=None, fmt="xlsx")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [CHINESE_NAMES[sheet] for sheet in SHEETS]
    assert book.sheetnames[:3] == ["行政区划", "单位类别", "单位"]
    for sheet in SHEETS:
        header = [cell.value for cell in book[CHINESE_NAMES[sheet]][1]]
        assert header == chinese_header(COLUMNS[sheet])
        assert len(set(header)) == len(header), sheet  # a name reads back as one column
        assert not re.search(r"[A-Za-z]", "".join(header)), header
    assert [c.value for c in book["人员"][1]][:4] == ["编码", "名称", "单位", "职务名称"]
    values = {c.value for ws in book.worksheets for row in ws.iter_rows(min_row=2) for c in row}
    assert {"是", "否", "女", "联系"} <= values
    assert not {"F", "liaison"} & values
    assert not [value for value in values if isinstance(value, bool)]  # no TRUE/FALSE
    before = organisation_data(scope=None)
    result = import_org(data=data, filename="组织机构.xlsx", scope=None)
    assert result.ok, result.issues
    assert not any(result.created.values()) and not any(result.updated.values())
    assert organisation_data(scope=None) == before
    with override("zh-hans"):  # the counts name the sheets as the file does
        assert result.summary().startswith("行政区划：新增 0 条，更新 0 条，未变更 ")
        assert "单位：" in result.summary() and not re.search(r"[A-Za-z]", result.summary())
    with override("en"):
        assert result.summary().startswith("regions: 0 created, 0 updated, ")
    # The YAML export, the public machine format, keeps the English codes.
    text = export_org(scope=None, fmt="yaml").decode()
    assert "units:" in text and "单位:" not in text and "gender: F" in text
