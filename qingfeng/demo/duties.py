"""The demo county's two-responsibilities platform: a 2026 duty list for every team,
principal, member and discipline group (from the shipped templates), most confirmed and
endorsed; a year of fulfilment records up to the day of the seed in every light (on time,
late, missing, and a few tasks coming due within the week); travel and ceremony reports,
some filed late; the discipline groups' quarterly checks; and two accountability steps.

县第一中学's principal (account ``leader``) and two of its members (``member``,
``member2``) keep their lists as drafts to confirm, so logging in walks the whole flow.
Written in bulk (a seed is not a user): the rows are what the services write, the
completion dates by the same rule (``duties.lights.completion_date``).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from qingfeng.accounts.models import User
from qingfeng.duties.bulk import duty_lists_for_region, new_due
from qingfeng.duties.lights import completion_date, effective_date
from qingfeng.duties.models import (
    AccountabilityStep,
    CheckResult,
    DutyCategory,
    DutyList,
    DutyTask,
    Fulfilment,
    LadderStep,
    ListStatus,
    PersonalReport,
    QuarterlyCheck,
    Recurrence,
    ReportKind,
    SubjectKind,
    TaskDue,
)
from qingfeng.duties.reports_rule import report_is_late
from qingfeng.org.models import Post, Region

YEAR = 2026
# The principal and members whose lists stay drafts (their demo accounts confirm them).
DRAFT_UNIT = "县第一中学"

_DONE = {
    "party": [
        "召开党委会专题研究全面从严治党工作，形成会议纪要",
        "制定年度党风廉政建设责任分解方案并印发",
    ],
    "personnel": ["干部选拔任用前书面征求派驻纪检监察组意见", "落实廉政意见双签字，完善干部档案"],
    "conduct": ["开展落实中央八项规定精神专项检查，整改问题3项", "组织公务接待、公车使用自查"],
    "education": ["组织观看警示教育片并开展讨论", "与分管部门负责人开展廉政谈话，提醒风险点"],
    "supervision": ["分析研判苗头性倾向性问题，形成分析报告", "对分管科室开展廉政风险排查"],
    "rectify": ["督办巡察反馈问题整改，销号2项", "跟踪审计发现问题整改进度并通报"],
}
_TRIPS = ["太原市", "北京市", "长治市", "郑州市", "石家庄市", "西安市"]


def _as_of() -> datetime.date:
    return min(timezone.localdate(), datetime.date(YEAR, 12, 31))


def demo_duties_create(*, seed: int, region: Region) -> dict[str, int]:
    """Everything the module docstring lists, for ``region`` (the demo county)."""
    rng = random.Random(seed + 14)
    as_of = _as_of()
    admin = User.objects.filter(username="commission").first()
    duty_lists_for_region(region=region, year=YEAR, actor=admin)
    lists = list(DutyList.objects.filter(year=YEAR).select_related("unit").order_by("pk"))
    _endorse(lists, rng=rng, as_of=as_of, admin=admin)
    _coming_due(lists, rng=rng, as_of=as_of, admin=admin)
    records = _fulfil(lists, rng=rng, as_of=as_of)
    reports = _reports(region, rng=rng, as_of=as_of)
    checks = _checks(lists, rng=rng, as_of=as_of)
    steps = _accountability(admin=admin, as_of=as_of)
    return {
        "lists": len(lists),
        "records": records,
        "reports": reports,
        "checks": checks,
        "steps": steps,
    }


def _stamp(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


def _endorse(
    lists: list[DutyList], *, rng: random.Random, as_of: datetime.date, admin: User | None
) -> None:
    changed = []
    for duty_list in lists:
        if duty_list.unit is not None and duty_list.unit.name == DRAFT_UNIT:
            continue
        duty_list.status = ListStatus.ENDORSED if rng.random() < 0.9 else ListStatus.CONFIRMED
        duty_list.confirmed_at = _stamp(datetime.date(YEAR, 1, rng.randint(10, 31)))
        if duty_list.status == ListStatus.ENDORSED:
            duty_list.endorsed_at = _stamp(datetime.date(YEAR, 2, rng.randint(1, 28)))
            duty_list.endorsed_by = admin
        changed.append(duty_list)
    bulk_update_with_history(
        changed,
        DutyList,
        ["status", "confirmed_at", "endorsed_at", "endorsed_by"],
        batch_size=1000,
        default_user=admin,
    )


def _coming_due(
    lists: list[DutyList], *, rng: random.Random, as_of: datetime.date, admin: User | None
) -> None:
    """A task due within the week for a quarter of the teams (yellow lights), when the
    year still has a week left."""
    due = as_of + datetime.timedelta(days=5)
    if due.year != YEAR:
        return
    category = DutyCategory.objects.get(code="party")
    tasks = [
        DutyTask(
            duty_list=duty_list,
            category=category,
            title="报送年度落实全面从严治党主体责任情况报告",
            measures="年底前向县委和县纪委监委书面报告",
            recurrence=Recurrence.ONCE,
            due_date=due,
            department="办公室",
            order=99,
        )
        for duty_list in lists
        if duty_list.kind == SubjectKind.TEAM and rng.random() < 0.25
    ]
    tasks = bulk_create_with_history(tasks, DutyTask, default_user=admin)
    TaskDue.objects.bulk_create(
        [
            new_due(task=task, duty_list=task.duty_list, starts=datetime.date(YEAR, 1, 1), due=due)
            for task in tasks
        ]
    )


def _fulfil(lists: list[DutyList], *, rng: random.Random, as_of: datetime.date) -> int:
    dues = list(
        TaskDue.objects.filter(duty_list__in=lists, starts__lte=as_of)
        .select_related("task__category")
        .order_by("pk")
    )
    records: list[Fulfilment] = []
    completed: dict[int, datetime.date | None] = {}
    for due in dues:
        roll = rng.random()
        dates: list[datetime.date] = []
        window_end = min(due.due, as_of)
        span = max((window_end - due.starts).days, 0)
        if (due.due >= as_of and roll < 0.5) or (due.due < as_of and roll < 0.2):
            continue  # not done (yet): red once due, else grey or yellow
        for _ in range(due.task.required_count):
            if due.due < as_of and roll < 0.3:  # done after it was due: orange
                done = min(due.due + datetime.timedelta(days=rng.randint(1, 25)), as_of)
            else:
                done = due.starts + datetime.timedelta(days=rng.randint(0, span))
            recorded = min(done + datetime.timedelta(days=rng.randint(0, 2)), max(done, window_end))
            texts = _DONE.get(due.task.category.code, _DONE["party"])
            records.append(
                Fulfilment(
                    due=due,
                    duty_list_id=due.duty_list_id,
                    done_on=done,
                    content=rng.choice(texts),
                    recorded_on=recorded,
                )
            )
            dates.append(effective_date(done_on=done, recorded_on=recorded))
        completed[due.pk] = completion_date(dates, required=due.task.required_count)
    bulk_create_with_history(records, Fulfilment, batch_size=2000)
    for due in dues:
        due.completed_on = completed.get(due.pk)
    TaskDue.objects.bulk_update(dues, ["completed_on"], batch_size=2000)
    return len(records)


def _reports(region: Region, *, rng: random.Random, as_of: datetime.date) -> int:
    posts = list(
        Post.objects.filter(unit__region=region, end__isnull=True)
        .select_related("person", "unit")
        .order_by("pk")
    )
    reports = []
    for post in rng.sample(posts, min(60, len(posts))):
        kind = rng.choices(
            [ReportKind.TRAVEL, ReportKind.WEDDING, ReportKind.FUNERAL, ReportKind.CELEBRATION],
            weights=[8, 1, 1, 1],
        )[0]
        starts = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randint(20, 320))
        if starts > as_of:
            starts = as_of - datetime.timedelta(days=rng.randint(1, 30))
        lead = (
            rng.choice([-2, 1, 1, 2, 3, 5, 7, 10])
            if kind == ReportKind.TRAVEL
            else rng.choice([10, 35, 40, 45, 60])
        )
        if kind == ReportKind.FUNERAL:
            lead = -rng.choice([1, 2, 2, 6])
        reported = min(starts - datetime.timedelta(days=lead), as_of)
        ends = (
            starts + datetime.timedelta(days=rng.randint(3, 6))
            if kind == ReportKind.TRAVEL
            else None
        )
        reports.append(
            PersonalReport(
                person=post.person,
                unit=post.unit,
                kind=kind,
                starts=starts,
                ends=ends,
                destination=rng.choice(_TRIPS) if kind == ReportKind.TRAVEL else "",
                description={
                    ReportKind.TRAVEL: "探亲",
                    ReportKind.WEDDING: "子女结婚，拟宴请亲属",
                    ReportKind.FUNERAL: "直系亲属去世，丧事从简",
                    ReportKind.CELEBRATION: "乔迁，不办酒席",
                }[kind],
                reported_on=reported,
                late=report_is_late(kind=kind, starts=starts, ends=ends, reported_on=reported),
            )
        )
    bulk_create_with_history(reports, PersonalReport, batch_size=1000)
    return len(reports)


def _checks(lists: list[DutyList], *, rng: random.Random, as_of: datetime.date) -> int:
    group_user = User.objects.filter(username="group").first()
    checks = []
    for duty_list in lists:
        if duty_list.kind != SubjectKind.TEAM:
            continue
        for quarter in range(1, 5):
            checked = datetime.date(YEAR, quarter * 3, 1) + datetime.timedelta(
                days=rng.randint(20, 40)
            )
            if checked > as_of:
                break
            failed = rng.random() < 0.06
            checks.append(
                QuarterlyCheck(
                    duty_list=duty_list,
                    quarter=quarter,
                    result=CheckResult.FAILED if failed else CheckResult.PASSED,
                    findings="履责纪实不及时，部分任务无佐证材料"
                    if failed
                    else "按清单推进，纪实完整",
                    checked_on=checked,
                    checked_by=group_user,
                )
            )
    bulk_create_with_history(checks, QuarterlyCheck, batch_size=1000)
    return len(checks)


def _accountability(*, admin: User | None, as_of: datetime.date) -> int:
    red = (
        TaskDue.objects.filter(
            year=YEAR, completed_on__isnull=True, due__lt=as_of, kind=SubjectKind.MEMBER
        )
        .select_related("duty_list")
        .order_by("due", "pk")
        .first()
    )
    failed = (
        QuarterlyCheck.objects.filter(result=CheckResult.FAILED)
        .order_by("checked_on", "pk")
        .first()
    )
    steps = []
    remind = LadderStep.objects.filter(code="remind").first()
    criticise = LadderStep.objects.filter(code="criticise").first()
    if red is not None and remind is not None:
        steps.append(
            AccountabilityStep(
                duty_list=red.duty_list,
                step=remind,
                red_due=red,
                reason="履责任务逾期未完成（红灯），进行提醒谈话",
                decided_on=min(red.due + datetime.timedelta(days=10), as_of),
                decided_by=admin,
            )
        )
    if failed is not None and criticise is not None:
        steps.append(
            AccountabilityStep(
                duty_list=failed.duty_list,
                step=criticise,
                failed_check=failed,
                reason="季度检查不合格，责令作出说明并批评教育",
                decided_on=min(failed.checked_on + datetime.timedelta(days=7), as_of),
                decided_by=admin,
            )
        )
    bulk_create_with_history(steps, AccountabilityStep, default_user=admin)
    return len(steps)


def demo_duties_reset() -> None:
    """Delete every row of the platform (each deletion in the history) before the
    organisation it refers to."""
    AccountabilityStep.objects.all().delete()
    QuarterlyCheck.objects.all().delete()
    PersonalReport.objects.all().delete()
    Fulfilment.objects.all().delete()
    DutyList.objects.all().delete()
