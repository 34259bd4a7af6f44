"""Writes of the survey campaigns: start one (a link per unit), add units to an open one,
close it into records.

Closing is the one write that touches the scores: in ONE transaction it computes each
unit's mean score (``rules.unit_score`` of its responses' stored scores), writes them
through ``feed.instrument_feed`` (one record per unit, a rerun adds nothing, the period
recomputed) and marks the campaign closed. A refusal (e.g. the collection period is
closed) leaves everything as it was. Closing a closed campaign writes nothing: it is
idempotent, so ``manage.py close_campaign`` may be run twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.history import stamp
from qingfeng.lib.periods import Period, period_label
from qingfeng.org.models import Region, Unit
from qingfeng.surveys import feed, rules, selectors
from qingfeng.surveys.models import (
    Campaign,
    Instrument,
    QuestionnaireVersion,
    RunStatus,
    SurveyLink,
    SurveyResponse,
    VersionStatus,
)

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


def _saved_user(actor: Any) -> Any:
    """The actor as a stored account (history, created_by, closed_by), or None: the
    commands' stand-in administrator is never saved."""
    return actor if actor is not None and getattr(actor, "pk", None) is not None else None


def _unit_label(unit: Unit) -> str:
    return f"{unit.name}（{unit.code}）"


def _unit_problems(
    *, units: Iterable[Unit], region: Region, version: QuestionnaireVersion
) -> list[str]:
    """Why each unit cannot be surveyed by this campaign, one located message a unit."""
    categories = {category.pk: category for category in version.categories.all()}
    problems = []
    for unit in units:
        if not unit.active:
            problems.append(_("%(unit)s is no longer active.") % {"unit": _unit_label(unit)})
        elif not region.contains(unit.region):
            problems.append(
                _("%(unit)s is not in %(region)s.")
                % {"unit": _unit_label(unit), "region": region.name}
            )
        elif categories and unit.category_id not in categories:
            problems.append(
                _("%(unit)s is a %(category)s; the questionnaire is written for %(allowed)s.")
                % {
                    "unit": _unit_label(unit),
                    "category": unit.category.name,
                    "allowed": "、".join(c.name for c in categories.values()),
                }
            )
    return problems


def _add_links(*, campaign: Campaign, units: Iterable[Unit]) -> int:
    """One link (an unguessable token) per unit not yet surveyed; how many were added."""
    surveyed = set(campaign.links.values_list("unit_id", flat=True))
    fresh = [
        SurveyLink(campaign=campaign, unit=unit, token=rules.new_token())
        for unit in units
        if unit.pk not in surveyed
    ]
    SurveyLink.objects.bulk_create(fresh)
    return len(fresh)


def campaign_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    version: QuestionnaireVersion,
    period: str,
    units: Iterable[Unit],
    framework: Framework | None = None,
    indicator_code: str = "",
    region: Region | None = None,
) -> Campaign:
    """Start a campaign of ``version`` for ``period`` in ``region`` (by default the
    questionnaire's), one link per unit, feeding ``indicator_code`` of ``framework`` when
    it closes (optional). The quota tiers are copied from ``settings.SURVEY_QUOTA``.

    Refused (ValidationError by field, each message naming what is wrong) when: the actor
    does not run surveys of the region; the version is not published or its questionnaire
    is not the actor's; a unit is inactive, outside the region or of a category the
    questionnaire is not written for; the indicator is not a survey leaf of the framework
    in force for the period. Units the leaf does not apply to are accepted (their answers
    are shown, never written): ``selectors_campaigns.units_not_fed`` lists them."""
    units = list(
        Unit.objects.filter(pk__in=[u.pk for u in units]).select_related("category", "region")
    )
    region = region or version.questionnaire.region
    errors: dict[str, list[str]] = {}

    def refuse(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    if actor is not None and not selectors.managed_regions(actor).filter(pk=region.pk).exists():
        refuse("region", _("You do not run surveys of %(region)s.") % {"region": region.name})
    if version.status != VersionStatus.PUBLISHED:
        refuse(
            "version",
            _("Version %(number)s of %(questionnaire)s is not published.")
            % {"number": version.number, "questionnaire": version.questionnaire.name},
        )
    elif (
        actor is not None
        and not selectors.questionnaires_for(actor, manage=True)
        .filter(pk=version.questionnaire_id)
        .exists()
    ):
        refuse(
            "version",
            _("The questionnaire %(name)s is not yours to use.")
            % {"name": version.questionnaire.name},
        )
    try:
        Period.parse(period)
    except ValueError:
        refuse("period", _("%(period)s is not a period.") % {"period": period})
    if not units:
        refuse("units", _("Choose at least one unit to survey."))
    for problem in _unit_problems(units=units, region=region, version=version):
        refuse("units", problem)
    if indicator_code and framework is None:
        refuse("framework", _("Choose the framework of the indicator."))
    if framework is not None and "period" not in errors:
        if (
            actor is not None
            and not visible_frameworks(actor, Capability.MANAGE_SURVEYS)
            .filter(pk=framework.pk)
            .exists()
        ):
            refuse(
                "framework",
                _("The framework %(name)s is not in your scope.") % {"name": framework.name},
            )
        elif indicator_code:
            leaves = feed.feedable_leaves(framework=framework, period=period, instrument=Campaign)
            if indicator_code not in {leaf.code for leaf in leaves}:
                refuse(
                    "indicator_code",
                    _(
                        "Indicator %(code)s of %(framework)s is not a survey indicator of the "
                        "version in force for this period."
                    )
                    % {"code": indicator_code, "framework": framework.name},
                )
    campaign = Campaign(
        code=code,
        name=name,
        region=region,
        period=period,
        framework=framework if indicator_code else None,
        indicator_code=indicator_code,
        version=version,
        quota_tiers=rules.QuotaRule.from_json(settings.SURVEY_QUOTA).as_json(),
        created_by=_saved_user(actor),
    )
    try:
        campaign.full_clean()
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            for message in messages:
                refuse(field_name, message)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        stamp(campaign, _saved_user(actor))
        campaign.save()
        _add_links(campaign=campaign, units=units)
    return campaign


def campaign_add_units(*, campaign: Campaign, units: Iterable[Unit], actor: User | None) -> int:
    """Survey more units in an open campaign (a link each); units already surveyed are
    skipped. How many were added. Refused like ``campaign_create`` for a unit, and for a
    closed campaign."""
    if not campaign.is_open:
        raise ValidationError(_("The campaign is closed: no unit can be added."))
    units = list(
        Unit.objects.filter(pk__in=[u.pk for u in units]).select_related("category", "region")
    )
    problems = _unit_problems(units=units, region=campaign.region, version=campaign.version)
    if problems:
        raise ValidationError({"units": problems})
    # The links carry no history of their own: who added them is the actor of the page.
    with transaction.atomic():
        return _add_links(campaign=campaign, units=units)


@dataclass
class CloseResult:
    """What closing did: the records written (``feed``), how many units got a value, and
    whether the campaign was already closed (then nothing at all was written)."""

    feed: feed.FeedResult = field(default_factory=feed.FeedResult)
    units_valued: int = 0
    already_closed: bool = False

    def summary(self, campaign: Instrument) -> str:
        """What closing did, in words (the page's message and the command's output); the
        words fit every instrument, so the command says the same of an evaluation."""
        if self.already_closed:
            return _("%(name)s was already closed: nothing was written.") % {"name": campaign.name}
        if campaign.framework is None or not campaign.indicator_code:
            return _("%(name)s closed; it feeds no indicator, so no record was written.") % {
                "name": campaign.name
            }
        return _(
            "%(name)s closed (%(period)s): %(units)s units valued; records created "
            "%(created)s, updated %(updated)s, unchanged %(unchanged)s, removed %(deleted)s."
        ) % {
            "name": campaign.name,
            "period": period_label(campaign.period),
            "units": self.units_valued,
            "created": self.feed.created,
            "updated": self.feed.updated,
            "unchanged": self.feed.unchanged,
            "deleted": self.feed.deleted,
        }


def campaign_values(campaign: Campaign) -> dict[int, feed.FedValue]:
    """Each surveyed unit's value (``rules.unit_score`` of its responses' scores) and the
    record's note, by unit pk; units without a scored response are left out."""
    scores: dict[int, list[float | None]] = {}
    for unit_pk, score in SurveyResponse.objects.filter(link__campaign=campaign).values_list(
        "link__unit_id", "score"
    ):
        scores.setdefault(unit_pk, []).append(score)
    values = {}
    with translation.override(settings.LANGUAGE_CODE):  # stored words: the site's language
        for unit_pk, unit_scores in scores.items():
            value = rules.unit_score(unit_scores)
            if value is None:
                continue
            counted = sum(1 for score in unit_scores if score is not None)
            note = _("%(name)s: %(count)s valid questionnaires, satisfaction %(score)s points") % {
                "name": campaign.name,
                "count": counted,
                "score": f"{value:.1f}",
            }
            values[unit_pk] = feed.FedValue(value, note)
    return values


def campaign_close(*, campaign: Campaign, actor: User | None) -> CloseResult:
    """Close ``campaign``: write each unit's mean score as its record on the fed leaf
    (``feed.instrument_feed``), then mark it closed — in one transaction, so a refusal
    (ValidationError: the collection period is closed, the leaf cannot be fed) changes
    nothing. A closed campaign's links answer 404. Closing a closed campaign writes
    nothing and says so (``already_closed``)."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not locked.is_open:
            return CloseResult(already_closed=True)
        values = campaign_values(locked)
        fed = feed.instrument_feed(instrument=locked, values=values, actor=_saved_user(actor))
        locked.status = RunStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = _saved_user(actor)
        stamp(locked, _saved_user(actor))
        locked.save()
    campaign.status, campaign.closed_at, campaign.closed_by = (
        locked.status,
        locked.closed_at,
        locked.closed_by,
    )
    return CloseResult(feed=fed, units_valued=len(values))
