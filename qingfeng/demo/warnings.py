"""The demo's warning register: the LK version calls in the last two units of each
category for a talk (seed 004 海淀's ranking rule), and every framework's ended periods of
its policy's kind are synced (each recompute already synced them; this adds what the
policy changes). ``seed_demo --reset`` empties the register first."""

from __future__ import annotations

from django.db.models import Model

from qingfeng.documents.models import IssuedDocument, NumberCounter
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import version_in_force
from qingfeng.lib.periods import Period
from qingfeng.monitoring.models import PeriodKind, Response, Warning, WarningPolicy
from qingfeng.monitoring.services import warnings_sync

CALL_IN_LAST = {"LK": 2}  # framework code -> the last N units of each category called in


def demo_warnings_create(*, frameworks: list[Framework], periods: list[Period]) -> int:
    """Give the demo LK version its ranking rule, then sync the register of every demo
    period of ``frameworks``; returns how many warnings are active."""
    for framework in frameworks:
        last = CALL_IN_LAST.get(framework.code)
        versions = {version_in_force(framework=framework, period=period) for period in periods}
        for version in versions:
            if last and version is not None:
                WarningPolicy.objects.update_or_create(
                    version=version,
                    defaults={"period_kind": PeriodKind.QUARTER, "call_in_last": last},
                )
        for period in periods:
            warnings_sync(framework=framework, period=period)
    return Warning.objects.filter(state="active").count()


def demo_warnings_reset() -> None:
    """Delete the register (responses first: they protect their warnings), and the
    documents issued for it with their numbering (a fresh demo numbers from 1 again), each
    deletion with its history row, so the frameworks, units and users can go."""
    models: tuple[type[Model], ...] = (
        Response,
        IssuedDocument,
        NumberCounter,
        Warning,
        WarningPolicy,
    )
    for model in models:
        model._default_manager.all().delete()
