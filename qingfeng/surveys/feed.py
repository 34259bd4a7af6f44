"""Closing an instrument into the scores: one record per unit on the framework leaf it
feeds, through the records app's feed writer (``records.rate_feeds.feed_values``), so a
rerun adds nothing, a changed value is updated with history, and the period's scores are
recomputed in the same transaction.

The record of a unit is dated the period's last day, belongs to the leaf's data station,
and carries the external id ``<kind>:<instrument code>:<framework>:<leaf>:<period>:<unit>``
(a digest after the prefix when that is too long). Its value is, by instrument:

- a campaign: the unit's mean 0–100 score (``rules.unit_score``) on a ``survey`` leaf;
- an appraisal: the team's share of 优秀 + 称职 (``rules.approval_share``) on a ``rate``
  leaf (as the rule's scale wants it: percent when ``full_at`` > 1) or a ``direct`` leaf
  (the leaf's maximum × the share);
- a cross evaluation: the mean points (``rules.mean_points``) on a ``direct`` leaf.

A period whose collection is closed refuses the close with a message, leaving
everything as it was: the commission reopens the period first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework, Indicator
from qingfeng.framework.selectors import ordered_indicators, version_in_force
from qingfeng.lib.periods import Period, period_label
from qingfeng.records.periods import OpenDates
from qingfeng.records.rate_feeds import FedValue, FeedResult, UnitRate, feed_values, rate_value
from qingfeng.records.selectors import leaves_with_applies
from qingfeng.surveys.models import Appraisal, Campaign, CrossEvaluation, Instrument

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

# Per instrument: the external ids' first word and the leaf rules it may feed.
KIND_PREFIX: dict[type[Instrument], str] = {
    Campaign: "survey",
    Appraisal: "appraisal",
    CrossEvaluation: "cross",
}
FEEDS_RULES: dict[type[Instrument], frozenset[str]] = {
    Campaign: frozenset({"survey"}),
    Appraisal: frozenset({"rate", "direct"}),
    CrossEvaluation: frozenset({"direct"}),
}

__all__ = ["FedValue", "FeedResult"]


def feedable_leaves(
    *, framework: Framework, period: str, instrument: type[Instrument]
) -> list[Indicator]:
    """The leaves of ``framework``'s version in force for ``period`` that an instrument of
    this type may feed, in tree order (what a form offers)."""
    version = version_in_force(framework=framework, period=Period.parse(period))
    if version is None:
        return []
    rules = FEEDS_RULES[instrument]
    return [
        node
        for node, _applies in leaves_with_applies(ordered_indicators(version))
        if (node.rule or {}).get("type") in rules
    ]


def fed_leaf(instrument: Instrument) -> Indicator | None:
    """The leaf ``instrument`` feeds, in the version in force for its period; None when
    it feeds none (or the leaf is gone from that version)."""
    if instrument.framework is None or not instrument.indicator_code:
        return None
    leaves = feedable_leaves(
        framework=instrument.framework, period=instrument.period, instrument=type(instrument)
    )
    return next((leaf for leaf in leaves if leaf.code == instrument.indicator_code), None)


def appraisal_value(indicator: Indicator, *, approving: int, total: int) -> float:
    """A team's share of 优秀 + 称职 as the value of the ``rate`` or ``direct`` leaf."""
    if (indicator.rule or {}).get("type") == "rate":
        return rate_value(indicator, UnitRate(due=total, on_time=approving))
    return round(float(indicator.max) * approving / total, 4)


def instrument_feed(
    *, instrument: Instrument, values: Mapping[int, FedValue], actor: User | None
) -> FeedResult:
    """Write ``values`` (unit pk → value and note) as the instrument's records and
    recompute its period (see the module's docstring); nothing when it feeds no leaf.
    ValidationError, with nothing written, when the leaf cannot be fed or the period's
    collection is closed. Callers run it in the transaction that closes the instrument."""
    if instrument.framework is None or not instrument.indicator_code:
        return FeedResult()
    kind = type(instrument)
    period = Period.parse(instrument.period)
    if OpenDates(instrument.framework).closed_period(period.end) is not None:
        raise ValidationError(
            _(
                "The collection of %(period)s is closed for %(framework)s: reopen it before "
                "closing, so the values can be written."
            )
            % {"period": period_label(period), "framework": instrument.framework.name}
        )
    result = feed_values(
        framework=instrument.framework,
        period=period,
        indicator_code=instrument.indicator_code,
        values=values,
        rule_types=FEEDS_RULES[kind],
        prefix=f"{KIND_PREFIX[kind]}:{instrument.code}:",
        change_reason=_("closed %(kind)s %(name)s")
        % {"kind": kind._meta.verbose_name, "name": instrument.name},
        actor=actor,
        allow_closed=False,
    )
    if result.notes:
        raise ValidationError(result.notes)
    return result
