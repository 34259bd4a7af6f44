"""The organisation file's optional ``in_charge`` sheet: who is in charge of (分管) or the
liaison contact for (联系) which unit. Columns ``unit`` and ``person`` (codes), ``kind``
(``in_charge``/分管 or ``liaison``/联系, default in_charge) and ``title`` (the leader's
position, e.g. 副县长).

The sheet has no code of its own: a row is the relation (unit, person, kind). Like the
rest of the organisation import nothing is deleted: a relation in the file and not in the
database is added, one in both gets the file's title, one only in the database stays (it
is removed on the unit's page). Unit and person may be in the same file or already in the
database. Every problem is an ``Issue`` at its row and column, and the import applies
nothing when there is one (``interchange.import_org``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from qingfeng.lib.tabular import BadValue, Issues, RawItem, choice, text, text_of
from qingfeng.org import services
from qingfeng.org.interchange_read import COLUMNS as ALL_COLUMNS
from qingfeng.org.interchange_read import Row
from qingfeng.org.interchange_scope import OrgScope
from qingfeng.org.models import InCharge, InChargeKind, Person, Unit

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

SHEET = "in_charge"
COLUMNS: tuple[str, ...] = ALL_COLUMNS[SHEET]
CONVERTERS = {
    "unit": text,
    "person": text,
    "kind": choice(list(InChargeKind.values), {"分管": "in_charge", "联系": "liaison"}),
    "title": text_of(InCharge, "title"),
}


@dataclass
class Relation:
    """One checked row: the relation it names and where it came from."""

    row: int
    unit: str
    person: str
    kind: str
    title: str


def check_in_charge(
    items: list[RawItem],
    rows: dict[str, dict[str, Row]],
    issues: Issues,
    scope: OrgScope | None,
) -> list[Relation]:
    """Convert and check the sheet's rows against the file's other sheets (``rows``, from
    ``clean_rows``) and the database; every problem goes to ``issues``."""
    found: list[Relation] = []
    seen: dict[tuple[str, str, str], int] = {}
    converted: list[tuple[RawItem, dict[str, Any]]] = []
    for item in items:
        values: dict[str, Any] = {}
        for name, value in item.values.items():
            try:
                values[name] = CONVERTERS[name](value)
            except BadValue as exc:
                issues.add(SHEET, item.row, name, str(exc))
                values[name] = BadValue
        converted.append((item, values))
    unit_codes = {v.get("unit") for _i, v in converted if isinstance(v.get("unit"), str)}
    person_codes = {v.get("person") for _i, v in converted if isinstance(v.get("person"), str)}
    db_units = {
        u.code: u for u in Unit.objects.filter(code__in=unit_codes).select_related("region")
    }
    db_people = set(Person.objects.filter(code__in=person_codes).values_list("code", flat=True))
    visible = editable = None
    if scope is not None and not scope.edits_everywhere:
        visible = set(scope.units.filter(code__in=unit_codes).values_list("code", flat=True))
        editable = set(scope.editable_regions.values_list("code", flat=True))
    for item, values in converted:
        unit, person = values.get("unit"), values.get("person")
        kind = values.get("kind") or InChargeKind.IN_CHARGE
        for column, value in (("unit", unit), ("person", person)):
            if value is None:
                issues.add(SHEET, item.row, column, _("this field is required"))
        if not isinstance(unit, str) or not isinstance(person, str) or kind is BadValue:
            continue
        bad = False
        if unit not in rows["units"] and unit not in db_units:
            issues.add(SHEET, item.row, "unit", _('unknown unit "%(code)s"') % {"code": unit})
            bad = True
        elif unit not in rows["units"] and visible is not None and editable is not None:
            if unit not in visible:
                issues.add(SHEET, item.row, "unit", _('unknown unit "%(code)s"') % {"code": unit})
                bad = True
            elif db_units[unit].region.code not in editable:
                issues.add(
                    SHEET,
                    item.row,
                    "unit",
                    _('outside your scope: region "%(code)s"')
                    % {"code": db_units[unit].region.code},
                )
                bad = True
        if person not in rows["people"] and person not in db_people:
            issues.add(SHEET, item.row, "person", _('unknown person "%(code)s"') % {"code": person})
            bad = True
        key = (unit, person, kind)
        if key in seen:
            issues.add(
                SHEET,
                item.row,
                "person",
                _("the same relation again (first on row %(row)s)") % {"row": seen[key]},
            )
            continue
        seen[key] = item.row
        if not bad:
            title = values.get("title")
            found.append(
                Relation(item.row, unit, person, kind, title if isinstance(title, str) else "")
            )
    return found


def apply_in_charge(relations: list[Relation], actor: User | None) -> tuple[int, int, int]:
    """Add or update the relations (after units and people were saved); returns the
    numbers created, updated and unchanged."""
    if not relations:
        return 0, 0, 0
    units = {u.code: u for u in Unit.objects.filter(code__in={r.unit for r in relations})}
    people = {p.code: p for p in Person.objects.filter(code__in={r.person for r in relations})}
    existing = {
        (r.unit.code, r.person.code, r.kind): r
        for r in InCharge.objects.filter(unit__in=units.values()).select_related("unit", "person")
    }
    created = updated = unchanged = 0
    for relation in relations:
        found = existing.get((relation.unit, relation.person, relation.kind))
        if found is None:
            services.in_charge_add(
                unit=units[relation.unit],
                person=people[relation.person],
                kind=relation.kind,
                title=relation.title,
                actor=actor,
            )
            created += 1
        elif found.title != relation.title:
            found.title = relation.title
            services.in_charge_save(relation=found, actor=actor)
            updated += 1
        else:
            unchanged += 1
    return created, updated, unchanged


def in_charge_data(units: Any) -> list[dict[str, Any]]:
    """The relations of ``units`` (a queryset) as the sheet's items, in column order."""
    return [
        {
            "unit": r.unit.code,
            "person": r.person.code,
            "kind": r.kind,
            "title": r.title or None,
        }
        for r in InCharge.objects.filter(unit__in=units)
        .select_related("unit", "person")
        .order_by("unit__code", "kind", "person__code")
    ]
