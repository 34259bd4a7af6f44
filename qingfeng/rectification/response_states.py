"""A response to a warning follows the problem it opened in the ledger.

The problem open → the response issued; measures submitted, rectifying or reported →
answered; verified and closed → closed (a problem sent back moves its response back
too). A reminder talk opens no problem: recording the talk closes it
(``monitoring.responses.talk_record``). Stored, not derived, so the register can count
and filter responses by state without reading the ledger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qingfeng.monitoring.models import Response, ResponseState
from qingfeng.monitoring.responses import response_set_state
from qingfeng.rectification.models import Problem, ProblemState

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

RESPONSE_STATE_OF = {
    ProblemState.OPEN: ResponseState.ISSUED,
    ProblemState.MEASURES: ResponseState.ANSWERED,
    ProblemState.RECTIFYING: ResponseState.ANSWERED,
    ProblemState.REPORTED: ResponseState.ANSWERED,
    ProblemState.CLOSED: ResponseState.CLOSED,
}


def response_follow(*, problem: Problem, actor: User | None) -> None:
    """Put the response that opened ``problem`` (if any) in the state its problem's
    state calls for; the ledger's moves call it in their transaction."""
    if problem.response_id is None:
        return
    response = Response.objects.get(pk=problem.response_id)
    state = RESPONSE_STATE_OF[ProblemState(problem.state)]
    response_set_state(response=response, state=state, actor=actor)
