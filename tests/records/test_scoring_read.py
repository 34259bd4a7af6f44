"""What scoring reads of the records (``records.selectors.records_for_scoring``): on
PostgreSQL the columns come packed by the database, on SQLite row by row; both must hand
over exactly the approved records of the period, value for value."""

from __future__ import annotations

from qingfeng.lib.periods import Period
from qingfeng.records.models import RecordStatus
from qingfeng.records.selectors import records_for_scoring
from qingfeng.scoring.inputs import ABSENT
from tests.conftest import Org, Scored, record


def test_it_reads_the_approved_records_of_the_period_value_for_value(
    org: Org, scored: Scored
) -> None:
    kept = [
        record(scored, org.unit_a1, "A1", "2025-01-01", quantity=2.5, points=-0.125),
        record(scored, org.unit_a2, "A2", "2025-03-31", grade="一等"),
        record(scored, org.unit_b1, "B1", "2025-02-14", value=1e-7),
        record(scored, org.unit_b1, "B1", "2025-02-15", value=123456789.25, quantity=0.0),
    ]
    record(scored, org.unit_a1, "A1", "2025-04-01", quantity=1)  # the next quarter
    record(scored, org.unit_a1, "A1", "2025-02-01", quantity=1, status=RecordStatus.RETURNED)

    columns = records_for_scoring(framework=scored.framework, period=Period.parse("2025Q1"))

    rows = sorted(
        zip(
            (int(i) for i in columns.id),
            (int(u) for u in columns.unit),
            columns.code,
            (float(p) for p in columns.points),
            (float(q) for q in columns.quantity),
            (float(v) for v in columns.value),
            columns.grade,
            strict=True,
        )
    )

    def number(value: float | None) -> float:
        return ABSENT if value is None else value

    assert rows == sorted(
        (
            r.pk,
            r.unit_id,
            r.indicator_code,
            number(r.points),
            number(r.quantity),
            number(r.value),
            r.grade,
        )
        for r in kept
    )
