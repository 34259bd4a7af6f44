"""The compact notation of warning bands and grades: ``blue<0.9, yellow<0.8`` and
``一等:10, 二等:8``.

A user meets it in the version and indicator forms and in the bands and grades cells of
the framework workbook; both read and write it here, so the forms and the files accept
the same text and say the same when it is badly written.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

# Characters of the notation: a band level or a grade name cannot contain them.
SEPARATORS = ",，、;；:：<\n"
# A bands text switching the warnings off (an empty list), as opposed to an empty text.
NO_BANDS = ("none", "无", "-")

_ITEMS = re.compile(r"[,，、;；\n]+")
_INTEGER = re.compile(r"^[+-]?\d+$")


class NotationError(ValueError):
    """Text that is not written in the notation; the message (in the active language)
    shows how to write it and quotes the part that is wrong."""


def _number(written: str) -> int | float | None:
    """A number as int when integral, else float; None when the text is no number."""
    written = written.strip()
    if _INTEGER.match(written):
        return int(written)
    try:
        value = float(written)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def _parts(written: str) -> list[str]:
    return [part for part in (p.strip() for p in _ITEMS.split(written or "")) if part]


# The usual levels by their Chinese names (蓝色<0.9 as the help text of the forms says): a
# framework stores the codes of docs/design.md.
BAND_CODES = {
    "绿色": "green",
    "蓝色": "blue",
    "黄色": "yellow",
    "橙色": "orange",
    "红色": "red",
    "绿": "green",
    "蓝": "blue",
    "黄": "yellow",
    "橙": "orange",
    "红": "red",
}


def parse_bands(written: str) -> list[dict[str, Any]]:
    """``blue<0.9, yellow<0.8`` (or 蓝色<0.9, 黄色<0.8) as ``[{level, below}, …]``; ``none``
    (无, -) as ``[]``."""
    if written.strip().lower() in NO_BANDS:
        return []
    bands = []
    for part in _parts(written):
        level, sep, below = part.partition("<")
        value = _number(below)
        if not sep or not level.strip() or value is None:
            raise NotationError(
                _('write bands as level<fraction, e.g. blue<0.9, yellow<0.8 (not "%(part)s")')
                % {"part": part}
            )
        level = level.strip()
        bands.append({"level": BAND_CODES.get(level, level), "below": value})
    return bands


def parse_grades(written: str) -> dict[str, int | float]:
    """``一等:10, 二等:8`` (also with ``：``) as ``{grade: points}``."""
    grades: dict[str, int | float] = {}
    for part in _parts(written):
        grade, sep, points = part.replace("：", ":").rpartition(":")
        grade = grade.strip()
        value = _number(points)
        if not sep or not grade or value is None:
            raise NotationError(
                _('write grades as grade:points, e.g. 一等:10, 二等:8 (not "%(part)s")')
                % {"part": part}
            )
        if grade in grades:
            raise NotationError(_('duplicate grade "%(grade)s"') % {"grade": grade})
        grades[grade] = value
    return grades


def number_text(value: float) -> str:
    """A number as people write it: 10, 2.5, 0.9."""
    return f"{value:.10g}"


def bands_text(bands: list[dict[str, Any]] | None, *, nothing: str = NO_BANDS[0]) -> str:
    """Bands in the notation; ``nothing`` (``none`` in files; a form shows its own
    language's word, which the parser also reads) for an empty list (warnings off), ``""``
    for None."""
    if bands is None:
        return ""
    if not bands:
        return nothing
    return ", ".join(f"{band['level']}<{number_text(band['below'])}" for band in bands)


def grades_text(grades: dict[str, Any] | None) -> str:
    """Grades in the notation: ``一等:10, 二等:8``."""
    return ", ".join(f"{grade}:{number_text(points)}" for grade, points in (grades or {}).items())
