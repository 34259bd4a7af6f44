"""The page choosing which rate leaves of a framework fulfilment feeds, and which
subjects' dues count (docs/duties-boards.md): EDIT_FRAMEWORK over the framework's region,
like the problem ledger's feeds page; each change goes through ``duties.feed.duty_feed_set``
(with history)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability, regions_held_with
from qingfeng.duties.feed import UNIT_KINDS, duty_feed_set
from qingfeng.duties.feed_models import DutyFeed
from qingfeng.duties.models import SubjectKind
from qingfeng.framework.models import Framework
from qingfeng.lib.typing import AuthedRequest
from qingfeng.records.rate_feeds import rate_leaves
from qingfeng.rectification.models import LedgerFeed


@login_required
def feeds_page(request: AuthedRequest) -> HttpResponse:
    """Which rate leaves of a framework fulfilment feeds (commission administrators, for
    the frameworks of their regions); a leaf fed by the problem ledger is shown, not
    offered."""
    user = request.user
    if not has_capability(user, Capability.EDIT_FRAMEWORK):
        raise PermissionDenied
    regions = regions_held_with(user, Capability.EDIT_FRAMEWORK)
    frameworks = list(Framework.objects.filter(region__in=regions).order_by("code"))
    code = request.GET.get("framework", "").strip()
    framework = next((f for f in frameworks if f.code == code), None)
    if code and framework is None:
        raise Http404
    framework = framework or (frameworks[0] if frameworks else None)
    leaves = rate_leaves(framework) if framework is not None else []
    by_ledger = set(
        LedgerFeed.objects.filter(framework=framework).values_list("indicator_code", flat=True)
    )
    feeds = {feed.indicator_code: feed for feed in DutyFeed.objects.filter(framework=framework)}
    query = urlencode({"framework": framework.code}) if framework is not None else ""
    if request.method == "POST" and framework is not None:
        wanted = set(request.POST.getlist("fed"))
        try:
            with transaction.atomic():
                for leaf in leaves:
                    if leaf.code in by_ledger:
                        continue
                    kinds = request.POST.getlist(f"kinds-{leaf.code}")
                    if leaf.code in wanted:
                        duty_feed_set(
                            framework=framework,
                            indicator_code=leaf.code,
                            kinds=kinds,
                            active=True,
                            actor=user,
                        )
                    elif leaf.code in feeds:
                        duty_feed_set(
                            framework=framework,
                            indicator_code=leaf.code,
                            kinds=list(feeds[leaf.code].kinds or []),
                            active=False,
                            actor=user,
                        )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Saved the indicators fed by fulfilment."))
            return redirect(f"{reverse('duties:feeds')}?{query}")
    rows = []
    for leaf in leaves:
        feed = feeds.get(leaf.code)
        counted = list(feed.kinds or []) if feed is not None else []
        rows.append(
            {
                "leaf": leaf,
                "by_ledger": leaf.code in by_ledger,
                "fed": feed is not None and feed.active,
                "kinds": [(kind, SubjectKind(kind).label, kind in counted) for kind in UNIT_KINDS],
            }
        )
    context = {"frameworks": frameworks, "framework": framework, "rows": rows, "query": query}
    return render(request, "duties/boards/feeds.html", context)
