"""The filing list (组织部备案名单): the units with a warning in a period and the leaders
concerned, sent to the region's party organisation department (issue 15, item 1).

Everything comes from the warning register (``monitoring``): the active warnings of the
framework's period over the units of the report's region that the user may analyse;
bands, scores and ranks are the register's, never computed here. A unit is listed when
the register warns about the unit as a whole: its total in a warning band, a one-vote
veto, or a call-in by the ranking rule (排名末位); a warning on one of its level-1
indicators alone does not list it (the papers file "units with poor results", 004), but
a listed unit's indicator warnings are counted in its row. The leaders are the listed
unit's current principal leader and its leaders in charge (分管/联系); the register holds
warnings of units only, so a leader is listed for the unit's warning.

The document is Chinese whatever the user's language, like every 公文.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from qingfeng.lib.bands import band_label
from qingfeng.lib.periods import period_label
from qingfeng.monitoring import selectors as register
from qingfeng.monitoring.models import Response, Warning, WarningKind, WarningState
from qingfeng.monitoring.responses import score_text
from qingfeng.org.models import InCharge, InChargeKind, Post, PostRole
from qingfeng.reports.kinds import Built, Subject

TITLE = "政治生态预警单位和领导干部备案名单"
# The responses and their states as a document names them.
RESPONSE_WORDS = {
    "admonition": "约谈提醒",
    "warning_notice": "预警通知书",
    "recommendation": "纪检监察建议书",
    "accountability": "责任倒查",
}
STATE_WORDS = {"issued": "待答复", "answered": "已答复", "closed": "已办结"}
IN_CHARGE_WORDS = {InChargeKind.IN_CHARGE.value: "分管领导", InChargeKind.LIAISON.value: "联系领导"}
NO_RESPONSE = "尚未处置"


def warning_words(warning: Warning) -> str:
    """What one warning is, in words: "总分红色预警（50分/满分100分）", "“党风廉政建设”
    黄色预警（…）", "一票否决", "同类单位排名末位（第3名）"."""
    scored = f"（{score_text(warning.score)}分/满分{score_text(warning.max)}分）"
    if warning.kind == WarningKind.VETO:
        return f"一票否决（{warning.node_name}）" if warning.node_name else "一票否决"
    if warning.kind == WarningKind.CALL_IN:
        rank = f"（第{warning.rank}名）" if warning.rank else ""
        return f"同类单位排名末位{rank}"
    what = f"“{warning.node_name}”" if warning.node_code else "总分"
    return f"{what}{band_label(warning.band)}预警{scored}"


def worst_words(warning: Warning) -> str:
    """A warning on a unit as a whole, short: "总分红色预警", "一票否决", "排名末位"."""
    if warning.kind == WarningKind.VETO:
        return "一票否决"
    if warning.kind == WarningKind.CALL_IN:
        return "排名末位"
    return f"总分{band_label(warning.band)}预警"


def response_words(responses: list[Response]) -> str:
    """The responses given to a unit's warnings of the period, oldest first, each with its
    state ("约谈提醒（已办结）；预警通知书（待答复）"), or 尚未处置."""
    if not responses:
        return NO_RESPONSE
    return "；".join(
        f"{RESPONSE_WORDS.get(r.kind, r.kind)}（{STATE_WORDS.get(r.state, r.state)}）"
        for r in sorted(responses, key=lambda r: (r.issued_at, r.pk))
    )


def lists_unit(warning: Warning) -> bool:
    """Whether ``warning`` puts its unit on the filing list: a warning on the unit as a
    whole (its total in a band, a call-in) or a veto."""
    return not warning.node_code or warning.kind == WarningKind.VETO


def period_register(*, subject: Subject, user: Any) -> list[Warning]:
    """The active warnings of the subject's framework and period over the units of its
    region that ``user`` may analyse (the register's scope), most severe first."""
    return list(
        register.visible_warnings(user)
        .filter(
            framework=subject.framework,
            period=str(subject.period),
            state=WarningState.ACTIVE,
            unit__in=_region_units(subject),
        )
        .select_related("unit")
        .order_by(*register.severity_order())
    )


def _region_units(subject: Subject) -> Any:
    from qingfeng.org.models import Unit

    return Unit.objects.within(subject.region).values("pk")


@dataclass
class _Leader:
    name: str
    posts: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)

    def add(self, *, post: str, unit: str, why: str) -> None:
        for values, value in ((self.posts, post), (self.units, unit), (self.why, why)):
            if value and value not in values:
                values.append(value)

    def row(self) -> dict[str, str]:
        return {
            "name": self.name,
            "post": "、".join(self.posts) or "—",
            "unit": "、".join(self.units),
            "why": "；".join(self.why),
        }


def build(*, subject: Subject, user: Any) -> Built:
    """The filing list of the subject's region and period (see the module's docstring):
    ``recipient`` (中共<region>委组织部), ``units`` (name, band, warning, response),
    ``leaders`` (name, post, unit, why), ``unit_count``, ``leader_count``."""
    warnings = period_register(subject=subject, user=user)
    # The units in the order of their most severe warning as a whole (most severe first).
    listed = list(dict.fromkeys(w.unit_id for w in warnings if lists_unit(w)))
    by_unit: dict[int, list[Warning]] = {pk: [] for pk in listed}
    for warning in warnings:
        if warning.unit_id in by_unit:
            by_unit[warning.unit_id].append(warning)
    responses: dict[int, list[Response]] = defaultdict(list)
    for response in Response.objects.filter(warning__in=[w.pk for w in warnings]):
        responses[response.warning_id].append(response)
    unit_rows = []
    units = []
    for held in by_unit.values():
        whole = [w for w in held if lists_unit(w)]
        unit = whole[0].unit
        units.append(unit)
        bands = [w.band for w in whole if w.kind == WarningKind.BAND and w.band]
        words = [warning_words(w) for w in whole]
        nodes = len(held) - len(whole)
        if nodes:
            words.append(f"另有{nodes}项一级指标预警")
        unit_rows.append(
            {
                "name": unit.name,
                "band": band_label(bands[0]) if bands else "—",
                "warning": "；".join(words),
                "response": response_words([r for w in held for r in responses[w.pk]]),
            }
        )
    worst = {u.pk: worst_words(next(w for w in by_unit[u.pk] if lists_unit(w))) for u in units}
    leaders = _leaders(units=units, worst=worst)
    region = subject.region.name
    label = period_label(subject.period)
    return Built(
        context={
            "recipient": f"中共{region}委组织部",
            "units": unit_rows,
            "leaders": leaders,
            "unit_count": len(unit_rows),
            "leader_count": len(leaders),
        },
        title=f"{label}{TITLE}",
        filename=f"{region}{label}预警备案名单",
        units=[],  # sent to the organisation department, not to the units listed
    )


def _leaders(*, units: list[Any], worst: dict[int, str]) -> list[dict[str, str]]:
    """The principal leaders and the leaders in charge of ``units``, each person once
    (their posts, units and reasons joined), in the units' order."""
    found: dict[int, _Leader] = {}
    names = {unit.pk: unit.name for unit in units}
    order = {unit.pk: i for i, unit in enumerate(units)}
    posts = Post.objects.filter(
        unit__in=units, end__isnull=True, role=PostRole.PRINCIPAL
    ).select_related("person")
    in_charge = InCharge.objects.filter(unit__in=units).select_related("person")
    rows: list[tuple[int, int, Any, str, str]] = [
        (order[p.unit_id], 0, p.person, p.title or "主要负责人", "主要负责人") for p in posts
    ]
    rows += [
        (order[c.unit_id], 1, c.person, c.title, IN_CHARGE_WORDS.get(c.kind, "分管领导"))
        for c in in_charge
    ]
    for position, _rank, person, post, role in sorted(rows, key=lambda r: (r[0], r[1], r[2].pk)):
        unit_id = units[position].pk
        leader = found.setdefault(person.pk, _Leader(person.name))
        leader.add(
            post=post,
            unit=names[unit_id],
            why=f"{names[unit_id]}{role}，该单位{worst[unit_id]}",
        )
    return [leader.row() for leader in found.values()]
