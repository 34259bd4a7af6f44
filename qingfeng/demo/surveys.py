"""The demo's surveys and evaluations (issue 16), in one call each way: the satisfaction
campaign of 2026Q3 with its simulated answers (``surveys_campaign``, which also imports
the demo questionnaire), the democratic evaluation of two teams (``surveys_appraisal``)
and the towns-rate-departments cross evaluation (``surveys_cross``); all left open, so a
user can watch the board, type in a slip and close them into the scores."""

from __future__ import annotations

from qingfeng.demo.surveys_appraisal import demo_appraisals_reset, seed_appraisal
from qingfeng.demo.surveys_campaign import demo_campaign_reset, seed_campaign
from qingfeng.demo.surveys_cross import reset_cross, seed_cross
from qingfeng.org.models import Region


def demo_surveys_create(*, region: Region, seed: int) -> dict[str, int]:
    """The demo county's three instruments; what each made (responses, slips cast,
    ratings)."""
    return {
        "responses": seed_campaign(county=region, seed=seed),
        "slips": seed_appraisal(region),
        "ratings": seed_cross(region, seed=seed),
    }


def demo_surveys_reset() -> None:
    """Delete every instrument and questionnaire before the units, people, regions,
    frameworks and users they refer to."""
    reset_cross()
    demo_appraisals_reset()
    demo_campaign_reset()
