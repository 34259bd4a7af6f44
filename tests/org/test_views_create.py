"""The create pages of regions, categories, stations and groups, the category edit page,
and the organisation's and a framework's import and export pages: what they store, and
that a county's administrator creates only inside the county."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.framework.models import FrameworkVersion, VersionStatus
from qingfeng.org.models import (
    DisciplineGroup,
    Region,
    RegionLevel,
    Station,
    StationKind,
    Unit,
    UnitCategory,
)
from tests.conftest import Org, client_for
from tests.framework.conftest import FRAMEWORK_YAML


def test_it_creates_a_region_inside_the_admins_county_only(
    org: Org, admin_a: User, admin_b: User
) -> None:
    client = client_for(admin_a)
    form = {"code": "C1-A-DZ", "name": "黎城县开发区", "level": RegionLevel.OTHER}

    refused = client.post(reverse("org:region_create"), {**form, "parent": org.county_b.pk})
    assert refused.status_code == 200 and "parent" in refused.context["form"].errors
    assert not Region.objects.filter(code="C1-A-DZ").exists()

    response = client.post(reverse("org:region_create"), {**form, "parent": org.county_a.pk})

    region = Region.objects.get(code="C1-A-DZ")
    assert response.status_code == 302
    assert response["Location"] == reverse("org:region_detail", args=[region.pk])
    assert region.parent == org.county_a
    assert region.path == f"{org.county_a.path}{region.pk}/"
    assert region.history.get().history_user == admin_a
    detail = reverse("org:region_detail", args=[region.pk])
    assert client_for(admin_b).get(detail).status_code == 404


def test_it_creates_and_renames_categories_for_the_installations_administrator_only(
    org: Org, sysadmin: User, admin_a: User
) -> None:
    form = {"code": "village", "name": "村（社区）"}
    assert client_for(admin_a).post(reverse("org:category_create"), form).status_code == 403
    assert not UnitCategory.objects.filter(code="village").exists()

    response = client_for(sysadmin).post(reverse("org:category_create"), form)

    assert response.status_code == 302
    village = UnitCategory.objects.get(code="village")
    assert village.name == "村（社区）"

    edit = reverse("org:category_edit", args=[org.township.pk])
    rename = {"code": "township", "name": "乡镇（街道）"}
    assert client_for(admin_a).post(edit, rename).status_code == 403
    org.township.refresh_from_db()
    assert org.township.name == "镇街"
    assert client_for(sysadmin).post(edit, rename).status_code == 302
    org.township.refresh_from_db()
    assert org.township.name == "乡镇（街道）"
    page = client_for(admin_a).get(reverse("org:category_list")).content.decode()
    assert "乡镇（街道）" in page and "村（社区）" in page


def test_it_creates_a_station_inside_the_admins_county_only(
    org: Org, admin_a: User, admin_b: User
) -> None:
    client = client_for(admin_a)
    form = {"code": "ST-A2", "name": "黎城县信访局", "kind": StationKind.OFFICE}

    refused = client.post(reverse("org:station_create"), {**form, "region": org.county_b.pk})
    assert refused.status_code == 200 and "region" in refused.context["form"].errors
    assert not Station.objects.filter(code="ST-A2").exists()

    response = client.post(reverse("org:station_create"), {**form, "region": org.county_a.pk})

    assert response.status_code == 302
    station = Station.objects.get(code="ST-A2")
    assert (station.region, station.kind, station.unit) == (org.county_a, StationKind.OFFICE, None)
    assert station.history.get().history_user == admin_a
    assert "黎城县信访局" in client.get(reverse("org:station_list")).content.decode()
    assert (
        "黎城县信访局" not in client_for(admin_b).get(reverse("org:station_list")).content.decode()
    )


def test_it_creates_a_group_covering_units_of_the_admins_county_only(
    org: Org, admin_a: User, admin_b: User
) -> None:
    client = client_for(admin_a)
    form = {"code": "G-A2", "name": "派驻第二纪检监察组", "region": org.county_a.pk}

    refused = client.post(reverse("org:group_create"), {**form, "units": [org.unit_b1.pk]})
    assert refused.status_code == 200 and "units" in refused.context["form"].errors
    assert not DisciplineGroup.objects.filter(code="G-A2").exists()

    response = client.post(
        reverse("org:group_create"), {**form, "units": [org.unit_a1.pk, org.unit_a1_sub.pk]}
    )

    assert response.status_code == 302
    group = DisciplineGroup.objects.get(code="G-A2")
    assert group.region == org.county_a
    assert sorted(group.units.values_list("code", flat=True)) == ["A1", "A1-1"]
    assert group.history.get().history_user == admin_a
    detail = reverse("org:group_detail", args=[group.pk])
    assert client_for(admin_b).get(detail).status_code == 404


def test_it_exports_the_admins_county_and_imports_it_back_through_the_pages(
    org: Org, admin_a: User, admin_b: User
) -> None:
    client = client_for(admin_a)
    exported = client.get(reverse("org:export", args=["yaml"]))
    assert exported.status_code == 200
    assert "attachment" in exported["Content-Disposition"]
    text = exported.content.decode()
    assert "黎城县教育局" in text and "平顺县财政局" not in text
    other = client_for(admin_b).get(reverse("org:export", args=["yaml"])).content.decode()
    assert "平顺县财政局" in other and "黎城县教育局" not in other

    renamed = text.replace("黎城县教育局", "黎城县教育和体育局").encode()
    upload = SimpleUploadedFile("organisation.yaml", renamed)
    response = client.post(reverse("org:import"), {"file": upload})

    assert response.status_code == 302, response.content.decode()
    unit = Unit.objects.get(code="A1")
    assert unit.name == "黎城县教育和体育局"
    assert unit.history.latest("history_date").history_user == admin_a
    assert Unit.objects.count() == 4  # nothing else created or lost


def test_it_imports_a_framework_through_the_page_as_a_draft_of_the_admins_county(
    org: Org, admin_a: User, admin_b: User
) -> None:
    upload = SimpleUploadedFile("framework.yaml", FRAMEWORK_YAML.encode())

    response = client_for(admin_a).post(reverse("framework:import"), {"file": upload})

    version = FrameworkVersion.objects.get(framework__code="LC")
    assert response.status_code == 302
    assert response["Location"] == reverse("framework:version_detail", args=[version.pk])
    assert version.status == VersionStatus.DRAFT
    assert version.framework.region == org.county_a
    assert version.indicators.count() == 9
    detail = reverse("framework:version_detail", args=[version.pk])
    assert client_for(admin_b).get(detail).status_code == 404
