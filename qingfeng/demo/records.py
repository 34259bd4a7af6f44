"""Demo frameworks and records behind ``manage.py seed_demo``.

Three frameworks ship as YAML in ``qingfeng/demo/frameworks/`` (龙口 ``LK``, 平谷 ``PG``,
乐山 ``LS``); ``demo_frameworks_import`` imports and publishes them for a region. Then
``demo_records_create`` writes eight quarters of approved records (source ``demo``) for
every active unit of the region on every leaf of each framework.

The records tell a believable story. Each unit has a latent "health" (about the share of
points it keeps) that drifts from quarter to quarter: most units are sound, some middling,
a few weak; a couple decline, a couple recover after rectification, and one unit has a
serious case (a veto where the framework has a veto leaf) in one quarter. A unit may also
have a weak spot (作风, 选人用人 …) that lowers the level-1 indicators named after it in
every framework. Each leaf's records are drawn to score about that health: problems for
deduction leaves, awards for bonus leaves, rates, survey results and evaluators' points.

Everything is deterministic: each random choice comes from a ``random.Random`` seeded from
``seed`` and a fixed label, so the same seed gives the same records. Planning is pure
Python (``plan_records``); only ``demo_records_create`` touches the database.
"""

from __future__ import annotations

import datetime
import functools
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.demo import CHANGE_REASON
from qingfeng.demo.records_texts import (
    AWARDS,
    BONUS_NOTES,
    NOTES,
    RATE_WORDS,
    VETO_NOTES,
    problem_type_for,
    words,
)
from qingfeng.framework.interchange import framework_import, version_to_spec
from qingfeng.framework.models import Framework, FrameworkVersion, VersionStatus
from qingfeng.lib.periods import Period, period_label
from qingfeng.org.models import Region, Station, Unit
from qingfeng.records.models import (
    CollectionPeriod,
    PeriodStatus,
    Record,
    RecordSource,
    RecordStatus,
)
from qingfeng.records.periods import new_collection_period
from qingfeng.records.rescore import period_recompute

DEMO_DIR = Path(__file__).resolve().parent / "frameworks"
DEMO_FRAMEWORK_FILES = ("longkou.yaml", "pinggu.yaml", "leshan.yaml")

# The eight demo quarters, 2024Q4 … 2026Q3.
QUARTERS: tuple[Period, ...] = tuple(
    Period(2024 + (3 + i) // 4, "Q", (3 + i) % 4 + 1) for i in range(8)
)


# Frameworks ---------------------------------------------------------------------------


def demo_framework_specs() -> list[dict[str, Any]]:
    """The three demo frameworks as parsed YAML (the interchange shape)."""
    return [yaml.safe_load((DEMO_DIR / name).read_text("utf-8")) for name in DEMO_FRAMEWORK_FILES]


def demo_frameworks_import(*, region: Region) -> list[Framework]:
    """Import and publish the three demo frameworks for ``region`` (as the command line
    does: no actor, no scope limit). Raises ``ValueError`` listing the importer's issues
    if a file does not import cleanly. The files are 2024 editions, so they are in force
    from the first demo quarter (2024Q4) on."""
    frameworks = []
    for name in DEMO_FRAMEWORK_FILES:
        result = framework_import(
            data=(DEMO_DIR / name).read_bytes(),
            filename=name,
            actor=None,
            region=region,
            publish=True,
        )
        if result.issues or result.version is None:
            raise ValueError(f"{name}: " + "; ".join(str(issue) for issue in result.issues))
        frameworks.append(result.version.framework)
    return frameworks


# Planning (pure) ----------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLeaf:
    """A leaf indicator as the generator needs it."""

    code: str
    name: str
    max: float
    rule: Mapping[str, Any]
    level1: str  # the name of its level-1 indicator
    applies_to: frozenset[str] = frozenset()  # inherited from its ancestors
    station: str = ""  # station code

    @property
    def type(self) -> str:
        return str(self.rule.get("type", ""))


@dataclass(frozen=True)
class DemoUnit:
    code: str
    category: str


@dataclass
class DemoRecord:
    """One planned record; ``unit`` and ``station`` are codes."""

    unit: str
    indicator: str
    date: datetime.date
    points: float | None = None
    quantity: float | None = None
    grade: str = ""
    value: float | None = None
    problem_type: str = ""
    note: str = ""
    station: str = ""


RECORD_FIELDS = ("date", "points", "quantity", "grade", "value", "problem_type", "note")


def leaves_from_spec(spec: Mapping[str, Any]) -> list[DemoLeaf]:
    """The leaves of a framework in the interchange shape, in tree order."""
    leaves: list[DemoLeaf] = []

    def walk(node: Mapping[str, Any], level1: str, applies: frozenset[str]) -> None:
        applies = applies | frozenset(node.get("applies_to") or [])
        children = node.get("children") or []
        if not children:
            leaves.append(
                DemoLeaf(
                    code=str(node["code"]),
                    name=str(node["name"]),
                    max=float(node["max"]),
                    rule=dict(node.get("rule") or {}),
                    level1=level1,
                    applies_to=applies,
                    station=str(node.get("station") or ""),
                )
            )
        for child in children:
            walk(child, level1, applies)

    for top in spec.get("indicators") or []:
        walk(top, str(top["name"]), frozenset())
    return leaves


def leaves_of_version(version: FrameworkVersion) -> list[DemoLeaf]:
    """The leaves of a stored version, in tree order."""
    return leaves_from_spec(version_to_spec(version))


# Weak spots: a theme lowers every level-1 indicator whose name contains one of its words.
THEMES: tuple[tuple[str, ...], ...] = tuple(
    tuple(theme.split("+"))
    for theme in words(
        "作风 选人用人 组织+班子 思想+路线方针 主体责任+全面从严治党 服务群众+干事 "
        "政治建设+政治纪律"
    )
)
# Health tiers: (cumulative share of units, lowest base health, highest base health).
TIERS = ((0.62, 0.935, 0.99), (0.85, 0.875, 0.94), (0.96, 0.78, 0.88), (1.0, 0.66, 0.78))
DEDUCT_RATE = 2.0
AWARD_RATE = 0.35
BONUS_RATE = 0.5
CATEGORY_OFFSET = {"township": -0.02, "soe": -0.015, "hospital": -0.01, "party": 0.01}


@dataclass
class Health:
    """Each unit's latent health per quarter, its weak spot, and the veto story."""

    by_unit: dict[str, list[float]]
    weak_spot: dict[str, tuple[tuple[str, ...], float]] = field(default_factory=dict)
    veto_unit: str | None = None
    veto_quarter: int = 0
    stories: dict[str, str] = field(default_factory=dict)

    def aspect(self, unit: str, level1: str) -> float:
        """The offset of a unit's weak spot on a level-1 indicator (0 or negative)."""
        keys, drop = self.weak_spot.get(unit, ((), 0.0))
        return -drop if any(key in level1 for key in keys) else 0.0


def _clip(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(max(value, low), high)


def plan_health(*, seed: int, units: Sequence[DemoUnit]) -> Health:
    """Draw every unit's health over the demo quarters (deterministic for ``seed``)."""
    rng = random.Random(f"{seed}-health")
    ordered = sorted(units, key=lambda unit: unit.code)
    n = len(QUARTERS)
    health = Health(by_unit={})
    bases: dict[str, float] = {}
    for unit in ordered:
        draw = rng.random()
        low, high = next((low, high) for below, low, high in TIERS if draw < below)
        base = rng.uniform(low, high) + CATEGORY_OFFSET.get(unit.category, 0.0)
        slope = rng.gauss(0.0, 0.006)
        noise = 0.0
        series = []
        for q in range(n):
            noise = 0.55 * noise + rng.gauss(0.0, 0.018)
            series.append(base + slope * (q - (n - 1) / 2) + noise)
        health.by_unit[unit.code] = series
        bases[unit.code] = base
        if rng.random() < 0.35:
            theme = THEMES[rng.randrange(len(THEMES))]
            health.weak_spot[unit.code] = (theme, rng.uniform(0.05, 0.14))

    if len(ordered) >= 8:
        _add_stories(rng, health, bases)
    for series in health.by_unit.values():
        series[:] = [round(_clip(h, 0.3, 0.995), 4) for h in series]
    return health


def _add_stories(rng: random.Random, health: Health, bases: dict[str, float]) -> None:
    """One unit with a serious case (a dip, and a veto where a framework has one), two
    declining units, two recovering after rectification and a chronically weak one."""
    n = len(QUARTERS)
    sound = [code for code, base in sorted(bases.items()) if 0.88 <= base < 0.97]
    weak = [code for code, base in sorted(bases.items()) if base < 0.88]
    rng.shuffle(sound)
    rng.shuffle(weak)
    weak += sound[3:]  # when there are few weak units
    stories = ("veto", "decline", "decline", "recovery", "recovery", "chronic")
    for code, story in zip(sound[:3] + weak[:3], stories, strict=False):
        series = health.by_unit[code]
        if story == "veto":
            q = rng.randint(2, n - 3)
            for offset, dip in enumerate((0.2, 0.1, 0.04)):
                series[q + offset] -= dip
            health.veto_unit, health.veto_quarter = code, q
        elif story == "decline":  # a slow slide from the third or fourth quarter on
            start, drop = rng.randint(2, 3), rng.uniform(0.045, 0.065)
            for q in range(start, n):
                series[q] -= drop * (q - start + 1)
        elif story == "recovery":  # a low start, then rectification lifts the unit
            series[:] = [min(0.56 + 0.055 * q + rng.gauss(0.0, 0.015), 0.97) for q in range(n)]
        else:  # deep-rooted problems that rectification has not reached yet
            series[:] = [0.6 + rng.gauss(0.0, 0.025) for q in range(n)]
        health.stories[code] = story


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth; means here are small)."""
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _day_in(rng: random.Random, period: Period) -> datetime.date:
    span = (period.end - period.start).days
    return period.start + datetime.timedelta(days=rng.randint(0, span))


@functools.lru_cache(maxsize=64)
def _words(period: Period) -> str:
    """A period as the demo's notes write it: the demo's data are Chinese whatever the
    reader's language (2026年第三季度)."""
    with translation.override("zh-hans"):
        return period_label(period)


def _half_of(quarter: Period) -> Period:
    return Period(quarter.year, "H", (quarter.index + 1) // 2)


def _leaf_records(
    rng: random.Random,
    leaf: DemoLeaf,
    unit: str,
    q: int,
    fit: float,
    health: Health,
) -> Iterable[DemoRecord]:
    """The records of one leaf for one unit in one quarter, scoring about ``fit``."""
    period = QUARTERS[q]
    kind = leaf.type
    rule = leaf.rule
    last_month_day = period.end - datetime.timedelta(days=rng.randint(3, 12))
    if kind == "deduct":
        per = float(rule.get("per") or 1)
        # Sound units have few problems, troubled ones many (convex in the shortfall).
        problems = _poisson(rng, DEDUCT_RATE * (1 - fit) ** 1.5 * leaf.max / per)
        problem_type = problem_type_for(leaf.name, leaf.station)
        # Problems found in one check are often entered together.
        entries = [problems] if problems > 1 and rng.random() < 0.6 else [1] * problems
        for quantity in entries:
            note = rng.choice(NOTES[problem_type])
            record = DemoRecord(unit, leaf.code, _day_in(rng, period), quantity=quantity)
            if quantity > 1:
                record.note = f"{note}等同类问题{quantity}个"
            elif rng.random() < 0.1 and per >= 2:  # a minor problem: half the points
                record.quantity, record.points = None, per / 2
            record.problem_type, record.note = problem_type, record.note or note
            yield record
    elif kind == "bonus":
        grades = list((rule.get("grades") or {}).items())
        # Awards (graded) are rare; other positive facts come in proportion to the points.
        expected = fit**6 * (AWARD_RATE if grades else BONUS_RATE * leaf.max / float(rule["per"]))
        for _i in range(_poisson(rng, expected)):
            record = DemoRecord(unit, leaf.code, _day_in(rng, period), quantity=1)
            if grades:
                grades.sort(key=lambda item: -float(item[1]))
                # Better units win higher awards; most awards are county or city level.
                weights = [fit ** (3 * (len(grades) - i)) + 0.2 * i for i in range(len(grades))]
                grade = rng.choices([g for g, _p in grades], weights=weights)[0]
                record.grade = str(grade)
                level = next((w for w in AWARDS if str(grade).startswith(w)), "县级")
                record.note = rng.choice(AWARDS[level])
            else:
                record.note = rng.choice(BONUS_NOTES)
            yield record
    elif kind == "direct":
        if "年度" in leaf.name and period.index != 4:
            return  # yearly, entered with the fourth quarter
        if any(word in leaf.name for word in ("测评", "评议", "画像")) and period.index % 2:
            return  # half-yearly
        ratio = _clip(0.3 + 0.7 * fit + rng.gauss(0.0, 0.02))
        points = round(leaf.max * ratio * 2) / 2 if leaf.max >= 10 else round(leaf.max * ratio, 1)
        note = f"{_words(period)}{leaf.name}评分"
        yield DemoRecord(unit, leaf.code, last_month_day, points=points, note=note)
    elif kind == "rate":
        if rng.random() < (0.4 if "整改" in leaf.name else 0.05):
            return  # nothing to measure this quarter (no open rectification list)
        zero_at, full_at = float(rule["zero_at"]), float(rule["full_at"])
        ratio = _clip(0.25 + 0.75 * fit + rng.gauss(0.0, 0.03))
        value = round(zero_at + (full_at - zero_at) * ratio, 1)
        word = next((w for k, w in RATE_WORDS.items() if k in leaf.name), "完成率")
        note = f"{_words(period)}{word}{value:g}%"
        yield DemoRecord(unit, leaf.code, last_month_day, value=value, note=note)
    elif kind == "survey":
        if period.index not in (2, 4):  # surveys are half-yearly
            return
        value = round(_clip(100 * (0.3 + 0.7 * fit) + rng.gauss(0.0, 1.2), 0, 100), 1)
        sample = rng.randint(60, 300)
        note = f"{_words(_half_of(period))}问卷调查，有效问卷{sample}份，满意度{value:g}分"
        yield DemoRecord(unit, leaf.code, last_month_day, value=value, note=note)
    elif kind == "veto" and unit == health.veto_unit and q == health.veto_quarter:
        note = rng.choice(VETO_NOTES)
        day, problem_type = _day_in(rng, period), "违纪违法案件"
        yield DemoRecord(unit, leaf.code, day, quantity=1, problem_type=problem_type, note=note)


def plan_records(
    *,
    seed: int,
    units: Sequence[DemoUnit],
    frameworks: Mapping[str, Sequence[DemoLeaf]],
    health: Health | None = None,
) -> dict[str, list[DemoRecord]]:
    """Every demo record, by framework code (deterministic for ``seed``).

    ``frameworks`` maps a framework code to its leaves in tree order. Records go to the
    leaves that apply to each unit's category.
    """
    health = health or plan_health(seed=seed, units=units)
    ordered = sorted(units, key=lambda unit: unit.code)
    planned: dict[str, list[DemoRecord]] = {}
    for code in sorted(frameworks):
        rng = random.Random(f"{seed}-records-{code}")
        rows: list[DemoRecord] = []
        leaves = frameworks[code]
        for unit in ordered:
            applicable = [
                leaf for leaf in leaves if not leaf.applies_to or unit.category in leaf.applies_to
            ]
            series = health.by_unit[unit.code]
            for q in range(len(QUARTERS)):
                for leaf in applicable:
                    fit = series[q] + health.aspect(unit.code, leaf.level1)
                    fit = _clip(fit + rng.gauss(0.0, 0.03))
                    for record in _leaf_records(rng, leaf, unit.code, q, fit, health):
                        record.station = leaf.station
                        rows.append(record)
        planned[code] = rows
    return planned


# Writing ------------------------------------------------------------------------------


def demo_version(framework: Framework) -> FrameworkVersion | None:
    """The version whose leaves the demo records use: the latest published one, else the
    latest of any status."""
    versions = framework.versions.order_by("-year", "-number")
    return versions.filter(status=VersionStatus.PUBLISHED).first() or versions.first()


def region_units(region: Region) -> list[Unit]:
    """The active units of ``region``'s subtree (a framework's units)."""
    return list(
        Unit.objects.within(region).filter(active=True).select_related("category").order_by("code")
    )


@transaction.atomic
def demo_records_create(*, seed: int, region: Region, frameworks: Sequence[Framework]) -> int:
    """Create approved demo records for eight quarters (2024Q4 … 2026Q3) for every active
    unit of ``region`` on each framework; returns how many were created.

    Each record gets its "created" history row (change reason ``seed_demo``).
    """
    units = region_units(region)
    unit_ids = {unit.code: unit.pk for unit in units}
    demo_units = [DemoUnit(unit.code, unit.category.code) for unit in units]
    versions = {fw.code: (fw, demo_version(fw)) for fw in frameworks}
    leaves = {code: leaves_of_version(v) for code, (_fw, v) in versions.items() if v}
    planned = plan_records(seed=seed, units=demo_units, frameworks=leaves)
    station_ids = dict(Station.objects.within(region).values_list("code", "pk"))
    now = timezone.now()
    first = (Record.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    rows = [
        {
            "framework_id": versions[code][0].pk,
            "unit_id": unit_ids[row.unit],
            "indicator_code": row.indicator,
            "station_id": station_ids.get(row.station),
            "status": RecordStatus.APPROVED.value,
            "source": RecordSource.DEMO.value,
            "created_at": now,
            **{key: getattr(row, key) for key in RECORD_FIELDS},
        }
        for code, rows in planned.items()
        for row in rows
    ]
    for pk, row in enumerate(rows, start=first):
        row["id"] = pk
    _insert(Record, rows)
    history = {"history_date": now, "history_type": "+", "history_change_reason": CHANGE_REASON}
    _insert(Record.history.model, [row | history for row in rows])  # type: ignore[attr-defined]
    with connection.cursor() as cursor:  # the ids were given: move the sequence past them
        for sql in connection.ops.sequence_reset_sql(no_style(), [Record]):
            cursor.execute(sql)
    return len(rows)


def _insert(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows (dicts by field attname) with one ``executemany``: tens of thousands of
    rows in about a second, where ``bulk_create`` takes several. A field a row leaves out
    gets its default; a primary key left out is assigned by the database."""
    if not rows:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0] or not f.primary_key]

    def adapt(field: Any) -> Callable[[Any], Any]:
        if field.attname not in rows[0]:
            default = field.get_db_prep_save(field.get_default(), connection)
            return lambda row: default
        name = field.attname
        if field.get_internal_type() == "DateTimeField":
            return lambda row: ops.adapt_datetimefield_value(row[name])
        if field.get_internal_type() == "DateField":
            return lambda row: ops.adapt_datefield_value(row[name])
        return lambda row: row[name]

    getters = [adapt(f) for f in fields]
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [tuple(get(row) for get in getters) for row in rows])


def demo_content_create(
    *, seed: int, region: Region, log: Callable[[str], None] = lambda message: None
) -> dict[str, int]:
    """The demo frameworks (published) and their records for ``region``; returns counts."""
    log(_("Importing the demo indicator frameworks…"))
    frameworks = demo_frameworks_import(region=region)
    log(
        _("Creating demo records for %(first)s … %(last)s…")
        % {"first": QUARTERS[0], "last": QUARTERS[-1]}
    )
    records = demo_records_create(seed=seed, region=region, frameworks=frameworks)
    log(
        _("Indicator frameworks: %(codes)s (published) · demo records: %(records)d")
        % {"codes": ", ".join(fw.code for fw in frameworks), "records": records}
    )
    # The collection periods come first: what is due decides what the scores mark as
    # unreported. The demo quarters are collected and closed but the last one (2026Q3),
    # still open for a late station though its entry deadline has passed; the current
    # quarter is open for entry.
    late, current = QUARTERS[-1], QUARTERS[-1].next()
    for framework in frameworks:
        CollectionPeriod.objects.bulk_create(
            [
                new_collection_period(framework=framework, period=q, status=PeriodStatus.CLOSED)
                for q in QUARTERS[:-1]
            ]
            + [new_collection_period(framework=framework, period=q) for q in (late, current)]
        )
    from qingfeng.demo.completeness import demo_nil_returns_create

    nil_returns = demo_nil_returns_create(frameworks=frameworks, closed=QUARTERS[:-1], late=late)
    periods = demo_periods()
    log(_("Scoring the demo periods of each framework (%(count)d)…") % {"count": len(periods)})
    for framework in frameworks:
        for period in periods:
            period_recompute(framework=framework, period=period)
    # Work in progress in the open quarter, so each role's home page has something to do.
    lk = next((fw for fw in frameworks if fw.code == "LK"), None)
    if lk is not None:
        from qingfeng.demo.pending import demo_pending_create

        demo_pending_create(seed=seed, region=region, framework=lk, period=QUARTERS[-1].next())
    # Some stations have already filed their nil returns for the open quarter.
    from qingfeng.demo.completeness import demo_nil_returns_partial

    nil_returns += demo_nil_returns_partial(frameworks=frameworks, period=current)
    from qingfeng.demo.warnings import demo_warnings_create

    demo_warnings_create(frameworks=frameworks, periods=periods)
    # Responses in every state on the register's warnings (none: nothing to do).
    from qingfeng.demo.responses import demo_responses_create

    demo_responses_create()
    from qingfeng.demo.ledger import demo_ledger_create

    demo_ledger_create(seed=seed, region=region)
    # The rectification indicators of LK and PG fed by the problem ledger (issue 12).
    from qingfeng.demo.ledgerfeed import demo_ledger_feeds_create

    demo_ledger_feeds_create(frameworks=frameworks, quarter=QUARTERS[-1])
    # The two-responsibilities platform (issue 14): lists, fulfilment, reports, checks.
    from qingfeng.demo.duties import demo_duties_create

    demo_duties_create(seed=seed, region=region)
    # The 主体责任 leaves of LK and PG fed by fulfilment (issue 14, item 7).
    from qingfeng.demo.dutyfeed import demo_duty_feeds_create

    demo_duty_feeds_create(frameworks=frameworks, quarter=QUARTERS[-1])
    # Reports (issue 15): an issued diagnosis and a draft half-year analysis.
    from qingfeng.demo.reports import demo_reports_create

    demo_reports_create(region=region)
    # Surveys and evaluations (issue 16): a campaign, a democratic and a cross evaluation.
    from qingfeng.demo.surveys import demo_surveys_create

    demo_surveys_create(region=region, seed=seed)
    return {
        "frameworks": len(frameworks),
        "records": records,
        "periods": len(periods),
        "nil_returns": nil_returns,
    }


def demo_periods() -> list[Period]:
    """The demo's quarters, and the half-years and years they make up, oldest first (so
    each period's rank change compares with an already scored predecessor)."""
    periods = set(QUARTERS)
    for quarter in QUARTERS:
        periods.add(Period(quarter.year, "H", (quarter.index + 1) // 2))
        periods.add(Period(quarter.year, "Y", 1))
    return sorted(periods, key=lambda p: (p.end, -len(str(p))))


@transaction.atomic
def demo_content_reset() -> None:
    """Delete every record and every framework (``seed_demo --reset`` deletes all regions,
    units and stations, which these refer to), the nil returns first (they protect their
    framework and station). Each deletion leaves its history row."""
    from qingfeng.demo.completeness import demo_nil_returns_reset

    demo_nil_returns_reset()
    if any(rel.field.model._default_manager.exists() for rel in Record._meta.related_objects):
        Record.objects.all().delete()  # rows refer to records: let the ORM cascade
    else:
        deleted = {"history_date": timezone.now(), "history_type": "-"}
        deleted["history_change_reason"] = CHANGE_REASON
        _insert(Record.history.model, [row | deleted for row in Record.objects.values()])  # type: ignore[attr-defined]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(Record._meta.db_table)}")
    Framework.objects.all().delete()
