"""The unit diagnosis (诊断书): one unit's political-ecology check-up for a framework's
period, read off its portrait (``unit_findings``): the result and its change, the radar
and trend as images, the symptoms (the period's warnings, the leaves that lost points
with their records), the causes (the problem types behind the deductions), the changes of
the level-one score rates since the previous period, the unit's problems in the ledger,
and the analyst's own words (``analyst_paragraphs``, added by the common context).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from qingfeng.dashboard import portrait as selectors
from qingfeng.dashboard.portrait import Portrait
from qingfeng.dashboard.problems import type_label
from qingfeng.lib.documents import Picture, chinese_date
from qingfeng.lib.periods import Period, period_label
from qingfeng.records.period_states import PeriodStates
from qingfeng.rectification.models import Problem
from qingfeng.reports import charts_unit
from qingfeng.reports import unit_findings as findings
from qingfeng.reports.kinds import Built, Subject

# How wide the document shows the charts, in millimetres.
RADAR_WIDTH_MM = 95
TREND_WIDTH_MM = 150


def radar_picture(portrait: Portrait) -> Picture:
    """The radar of the level-one score rates (``dashboard.portrait.radar``)."""
    data = selectors.radar(portrait=portrait)
    png = charts_unit.radar_png(
        names=[node["name"] for node in data["indicators"]],
        unit=data["unit"],
        mean=data["mean"],
        band=portrait.snapshot.band,
        unit_label=portrait.unit.name,
        mean_label="平均值",
    )
    return Picture(png, RADAR_WIDTH_MM)


def trend_picture(portrait: Portrait, states: PeriodStates) -> Picture:
    """The trend of total and rank over the periods of the same length
    (``dashboard.portrait.trend``) up to the report's period (a later one is no part of
    it), an open or incomplete period's point hollow."""
    end = portrait.period.end
    points = [p for p in selectors.trend(portrait=portrait) if Period.parse(p["period"]).end <= end]
    png = charts_unit.trend_png(
        labels=[period_label(point["period"]) for point in points],
        totals=[point["total"] for point in points],
        ranks=[point["rank"] for point in points],
        bands=[point["band"] for point in points],
        hollow=[not states.state(point["period"]).complete for point in points],
        total_label="总分",
        rank_label="排名",
    )
    return Picture(png, TREND_WIDTH_MM)


def problems_context(problems: list[Problem]) -> list[dict[str, Any]]:
    """The unit's problems in the ledger as the diagnosis lists them."""
    return [
        {
            "number": problem.number,
            "type": type_label(problem.problem_type),
            "description": problem.description,
            "found": chinese_date(timezone.localdate(problem.created_at)),
            "due": chinese_date(problem.due),
            "state": str(problem.get_state_display()),
        }
        for problem in problems
    ]


def problems_sentence(problems: list[Problem], *, period: str) -> str:
    """How many of the unit's problems the ledger holds for the period, and how many
    are not closed yet."""
    if not problems:
        return ""
    closed = sum(1 for problem in problems if problem.state == "closed")
    return (
        f"{period}问题台账中该单位有问题{len(problems)}个，"
        f"已销号{closed}个，尚未销号{len(problems) - closed}个。"
    )


def build(*, subject: Subject, user: Any) -> Built:
    """The diagnosis of the subject's unit (``NotFound`` outside ``user``'s scope)."""
    portrait = findings.load_portrait(subject=subject, user=user)
    states = PeriodStates(portrait.framework)
    result = findings.result(portrait=portrait, states=states)
    leaves = findings.lost_leaves(portrait=portrait)
    causes = findings.causes(leaves)
    previous = findings.previous_portrait(portrait=portrait, user=user)
    # Without a previous result the sentence says so (``changes_sentence``).
    comparable = (
        previous is None
        or states.comparison(period=portrait.period, previous=portrait.period.previous()).ok
    )
    changes = findings.group_changes(portrait=portrait, previous=previous)
    warnings = findings.period_warnings(portrait=portrait)
    problems = findings.period_problems(portrait=portrait, user=user) or []
    period = period_label(portrait.period)
    context = {
        "unit": portrait.unit.name,
        **findings.result_context(result),
        "radar": radar_picture(portrait),
        "trend": trend_picture(portrait, states),
        "warnings": findings.warnings_context(warnings),
        "warnings_text": findings.warnings_sentence(warnings),
        "lost": findings.lost_context(leaves),
        "lost_text": findings.lost_sentence(leaves),
        "causes": [
            {
                "type": cause.label,
                "records": str(cause.records),
                "points": selectors.number(cause.points),
                "leaves": "、".join(cause.leaves),
            }
            for cause in causes
        ],
        "causes_text": findings.causes_sentence(leaves, causes),
        "changes": [
            {
                "name": change.name,
                "previous": findings.percent(change.previous),
                "current": findings.percent(change.current),
                "change": _points_of_rate(change.delta),
            }
            for change in changes
            if comparable and previous is not None
        ],
        "changes_text": findings.changes_sentence(
            changes, previous=portrait.period.previous(), comparable=comparable
        ),
        "problems": problems_context(problems),
        "problems_text": problems_sentence(problems, period=period),
    }
    title = f"{findings.unit_title_name(portrait)}{period}政治生态诊断书"
    return Built(context=context, title=title, filename=title, units=[portrait.unit])


def _points_of_rate(delta: float | None) -> str:
    """A change of score rate in percentage points (+1.2个百分点), "—" when unknown."""
    if delta is None:
        return "—"
    if abs(delta) < findings.RATE_EPSILON:
        return "持平"
    sign = "+" if delta > 0 else selectors.MINUS
    return f"{sign}{abs(delta) * 100:.1f}个百分点"
