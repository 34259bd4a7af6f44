"""Writes of campaigns (专项整治): creating one and attaching common problems to it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.lib.history import save_validated
from qingfeng.org.models import Region, Unit, path_within
from qingfeng.rectification.models import Campaign, Problem

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


@transaction.atomic
def campaign_create(
    *,
    region: Region,
    name: str,
    actor: User | None,
    description: str = "",
    problem_type: str = "",
    departments: Iterable[Unit] = (),
    due: datetime.date | None = None,
) -> Campaign:
    """Create a campaign of ``region`` with its responsible departments (units of the
    region's subtree); ValidationError when the name is empty or a department lies
    outside the region."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the campaign.")})
    departments = list(departments)
    outside = [u.name for u in departments if not path_within(u.region.path, region.path)]
    if outside:
        raise ValidationError(
            {
                "departments": _("Not in %(region)s: %(units)s")
                % {"region": region.name, "units": "、".join(outside)}
            }
        )
    campaign = Campaign(
        region=region,
        name=name,
        description=description.strip(),
        problem_type=problem_type,
        due=due,
        created_by=actor,
    )
    save_validated(campaign, actor)
    campaign.departments.set(departments)
    return campaign


@transaction.atomic
def campaign_attach(*, campaign: Campaign, problems: Iterable[Problem], actor: User | None) -> int:
    """Attach ``problems`` (common problems of the campaign's region) to ``campaign``;
    each change is in the problem's history. All or nothing: a problem outside the
    region refuses the lot. Returns how many changed (those already attached count not)."""
    problems = list(problems)
    top = campaign.region.path
    outside = [p.number for p in problems if not path_within(p.unit.region.path, top)]
    if outside:
        raise ValidationError(
            _("Not in the campaign's region: %(numbers)s") % {"numbers": ", ".join(outside)}
        )
    changed = 0
    for problem in problems:
        if problem.campaign_id == campaign.pk:
            continue
        problem.campaign = campaign
        save_validated(problem, actor)
        changed += 1
    return changed
