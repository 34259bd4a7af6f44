"""What the unit portrait says around its numbers (reads, no writes): how the total is
made (raw ÷ applicable max × scale, and which indicators were left out), why a parent's
band may be more severe than all of its children's, and the unit's warning history grouped
by period kind (one grid per kind instead of one block per period).

The numbers themselves come from ``dashboard.portrait``; whether a period is open or
comparable from ``records.period_states.PeriodStates``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from qingfeng.dashboard.portrait import Portrait, WarningRow, number
from qingfeng.framework.models import Indicator
from qingfeng.lib.bands import band_label
from qingfeng.lib.periods import Period, period_label, period_sort_key

# Severity of the usual bands, for "is the parent more severe than its children?".
SEVERITY = {"green": 0, "blue": 1, "yellow": 2, "orange": 3, "red": 4}
KIND_ORDER = "YHQM"


# ---------------------------------------------------------------- the total


@dataclass
class LeftOut:
    """An indicator without a score for the unit, the highest such in its branch:
    ``applies`` False when it does not apply to the unit's category, True when it applies
    but nothing was assessed (a rate or survey without its record)."""

    node: Indicator
    applies: bool
    # Left out because its data station did not report (the version's strict rule).
    unreported: bool = False


@dataclass
class TotalMaking:
    """How the unit's total is made from its raw score."""

    raw: float | None
    applicable_max: float | None
    scale: float
    total: float | None
    components: dict[str, Any] | None
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def full_max(self) -> float:
        """The points of every level-1 indicator: the applicable max when all apply."""
        return self.scale if not self.left_out else self.applicable_max or 0.0

    @property
    def not_applicable(self) -> list[LeftOut]:
        return [item for item in self.left_out if not item.applies]

    @property
    def not_assessed(self) -> list[LeftOut]:
        return [item for item in self.left_out if item.applies and not item.unreported]

    @property
    def unreported(self) -> list[LeftOut]:
        """Left out under the strict rule: nobody reported on them (docs/completeness.md)."""
        return [item for item in self.left_out if item.unreported]


def _applies(node: Indicator, by_pk: dict[int, Indicator], category: str) -> bool:
    """Whether the node's ``applies_to`` and its ancestors' all admit the category."""
    current: Indicator | None = node
    while current is not None:
        if current.applies_to and category not in current.applies_to:
            return False
        current = by_pk.get(current.parent_id) if current.parent_id else None
    return True


def total_making(*, portrait: Portrait) -> TotalMaking:
    """The raw score, applicable max and scale that make the total, and the indicators
    left out of the applicable max (the highest node of each such branch; veto leaves,
    which carry no points, are never listed)."""
    snapshot = portrait.snapshot
    by_pk = {node.pk: node for node in portrait.indicators}
    left_out: list[LeftOut] = []
    skipped: set[int] = set()
    for node in portrait.indicators:
        if node.parent_id in skipped:
            skipped.add(node.pk)
            continue
        if node.code in portrait.results or node.rule_type == "veto" or not node.max:
            continue
        skipped.add(node.pk)
        applies = _applies(node, by_pk, snapshot.category)
        left_out.append(
            LeftOut(node=node, applies=applies, unreported=node.code in portrait.unreported)
        )
    return TotalMaking(
        raw=snapshot.raw,
        applicable_max=snapshot.applicable_max,
        scale=float(portrait.version.scale),
        total=snapshot.total,
        components=snapshot.components or None,
        left_out=left_out,
    )


# ---------------------------------------------------------------- parents and children


def band_notes(*, portrait: Portrait) -> dict[str, str]:
    """{code: sentence} for each parent whose band is more severe than every banded
    child's: the parent is banded on its own ratio, and its children on their own bands
    (a bonus leaf with ``bands: []`` never warns: an award not won is no fault) or were
    not assessed. Without the sentence the page would seem to contradict itself."""
    notes: dict[str, str] = {}
    for node in portrait.indicators:
        kids = portrait.children.get(node.pk)
        stored = portrait.results.get(node.code)
        if not kids or stored is None:
            continue
        score, maximum, band = stored
        level = SEVERITY.get(band or "", 0)
        child_levels = [
            SEVERITY.get(portrait.results[kid.code][2] or "", 0)
            for kid in kids
            if kid.code in portrait.results
        ]
        if level == 0 or (child_levels and max(child_levels) >= level):
            continue
        never = [kid.code for kid in kids if kid.bands == [] and kid.code in portrait.results]
        own = [
            kid.code
            for kid in kids
            if kid.bands and kid.code in portrait.results and kid.code not in never
        ]
        missing = [kid.code for kid in kids if kid.code not in portrait.results and kid.max]
        parts = [
            _("%(code)s is %(band)s on its own score rate, %(score)s of %(max)s.")
            % {
                "code": node.code,
                "band": band_label(band),
                "score": number(score),
                "max": number(maximum),
            }
        ]
        if never:
            parts.append(
                _("%(codes)s never warn (an award not won is no fault), though their points count.")
                % {"codes": "、".join(never)}
            )
        if own:
            parts.append(_("%(codes)s are judged by their own bands.") % {"codes": "、".join(own)})
        if missing:
            parts.append(
                _("%(codes)s were not assessed and are left out.") % {"codes": "、".join(missing)}
            )
        notes[node.code] = " ".join(parts)
    return notes


# ---------------------------------------------------------------- warnings by period kind


@dataclass
class WarningLine:
    """The total (``code`` empty) or a level-1 indicator across a kind's periods: one cell
    per period, None where it was not in a warning band then."""

    code: str
    name: str
    cells: list[WarningRow | None]


@dataclass
class WarningGroup:
    """The unit's warnings in the periods of one kind (years, halves, quarters, months)."""

    kind: str
    label: str
    periods: list[str]  # oldest first
    lines: list[WarningLine]
    count: int

    @property
    def period_labels(self) -> list[tuple[str, str]]:
        return [(p, period_label(p)) for p in self.periods]

    @property
    def unregistered(self) -> bool:
        """Some of its warnings are read off the scores, not from the register."""
        return any(
            cell is not None and cell.warning_pk is None
            for line in self.lines
            for cell in line.cells
        )


def kind_label(kind: str) -> str:
    """A period kind in words, as the trend page names them."""
    return {"Y": _("Years"), "H": _("Half-years"), "Q": _("Quarters"), "M": _("Months")}[kind]


def warning_groups(
    *, warnings: list[WarningRow], periods: list[str], current: Period
) -> list[WarningGroup]:
    """``dashboard.portrait.unit_warnings`` as one grid per period kind: the kind of the
    portrait's period first, then years, halves, quarters, months. Columns are every scored
    period of the kind in which the unit has a result (``periods``), oldest first; lines are
    the total, then the level-1 indicators that were ever in a warning band."""
    by_kind: dict[str, list[str]] = {}
    for text in sorted(periods, key=period_sort_key, reverse=True):
        by_kind.setdefault(Period.parse(text).kind, []).append(text)
    order = sorted(by_kind, key=lambda k: (k != current.kind, KIND_ORDER.index(k)))
    groups = []
    for kind in order:
        columns = by_kind[kind]
        position = {p: i for i, p in enumerate(columns)}
        lines: dict[str, WarningLine] = {}
        count = 0
        for warning in warnings:
            if warning.period not in position:
                continue
            line = lines.setdefault(
                warning.code, WarningLine(warning.code, warning.name, [None] * len(columns))
            )
            line.cells[position[warning.period]] = warning
            count += 1
        ordered = sorted(lines.values(), key=lambda line: (line.code != "", line.code))
        groups.append(
            WarningGroup(
                kind=kind, label=kind_label(kind), periods=columns, lines=ordered, count=count
            )
        )
    return groups
