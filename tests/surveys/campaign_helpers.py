"""Helpers of the campaign tests: responses with given scores, units of a headcount."""

from __future__ import annotations

from django.utils import timezone

from qingfeng.org import services as org_services
from qingfeng.org.models import Region, Unit, UnitCategory
from qingfeng.surveys.models import Campaign, SurveyResponse


def respond(campaign: Campaign, unit: Unit, *scores: float | None) -> None:
    """Store one response per score through ``unit``'s link (the answers do not matter
    to the close: it reads the stored scores)."""
    link = campaign.links.get(unit=unit)
    SurveyResponse.objects.bulk_create(
        SurveyResponse(link=link, answers={"q1": 3}, score=score, submitted_at=timezone.now())
        for score in scores
    )


def unit_of(region: Region, category: UnitCategory, code: str, headcount: int) -> Unit:
    """An active unit of ``region`` with ``headcount`` people."""
    return org_services.unit_save(
        unit=Unit(
            code=code, name=f"单位{code}", category=category, region=region, headcount=headcount
        )
    )
