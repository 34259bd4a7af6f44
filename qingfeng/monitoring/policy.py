"""A framework version's warning policy as it applies: the stored one, or the default
for a version that has none (quarters raise warnings; the responses ladder follows the
version's own bands, mildest first; a month to answer; no ranking rule)."""

from __future__ import annotations

from qingfeng.framework.models import FrameworkVersion
from qingfeng.framework.selectors import band_levels
from qingfeng.monitoring.models import PeriodKind, ResponseKind, WarningPolicy

# The ladder of seed 001, mildest first: 蓝色约谈提醒, 黄色预警通知书, 红色纪检监察建议书,
# and beyond (a fourth band, a veto) 责任倒查.
LADDER = [
    ResponseKind.ADMONITION,
    ResponseKind.WARNING_NOTICE,
    ResponseKind.RECOMMENDATION,
    ResponseKind.ACCOUNTABILITY,
]
VETO = "veto"  # the ladder's key for a vetoed unit


def default_ladder(version: FrameworkVersion) -> dict[str, str]:
    """Band level -> response kind by the version's bands, mildest first, taking the
    ladder from its most severe step down when a version has fewer than four bands (so
    a two-band version's worst band gets the recommendation, as in 001's red); a veto
    calls for the accountability review."""
    levels = band_levels(version)[1:]  # without green
    steps = LADDER[:3][-len(levels) :] if len(levels) <= 3 else LADDER
    ladder = {level: str(steps[min(i, len(steps) - 1)]) for i, level in enumerate(levels)}
    ladder[VETO] = str(ResponseKind.ACCOUNTABILITY)
    return ladder


def policy_for(version: FrameworkVersion) -> WarningPolicy:
    """The version's stored policy, or an unsaved default one; a stored ladder missing a
    level takes that level's default response."""
    policy = WarningPolicy.objects.filter(version=version).first()
    if policy is None:
        policy = WarningPolicy(version=version, period_kind=PeriodKind.QUARTER)
    policy.ladder = {**default_ladder(version), **(policy.ladder or {})}
    return policy
