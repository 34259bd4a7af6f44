"""The organisation a commission oversees.

Regions form a tree (province -> city -> county); units belong to a region and may have a
parent unit (a college under a university). Both trees keep a materialised ``path`` of
primary keys ("/1/5/23/") so that "everything under X" is one indexed prefix query even
for tens of thousands of units. Paths are maintained by ``org.services``, never in
``save()``.

This module is the one place that reads paths: every scope and tree question ("the units
of this region's subtree", "is this station inside that region") goes through the
querysets, ``Q`` builders, model methods and path helpers below, never through a raw
prefix filter elsewhere (a test greps the source tree for that).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_
from typing import Self, TypeVar

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qingfeng.lib.search_index import SearchIndexed, SearchIndexedQuerySet

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
    _("Use letters, digits, dots, hyphens and underscores only."),
)


# ---------------------------------------------------------------------------------------
# Tree paths
#
# A path lists the primary keys from the root down to the node, each one closed by "/":
# "/1/5/23/". Because every key is closed, the prefix "/1/" of node 1 never matches
# "/10/", a sibling whose key starts with the same digits.


def _checked(path: str) -> str:
    """``path`` if it is a node's path. A node saved without ``org.services`` has the empty
    path, whose prefix would match every row: refuse it rather than widen a scope."""
    if len(path) < 3 or path[0] != "/" or path[-1] != "/":
        raise ValueError(f"not a tree path: {path!r} (was the node saved through org.services?)")
    return path


def path_within(path: str, top: str) -> bool:
    """Whether the node of ``path`` is the node of ``top`` or lies below it."""
    return path.startswith(_checked(top))


def path_ids(path: str) -> list[int]:
    """The primary keys along ``path``: the root first, the node itself last."""
    return [int(part) for part in path.split("/") if part]


def path_step(path: str, top: str) -> str | None:
    """The path of the child of ``top`` on the way down to ``path``; ``top`` itself when
    ``path`` is ``top``; None when ``path`` is not inside ``top``."""
    if not path_within(path, top):
        return None
    rest = path[len(top) :]
    return f"{top}{rest.split('/', 1)[0]}/" if rest else top


def path_tops(paths: Iterable[str]) -> list[str]:
    """The highest of ``paths`` (those with no ancestor among them), sorted."""
    tops: list[str] = []
    for path in sorted(paths):  # sorted: an ancestor comes before its descendants
        if not any(path_within(path, top) for top in tops):
            tops.append(path)
    return tops


class TreeNode:
    """In-memory tree checks shared by regions and units (no query)."""

    path: str

    def contains(self, other: Self) -> bool:
        """Whether ``other`` is this node or lies below it."""
        return path_within(other.path, self.path)


def subtree_q(node: TreeNode, prefix: str = "") -> Q:
    """Rows that are ``node`` (a region or a unit) or lie below it in its tree.

    ``prefix`` reaches the tree through a relation, e.g. ``subtree_q(unit, "unit__")`` on
    records: the records of a unit and of its sub-units.
    """
    return Q(**{f"{prefix}path__startswith": _checked(node.path)})


def within_q(region: Region, prefix: str = "") -> Q:
    """Rows whose region lies in the subtree of ``region``: units, stations and discipline
    groups with the empty prefix; related rows through a relation, e.g.
    ``within_q(region, prefix="unit__")`` on snapshots or records."""
    return subtree_q(region, f"{prefix}region__")


_M = TypeVar("_M", bound=models.Model)


class TreeQuerySet(models.QuerySet[_M]):
    """Queries over a tree with a materialised path (regions, units)."""

    def subtree(self, node: TreeNode) -> Self:
        """``node`` and everything below it."""
        return self.filter(subtree_q(node))

    def outside(self, node: TreeNode) -> Self:
        """Everything except ``node`` and what lies below it (e.g. the possible parents of
        ``node``: a node cannot be placed under itself)."""
        return self.exclude(subtree_q(node))

    def lineage(self, node: TreeNode) -> Self:
        """``node`` and its ancestors."""
        return self.filter(pk__in=path_ids(_checked(node.path)))

    def ancestors(self, node: TreeNode) -> Self:
        """The ancestors of ``node``, without ``node`` itself."""
        return self.filter(pk__in=path_ids(_checked(node.path))[:-1])

    def rebase_paths(self, *, old: str, new: str) -> int:
        """Tree maintenance for ``org.services`` after a node moved from path ``old`` to
        ``new``: rewrite the path prefix of every descendant in one UPDATE."""
        below = self.filter(path__startswith=_checked(old)).exclude(path=old)
        return below.update(
            path=Concat(Value(_checked(new)), Substr("path", Length(Value(old)) + 1))
        )


class RegionalQuerySet(models.QuerySet[_M]):
    """Queries over rows that belong to a region (stations, discipline groups; units have
    the same ``within`` in ``UnitQuerySet``)."""

    def within(self, region: Region) -> Self:
        """The rows whose region lies in the subtree of ``region``."""
        return self.filter(within_q(region))


class RegionQuerySet(TreeQuerySet["Region"]):
    """Regions: ``subtree``, ``outside``, ``lineage``, ``ancestors``."""

    def subtrees(self, regions: Iterable[Region]) -> Self:
        """The regions in the subtree of any of ``regions`` (none if none)."""
        conditions = [subtree_q(region) for region in regions]
        return self.filter(reduce(or_, conditions)) if conditions else self.none()


# The stubs type each queryset class's as_manager(); two bases disagree on it, harmlessly.
class UnitQuerySet(TreeQuerySet["Unit"], SearchIndexedQuerySet):  # type: ignore[override]
    """Units: ``within(region)`` for a region's subtree, ``subtree(unit)`` for a unit and
    its sub-units."""

    # The same as RegionalQuerySet.within: a second QuerySet base clashes in django-stubs.
    def within(self, region: Region) -> Self:
        """The units whose region lies in the subtree of ``region``."""
        return self.filter(within_q(region))


class StationQuerySet(RegionalQuerySet["Station"]):
    """Data stations: ``within(region)``."""


class DisciplineGroupQuerySet(RegionalQuerySet["DisciplineGroup"]):
    """Discipline groups: ``within(region)``."""


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    OTHER = "other", _("Other (e.g. an institution)")


class Region(TreeNode, models.Model):
    """An administrative region with its own commission; regions form a tree."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(
        _("level"), max_length=16, choices=RegionLevel.choices, default=RegionLevel.COUNTY
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    commission_name = models.CharField(_("commission"), max_length=100, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # The path is derived from the parent chain (which the history does keep).
    history = HistoricalRecords(excluded_fields=["path"])

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        """0 for a root region, 1 for its children, and so on."""
        return max(self.path.count("/") - 2, 0)


class UnitCategory(models.Model):
    """A kind of unit (township, municipal department, school …); frameworks target these."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit category")
        verbose_name_plural = _("unit categories")

    def __str__(self) -> str:
        return self.name


class Unit(TreeNode, SearchIndexed):
    """An assessed unit (被评估单位): a party organisation, department, township, school …"""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=150, db_index=True)
    category = models.ForeignKey(
        UnitCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="units"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    active = models.BooleanField(_("active"), default=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # The path is derived from the parent chain (which the history does keep).
    history = HistoricalRecords(excluded_fields=["path"])

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["region", "category"])]

    def __str__(self) -> str:
        return self.name

    def is_within(self, region: Region) -> bool:
        """Whether the unit's region lies in the subtree of ``region``."""
        return region.contains(self.region)


class Gender(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(SearchIndexed):
    """A leader or cadre; their posts say where they serve."""

    objects = SearchIndexedQuerySet.as_manager()

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    rank = models.CharField(_("cadre rank"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class PostRole(models.TextChoices):
    PRINCIPAL = "principal", _("principal leader")
    MEMBER = "member", _("team member")


class ManagedLevel(models.TextChoices):
    PROVINCE = "province", _("province-managed")
    CITY = "city", _("city-managed")
    COUNTY = "county", _("county-managed")
    OTHER = "other", _("other")


class Post(models.Model):
    """A person's post in a unit's leadership team, over a span of dates.

    A post with no ``end`` is current; ending a post keeps it as the person's history.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="posts"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="posts"
    )
    role = models.CharField(
        _("role in the team"), max_length=16, choices=PostRole.choices, default=PostRole.MEMBER
    )
    title = models.CharField(_("post title"), max_length=100, blank=True)
    managed_level = models.CharField(
        _("managed level"), max_length=16, choices=ManagedLevel.choices, blank=True
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit_id", "-role", "start"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["unit", "end"]), models.Index(fields=["person", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="post_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.unit} · {self.title or self.get_role_display()}"

    @property
    def is_current(self) -> bool:
        return self.end is None


class StationKind(models.TextChoices):
    DEPARTMENT = "department", _("functional department")
    OFFICE = "office", _("commission office")


class Station(models.Model):
    """A data station (数据采集监测站): a department or commission office that feeds data.

    Its clerks and reviewers are the users holding a role scoped to it; they see the units
    of the station's region.
    """

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=16, choices=StationKind.choices, default=StationKind.DEPARTMENT
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="stations"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit it belongs to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stations",
    )
    history = HistoricalRecords()

    objects = StationQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "kind", "code"]
        verbose_name = _("data station")
        verbose_name_plural = _("data stations")

    def __str__(self) -> str:
        return self.name


class DisciplineGroup(models.Model):
    """A stationed discipline group (派驻纪检监察组) and the units it covers."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="discipline_groups",
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("covered units"), related_name="discipline_groups", blank=True
    )
    history = HistoricalRecords(m2m_fields=[units])

    objects = DisciplineGroupQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "code"]
        verbose_name = _("discipline group")
        verbose_name_plural = _("discipline groups")

    def __str__(self) -> str:
        return self.name


class InChargeKind(models.TextChoices):
    IN_CHARGE = "in_charge", _("in charge (分管)")
    LIAISON = "liaison", _("liaison contact (联系)")


class InCharge(models.Model):
    """A leader in charge of a unit (分管) or its liaison contact (联系), e.g. the deputy
    county head in charge of the education bureau.

    The leader is a Person (usually with a post in the commission or the county
    government); notices and feedback about the unit are copied to them. Removing a
    relation deletes the row; the history keeps it.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="in_charge"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="units_in_charge",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=InChargeKind.choices, default=InChargeKind.IN_CHARGE
    )
    # The leader's position as it is said in this relation, e.g. 副县长 or 县纪委副书记.
    title = models.CharField(_("leader's position"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit_id", "kind", "person_id"]
        verbose_name = _("leader in charge")
        verbose_name_plural = _("leaders in charge")
        constraints = [
            models.UniqueConstraint(fields=["unit", "person", "kind"], name="in_charge_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.unit}"
