"""Change history, read through the same scope rule as everything else.

Each kind of object with a history page is registered here with the selector that says
which of its objects a user may see. ``object_history`` turns django-simple-history rows
into "who, when, what changed: old -> new" entries for the page.

A related object named in a change (a unit's region, a group's covered units, a record's
station …) is shown by name only when the same selectors let the user see it (a region
also when it is an ancestor of one they see: it shows in their breadcrumbs); otherwise it
is the neutral ``OUTSIDE_SCOPE`` text, so a history page never leaks a name the user's
scope hides. Users (who entered, reviewed, published) are named, as the "who" column is.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qingfeng.accounts import selectors
from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.accounts.roles import Capability
from qingfeng.duties.models import DutyList, DutyTask
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.errors import NotFound
from qingfeng.lib.periods import Period, period_label
from qingfeng.org.models import (
    DisciplineGroup,
    Person,
    Post,
    Region,
    Station,
    Unit,
    UnitCategory,
    subtree_q,
)
from qingfeng.records.models import CollectionPeriod, Record
from qingfeng.surveys import selectors as surveys
from qingfeng.surveys.models import (
    Appraisal,
    Campaign,
    CrossEvaluation,
    Questionnaire,
    QuestionnaireVersion,
)

Visible = Callable[[Any], QuerySet[Any]]


def _categories(user: Any) -> QuerySet[UnitCategory]:
    if selectors.has_capability(user, Capability.VIEW_HISTORY):
        return UnitCategory.objects.all()
    return UnitCategory.objects.none()


def _posts(user: Any) -> QuerySet[Post]:
    return Post.objects.filter(unit__in=selectors.visible_units(user, Capability.VIEW_HISTORY))


def _frameworks(user: Any) -> QuerySet[Framework]:
    return visible_frameworks(user, Capability.VIEW_HISTORY)


def _versions(user: Any) -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.filter(framework__in=_frameworks(user))


def _indicators(user: Any) -> QuerySet[Indicator]:
    return Indicator.objects.filter(version__framework__in=_frameworks(user))


def _records(user: Any) -> QuerySet[Record]:
    return Record.objects.filter(
        unit__in=selectors.visible_units(user, Capability.VIEW_HISTORY).values("pk")
    )


def _collection_periods(user: Any) -> QuerySet[CollectionPeriod]:
    return CollectionPeriod.objects.filter(framework__in=_frameworks(user))


def _duty_lists(user: Any) -> QuerySet[DutyList]:
    # A list's history (tasks added, confirmed, endorsed, reopened) is part of the list:
    # whoever sees the list by the duty rule sees it, a leader without history.view too.
    return DutyList.objects.filter(selectors.duty_visibility_q(user))


def _duty_tasks(user: Any) -> QuerySet[DutyTask]:
    return DutyTask.objects.filter(selectors.duty_visibility_q(user, prefix="duty_list__"))


def _surveys(read: Callable[[Any], QuerySet[Any]]) -> Visible:
    """The surveys' read rule (``surveys.selectors``) for a user who views history."""

    def visible(user: Any) -> QuerySet[Any]:
        queryset = read(user)
        if selectors.has_capability(user, Capability.VIEW_HISTORY):
            return queryset
        return queryset.none()

    return visible


def _assignments(user: Any) -> QuerySet[RoleAssignment]:
    users = selectors.assignable_users(user)
    return RoleAssignment.objects.filter(user__in=users)


HISTORY_KINDS: dict[str, tuple[type[models.Model], Visible]] = {
    "region": (Region, lambda u: selectors.visible_regions(u, Capability.VIEW_HISTORY)),
    "category": (UnitCategory, _categories),
    "unit": (Unit, lambda u: selectors.visible_units(u, Capability.VIEW_HISTORY)),
    "person": (Person, lambda u: selectors.visible_people(u, Capability.VIEW_HISTORY)),
    "post": (Post, _posts),
    "station": (Station, lambda u: selectors.visible_stations(u, Capability.VIEW_HISTORY)),
    "group": (
        DisciplineGroup,
        lambda u: selectors.visible_discipline_groups(u, Capability.VIEW_HISTORY),
    ),
    "assignment": (RoleAssignment, _assignments),
    "framework": (Framework, _frameworks),
    "version": (FrameworkVersion, _versions),
    "indicator": (Indicator, _indicators),
    "record": (Record, _records),
    "collection_period": (CollectionPeriod, _collection_periods),
    "duty_list": (DutyList, _duty_lists),
    "duty_task": (DutyTask, _duty_tasks),
    "questionnaire": (Questionnaire, _surveys(surveys.questionnaires_for)),
    "questionnaire_version": (
        QuestionnaireVersion,
        _surveys(
            lambda u: QuestionnaireVersion.objects.filter(
                questionnaire__in=surveys.questionnaires_for(u).values("pk")
            )
        ),
    ),
    "campaign": (Campaign, _surveys(surveys.campaigns_for)),
    "appraisal": (Appraisal, _surveys(surveys.appraisals_for)),
    "cross_evaluation": (CrossEvaluation, _surveys(surveys.cross_evaluations_for)),
}


@dataclass
class FieldChange:
    """One field's change: its label and the old and new values as shown to the user."""

    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One saved version: who, when, how (created/changed/deleted) and what changed."""

    when: Any
    who: str
    action: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def outside_scope() -> str:
    """What a history page shows for a related object outside the user's scope."""
    return _("(outside your scope)")


class _RelatedNames:
    """Names of related objects for one user: by name within the user's scope, else
    ``outside_scope()``. The visible querysets are built once per model, and each related
    object is named once per page (the same region or station recurs in many entries)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._visible: dict[type[models.Model], QuerySet[Any] | None] = {}
        self._names: dict[tuple[type[models.Model], Any], str] = {}

    def _scope(self, target: type[models.Model]) -> QuerySet[Any] | None:
        """The objects of ``target`` the user may see named; None: every one (users)."""
        if target not in self._visible:
            visible = next((v for m, v in HISTORY_KINDS.values() if m is target), None)
            if issubclass(target, User):
                self._visible[target] = None
            elif visible is None:  # a kind without a scope rule: name none of it
                self._visible[target] = target._default_manager.none()
            else:
                self._visible[target] = visible(self.user)
        return self._visible[target]

    def visible(self, target: type[models.Model], objs: list[Any]) -> set[Any]:
        """The primary keys of those of ``objs`` the user may see named."""
        scope = self._scope(target)
        if scope is None:
            return {obj.pk for obj in objs}
        seen = set(scope.filter(pk__in=[obj.pk for obj in objs]).values_list("pk", flat=True))
        if target is Region:
            # An ancestor of a region the user sees is in their breadcrumbs already.
            for region in objs:
                if region.pk not in seen and scope.filter(subtree_q(region)).exists():
                    seen.add(region.pk)
        return seen

    def one(self, target: type[models.Model], pk: Any) -> str:
        if (target, pk) not in self._names:
            self._names[target, pk] = self._name(target, pk)
        return self._names[target, pk]

    def _name(self, target: type[models.Model], pk: Any) -> str:
        obj = target._default_manager.filter(pk=pk).first()
        if obj is None:  # deleted since: its id, as before
            return f"#{pk}"
        return str(obj) if self.visible(target, [obj]) else outside_scope()

    def many(self, target: type[models.Model], ids: list[Any]) -> str:
        related = list(target._default_manager.filter(pk__in=ids))
        seen = self.visible(target, related)
        names = [str(obj) for obj in related if obj.pk in seen]
        if len(names) < len(related):  # hidden ones: one neutral mark, not even a count
            names.append(outside_scope())
        return "、".join(names) or "—"


def _display(model: type[models.Model], name: str, value: Any, related: _RelatedNames) -> str:
    """Render a stored history value the way the page shows it (names, not ids; related
    objects outside the user's scope as ``outside_scope()``)."""
    if value in (None, ""):
        return "—"
    try:
        model_field: Any = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since: show the raw value
        return str(value)
    if isinstance(model_field, models.ManyToManyField):
        ids = [row.get(model_field.m2m_reverse_field_name()) for row in value]
        target: Any = model_field.related_model
        return related.many(target, ids)
    if isinstance(model_field, models.ForeignKey):
        target = model_field.related_model
        return related.one(target, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DateTimeField) and isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if name == "period":  # a period code (2026Q3) in words, as every page shows it
        try:
            return period_label(Period.parse(str(value)))
        except ValueError:
            return str(value)
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    try:
        model_field: Any = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(model_field.verbose_name)


# Not shown: the tree's path (a technical key), the creation time (the entry's own time)
# and a campaign's quota (the rule copied from the settings, shown in words on its board).
HIDDEN_FIELDS = {"path", "created_at", "quota_tiers"}


def object_history(*, user: Any, kind: str, pk: int) -> tuple[models.Model, list[HistoryEntry]]:
    """The object and its history entries, newest first; 404 outside the user's scope."""
    if kind not in HISTORY_KINDS:
        raise NotFound(f"no history kind {kind!r}")
    model, visible = HISTORY_KINDS[kind]
    obj = visible(user).filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"no {kind} {pk} in the user's scope")
    records = list(obj.history.all().select_related("history_user"))
    related = _RelatedNames(user)
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[FieldChange] = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                changes.append(
                    FieldChange(
                        field=change.field,
                        label=_label(model, change.field),
                        old=_display(model, change.field, change.old, related),
                        new=_display(model, change.field, change.new, related),
                    )
                )
        else:
            for model_field in model._meta.concrete_fields:
                if model_field.name in HIDDEN_FIELDS or model_field.primary_key:
                    continue
                value = getattr(record, model_field.attname)
                if value in (None, ""):
                    continue
                changes.append(
                    FieldChange(
                        field=model_field.name,
                        label=str(model_field.verbose_name),
                        old="",
                        new=_display(model, model_field.name, value, related),
                    )
                )
        who = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(who) if who else _("system (command line or import)"),
                action=actions.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return obj, entries
