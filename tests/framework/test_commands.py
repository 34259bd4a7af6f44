"""The import_framework and export_framework commands."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qingfeng.framework.interchange import read_framework_file, version_to_spec
from qingfeng.framework.models import Framework, FrameworkVersion, VersionStatus
from qingfeng.org import services as org_services
from qingfeng.org.models import Region, RegionLevel
from tests.conftest import Org
from tests.framework.conftest import FRAMEWORK_YAML, base_spec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_it_imports_a_framework_from_the_command_line(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "lc.yaml"
    path.write_text(FRAMEWORK_YAML, encoding="utf-8")
    with pytest.raises(CommandError, match='Unknown region "NOPE"'):
        call_command("import_framework", str(path), "--region", "NOPE")
    out = StringIO()
    call_command("import_framework", str(path), "--region", "C1-A", "--publish", stdout=out)
    assert out.getvalue().strip() == (
        "Imported: framework LC, version 1 (published): 9 indicators created, 0 updated, "
        "0 unchanged, 0 deleted"
    )
    version = FrameworkVersion.objects.get()
    assert version.status == VersionStatus.PUBLISHED and version.framework.region == org.county_a
    out = StringIO()
    call_command("import_framework", str(path), stdout=out)
    assert "version 2 (draft): 9 indicators created" in out.getvalue()


def test_it_prints_every_problem_and_fails(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(FRAMEWORK_YAML.replace("scale: 100", "scale: 90").replace("max: 60", "max: 5"))
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_framework", str(path), "--region", "C1-A", stderr=err)
    assert err.getvalue().splitlines() == [
        'scale: the scale must be 100 or 1000, not "90"',
        "indicators A, field max: the children's points add up to 59.5, more than this "
        "indicator's 5",
    ]
    assert not Framework.objects.exists()


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_it_exports_a_version(
    org: Org, version: FrameworkVersion, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"out{suffix}"
    out = StringIO()
    call_command("export_framework", "LC", str(path), "--version", "1", stdout=out)
    assert "version 1" in out.getvalue()
    spec, issues = read_framework_file(data=path.read_bytes(), filename=path.name)
    assert issues == [] and spec == version_to_spec(version) == base_spec()
    with pytest.raises(CommandError, match="No framework"):
        call_command("export_framework", "LC", str(path), "--version", "7")
    with pytest.raises(CommandError, match="Unsupported file type"):
        call_command("export_framework", "LC", str(tmp_path / "out.csv"))


def test_finding_11_without_region_a_new_framework_goes_to_the_only_top_level_region(
    org: Org, tmp_path: Path
) -> None:
    path = tmp_path / "lc.yaml"
    path.write_text(FRAMEWORK_YAML, encoding="utf-8")
    out = StringIO()
    call_command("import_framework", str(path), stdout=out)
    assert "version 1 (draft): 9 indicators created" in out.getvalue()
    assert Framework.objects.get(code="LC").region == org.city


def test_finding_11_without_region_several_top_level_regions_are_listed(
    org: Org, tmp_path: Path
) -> None:
    org_services.region_save(region=Region(code="C2", name="晋城市", level=RegionLevel.CITY))
    path = tmp_path / "lc.yaml"
    path.write_text(FRAMEWORK_YAML, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_framework", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        'code: a new framework "LC" needs a region: the installation has several top-level '
        "regions (C1, C2); say which with --region CODE"
    ]
    assert not Framework.objects.exists()
    call_command("import_framework", str(path), "--region", "C1", stdout=StringIO())
    assert Framework.objects.get(code="LC").region == org.city
