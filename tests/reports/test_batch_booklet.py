"""The problem booklet (问题清单): which problems a unit's and a region's booklet list, and
the template's sample naming exactly what the builder gives.

The world: the shared two-county organisation scored for 2025 (``results``); problems of
the ledger entered through its service, their entry dates set to when they were found.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from qingfeng.documents.samples import COMMON_SAMPLE, REPORT_SAMPLES
from qingfeng.documents.samples_booklet import BOOKLET_SAMPLES
from qingfeng.lib.documents import docx_text
from qingfeng.lib.periods import Period
from qingfeng.rectification import services as ledger
from qingfeng.rectification.models import Problem, ProblemSource, ProblemState
from qingfeng.reports.booklet import build
from qingfeng.reports.kinds import Subject
from qingfeng.reports.services import render_report
from tests.dashboard import conftest as dashboard_fixtures
from tests.dashboard.conftest import Results

pytestmark = pytest.mark.django_db
results = dashboard_fixtures.results
Q4 = Period.parse("2025Q4")


def problem(
    unit: Any,
    description: str,
    *,
    entered: str,
    source: str = ProblemSource.INSPECTION,
    closed: str | None = None,
    **fields: Any,
) -> Problem:
    """A problem of ``unit`` entered on ``entered`` (and closed on ``closed``)."""
    found = ledger.problem_create(
        actor=None,
        unit=unit,
        source=source,
        description=description,
        due=datetime.date(2026, 3, 31),
        **fields,
    )
    at = timezone.make_aware(datetime.datetime.fromisoformat(f"{entered}T10:00"))
    changes: dict[str, Any] = {"created_at": at}
    if closed:
        day = datetime.date.fromisoformat(closed)
        changes |= {
            "state": ProblemState.CLOSED,
            "closed_on": day,
            "closed_at": timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
        }
    Problem.objects.filter(pk=found.pk).update(**changes)
    found.refresh_from_db()
    return found


@pytest.fixture
def ledger_2025(results: Results) -> dict[str, Problem]:
    org = results.org
    return {
        # In 2025Q4's booklets: entered in the period, or still open in it.
        "a1_found": problem(org.unit_a1, "公车私用", entered="2025-10-05", problem_type="四风"),
        "a1_older": problem(
            org.unit_a1,
            "会议过多",
            entered="2025-08-01",
            source=ProblemSource.AUDIT,
            closed="2025-11-20",
        ),
        "a2": problem(org.unit_a2, "信访超期", entered="2025-11-01", source=ProblemSource.PETITION),
        "a1_sub": problem(org.unit_a1_sub, "食堂超标", entered="2025-12-31"),
        # Not in them: closed before the period, entered after it, another county.
        "a1_closed_before": problem(
            org.unit_a1, "早已整改", entered="2025-05-01", closed="2025-09-30"
        ),
        "a1_later": problem(org.unit_a1, "下期问题", entered="2026-01-02"),
        "b1": problem(org.unit_b1, "平顺问题", entered="2025-10-10"),
    }


def numbers(built: Any) -> list[str]:
    return [
        p["number"]
        for section in built.context["unit_sections"]
        for group in section["groups"]
        for p in group["problems"]
    ]


def test_a_units_booklet_lists_exactly_its_problems_of_the_period(
    results: Results, ledger_2025: dict[str, Problem]
) -> None:
    org = results.org
    subject = Subject(framework=results.scored.framework, period=Q4, region=org.county_a)
    built = build(
        subject=Subject(**{**subject.__dict__, "unit": org.unit_a1}), user=results.analyst
    )

    # A1's own (not its sub-unit's), in the period: by source, inspection before audit.
    assert numbers(built) == [ledger_2025["a1_found"].number, ledger_2025["a1_older"].number]
    assert [s["name"] for s in built.context["unit_sections"]] == ["黎城县教育局"]
    assert [g["source"] for g in built.context["unit_sections"][0]["groups"]] == ["巡察", "审计"]
    assert built.units == [org.unit_a1]
    assert built.title == "黎城县教育局问题清单"
    assert built.filename == "2025年第四季度黎城县教育局问题清单"
    states = {s["label"]: s["count"] for s in built.context["states"]}
    assert states["待整改"] == 1 and states["已销号"] == 1 and built.context["total"] == 2
    first = built.context["unit_sections"][0]["groups"][0]["problems"][0]
    assert first == {
        "index": 1,
        "number": ledger_2025["a1_found"].number,
        "type": "四风",
        "description": "公车私用",
        "due": "2026年3月31日",
        "state": "待整改",
        "overdue": first["overdue"],  # depends on today: the ledger's rule
        "measures": "尚未报送",
    }


def test_the_regions_booklet_lists_the_units_listed_and_no_other_county(
    results: Results, ledger_2025: dict[str, Problem]
) -> None:
    org = results.org
    subject = Subject(framework=results.scored.framework, period=Q4, region=org.county_a)
    built = build(subject=subject, user=results.analyst)

    expected = {ledger_2025[k].number for k in ("a1_found", "a1_older", "a2", "a1_sub")}
    assert set(numbers(built)) == expected
    assert set(built.units) == {org.unit_a1, org.unit_a1_sub, org.unit_a2}
    assert built.context["unit_count"] == 3 and built.context["total"] == 4

    # County B's analyst sees none of county A's ledger: an empty booklet.
    assert numbers(build(subject=subject, user=results.analyst_b)) == []


def test_the_document_reads_the_problems_in_chinese(
    results: Results, ledger_2025: dict[str, Problem]
) -> None:
    org = results.org
    subject = Subject(
        framework=results.scored.framework, period=Q4, region=org.county_a, unit=org.unit_a1
    )
    _, content = render_report(kind="booklet", subject=subject, user=results.analyst)
    text = docx_text(content)
    assert "黎城县教育局问题清单" in text and "（2025年第四季度）" in text
    assert "公车私用" in text and "会议过多" in text
    assert "早已整改" not in text and "下期问题" not in text and "食堂超标" not in text
    assert "巡察发现的问题" in text and "审计发现的问题" in text


def keys(value: Any) -> Any:
    """The key structure of a context: dicts by their keys, lists by their first item."""
    if isinstance(value, dict):
        return {key: keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [keys(value[0])] if value else []
    return None


def test_the_sample_names_exactly_what_the_builder_gives(
    results: Results, ledger_2025: dict[str, Problem]
) -> None:
    subject = Subject(framework=results.scored.framework, period=Q4, region=results.org.county_a)
    built = build(subject=subject, user=results.analyst)
    assert keys(built.context) == keys(BOOKLET_SAMPLES["booklet"])
    assert (
        REPORT_SAMPLES["booklet"].keys() == BOOKLET_SAMPLES["booklet"].keys() | COMMON_SAMPLE.keys()
    )
