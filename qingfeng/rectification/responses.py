"""Responses to warnings as the ledger sees them: issuing responses with the problems
their documents open, and keeping a response's state in step with its problem.

Here rather than in ``monitoring`` because the ledger sits above the register: issuing a
response and opening its problem must commit together, and only this layer sees both.

How a response follows its problem's state: ``rectification.response_states``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse

from qingfeng.inbox.services import notices_relink
from qingfeng.monitoring.models import Response
from qingfeng.monitoring.responses import (
    DOCUMENT_KINDS,
    response_notice_key,
    responses_issue,
)
from qingfeng.rectification.services import problem_from_response

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.monitoring.models import Warning


@transaction.atomic
def responses_issue_with_problems(
    *,
    warnings: Iterable[Warning],
    actor: User,
    kind: str | None = None,
    due: datetime.date | None = None,
    text: str = "",
    today: datetime.date | None = None,
) -> list[Response]:
    """``monitoring.responses.responses_issue`` and, for each response issued with a
    document, the ledger's problem for the unit to rectify, all in one transaction."""
    responses = responses_issue(
        warnings=warnings, actor=actor, kind=kind, due=due, text=text, today=today
    )
    for response in responses:
        if response.kind in DOCUMENT_KINDS:
            problem = problem_from_response(response=response, actor=actor)
            # The unit's notice leads to where it answers: the problem's page.
            notices_relink(
                key=response_notice_key(response),
                link=reverse("rectification:problem_detail", args=[problem.pk]),
            )
    return responses
