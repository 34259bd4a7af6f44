"""Nil returns (零报告): a data station declares, for one indicator and one collection
period, that it has nothing to report for some or all of the units it answers for
(docs/nil-returns.md). The writes: filing (typed in, from an Excel upload, pushed by the
API), approving, returning and withdrawing; each in one transaction, each saved with its
actor so the nil return's history says who did what and when.

The rules (``NilChecker``): the collection period exists and is open; the indicator is a
tracked leaf (``records.completeness.is_tracked``) of the version in force for the period
and belongs to the station; every unit is one the station answers for on it (in its region,
of a category the leaf applies to) and the filer may enter records for; no unit already has
an active nil return on the indicator for the period, nor a record (draft, submitted or
approved) on it dated in the period. The reverse rule, a record refused where an active nil
return covers it, is ``records.nil_cover``.

Review follows the records' rules (``records.review``): only a reviewer of the units, never
the one who filed it (``entered_by``), and never in a closed collection period. Approving
or withdrawing an approved nil return changes what counts as reported, so it recomputes
the scores of the periods the collection period touches in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability, visible_units
from qingfeng.framework.models import Framework, Indicator
from qingfeng.framework.selectors import version_in_force
from qingfeng.lib.documents import clean_text
from qingfeng.lib.history import stamp
from qingfeng.lib.periods import Period, period_label
from qingfeng.org.models import Station, Unit
from qingfeng.records.completeness import leaf_applies, tracked_leaves
from qingfeng.records.models import (
    NIL_RETURN_ACTIVE,
    CollectionPeriod,
    NilReturn,
    NilReturnStatus,
    NilReturnUnit,
    PeriodStatus,
    Record,
    RecordSource,
    RecordStatus,
)
from qingfeng.records.rescore import recompute_after_change
from qingfeng.records.review import entered_by
from qingfeng.records.selectors import clerk_stations, leaves

# A record in these states stands for its unit, indicator and date: a nil return may not
# be filed over it (a returned one is being corrected and may yet be withdrawn).
RECORD_STANDS = (RecordStatus.DRAFT, RecordStatus.SUBMITTED, RecordStatus.APPROVED)
NOTE_MAX = 2000
WITHDRAWABLE = NIL_RETURN_ACTIVE

Problem = tuple["Unit | None", str]  # (the unit it is about, or None; the message)


def month_starts(period: Period) -> list[datetime.date]:
    """The first day of every month of ``period``: the dates whose scored periods a change
    of a nil return touches (``recompute_after_change`` includes scored months)."""
    days = []
    day = period.start
    while day <= period.end:
        days.append(day)
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return days


def clean_note(note: str) -> str:
    """A note as stored: without the characters a document or PostgreSQL cannot hold
    (a NUL), trimmed; ``ValidationError`` when too long."""
    text = clean_text(note or "").strip()
    if len(text) > NOTE_MAX:
        raise ValidationError(
            {"note": _("The note is too long (at most %(max)d characters).") % {"max": NOTE_MAX}}
        )
    return text


def leaf_words(leaf: Indicator) -> str:
    """An indicator as a user names it: its code and name."""
    return f"{leaf.code} {leaf.name}"


def nil_return_label(nil_return: NilReturn) -> str:
    """A nil return as a user names it in a message: station, indicator and period."""
    return (
        f"{nil_return.station.name} · {nil_return.indicator_code} · "
        f"{period_label(nil_return.period)}"
    )


# ---------------------------------------------------------------------------------------
# The rules of filing


@dataclass
class NilPlan:
    """One nil return that passed the checks: what ``_store`` writes."""

    leaf: Indicator
    period: Period
    units: list[Unit]


@dataclass
class NilChecker:
    """The rules a nil return of ``station`` must meet, seeing the units of ``unit_scope``
    (the filer's, or an API token's). Loads the station's units, each version's leaves and
    the collection periods once, so checking several nil returns costs a few queries."""

    framework: Framework
    station: Station
    unit_scope: QuerySet[Unit]
    _units: list[Unit] | None = None

    def collection(self, period: Period) -> tuple[CollectionPeriod | None, str | None]:
        """The open collection period ``period``, or why there is none."""
        found = CollectionPeriod.objects.filter(framework=self.framework, period=str(period))
        collection = found.first()
        words = {"period": period_label(period), "framework": self.framework.name}
        if collection is None:
            message = _("%(period)s is not a collection period of %(framework)s.")
            return None, message % words
        if collection.status != PeriodStatus.OPEN:
            message = _("The collection period %(period)s of %(framework)s is closed.")
            return None, message % words
        return collection, None

    def leaf(self, *, indicator_code: str, period: Period) -> tuple[Indicator | None, str | None]:
        """The tracked leaf ``indicator_code`` of the station in the version in force for
        ``period``, or why it may not take a nil return."""
        version = version_in_force(framework=self.framework, period=period)
        words = {"indicator": indicator_code, "period": period_label(period)}
        if version is None:
            message = _("No version of the framework is in force for %(period)s.")
            return None, message % words
        tracked = {leaf.code: leaf for leaf in tracked_leaves(version)}
        leaf = tracked.get(indicator_code)
        if leaf is None:
            known = {node.code for node in leaves(version)}
            if indicator_code in known:
                message = _(
                    "%(indicator)s takes no nil return: only deduction and bonus indicators "
                    "with a data station do."
                )
            else:
                message = _("%(indicator)s is not an indicator in force for %(period)s.")
            return None, message % words
        if leaf.station_id != self.station.pk:
            message = _("%(indicator)s belongs to another data station.")
            return None, message % {"indicator": leaf_words(leaf)}
        return leaf, None

    def station_units(self) -> list[Unit]:
        """The active units of the framework in the station's region that the scope sees."""
        if self._units is None:
            self._units = list(
                Unit.objects.filter(active=True, pk__in=self.unit_scope.values("pk"))
                .within(self.station.region)
                .within(self.framework.region)
                .select_related("category", "region")
                .order_by("code")
            )
        return self._units

    def answered(self, leaf: Indicator) -> list[Unit]:
        """The units the station answers for on ``leaf`` (and the scope sees), by code."""
        return [unit for unit in self.station_units() if leaf_applies(leaf, unit.category.code)]

    def check(
        self, *, indicator_code: str, period: str, units: Sequence[Unit] | None
    ) -> tuple[NilPlan | None, list[Problem]]:
        """Check one nil return (``units`` None: every unit the station answers for on the
        leaf); the plan to store, or the problems (each about a unit, or None)."""
        try:
            span = Period.parse(period)
        except ValueError as error:
            return None, [(None, str(error))]
        collection, problem = self.collection(span)
        if collection is None:
            return None, [(None, problem or "")]
        leaf, problem = self.leaf(indicator_code=indicator_code, period=span)
        if leaf is None:
            return None, [(None, problem or "")]
        answered = self.answered(leaf)
        words = {
            "indicator": leaf_words(leaf),
            "period": period_label(span),
            "station": self.station.name,
        }
        chosen = list(answered if units is None else units)
        if not chosen:
            message = (
                _("%(station)s answers for no unit on %(indicator)s.")
                if units is None
                else _("Choose at least one unit for the nil return on %(indicator)s.")
            )
            return None, [(None, message % words)]
        chosen = list({unit.pk: unit for unit in chosen}.values())
        ids = {unit.pk for unit in answered}
        problems: list[Problem] = [
            (
                unit,
                _("%(unit)s is not a unit %(station)s answers for on %(indicator)s.")
                % {**words, "unit": unit.name},
            )
            for unit in chosen
            if unit.pk not in ids
        ]
        problems += self.conflicts(leaf=leaf, period=span, units=chosen)
        if problems:
            return None, problems
        return NilPlan(leaf, span, sorted(chosen, key=lambda unit: unit.code)), []

    def conflicts(self, *, leaf: Indicator, period: Period, units: list[Unit]) -> list[Problem]:
        """The units that already have an active nil return or a standing record on
        ``leaf`` for ``period`` (the rule "a nil return or records, never both")."""
        by_pk = {unit.pk: unit for unit in units}
        words = {"indicator": leaf_words(leaf), "period": period_label(period)}
        filed = set(
            NilReturnUnit.objects.filter(
                framework=self.framework,
                period=str(period),
                indicator_code=leaf.code,
                unit__in=list(by_pk),
                nil_return__status__in=list(NIL_RETURN_ACTIVE),
            ).values_list("unit_id", flat=True)
        )
        recorded = set(
            Record.objects.filter(
                framework=self.framework,
                indicator_code=leaf.code,
                unit__in=list(by_pk),
                status__in=list(RECORD_STANDS),
                date__gte=period.start,
                date__lte=period.end,
            ).values_list("unit_id", flat=True)
        )
        problems: list[Problem] = []
        for pk, unit in by_pk.items():
            if pk in filed:
                message = _("%(unit)s already has a nil return on %(indicator)s for %(period)s.")
                problems.append((unit, message % {**words, "unit": unit.name}))
            if pk in recorded:
                message = _(
                    "%(unit)s has records on %(indicator)s dated in %(period)s: a unit has "
                    "either records or a nil return for a period, never both."
                )
                problems.append((unit, message % {**words, "unit": unit.name}))
        return problems


def store_nil_return(
    *,
    framework: Framework,
    station: Station,
    plan: NilPlan,
    note: str,
    actor: Any,
    source: str,
    change_reason: str | None = None,
) -> NilReturn:
    """Write one checked nil return (submitted) with its unit lines and its first history
    row. Call inside the caller's transaction, after the checks."""
    nil_return = NilReturn(
        framework=framework,
        indicator_code=plan.leaf.code,
        period=str(plan.period),
        station=station,
        status=NilReturnStatus.SUBMITTED,
        source=source,
        note=note,
        created_by=actor if actor is not None and actor.pk is not None else None,
    )
    nil_return.full_clean()
    _save(nil_return, actor, change_reason=change_reason)
    NilReturnUnit.objects.bulk_create(
        NilReturnUnit(
            nil_return=nil_return,
            unit=unit,
            framework=framework,
            period=nil_return.period,
            indicator_code=nil_return.indicator_code,
        )
        for unit in plan.units
    )
    return nil_return


def _save(
    nil_return: NilReturn,
    actor: Any,
    fields: list[str] | None = None,
    change_reason: str | None = None,
) -> None:
    stamp(nil_return, actor)
    if change_reason:
        nil_return._change_reason = change_reason  # type: ignore[attr-defined]
    nil_return.save(update_fields=fields)


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError([message for _unit, message in problems])


def _clerk_scope(*, actor: Any, station: Station) -> QuerySet[Unit]:
    """The units ``actor`` enters records for, refusing one who does not enter for
    ``station``."""
    if actor is None or not clerk_stations(actor).filter(pk=station.pk).exists():
        raise ValidationError(
            _("You do not enter records for %(station)s.") % {"station": station.name}
        )
    return visible_units(actor, Capability.ENTER_RECORDS)


# ---------------------------------------------------------------------------------------
# Filing


@transaction.atomic
def nil_returns_file(
    *,
    framework: Framework,
    station: Station,
    indicator_codes: Sequence[str],
    period: str,
    units: Sequence[Unit] | None = None,
    note: str = "",
    actor: Any,
    source: str = RecordSource.TYPED,
) -> list[NilReturn]:
    """File one nil return per indicator of ``indicator_codes`` for ``period``, all or
    nothing (the nil return page files several at once). ``units`` None: for each
    indicator every unit the station answers for on it; otherwise, for each indicator, the
    chosen units it applies to (a chosen unit no indicator applies to is refused).
    ``ValidationError`` with every problem, each naming the unit, indicator and period."""
    scope = _clerk_scope(actor=actor, station=station)
    checker = NilChecker(framework=framework, station=station, unit_scope=scope)
    text = clean_note(note)
    codes = list(dict.fromkeys(indicator_codes))
    if not codes:
        raise ValidationError(_("Choose at least one indicator."))
    plans: list[NilPlan] = []
    problems: list[Problem] = []
    used: set[int] = set()
    for code in codes:
        chosen = units
        if units is not None and len(codes) > 1:
            # Several indicators: each takes the chosen units it applies to.
            leaf, problem = checker.leaf(indicator_code=code, period=_parse(period))
            if leaf is None:
                problems.append((None, problem or ""))
                continue
            answers = {unit.pk for unit in checker.answered(leaf)}
            chosen = [unit for unit in units if unit.pk in answers]
            used.update(unit.pk for unit in chosen)
        plan, found = checker.check(indicator_code=code, period=period, units=chosen)
        problems += found
        if plan is not None:
            plans.append(plan)
    if units is not None and len(codes) > 1:
        problems += [
            (
                unit,
                _("%(unit)s answers to none of the chosen indicators.") % {"unit": unit.name},
            )
            for unit in units
            if unit.pk not in used
        ]
    _refuse(problems)
    return [
        store_nil_return(
            framework=framework, station=station, plan=plan, note=text, actor=actor, source=source
        )
        for plan in plans
    ]


def _parse(period: str) -> Period:
    try:
        return Period.parse(period)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from error


def nil_return_file(
    *,
    framework: Framework,
    station: Station,
    indicator_code: str,
    period: str,
    units: list[Unit] | None = None,
    note: str = "",
    actor: Any,
    source: str = RecordSource.TYPED,
) -> NilReturn:
    """File a nil return (submitted) of ``station`` on one indicator for the collection
    period ``period`` for ``units`` (None: every unit the station answers for on it). The
    actor must enter records for the station; every rule of ``NilChecker`` holds, or a
    ``ValidationError`` names each unit, the indicator and the period."""
    (nil_return,) = nil_returns_file(
        framework=framework,
        station=station,
        indicator_codes=[indicator_code],
        period=period,
        units=units,
        note=note,
        actor=actor,
        source=source,
    )
    return nil_return


# ---------------------------------------------------------------------------------------
# Review and withdrawal


def _refuse_status(nil_return: NilReturn, expected: Iterable[str]) -> ValidationError:
    return ValidationError(
        _("The nil return %(nil)s is %(status)s; this step needs it to be %(expected)s.")
        % {
            "nil": nil_return_label(nil_return),
            "status": nil_return.get_status_display(),
            "expected": " / ".join(str(NilReturnStatus(s).label) for s in expected),
        }
    )


def _refuse_closed(nil_returns: list[NilReturn]) -> None:
    """A nil return of a closed collection period is frozen, like its records."""
    keys = {(n.framework_id, n.period) for n in nil_returns}
    closed = set(
        CollectionPeriod.objects.filter(
            framework_id__in={framework for framework, _period in keys},
            period__in={period for _framework, period in keys},
            status=PeriodStatus.CLOSED,
        ).values_list("framework_id", "period")
    )
    problems = [
        _(
            "The nil return %(nil)s is of the closed collection period %(period)s: reopen "
            "the period to change it."
        )
        % {"nil": nil_return_label(n), "period": period_label(n.period)}
        for n in nil_returns
        if (n.framework_id, n.period) in closed
    ]
    if problems:
        raise ValidationError(problems)


def _refuse_unreviewable(nil_returns: list[NilReturn], actor: Any) -> None:
    """Only a reviewer of every unit of a nil return reviews it, and never its filer."""
    own = [n for n in nil_returns if entered_by(record=n, user=actor)]
    if own:
        raise ValidationError(
            ngettext(
                "You filed the nil return %(nils)s: another reviewer must review it.",
                "You filed the nil returns %(nils)s: another reviewer must review them.",
                len(own),
            )
            % {"nils": "; ".join(nil_return_label(n) for n in own)}
        )
    allowed = actor is not None and has_capability(actor, Capability.REVIEW_RECORDS)
    if allowed:
        units = visible_units(actor, Capability.REVIEW_RECORDS).values("pk")
        outside = NilReturnUnit.objects.filter(nil_return__in=[n.pk for n in nil_returns]).exclude(
            unit__in=units
        )
        allowed = not outside.exists()
    if not allowed:
        raise ValidationError(_("You do not review the units of these nil returns."))


def _recompute(nil_returns: list[NilReturn]) -> None:
    """Recompute the scores of the periods the nil returns' collection periods touch, once
    per framework (inside the caller's transaction)."""
    days: dict[int, set[datetime.date]] = {}
    units: dict[int, set[int]] = {}
    frameworks: dict[int, Framework] = {}
    for nil_return in nil_returns:
        frameworks[nil_return.framework_id] = nil_return.framework
        days.setdefault(nil_return.framework_id, set()).update(
            month_starts(Period.parse(nil_return.period))
        )
        units.setdefault(nil_return.framework_id, set()).update(
            nil_return.lines.values_list("unit_id", flat=True)
        )
    for framework_id, dates in days.items():
        recompute_after_change(
            framework=frameworks[framework_id], dates=dates, units=units[framework_id]
        )


def nil_returns_approve(*, nil_returns: Iterable[NilReturn], actor: Any) -> int:
    """Approve submitted nil returns (one or many), all or nothing, and recompute the
    scores of the periods their collection periods touch in the same transaction. Refused
    (all) when one is not submitted, was filed by the actor, has a unit the actor does not
    review, or belongs to a closed collection period."""
    found = list(nil_returns)
    for nil_return in found:
        if nil_return.status != NilReturnStatus.SUBMITTED:
            raise _refuse_status(nil_return, [NilReturnStatus.SUBMITTED])
    _refuse_unreviewable(found, actor)
    _refuse_closed(found)
    now = timezone.now()
    with transaction.atomic():
        for nil_return in found:
            nil_return.status = NilReturnStatus.APPROVED
            nil_return.reviewed_by = actor
            nil_return.reviewed_at = now
            nil_return.return_reason = ""
            _save(nil_return, actor, ["status", "reviewed_by", "reviewed_at", "return_reason"])
        _recompute(found)
    return len(found)


@transaction.atomic
def nil_return_return(*, nil_return: NilReturn, reason: str, actor: Any) -> NilReturn:
    """Send a submitted nil return back to its station with the reason (it stops blocking
    records; the station may file again). Same reviewer rules as approving."""
    if nil_return.status != NilReturnStatus.SUBMITTED:
        raise _refuse_status(nil_return, [NilReturnStatus.SUBMITTED])
    _refuse_unreviewable([nil_return], actor)
    _refuse_closed([nil_return])
    text = clean_text(reason or "").strip()
    if not text:
        raise ValidationError({"reason": _("Say why the nil return is returned.")})
    nil_return.status = NilReturnStatus.RETURNED
    nil_return.return_reason = text
    nil_return.reviewed_by = actor
    nil_return.reviewed_at = timezone.now()
    _save(nil_return, actor, ["status", "return_reason", "reviewed_by", "reviewed_at"])
    return nil_return


@transaction.atomic
def nil_return_withdraw(*, nil_return: NilReturn, actor: Any) -> NilReturn:
    """Withdraw a submitted or approved nil return (e.g. a late case arrived) while its
    collection period is open; only a clerk of its station. Withdrawing an approved one
    recomputes the scores it counted in."""
    if nil_return.status not in WITHDRAWABLE:
        raise _refuse_status(nil_return, WITHDRAWABLE)
    _clerk_scope(actor=actor, station=nil_return.station)
    _refuse_closed([nil_return])
    was_approved = nil_return.status == NilReturnStatus.APPROVED
    nil_return.status = NilReturnStatus.WITHDRAWN
    _save(nil_return, actor, ["status"])
    if was_approved:
        _recompute([nil_return])
    return nil_return
