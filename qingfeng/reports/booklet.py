"""The problem booklet (问题清单印制成册, seed 004): the problems of the ledger of one
unit, or of every unit of a region, for a period, printed as a booklet.

Which problems: those of the ledger the user sees (``rectification.selectors
.visible_problems``) that were **open at some time during the period**: entered on or
before the period's last day and not closed (销号) before its first day. So a booklet
lists what was found in the period and what was still being rectified in it; a problem
closed before the period began belongs to an earlier booklet. Each problem shows its
state **today** (the booklet is printed now), as the ledger does; overdue is counted the
ledger's way (``state_board``) on today's date.

The booklet is grouped by unit (in the units' order), then by how the problem was found
(巡察, 审计, 信访 …); each problem with its number, type, description, deadline, state and
measures. The counts per state at the top come from the ledger's own ``state_board``.
Everything is Chinese whatever the user's language, as every document is.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from qingfeng.lib.documents import chinese_date
from qingfeng.lib.periods import Period, period_label
from qingfeng.org.models import Unit, within_q
from qingfeng.rectification.models import Problem, ProblemSource, ProblemState
from qingfeng.rectification.selectors import state_board, visible_problems
from qingfeng.reports.kinds import Built, Subject


def booklet_problems(*, user: Any, subject: Subject) -> QuerySet[Problem]:
    """The problems of the booklet of ``subject`` as ``user`` sees the ledger: of the
    subject's unit (that unit only, not its sub-units, which have booklets of their own)
    or of every unit of the region's subtree, open at some time during the period."""
    period: Period = subject.period
    problems = visible_problems(user)
    if subject.unit is not None:
        problems = problems.filter(unit=subject.unit)
    else:
        problems = problems.filter(within_q(subject.region, prefix="unit__"))
    # ``created_at`` is an aware datetime: compare with the first instant after the
    # period in the installation's time zone, so a problem entered on its last evening
    # counts.
    after = timezone.make_aware(datetime.datetime.combine(period.next().start, datetime.time()))
    return problems.filter(
        Q(created_at__lt=after) & (Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
    )


def _problem_row(problem: Problem, *, index: int, today: datetime.date) -> dict[str, Any]:
    overdue = problem.is_overdue(today=today)
    return {
        "index": index,
        "number": problem.number,
        "type": problem.problem_type or "未分类",
        "description": problem.description,
        "due": chinese_date(problem.due),
        "state": str(ProblemState(problem.state).label),
        "overdue": "（已逾期）" if overdue else "",
        "measures": problem.measures or "尚未报送",
    }


def _unit_sections(problems: list[Problem], *, today: datetime.date) -> list[dict[str, Any]]:
    """The problems by unit (units in their tree order), then by source in the sources'
    order, numbered from 1 within each unit."""
    by_unit: dict[int, list[Problem]] = defaultdict(list)
    units: dict[int, Unit] = {}
    for problem in problems:
        by_unit[problem.unit_id].append(problem)
        units[problem.unit_id] = problem.unit
    order = list(ProblemSource)
    sections = []
    for unit_id in sorted(units, key=lambda pk: (units[pk].path, pk)):
        groups = []
        index = 0
        found = by_unit[unit_id]
        for source in order:
            rows = []
            for problem in (p for p in found if p.source == source):
                index += 1
                rows.append(_problem_row(problem, index=index, today=today))
            if rows:
                groups.append({"source": str(source.label), "problems": rows})
        sections.append({"name": units[unit_id].name, "total": len(found), "groups": groups})
    return sections


def build(*, subject: Subject, user: Any) -> Built:
    """The booklet of ``subject.unit`` (a unit's booklet) or of the whole
    ``subject.region`` (unit None) for ``subject.period``, as ``user`` sees the ledger."""
    today = timezone.localdate()
    scoped = booklet_problems(user=user, subject=subject)
    board = state_board(problems=scoped, today=today)
    problems = list(scoped.select_related("unit").order_by("unit__path", "source", "due", "number"))
    sections = _unit_sections(problems, today=today)
    name = subject.unit.name if subject.unit is not None else subject.region.name
    label = period_label(subject.period)
    states = [{"label": c.label, "count": c.count, "overdue": c.overdue} for c in board.cells]
    if subject.unit is not None:
        units = [subject.unit]
    else:
        units = sorted({p.unit for p in problems}, key=lambda u: (u.path, u.pk))
    context = {
        "subject_name": name,
        "total": board.total,
        "overdue": board.overdue,
        "closed_late": board.closed_late,
        "unit_count": len(sections),
        "states": states,
        "unit_sections": sections,
    }
    title = f"{name}问题清单"
    return Built(context=context, title=title, filename=f"{label}{title}", units=units)
