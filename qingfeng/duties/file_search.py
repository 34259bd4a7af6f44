"""The one-stop query's group of duty records (履责纪实和报备): fulfilment records and
personal reports the user may see (``accounts.selectors.duty_visibility_q``), found by a
keyword, a date range and the kind of subject.

The keyword matches a record's content, a report's destination or description, or the
name of the subject's person or unit (so "王建国" finds the records of 王建国's lists).
The search index (``lib.search_index``, sources ``fulfilment`` and ``personal_report``,
and ``person`` and ``unit`` for the names) narrows the candidates; the ``icontains``
filters decide, so the results are those of a full scan. Dates: a record's ``done_on``,
a report's ``starts``.

Subject filter (``subject``): a kind of duty holder (team, principal, member, group)
narrows the records to the lists of that kind and the reports to people holding such a
list; ``report`` asks for reports only. Teams and groups file no reports.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import F, Func, Model, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.duties.models import DutyList, Fulfilment, PersonalReport, SubjectKind
from qingfeng.lib import search_index

REPORTS_ONLY = "report"

M = TypeVar("M", bound=Model)


def subject_choices() -> list[tuple[str, Any]]:
    """The subject filter's choices: any, each kind of holder, reports only."""
    return [
        ("", "—"),
        *SubjectKind.choices,
        (REPORTS_ONLY, _("personal reports only")),
    ]


def may_search_duties(user: Any) -> bool:
    """True when the one-stop query shows the user a group of duty records."""
    return scope.has_capability(user, Capability.VIEW_DUTIES)


def _by_text(text: str, *, own: str, fields: tuple[str, ...], prefix: str = "") -> Q:
    """Rows whose ``fields`` or whose subject's person or unit name holds ``text``: the
    index candidates ANDed with the real check (a superset narrowed by ``icontains``)."""
    exact = Q()
    for name in fields:
        exact |= Q(**{f"{name}__icontains": text})
    exact |= Q(**{f"{prefix}person__name__icontains": text})
    exact |= Q(**{f"{prefix}unit__name__icontains": text})
    found = search_index.matching(kind=own, text=text)
    if found is None:  # no letter or digit: the full scan alone
        return exact
    people = search_index.matching(kind="person", text=text)
    units = search_index.matching(kind="unit", text=text)
    candidates = Q(pk__in=found)
    if people is not None:
        candidates |= Q(**{f"{prefix}person_id__in": people})
    if units is not None:
        candidates |= Q(**{f"{prefix}unit_id__in": units})
    return candidates & exact


def found_fulfilments(
    *,
    user: Any,
    text: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    subject: str = "",
) -> QuerySet[Fulfilment]:
    """Fulfilment records the user sees matching the query, newest first."""
    if not may_search_duties(user) or subject == REPORTS_ONLY:
        return Fulfilment.objects.none()
    records = Fulfilment.objects.filter(scope.duty_visibility_q(user, prefix="duty_list__"))
    if text:
        records = records.filter(
            _by_text(text, own="fulfilment", fields=("content",), prefix="duty_list__")
        )
    if date_from:
        records = records.filter(done_on__gte=date_from)
    if date_to:
        records = records.filter(done_on__lte=date_to)
    if subject:
        records = records.filter(duty_list__kind=subject)
    return records.select_related(
        "due__task", "duty_list__unit", "duty_list__person", "duty_list__discipline_group"
    ).order_by("-done_on", "-pk")


def found_reports(
    *,
    user: Any,
    text: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    subject: str = "",
) -> QuerySet[PersonalReport]:
    """Personal reports the user sees matching the query, newest first."""
    if not may_search_duties(user) or subject in (SubjectKind.TEAM, SubjectKind.GROUP):
        return PersonalReport.objects.none()
    reports = PersonalReport.objects.filter(scope.duty_visibility_q(user, personal=True))
    if text:
        reports = reports.filter(
            _by_text(text, own="personal_report", fields=("destination", "description"))
        )
    if date_from:
        reports = reports.filter(starts__gte=date_from)
    if date_to:
        reports = reports.filter(starts__lte=date_to)
    if subject in (SubjectKind.PRINCIPAL, SubjectKind.MEMBER):
        holders = DutyList.objects.filter(kind=subject).values("person_id")
        reports = reports.filter(person_id__in=holders)
    return reports.select_related("person", "unit").order_by("-starts", "-pk")


@dataclass
class DutyHit:
    """One row of the group: a fulfilment record or a report, in common words."""

    kind: str  # "fulfilment" or "report"
    date: datetime.date
    subject: str
    person_id: int | None
    title: str
    text: str
    late: bool = False


def _fulfilment_hit(record: Fulfilment) -> DutyHit:
    return DutyHit(
        "fulfilment",
        record.done_on,
        record.duty_list.subject_name,
        record.duty_list.person_id,
        record.due.task.title,
        record.content,
    )


def _report_hit(report: PersonalReport) -> DutyHit:
    title = str(report.get_kind_display())
    if report.destination:
        title += f" · {report.destination}"
    return DutyHit(
        "report",
        report.starts,
        f"{report.person.name} ({report.unit.name})",
        report.person_id,
        title,
        report.description,
        report.late,
    )


@dataclass
class DutyPage:
    """One page of the merged group (records and reports by date, newest first) and the
    number of all matches."""

    rows: list[DutyHit]
    count: int


def duty_page(*, user: Any, page: int, page_size: int, **query: Any) -> DutyPage:
    """Page ``page`` (from 1) of the records and reports matching ``query`` (the keyword
    arguments of ``found_fulfilments``), merged by date: the first ``page × page_size`` of
    each are read, merged, and the page cut out (two queries and two counts)."""
    upto = page * page_size
    records, record_count = _counted(found_fulfilments(user=user, **query), upto)
    reports, report_count = _counted(found_reports(user=user, **query), upto)
    hits = [_fulfilment_hit(r) for r in records] + [_report_hit(r) for r in reports]
    hits.sort(key=lambda hit: hit.date, reverse=True)
    return DutyPage(hits[(page - 1) * page_size : upto], record_count + report_count)


def _counted(queryset: QuerySet[M], limit: int) -> tuple[list[M], int]:
    """The first ``limit`` rows and the number of all, in one query (the count is a
    scalar subquery, as the one-stop query's other groups read theirs)."""
    total = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))
    rows = list(queryset.annotate(search_total=Subquery(total))[:limit])
    return rows, (rows[0].search_total if rows else 0)


def duty_rows(*, user: Any, cap: int, **query: Any) -> tuple[list[tuple[Any, ...]], bool]:
    """Every match up to ``cap``, as export rows (date, kind, subject, task or report,
    text, late): (rows, capped)."""
    records = found_fulfilments(user=user, **query)[: cap + 1]
    reports = found_reports(user=user, **query)[: cap + 1]
    hits = [_fulfilment_hit(r) for r in records] + [_report_hit(r) for r in reports]
    hits.sort(key=lambda hit: hit.date, reverse=True)
    rows = [
        (
            hit.date,
            str(_("fulfilment record") if hit.kind == "fulfilment" else _("personal report")),
            hit.subject,
            hit.title,
            hit.text,
            str(_("late")) if hit.late else "",
        )
        for hit in hits
    ]
    return rows[:cap], len(rows) > cap
