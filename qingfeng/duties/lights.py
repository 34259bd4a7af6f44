"""The lights of the two-responsibilities platform (绿、黄、红、橙灯): one rule, computed on
read from a due's date, the day its required count was reached and today.

- grey (灰): not yet due, and not within the warning window;
- green (绿): done by the due date;
- yellow (黄): not done, and due within ``YELLOW_DAYS`` days (today included);
- red (红): not done, and the due date has passed;
- orange (橙): done after the due date, i.e. after it was red.

The rule exists twice, in the same place: ``light`` for one due in Python, and
``light_case`` as a SQL ``CASE`` for boards that count a province's dues in the database;
a test holds them equal on every boundary.

Which day a task counts as done: each fulfilment record counts from the later of the day
the work was done and the day it was recorded (``effective_date``), and the due is done on
the day its ``required``-th record counts (``completion_date``). A record entered after the
due date therefore turns a red light orange, never green: the light a leader saw yesterday
is never rewritten.

Pure Python (dates only, no database) but for ``light_case``, which builds an expression.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

# A due comes into the yellow window this many days before its date (due − 7 is yellow,
# due − 8 still grey).
YELLOW_DAYS = 7


class Light(models.TextChoices):
    """A due's light; the order is the order boards show them in."""

    RED = "red", _("red")
    ORANGE = "orange", _("orange")
    YELLOW = "yellow", _("yellow")
    GREEN = "green", _("green")
    GREY = "grey", _("grey")


def light(*, due: datetime.date, completed_on: datetime.date | None, today: datetime.date) -> Light:
    """The light of a due on ``today``. A completion after today (impossible through the
    services, which refuse future dates) is treated as not done yet."""
    if completed_on is not None and completed_on <= today:
        return Light.GREEN if completed_on <= due else Light.ORANGE
    if today > due:
        return Light.RED
    if (due - today).days <= YELLOW_DAYS:
        return Light.YELLOW
    return Light.GREY


def light_case(
    *, today: datetime.date, due: str = "due", completed_on: str = "completed_on"
) -> Case:
    """``light`` as a SQL expression over the fields ``due`` and ``completed_on`` (e.g. to
    count dues per light with ``values(...).annotate(Count)``)."""
    done = Q(**{f"{completed_on}__isnull": False, f"{completed_on}__lte": today})
    return Case(
        When(done & Q(**{f"{completed_on}__lte": models.F(due)}), then=Value(Light.GREEN.value)),
        When(done, then=Value(Light.ORANGE.value)),
        When(Q(**{f"{due}__lt": today}), then=Value(Light.RED.value)),
        When(
            Q(**{f"{due}__lte": today + datetime.timedelta(days=YELLOW_DAYS)}),
            then=Value(Light.YELLOW.value),
        ),
        default=Value(Light.GREY.value),
        output_field=models.CharField(),
    )


def effective_date(*, done_on: datetime.date, recorded_on: datetime.date) -> datetime.date:
    """The day a fulfilment record counts from: the later of done and recorded."""
    return max(done_on, recorded_on)


def completion_date(dates: Iterable[datetime.date], *, required: int) -> datetime.date | None:
    """The day the ``required``-th record counts (``dates`` are the records' effective
    dates, in any order); None while there are fewer."""
    ordered = sorted(dates)
    return ordered[required - 1] if len(ordered) >= required else None


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


# The months that close each recurrence's windows.
_CLOSING_MONTHS = {
    "monthly": tuple(range(1, 13)),
    "quarterly": (3, 6, 9, 12),
    "half_yearly": (6, 12),
    "yearly": (12,),
}


def due_windows(
    *, recurrence: str, year: int, due_date: datetime.date | None = None
) -> list[tuple[datetime.date, datetime.date]]:
    """The windows (first day, due date) a task is due in during ``year``: for a task due
    once, from 1 January to its ``due_date``; for a recurring one, each month, quarter,
    half year or the year, due on its last day."""
    if recurrence == "once":
        if due_date is None:
            raise ValueError("a task due once needs a due date")
        return [(datetime.date(year, 1, 1), due_date)]
    windows = []
    start = datetime.date(year, 1, 1)
    for month in _CLOSING_MONTHS[recurrence]:
        end = _month_end(year, month)
        windows.append((start, end))
        start = end + datetime.timedelta(days=1)
    return windows
