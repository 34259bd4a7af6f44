"""Writing a framework version's warning policy (the responses ladder, the days to
answer, the period kind that raises warnings, the ranking rule), with its history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.framework.selectors import band_levels
from qingfeng.lib.history import save_validated
from qingfeng.monitoring.models import PeriodKind, ResponseKind, WarningPolicy
from qingfeng.monitoring.policy import VETO

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.framework.models import FrameworkVersion


def ladder_keys(version: FrameworkVersion) -> list[str]:
    """The levels a ladder names for ``version``: its bands, mildest first, then the veto."""
    return [*band_levels(version)[1:], VETO]


@transaction.atomic
def policy_save(
    *,
    version: FrameworkVersion,
    ladder: Mapping[str, str],
    answer_days: int,
    period_kind: str,
    call_in_last: int | None,
    actor: User | None,
) -> WarningPolicy:
    """Store ``version``'s warning policy: one response per band level and for the veto
    (every level of the version, none other), the days to answer (1 to 365), the period
    kind, the ranking rule (None: none). ``ValidationError`` naming the field; the
    history keeps each change and who made it. Responses already issued keep theirs."""
    keys = ladder_keys(version)
    errors: dict[str, list[str]] = {}
    if set(ladder) != set(keys):
        errors["ladder"] = [_("Choose a response for every level and for the veto.")]
    elif any(ladder[key] not in ResponseKind.values for key in keys):
        errors["ladder"] = [_("Choose a response.")]
    if not 1 <= answer_days <= 365:
        errors["answer_days"] = [_("Give between 1 and 365 days.")]
    if period_kind not in PeriodKind.values:
        errors["period_kind"] = [_("Choose a period kind.")]
    if call_in_last is not None and not 1 <= call_in_last <= 100:
        errors["call_in_last"] = [_("Give between 1 and 100 units, or leave it empty.")]
    if errors:
        raise ValidationError(errors)
    policy = WarningPolicy.objects.filter(version=version).first() or WarningPolicy(version=version)
    policy.ladder = {key: str(ladder[key]) for key in keys}
    policy.answer_days = answer_days
    policy.period_kind = period_kind
    policy.call_in_last = call_in_last
    save_validated(policy, actor)
    return policy
