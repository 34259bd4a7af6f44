"""What scoring needs from the apps that collect data, and nothing about where it comes
from: a source of records (today ``records.selectors.records_for_scoring``; later surveys
and duty records) hands the period's approved records over as plain rows, which
``scoring.services.score_period`` turns into the engine's arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from qingfeng.framework.models import Framework
    from qingfeng.lib.periods import Period

# An absent number (NULL points, quantity or value) is delivered as this sentinel rather
# than None, so numpy converts whole columns in C; scoring turns it into NaN ("absent").
ABSENT = -1.0e300

# One record: id, unit id, indicator code, points, quantity, value, grade ("" for none).
RecordRow = tuple[int, int, str, float, float, float, str]


class RecordReader(Protocol):
    """Reads the approved records of ``framework`` dated within ``period`` as rows."""

    def __call__(self, *, framework: Framework, period: Period) -> list[RecordRow]: ...
