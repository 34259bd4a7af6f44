"""The warning register kept in step with the scores: what a sync stores, that a unit
rising out of its band clears its warning (keeping its response), that a second sync
changes nothing, the ranking rule, the command, and a history row for every change.

Built on the analysis fixture (``tests/dashboard/conftest.py``: framework T over four
quarters of 2025, every quarter recomputed, hence synced)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qingfeng.lib.periods import Period
from qingfeng.monitoring.models import (
    Response,
    ResponseKind,
    Warning,
    WarningPolicy,
    WarningState,
)
from qingfeng.monitoring.services import warnings_sync
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
from tests.conftest import record
from tests.dashboard import conftest as dashboard_fixtures
from tests.dashboard.conftest import Results

results = dashboard_fixtures.results
pytestmark = pytest.mark.django_db
Q1 = Period.parse("2025Q1")


def _keys(**filters: object) -> set[tuple[str, str, str, str]]:
    return {
        (w.unit.code, w.node_code, w.kind, w.band)
        for w in Warning.objects.filter(**filters).select_related("unit")
    }


def test_every_recompute_synced_the_register(results: Results) -> None:
    # T's quarters of 2025 have ended: each recompute filled its register.
    periods = set(Warning.objects.values_list("period", flat=True))
    assert periods == {"2025Q1", "2025Q2", "2025Q3", "2025Q4"}
    a1 = results.org.unit_a1
    # A1 is vetoed in 2025Q4 (B2): one veto warning for its total, most severe of all.
    veto = Warning.objects.get(period="2025Q4", unit=a1, node_code="")
    assert veto.kind == "veto"
    assert veto.severity == Warning.objects.filter(period="2025Q4").order_by().first().severity
    assert veto.severity > max(
        Warning.objects.filter(period="2025Q4", kind="band").values_list("severity", flat=True)
    )
    # Every stored warning is active and has its creation in the history.
    assert not Warning.objects.exclude(state=WarningState.ACTIVE).exists()
    created = Warning.history.filter(history_type="+").values_list("id", flat=True)
    assert set(created) == set(Warning.objects.values_list("pk", flat=True))


def test_a_second_sync_changes_nothing(results: Results) -> None:
    before = (Warning.objects.count(), Warning.history.count())
    rows = {w.pk: (w.score, w.band, w.state, w.synced_at) for w in Warning.objects.all()}
    for quarter in dashboard_fixtures.QUARTERS:
        result = warnings_sync(framework=results.scored.framework, period=Period.parse(quarter))
        assert result.synced and result.changed == 0 and result.unchanged > 0
    assert (Warning.objects.count(), Warning.history.count()) == before
    assert rows == {w.pk: (w.score, w.band, w.state, w.synced_at) for w in Warning.objects.all()}


def test_a_sync_reads_snapshots_stored_before_their_level_one_lists(results: Results) -> None:
    # Snapshots stored before ``level_one`` existed: the level-1 warnings come from
    # ``nodes`` and are the same, so the sync finds nothing to change.
    stored = Warning.objects.filter(period="2025Q1").exclude(node_code="")
    assert stored.exists()
    Snapshot.objects.filter(period="2025Q1").update(level_one=None)
    result = warnings_sync(framework=results.scored.framework, period=Q1)
    assert result.synced and result.changed == 0 and result.unchanged > stored.count()


def test_a_unit_rising_out_of_its_band_is_cleared_and_keeps_its_response(
    results: Results,
) -> None:
    a2 = results.org.unit_a2
    # In 2025Q1 A2's indicator A (no award: 30 of 60) is in the red band.
    warning = Warning.objects.get(period="2025Q1", unit=a2, node_code="A")
    assert (warning.band, warning.state) == ("red", WarningState.ACTIVE)
    response = Response.objects.create(
        warning=warning, kind=ResponseKind.ADMONITION, issued_by=results.analyst
    )
    # Three first-class awards bring A to 60 of 60: out of every band.
    for day in ("2025-02-11", "2025-02-12", "2025-02-13"):
        record(results.scored, a2, "A2", day, grade="一等", note="表彰")
    result = period_recompute(framework=results.scored.framework, period=Q1)
    assert result.warnings.cleared >= 1
    warning.refresh_from_db()
    assert warning.state == WarningState.CLEARED and warning.cleared_at is not None
    assert list(warning.responses.all()) == [response]
    changes = list(warning.history.order_by("history_date", "history_id"))
    assert [h.history_type for h in changes] == ["+", "~"]
    assert (changes[0].state, changes[1].state) == ("active", "cleared")
    # The history row of the change is the whole warning as it now stands.
    assert (changes[1].raised_at, changes[1].node_name, changes[1].unit_id) == (
        warning.raised_at,
        warning.node_name,
        a2.pk,
    )
    assert changes[1].cleared_at == warning.cleared_at
    # Its award withdrawn, A2 falls back: the same warning is raised again.
    from qingfeng.records.models import Record

    Record.objects.filter(unit=a2, indicator_code="A2").delete()
    again = period_recompute(framework=results.scored.framework, period=Q1)
    assert again.warnings.reactivated >= 1
    warning.refresh_from_db()
    assert warning.state == WarningState.ACTIVE and warning.cleared_at is None
    assert list(warning.responses.all()) == [response]
    assert [h.state for h in warning.history.order_by("history_date", "history_id")] == [
        "active",
        "cleared",
        "active",
    ]


def test_a_changed_score_updates_the_warning_with_history(results: Results) -> None:
    a2 = results.org.unit_a2
    warning = Warning.objects.get(period="2025Q1", unit=a2, node_code="A")
    record(results.scored, a2, "A2", "2025-02-11", grade="二等", note="表彰")  # 36 of 60
    result = period_recompute(framework=results.scored.framework, period=Q1)
    assert result.warnings.updated >= 1
    warning.refresh_from_db()
    # 36 of 60 is no longer below 0.6: the warning moves to the yellow band.
    assert (warning.score, warning.band, warning.state) == (36.0, "yellow", "active")
    latest = warning.history.latest("history_date")
    assert (latest.history_type, latest.score) == ("~", 36.0)


def test_open_periods_and_other_kinds_are_not_registered(results: Results) -> None:
    framework = results.scored.framework
    half = warnings_sync(framework=framework, period=Period.parse("2025H1"))
    assert not half.synced and half.reason
    future = warnings_sync(framework=framework, period=Period.parse("2099Q1"))
    assert not future.synced and not Warning.objects.filter(period="2099Q1").exists()
    # A policy naming half-years: the half is synced, a quarter is left as it is.
    WarningPolicy.objects.create(version=results.scored.version, period_kind="H")
    assert period_recompute(framework=framework, period=Period.parse("2025H1")).warnings.synced
    assert Warning.objects.filter(period="2025H1").exists()
    assert not warnings_sync(framework=framework, period=Q1).synced


def test_the_call_in_rule_calls_in_the_last_units_of_each_category(results: Results) -> None:
    from qingfeng.scoring.models import Snapshot

    WarningPolicy.objects.create(version=results.scored.version, call_in_last=1)
    warnings_sync(framework=results.scored.framework, period=Q1)
    called = Warning.objects.filter(period="2025Q1", kind="call_in")
    snapshots = Snapshot.objects.filter(period="2025Q1", category_rank__isnull=False)
    last = {}
    for snapshot in snapshots:
        best = last.get(snapshot.category)
        if best is None or snapshot.category_rank > best.category_rank:
            last[snapshot.category] = snapshot
    assert {(w.unit_id, w.rank) for w in called} == {
        (s.unit_id, s.category_rank) for s in last.values()
    }
    # The rule withdrawn, the call-ins are cleared, not deleted.
    WarningPolicy.objects.filter(version=results.scored.version).update(call_in_last=None)
    warnings_sync(framework=results.scored.framework, period=Q1)
    assert set(called.values_list("state", flat=True)) == {"cleared"}


def test_the_command_syncs_and_says_so(results: Results) -> None:
    period_recompute(framework=results.scored.framework, period=Period.parse("2025H1"))
    Warning.history.all().delete()
    Warning.objects.all().delete()
    out = StringIO()
    call_command("sync_warnings", "--framework", "T", "--period", "2025Q1", stdout=out)
    assert "2025年第一季度" in out.getvalue() and "新增预警" in out.getvalue()
    assert set(Warning.objects.values_list("period", flat=True)) == {"2025Q1"}
    out = StringIO()
    call_command("sync_warnings", "--framework", "T", "--all", stdout=out)
    text = out.getvalue()
    assert "2025年上半年" in text and "未同步" in text  # halves are not of the policy's kind
    assert set(Warning.objects.values_list("period", flat=True)) == {
        "2025Q1",
        "2025Q2",
        "2025Q3",
        "2025Q4",
    }
    with pytest.raises(CommandError):
        call_command("sync_warnings", "--framework", "NOPE", "--all", stdout=StringIO())
