"""Writes to the problem ledger: entering a problem and moving it through its states.

The states and who moves them (views check the capability and scope; these functions
check the state, so no caller can skip a step):

    open ──measures──▶ measures ──accept──▶ rectifying ──report──▶ reported ──close──▶ closed
      ▲                   │                     ▲                     │
      └──── send back ────┘                     └────── send back ────┘

Each move writes one ``ProblemStep`` (who, when, the text given) and the model's
history, in one transaction. An extension moves the deadline and needs a reason.
Overdue is never stored: ``Problem.is_overdue`` derives it from the deadline.

Every move is announced in the inbox (``_announce``): to the unit (its liaisons and
principal leader, a copy to its leaders in charge) when a problem is entered, accepted,
sent back, extended or closed; to the station that found it (its clerks and reviewers;
for a warning's problem, whoever issued the response) when measures or a done report
arrive. Each notice has a key (problem, step), so a step is announced once.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.inbox.models import NoticeKind
from qingfeng.inbox.services import notify
from qingfeng.lib.history import save_validated
from qingfeng.lib.periods import period_label
from qingfeng.rectification.models import (
    Problem,
    ProblemSource,
    ProblemState,
    ProblemStep,
    StepAction,
)
from qingfeng.rectification.response_states import response_follow
from qingfeng.rectification.selectors import station_users

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.monitoring.models import Response

# The number of tries to find a free problem number when two entries race for one.
_NUMBER_TRIES = 5


def _next_number(year: int) -> str:
    """The year's next problem number (2026-000124): one past the highest of the year.
    Numbers are unique by constraint; a race is retried by ``problem_create``."""
    prefix = f"{year}-"
    last = (
        Problem.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def problem_create(*, actor: User | None, **fields: Any) -> Problem:
    """Enter one problem in the ledger (state open) with its first step, numbered in the
    year it is entered. ``fields`` are the model's: ``unit``, ``source``,
    ``description``, ``due`` (required), and optionally ``station``, ``problem_type``,
    ``responsible_person``, ``campaign``, ``warning``, ``response``, ``record``.
    ValidationError (in the user's language) when a field is wrong; nothing is stored."""
    year = timezone.localdate().year
    for attempt in range(_NUMBER_TRIES):
        try:
            with transaction.atomic():
                problem = Problem(number=_next_number(year), created_by=actor, **fields)
                problem.description = problem.description.strip()
                if not problem.description:
                    raise ValidationError({"description": _("Describe the problem.")})
                save_validated(problem, actor, validate_unique=attempt == 0)
                step = ProblemStep.objects.create(
                    problem=problem, action=StepAction.CREATED, actor=actor, new_due=problem.due
                )
                _announce(problem=problem, step=step)
                return problem
        except IntegrityError:
            if attempt == _NUMBER_TRIES - 1:
                raise
    raise AssertionError("unreachable")


def _move(
    *,
    problem: Problem,
    actor: User | None,
    allowed: tuple[str, ...],
    to: str,
    action: str,
    text: str = "",
    required: str = "",
) -> Problem:
    """Move ``problem`` from one of ``allowed`` states to ``to`` and record the step;
    ``required`` is the message when ``text`` must not be empty."""
    with transaction.atomic():
        locked = Problem.objects.select_for_update().get(pk=problem.pk)
        if locked.state not in allowed:
            raise ValidationError(
                _("This problem is “%(state)s”: it cannot be moved that way now.")
                % {"state": locked.get_state_display()}
            )
        text = text.strip()
        if required and not text:
            raise ValidationError({"text": required})
        locked.state = to
        if action == StepAction.MEASURES:
            locked.measures = text
        elif action == StepAction.REPORTED:
            locked.result = text
        locked.closed_at = timezone.now() if to == ProblemState.CLOSED else None
        locked.closed_on = timezone.localdate(locked.closed_at) if locked.closed_at else None
        save_validated(locked, actor)
        step = ProblemStep.objects.create(problem=locked, action=action, actor=actor, text=text)
        response_follow(problem=locked, actor=actor)
        _announce(problem=locked, step=step)
    problem.refresh_from_db()
    return problem


def problem_submit_measures(*, problem: Problem, measures: str, actor: User | None) -> Problem:
    """The unit answers an open problem with its rectification measures (整改措施)."""
    return _move(
        problem=problem,
        actor=actor,
        allowed=(ProblemState.OPEN,),
        to=ProblemState.MEASURES,
        action=StepAction.MEASURES,
        text=measures,
        required=_("Write the rectification measures."),
    )


def problem_accept_measures(*, problem: Problem, actor: User | None, text: str = "") -> Problem:
    """The station accepts the measures: the unit is now rectifying."""
    return _move(
        problem=problem,
        actor=actor,
        allowed=(ProblemState.MEASURES,),
        to=ProblemState.RECTIFYING,
        action=StepAction.ACCEPTED,
        text=text,
    )


def problem_report_done(*, problem: Problem, result: str, actor: User | None) -> Problem:
    """The unit reports the rectification done, saying what was done (evidence files are
    attached separately)."""
    return _move(
        problem=problem,
        actor=actor,
        allowed=(ProblemState.RECTIFYING,),
        to=ProblemState.REPORTED,
        action=StepAction.REPORTED,
        text=result,
        required=_("Say what was done to rectify the problem."),
    )


def problem_close(*, problem: Problem, actor: User | None, text: str = "") -> Problem:
    """The station verifies the reported rectification and closes the problem (销号)."""
    return _move(
        problem=problem,
        actor=actor,
        allowed=(ProblemState.REPORTED,),
        to=ProblemState.CLOSED,
        action=StepAction.CLOSED,
        text=text,
    )


def problem_send_back(*, problem: Problem, reason: str, actor: User | None) -> Problem:
    """The station sends submitted measures or a reported rectification back, with a
    reason: measures go back to open, a report back to rectifying."""
    target = {
        ProblemState.MEASURES: ProblemState.OPEN,
        ProblemState.REPORTED: ProblemState.RECTIFYING,
    }.get(ProblemState(problem.state), ProblemState.OPEN)
    return _move(
        problem=problem,
        actor=actor,
        allowed=(ProblemState.MEASURES, ProblemState.REPORTED),
        to=target,
        action=StepAction.RETURNED,
        text=reason,
        required=_("Give the reason for sending it back."),
    )


@transaction.atomic
def problem_extend(
    *, problem: Problem, due: datetime.date, reason: str, actor: User | None
) -> Problem:
    """Move a problem's deadline later, with a reason; a closed problem keeps its own."""
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    reason = reason.strip()
    if locked.state == ProblemState.CLOSED:
        raise ValidationError(_("A closed problem keeps its deadline."))
    if not reason:
        raise ValidationError({"text": _("An extension needs a reason.")})
    if due <= locked.due:
        raise ValidationError({"due": _("The new deadline must be after the current one.")})
    old = locked.due
    locked.due = due
    save_validated(locked, actor)
    step = ProblemStep.objects.create(
        problem=locked,
        action=StepAction.EXTENDED,
        actor=actor,
        text=reason,
        old_due=old,
        new_due=due,
    )
    _announce(problem=locked, step=step)
    problem.refresh_from_db()
    return problem


# Steps the unit is told of, and those the station is told of.
_TO_UNIT = (
    StepAction.CREATED,
    StepAction.ACCEPTED,
    StepAction.RETURNED,
    StepAction.EXTENDED,
    StepAction.CLOSED,
)
_TO_STATION = (StepAction.MEASURES, StepAction.REPORTED)


def _announce(*, problem: Problem, step: ProblemStep) -> None:
    """Tell the unit or the station of ``step`` (module docstring): a notice linking to
    the problem, keyed by the step so it is written once."""
    subject = {
        StepAction.CREATED: _("A problem to rectify: %(number)s"),
        StepAction.ACCEPTED: _("Measures accepted, rectify: %(number)s"),
        StepAction.RETURNED: _("Sent back: %(number)s"),
        StepAction.EXTENDED: _("Deadline extended: %(number)s"),
        StepAction.CLOSED: _("Verified and closed: %(number)s"),
        StepAction.MEASURES: _("Measures submitted: %(number)s"),
        StepAction.REPORTED: _("Rectification reported done: %(number)s"),
    }[StepAction(step.action)] % {"number": problem.number}
    title = f"{problem.unit.name} · {subject}"
    body = problem.description[:300]
    if step.text:
        body = f"{body}\n{step.get_action_display()}: {step.text[:500]}"
    link = reverse("rectification:problem_detail", args=[problem.pk])
    key = f"problem-{problem.pk}-step-{step.pk}"
    if step.action == StepAction.CREATED and problem.response_id is not None:
        # The response's own notice told the unit (``responses_issue_with_problems``
        # points it at this problem): one notice, not two.
        return
    if step.action in _TO_UNIT:
        closing = step.action == StepAction.CLOSED
        notify(
            unit=problem.unit,
            kind=NoticeKind.NOTICE if step.action == StepAction.CREATED else NoticeKind.INFO,
            due=None if closing else problem.due,
            copy_in_charge=step.action in (StepAction.CREATED, StepAction.CLOSED),
            title=title,
            body=body,
            link=link,
            key=key,
        )
    elif step.action in _TO_STATION:
        if problem.station_id is not None:
            users = list(station_users(problem.station))  # type: ignore[arg-type]
        else:
            users = [problem.created_by] if problem.created_by else []
        if users:
            notify(users=users, title=title, body=body, link=link, key=key)


def problem_from_response(*, response: Response, actor: User | None) -> Problem:
    """Open the ledger's problem for a response that asks the unit to rectify (a notice,
    a recommendation, an accountability review): the warning's unit, the response's
    deadline, a description naming the warning. Called in the transaction that issues
    the response, so both are stored or neither."""
    warning = response.warning
    subject = warning.node_name or _("total score")
    description = _("%(response)s on the warning of %(period)s: %(subject)s") % {
        "response": response.get_kind_display(),
        "period": period_label(warning.period),
        "subject": subject,
    }
    return problem_create(
        actor=actor,
        unit=warning.unit,
        source=ProblemSource.WARNING,
        description=description,
        due=response.due or timezone.localdate(),
        warning=warning,
        response=response,
    )
