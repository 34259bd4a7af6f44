"""Background tasks of the reports app, run by the Huey worker (``manage.py run_huey``;
docs/reports-batches.md). Huey's Django integration finds this module in every
installed app."""

from __future__ import annotations

from django.db import connections
from huey.contrib.djhuey import db_task

from qingfeng.reports.batches import batch_run


@db_task()
def run_batch(batch_id: int, language: str = "", part: int = 0, parts: int = 1) -> None:
    """Generate part ``part`` of ``parts`` of the batch ``batch_id``
    (``batches.batch_run``), its failures worded in ``language`` (the starter's)."""
    try:
        batch_run(batch_id, language=language, part=part, parts=parts)
    finally:
        # A batch is a long task, rarely followed by another soon: give this worker's
        # database connections back rather than keep them idle (connections are per
        # thread, so this closes only the worker's own).
        connections.close_all()
