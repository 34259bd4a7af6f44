"""Writing the organisation as YAML or .xlsx, in the format ``import_org`` reads.

The YAML keeps the English codes (the public machine format); the .xlsx, which people
read, names its sheets and columns in Chinese and writes yes/no, gender and the kind of a
leader in charge in Chinese, all of which the import reads back as the codes.

With a scope, only what its user may see is written (``interchange_scope``); a group's
``units`` list then names only the covered units the user sees. References (a region's
parent, a unit's category) are written by code even when the referenced item itself is
not exported, so re-importing an edited export changes only what was edited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import yaml
from django.db.models import Prefetch, Q, QuerySet

from qingfeng.lib.headers import CHINESE_NAMES, chinese_header
from qingfeng.lib.plain_xlsx import plain_workbook
from qingfeng.org.interchange_check import VALUES
from qingfeng.org.interchange_in_charge import in_charge_data
from qingfeng.org.interchange_read import COLUMNS, SHEETS
from qingfeng.org.interchange_scope import OrgScope
from qingfeng.org.models import (
    DisciplineGroup,
    InCharge,
    Person,
    Post,
    PostRole,
    Region,
    Station,
    Unit,
    UnitCategory,
)

Format = Literal["yaml", "xlsx"]


def export_org(*, scope: OrgScope | None, fmt: Format) -> bytes:
    """The organisation (all of it, or what the ``scope``'s user may see) as YAML or .xlsx
    bytes."""
    data = organisation_data(scope=scope)
    if fmt == "yaml":
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        return text.encode("utf-8")
    if fmt == "xlsx":
        return _workbook(data)
    raise ValueError(f"unknown export format: {fmt!r}")


def organisation_data(*, scope: OrgScope | None) -> dict[str, list[dict[str, Any]]]:
    """The organisation as plain data, sheet by sheet, item keys in column order."""
    units = scope.units if scope is not None else Unit.objects.all()
    regions = scope.regions if scope is not None else Region.objects.all()
    stations = scope.stations if scope is not None else Station.objects.all()
    groups = scope.discipline_groups if scope is not None else DisciplineGroup.objects.all()
    data: dict[str, list[dict[str, Any]]] = {
        "regions": [
            _item("regions", r.code, VALUES["regions"](r))
            for r in regions.select_related("parent").order_by("path", "code")
        ],
        "categories": [
            _item("categories", c.code, VALUES["categories"](c))
            for c in UnitCategory.objects.order_by("code")
        ],
        "units": [
            _item("units", u.code, VALUES["units"](u))
            for u in units.select_related("category", "region", "parent").order_by("path", "code")
        ],
        "people": _people(scope is not None, units),
        "stations": [
            _item("stations", s.code, VALUES["stations"](s))
            for s in stations.select_related("region", "unit").order_by("region__path", "code")
        ],
        "discipline_groups": [],
        "in_charge": in_charge_data(units),
    }
    covered = Prefetch("units", queryset=units.order_by("code"), to_attr="exported_units")
    for group in (
        groups.select_related("region").prefetch_related(covered).order_by("region__path", "code")
    ):
        values = VALUES["discipline_groups"](group)
        values["units"] = [u.code for u in group.exported_units]
        data["discipline_groups"].append(_item("discipline_groups", group.code, values))
    return data


def _people(scoped: bool, units: QuerySet[Unit]) -> list[dict[str, Any]]:
    """People with their current post; when ``scoped``, those holding one in ``units``."""
    posts = Post.objects.filter(end__isnull=True).select_related("unit")
    people = Person.objects.all()
    if scoped:
        posts = posts.filter(unit__in=units)
        in_charge = InCharge.objects.filter(unit__in=units).values("person_id")
        people = people.filter(Q(pk__in=posts.values("person_id")) | Q(pk__in=in_charge))
    current = Prefetch("posts", queryset=posts, to_attr="exported_posts")
    items = []
    for person in people.prefetch_related(current).order_by("code"):
        values = VALUES["people"](person)
        held: list[Post] = sorted(
            person.exported_posts,
            key=lambda p: (p.role != PostRole.PRINCIPAL, p.start is None, p.start, p.pk),
        )
        if held:
            post = held[0]
            values |= {
                "unit": post.unit.code,
                "post": post.title,
                "role": post.role,
                "managed_level": post.managed_level,
                "start": post.start.isoformat() if post.start else None,
            }
        items.append(_item("people", person.code, values))
    return items


def _item(sheet: str, code: str, values: dict[str, Any]) -> dict[str, Any]:
    """An item with every column of its sheet, in order; empty text is written as null."""
    item: dict[str, Any] = {"code": code}
    for column in COLUMNS[sheet][1:]:
        value = values.get(column)
        item[column] = None if value == "" else value
    return item


# Values the import also reads in Chinese (``interchange_read``, ``interchange_in_charge``,
# ``tabular.boolean``), written so in the .xlsx: a user reads 男 and 分管, not M and
# in_charge. Other codes (units, categories, region levels…) stay codes: they are what
# the import reads.
_CHINESE_VALUES: dict[str, dict[Any, str]] = {
    "gender": {"M": "男", "F": "女"},
    "kind": {"in_charge": "分管", "liaison": "联系"},
}
_YES_NO = {True: "是", False: "否"}


def _workbook(data: dict[str, list[dict[str, Any]]]) -> bytes:
    """One sheet per kind of item, a column per field, sheets and columns by their Chinese
    names (``lib.headers``; the import reads them as the codes); a list is written as its
    items separated by commas."""
    return plain_workbook(
        {
            CHINESE_NAMES[sheet]: (
                chinese_header(COLUMNS[sheet]),
                [_row(sheet, item, COLUMNS[sheet]) for item in data[sheet]],
            )
            for sheet in SHEETS
        }
    )


def _row(sheet: str, item: dict[str, Any], columns: Sequence[str]) -> list[Any]:
    return [_cell(sheet, column, item[column]) for column in columns]


def _cell(sheet: str, column: str, value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(value) or None
    if isinstance(value, bool):
        return _YES_NO[value]
    # ``kind`` is Chinese only for leaders in charge: a station's kind has no Chinese reading.
    if column == "gender" or (sheet == "in_charge" and column == "kind"):
        return _CHINESE_VALUES[column].get(value, value)
    return value
