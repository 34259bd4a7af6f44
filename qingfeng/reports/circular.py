"""The circular (通报) of a period's ranking: the ranking table exactly as the overview
shows it for the maker's scope (rank, change, unit, category, total, band), the units in
the two most severe bands and the vetoed ones named, the units that rose most named,
the analyst's paragraphs. Every ranked unit receives it once issued.

Figures from ``region.region_period`` (the overview's selectors); the sentences are
written here by rules from them (docs/reports-region.md).
"""

from __future__ import annotations

from typing import Any

from qingfeng.framework.selectors import band_levels
from qingfeng.lib.periods import period_label
from qingfeng.org.models import Unit
from qingfeng.reports.kinds import Built, Subject
from qingfeng.reports.region import (
    RegionPeriod,
    band_words,
    names,
    ranking_row,
    region_period,
    score,
)

NAMED_BANDS = 2  # the most severe bands whose units the circular names
RISERS = 5  # the units that rose most, named


def build(*, subject: Subject, user: Any) -> Built:
    """The circular of ``subject``'s period ranking as ``user`` may see it."""
    now = region_period(subject=subject, user=user)
    label = period_label(subject.period)
    title = f"关于{label}{subject.region.name}政治生态监测评价结果的通报"
    ranked = [row for row in now.ranking if row.rank is not None]
    context = {
        "recipient": "各有关单位",
        "opening": (
            f"按照《{subject.framework.name}》，对{subject.region.name}"
            f"{now.figures.units}个单位{label}政治生态情况进行了监测评价。"
            "现将评价结果通报如下。"
        ),
        "summary": summary(now),
        "ranking": [ranking_row(row, comparable=now.comparable) for row in now.ranking],
        "warned_text": warned(now),
        "improved_text": improved(now),
    }
    units = list(Unit.objects.filter(pk__in=[row.unit_pk for row in ranked]).order_by("code"))
    return Built(context=context, title=title, filename=title, units=units)


def summary(now: RegionPeriod) -> str:
    """Units ranked, mean and the count per band (overview_figures)."""
    f = now.figures
    counted = "、".join(f"{band_words(band)}{n}个" for band, n in f.bands)
    text = f"本期参加排名单位{f.units}个，平均得分{score(f.mean)}分；其中{counted}"
    if f.vetoed:
        text += f"，一票否决{f.vetoed}个"
    return text + "。"


def warned(now: RegionPeriod) -> str:
    """The units of the version's two most severe bands, and the vetoed units, by name in
    the ranking's order."""
    severe = list(reversed(band_levels(now.results.version)[1:]))[:NAMED_BANDS]
    sentences = []
    for band in severe:
        units = [row.name for row in now.ranking if row.band == band and not row.vetoed]
        if units:
            sentences.append(
                f"综合得分处于{band_words(band)}档次的单位（{len(units)}个）：{names(units)}"
            )
    vetoed = [row.name for row in now.ranking if row.vetoed]
    if vetoed:
        sentences.append(f"被一票否决的单位（{len(vetoed)}个）：{names(vetoed)}")
    if not sentences:
        listed = "、".join(band_words(band) for band in severe)
        return f"本期无单位处于{listed}档次，无单位被一票否决。"
    return "；".join(sentences) + "。"


def improved(now: RegionPeriod) -> str:
    """The units whose stored rank rose most since the previous period, and how many
    moved to a milder band; nothing said when the periods may not be compared."""
    if not now.comparable:
        return ""
    previous = period_label(now.figures.previous_period)
    risers = sorted(
        (row for row in now.ranking if (row.rank_change or 0) > 0),
        key=lambda row: (-(row.rank_change or 0), row.rank or 0),
    )[:RISERS]
    text = f"与{previous}相比，{now.figures.moved_up or 0}个单位档次好转"
    if risers:
        text += "；排名上升较多的有" + names(
            [f"{row.name}（上升{row.rank_change}名）" for row in risers]
        )
    return text + "。"
