"""Station workload page: records typed, imported, pushed by API, self-assessed and
returned, per station and period (see ``qingfeng.records.workload`` for the definitions)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.periods import Period, periods_containing
from qingfeng.lib.typing import AuthedRequest
from qingfeng.records.workload import station_workload

# What a user types for every date: the word of their language, or the original "all".
ALL_PERIODS = ("all", "全部")


@login_required
def workload(request: AuthedRequest) -> HttpResponse:
    """Per station of the framework's region that the user sees; the current quarter by
    default, every date with ``period=all`` (or 全部)."""
    frameworks = visible_frameworks(request.user).order_by("code")
    code = request.GET.get("framework", "")
    if not code:
        return render(request, "records/workload.html", {"frameworks": frameworks})
    framework = get_object_or_404(frameworks, code=code)
    text = request.GET.get("period", "").strip()
    period: Period | None = None
    error = ""
    if not text:
        period = periods_containing(timezone.localdate())[2]  # the current quarter
    elif text.lower() not in ALL_PERIODS:
        try:
            period = Period.read(text)
        except ValueError as exc:
            error = str(exc)
    rows, totals = station_workload(user=request.user, framework=framework, period=period)
    return render(
        request,
        "records/workload.html",
        {
            "frameworks": frameworks,
            "framework": framework,
            "period": str(period) if period else _("all"),
            "error": error,
            "rows": rows,
            "totals": totals,
        },
    )
