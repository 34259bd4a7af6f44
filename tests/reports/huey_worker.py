"""A real Huey worker inside the test process, for the tests of background batches.

``huey_worker`` starts the consumer of the project's own Huey instance (djhuey's
``HUEY``: under pytest a queue file of this process, see settings.HUEY) with worker
threads, and stops it after the test. Threads share the process, so the worker sees the
test database: it needs committed data, hence ``transactional_db`` (SQLite's shared
in-memory test database and PostgreSQL alike). Import the fixture into a test module
(``from tests.reports.huey_worker import huey_worker``) to use it.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from qingfeng.reports.models import BatchStatus, ReportBatch

# Huey's consumer installs handlers for these when it starts; the test process gets its
# own back when the worker stops.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@pytest.fixture
def huey_worker(transactional_db: None) -> Iterator[Any]:
    """A running Huey consumer (two worker threads) for the length of one test."""
    from huey.contrib.djhuey import HUEY

    HUEY.flush()  # nothing left over from an earlier test of this process
    consumer = HUEY.create_consumer(
        workers=2,
        worker_type="thread",
        periodic=False,
        initial_delay=0.05,
        max_delay=0.2,  # an idle worker polls the queue often: tests wait less
        check_worker_health=False,
    )
    handlers = {number: signal.getsignal(number) for number in SIGNALS}
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)
        HUEY.flush()


def wait_for(
    batch: ReportBatch, *, timeout: float = 120, until: Callable[[ReportBatch], bool] | None = None
) -> ReportBatch:
    """``batch`` read again until it is done (or ``until`` holds); fails after ``timeout``."""
    until = until or (lambda b: b.status == BatchStatus.DONE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if until(batch):
            return batch
        time.sleep(0.05)
    pytest.fail(f"batch still {batch.status} ({batch.done}/{batch.total}) after {timeout} s")
