"""The demo county's problem ledger: problems found by its stations (巡察, 审计, 信访, 明察
暗访, 监督检查) in every state — overdue ones and one closed late among them — moved
through the ledger's services by the demo accounts (so each has its steps, history and
notices), and one special campaign (专项整治) with common problems attached.

The liaison's unit (县第一中学) has a problem in each of its states, found by the
reviewer's station (案件监督管理室), so logging in as ``liaison`` and ``reviewer`` walks
the whole flow. Seeded: the same seed gives the same ledger; deadlines are relative to
the day of the seed.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.org.models import Region, Station, Unit, within_q
from qingfeng.rectification import services
from qingfeng.rectification.models import (
    Campaign,
    Problem,
    ProblemSource,
    ProblemState,
    ProblemStep,
)
from qingfeng.rectification.services_campaigns import campaign_attach, campaign_create

# Station code suffix → what it finds, with the texts of its problems (type, description).
_FINDINGS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "PATROL": (
        ProblemSource.INSPECTION,
        [
            ("巡视巡察发现", "党组理论学习中心组学习流于形式，全年集中学习记录雷同"),
            ("选人用人", "干部选拔任用动议环节缺少书面记录，程序不够规范"),
            ("巡视巡察发现", "上轮巡察反馈问题整改不彻底，3项问题仍未销号"),
            ("形式主义官僚主义", "基层报表多、督查检查考核过频，加重基层负担"),
        ],
    ),
    "AUDIT": (
        ProblemSource.AUDIT,
        [
            ("审计发现", "专项资金未按规定用途使用，挪用项目经费12.6万元"),
            ("审计发现", "政府采购未履行公开招标程序，化整为零规避招标"),
            ("违反中央八项规定精神", "公务接待无公函、超标准，报销凭证不全"),
        ],
    ),
    "PETITION": (
        ProblemSource.PETITION,
        [
            ("信访举报", "群众反映惠民补贴发放不及时、公示不到位"),
            ("信访举报", "办事窗口工作人员推诿扯皮，群众多次往返未办结"),
        ],
    ),
    "LETTERS": (
        ProblemSource.PETITION,
        [("信访举报", "信访件办理超期，未按时答复信访人")],
    ),
    "CONDUCT": (
        ProblemSource.UNANNOUNCED,
        [
            ("四风", "工作日午间饮酒，明察暗访中发现公车停放在酒店门口"),
            ("四风", "节日期间违规发放购物卡，人均500元"),
            ("形式主义官僚主义", "工作日上班时间脱岗，办公室无人值守"),
        ],
    ),
    "CASE": (
        ProblemSource.SUPERVISION,
        [
            ("违反中央八项规定精神", "食堂超标准接待，公务用餐违规饮酒"),
            ("安全生产", "校园安全隐患排查台账不全，消防通道堆放杂物"),
            ("其他", "财务报销审核把关不严，存在白条入账"),
            ("形式主义官僚主义", "“三重一大”事项未经集体研究决定"),
        ],
    ),
}
_MEASURES = (
    "一是召开专题会议研究整改；二是建立问题清单、责任清单、任务清单；三是完善相关制度，"
    "明确责任人和完成时限。"
)
_RESULT = "已按整改措施全部完成整改，相关制度已印发执行，佐证材料附后。"
_BACK_MEASURES = "整改措施过于笼统，未明确责任人和完成时限，请细化后重新提交。"
_BACK_REPORT = "整改佐证材料不充分，缺少资金退回凭证，请补充后重新报送。"
_EXTEND = "涉及资金追缴，需待审计部门出具意见，申请延期一个月。"

# The order states are reached in, and the path of moves to each.
_PATHS: dict[str, tuple[str, ...]] = {
    ProblemState.OPEN: (),
    ProblemState.MEASURES: ("measures",),
    ProblemState.RECTIFYING: ("measures", "accept"),
    ProblemState.REPORTED: ("measures", "accept", "report"),
    ProblemState.CLOSED: ("measures", "accept", "report", "close"),
}


def _users() -> dict[str, User | None]:
    names = ("commission", "clerk", "reviewer", "liaison")
    found = {u.username: u for u in User.objects.filter(username__in=names)}
    return {name: found.get(name) for name in names}


def _walk(
    *,
    problem: Problem,
    state: str,
    unit_user: User | None,
    verifier: User | None,
    back: bool,
) -> None:
    """Move ``problem`` to ``state`` by the services; ``back``: once sent back on the way."""
    for move in _PATHS[state]:
        if move == "measures":
            if back:
                services.problem_submit_measures(
                    problem=problem, measures="按要求整改。", actor=unit_user
                )
                services.problem_send_back(problem=problem, reason=_BACK_MEASURES, actor=verifier)
            services.problem_submit_measures(problem=problem, measures=_MEASURES, actor=unit_user)
        elif move == "accept":
            services.problem_accept_measures(problem=problem, actor=verifier)
        elif move == "report":
            services.problem_report_done(problem=problem, result=_RESULT, actor=unit_user)
        elif move == "close":
            services.problem_close(
                problem=problem, text="经核查，整改到位，予以销号。", actor=verifier
            )


def _backdate(
    problem: Problem, *, entered: datetime.datetime, closed_day: datetime.date | None
) -> None:
    """Spread the steps from ``entered`` a few days apart (the services stamp them all
    now), and for a closed problem the close on ``closed_day``."""
    steps = list(problem.steps.order_by("at", "pk"))
    when = entered
    for step in steps:
        ProblemStep.objects.filter(pk=step.pk).update(at=when)
        when += datetime.timedelta(days=6, hours=3)
    Problem.objects.filter(pk=problem.pk).update(created_at=entered)
    if closed_day is not None:
        closed_at = timezone.make_aware(
            datetime.datetime.combine(closed_day, datetime.time(16, 30))
        )
        Problem.objects.filter(pk=problem.pk).update(closed_at=closed_at, closed_on=closed_day)
        ProblemStep.objects.filter(pk=steps[-1].pk).update(at=closed_at)


def demo_ledger_create(*, seed: int, region: Region) -> dict[str, int]:
    """The demo county's ledger and campaign (module docstring); returns counts."""
    rng = random.Random(f"{seed}-ledger")
    today = timezone.localdate()
    users = _users()
    stations = {
        s.code.removeprefix("ST-"): s
        for s in Station.objects.filter(region=region, code__in=[f"ST-{k}" for k in _FINDINGS])
    }
    if not stations:
        return {"problems": 0, "campaigns": 0}
    units = list(
        Unit.objects.filter(within_q(region), active=True, parent=None)
        .exclude(pk__in=Station.objects.exclude(unit=None).values("unit_id"))
        .order_by("code")
    )
    school = Unit.objects.filter(region=region, name="县第一中学").first()
    states = list(_PATHS)
    made: list[Problem] = []
    plan: list[tuple[Unit, str, tuple[str, str], str, int]] = []
    # The liaison's unit: one problem in each state, by the reviewer's station; the open
    # one overdue, the closed one closed late.
    if school is not None and "CASE" in stations:
        for i, state in enumerate(states):
            plan.append((school, "CASE", _FINDINGS["CASE"][1][i % 4], state, i))
    for code, (_source, texts) in _FINDINGS.items():
        if code not in stations:
            continue
        for text in texts:
            state = rng.choice(states)
            plan.append((rng.choice(units), code, text, state, rng.randrange(100)))
    for index, (unit, code, (problem_type, description), state, draw) in enumerate(plan):
        station = stations[code]
        source = _FINDINGS[code][0]
        # A spread of deadlines: some passed (overdue unless closed), most to come.
        due = today + datetime.timedelta(days=(draw % 9) * 15 - 40)
        entered_day = min(today, due) - datetime.timedelta(days=60 + draw % 20)
        if unit == school and state == ProblemState.OPEN:
            due = today - datetime.timedelta(days=12)  # overdue
        if unit == school and state == ProblemState.CLOSED:
            due = today - datetime.timedelta(days=20)  # closed late, below
        enterer = users["clerk"] if code == "ORG" else users["commission"]
        verifier = users["reviewer"] if code == "CASE" else users["commission"]
        unit_user = users["liaison"] if unit == school else None
        problem = services.problem_create(
            actor=enterer,
            unit=unit,
            station=station,
            source=source,
            problem_type=problem_type,
            description=description,
            responsible_person=rng.choice(("分管副局长", "办公室主任", "财务科科长", "党组书记")),
            due=due,
        )
        _walk(
            problem=problem,
            state=state,
            unit_user=unit_user,
            verifier=verifier,
            back=index % 5 == 1 and state != ProblemState.OPEN,
        )
        closed_day = None
        if state == ProblemState.CLOSED:
            late = unit == school or draw % 3 == 0
            closed_day = (
                due + datetime.timedelta(days=5) if late else due - datetime.timedelta(days=3)
            )
            closed_day = min(closed_day, today)
        entered = timezone.make_aware(datetime.datetime.combine(entered_day, datetime.time(9)))
        _backdate(problem, entered=entered, closed_day=closed_day)
        made.append(problem)
    if made and users["commission"] is not None:
        problems = [p for p in made if p.problem_type in ("违反中央八项规定精神", "四风")]
        campaign = campaign_create(
            region=region,
            name="违反中央八项规定精神问题专项整治",
            description="集中整治公务接待、公车使用、节日福利发放等方面的突出问题，"
            "各责任单位于期限内完成整改并报送整改报告。",
            problem_type="违反中央八项规定精神",
            departments=[u for u in units if u.name in ("县财政局", "县审计局", "县委办公室")]
            or units[:2],
            due=today + datetime.timedelta(days=60),
            actor=users["commission"],
        )
        for problem in problems:
            problem.refresh_from_db()
        campaign_attach(campaign=campaign, problems=problems, actor=users["commission"])
    return {"problems": len(made), "campaigns": 1 if made else 0}


def demo_ledger_reset() -> None:
    """Delete every problem (their steps and evidence with them) and campaign, each
    deletion in the history: ``seed_demo --reset`` deletes the users, units, records
    and regions they refer to."""
    Problem.objects.all().delete()
    Campaign.objects.all().delete()
