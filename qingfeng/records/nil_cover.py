"""The record side of the nil return rule: a record may not be entered, imported, pushed,
changed, submitted or approved for a unit and indicator on a date that an active nil return
(``NIL_RETURN_ACTIVE``) covers, i.e. one of the same framework whose collection period
contains the date. The other side (a nil return refused where records exist) is checked by
``records.nil_returns``.

This module reads only the models, so the record checker (``records.imports``) and the
review steps (``records.review``) can call it without importing the nil return services.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period, period_label
from qingfeng.records.models import NIL_RETURN_ACTIVE, NilReturnUnit, Record


def nil_covered_message(*, unit_name: str, indicator_code: str, period: Period) -> str:
    """The message refusing a record that a nil return covers, naming the unit, indicator
    and collection period in words."""
    return _(
        "A nil return already says %(unit)s has nothing to report on %(indicator)s for "
        "%(period)s: withdraw the nil return first."
    ) % {"unit": unit_name, "indicator": indicator_code, "period": period_label(period)}


class NilCover:
    """The active nil return lines of one framework, loaded once (one query), answering
    "which nil return covers this unit, indicator and date?" with a dict lookup, so a
    100,000-row upload pays one query and a lookup per row."""

    def __init__(self, framework: Framework | int) -> None:
        framework_id = framework if isinstance(framework, int) else framework.pk
        self._periods: dict[tuple[int, str], list[Period]] = {}
        lines = (
            NilReturnUnit.objects.filter(
                framework_id=framework_id, nil_return__status__in=list(NIL_RETURN_ACTIVE)
            )
            .order_by()
            .values_list("unit_id", "indicator_code", "period")
            .distinct()
        )
        parsed: dict[str, Period] = {}
        for unit_id, code, text in lines:
            if text not in parsed:
                parsed[text] = Period.parse(text)
            self._periods.setdefault((unit_id, code), []).append(parsed[text])

    def __bool__(self) -> bool:
        """Whether any active nil return exists (most uploads: none, nothing to look up)."""
        return bool(self._periods)

    def covering(self, *, unit_id: int, indicator_code: str, day: datetime.date) -> Period | None:
        """The collection period of an active nil return covering the cell, or None."""
        for period in self._periods.get((unit_id, indicator_code), ()):
            if period.contains(day):
                return period
        return None

    def problem(
        self, *, unit_id: int, unit_name: str, indicator_code: str, day: datetime.date
    ) -> str | None:
        """The message refusing a record of the cell on ``day``; None when none covers it."""
        if not self._periods:
            return None
        period = self.covering(unit_id=unit_id, indicator_code=indicator_code, day=day)
        if period is None:
            return None
        return nil_covered_message(
            unit_name=unit_name, indicator_code=indicator_code, period=period
        )


def refuse_nil_covered(*, records: Iterable[Record]) -> None:
    """Refuse a state change (submit, approve) of records that an active nil return
    covers: a ``ValidationError`` naming each; nothing when none is covered. Loads each
    framework's nil lines once."""
    covers: dict[int, NilCover] = {}
    problems = []
    for record in records:
        if record.framework_id not in covers:
            covers[record.framework_id] = NilCover(record.framework_id)
        message = covers[record.framework_id].problem(
            unit_id=record.unit_id,
            unit_name=record.unit.name,
            indicator_code=record.indicator_code,
            day=record.date,
        )
        if message is not None:
            problems.append(message)
    if problems:
        raise ValidationError(problems)
