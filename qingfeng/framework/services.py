"""Writes to indicator frameworks. Every change goes through here: validated with
``full_clean()`` and the framework rules of ``validation.validate_spec``, in one transaction,
with the acting user recorded in the history.

Only a draft version changes; a published or archived version is immutable ("dynamic
adjustment" copies it into a new draft). Edits to a draft are checked against the whole
version: an edit that would add a problem (a duplicate code, a bad rule …) is refused and
nothing is stored. Problems a draft already had do not block other edits; publishing
requires a version without any. How children's points add up against their parent (and
level-1 points against the scale) is not checked per edit, so a draft can be edited in any
order: ``qingfeng.framework.sums`` reports it as warnings, and publishing refuses children
worth more than their parent (docs/design.md, "Editing a draft").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.framework.interchange_format import xlsx_column
from qingfeng.framework.interchange_write import version_to_spec
from qingfeng.framework.models import (
    Framework,
    FrameworkVersion,
    Indicator,
    UnreportedRule,
    VersionStatus,
)
from qingfeng.framework.validation import validate_spec
from qingfeng.lib.history import save_validated, stamp
from qingfeng.lib.tabular import Issue
from qingfeng.org.models import Region, Station

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

__all__ = [
    "ContentCounts",
    "framework_create",
    "indicator_delete",
    "indicator_move",
    "indicator_save",
    "version_archive",
    "version_copy",
    "version_create",
    "version_publish",
    "version_replace",
    "version_settings_save",
]


@dataclass
class ContentCounts:
    """What writing a version's indicators did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


def _frozen() -> ValidationError:
    return ValidationError(_("published versions cannot change; copy it into a new draft"))


def _draft(version_pk: int | None) -> FrameworkVersion:
    """The version as stored, if it is a draft (the caller's object may be stale)."""
    version = None
    if version_pk is not None:
        versions = FrameworkVersion.objects.select_related("framework__region")
        version = versions.filter(pk=version_pk).first()
    if version is None or version.status != VersionStatus.DRAFT:
        raise _frozen()
    return version


def _issues(version: FrameworkVersion, *, sums: bool = True) -> list[Issue]:
    """The version's problems; ``sums=False`` leaves out children adding up past their
    parent, which editing lets a draft pass through (checked when publishing)."""
    spec = version_to_spec(version)
    return validate_spec(spec, source="page", region=version.framework.region, sums=sums)


# ---------------------------------------------------------------------------------------
# Frameworks and versions


@transaction.atomic
def framework_create(*, code: str, name: str, region: Region, actor: User | None) -> Framework:
    """A new framework (no versions yet)."""
    framework = Framework(code=code, name=name, region=region)
    save_validated(framework, actor)
    return framework


@transaction.atomic
def version_create(
    *,
    framework: Framework,
    spec: dict[str, Any],
    actor: User | None,
    based_on: FrameworkVersion | None = None,
) -> tuple[FrameworkVersion, ContentCounts]:
    """A new draft of ``framework`` (number = highest + 1) holding a validated spec."""
    highest = framework.versions.aggregate(highest=Max("number"))["highest"] or 0
    version = FrameworkVersion(framework=framework, number=highest + 1, based_on=based_on)
    _settings(version, spec)
    save_validated(version, actor)
    return version, _write_indicators(version, spec.get("indicators") or [], actor)


@transaction.atomic
def version_replace(
    *, version: FrameworkVersion, spec: dict[str, Any], actor: User | None
) -> ContentCounts:
    """Replace a draft's settings and indicators by a validated spec. Indicators are
    matched by code: kept ones are updated in place, missing ones deleted."""
    stored = _draft(version.pk)
    _settings(version, spec)
    version.status = stored.status
    save_validated(version, actor)
    return _write_indicators(version, spec.get("indicators") or [], actor)


def _settings(version: FrameworkVersion, spec: dict[str, Any]) -> None:
    version.name = spec["name"]
    version.year = spec["year"]
    version.scale = spec["scale"]
    version.assessed_on = spec.get("assessed_on") or ""
    version.unreported_rule = spec.get("unreported") or UnreportedRule.MARK
    version.bands = list(spec.get("bands") or [])
    version.components = list(spec.get("components") or [])


def _write_indicators(
    version: FrameworkVersion, items: list[dict[str, Any]], actor: User | None
) -> ContentCounts:
    """Make the version's indicators those of ``items`` (a validated spec tree)."""
    counts = ContentCounts()
    existing = {node.code: node for node in version.indicators.all()}
    codes: set[str] = set()

    def station_codes(nodes: list[dict[str, Any]]) -> set[str]:
        found: set[str] = set()
        for node in nodes:
            if node.get("station"):
                found.add(node["station"])
            found |= station_codes(node.get("children") or [])
        return found

    stations = {s.code: s for s in Station.objects.filter(code__in=station_codes(items))}

    def visit(nodes: list[dict[str, Any]], parent: Indicator | None) -> None:
        for position, item in enumerate(nodes):
            code = item["code"]
            codes.add(code)
            obj = existing.get(code) or Indicator(version=version, code=code)
            station = stations.get(item["station"]) if item.get("station") else None
            values: dict[str, Any] = {
                "name": item["name"],
                "parent_id": parent.pk if parent else None,
                "position": position,
                "max": float(item["max"]),
                "standard": item.get("standard", ""),
                "method": item.get("method", ""),
                "station_id": station.pk if station else None,
                "applies_to": list(item.get("applies_to") or []),
                "component": item.get("component", ""),
                "bands": item.get("bands"),
                "rule": item.get("rule"),
                "self_assessed": item.get("self_assessed") is True,
            }
            if obj.pk and all(getattr(obj, key) == value for key, value in values.items()):
                counts.unchanged += 1
            else:
                counts.updated += 1 if obj.pk else 0
                counts.created += 0 if obj.pk else 1
                for key, value in values.items():
                    setattr(obj, key, value)
                obj.parent = parent
                obj.station = station
                save_validated(obj, actor)
            visit(item.get("children") or [], obj)

    visit(items, None)
    removed = [node for code, node in existing.items() if code not in codes]
    counts.deleted = len(removed)
    _delete_deepest_first(removed, actor)
    return counts


def _delete_deepest_first(nodes: list[Indicator], actor: User | None) -> None:
    """Delete nodes one by one, children before parents, so each history row names the
    actor (a cascade would not)."""
    parent_of = {node.pk: node.parent_id for node in nodes}

    def depth(pk: int) -> int:
        level = 0
        parent = parent_of.get(pk)
        while parent is not None and parent in parent_of:
            parent = parent_of[parent]
            level += 1
        return level

    for node in sorted(nodes, key=lambda n: -depth(n.pk)):
        stamp(node, actor)
        node.delete()


@transaction.atomic
def version_copy(*, version: FrameworkVersion, actor: User | None) -> FrameworkVersion:
    """A new draft with the same settings and indicators, ``based_on`` the given version
    (any status); its number is the framework's highest + 1."""
    copy, _counts = version_create(
        framework=version.framework, spec=version_to_spec(version), based_on=version, actor=actor
    )
    return copy


@transaction.atomic
def version_publish(*, version: FrameworkVersion, actor: User | None) -> FrameworkVersion:
    """Publish a draft after checking the whole version; every problem is raised at once.

    Other published versions of the same framework and year become archived (the version
    in force for a year is then unambiguous; past scores keep their version).
    """
    stored = _draft(version.pk)
    issues = _issues(stored)
    if issues:
        raise ValidationError([str(issue) for issue in issues])
    for other in stored.framework.versions.filter(
        status=VersionStatus.PUBLISHED, year=stored.year
    ).exclude(pk=stored.pk):
        other.status = VersionStatus.ARCHIVED
        save_validated(other, actor)
    version.refresh_from_db()
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    save_validated(version, actor)
    return version


@transaction.atomic
def version_archive(*, version: FrameworkVersion, actor: User | None) -> FrameworkVersion:
    """Archive a published version (it stays in force for its past periods)."""
    version.refresh_from_db()
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("only a published version can be archived"))
    version.status = VersionStatus.ARCHIVED
    save_validated(version, actor)
    return version


_SETTINGS = ("name", "year", "scale", "bands", "components", "assessed_on", "unreported_rule")


def version_settings_save(
    *,
    version: FrameworkVersion,
    name: str,
    year: int,
    scale: int,
    bands: list[dict[str, Any]],
    components: list[dict[str, Any]],
    actor: User | None,
    assessed_on: str | None = None,
    unreported_rule: str | None = None,
) -> FrameworkVersion:
    """Change a draft's name, year, scale, bands, components and (when given) the period
    kind it is assessed on (``AssessedOn``; None keeps it) and the rule for unreported
    data (``UnreportedRule``; None keeps it).

    The settings themselves must be valid (raised per setting). What they imply for the
    indicators (e.g. new components that level-1 indicators do not name yet) is left for
    the indicator edits and is checked when publishing.
    """
    stored = _draft(version.pk)
    old = {key: getattr(version, key) for key in _SETTINGS}
    values = {"name": name, "year": year, "scale": scale}
    values |= {"bands": list(bands or []), "components": list(components or [])}
    if assessed_on is not None:
        values["assessed_on"] = assessed_on
    if unreported_rule is not None:
        values["unreported_rule"] = unreported_rule
    for key, value in values.items():
        setattr(version, key, value)
    version.status = stored.status
    try:
        with transaction.atomic():
            errors: dict[str, list[str]] = {}
            for issue in _issues(version):
                head = (issue.field or "").split("[", 1)[0].split(".", 1)[0]
                if issue.node is None and head in _SETTINGS:
                    errors.setdefault(head, []).append(str(issue))
            if errors:
                raise ValidationError(errors)
            save_validated(version, actor)
    except ValidationError:
        for key, value in old.items():
            setattr(version, key, value)
        raise
    return version


# ---------------------------------------------------------------------------------------
# Indicators


def _issue_keys(version: FrameworkVersion) -> set[tuple[str, str]]:
    return {(issue.where, issue.message) for issue in _issues(version, sums=False)}


def _refuse_new_issues(
    version: FrameworkVersion, before: set[tuple[str, str]], edited: Indicator
) -> None:
    """Raise (and so roll back) if the version now has problems it did not have before;
    problems of the edited node are keyed by its field, the rest are non-field errors."""
    # The sums of children against their parents are not refused here: raising a child
    # before its parent (or lowering a parent before its children) must be possible. They
    # are shown as warnings on the version, and publishing refuses an excess.
    new = [i for i in _issues(version, sums=False) if (i.where, i.message) not in before]
    if not new:
        return
    parent_code = edited.parent.code if edited.parent_id and edited.parent else None
    errors: dict[str, list[str]] = {}
    for issue in new:
        key: str = NON_FIELD_ERRORS
        if issue.node is not None and issue.node == edited.code:
            key = xlsx_column(issue.field) or NON_FIELD_ERRORS
        elif issue.field == "max" and issue.node is not None and issue.node == parent_code:
            key = "max"
        errors.setdefault(key, []).append(str(issue))
    raise ValidationError(errors)


def _check_parent(indicator: Indicator, parent: Indicator | None) -> None:
    """The parent must be of the same version and not the node or one of its descendants."""
    if parent is None:
        return
    if parent.version_id != indicator.version_id:
        raise ValidationError({"parent": _("the parent must belong to the same version")})
    if indicator.pk is None:
        return
    parent_of = dict(
        Indicator.objects.filter(version_id=indicator.version_id).values_list("pk", "parent_id")
    )
    pk: int | None = parent.pk
    while pk is not None:
        if pk == indicator.pk:
            raise ValidationError(
                {"parent": _("an indicator cannot be placed under itself or its descendants")}
            )
        pk = parent_of.get(pk)


def _siblings(version_id: int, parent_id: int | None, exclude: int | None) -> list[Indicator]:
    siblings = Indicator.objects.filter(version_id=version_id, parent_id=parent_id)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    return list(siblings.order_by("position", "pk"))


def _renumber(nodes: list[Indicator], actor: User | None) -> None:
    """Positions 0, 1, 2 … in list order; only changed nodes are saved."""
    for position, node in enumerate(nodes):
        if node.position != position or node.pk is None:
            node.position = position
            stamp(node, actor)
            node.save()


def indicator_save(*, indicator: Indicator, actor: User | None) -> Indicator:
    """Create or change an indicator of a draft.

    A new indicator goes to ``position`` among its siblings (a large number: the end); a
    changed parent puts it last under the new parent. The whole version is checked after
    the change; if that adds a problem, ValidationError names the node and field, and
    nothing is stored.
    """
    version = _draft(indicator.version_id)
    _check_parent(indicator, indicator.parent)
    same_code = version.indicators.filter(code=indicator.code)
    if indicator.pk is not None:
        same_code = same_code.exclude(pk=indicator.pk)
    if same_code.exists():
        raise ValidationError(
            {
                "code": _('duplicate code "%(code)s": another indicator of this version has it')
                % {"code": indicator.code}
            }
        )
    was_new = indicator._state.adding or indicator.pk is None
    old_parent_id = (
        None
        if was_new
        else Indicator.objects.filter(pk=indicator.pk).values_list("parent_id", flat=True).first()
    )
    try:
        with transaction.atomic():
            before = _issue_keys(version)
            indicator.full_clean()
            stamp(indicator, actor)
            indicator.save()
            siblings = _siblings(version.pk, indicator.parent_id, indicator.pk)
            if was_new:
                siblings.insert(min(indicator.position, len(siblings)), indicator)
            elif old_parent_id != indicator.parent_id:
                siblings.append(indicator)
                _renumber(_siblings(version.pk, old_parent_id, indicator.pk), actor)
            else:
                siblings.append(indicator)
                siblings.sort(key=lambda n: (n.position, n.pk))
            _renumber(siblings, actor)
            _refuse_new_issues(version, before, indicator)
    except ValidationError:
        if was_new:
            indicator.pk = None
            indicator._state.adding = True
        raise
    return indicator


def indicator_move(
    *, indicator: Indicator, parent: Indicator | None, position: int, actor: User | None
) -> Indicator:
    """Put an indicator (with its subtree) under ``parent`` (None: level 1) at ``position``
    among its new siblings (0 = first); both sibling lists are renumbered. Refused, with
    nothing stored, if the move adds a problem (e.g. the new parent's points exceeded)."""
    version = _draft(indicator.version_id)
    _check_parent(indicator, parent)
    stored = Indicator.objects.get(pk=indicator.pk)
    old = (indicator.parent, indicator.position)
    try:
        with transaction.atomic():
            before = _issue_keys(version)
            indicator.parent = parent
            siblings = _siblings(version.pk, indicator.parent_id, indicator.pk)
            siblings.insert(max(0, min(position, len(siblings))), indicator)
            indicator.position = siblings.index(indicator)
            save_validated(indicator, actor)
            _renumber(siblings, actor)
            if stored.parent_id != indicator.parent_id:
                _renumber(_siblings(version.pk, stored.parent_id, indicator.pk), actor)
            _refuse_new_issues(version, before, indicator)
    except ValidationError:
        indicator.parent, indicator.position = old
        raise
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, actor: User | None) -> None:
    """Delete an indicator of a draft with everything under it; its later siblings move
    up. Not checked further: a group left without children needs a rule before publishing.
    """
    version = _draft(indicator.version_id)
    children: dict[int | None, list[Indicator]] = {}
    for node in version.indicators.all():
        children.setdefault(node.parent_id, []).append(node)
    subtree: list[Indicator] = []
    stack = [indicator]
    while stack:
        node = stack.pop()
        subtree.append(node)
        stack.extend(children.get(node.pk, []))
    parent_id = indicator.parent_id
    _delete_deepest_first(subtree, actor)
    _renumber(_siblings(version.pk, parent_id, None), actor)
