"""Helpers of the answering and feedback tests: a valid set of posted answers for the
shared questionnaire (tests/surveys/conftest.py) and the public URLs of a link."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.urls import reverse

from qingfeng.surveys.models import SurveyLink


def survey_url(link: SurveyLink | str) -> str:
    """``/s/<token>/`` of a link (or of a bare token)."""
    token = link if isinstance(link, str) else link.token
    return reverse("answer:survey", kwargs={"token": token})


def thanks_url(link: SurveyLink) -> str:
    return reverse("answer:survey_thanks", kwargs={"token": link.token})


def posted(
    q1: Any = "4", q2: Any = "1", q3: Any = ("1", "2"), q4: Any = "服务态度好"
) -> dict[str, Any]:
    """A form's POST for the shared questionnaire (None leaves a question out)."""
    data = {"q1": q1, "q2": q2, "q3": list(q3) if q3 is not None else None, "q4": q4}
    return {key: value for key, value in data.items() if value is not None}


def clear_rate_limit() -> None:
    """Forget the per-link answer counts (the cache outlives a test's transaction)."""
    cache.clear()
