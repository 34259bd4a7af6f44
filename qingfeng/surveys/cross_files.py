"""The files of a cross evaluation: its results (each rated unit's mean, count, min and
max, and the matrix of every rater's points) and a rater's blank table for paper, both
.xlsx through ``lib.xlsx`` (every cell sanitised there)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qingfeng.lib.periods import Period, period_label
from qingfeng.lib.xlsx import Sheet, download_name, workbook_bytes
from qingfeng.org.models import Unit
from qingfeng.surveys.models import CrossEvaluation, CrossRater
from qingfeng.surveys.selectors_cross import Board


def _title(evaluation: CrossEvaluation) -> str:
    """The evaluation's name, with its period in words unless the name says it already."""
    period = period_label(Period.parse(evaluation.period))
    return evaluation.name if period in evaluation.name else f"{evaluation.name}（{period}）"


def results_name(evaluation: CrossEvaluation) -> str:
    """The results file's name: 2026年第三季度镇街评部门-结果.xlsx."""
    return download_name(evaluation.name, _("cross evaluation results"))


def results_workbook(board: Board) -> bytes:
    """The results of ``board`` (as its user sees it): the means, then the matrix (raters
    as rows, rated units as columns; 本单位不评 where a rater does not rate a unit)."""
    evaluation = board.evaluation
    full = evaluation.full_points
    means = Sheet(
        name=_("Mean points by unit"),
        title=_title(evaluation),
        headers=[
            _("Unit rated"),
            _("Raters"),
            _("Mean points"),
            _("Lowest points"),
            _("Highest points"),
            _("Full points"),
        ],
        rows=[
            [result.unit.name, result.count, result.mean, result.low, result.high, full]
            for result in board.results
        ],
    )
    own = _("own unit, not rated")
    matrix = Sheet(
        name=_("Each rater's points"),
        title=_title(evaluation),
        headers=[_("Rater"), _("Table handed in"), *(unit.name for unit in board.units)],
        rows=[
            [
                row.name,
                _("yes") if row.submitted else _("table missing"),
                *(own if cell.own else cell.points for cell in row.cells),
            ]
            for row in board.raters
        ],
    )
    return workbook_bytes([means, matrix])


def blank_name(rater: CrossRater) -> str:
    """A rater's blank table's name: 2026年第三季度镇街评部门-东江镇-评分表.xlsx."""
    return download_name(rater.evaluation.name, str(rater), _("rating table"))


def blank_workbook(rater: CrossRater, units: list[Unit]) -> bytes:
    """The table ``rater`` fills on paper: one row per unit it rates, the points empty."""
    evaluation = rater.evaluation
    full = f"{evaluation.full_points:g}"
    sheet = Sheet(
        name=_("Rating table"),
        title=_("%(title)s · rater: %(rater)s · points from 0 to %(full)s")
        % {"title": _title(evaluation), "rater": rater, "full": full},
        headers=[_("No."), _("Unit rated"), _("Points (0—%(full)s)") % {"full": full}],
        rows=[[number, unit.name, None] for number, unit in enumerate(units, start=1)],
    )
    return workbook_bytes([sheet])
