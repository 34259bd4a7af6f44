"""The completeness rules from the database to the snapshot (docs/completeness.md): which
cells are tracked, when a collection period is due, what counts as reported, and the
strict rule, with the numbers worked out by hand."""

from __future__ import annotations

import datetime

import pytest

from qingfeng.framework.models import Indicator, UnreportedRule
from qingfeng.lib.periods import Period
from qingfeng.records.models import (
    NilReturn,
    NilReturnStatus,
    NilReturnUnit,
    PeriodStatus,
    RecordStatus,
)
from qingfeng.records.periods import new_collection_period
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
from tests.conftest import Org, Scored, record

# The `scored` framework's nodes in tree order: A, A1 (deduct 30), A2 (bonus 30), B,
# B1 (survey 40), B2 (veto).
A1, A2 = 1, 2


@pytest.fixture
def tracked(org: Org, scored: Scored) -> Scored:
    """A1 and A2 name county A's station: it answers for A1, A1-1 and A2, not for B1."""
    Indicator.objects.filter(version=scored.version, code__in=["A1", "A2"]).update(
        station=org.station_a
    )
    return scored


def collection(scored: Scored, period: str, **fields: object) -> None:
    made = new_collection_period(
        framework=scored.framework, period=Period.parse(period), status=PeriodStatus.CLOSED
    )
    for name, value in fields.items():
        setattr(made, name, value)
    made.save()


def nil(org: Org, scored: Scored, code: str, period: str, units: list, status: str) -> None:
    header = NilReturn.objects.create(
        framework=scored.framework,
        indicator_code=code,
        period=period,
        station=org.station_a,
        status=status,
    )
    NilReturnUnit.objects.bulk_create(
        NilReturnUnit(
            nil_return=header,
            unit=unit,
            framework=scored.framework,
            period=period,
            indicator_code=code,
        )
        for unit in units
    )


def snapshots(scored: Scored, period: str) -> dict[str, Snapshot]:
    period_recompute(framework=scored.framework, period=Period.parse(period))
    return {
        s.unit.code: s
        for s in Snapshot.objects.filter(version=scored.version, period=period).select_related(
            "unit"
        )
    }


def test_it_marks_what_nobody_reported_in_a_due_period(org: Org, tracked: Scored) -> None:
    collection(tracked, "2025Q3")
    record(tracked, org.unit_a1, "A1", "2025-08-01", quantity=1)
    nil(org, tracked, "A1", "2025Q3", [org.unit_a2], NilReturnStatus.APPROVED)
    nil(org, tracked, "A2", "2025Q3", [org.unit_a2], NilReturnStatus.APPROVED)
    # Submitted but not yet approved: it does not count.
    nil(org, tracked, "A1", "2025Q3", [org.unit_a1_sub], NilReturnStatus.SUBMITTED)

    found = snapshots(tracked, "2025Q3")

    assert found["A1"].nodes["unreported"] == [A2]
    assert found["A1"].completeness == 0.5
    assert found["A1-1"].nodes["unreported"] == [A1, A2]
    assert found["A1-1"].completeness == 0.0
    assert "unreported" not in found["A2"].nodes
    assert found["A2"].completeness == 1.0
    # County B's unit is outside the station's region: nobody answers for it there.
    assert "unreported" not in found["B1"].nodes
    assert found["B1"].completeness is None
    # The default rule moves no number: A1 scores 30 - 5 of 60 (A2 bonus 0).
    assert found["A1"].total == pytest.approx(25 / 60 * 100, abs=1e-4)


def test_nothing_is_marked_before_the_period_is_due(org: Org, tracked: Scored) -> None:
    future = datetime.date.today() + datetime.timedelta(days=5)
    collection(
        tracked,
        "2025Q3",
        status=PeriodStatus.OPEN,
        entry_deadline=future,
        review_deadline=future,
    )

    found = snapshots(tracked, "2025Q3")

    assert all("unreported" not in s.nodes for s in found.values())
    assert all(s.completeness is None for s in found.values())


def test_an_open_period_is_due_once_its_entry_deadline_has_passed(
    org: Org, tracked: Scored
) -> None:
    past = datetime.date.today() - datetime.timedelta(days=1)
    collection(
        tracked, "2025Q3", status=PeriodStatus.OPEN, entry_deadline=past, review_deadline=past
    )

    found = snapshots(tracked, "2025Q3")

    assert found["A2"].nodes["unreported"] == [A1, A2]


def test_a_longer_collection_period_counts_its_records_outside_the_period(
    org: Org, tracked: Scored
) -> None:
    # Collected by the year: A2's A1 record in February answers for the fourth quarter too.
    collection(tracked, "2025")
    record(tracked, org.unit_a2, "A1", "2025-02-10", quantity=1)
    record(tracked, org.unit_a1, "A1", "2025-02-10", status=RecordStatus.SUBMITTED)

    found = snapshots(tracked, "2025Q4")

    assert found["A2"].nodes["unreported"] == [A2]
    # A submitted record is not reported.
    assert found["A1"].nodes["unreported"] == [A1, A2]


def test_the_strict_rule_drops_the_unreported_leaves(org: Org, tracked: Scored) -> None:
    tracked.version.unreported_rule = UnreportedRule.STRICT
    tracked.version.save()
    collection(tracked, "2025Q3")
    record(tracked, org.unit_a1, "A1", "2025-08-01", quantity=1)

    found = snapshots(tracked, "2025Q3")

    # A1: 30 - 5 = 25 of 30 (A2 dropped; B1 not assessed; B2 carries no points).
    assert found["A1"].total == pytest.approx(25 / 30 * 100, abs=1e-4)
    assert found["A1"].applicable_max == 30
    assert found["A1"].nodes["score"][A2] is None
    # Nothing assessed at all for A2: no total, no rank.
    assert found["A2"].total is None
    assert found["A2"].rank is None
    # B1 is not tracked: it keeps the usual rule (A1 30 of 30 -> 100).
    assert found["B1"].total == pytest.approx(50.0)
