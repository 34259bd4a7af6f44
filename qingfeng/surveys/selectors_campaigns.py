"""Reads of the survey campaigns for their pages, within the read rule of
``surveys.selectors``: a campaign outside ``campaigns_for(user)`` is not found, and every
per-unit row or count holds only ``units_seen(user)``.

The quota board (分层级规定答题率): per unit its headcount, the answers it needs
(``rules.QuotaRule.required`` of the campaign's stored tiers), the answers so far and the
rate (answers / required, may pass 100 %), units below their quota first; totals per
unit category and for the whole campaign.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from qingfeng.framework.selectors import ordered_indicators, version_in_force
from qingfeng.lib.errors import NotFound
from qingfeng.lib.periods import Period
from qingfeng.org.models import Region, Unit, UnitCategory
from qingfeng.records.selectors import leaves_with_applies
from qingfeng.surveys import selectors
from qingfeng.surveys.models import Campaign, QuestionnaireVersion, SurveyLink, VersionStatus
from qingfeng.surveys.rules import QuotaRule

# The public page of a link (``urls_public``: ``/s/<token>/``); kept short for the codes.
PUBLIC_PATH = "/s/{token}/"


def public_path(token: str) -> str:
    """The path of a link's public page (the page itself is ``answer``'s)."""
    return PUBLIC_PATH.format(token=token)


def campaign_for(user: Any, pk: int, *, manage: bool = False) -> Campaign:
    """The campaign ``pk`` if ``user`` reads it (``manage``: runs it); else NotFound."""
    campaign = selectors.campaigns_for(user, manage=manage).filter(pk=pk).first()
    if campaign is None:
        raise NotFound
    return campaign


def campaign_list(user: Any) -> QuerySet[Campaign]:
    """The campaigns ``user`` reads, each with ``unit_count`` and ``answer_count`` over
    the units they see, newest period first."""
    seen = selectors.units_seen(user).values("pk")
    return (
        selectors.campaigns_for(user)
        .annotate(
            unit_count=Count("links", filter=Q(links__unit__in=seen), distinct=True),
            answer_count=Count("links__responses", filter=Q(links__unit__in=seen)),
        )
        .order_by("-period", "code")
    )


def campaign_links(campaign: Campaign, user: Any) -> list[SurveyLink]:
    """The links of ``campaign`` to units ``user`` sees, each with ``answer_count``, in
    the units' tree order."""
    return list(
        campaign.links.filter(unit__in=selectors.units_seen(user).values("pk"))
        .select_related("unit", "unit__category")
        .annotate(answer_count=Count("responses"))
        .order_by("unit__path")
    )


def link_for(campaign: Campaign, user: Any, unit_pk: int) -> SurveyLink:
    """The link of ``campaign`` to unit ``unit_pk`` if ``user`` sees that unit; else
    NotFound."""
    link = (
        campaign.links.filter(unit__in=selectors.units_seen(user).values("pk"), unit_id=unit_pk)
        .select_related("unit")
        .first()
    )
    if link is None:
        raise NotFound
    return link


def units_not_fed(campaign: Campaign) -> list[Unit]:
    """The surveyed units the fed leaf does not apply to (by category): their answers are
    collected and shown, but no record is written for them on close."""
    if campaign.framework is None or not campaign.indicator_code:
        return []
    version = version_in_force(framework=campaign.framework, period=Period.parse(campaign.period))
    if version is None:
        return []
    applies = next(
        (
            allowed
            for node, allowed in leaves_with_applies(ordered_indicators(version))
            if node.code == campaign.indicator_code
        ),
        None,
    )
    if applies is None:
        return []
    units = Unit.objects.filter(pk__in=campaign.links.values("unit_id")).select_related("category")
    return [
        unit
        for unit in units.order_by("path")
        if not all(unit.category.code in allowed for allowed in applies)
    ]


def published_versions(user: Any) -> QuerySet[QuestionnaireVersion]:
    """The published questionnaire versions ``user`` may put to the public."""
    return (
        QuestionnaireVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            questionnaire__in=selectors.questionnaires_for(user, manage=True).values("pk"),
        )
        .select_related("questionnaire")
        .order_by("questionnaire__code", "-number")
    )


@dataclass
class UnitGroup:
    """The units of one category a campaign may survey (a block of checkboxes)."""

    category: UnitCategory
    units: list[Unit]


def surveyable_units(*, region: Region, version: QuestionnaireVersion | None) -> list[UnitGroup]:
    """The active units of ``region`` of the categories ``version`` is written for (all
    when it names none), by category."""
    units = Unit.objects.filter(active=True).within(region).select_related("category")
    if version is not None:
        categories = list(version.categories.values_list("pk", flat=True))
        if categories:
            units = units.filter(category__in=categories)
    groups: dict[int, UnitGroup] = {}
    for unit in units.order_by("category__code", "path"):
        groups.setdefault(unit.category_id, UnitGroup(unit.category, [])).units.append(unit)
    return list(groups.values())


# ---------------------------------------------------------------------------------------
# The quota board


def quota_words(rule: QuotaRule) -> str:
    """The quota rule in words: "不足50人：30%；50—200人：20%；200人以上：15%；至少10份"."""
    parts = []
    lower = 0
    for tier in rule.tiers:
        percent = f"{tier.percent:g}%"
        if tier.up_to is None:
            if lower == 0:
                parts.append(_("any size: %(percent)s") % {"percent": percent})
            else:
                parts.append(
                    _("more than %(count)s people: %(percent)s")
                    % {"count": lower - 1, "percent": percent}
                )
        elif lower == 0:
            parts.append(
                _("fewer than %(count)s people: %(percent)s")
                % {"count": tier.up_to + 1, "percent": percent}
            )
        else:
            parts.append(
                _("%(low)s–%(high)s people: %(percent)s")
                % {"low": lower, "high": tier.up_to, "percent": percent}
            )
        if tier.up_to is not None:
            lower = tier.up_to + 1
    parts.append(_("at least %(count)s answers") % {"count": rule.floor})
    return _("; ").join(parts)


@dataclass
class QuotaRow:
    """One unit on the board."""

    unit: Unit
    headcount: int
    required: int
    answers: int

    @property
    def rate(self) -> float | None:
        """Answers over required (1.0 = the quota met; may pass it); None when nothing
        is required."""
        return self.answers / self.required if self.required else None

    @property
    def below(self) -> bool:
        """Whether the unit still lacks answers."""
        return self.answers < self.required


@dataclass
class QuotaTotal:
    """The sums of a group of rows (a category, or the whole campaign)."""

    label: str
    units: int = 0
    below: int = 0
    headcount: int = 0
    required: int = 0
    answers: int = 0

    def add(self, row: QuotaRow) -> None:
        self.units += 1
        self.below += int(row.below)
        self.headcount += row.headcount
        self.required += row.required
        self.answers += row.answers

    @property
    def rate(self) -> float | None:
        return self.answers / self.required if self.required else None


@dataclass
class QuotaBoard:
    """The board of a campaign as one user sees it."""

    rule_words: str
    rows: list[QuotaRow]
    categories: list[QuotaTotal] = field(default_factory=list)
    overall: QuotaTotal = field(default_factory=lambda: QuotaTotal(label=""))


def board_rows(rule: QuotaRule, counted: Iterable[tuple[Unit, int]]) -> list[QuotaRow]:
    """The board's rows of ``(unit, answers)``: below quota first, then by rate (lowest
    first), then in the units' tree order."""
    rows = [
        QuotaRow(unit, unit.headcount, rule.required(unit.headcount), answers)
        for unit, answers in counted
    ]
    return sorted(
        rows,
        key=lambda row: (not row.below, row.rate if row.rate is not None else 1e9, row.unit.path),
    )


def quota_board(campaign: Campaign, user: Any) -> QuotaBoard:
    """The quota board of ``campaign`` over the units ``user`` sees."""
    rule = QuotaRule.from_json(campaign.quota_tiers)
    links = campaign_links(campaign, user)
    rows = board_rows(rule, ((link.unit, link.answer_count) for link in links))  # type: ignore[attr-defined]
    overall = QuotaTotal(label=_("Whole campaign"))
    by_category: dict[int, QuotaTotal] = {}
    for row in rows:
        overall.add(row)
        category = row.unit.category
        by_category.setdefault(category.pk, QuotaTotal(label=category.name)).add(row)
    categories = sorted(by_category.values(), key=lambda total: total.label)
    return QuotaBoard(quota_words(rule), rows, categories, overall)
