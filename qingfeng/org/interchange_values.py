"""An organisation item's fields as the organisation file writes them (the export, and the
import's comparison of a row with what the database holds), with the defaults and the
required fields of each sheet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qingfeng.org.models import (
    DisciplineGroup,
    Person,
    Region,
    RegionLevel,
    Station,
    StationKind,
    Unit,
    UnitCategory,
)


def region_values(region: Region) -> dict[str, Any]:
    """A region's fields as the file writes them (references by code)."""
    return {
        "name": region.name,
        "parent": region.parent.code if region.parent else None,
        "level": region.level,
        "commission": region.commission_name,
    }


def category_values(category: UnitCategory) -> dict[str, Any]:
    """A category's fields as the file writes them."""
    return {"name": category.name}


def unit_values(unit: Unit) -> dict[str, Any]:
    """A unit's fields as the file writes them (references by code)."""
    return {
        "name": unit.name,
        "category": unit.category.code,
        "region": unit.region.code,
        "parent": unit.parent.code if unit.parent else None,
        "headcount": unit.headcount,
        "active": unit.active,
    }


def person_values(person: Person) -> dict[str, Any]:
    """A person's own fields (without the post) as the file writes them."""
    return {
        "name": person.name,
        "rank": person.rank,
        "gender": person.gender,
        "birth_year": person.birth_year,
    }


def station_values(station: Station) -> dict[str, Any]:
    """A station's fields as the file writes them (references by code)."""
    return {
        "name": station.name,
        "kind": station.kind,
        "region": station.region.code,
        "unit": station.unit.code if station.unit else None,
    }


def group_values(group: DisciplineGroup) -> dict[str, Any]:
    """A discipline group's fields (without its units) as the file writes them."""
    return {"name": group.name, "region": group.region.code}


VALUES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "regions": region_values,
    "categories": category_values,
    "units": unit_values,
    "people": person_values,
    "stations": station_values,
    "discipline_groups": group_values,
}
# The value an optional field takes when it is given empty, or left out for a new item.
DEFAULTS: dict[str, dict[str, Any]] = {
    "regions": {"parent": None, "level": RegionLevel.COUNTY.value, "commission": ""},
    "categories": {},
    "units": {"parent": None, "headcount": 0, "active": True},
    "people": {"rank": "", "gender": "", "birth_year": None},
    "stations": {"kind": StationKind.DEPARTMENT.value, "unit": None},
    "discipline_groups": {},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "regions": ("name",),
    "categories": ("name",),
    "units": ("name", "category", "region"),
    "people": ("name",),
    # A station's or group's region is not required: left out (or empty) it defaults, see
    # ``Checker._default_region``.
    "stations": ("name",),
    "discipline_groups": ("name",),
}
VALUES_KEYS: dict[str, tuple[str, ...]] = {
    "regions": ("name", "parent", "level", "commission"),
    "categories": ("name",),
    "units": ("name", "category", "region", "parent", "headcount", "active"),
    "people": ("name", "rank", "gender", "birth_year"),
    "stations": ("name", "kind", "region", "unit"),
    "discipline_groups": ("name", "region"),
}
