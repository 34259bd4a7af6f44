"""Keeping the scores up to date with the collected records: read the approved records
(``records.selectors.records_for_scoring``), score them and store the snapshots
(``scoring.services.score_period``). This lives with the records, not in scoring, so that
scoring does not depend on where its records come from."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.monitoring.services import warnings_sync
from qingfeng.records.completeness import reporting_for_scoring
from qingfeng.records.selectors import records_for_scoring
from qingfeng.records.tallies import problem_tallies_refresh
from qingfeng.scoring.services import RecomputeResult, score_period, touched_periods


@transaction.atomic
def period_recompute(*, framework: Framework, period: Period) -> RecomputeResult:
    """Recompute and store every unit's snapshot for ``period`` with the version in force,
    then sync the warning register of the period from them (``monitoring.services
    .warnings_sync``: it does nothing for an open period or one of another kind than the
    policy's), all in one transaction (see ``score_period``)."""
    result = score_period(
        framework=framework,
        period=period,
        read_records=records_for_scoring,
        read_reporting=reporting_for_scoring,
    )
    if result.version is not None:
        result.warnings = warnings_sync(framework=framework, period=period)
    return result


@transaction.atomic
def recompute_after_change(
    *,
    framework: Framework,
    dates: Iterable[datetime.date],
    units: Iterable[int] | None = None,
) -> list[Period]:
    """Recompute the periods touched by records dated on ``dates``: the quarter, half and
    year containing each date, and its month when that month has been scored before; the
    recomputed periods are returned in order. The problem tallies of those months are
    recounted too (only ``units``' rows when given: the units whose records changed).
    Atomic, so the periods are all recomputed or none; callers run it inside the
    transaction that changed the records, so the records, their scores and the tallies
    commit together."""
    dates = set(dates)
    problem_tallies_refresh(framework=framework, dates=dates, units=units)
    ordered = touched_periods(framework=framework, dates=dates)
    for period in ordered:
        period_recompute(framework=framework, period=period)
    return ordered
