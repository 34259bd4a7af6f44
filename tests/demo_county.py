"""The demo county (``manage.py seed_demo``), seeded once per test process and shared.

Seeding the demo county takes seconds (a hundred units, eight quarters of records, every
period scored), so the tests that only need *a* seeded demo share one: it is seeded inside
a transaction that stays open, and each test runs inside it in its own savepoint (as
pytest-django's ``TestCase`` wrapping does), so whatever a test writes is rolled back and
the next test sees the demo as seeded.

That open transaction must never reach a test that expects an empty database. Two things
ensure it (see ``tests/conftest.py``):

* the tests using the ``demo_county`` fixture run first (``pytest_collection_modifyitems``):
  in a serial run, and on each ``pytest -n`` worker (whose tests arrive in collection
  order, the first chunk to one worker), the demo is seeded at most once, its tests run,
  and it is rolled back for good before the first other test;
* whatever the order, before any other test is set up the demo transaction is rolled back
  (``pytest_runtest_setup``), and the next demo test seeds it again: slower, never wrong.

Tests running in transactions of their own (``transaction=True``, ``live_server``: the
browser tests) cannot share it; they seed the demo themselves if they need it.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from typing import Any, ClassVar

from django.core.management import call_command
from django.db import transaction

# Not the default demo password, so the tests prove ``seed_demo --password`` is honoured.
DEMO_PASSWORD = "demo-password-in-tests"
DEMO_SEED = 2026  # seed_demo's default: the demo users see


@dataclass
class DemoCounty:
    """What the shared seeding printed, and how it was called."""

    output: str
    seed: int = DEMO_SEED
    password: str = DEMO_PASSWORD


def seed_demo(*args: str) -> str:
    """Run ``manage.py seed_demo`` with ``args``; returns what it printed."""
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


class SharedDemo:
    """The shared demo county and the open transaction holding it."""

    current: ClassVar[SharedDemo | None] = None  # this process's, while the session lasts

    def __init__(self, blocker: Any) -> None:
        self.blocker = blocker  # pytest-django's django_db_blocker
        self.atomic: Any = None
        self.county: DemoCounty | None = None
        self.seedings = 0  # how often this process seeded it (1 unless tests interleave)

    @property
    def open(self) -> bool:
        return self.atomic is not None

    def seed(self) -> DemoCounty:
        """Open the transaction and seed the demo in it (once, unless rolled back since)."""
        if self.county is not None and self.open:
            return self.county
        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            try:
                output = seed_demo("--seed", str(DEMO_SEED), "--password", DEMO_PASSWORD)
            except BaseException:
                self.roll_back()
                raise
        self.seedings += 1
        self.county = DemoCounty(output=output)
        return self.county

    def roll_back(self) -> None:
        """Roll the demo back: the database is empty again."""
        if self.atomic is None:
            return
        atomic, self.atomic, self.county = self.atomic, None, None
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
