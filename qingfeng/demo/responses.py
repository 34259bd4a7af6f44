"""Demo responses to warnings: on whatever warnings the register holds, responses in every
state (a notice just issued, one answered with measures, one rectified and closed), a
talk recorded and one still to be held. Without warnings (or an analyst) it does nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.accounts.roles import Role
from qingfeng.monitoring.models import ResponseKind, Warning, WarningState
from qingfeng.monitoring.responses import DOCUMENT_KINDS, ladder_kind, talk_record
from qingfeng.org.models import InCharge
from qingfeng.rectification.models import Problem
from qingfeng.rectification.responses import responses_issue_with_problems
from qingfeng.rectification.services import (
    problem_accept_measures,
    problem_close,
    problem_report_done,
    problem_submit_measures,
)

TEXT = "你单位本期信访举报、问题线索数量上升，请对照问题清单逐项分析原因，压实主体责任。"
MEASURES = (
    "一、召开专题民主生活会，逐项对照检查；二、建立问题整改台账，明确责任人和完成时限；"
    "三、完善“三重一大”决策制度。"
)
RESULT = "已完成整改：专题会议 1 次，修订制度 3 项，整改台账逐项销号。"


def _account(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


@transaction.atomic
def demo_responses_create(*, today: datetime.date | None = None) -> dict[str, int]:
    """Respond to up to five active warnings, one per unit: the liaison account's unit
    first (any period, so its inbox has one), then the most severe of the latest period,
    units with a leader in charge first (their documents show the 抄送 line)."""
    today = today or timezone.localdate()
    analyst = _account("analyst") or User.objects.filter(is_superuser=True).first()
    if analyst is None:
        return {"responses": 0}
    active = Warning.objects.filter(state=WarningState.ACTIVE).select_related(
        "unit", "framework", "framework__region"
    )
    latest = active.order_by("-period").values_list("period", flat=True).first()
    if latest is None:
        return {"responses": 0}
    liaison = _account("liaison")
    own = set(
        RoleAssignment.objects.filter(user=liaison, role=Role.UNIT_LIAISON).values_list(
            "unit_id", flat=True
        )
    )
    # Units with a leader in charge next, so their documents show the 抄送 line.
    in_charge = set(InCharge.objects.values_list("unit_id", flat=True))
    # The liaison's unit's warnings of any period, then those of the latest period.
    pool = active.filter(responses__isnull=True).filter(Q(period=latest) | Q(unit_id__in=own))
    candidates = sorted(
        pool,
        key=lambda w: (
            w.unit_id not in own,
            w.period != latest,
            w.unit_id not in in_charge,
            -w.severity,
            w.unit.code,
            w.node_code,
        ),
    )
    # One warning per unit, so each unit's story is one response.
    chosen: list[Warning] = []
    for warning in candidates:
        if all(w.unit_id != warning.unit_id for w in chosen):
            chosen.append(warning)
        if len(chosen) == 5:
            break
    clerk = liaison or analyst
    count = 0
    for index, warning in enumerate(chosen):
        if index < 3:
            kind = ladder_kind(warning)
            if kind not in DOCUMENT_KINDS:
                kind = ResponseKind.WARNING_NOTICE
            [response] = responses_issue_with_problems(
                warnings=[warning], actor=analyst, kind=kind, text=TEXT, today=today
            )
            problem = Problem.objects.get(response=response)
            if index >= 1:  # answered: the unit submitted its measures
                problem_submit_measures(problem=problem, measures=MEASURES, actor=clerk)
            if index == 2:  # closed: rectified, verified, closed
                problem_accept_measures(problem=problem, actor=analyst)
                problem_report_done(problem=problem, result=RESULT, actor=clerk)
                problem_close(problem=problem, actor=analyst, text="经核查，整改到位，予以销号。")
        else:
            responses_issue_with_problems(
                warnings=[warning], actor=analyst, kind=ResponseKind.ADMONITION, today=today
            )
            if index == 3:  # the talk held and recorded
                talk_record(
                    warning=warning,
                    held_on=today,
                    held_by="县纪委副书记 李志强",
                    attendees=f"{warning.unit.name}主要负责人、分管负责人",
                    minutes="通报预警情况，指出存在问题三项，提出整改要求，被约谈人作表态发言。",
                    actor=analyst,
                )
        count += 1
    return {"responses": count}
