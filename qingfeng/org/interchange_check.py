"""Checking an organisation import against itself and the database, and planning it.

The second half of the validation (``interchange_read`` did the per-field checks):
references resolve against the file first, then the database; trees must not form a cycle;
a sub-unit stays in its parent's region; a group covers only units of its region; and,
for an actor from the upload page, everything created or changed lies in the actor's
scope. Nothing is written here: the result is a ``Plan`` that ``interchange`` applies.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.lib.tabular import Issues
from qingfeng.org.interchange_read import SHEETS, Row
from qingfeng.org.interchange_values import DEFAULTS, REQUIRED, VALUES, VALUES_KEYS
from qingfeng.org.models import (
    DisciplineGroup,
    Person,
    Post,
    PostRole,
    Region,
    Station,
    Unit,
    UnitCategory,
    path_ids,
)

_CHUNK = 500

_POST_FIELDS = ("post", "role", "managed_level", "start")


@dataclass
class Entry:
    """One item to apply: the existing object (or None) and the values it should get."""

    row: Row
    obj: Any | None
    target: dict[str, Any]
    changed: bool = False
    end_posts: list[Post] = field(default_factory=list)
    new_post: dict[str, Any] | None = None
    fix_post: Post | None = None
    fix_values: dict[str, Any] = field(default_factory=dict)
    unit_codes: list[str] | None = None


@dataclass
class Plan:
    """Everything an import will do, item by item, in the order to apply it."""

    entries: dict[str, list[Entry]]
    regions: dict[str, Region]
    categories: dict[str, UnitCategory]
    units: dict[str, Unit]
    today: datetime.date


def _fetch(model: type[Model], key: str, values: Iterable[Any], related: list[str]) -> list[Any]:
    """Objects whose ``key`` is in ``values``, fetched in chunks (SQLite's variable limit)."""
    values = list(values)
    found: list[Any] = []
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        found.extend(
            model._default_manager.filter(**{f"{key}__in": chunk}).select_related(*related)
        )
    return found


def _unknown_message(sheet: str) -> str:
    """The issue for a code that names no item of ``sheet``."""
    return {
        "regions": _('unknown region "%(code)s"'),
        "categories": _('unknown unit category "%(code)s"'),
        "units": _('unknown unit "%(code)s"'),
    }[sheet]


def _cycle(start: str, parent_of: Callable[[str], str | None]) -> list[str] | None:
    """The cycle through ``start`` that following parents runs into, if any."""
    seen = [start]
    current = parent_of(start)
    while current is not None:
        if current == start:
            return [*seen, start]
        if current in seen:
            return None
        seen.append(current)
        current = parent_of(current)
    return None


def _topological(codes: Iterable[str], parent_of: Callable[[str], str | None]) -> list[str]:
    """Order codes so that a parent in the same list comes before its children."""
    members = set(codes)
    done: set[str] = set()
    order: list[str] = []
    for code in sorted(members):
        chain: list[str] = []
        current: str | None = code
        while current in members and current not in done and current not in chain:
            chain.append(current)
            current = parent_of(current)
        for item in reversed(chain):
            done.add(item)
            order.append(item)
    return order


class Checker:
    """Cross-checks the cleaned rows and builds the plan; issues go to ``issues``."""

    def __init__(
        self, rows: dict[str, dict[str, Row]], issues: Issues, visible_units: QuerySet[Unit] | None
    ) -> None:
        # ``visible_units``: the units the importing user sees (None: no user, no limit).
        self.rows = rows
        self.issues = issues
        self.visible_units = visible_units
        self.targets: dict[str, dict[str, dict[str, Any]]] = {sheet: {} for sheet in SHEETS}
        self.entries: dict[str, list[Entry]] = {sheet: [] for sheet in SHEETS}
        self.today = timezone.localdate()
        self._load()

    # -- loading ------------------------------------------------------------------------

    def _load(self) -> None:
        rows = self.rows
        self.db_regions = {r.code: r for r in Region.objects.select_related("parent")}
        self.db_categories = {c.code: c for c in UnitCategory.objects.all()}
        wanted: set[str | None] = set(rows["units"])
        wanted |= {r.fields.get("parent") for r in rows["units"].values()}
        wanted |= {r.fields.get("unit") for r in rows["people"].values()}
        wanted |= {r.fields.get("unit") for r in rows["stations"].values()}
        for row in rows["discipline_groups"].values():
            wanted |= set(row.fields.get("units") or [])
        related = ["category", "region", "parent"]
        found = _fetch(Unit, "code", (code for code in wanted if code), related)
        self.db_units: dict[str, Unit] = {u.code: u for u in found}
        self.db_people: dict[str, Person] = {}
        current = Prefetch(
            "posts",
            queryset=Post.objects.filter(end__isnull=True).select_related("unit__region"),
            to_attr="current_posts",
        )
        codes = list(rows["people"])
        for start in range(0, len(codes), _CHUNK):
            chunk = Person.objects.filter(code__in=codes[start : start + _CHUNK])
            self.db_people.update((p.code, p) for p in chunk.prefetch_related(current))
        self.db_stations: dict[str, Station] = {
            s.code: s for s in _fetch(Station, "code", rows["stations"], ["region", "unit"])
        }
        covered = Prefetch("units", queryset=Unit.objects.select_related(*related))
        self.db_groups: dict[str, DisciplineGroup] = {
            g.code: g
            for g in DisciplineGroup.objects.filter(code__in=list(rows["discipline_groups"]))
            .select_related("region")
            .prefetch_related(covered)
        }
        for group in self.db_groups.values():
            self.db_units.update((u.code, u) for u in group.units.all())
        # Every ancestor of a loaded unit, so parent chains can be followed to the root.
        loaded = {u.pk for u in self.db_units.values()}
        ancestors = {pk for u in self.db_units.values() for pk in path_ids(u.path)} - loaded
        self.db_units.update((u.code, u) for u in _fetch(Unit, "pk", ancestors, related))

    # -- lookups (the file first, then the database) ------------------------------------

    def _effective(self, sheet: str, db: dict[str, Any], code: str, name: str) -> Any:
        target = self.targets[sheet].get(code)
        if target is not None:
            return target.get(name)
        obj = db.get(code)
        return VALUES[sheet](obj)[name] if obj is not None else None

    def region_parent(self, code: str) -> str | None:
        """The parent code a region will have after the import."""
        return self._effective("regions", self.db_regions, code, "parent")

    def unit_parent(self, code: str) -> str | None:
        """The parent code a unit will have after the import."""
        return self._effective("units", self.db_units, code, "parent")

    def unit_region(self, code: str) -> str | None:
        """The region code a unit will have after the import."""
        return self._effective("units", self.db_units, code, "region")

    def region_ancestors(self, code: str) -> list[str]:
        """The region and its ancestors, nearest first (stops at a cycle)."""
        chain: list[str] = []
        current: str | None = code
        while current is not None and current not in chain:
            chain.append(current)
            current = self.region_parent(current)
        return chain

    def _known(self, sheet: str, db: dict[str, Any], code: str) -> bool:
        return code in self.rows[sheet] or code in db

    # -- the run ------------------------------------------------------------------------

    def run(self) -> None:
        """Check everything, collecting issues, and mark the items that change."""
        dbs: dict[str, dict[str, Any]] = {
            "regions": self.db_regions,
            "categories": self.db_categories,
            "units": self.db_units,
            "people": self.db_people,
            "stations": self.db_stations,
            "discipline_groups": self.db_groups,
        }
        self._categories_by_name()
        for sheet in SHEETS:
            for code, row in self.rows[sheet].items():
                obj = dbs[sheet].get(code)
                self.targets[sheet][code] = self._target(row, obj)
                self.entries[sheet].append(Entry(row, obj, self.targets[sheet][code]))
        self._check_regions()
        self._check_units()
        self._check_people()
        self._check_stations()
        self._check_groups()
        for sheet in SHEETS:
            for entry in self.entries[sheet]:
                if entry.obj is not None and VALUES[sheet](entry.obj) != entry.target:
                    entry.changed = True
                if entry.end_posts or entry.new_post or entry.fix_post:
                    entry.changed = True

    def _categories_by_name(self) -> None:
        """A unit's category may be given by its name (学校) as well as by its code: a value
        that is no category's code but one category's name (in the file or the database)
        stands for that category's code."""
        codes: dict[str, str] = {cat.name: code for code, cat in self.db_categories.items()}
        for code, row in self.rows["categories"].items():
            if isinstance(row.fields.get("name"), str):
                codes[row.fields["name"]] = code
        for row in self.rows["units"].values():
            value = row.fields.get("category")
            if (
                isinstance(value, str)
                and not self._known("categories", self.db_categories, value)
                and value in codes
            ):
                row.fields["category"] = codes[value]

    def plan(self) -> Plan:
        """The plan to apply, items in order (parents before their children)."""
        return Plan(
            entries=self._ordered(),
            regions=self.db_regions,
            categories=self.db_categories,
            units=self.db_units,
            today=self.today,
        )

    def _target(self, row: Row, obj: Any | None) -> dict[str, Any]:
        sheet = row.sheet
        defaults = DEFAULTS[sheet]
        if obj is not None:
            target = VALUES[sheet](obj)
        else:
            target = {name: defaults.get(name) for name in VALUES_KEYS[sheet]}
        for name in VALUES_KEYS[sheet]:
            if name in row.bad:
                continue
            if row.has(name):
                value = row.fields[name]
                if value is None and name in REQUIRED[sheet]:
                    self.issues.add(sheet, row.row, name, _("this field is required"))
                    continue
                target[name] = defaults.get(name) if value is None else value
            elif obj is None and name in REQUIRED[sheet]:
                self.issues.add(sheet, row.row, name, _("this field is required"))
        return target

    def _unknown(self, row: Row, column: str, message: str, code: str) -> None:
        self.issues.add(row.sheet, row.row, column, message % {"code": code})

    def _given(self, row: Row, name: str) -> str | None:
        value = row.fields.get(name)
        return value if isinstance(value, str) else None

    def _unknown_in(self, sheet: str, row: Row, column: str) -> bool:
        """Report the code in ``column`` if it names no item of ``sheet``, neither in the
        file nor in the database; True if it was reported."""
        code = self._given(row, column)
        db: dict[str, dict[str, Any]] = {
            "regions": self.db_regions,
            "categories": self.db_categories,
            "units": self.db_units,
        }
        if code is None or self._known(sheet, db[sheet], code):
            return False
        self._unknown(row, column, _unknown_message(sheet), code)
        return True

    def _cyclic(self, row: Row, parent_of: Callable[[str], str | None]) -> bool:
        """Report the cycle that following the parents from ``row`` runs into; True if
        there is one."""
        cycle = _cycle(row.code, parent_of)
        if cycle:
            self.issues.add(
                row.sheet,
                row.row,
                "parent",
                _("the parents form a cycle: %(cycle)s") % {"cycle": " → ".join(cycle)},
            )
        return cycle is not None

    def _check_regions(self) -> None:
        for entry in self.entries["regions"]:
            row = entry.row
            if not self._unknown_in("regions", row, "parent"):
                self._cyclic(row, self.region_parent)

    def _check_units(self) -> None:
        moved: dict[int, Entry] = {}
        for entry in self.entries["units"]:
            row = entry.row
            self._unknown_in("categories", row, "category")
            self._unknown_in("regions", row, "region")
            if self._unknown_in("units", row, "parent") or self._cyclic(row, self.unit_parent):
                continue
            parent = entry.target["parent"]
            own_region = entry.target["region"]
            parent_region = self.unit_region(parent) if parent else None
            if parent_region and own_region and parent_region != own_region:
                self.issues.add(
                    "units",
                    row.row,
                    "parent",
                    _(
                        'a sub-unit must be in its parent unit\'s region: "%(parent)s" is in '
                        'region "%(region)s"'
                    )
                    % {"parent": parent, "region": parent_region},
                )
            if entry.obj is not None and own_region != entry.obj.region.code:
                moved[entry.obj.pk] = entry
        children = _fetch(Unit, "parent_id", moved, ["region"])
        for child in children:
            entry = moved[child.parent_id]
            if child.code not in self.rows["units"] and child.region.code != entry.target["region"]:
                self.issues.add(
                    "units",
                    entry.row.row,
                    "region",
                    _(
                        'sub-unit "%(unit)s" would stay in region "%(region)s"; move it in the '
                        "same file"
                    )
                    % {"unit": child.code, "region": child.region.code},
                )

    def _check_people(self) -> None:
        for entry in self.entries["people"]:
            row = entry.row
            if self._unknown_in("units", row, "unit"):
                continue
            unit = self._given(row, "unit")
            has_unit = row.has("unit") and "unit" not in row.bad
            if unit is None:
                given = [name for name in _POST_FIELDS if row.fields.get(name) is not None]
                for name in given:
                    self.issues.add("people", row.row, name, _("a post needs a unit (column unit)"))
                if given or not has_unit:
                    continue
            if any(name in row.bad for name in _POST_FIELDS):
                continue
            self._plan_post(entry, unit)

    def _plan_post(self, entry: Entry, unit: str | None) -> None:
        """Decide how the person's current post changes (see docs/interchange-org.md)."""
        row = entry.row
        current: list[Post] = list(getattr(entry.obj, "current_posts", []))
        if unit is None:
            entry.end_posts = current
            return
        title, role = row.fields.get("post"), row.fields.get("role")
        matching = [
            post
            for post in current
            if post.unit.code == unit
            and (not row.has("post") or post.title == (title or ""))
            and (not row.has("role") or post.role == (role or PostRole.MEMBER))
        ]
        if matching:
            post = matching[0]
            for name, attr in (("managed_level", "managed_level"), ("start", "start")):
                if row.has(name):
                    value = row.fields[name] or ("" if name == "managed_level" else None)
                    if getattr(post, attr) != value:
                        entry.fix_values[attr] = value
            if entry.fix_values:
                entry.fix_post = post
            return
        entry.end_posts = current
        start = row.fields.get("start") or (self.today if current else None)
        entry.new_post = {
            "unit": unit,
            "title": title or "",
            "role": role or PostRole.MEMBER.value,
            "managed_level": row.fields.get("managed_level") or "",
            "start": start,
        }

    def _check_stations(self) -> None:
        for entry in self.entries["stations"]:
            self._unknown_in("regions", entry.row, "region")
            if not self._unknown_in("units", entry.row, "unit") and entry.target["region"] is None:
                unit = entry.target["unit"]
                self._default_region(entry, [unit] if unit else [])

    @functools.cached_property
    def top_regions(self) -> list[str]:
        """Codes of the top-level regions after the import (the file's and the database's);
        worked out once, when the first station or group without a region needs it (the
        regions' targets are settled by then)."""
        codes = set(self.rows["regions"]) | set(self.db_regions)
        return sorted(code for code in codes if self.region_parent(code) is None)

    def common_region(self, units: list[str]) -> str | None:
        """The lowest region holding every one of ``units`` after the import (None: they
        lie under different top-level regions)."""
        chains = [self.region_ancestors(str(self.unit_region(code))) for code in units]
        return next((code for code in chains[0] if all(code in c for c in chains[1:])), None)

    def _default_region(self, entry: Entry, units: list[str]) -> None:
        """Give a station or group without a region one (docs/interchange-org.md): the
        lowest region holding all its units, else the only top-level region; report it
        when that cannot be decided."""
        row = entry.row
        if any(
            not self._known("units", self.db_units, code) or self.unit_region(code) is None
            for code in units
        ):
            return  # reported at the unit
        if units:
            entry.target["region"] = self.common_region(units)
            if entry.target["region"] is None:
                message = _(
                    "cannot tell which region this belongs to: its units lie under different "
                    "top-level regions; give it in column region"
                )
                self.issues.add(row.sheet, row.row, "region", message)
            return
        tops = self.top_regions
        if len(tops) == 1:
            entry.target["region"] = tops[0]
            return
        if tops:
            message = _(
                "cannot tell which region this belongs to: there are several top-level "
                "regions (%(choices)s); give it in column region"
            ) % {"choices": ", ".join(tops)}
        else:
            message = _("cannot tell which region this belongs to: there is no region yet")
        self.issues.add(row.sheet, row.row, "region", message)

    def _check_groups(self) -> None:
        for entry in self.entries["discipline_groups"]:
            row = entry.row
            if self._unknown_in("regions", row, "region"):
                continue
            current = [u.code for u in entry.obj.units.all()] if entry.obj is not None else []
            given = row.has("units") and "units" not in row.bad
            if entry.target["region"] is None:
                self._default_region(entry, list(row.fields["units"]) if given else current)
            group_region = entry.target["region"]
            if given:
                entry.unit_codes = list(row.fields["units"])
                codes = entry.unit_codes
                # The list replaces the coverage among the units the importer can see.
                entry.unit_codes += [c for c in self._hidden(entry.obj) if c not in codes]
            elif entry.obj is not None and group_region != entry.obj.region.code:
                codes = current
            else:
                continue
            for code in codes:
                if not self._known("units", self.db_units, code):
                    self._unknown(row, "units", _unknown_message("units"), code)
                    continue
                unit_region = self.unit_region(code)
                if (
                    group_region
                    and unit_region
                    and group_region not in self.region_ancestors(unit_region)
                ):
                    self.issues.add(
                        "discipline_groups",
                        row.row,
                        "units",
                        _('unit "%(unit)s" is outside the group\'s region "%(region)s"')
                        % {"unit": code, "region": group_region},
                    )
            if entry.unit_codes is not None and set(entry.unit_codes) != set(current):
                entry.changed = True

    def _hidden(self, group: DisciplineGroup | None) -> list[str]:
        """Codes of the units a group covers that the importing user cannot see."""
        if group is None or self.visible_units is None:
            return []
        return [u.code for u in group.units.all() if u.pk not in self._visible_covered]

    @functools.cached_property
    def _visible_covered(self) -> set[int]:
        """Pks of the units the file's existing groups cover that the importing user sees:
        asked once for all the groups (in chunks, SQLite's variable limit), not per group."""
        assert self.visible_units is not None
        covered = sorted(
            {
                unit.pk
                for entry in self.entries["discipline_groups"]
                if entry.obj is not None
                for unit in entry.obj.units.all()
            }
        )
        seen: set[int] = set()
        for start in range(0, len(covered), _CHUNK):
            chunk = covered[start : start + _CHUNK]
            seen.update(self.visible_units.filter(pk__in=chunk).values_list("pk", flat=True))
        return seen

    def _ordered(self) -> dict[str, list[Entry]]:
        entries = dict(self.entries)
        for sheet, parent_of in (("regions", self.region_parent), ("units", self.unit_parent)):
            by_code = {entry.row.code: entry for entry in entries[sheet]}
            entries[sheet] = [by_code[code] for code in _topological(by_code, parent_of)]
        return entries
