"""Organisation import and export (YAML and .xlsx): the public entry points.

``import_org`` is all or nothing: the file is parsed and checked completely first
(``interchange_read``: each field; ``interchange_check``: references, trees, regions), every
problem is collected as an ``Issue`` (``qingfeng.lib.tabular``), and only a file without
any is applied, in one transaction, through ``qingfeng.org.services``. ``export_org``
writes the same format (``interchange_write``). The format and our choices are in
``docs/interchange-org.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qingfeng.lib.tabular import FILE, Issue, Issues
from qingfeng.org import services
from qingfeng.org.interchange_check import VALUES, Checker, Entry, Plan
from qingfeng.org.interchange_in_charge import SHEET as IN_CHARGE
from qingfeng.org.interchange_in_charge import apply_in_charge, check_in_charge
from qingfeng.org.interchange_read import (
    SHEETS,
    ImportResult,
    clean_rows,
    parse_file,
)
from qingfeng.org.interchange_scope import OrgScope
from qingfeng.org.interchange_write import export_org
from qingfeng.org.models import (
    DisciplineGroup,
    Person,
    Region,
    Station,
    Unit,
    UnitCategory,
)

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

__all__ = ["ImportResult", "Issue", "export_org", "import_org"]

# Model field names that differ from the file's column names, for locating service errors.
_COLUMN_OF_FIELD = {"commission_name": "commission", "title": "post"}


def import_org(
    *, data: bytes, filename: str, scope: OrgScope | None, dry_run: bool = False
) -> ImportResult:
    """Import an organisation file (.yaml, .yml or .xlsx, by ``filename``), all or nothing.

    Existing items (matched by code) are updated, new ones created, nothing deleted. With
    a ``scope`` (the upload page: ``accounts.selectors.org_scope``) everything created or
    changed must lie in it, and its user is the actor; ``scope=None`` (the command line)
    has no scope limit. With ``dry_run`` every check runs, including the services', and
    then everything is rolled back. The result holds the counts per sheet, or, if anything
    is wrong, every issue and zero counts.
    """
    issues = Issues()
    result = ImportResult(issues=issues.items)
    actor = scope.user if scope is not None else None
    if scope is not None and not scope.may_import:
        issues.add(FILE, None, None, _("you are not allowed to import the organisation"))
        return result
    raw = parse_file(data, filename, issues)
    if not any(raw.values()):
        if not issues:
            issues.add(FILE, None, None, _("the file contains nothing to import"))
        issues.items.sort(key=_issue_order)
        return result
    rows = clean_rows(raw, issues)
    checker = Checker(rows, issues, scope.units if scope else None)
    checker.run()
    relations = check_in_charge(raw.get(IN_CHARGE, []), rows, issues, scope)
    if scope is not None:
        _check_scope(checker, scope)
    if issues:
        issues.items.sort(key=_issue_order)
        return result
    plan = checker.plan()
    in_charge = (0, 0, 0)
    try:
        with transaction.atomic():
            _apply(plan, actor, issues)
            in_charge = apply_in_charge(relations, actor)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if not issues:
        _count(plan, result)
    if not issues and IN_CHARGE in raw:
        (
            result.created[IN_CHARGE],
            result.updated[IN_CHARGE],
            result.unchanged[IN_CHARGE],
        ) = in_charge
    return result


def _issue_order(issue: Issue) -> tuple[int, int]:
    sheet = SHEETS.index(issue.sheet) if issue.sheet in SHEETS else -1
    return sheet, issue.row or 0


def _count(plan: Plan, result: ImportResult) -> None:
    for sheet, entries in plan.entries.items():
        for entry in entries:
            if entry.obj is None:
                result.created[sheet] += 1
            elif entry.changed:
                result.updated[sheet] += 1
            else:
                result.unchanged[sheet] += 1


# ---------------------------------------------------------------------------------------
# Scope


def _check_scope(checker: Checker, scope: OrgScope) -> None:
    """Everything created or changed must lie in the actor's editable regions."""
    issues = checker.issues
    entries = checker.entries
    if not scope.may_edit_categories:
        for entry in entries["categories"]:
            if entry.obj is None or entry.changed:
                issues.add(
                    "categories",
                    entry.row.row,
                    "code",
                    _(
                        "outside your scope: only an administrator of the whole installation "
                        "or of a top-level region may create or change unit categories"
                    ),
                )
    if scope.edits_everywhere:
        return
    editable = set(scope.editable_regions.values_list("code", flat=True))

    def region_ok(code: str | None) -> bool:
        # A region new in the file is checked at its own row (its parent must be in scope).
        return code is not None and (code not in checker.db_regions or code in editable)

    def outside(sheet: str, entry: Entry, column: str, code: str) -> None:
        issues.add(
            sheet,
            entry.row.row,
            column,
            _('outside your scope: region "%(code)s"') % {"code": code},
        )

    for entry in entries["regions"]:
        parent = entry.target["parent"]
        if entry.obj is None and parent is None:
            issues.add(
                "regions",
                entry.row.row,
                "parent",
                _(
                    "outside your scope: only an administrator of the whole installation may "
                    "create a top-level region"
                ),
            )
        elif entry.obj is None and not region_ok(parent):
            outside("regions", entry, "parent", parent)
        elif entry.obj is not None and entry.changed:
            if entry.obj.code not in editable:
                outside("regions", entry, "code", entry.obj.code)
            elif parent != VALUES["regions"](entry.obj)["parent"] and not region_ok(parent):
                outside("regions", entry, "parent", parent or "")
    for sheet in ("units", "stations", "discipline_groups"):
        for entry in entries[sheet]:
            region = entry.target["region"]
            if entry.obj is None:
                if region is not None and not region_ok(region):
                    outside(sheet, entry, "region", region)
            elif entry.changed:
                old = entry.obj.region.code
                if old not in editable:
                    outside(sheet, entry, "code", old)
                elif region != old and not region_ok(region):
                    outside(sheet, entry, "region", region)
    _check_people_scope(checker, scope, editable, region_ok)


def _check_people_scope(
    checker: Checker, scope: OrgScope, editable: set[str], region_ok: Any
) -> None:
    existing = [e.row.code for e in checker.entries["people"] if e.obj is not None]
    allowed = set(
        scope.editable_people.filter(code__in=existing).values_list("code", flat=True)
    ) | set(
        Person.objects.filter(code__in=existing, posts__isnull=True).values_list("code", flat=True)
    )
    for entry in checker.entries["people"]:
        row = entry.row
        details_changed = entry.obj is not None and VALUES["people"](entry.obj) != entry.target
        if details_changed and row.code not in allowed:
            checker.issues.add(
                "people",
                row.row,
                "code",
                _('outside your scope: person "%(code)s"') % {"code": row.code},
            )
        touched = [*entry.end_posts, *([entry.fix_post] if entry.fix_post else [])]
        for post in touched:
            if post.unit.region.code not in editable:
                checker.issues.add(
                    "people",
                    row.row,
                    "unit",
                    _('outside your scope: the current post in unit "%(code)s"')
                    % {"code": post.unit.code},
                )
        if entry.new_post is not None:
            region = checker.unit_region(entry.new_post["unit"])
            if region is not None and not region_ok(region):
                checker.issues.add(
                    "people",
                    row.row,
                    "unit",
                    _('outside your scope: region "%(code)s"') % {"code": region},
                )


# ---------------------------------------------------------------------------------------
# Applying


class _Rollback(Exception):
    """Leaves the import's transaction without keeping anything."""


def _apply(plan: Plan, actor: User | None, issues: Issues) -> None:
    """Apply the plan through the services; the first failure is reported and rolls back."""
    applier = _Applier(plan, actor, issues)
    for sheet in ("categories", "regions", "units", "people", "stations", "discipline_groups"):
        for entry in plan.entries[sheet]:
            try:
                getattr(applier, sheet)(entry)
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                for name, messages in errors.items():
                    column: str | None = _COLUMN_OF_FIELD.get(name, name)
                    if column in ("", "__all__"):
                        column = None
                    issues.add(sheet, entry.row.row, column, " ".join(messages))
                raise _Rollback from exc
            except IntegrityError as exc:
                issues.add(
                    sheet,
                    entry.row.row,
                    None,
                    _("could not be saved: %(error)s") % {"error": exc},
                )
                raise _Rollback from exc


class _Applier:
    """Turns plan entries into service calls, remembering the objects it creates."""

    def __init__(self, plan: Plan, actor: User | None, issues: Issues) -> None:
        self.plan = plan
        self.actor = actor
        self.region_by_code = plan.regions
        self.category_by_code = plan.categories
        self.unit_by_code = plan.units
        # Once a tree node moved, in-memory paths of its descendants are stale: refresh.
        self.moved = False

    def _fresh(self, *nodes: Region | Unit | None) -> None:
        if self.moved:
            for node in nodes:
                if node is not None and node.pk:
                    node.refresh_from_db(fields=["path"])

    def _save_in_tree(self, obj: Region | Unit, save: Callable[[], object]) -> None:
        """Save a region or unit, noting when it moved (its old path changed)."""
        self._fresh(obj, obj.parent)
        old_path = obj.path
        save()
        self.moved = self.moved or bool(old_path and old_path != obj.path)

    def categories(self, entry: Entry) -> None:
        obj = entry.obj or UnitCategory(code=entry.row.code)
        if entry.obj is None or entry.changed:
            obj.name = entry.target["name"]
            services.category_save(category=obj, actor=self.actor)
        self.category_by_code[entry.row.code] = obj

    def regions(self, entry: Entry) -> None:
        obj = entry.obj or Region(code=entry.row.code)
        if entry.obj is None or entry.changed:
            target = entry.target
            obj.name = target["name"]
            obj.level = target["level"]
            obj.commission_name = target["commission"]
            obj.parent = self.region_by_code[target["parent"]] if target["parent"] else None
            self._save_in_tree(obj, lambda: services.region_save(region=obj, actor=self.actor))
        self.region_by_code[entry.row.code] = obj

    def units(self, entry: Entry) -> None:
        obj = entry.obj or Unit(code=entry.row.code)
        if entry.obj is None or entry.changed:
            target = entry.target
            obj.name = target["name"]
            obj.category = self.category_by_code[target["category"]]
            obj.region = self.region_by_code[target["region"]]
            obj.parent = self.unit_by_code[target["parent"]] if target["parent"] else None
            obj.headcount = target["headcount"]
            obj.active = target["active"]
            self._save_in_tree(obj, lambda: services.unit_save(unit=obj, actor=self.actor))
        self.unit_by_code[entry.row.code] = obj

    def people(self, entry: Entry) -> None:
        obj = entry.obj or Person(code=entry.row.code)
        target = entry.target
        if entry.obj is None or VALUES["people"](entry.obj) != target:
            obj.name = target["name"]
            obj.rank = target["rank"]
            obj.gender = target["gender"]
            obj.birth_year = target["birth_year"]
            services.person_save(person=obj, actor=self.actor)
        for post in entry.end_posts:
            services.post_end(post=post, end=self.plan.today, actor=self.actor)
        if entry.new_post is not None:
            new = entry.new_post
            services.post_start(
                person=obj,
                unit=self.unit_by_code[new["unit"]],
                role=new["role"],
                title=new["title"],
                managed_level=new["managed_level"],
                start=new["start"],
                actor=self.actor,
            )
        if entry.fix_post is not None:
            for attr, value in entry.fix_values.items():
                setattr(entry.fix_post, attr, value)
            services.post_save(post=entry.fix_post, actor=self.actor)

    def stations(self, entry: Entry) -> None:
        if entry.obj is not None and not entry.changed:
            return
        obj = entry.obj or Station(code=entry.row.code)
        target = entry.target
        obj.name = target["name"]
        obj.kind = target["kind"]
        obj.region = self.region_by_code[target["region"]]
        obj.unit = self.unit_by_code[target["unit"]] if target["unit"] else None
        services.station_save(station=obj, actor=self.actor)

    def discipline_groups(self, entry: Entry) -> None:
        if entry.obj is not None and not entry.changed:
            return
        obj = entry.obj or DisciplineGroup(code=entry.row.code)
        obj.name = entry.target["name"]
        obj.region = self.region_by_code[entry.target["region"]]
        units = None
        if entry.unit_codes is not None:
            units = [self.unit_by_code[code] for code in entry.unit_codes]
        if self.moved:
            # Region paths changed in this import: check coverage against fresh paths.
            obj.region = Region.objects.get(pk=obj.region.pk)
            if units is not None:
                units = list(
                    Unit.objects.filter(pk__in=[u.pk for u in units]).select_related("region")
                )
        services.discipline_group_save(group=obj, units=units, actor=self.actor)
