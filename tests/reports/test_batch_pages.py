"""The batch pages without a worker: who sees a batch, the progress part htmx polls, the
form's refusals, and the task queued only once the batch is committed.

The world: the two-county organisation scored for 2025 (``results``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from qingfeng.accounts.roles import Role
from qingfeng.lib.periods import Period
from qingfeng.reports import batches
from qingfeng.reports.models import BatchStatus, ReportBatch
from tests.conftest import client_for, english, make_user
from tests.dashboard import conftest as dashboard_fixtures
from tests.dashboard.conftest import Results

pytestmark = pytest.mark.django_db
results = dashboard_fixtures.results


def a_batch(results: Results, **fields: Any) -> ReportBatch:
    values: dict[str, Any] = {
        "kind": "booklet",
        "framework": results.scored.framework,
        "period": "2025Q4",
        "region": results.org.county_a,
        "status": BatchStatus.RUNNING,
        "total": 3,
        "done": 1,
        "created_by": results.analyst,
    } | fields
    return ReportBatch.objects.create(**values)


def test_the_progress_part_shows_done_of_total_and_polls_while_running(results: Results) -> None:
    batch = a_batch(results)
    client = client_for(results.analyst)
    url = reverse("reports:batch", args=[batch.pk])

    part = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part  # the part alone, for htmx to swap in
    assert 'aria-valuenow="1"' in part and 'aria-valuemax="3"' in part
    assert "已完成 1 / 3 个单位" in part
    assert f'hx-get="{url}"' in part and 'hx-trigger="every 1s"' in part

    ReportBatch.objects.filter(pk=batch.pk).update(done=3, status=BatchStatus.DONE)
    part = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "已完成 3 / 3 个单位" in part and "hx-trigger" not in part  # the poll stops
    assert reverse("reports:batch_zip", args=[batch.pk]) in part


def test_only_the_starter_and_the_regions_makers_see_a_batch(results: Results) -> None:
    batch = a_batch(results)
    commission_a = make_user("commission_a", Role.COMMISSION_ADMIN, region=results.org.county_a)
    outsiders = [results.analyst_b, results.liaison, make_user("nobody")]
    for name in ("reports:batch", "reports:batch_zip"):
        url = reverse(name, args=[batch.pk])
        assert client_for(results.analyst).get(url).status_code == 200
        assert client_for(commission_a).get(url).status_code == 200
        for user in outsiders:
            assert client_for(user).get(url).status_code == 404, (name, user)
    resume = reverse("reports:batch_resume", args=[batch.pk])
    assert client_for(results.analyst_b).post(resume).status_code == 404
    # The form is for makers of reports over a region.
    assert client_for(results.liaison).get(reverse("reports:batch_new")).status_code == 404


def test_the_form_refuses_what_a_batch_cannot_make(results: Results) -> None:
    client = english(client_for(results.analyst))
    url = reverse("reports:batch_new")
    base = {"kind": "booklet", "framework": "T", "region": "C1-A"}

    page = client.post(url, base | {"period": "2024Q4"}).content.decode()
    assert "Select a valid choice" in page  # only periods with scores are offered
    page = client.post(url, base | {"period": "2025Q4", "kind": "filing"}).content.decode()
    assert "Select a valid choice" in page  # a region report is no batch
    page = client.post(url, base | {"period": "2025Q4", "region": "C1-B"}).content.decode()
    assert "Select a valid choice" in page  # county B is not the analyst's
    assert not ReportBatch.objects.exists()


def test_a_batch_is_queued_once_it_is_committed(
    results: Results, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = batches.batch_start(
            kind="booklet",
            framework=results.scored.framework,
            period=Period.parse("2025Q4"),
            region=results.org.county_a,
            actor=results.analyst,
        )
    assert len(callbacks) == 1  # the task is queued by the commit, not before
    assert (batch.status, batch.total, batch.done) == (BatchStatus.QUEUED, 3, 0)
    assert batches.batch_kinds() == ["diagnosis", "booklet", "feedback_unit"]


def test_a_running_batch_is_not_interrupted_while_it_moves(results: Results) -> None:
    batch = a_batch(results)
    assert not batches.is_interrupted(batch)
    page = english(client_for(results.analyst)).get(reverse("reports:batch", args=[batch.pk]))
    assert "Run again" not in page.content.decode()
    response = client_for(results.analyst).post(reverse("reports:batch_resume", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING  # nothing queued twice


def test_a_batch_in_two_parts_is_done_when_the_last_part_ends(
    results: Results, django_capture_on_commit_callbacks: Any
) -> None:
    # The parts run side by side on PostgreSQL; here one after the other, as the
    # worker's two tasks would end.
    with django_capture_on_commit_callbacks(execute=False):
        batch = batches.batch_start(
            kind="booklet",
            framework=results.scored.framework,
            period=Period.parse("2025Q4"),
            region=results.org.county_a,
            actor=results.analyst,
            parts=2,
        )
    first = batches.batch_run(batch.pk, part=0, parts=2)
    assert first is not None
    assert (first.status, first.done, first.total) == (BatchStatus.RUNNING, 2, 3)  # A1, A2
    last = batches.batch_run(batch.pk, part=1, parts=2)
    assert last is not None
    assert (last.status, last.done, last.failures) == (BatchStatus.DONE, 3, [])
    assert last.finished_at is not None
    assert {r.unit.code for r in last.reports.all()} == {"A1", "A1-1", "A2"}
    assert batches.batch_run(batch.pk) is None  # a task delivered twice does nothing


def test_units_out_of_the_starters_scope_by_the_run_are_listed_as_failures(
    results: Results, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False), translation.override("en"):
        batch = batches.batch_start(
            kind="booklet",
            framework=results.scored.framework,
            period=Period.parse("2025Q4"),
            region=results.org.county_a,
            actor=results.analyst,
        )
    # The analyst leaves county A before the worker takes the batch.
    results.analyst.assignments.all().delete()

    done = batches.batch_run(batch.pk, language="en")

    assert done is not None and (done.status, done.done, done.total) == (BatchStatus.DONE, 3, 3)
    assert [f["unit"] for f in done.failures] == ["A1", "A1-1", "A2"]
    assert {f["error"] for f in done.failures} == {"This unit is no longer in your scope."}
    assert not done.reports.exists()
