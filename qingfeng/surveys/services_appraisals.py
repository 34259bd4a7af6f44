"""Writes of the democratic evaluations (民主测评): create one with its teams' leaders and
coded slips, edit a team's leaders before its first slip is cast, print more slips, cast
a slip (typed in from paper or on a phone) and close it into the units' scores.

Decisions (docs/surveys-appraisals.md):
- a slip must grade every leader of its team with exactly one of the four grades; a
  blank or partly filled slip is invalid and refused with a message (东城's practice),
  so every cast slip counts for every leader;
- a slip is cast once: a second cast of the same code is refused;
- a team's share is over all its leaders' grades (``rules.approval_share``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.lib.history import stamp
from qingfeng.lib.periods import Period
from qingfeng.org.models import Person, Region, Unit
from qingfeng.surveys import feed, rules
from qingfeng.surveys.feed import FedValue, FeedResult
from qingfeng.surveys.models import (
    Appraisal,
    AppraisalGrade,
    AppraisalSlip,
    AppraisalSubject,
    Grade,
    RunStatus,
    SlipChannel,
)
from qingfeng.surveys.selectors_appraisals import (
    TeamResult,
    all_team_units,
    current_team,
    team_results,
)

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

# At most this many slips per team in one go (a meeting hall, not a referendum).
MAX_SLIPS_PER_TEAM = 500


def appraisal_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    region: Region,
    period: str,
    meeting_date: datetime.date | None,
    framework: Framework | None = None,
    indicator_code: str = "",
    units: Iterable[Unit],
    slips_per_unit: int,
) -> Appraisal:
    """An open appraisal of the teams of ``units`` (each unit's current leaders, in post
    order) with ``slips_per_unit`` coded slips per team, feeding ``indicator_code`` of
    ``framework`` (or nothing). ValidationError when a unit lies outside ``region``, the
    leaf cannot be fed for the period, or the number of slips is out of bounds."""
    units = list(units)
    Period.parse(period)  # a malformed period is a programming error, not a user's
    if not units:
        raise ValidationError({"units": _("Choose at least one team.")})
    if any(not unit.is_within(region) for unit in units):
        raise ValidationError({"units": _("Every team must belong to the region.")})
    _check_slip_count(slips_per_unit)
    appraisal = Appraisal(
        code=code,
        name=name,
        region=region,
        period=period,
        meeting_date=meeting_date,
        framework=framework,
        indicator_code=indicator_code if framework is not None else "",
        created_by=actor,
    )
    appraisal.full_clean()
    if framework is not None and feed.fed_leaf(appraisal) is None:
        raise ValidationError(
            {"feeds": _("This indicator cannot take a democratic evaluation for this period.")}
        )
    with transaction.atomic():
        stamp(appraisal, actor)
        appraisal.save()
        subjects = [
            AppraisalSubject(
                appraisal=appraisal,
                unit=unit,
                person=post.person,
                title=post.title or str(post.get_role_display()),
                position=position,
            )
            for unit in units
            for position, post in enumerate(current_team(unit), start=1)
        ]
        AppraisalSubject.objects.bulk_create(subjects)
        for unit in units:
            _add_slips(appraisal, unit, slips_per_unit)
    return appraisal


def _check_slip_count(count: int) -> None:
    if not 1 <= count <= MAX_SLIPS_PER_TEAM:
        raise ValidationError(
            {
                "slips_per_unit": _("Print between 1 and %(max)d slips per team.")
                % {"max": MAX_SLIPS_PER_TEAM}
            }
        )


def _add_slips(appraisal: Appraisal, unit: Unit, count: int) -> list[AppraisalSlip]:
    """``count`` new slips of ``unit``'s team, each with a fresh code (a collision with
    an existing code, about one in 10¹⁵ per slip, draws again)."""
    for _attempt in range(5):
        codes: set[str] = set()
        while len(codes) < count:
            codes.add(rules.new_slip_code())
        taken = set(AppraisalSlip.objects.filter(code__in=codes).values_list("code", flat=True))
        codes -= taken
        slips = [AppraisalSlip(appraisal=appraisal, unit=unit, code=code) for code in codes]
        try:
            with transaction.atomic():
                created = AppraisalSlip.objects.bulk_create(slips)
        except IntegrityError:  # a code taken in between by a concurrent request
            continue
        missing = count - len(created)
        return created + (_add_slips(appraisal, unit, missing) if missing else [])
    raise RuntimeError("could not draw unused slip codes")


def slips_add(*, appraisal: Appraisal, unit: Unit, count: int) -> list[AppraisalSlip]:
    """Print ``count`` more slips for ``unit``'s team (more attendees than planned).
    ValidationError when the appraisal is closed or the team is not in it."""
    _check_open(appraisal)
    _check_slip_count(count)
    if not appraisal.subjects.filter(unit=unit).exists():
        raise ValidationError(_("This team is not part of the evaluation."))
    return _add_slips(appraisal, unit, count)


def subject_add(
    *, appraisal: Appraisal, unit: Unit, person: Person, title: str = ""
) -> AppraisalSubject:
    """Add ``person`` to ``unit``'s team, last in order. ValidationError when a slip of
    the team is cast already (every cast slip must grade the same leaders), the
    appraisal is closed, or the person is on the list already."""
    _check_open(appraisal)
    _check_team_editable(appraisal, unit)
    if appraisal.subjects.filter(unit=unit, person=person).exists():
        raise ValidationError(_("This leader is on the list already."))
    last = appraisal.subjects.filter(unit=unit).order_by("-position").first()
    return AppraisalSubject.objects.create(
        appraisal=appraisal,
        unit=unit,
        person=person,
        title=title,
        position=(last.position + 1) if last else 1,
    )


def subject_remove(*, subject: AppraisalSubject) -> None:
    """Take a leader off the list (e.g. away on the day of the meeting). ValidationError
    once a slip of the team is cast or the appraisal is closed."""
    _check_open(subject.appraisal)
    _check_team_editable(subject.appraisal, subject.unit)
    subject.delete()


def _check_open(appraisal: Appraisal) -> None:
    if appraisal.status != RunStatus.OPEN:
        raise ValidationError(_("This democratic evaluation is closed."))


def _check_team_editable(appraisal: Appraisal, unit: Unit) -> None:
    if appraisal.slips.filter(unit=unit, cast_at__isnull=False).exists():
        raise ValidationError(
            _("Slips of this team have been cast: its list of leaders can no longer change.")
        )


def slip_cast(
    *, slip: AppraisalSlip, grades: Mapping[int, str], channel: str
) -> list[AppraisalGrade]:
    """Cast ``slip``: ``grades`` maps each leader (subject pk) of its team to one of the
    four grades. ValidationError, nothing stored, when a leader lacks a grade (a blank
    or partial slip is invalid), a grade or a leader is unknown, the slip was cast
    already, or the appraisal is closed."""
    if channel not in SlipChannel.values:
        raise ValueError(channel)
    with transaction.atomic():
        # Locked: two clerks (or a clerk and a phone) casting one code, only one wins.
        locked = (
            AppraisalSlip.objects.select_for_update().select_related("appraisal").get(pk=slip.pk)
        )
        _check_open(locked.appraisal)
        if locked.cast_at is not None:
            raise ValidationError(_("This slip has been cast already; a slip counts once."))
        subjects = set(
            locked.appraisal.subjects.filter(unit_id=locked.unit_id).values_list("pk", flat=True)
        )
        if not subjects:
            raise ValidationError(_("This team has no leader to grade."))
        if set(grades) - subjects or any(g not in Grade.values for g in grades.values()):
            raise ValidationError(_("The slip grades someone or something it cannot."))
        if set(grades) != subjects:
            raise ValidationError(
                _(
                    "Every leader needs exactly one grade: a slip missing a grade is invalid "
                    "and is not counted."
                )
            )
        created = AppraisalGrade.objects.bulk_create(
            AppraisalGrade(slip=locked, subject_id=pk, grade=grades[pk]) for pk in sorted(subjects)
        )
        # Kept to the minute, like a survey response: nothing to tell voters apart by.
        locked.cast_at = timezone.now().replace(second=0, microsecond=0)
        locked.channel = channel
        locked.save(update_fields=["cast_at", "channel"])
    slip.cast_at, slip.channel = locked.cast_at, locked.channel
    return created


def appraisal_close(*, appraisal: Appraisal, actor: User | None) -> FeedResult:
    """Close ``appraisal`` and, when it feeds a leaf, write each team's share of 优秀 +
    称职 as its unit's record (``feed.appraisal_value``), all in one transaction. A team
    without a cast slip gets no record. Closing again writes the same values (nothing is
    added). ValidationError, nothing changed, when the leaf cannot be fed or the
    period's collection is closed."""
    with transaction.atomic():
        appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
        leaf = feed.fed_leaf(appraisal)
        if appraisal.framework is not None and appraisal.indicator_code and leaf is None:
            raise ValidationError(
                _("The indicator this evaluation feeds is not in the framework any more.")
            )
        values: dict[int, FedValue] = {}
        if leaf is not None:
            with translation.override(settings.LANGUAGE_CODE):
                for team in team_results(appraisal, units=all_team_units(appraisal)):
                    if not team.total or team.share is None:
                        continue
                    value = feed.appraisal_value(leaf, approving=team.approving, total=team.total)
                    values[team.unit.pk] = FedValue(value, close_note(appraisal, team))
        result = feed.instrument_feed(instrument=appraisal, values=values, actor=actor)
        if appraisal.status != RunStatus.CLOSED:
            appraisal.status = RunStatus.CLOSED
            appraisal.closed_at = timezone.now()
            appraisal.closed_by = actor
            stamp(appraisal, actor)
            appraisal.save(update_fields=["status", "closed_at", "closed_by"])
    return result


def close_note(appraisal: Appraisal, team: TeamResult) -> str:
    """A record's note: "2026年述责述廉民主测评：有效票45张，优秀和称职占93.3%"."""
    share = team.share or 0.0
    return _("%(name)s: %(valid)d valid slips, excellent and competent %(share)s") % {
        "name": appraisal.name,
        "valid": team.valid_slips,
        "share": f"{share * 100:.1f}%",
    }
