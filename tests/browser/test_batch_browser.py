"""A batch of the demo county's units in a real browser: the commission starts "generate
for every unit", the progress bar moves (htmx polling the batch page), and it ends with
the .zip of every unit's document; the worker is a real Huey consumer in this process.

The batch is the one the issue names: the diagnosis of every scored unit of the demo
county for 2026H1. The demo has issued 县第一中学's already: that unit is listed as a
failure with the reason (an issued report cannot change) and the others come out."""

from __future__ import annotations

import importlib
import io
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings

from qingfeng.reports.models import BatchStatus, ReportBatch
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.demo_county import seed_demo
from tests.reports.huey_worker import huey_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The migrations that install rows (their installers are idempotent).
SHIPPED_ROWS = [
    ("qingfeng.duties.migrations.0002_shipped_defaults", "install"),
    ("qingfeng.records.migrations.0003_problem_types", "create"),
]


def shipped_rows() -> None:
    """The rows the migrations install (duty categories, problem types), which seeding
    the demo needs: an earlier test with transactions of its own flushed them."""
    for module, function in SHIPPED_ROWS:
        getattr(importlib.import_module(module), function)(apps, None)


__all__ = ["huey_worker"]  # the fixture this module uses

KIND = "diagnosis"
ISSUED_IN_THE_DEMO = "县第一中学"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_a_batch_of_the_demo_county_moves_and_ends_with_the_zip(
    live_server: Any, browser: Any, huey_worker: Any
) -> None:
    shipped_rows()
    seed_demo("--password", PASSWORD)
    context = browser.new_context(
        locale="zh-CN", accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    page = log_in(context.new_page(), live_server.url, "commission")
    page.goto(f"{live_server.url}/reports/batches/")
    page.select_option("#id_kind", KIND)
    page.select_option("#id_period", "2026H1")
    page.click("[data-testid=batch-form] button[type=submit]")

    bar = page.locator("[data-testid=batch-bar]")
    seen: list[int] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        seen.append(int(bar.get_attribute("aria-valuenow") or 0))
        if page.locator("[data-testid=batch-zip]").count():
            break
        time.sleep(0.3)
    batch = ReportBatch.objects.get()
    assert batch.status == BatchStatus.DONE
    assert [(f["name"], f["error"]) for f in batch.failures] == [
        (ISSUED_IN_THE_DEMO, "该报告已印发，不能再修改。")
    ]
    assert ISSUED_IN_THE_DEMO in page.locator("[data-testid=batch-failures]").inner_text()
    moving = sorted(set(seen) - {0, batch.total})
    assert len(moving) >= 2, f"the bar did not move through the batch: {seen}"
    assert seen == sorted(seen)  # never backwards
    assert int(bar.get_attribute("aria-valuenow") or 0) == batch.total == 112
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "batch_browser.png"))

    with page.expect_download() as download:
        page.click("[data-testid=batch-zip]")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = archive.namelist()
    assert len(names) == len(set(names)) == batch.total - 1
    assert all(name.endswith("2026年上半年政治生态诊断书.docx") for name in names)
    assert download.value.suggested_filename.endswith(".zip")
    context.close()
