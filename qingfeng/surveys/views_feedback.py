"""A unit's feedback of a survey campaign (问卷调查结果反馈), on screen and as .xlsx (thin:
the reads are in ``selectors_feedback``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import pgettext

from qingfeng.lib.errors import get_or_not_found
from qingfeng.lib.periods import Period, period_label
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import Sheet, download_name, xlsx_response
from qingfeng.org.models import Unit
from qingfeng.surveys import selectors
from qingfeng.surveys.models import Campaign
from qingfeng.surveys.selectors_feedback import Share, UnitFeedback, unit_feedback

# The translation context of the feedback's words.
CONTEXT = "survey feedback"


def _read(request: AuthedRequest, pk: int, unit_pk: int) -> UnitFeedback:
    """The feedback asked for, within the reader's scope (else NotFound: a 404)."""
    campaign: Campaign = get_or_not_found(selectors.campaigns_for(request.user), pk=pk)
    unit: Unit = get_or_not_found(
        selectors.units_seen(request.user).select_related("category"), pk=unit_pk
    )
    return unit_feedback(campaign=campaign, unit=unit, user=request.user)


@login_required
def feedback(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    """A unit's feedback page; ``?unit=<pk>`` (the unit picker) opens another unit's."""
    other = request.GET.get("unit", "")
    if other.isdigit() and int(other) != unit_pk:
        return redirect("surveys:campaign_feedback", pk=pk, unit_pk=int(other))
    data = _read(request, pk, unit_pk)
    surveyed = (
        selectors.units_seen(request.user)
        .filter(pk__in=data.campaign.links.values("unit_id"))
        .order_by("path")
        .values_list("pk", "name")
    )
    context = {"f": data, "surveyed": list(surveyed[:2000])}
    return render(request, "surveys/feedback.html", context)


def _percent(share: Share | None) -> float | None:
    return None if share is None or share.percent is None else round(share.percent, 1)


def _mean(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@login_required
def feedback_xlsx(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    """The same feedback as a workbook: a summary, the questions' options, the texts."""
    data = _read(request, pk, unit_pk)
    campaign = data.campaign
    period = period_label(Period.parse(campaign.period))
    title = f"{campaign.name} · {data.unit.name}"
    previous = data.previous_campaign.name if data.previous_campaign else "—"
    summary_rows: list[list[Any]] = [
        [
            pgettext(CONTEXT, "This unit"),
            data.unit.name,
            data.unit_summary.responses,
            _mean(data.unit_summary.mean),
        ],
        [
            pgettext(CONTEXT, "Same category"),
            data.category_name,
            data.category_summary.responses,
            _mean(data.category_summary.mean),
        ],
        [
            pgettext(CONTEXT, "Previous campaign"),
            previous,
            data.previous_summary.responses if data.previous_summary else None,
            _mean(data.previous_summary.mean) if data.previous_summary else None,
        ],
    ]
    option_rows: list[list[Any]] = []
    for q in data.questions:
        if q.is_text:
            continue
        option_rows.append(
            [
                q.number,
                q.text,
                pgettext(CONTEXT, "Mean score (0–100)"),
                _mean(q.unit.mean),
                None,
                _mean(q.category.mean),
                None,
                _mean(q.previous.mean) if q.previous else None,
                None,
            ]
        )
        for row in q.options:
            option_rows.append(
                [
                    q.number,
                    q.text,
                    row.label,
                    row.unit.count,
                    _percent(row.unit),
                    row.category.count,
                    _percent(row.category),
                    row.previous.count if row.previous else None,
                    _percent(row.previous),
                ]
            )
    text_rows = [[q.number, q.text, text] for q in data.questions for text in q.texts]
    sheets = [
        Sheet(
            name=pgettext(CONTEXT, "Summary"),
            title=title,
            headers=[
                pgettext(CONTEXT, "Compared with"),
                pgettext(CONTEXT, "Unit, category or campaign"),
                pgettext(CONTEXT, "Number of responses"),
                pgettext(CONTEXT, "Mean score (0–100)"),
            ],
            rows=summary_rows,
        ),
        Sheet(
            name=pgettext(CONTEXT, "Questions"),
            title=title,
            headers=[
                pgettext(CONTEXT, "No."),
                pgettext(CONTEXT, "Question"),
                pgettext(CONTEXT, "Option"),
                pgettext(CONTEXT, "This unit"),
                pgettext(CONTEXT, "This unit %"),
                pgettext(CONTEXT, "Same category"),
                pgettext(CONTEXT, "Same category %"),
                pgettext(CONTEXT, "Previous campaign"),
                pgettext(CONTEXT, "Previous campaign %"),
            ],
            rows=option_rows,
        ),
        Sheet(
            name=pgettext(CONTEXT, "Comments"),
            title=title,
            headers=[
                pgettext(CONTEXT, "No."),
                pgettext(CONTEXT, "Question"),
                pgettext(CONTEXT, "Answer"),
            ],
            rows=text_rows,
        ),
    ]
    name = download_name(campaign.name, data.unit.name, period, pgettext(CONTEXT, "feedback"))
    return xlsx_response(name, sheets)
