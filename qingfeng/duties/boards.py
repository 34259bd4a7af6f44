"""The light boards of the two-responsibilities platform (亮灯看板): reads only.

Every count is made in the database with the one light rule (``lights.light_case``) and
filtered by the one visibility rule (``accounts.selectors.duty_visibility_q``): a board
never loops over a region's dues in Python. The region board groups the dues by unit (and
by discipline group for the groups' lists) in SQL, then maps those few thousand groups to
the child regions in Python; that keeps a province to one pass over the dues' index
(bench/duties_board.py).

- ``region_board``: per child region (drill down) or, at a region without children, per
  unit and discipline group; worst first (the share of red lights);
- ``unit_board``: per subject of a unit (its team, its principal, each member) and per
  category, plus the lists of the discipline groups covering it, kept apart;
- ``list_board``: per task of one list, its dues with their lights.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import pgettext_lazy

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import duty_visibility_q, visible_regions, visible_units
from qingfeng.duties.lights import Light, light_case
from qingfeng.duties.models import (
    DutyCategory,
    DutyList,
    DutyTask,
    SubjectKind,
    TaskDue,
)
from qingfeng.org.models import (
    DisciplineGroup,
    Region,
    RegionQuerySet,
    Unit,
    path_step,
    path_tops,
    path_within,
)

if TYPE_CHECKING:
    from qingfeng.accounts.selectors import AnyUser

LIGHTS = tuple(Light)
# A light's name on a chip (红灯) and its colour class (the bands' colours; grey is "none").
LIGHT_NAMES = {
    Light.RED: pgettext_lazy("light", "red"),
    Light.ORANGE: pgettext_lazy("light", "orange"),
    Light.YELLOW: pgettext_lazy("light", "yellow"),
    Light.GREEN: pgettext_lazy("light", "green"),
    Light.GREY: pgettext_lazy("light", "grey"),
}
LIGHT_CSS = {
    Light.RED: "qf-band-red",
    Light.ORANGE: "qf-band-orange",
    Light.YELLOW: "qf-band-yellow",
    Light.GREEN: "qf-band-green",
    Light.GREY: "qf-band-none",
}


@dataclass
class LightCounts:
    """How many dues show each light."""

    red: int = 0
    orange: int = 0
    yellow: int = 0
    green: int = 0
    grey: int = 0

    def add(self, light: str, count: int) -> None:
        """Add ``count`` dues of ``light``."""
        setattr(self, light, getattr(self, light) + count)

    def merge(self, other: LightCounts) -> None:
        """Add every count of ``other``."""
        for light in LIGHTS:
            self.add(light.value, getattr(other, light.value))

    @property
    def total(self) -> int:
        return self.red + self.orange + self.yellow + self.green + self.grey

    @property
    def red_share(self) -> float:
        """The share of red lights (0 when there is no due): what boards sort by."""
        return self.red / self.total if self.total else 0.0

    @property
    def red_percent(self) -> int:
        return round(100 * self.red_share)

    @property
    def chips(self) -> list[tuple[str, str, str, int]]:
        """(light, colour class, name, count) in the boards' order."""
        return [
            (light.value, LIGHT_CSS[light], str(LIGHT_NAMES[light]), getattr(self, light.value))
            for light in LIGHTS
        ]


def light_chip(light: str) -> tuple[str, str]:
    """The colour class and name of one light (a due's chip)."""
    return LIGHT_CSS[Light(light)], str(LIGHT_NAMES[Light(light)])


def _counted(rows: QuerySet[TaskDue], *keys: str) -> dict[tuple[object, ...], LightCounts]:
    """The dues of ``rows`` counted per light and per ``keys`` in one grouped query."""
    counts: dict[tuple[object, ...], LightCounts] = defaultdict(LightCounts)
    for row in rows.values(*keys, "light").annotate(n=Count("pk")).order_by():
        counts[tuple(row[key] for key in keys)].add(row["light"], row["n"])
    return counts


def quarter_dates(*, year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a quarter."""
    start = datetime.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    end = (
        datetime.date(year, 12, 31)
        if end_month == 12
        else datetime.date(year, end_month + 1, 1) - datetime.timedelta(days=1)
    )
    return start, end


def visible_dues(
    *,
    user: AnyUser,
    year: int,
    today: datetime.date,
    quarter: int | None = None,
    kind: str | None = None,
) -> QuerySet[TaskDue]:
    """The dues of ``year`` the user may see (due in ``quarter`` and of subject ``kind``
    when given), each annotated with its ``light`` on ``today``."""
    dues = TaskDue.objects.filter(duty_visibility_q(user), year=year)
    if quarter:
        start, end = quarter_dates(year=year, quarter=quarter)
        dues = dues.filter(due__gte=start, due__lte=end)
    if kind:
        dues = dues.filter(kind=kind)
    return dues.annotate(light=light_case(today=today))


@dataclass
class BoardRow:
    """One row of a region board: a child region, a unit or a discipline group."""

    kind: str  # "region", "unit" or "group"
    pk: int
    code: str
    name: str
    counts: LightCounts = field(default_factory=LightCounts)
    list_pk: int | None = None  # a group's list of the year (its board)


@dataclass
class RegionBoard:
    """A region board: its rows (worst first) and their totals."""

    region: Region | None
    rows: list[BoardRow]
    totals: LightCounts
    by_units: bool


def board_regions(user: AnyUser) -> RegionQuerySet:
    """The regions whose board the user may open."""
    return visible_regions(user, Capability.VIEW_DUTIES)


def top_regions(user: AnyUser) -> list[Region]:
    """The highest regions the user may see (a board without ``?region`` starts there)."""
    regions = {region.path: region for region in board_regions(user)}
    return [regions[path] for path in path_tops(regions)]


def region_board(
    *,
    user: AnyUser,
    region: Region | None,
    year: int,
    today: datetime.date,
    quarter: int | None = None,
    kind: str | None = None,
) -> RegionBoard:
    """The light counts of the dues the user sees in ``region`` (None: the user's top
    regions), per child region or, at a region without children, per unit and discipline
    group; rows without a due are left out; worst first (red share, then red count)."""
    dues = visible_dues(user=user, year=year, today=today, quarter=quarter, kind=kind)
    unit_dues = dues.filter(unit__isnull=False)
    group_dues = dues.filter(discipline_group__isnull=False)
    if region is not None:
        children = list(Region.objects.filter(parent=region).order_by("code"))
        units = Unit.objects.within(region)
        groups = DisciplineGroup.objects.within(region)
        if region.parent_id is not None:
            # The region as a semi-join on the dues' own column, one query for the units'
            # dues and one for the groups' (an OR of the two would defeat the index); a
            # root region holds every due, so its board needs no such filter.
            unit_dues = unit_dues.filter(unit__in=units.values("pk"))
            group_dues = group_dues.filter(discipline_group__in=groups.values("pk"))
    else:
        children = top_regions(user)
        units = Unit.objects.all()
        groups = DisciplineGroup.objects.all()
    by_units = region is not None and not children
    per_unit = _counted(unit_dues, "unit_id")
    per_group = _counted(group_dues, "discipline_group_id")
    rows: dict[tuple[str, int], BoardRow] = {}
    if by_units:
        for pk, code, name in units.filter(pk__in=[key[0] for key in per_unit]).values_list(
            "pk", "code", "name"
        ):
            rows["unit", pk] = BoardRow("unit", pk, code, name, per_unit[(pk,)])
        group_lists = dict(
            DutyList.objects.filter(
                kind=SubjectKind.GROUP, year=year, discipline_group__in=[k[0] for k in per_group]
            ).values_list("discipline_group_id", "pk")
        )
        for pk, code, name in groups.filter(pk__in=[key[0] for key in per_group]).values_list(
            "pk", "code", "name"
        ):
            rows["group", pk] = BoardRow(
                "group", pk, code, name, per_group[(pk,)], list_pk=group_lists.get(pk)
            )
    else:
        # The few thousand units and groups are mapped to the child region (or, for one
        # directly in ``region``, to a row of its own) by their region's path.
        by_path = {child.path: child for child in children}
        cache: dict[str, Region | None] = {}

        def child_of(path: str) -> Region | None:
            if path not in cache:
                if region is not None:
                    step = path_step(path, region.path)
                    cache[path] = by_path.get(step) if step else None
                else:
                    cache[path] = next(
                        (top for top_path, top in by_path.items() if path_within(path, top_path)),
                        None,
                    )
            return cache[path]

        seen_units = {key[0] for key in per_unit}
        for pk, code, name, path in units.values_list("pk", "code", "name", "region__path"):
            if pk not in seen_units:
                continue
            _place(rows, child_of(path), "unit", pk, code, name, per_unit[(pk,)])
        seen_groups = {key[0] for key in per_group}
        for pk, code, name, path in groups.values_list("pk", "code", "name", "region__path"):
            if pk not in seen_groups:
                continue
            _place(rows, child_of(path), "group", pk, code, name, per_group[(pk,)])
    ordered = sorted(
        (row for row in rows.values() if row.counts.total),
        key=lambda row: (-row.counts.red_share, -row.counts.red, row.code),
    )
    totals = LightCounts()
    for row in ordered:
        totals.merge(row.counts)
    return RegionBoard(region=region, rows=ordered, totals=totals, by_units=by_units)


def _place(
    rows: dict[tuple[str, int], BoardRow],
    child: Region | None,
    kind: str,
    pk: int,
    code: str,
    name: str,
    counts: LightCounts,
) -> None:
    """Add one unit's or group's counts to its child region's row (or a row of its own)."""
    if child is None:
        row = rows.setdefault((kind, pk), BoardRow(kind, pk, code, name))
    else:
        row = rows.setdefault(
            ("region", child.pk), BoardRow("region", child.pk, child.code, child.name)
        )
    row.counts.merge(counts)


def board_unit(*, user: AnyUser, pk: int) -> Unit | None:
    """The unit whose board the user may open (one they see, or one of whose duty lists
    they see); None otherwise."""
    unit = Unit.objects.filter(pk=pk).select_related("region").first()
    if unit is None:
        return None
    if visible_units(user, Capability.VIEW_DUTIES).filter(pk=pk).exists():
        return unit
    if DutyList.objects.filter(duty_visibility_q(user), unit=unit).exists():
        return unit
    return None


@dataclass
class SubjectRow:
    """One subject's list on a unit board."""

    duty_list: DutyList
    counts: LightCounts


@dataclass
class CategoryRow:
    """One category's counts on a unit board."""

    category: DutyCategory
    counts: LightCounts


@dataclass
class UnitBoard:
    """A unit board: its subjects' lists, its categories and the covering groups' lists."""

    unit: Unit
    subjects: list[SubjectRow]
    categories: list[CategoryRow]
    groups: list[SubjectRow]
    totals: LightCounts


_KIND_ORDER: dict[str, int] = {"team": 0, "principal": 1, "member": 2}


def unit_board(
    *, user: AnyUser, unit: Unit, year: int, today: datetime.date, quarter: int | None = None
) -> UnitBoard:
    """Per visible list of the unit (team, principal, members) and per category: the
    light counts of ``year`` (of ``quarter``); the covering discipline groups' lists
    apart (they are not the unit's, and do not enter its totals)."""
    dues = visible_dues(user=user, year=year, today=today, quarter=quarter)
    own = dues.filter(unit=unit)
    per_list = _counted(own, "duty_list_id")
    per_category = _counted(own, "task__category_id")
    lists = DutyList.objects.filter(duty_visibility_q(user), unit=unit, year=year).select_related(
        "person", "unit"
    )
    subjects = sorted(
        (SubjectRow(item, per_list.get((item.pk,), LightCounts())) for item in lists),
        key=lambda row: (_KIND_ORDER.get(row.duty_list.kind, 9), row.duty_list.person_id or 0),
    )
    categories = [
        CategoryRow(category, per_category.get((category.pk,), LightCounts()))
        for category in DutyCategory.objects.filter(
            Q(active=True) | Q(pk__in=[key[0] for key in per_category])
        )
    ]
    covering = DisciplineGroup.objects.filter(units=unit)
    per_group_list = _counted(dues.filter(discipline_group__in=covering), "duty_list_id")
    group_lists = DutyList.objects.filter(
        duty_visibility_q(user), discipline_group__in=covering, year=year
    ).select_related("discipline_group")
    groups = [
        SubjectRow(item, per_group_list.get((item.pk,), LightCounts())) for item in group_lists
    ]
    totals = LightCounts()
    for row in subjects:
        totals.merge(row.counts)
    return UnitBoard(
        unit=unit, subjects=subjects, categories=categories, groups=groups, totals=totals
    )


def board_list(*, user: AnyUser, pk: int) -> DutyList | None:
    """The duty list whose board the user may open; None outside their scope."""
    return (
        DutyList.objects.filter(duty_visibility_q(user), pk=pk)
        .select_related("unit", "person", "discipline_group")
        .first()
    )


@dataclass
class TaskRow:
    """One task of a list board: its dues (each with ``light``) and their counts."""

    task: DutyTask
    dues: list[TaskDue]
    counts: LightCounts


@dataclass
class ListBoard:
    """A list board: per task, its dues with their lights."""

    duty_list: DutyList
    tasks: list[TaskRow]
    totals: LightCounts


def list_board(*, duty_list: DutyList, today: datetime.date) -> ListBoard:
    """The dues of one list (already checked visible), per task, with their lights on
    ``today`` (computed by the SQL rule)."""
    tasks = {
        task.pk: TaskRow(task, [], LightCounts())
        for task in DutyTask.objects.filter(duty_list=duty_list).select_related("category")
    }
    totals = LightCounts()
    dues = (
        TaskDue.objects.filter(duty_list=duty_list)
        .annotate(light=light_case(today=today))
        .order_by("task_id", "due")
    )
    for due in dues:
        row = tasks.get(due.task_id)
        if row is None:
            continue
        light: str = due.light
        due.chip = light_chip(light)  # type: ignore[attr-defined]
        row.dues.append(due)
        row.counts.add(light, 1)
        totals.add(light, 1)
    return ListBoard(duty_list=duty_list, tasks=list(tasks.values()), totals=totals)
