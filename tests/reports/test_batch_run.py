"""Batches through the real Huey worker (a consumer in this process, ``huey_worker``):
every unit of county A comes out, a unit whose report cannot change is listed with its
error while the others still come out, and the .zip holds one .docx per unit made.

The world: the two-county organisation scored for 2025 (``results``); county A's
analyst starts a batch of problem booklets for 2025Q4 (units A1, A1-1, A2).
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from docx import Document

from qingfeng.lib.periods import Period
from qingfeng.reports import batches
from qingfeng.reports.batches import retrying_locks
from qingfeng.reports.kinds import Subject
from qingfeng.reports.models import BatchStatus, Report, ReportBatch, ReportStatus
from qingfeng.reports.services import report_generate
from tests.conftest import client_for, english
from tests.dashboard import conftest as dashboard_fixtures
from tests.dashboard.conftest import Results
from tests.reports.huey_worker import huey_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
results = dashboard_fixtures.results
__all__ = ["huey_worker", "results"]  # fixtures this module uses
Q4 = Period.parse("2025Q4")


def start(results: Results, **options: object) -> ReportBatch:
    """County A's analyst starts the booklets of 2025Q4 through the page (in English)."""
    client = english(client_for(results.analyst))
    response = client.post(
        reverse("reports:batch_new"),
        {"kind": "booklet", "framework": "T", "period": "2025Q4", "region": "C1-A", **options},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ReportBatch.objects.get()


def test_a_batch_runs_through_the_worker_and_every_unit_comes_out(
    results: Results, huey_worker: object
) -> None:
    batch = wait_for(start(results))

    org = results.org
    assert (batch.total, batch.done, batch.failures) == (3, 3, [])
    assert batch.finished_at is not None
    made = Report.objects.filter(batch=batch)
    assert {r.unit for r in made} == {org.unit_a1, org.unit_a1_sub, org.unit_a2}
    assert all(r.status == ReportStatus.DRAFT and r.kind == "booklet" for r in made)

    client = client_for(results.analyst)
    page = client.get(reverse("reports:batch", args=[batch.pk])).content.decode()
    assert "黎城县教育局问题清单" in page and "下载 3 份文档（.zip）" in page
    response = client.get(reverse("reports:batch_zip", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(
        f"2025年第四季度{name}问题清单.docx"
        for name in ("黎城县教育局", "黎城县第一中学", "黎侯镇")
    )
    for name in archive.namelist():
        Document(io.BytesIO(archive.read(name)))  # each opens in python-docx
    assert "2025%E5%B9%B4" in response["Content-Disposition"]  # 2025年…, named in Chinese


def test_a_unit_that_fails_is_listed_with_its_error_and_the_others_come_out(
    results: Results, huey_worker: object
) -> None:
    org = results.org
    # A2's booklet was issued already: it is frozen, the batch cannot replace it.
    subject = Subject(
        framework=results.scored.framework, period=Q4, region=org.county_a, unit=org.unit_a2
    )
    issued = report_generate(kind="booklet", subject=subject, actor=results.analyst)
    Report.objects.filter(pk=issued.pk).update(status=ReportStatus.ISSUED)

    batch = wait_for(start(results))

    assert (batch.total, batch.done) == (3, 3)
    assert batch.failures == [
        {"unit": "A2", "name": "黎侯镇", "error": "This report is issued: it cannot change."}
    ]
    assert {r.unit for r in batch.reports.all()} == {org.unit_a1, org.unit_a1_sub}
    page = english(client_for(results.analyst)).get(reverse("reports:batch", args=[batch.pk]))
    text = page.content.decode()
    assert "黎侯镇" in text and "This report is issued: it cannot change." in text
    assert "1 unit failed" in text
    response = client_for(results.analyst).get(reverse("reports:batch_zip", args=[batch.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 2


def test_an_interrupted_batch_runs_again_skipping_the_units_made(
    results: Results, huey_worker: object
) -> None:
    org = results.org
    # A worker died after A1's booklet: the batch stayed "running" and stopped moving.
    batch = ReportBatch.objects.create(
        kind="booklet",
        framework=results.scored.framework,
        period="2025Q4",
        region=org.county_a,
        status=BatchStatus.RUNNING,
        total=3,
        done=1,
        created_by=results.analyst,
    )
    subject = Subject(
        framework=results.scored.framework, period=Q4, region=org.county_a, unit=org.unit_a1
    )
    first = report_generate(
        kind="booklet", subject=subject, actor=results.analyst, batch_id=batch.pk
    )
    long_ago = timezone.now() - batches.STALE_AFTER - datetime.timedelta(minutes=1)
    ReportBatch.objects.filter(pk=batch.pk).update(created_at=long_ago)
    Report.objects.filter(pk=first.pk).update(generated_at=long_ago)

    client = english(client_for(results.analyst))
    page = client.get(reverse("reports:batch", args=[batch.pk])).content.decode()
    assert "interrupted" in page and "Run again" in page
    assert "hx-trigger" not in page  # an interrupted batch is not polled

    client.post(reverse("reports:batch_resume", args=[batch.pk]))
    batch = wait_for(batch)

    assert (batch.total, batch.done, batch.failures) == (3, 3, [])
    assert batch.reports.count() == 3
    first.refresh_from_db()
    assert first.generated_at == long_ago  # made before the interruption, not again


def test_it_tries_a_unit_again_when_sqlite_says_locked() -> None:
    attempts: list[int] = []

    def make() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("database table is locked: reports_report")
        return "made"

    assert retrying_locks(make) == "made" and len(attempts) == 3

    def broken() -> str:
        raise OperationalError("no such table: reports_report")

    with pytest.raises(OperationalError, match="no such table"):
        retrying_locks(broken)
