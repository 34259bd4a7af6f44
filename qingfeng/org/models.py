"""The organisation a commission oversees.

Regions form a tree (province -> city -> county); units belong to a region and may have a
parent unit (a college under a university). Both trees keep a materialised ``path`` of
primary keys ("/1/5/23/") so that "everything under X" is one indexed prefix query even
for tens of thousands of units. Paths are maintained by ``org.services``, never in
``save()``.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
    _("Use letters, digits, dots, hyphens and underscores only."),
)


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    OTHER = "other", _("Other (e.g. an institution)")


class Region(models.Model):
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


class Unit(models.Model):
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

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["region", "category"])]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(models.Model):
    """A leader or cadre; their posts say where they serve."""

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

    class Meta:
        ordering = ["region_id", "code"]
        verbose_name = _("discipline group")
        verbose_name_plural = _("discipline groups")

    def __str__(self) -> str:
        return self.name
