"""Finding 11 of the hardening issue: the organisation's public format has no `region`
column for stations and discipline groups, so their region defaults (a group: the lowest
region holding all its units; a station: its unit's region, else the only top-level
region), and an undecidable one is a located issue asking for the column."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from qingfeng.org import services
from qingfeng.org.interchange import ImportResult, import_org
from qingfeng.org.models import DisciplineGroup, Region, RegionLevel, Station
from tests.conftest import Org
from tests.workbooks import sheets_bytes as xlsx

pytestmark = pytest.mark.django_db

ORGANISATION = """
regions:
  - {code: SX-CZ, name: 长治市, parent: null}
  - {code: SX-LC, name: 黎城县, parent: SX-CZ}
  - {code: SX-PS, name: 平顺县, parent: SX-CZ}
categories:
  - {code: gov, name: 政府部门}
units:
  - {code: LC-EDU, name: 黎城县教育局, category: gov, region: SX-LC, parent: null, headcount: 40}
  - {code: LC-FIN, name: 黎城县财政局, category: gov, region: SX-LC, parent: null, headcount: 35}
  - {code: PS-FIN, name: 平顺县财政局, category: gov, region: SX-PS, parent: null, headcount: 30}
stations:
  - {code: ST-ORG, name: 长治市委组织部}
discipline_groups:
  - {code: G1, name: 派驻第一纪检监察组, units: [LC-EDU, LC-FIN]}
  - {code: G2, name: 派驻第二纪检监察组, units: [LC-EDU, PS-FIN]}
  - {code: G3, name: 派驻第三纪检监察组, units: []}
"""


def run(text: str | bytes, filename: str = "org.yaml") -> ImportResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_org(data=data, filename=filename, scope=None)


def messages(text: str) -> list[str]:
    with override("en"):
        return [str(issue) for issue in run(text).issues]


def regions() -> dict[str, str]:
    found = {s.code: s.region.code for s in Station.objects.select_related("region")}
    found.update((g.code, g.region.code) for g in DisciplineGroup.objects.select_related("region"))
    return found


def test_finding_11_stations_and_groups_without_region_default_it() -> None:
    result = run(ORGANISATION)
    assert result.issues == []
    assert regions() == {"ST-ORG": "SX-CZ", "G1": "SX-LC", "G2": "SX-CZ", "G3": "SX-CZ"}


def test_finding_11_the_same_from_an_xlsx_file_without_region_columns() -> None:
    data = xlsx(
        {
            "regions": [["code", "name", "parent"], ["SX-CZ", "长治市", None]],
            "categories": [["code", "name"], ["gov", "政府部门"]],
            "units": [
                ["code", "name", "category", "region", "parent", "headcount"],
                ["CZ-FIN", "长治市财政局", "gov", "SX-CZ", None, 50],
            ],
            "stations": [["code", "name"], ["ST-CASE", "案管室"]],
            "discipline_groups": [
                ["code", "name", "units"],
                ["G1", "派驻第一纪检监察组", "CZ-FIN"],
            ],
        }
    )
    result = run(data, "org.xlsx")
    assert result.issues == []
    assert regions() == {"ST-CASE": "SX-CZ", "G1": "SX-CZ"}


def test_finding_11_a_station_goes_to_its_units_region_and_the_database_counts(org: Org) -> None:
    text = """
stations:
  - {code: ST-NEW, name: 新站}
  - {code: ST-EDU, name: 教育局站, unit: A1}
discipline_groups:
  - {code: G9, name: 派驻第九纪检监察组, units: [A1, A2]}
"""
    assert run(text).issues == []
    found = regions()
    assert (found["ST-NEW"], found["ST-EDU"], found["G9"]) == ("C1", "C1-A", "C1-A")
    # A re-import without the column keeps the region; given empty, it is worked out again.
    services.region_save(region=Region(code="C1-C", name="壶关县", parent=org.city))
    DisciplineGroup.objects.filter(code="G9").update(region=org.city)
    assert run("discipline_groups:\n  - {code: G9, name: 组}\n").issues == []
    assert regions()["G9"] == "C1"
    assert run("discipline_groups:\n  - {code: G9, region: null}\n").issues == []
    assert regions()["G9"] == "C1-A"


def test_finding_11_an_undecidable_region_is_a_located_issue(org: Org) -> None:
    services.region_save(region=Region(code="C2", name="晋城市", level=RegionLevel.CITY))
    text = """
regions:
  - {code: C2-A, name: 泽州县, parent: C2}
units:
  - {code: C2-FIN, name: 泽州县财政局, category: government, region: C2-A}
stations:
  - {code: ST-NEW, name: 新站}
discipline_groups:
  - {code: G9, name: 派驻第九纪检监察组, units: [A1, C2-FIN]}
  - {code: G10, name: 派驻第十纪检监察组, units: [C2-FIN]}
"""
    assert messages(text) == [
        "sheet stations, row 2, column region: cannot tell which region this belongs to: "
        "there are several top-level regions (C1, C2); give it in column region",
        "sheet discipline_groups, row 2, column region: cannot tell which region this "
        "belongs to: its units lie under different top-level regions; give it in column "
        "region",
    ]
    assert not Station.objects.filter(code="ST-NEW").exists()
